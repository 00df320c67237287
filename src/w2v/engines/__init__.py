"""The training engines behind one interface, chosen once from the config.

An engine trains ``W_in`` and ``W_out`` in place over ``config.epochs`` epochs of an encoded
corpus, following :mod:`w2v.schedule` (batches, seeds, learning rate) with the lookup tables
of :mod:`w2v.tables`, and returns the mean loss of each epoch. It never builds a model:
:class:`w2v.Word2Vec` (and :func:`w2v.spark.fit`) read the corpus, make the weights with
:func:`w2v.model.init_weights`, call the engine, and build the model from the result.

* :class:`~w2v.engines.cpu.CpuEngine` — the Numba kernels on Hogwild threads (default);
* :class:`~w2v.engines.torch.TorchEngine` — PyTorch on a GPU, when ``config.device`` is set;
* :class:`~w2v.engines.spark.SparkEngine` — partitions of a Spark RDD, synchronised in
  rounds (``w2v.spark``; each partition trains with the CPU engine).

A new engine is one module here implementing :class:`Engine`, and one line in
:func:`engine_for`. torch and pyspark are imported only by the engines that need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from ..config import TrainConfig
    from ..schedule import TrainState
    from ..tables import Tables
    from ..vocab import Vocabulary

#: ``on_epoch_end(epoch, loss)``: called after every epoch, with the weights up to date. A
#: str it returns (e.g. the held-out loss) is shown in the progress bar from then on.
EpochCallback = Callable[[int, float], object]


@dataclass(frozen=True)
class Checkpoints:
    """When and how an engine hands over its state between batches.

    ``save(state, reason)`` is called at a barrier (no batch running) after ``every_words``
    trained words or ``every_seconds`` seconds since the last call (reason ``"every"``), and
    on Ctrl-C once the running batches have finished (reason ``"interrupt"``; then
    KeyboardInterrupt propagates). Either interval may be None.
    """

    save: Callable[[TrainState, str], object]
    every_words: int | None = None
    every_seconds: float | None = None


@dataclass(frozen=True)
class LockedRows:
    """Rows of W_in that training must leave as they are (``fit(lock_init=True)``).

    ``rows`` (int64, sorted) are the row numbers and ``values`` (len(rows), dim) float32
    their fixed contents. An engine that supports it takes ``locked=`` in :meth:`Engine.train`
    and has ``supports_locked_rows = True``; only the CPU engine does.
    """

    rows: np.ndarray
    values: np.ndarray


class Engine(Protocol):
    """What every engine implements."""

    #: Short name, shown in messages (``"cpu"``, ``"torch"``, ``"spark"``).
    name: str
    #: Whether :meth:`train` takes ``start`` and ``checkpoints`` (resumable fits).
    supports_checkpoints: bool

    def check(self, config: TrainConfig) -> None:
        """Fail at once (one-line W2VError) if this engine cannot train ``config`` here: a
        missing device or extra. Called first, before anything is read."""

    def prepare(self, config: TrainConfig) -> None:
        """Load what training with ``config`` needs (compiled code), once the corpus path is
        known to exist and before the corpus is read."""

    def train(
        self,
        config: TrainConfig,
        vocab: Vocabulary,
        corpus: object,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        tables: Tables | None = None,
        progress: bool = False,
        on_epoch_end: EpochCallback | None = None,
        start: TrainState | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> list[float]:
        """Train W_in and W_out in place; return the mean loss of each epoch trained.

        ``tables`` default to :func:`w2v.tables.build_tables` of (config, vocab); ``start``
        resumes from a :class:`~w2v.schedule.TrainState` (its finished epochs' losses are
        part of the result). Raises :class:`w2v.errors.TrainingDivergedError` when the loss
        or the weights stop being finite.
        """
        ...


def engine_for(config: TrainConfig) -> Engine:
    """The engine ``config`` asks for: PyTorch when ``config.device`` is set, else the CPU."""
    if config.device is not None:
        from .torch import TorchEngine

        return TorchEngine()
    from .cpu import CpuEngine

    return CpuEngine()
