"""Pictures: a 2-D map of words and their nearest neighbours, and the training-loss curve.

Needs the optional ``plot`` extra (matplotlib; t-SNE also needs scikit-learn), imported only
when a picture is drawn. Figures are drawn off-screen and written atomically (see
:mod:`w2v._figures`); the format follows the file suffix (``.png``, ``.svg``, ``.pdf``, ...).
The command ``w2v plot VECTORS WORD... -o map.png`` (in :mod:`w2v.cli`) draws the word map.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._figures import check_image_path, new_figure, require_matplotlib, save_figure
from ._fonts import display_text, label_fonts, many_labels_note, undrawable_note
from .errors import MissingExtraError, PlotError, PlotWarning

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .vectors import KeyedVectors

__all__ = [
    "METHODS",
    "check_output",
    "plot_loss",
    "plot_words",
    "project_2d",
]

METHODS = ("pca", "tsne")
#: More labels than this on one word map draw a PlotWarning: they overlap and are slow to place.
MANY_LABELS = 300
_AXIS_NAMES = {"pca": "PC", "tsne": "t-SNE"}
_SKLEARN_HINT = "The t-SNE projection needs scikit-learn: pip install scikit-learn"


def check_output(path: str | os.PathLike[str]) -> Path:
    """Check up front that a picture can be written to ``path``.

    Call it before a long computation whose result will be plotted (e.g. before training
    for ``w2v train --plot-loss``), so that a typo fails at once.

    Parameters
    ----------
    path : str or PathLike
        The picture to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MissingExtraError
        If matplotlib is not installed.
    PlotError
        If the folder does not exist or is read-only, ``path`` is a folder, or the suffix
        names no image format matplotlib writes.
    """
    return check_image_path(path)[0]


# -- projection ---------------------------------------------------------------------------
def project_2d(vectors: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """Project row vectors to two dimensions.

    Parameters
    ----------
    vectors : (n, dim) array_like
        One row per point.
    method : {"pca", "tsne"}
        ``"pca"``: the first two principal components, from NumPy's SVD of the centred rows
        (each component's sign is fixed so that its largest-magnitude coordinate is
        positive; components beyond the rank of the data are zero). ``"tsne"``:
        scikit-learn's t-SNE with PCA initialisation and a perplexity clamped below the
        number of points (``min(30, max(1, (n - 1) / 3))``).
    seed : int
        Random state of t-SNE (PCA is deterministic).

    Returns
    -------
    (n, 2) ndarray of float64
        The coordinates.

    Raises
    ------
    ValueError
        If ``vectors`` is not a non-empty 2-D array of finite values, or ``method`` is
        unknown.
    MissingExtraError
        If ``method="tsne"`` and scikit-learn is not installed.

    Examples
    --------
    >>> pts = np.array([[0.0, 0.0, 1.0], [3.0, 0.0, 1.0], [0.0, 4.0, 1.0]])
    >>> xy = project_2d(pts)
    >>> round(float(np.linalg.norm(xy[1] - xy[2])), 6)
    5.0
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] == 0:
        raise PlotError(f"project_2d needs a non-empty (n, dim) array, got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise PlotError("project_2d needs finite vectors; some are NaN or infinite.")
    if method not in METHODS:
        raise PlotError(f"Unknown projection method {method!r}; use one of {METHODS}.")
    n = x.shape[0]
    out = np.zeros((n, 2))
    if method == "pca":
        centred = x - x.mean(axis=0)
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        k = min(2, int(np.sum(s > s[0] * 1e-12)) if s.size and s[0] > 0 else 0)
        coords = centred @ vt[:k].T
        for j in range(k):
            if coords[np.argmax(np.abs(coords[:, j])), j] < 0:
                coords[:, j] = -coords[:, j]
        out[:, :k] = coords
        return out
    try:
        import sklearn  # noqa: F401  (imported first: a stubbed-out parent must fail here)
        from sklearn.manifold import TSNE
    except ImportError:
        raise MissingExtraError(_SKLEARN_HINT) from None
    if n < 2:
        return out
    perplexity = min(30.0, max(1.0, (n - 1) / 3))
    tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
    return np.asarray(tsne.fit_transform(x), dtype=np.float64)


# -- word map -----------------------------------------------------------------------------
def _group_colours(n: int) -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def _equal_aspect_limits(
    ax: Axes, xy: np.ndarray, pad: float = 0.12
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Limits holding all points with a margin, with one data unit as long on both axes."""
    box = ax.get_window_extent()
    w_px, h_px = max(box.width, 1.0), max(box.height, 1.0)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    centre = (lo + hi) / 2
    span = hi - lo
    if span.max() <= 0:  # a single point (or all in one place)
        span = np.ones(2)
    span = span * (1 + 2 * pad)
    per_px = max(span[0] / w_px, span[1] / h_px)  # data units per pixel, the same on both axes
    half = np.array([w_px, h_px]) * per_px / 2
    return (
        (float(centre[0] - half[0]), float(centre[0] + half[0])),
        (float(centre[1] - half[1]), float(centre[1] + half[1])),
    )


# Label offsets (points beyond the marker's edge) around a marker, in order of preference,
# with the text alignment that keeps the label on that side; a second, wider ring is tried
# when every position of the first overlaps something.
_DIRECTIONS = [
    ((0.7, 0.5), "left", "bottom"),
    ((0.7, -0.5), "left", "top"),
    ((-0.7, 0.5), "right", "bottom"),
    ((-0.7, -0.5), "right", "top"),
    ((0.0, 1.0), "center", "bottom"),
    ((0.0, -1.0), "center", "top"),
    ((1.0, 0.0), "left", "center"),
    ((-1.0, 0.0), "right", "center"),
]
_RINGS = (3.0, 10.0, 18.0, 28.0, 40.0)  # points
_QUERY_RADIUS = 6.5  # marker half-widths, points
_NEIGHBOUR_RADIUS = 2.5


def _overlap(a: Any, b: Any) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _place_labels(
    ax: Axes,
    xy: np.ndarray,
    labels: Sequence[str],
    styles: Sequence[dict[str, Any]],
    radii: Sequence[float],
) -> None:
    """Annotate each point, choosing per label the position that overlaps least.

    Labels are placed in the given order (put the important ones first). Each tries the
    positions of ``_DIRECTIONS`` on each of ``_RINGS`` in turn and takes the first with the
    least weighted overlap with: the labels already placed (kept a small gap apart; weighted
    most), the markers (``radii`` in points; query markers count double) and the outside of
    the axes. A label pushed beyond the first ring gets a thin leader line to its point.
    """
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    px_per_pt = fig.dpi / 72
    gap = 1.5 * px_per_pt
    centres = ax.transData.transform(xy)
    markers = [
        Bbox([[x - r * px_per_pt, y - r * px_per_pt], [x + r * px_per_pt, y + r * px_per_pt]])
        for (x, y), r in zip(centres, radii, strict=True)
    ]
    marker_weight = [2.0 if r > _NEIGHBOUR_RADIUS else 1.0 for r in radii]
    placed: list[Any] = []
    for i, (label, style) in enumerate(zip(labels, styles, strict=True)):
        probe = ax.annotate(label, xy[i], ha="left", va="bottom", **style)
        size = probe.get_window_extent(renderer)
        probe.remove()
        w, h = size.width, size.height
        best: tuple[float, int, Any, tuple[float, float], str, str] | None = None
        for k, ring in enumerate(_RINGS):
            for (dx, dy), ha, va in _DIRECTIONS:
                offset = (dx * (radii[i] + ring), dy * (radii[i] + ring))
                ax_ = centres[i, 0] + offset[0] * px_per_pt  # the text's anchor, pixels
                ay_ = centres[i, 1] + offset[1] * px_per_pt
                x0 = {"left": ax_, "right": ax_ - w, "center": ax_ - w / 2}[ha]
                y0 = {"bottom": ay_, "top": ay_ - h, "center": ay_ - h / 2}[va]
                box = Bbox([[x0, y0], [x0 + w, y0 + h]]).padded(gap)
                cost = 3.0 * sum(_overlap(box, p) for p in placed)
                cost += sum(
                    m_w * _overlap(box, m)
                    for j, (m, m_w) in enumerate(zip(markers, marker_weight, strict=True))
                    if j != i
                )
                cost += 4.0 * (box.width * box.height - _overlap(box, frame))
                if best is None or cost < best[0]:
                    best = (cost, k, box, offset, ha, va)
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        _, k, box, offset, ha, va = best
        leader = (
            {
                "arrowstyle": "-",
                "color": "0.6",
                "lw": 0.6,
                "shrinkA": 0.5,
                "shrinkB": radii[i] + 0.5,
            }
            if k > 0
            else None
        )
        ax.annotate(
            label,
            xy[i],
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            arrowprops=leader,
            **style,
        )
        placed.append(box)


def _words_title(n_words: int, neighbours: int, method: str) -> str:
    """E.g. "5 words and their 5 nearest neighbours (PCA of unit vectors)"."""
    what = f"{n_words} word" if n_words == 1 else f"{n_words} words"
    if neighbours == 1:
        what += " and its nearest neighbour" if n_words == 1 else " and their nearest neighbour"
    elif neighbours > 1:
        what += f" and {'its' if n_words == 1 else 'their'} {neighbours} nearest neighbours"
    return f"{what} ({'PCA' if method == 'pca' else 't-SNE'} of unit vectors)"


def _words_figure(
    kv: KeyedVectors,
    words: Sequence[str],
    neighbours: int,
    method: str,
    title: str | None,
    seed: int,
) -> Figure:
    """Draw the word map; KeyError (from ``kv``) for an unknown word."""
    if isinstance(words, str):
        words = [words]
    queries = list(dict.fromkeys(words))
    if not queries:
        raise PlotError("plot_words needs at least one word.")
    if isinstance(neighbours, bool) or not isinstance(neighbours, int) or neighbours < 0:
        raise PlotError(f"neighbours must be an integer >= 0, got {neighbours!r}.")
    if method not in METHODS:
        raise PlotError(f"Unknown projection method {method!r}; use one of {METHODS}.")
    require_matplotlib()
    for w in queries:
        kv.get_index(w)  # the KeyError naming an unknown word, before any drawing
    groups = {
        q: [w for w, _ in kv.most_similar(q, topn=neighbours)] if neighbours else []
        for q in queries
    }
    # Every word once; a word that is a query is drawn as one, a shared neighbour in the
    # colour of the first group it belongs to.
    group_of: dict[str, int] = {q: g for g, q in enumerate(queries)}
    for g, q in enumerate(queries):
        for w in groups[q]:
            group_of.setdefault(w, g)
    order = list(group_of)
    fonts = label_fonts([*order, title or ""])
    for note in (
        undrawable_note(fonts.missing) if fonts.missing else None,
        many_labels_note(len(order), MANY_LABELS),
    ):
        if note is not None:
            warnings.warn(PlotWarning(note), stacklevel=3)
    xy = project_2d(kv.normed[[kv.get_index(w) for w in order]], method, seed)
    pos = {w: xy[i] for i, w in enumerate(order)}
    is_query = np.array([w in groups for w in order])
    colours = _group_colours(len(queries))
    point_colours = [colours[group_of[w]] for w in order]

    fig = new_figure()
    ax = fig.add_subplot()
    for g, q in enumerate(queries):
        for w in groups[q]:
            (x0, y0), (x1, y1) = pos[q], pos[w]
            ax.plot([x0, x1], [y0, y1], color=colours[g], lw=0.8, alpha=0.35, zorder=1)
    nb = ~is_query
    ax.scatter(
        xy[nb, 0],
        xy[nb, 1],
        s=_NEIGHBOUR_RADIUS**2 * 4,
        c=[c for c, m in zip(point_colours, nb, strict=True) if m],
        alpha=0.85,
        edgecolors="white",
        linewidths=0.5,
        zorder=2,
    )
    ax.scatter(
        xy[is_query, 0],
        xy[is_query, 1],
        s=_QUERY_RADIUS**2 * 2,
        c=[c for c, m in zip(point_colours, is_query, strict=True) if m],
        marker="D",
        edgecolors="black",
        linewidths=0.8,
        zorder=3,
    )
    name = _AXIS_NAMES[method]
    ax.set_xlabel(f"{name} 1")
    ax.set_ylabel(f"{name} 2")
    if title is None:
        title = _words_title(len(queries), neighbours, method)
    ax.set_title(display_text(title), fontfamily=fonts.families)
    ax.grid(True, color="0.92", lw=0.6, zorder=0)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.tick_params(labelsize=8, colors="0.35")
    xlim, ylim = _equal_aspect_limits(ax, xy)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    fig.tight_layout()
    xlim, ylim = _equal_aspect_limits(ax, xy)  # again, for the axes box tight_layout chose
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)

    label_order = [i for i in range(len(order)) if is_query[i]]
    label_order += [i for i in range(len(order)) if not is_query[i]]
    halo = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75}
    family = {"fontfamily": fonts.families}  # the default font, then fonts with other scripts
    styles = [
        {"fontsize": 10.5, "fontweight": "bold", "color": "black", "zorder": 5, "bbox": halo}
        if is_query[i]
        else {"fontsize": 8.5, "color": "0.2", "zorder": 4, "bbox": halo}
        for i in label_order
    ]
    styles = [{**style, **family} for style in styles]
    radii = [_QUERY_RADIUS if is_query[i] else _NEIGHBOUR_RADIUS for i in label_order]
    labels = [display_text(order[i]) for i in label_order]
    _place_labels(ax, xy[label_order], labels, styles, radii)
    return fig


def plot_words(
    kv: KeyedVectors,
    words: Sequence[str],
    path: str | os.PathLike[str],
    *,
    neighbours: int = 5,
    method: str = "pca",
    title: str | None = None,
    seed: int = 0,
) -> Path:
    """Draw a 2-D map of ``words`` and their nearest neighbours and save it.

    Parameters
    ----------
    kv : KeyedVectors
        The word vectors.
    words : sequence of str
        Query words (duplicates are drawn once).
    path : str or PathLike
        Picture to write; the suffix picks the format (``.png``, ``.svg``, ``.pdf``, ...).
        Written atomically: on failure a previous file at ``path`` is left intact.
    neighbours : int
        Nearest neighbours by cosine (``kv.most_similar(word, topn=neighbours)``) drawn
        around each query word; 0 draws the query words alone.
    method : {"pca", "tsne"}
        Projection of the unit-normalised vectors to the plane; see :func:`project_2d`.
        PCA keeps distances honest (equal scale on both axes); t-SNE (needs scikit-learn)
        separates clusters better but distorts distances between them.
    title : str, optional
        Figure title; by default it says what is drawn.
    seed : int
        Random state of t-SNE.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    KeyError
        If a word is not in ``kv`` (the error ``kv`` raises, naming the word).
    PlotError
        If ``words`` is empty, ``neighbours`` is negative, ``method`` is unknown, or the
        output folder or suffix is unusable.
    MissingExtraError
        If matplotlib (or, for t-SNE, scikit-learn) is not installed.

    Warns
    -----
    PlotWarning
        Once, naming the words with characters that no installed font has (drawn as
        boxes); and when more than ``MANY_LABELS`` (300) labels would crowd the map.

    Notes
    -----
    Query words are large diamonds with bold labels; each query and its neighbours share a
    colour and are joined by faint lines. A neighbour of several queries is drawn once, in
    the colour of the first. Words in other scripts (Chinese, Japanese, Korean, emoji, ...)
    are drawn with installed fonts that have their glyphs, found at run time (see
    :mod:`w2v._fonts`); right-to-left words (Hebrew, Arabic) read right to left (before
    matplotlib 3.11, Arabic letters are drawn unjoined).

    Examples
    --------
    >>> plot_words(kv, ["king", "paris"], "map.png", neighbours=8)  # doctest: +SKIP
    PosixPath('map.png')
    """
    out, fmt = check_image_path(path)
    with _font_chatter_off():
        fig = _words_figure(kv, words, neighbours, method, title, seed)
        return save_figure(fig, out, fmt)


@contextlib.contextmanager
def _font_chatter_off() -> Iterator[None]:
    """Silence matplotlib's per-glyph and per-font complaints while a word map is drawn.

    Words no font can draw are reported once instead (a PlotWarning), and a fallback font
    without a bold face is simply drawn regular; matplotlib would warn about each missing
    glyph and log each missing weight. The logger's level is put back afterwards.
    """
    import logging

    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Glyph \d+ .*missing from", UserWarning)
        font_log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            font_log.setLevel(level)


# -- loss curve ---------------------------------------------------------------------------
def _loss_figure(
    loss_history: Iterable[float], title: str | None, held_out: Sequence[float] = ()
) -> Figure:
    y = np.asarray(list(loss_history), dtype=np.float64)
    h = np.asarray(list(held_out), dtype=np.float64)
    if y.ndim != 1 or h.ndim != 1:
        raise PlotError(f"The loss history must be one number per epoch, got shape {y.shape}.")
    from matplotlib.ticker import MaxNLocator

    fig = new_figure()
    ax = fig.add_subplot()
    x = np.arange(1, y.size + 1)
    marker = "o" if y.size <= 50 else None
    ax.plot(x, y, color="tab:blue", lw=1.8, marker=marker, ms=5, label="training (online)")
    if h.size:
        xh = np.arange(y.size - h.size + 1, y.size + 1)  # the last fits' epochs
        ax.plot(xh, h, color="tab:orange", lw=1.8, marker=marker, ms=5, label="held-out")
        ax.legend(frameon=False)
    if y.size <= 15:
        ax.set_xticks(x)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0.5, y.size + 0.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss per training example")
    ax.set_title(title if title is not None else "Training loss")
    ax.grid(True, color="0.92", lw=0.6)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    both = np.concatenate((y, h))
    finite = both[np.isfinite(both)]
    if finite.size:
        last = y.size if np.isfinite(y[-1]) else None
        if last is not None:
            ax.annotate(
                f"{y[-1]:.4g}",
                (last, y[-1]),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
                color="0.25",
            )
        lo, hi = float(finite.min()), float(finite.max())
        margin = (hi - lo) * 0.12 or abs(hi) * 0.05 or 1.0
        ax.set_ylim(lo - margin, hi + margin)
    fig.tight_layout()
    return fig


def plot_loss(
    loss_history: Sequence[float],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    validation_history: Sequence[float] = (),
) -> Path:
    """Draw the training loss per epoch and save it.

    Parameters
    ----------
    loss_history : sequence of float
        One loss per epoch, e.g. ``Word2Vec.loss_history`` (mean loss per training example).
    path : str or PathLike
        Picture to write; the suffix picks the format. Written atomically.
    title : str, optional
        Figure title; default ``"Training loss"``.
    validation_history : sequence of float, optional
        ``Word2Vec.validation_history`` (the held-out loss), drawn as a second line over the
        last epochs.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PlotError
        A ``ValueError``: if ``loss_history`` is empty, or the output folder or suffix is
        unusable.
    MissingExtraError
        If matplotlib is not installed.

    Examples
    --------
    >>> plot_loss(model.loss_history, "loss.png")  # doctest: +SKIP
    PosixPath('loss.png')
    """
    history = list(loss_history)
    if not history:
        raise PlotError(
            "The loss history is empty: train for at least one epoch before plotting it."
        )
    out, fmt = check_image_path(path)
    if len(validation_history) > len(history):
        raise PlotError("The held-out history is longer than the loss history.")
    fig = _loss_figure(history, title, validation_history)
    return save_figure(fig, out, fmt)
