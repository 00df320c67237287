"""The progress bars of long work (training, phrase counting): tqdm on stderr, or nothing."""

from __future__ import annotations

import sys
from typing import Any


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
