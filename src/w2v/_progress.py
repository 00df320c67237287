"""Progress shown on stderr during long work (training, phrase counting): tqdm, or nothing."""

from __future__ import annotations

import sys
from typing import Any


def show_progress(progress: bool | None) -> bool:
    """Whether to show progress: ``progress`` if given, else whether stderr is a terminal."""
    return sys.stderr.isatty() if progress is None else bool(progress)


def progress_bar(enabled: bool, **options: Any) -> Any:
    """A tqdm bar counting words on stderr (resizing, redrawn at most twice a second), or None.

    ``options`` go to tqdm (``desc``, ``total``, ``initial``, ``bar_format`` …). tqdm is
    imported only when a bar is shown.
    """
    if not enabled:
        return None
    from tqdm.auto import tqdm

    defaults = dict(unit="w", unit_scale=True, file=sys.stderr, dynamic_ncols=True)
    return tqdm(**{**defaults, "mininterval": 0.5, **options})


#: Passes shorter than this (reading a small corpus, a quick evaluation) print no bar at all.
QUIET_SECONDS = 1.0


def quiet_bar(enabled: bool, **options: Any) -> Any:
    """:func:`progress_bar` that shows itself only after :data:`QUIET_SECONDS` of work, so that
    short passes leave no output (and a following error stays the only line)."""
    return progress_bar(enabled, **{"delay": QUIET_SECONDS, **options})


def on_terminal() -> bool:
    """Whether stderr is a terminal (where one-off notices, such as compiling, are shown)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class TrainingProgress:
    """A training progress bar on stderr: percent, words/s, learning rate, running loss, ETA.

    Counts corpus words over all epochs; every engine updates it the same way. The update
    that reaches ``total`` closes the bar, so its final state is printed once, before the
    line a caller writes for the last epoch (which would otherwise redraw it once more).
    """

    def __init__(self, total: int, enabled: bool, initial: int = 0):
        self.total = total
        self.bar = progress_bar(
            enabled,
            total=total,
            initial=initial,
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
            "{rate_fmt}{postfix}]",
        )
        self.shown = initial
        self.note = ""  # shown after the running loss, e.g. the last held-out loss

    @property
    def enabled(self) -> bool:
        """Whether a bar is shown."""
        return self.bar is not None

    def update(self, done: int, lr: float, loss: float, epoch: int) -> None:
        """Show ``done`` words trained, at learning rate ``lr`` and running ``loss``."""
        if self.bar is None:
            return
        note = f" {self.note}" if self.note else ""
        self.bar.set_postfix_str(
            f"epoch {epoch + 1} lr {lr:.5f} loss {loss:.4f}{note}", refresh=False
        )
        if done >= self.total:  # the end: shown by close(), once
            self.bar.n = done
            self.close()
        else:
            self.bar.update(done - self.shown)
        self.shown = done

    def show(self, status: object) -> None:
        """Keep showing ``status`` (an epoch callback's return value) if it is a str."""
        if isinstance(status, str):
            self.note = status

    def close(self) -> None:
        """Close the bar (print its last state once); later calls do nothing."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class ReadProgress:
    """A pass over a corpus on stderr: the bytes of its files read (with the ETA) and the words.

    ``total_bytes`` is the corpus's size on disk (None for an in-memory corpus: then words are
    counted, with no ETA). :meth:`update` is cheap between redraws: it redraws only when the
    reader has moved on by a block of bytes, or by ``_WORDS_STEP`` words. A pass shorter than
    :data:`QUIET_SECONDS` prints nothing.
    """

    _WORDS_STEP = 100_000

    def __init__(self, total_bytes: int | None, enabled: bool, desc: str = "reading corpus"):
        self.by_bytes = bool(total_bytes)
        if self.by_bytes:
            self.bar = quiet_bar(enabled, desc=desc, total=total_bytes, unit="B", unit_divisor=1024)
        else:
            self.bar = quiet_bar(enabled, desc=desc)
        self.shown = 0

    def update(self, bytes_read: int, words: int) -> None:
        """The reader has read ``bytes_read`` bytes of the files and ``words`` words."""
        if self.bar is None:
            return
        now = bytes_read if self.by_bytes else words
        if now == self.shown or (not self.by_bytes and now - self.shown < self._WORDS_STEP):
            return
        if self.by_bytes:
            self.bar.set_postfix_str(f"{words:,} words", refresh=False)
        self.bar.update(now - self.shown)
        self.shown = now

    def close(self, bytes_read: int, words: int) -> None:
        """Show the final counts and close the bar (its last state printed once)."""
        if self.bar is None:
            return
        if self.by_bytes:
            self.bar.set_postfix_str(f"{words:,} words", refresh=False)
        self.bar.n = bytes_read if self.by_bytes else words
        self.bar.close()
        self.bar = None
