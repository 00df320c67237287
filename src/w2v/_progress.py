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


class TrainingProgress:
    """A training progress bar on stderr: percent, words/s, learning rate, running loss, ETA.

    Counts corpus words over all epochs; every engine updates it the same way.
    """

    def __init__(self, total: int, enabled: bool, initial: int = 0):
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
        self.bar.update(done - self.shown)
        self.shown = done

    def show(self, status: object) -> None:
        """Keep showing ``status`` (an epoch callback's return value) if it is a str."""
        if isinstance(status, str):
            self.note = status

    def close(self) -> None:
        """Close the bar (print its last state once)."""
        if self.bar is not None:
            self.bar.close()
