"""Figures off-screen and saved atomically: the matplotlib plumbing every w2v picture shares.

matplotlib (the ``plot`` extra) is imported only when a picture is drawn. Figures live on
matplotlib's Agg canvas, outside pyplot, so pyplot's global state and the user's interactive
backend are left alone. A picture is written to a temporary file beside its target and
renamed over it, so a failed save leaves any previous picture intact; the format follows the
file suffix (``.png``, ``.svg``, ``.pdf``, ...).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ._files import atomic_write, check_output_path
from .errors import MissingExtraError, OutputPathError, PlotError, install_hint

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FIGSIZE = (8.0, 6.0)  # inches
DPI = 150
MATPLOTLIB_HINT = f"Plotting needs matplotlib: {install_hint('plot')}"


def require_matplotlib() -> None:
    """Import matplotlib or raise MissingExtraError with the install hint."""
    try:
        import matplotlib  # first: a stubbed-out parent must fail here
        import matplotlib.figure  # noqa: F401
        from matplotlib.backends import backend_agg  # noqa: F401
    except ImportError:
        raise MissingExtraError(MATPLOTLIB_HINT) from None


def new_figure() -> Figure:
    """A figure on a non-interactive Agg canvas, outside pyplot (nothing to close or show)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def check_image_path(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The output path and its image format; PlotError if the folder or suffix is unusable."""
    require_matplotlib()
    from matplotlib.backend_bases import FigureCanvasBase

    try:
        out = check_output_path(path)
    except OutputPathError as exc:
        raise PlotError(str(exc)) from None
    fmt = out.suffix.lower().lstrip(".")
    supported = FigureCanvasBase.get_supported_filetypes()
    if fmt not in supported:
        raise PlotError(
            f"Cannot tell the image format of {str(out)!r} from its suffix; "
            f"use one of {', '.join('.' + s for s in sorted(supported))}."
        )
    return out, fmt


def save_figure(fig: Figure, path: Path, fmt: str) -> Path:
    """Write ``fig`` to ``path`` atomically in format ``fmt``; return ``path``."""
    with atomic_write(path) as fh:
        fig.savefig(fh, format=fmt, dpi=DPI, bbox_inches="tight", pad_inches=0.15)
    return path
