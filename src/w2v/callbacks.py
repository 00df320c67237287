"""Training callbacks: w2v's ``cb(model, epoch, loss)`` functions and gensim-style objects.

A function is called as ``cb(model, epoch, loss)`` after every epoch. An object with any of
gensim's ``CallbackAny2Vec`` methods (``on_train_begin``, ``on_epoch_begin``,
``on_epoch_end``, ``on_train_end``, each taking the model) has those called at those points,
so callbacks written for gensim work unchanged. :class:`TrainingHooks` calls both kinds, in
the order given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import ConfigError

#: gensim's CallbackAny2Vec methods, each called with the model.
GENSIM_METHODS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


def _is_gensim_style(cb: object) -> bool:
    return any(callable(getattr(cb, name, None)) for name in GENSIM_METHODS)


def as_callbacks(callbacks: object) -> tuple[Any, ...]:
    """``callbacks`` as a tuple, each checked; ConfigError naming one that is neither kind.

    A single callback (not in a list) is accepted too.
    """
    if callbacks is None:
        return ()
    if callable(callbacks) or _is_gensim_style(callbacks):
        callbacks = [callbacks]
    if not isinstance(callbacks, Iterable) or isinstance(callbacks, str | bytes):
        raise ConfigError(f"callbacks must be a list of callbacks; got {callbacks!r}.")
    found = tuple(callbacks)
    for cb in found:
        if not (callable(cb) or _is_gensim_style(cb)):
            raise ConfigError(
                f"callbacks: {cb!r} is neither a function cb(model, epoch, loss) nor an object "
                "with on_epoch_end(model) (gensim's CallbackAny2Vec methods)."
            )
    return found


class TrainingHooks:
    """Calls each callback at the points it asks for during one fit (or resume).

    ``first_epoch`` is the epoch training starts in (0, or a resumed fit's epoch) and
    ``epochs`` the fit's number of epochs: ``on_epoch_begin`` of epoch e + 1 is called right
    after the end of epoch e, when one follows.
    """

    def __init__(
        self, model: object, callbacks: Iterable[Any], first_epoch: int, epochs: int
    ) -> None:
        self.model, self.epochs = model, epochs
        self.first_epoch = first_epoch
        self.callbacks = [(cb, _is_gensim_style(cb)) for cb in callbacks]

    def __bool__(self) -> bool:
        return bool(self.callbacks)

    def _call(self, method: str) -> None:
        for cb, gensim_style in self.callbacks:
            hook = getattr(cb, method, None) if gensim_style else None
            if callable(hook):
                hook(self.model)

    def train_begin(self) -> None:
        """Before the first batch: on_train_begin, then on_epoch_begin of the first epoch."""
        self._call("on_train_begin")
        if self.first_epoch < self.epochs:
            self._call("on_epoch_begin")

    def epoch_end(self, epoch: int, loss: float) -> None:
        """After epoch ``epoch``: the functions and on_epoch_end, then the next epoch's begin."""
        for cb, gensim_style in self.callbacks:
            if not gensim_style:
                cb(self.model, epoch, loss)
            elif callable(hook := getattr(cb, "on_epoch_end", None)):
                hook(self.model)
        if epoch + 1 < self.epochs:
            self._call("on_epoch_begin")

    def train_end(self) -> None:
        """After the last epoch of a fit that finished: on_train_end."""
        self._call("on_train_end")
