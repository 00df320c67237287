"""Drawing of an :class:`~w2v.explain.Explanation`: the network with its numbers (matplotlib)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._figures import check_image_path, new_figure, save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .explain import Explanation

_MAX_HIDDEN = 8  # hidden units drawn; more are summarised by "…"
_IN, _MID, _OUT = "#f4a259", "#5b8e7d", "#3d5a80"  # input, hidden, output colours
_POS, _NEG = "#2a9d8f", "#e63946"  # target / positive, noise / negative


def _column(n: int, top: float = 0.86, bottom: float = 0.06) -> np.ndarray:
    """n vertical positions centred in [bottom, top]."""
    if n == 1:
        return np.array([(top + bottom) / 2])
    step = min((top - bottom) / (n - 1), 0.3)
    mid = (top + bottom) / 2
    return mid + step * ((n - 1) / 2 - np.arange(n))


def _node(ax: Axes, x: float, y: float, r: float, color: str, text: str = "") -> None:
    # r: marker area in points²
    """A round node (a marker, so it stays round whatever the axes' aspect)."""
    ax.scatter([x], [y], s=r, c=[color], edgecolors="0.25", linewidths=1.0, zorder=3)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=4, color="black")


def _edge(ax: Axes, p0, p1, w: float, scale: float, active: bool) -> None:
    color = (_POS if w >= 0 else _NEG) if active else "0.82"
    lw = 0.4 + 2.6 * abs(w) / scale if active else 0.6
    ax.plot(
        [p0[0], p1[0]], [p0[1], p1[1]], color=color, lw=lw, alpha=0.9 if active else 0.6, zorder=1
    )


def _edge_label(ax: Axes, p0, p1, text: str, t: float) -> None:
    x = p0[0] + t * (p1[0] - p0[0])
    y = p0[1] + t * (p1[1] - p0[1])
    halo = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "0.8", "alpha": 0.95}
    ax.text(x, y, text, ha="center", va="center", fontsize=7, zorder=5, bbox=halo)


def _network(ax: Axes, ex: Explanation) -> None:
    words, V = ex.words, ex.V
    h = ex.h
    fw = ex.forward
    xi, xh, xo = 0.18, 0.5, 0.78
    r = 200.0  # marker area, points²
    yi = _column(V)
    n_hid = min(ex.dim, _MAX_HIDDEN)
    yh = _column(n_hid, 0.8, 0.24)
    n_out = ex.W_out.shape[0]
    yo = _column(n_out)
    inputs = set(ex.inputs)
    scale_in = float(np.abs(ex.W_in[list(inputs)]).max()) or 1.0
    scale_out = float(np.abs(ex.W_out).max()) or 1.0

    # output rows computed for this example
    if ex.loss == "softmax":
        computed = set(range(n_out))
    else:
        computed = {int(r_) for r_ in fw["rows"]}

    few = len(inputs) * n_hid <= 6
    for i in range(V):
        for j in range(n_hid):
            _edge(ax, (xi, yi[i]), (xh, yh[j]), ex.W_in[i, j], scale_in, i in inputs)
    for i in sorted(inputs):
        if few:
            for j in range(n_hid):
                _edge_label(ax, (xi, yi[i]), (xh, yh[j]), f"{ex.W_in[i, j]:.2f}", 0.3)
    label_rows = [ex.target] if ex.loss != "hs" else list(ex.points)
    for k in range(n_out):
        for j in range(n_hid):
            _edge(ax, (xh, yh[j]), (xo, yo[k]), ex.W_out[k, j], scale_out, k in computed)
    if len(label_rows) * n_hid <= 6:
        for k in label_rows:
            for j in range(n_hid):
                _edge_label(ax, (xh, yh[j]), (xo, yo[k]), f"{ex.W_out[k, j]:.2f}", 0.72)

    # input layer
    counts = {i: ex.inputs.count(i) for i in inputs}
    for i in range(V):
        on = i in inputs
        _node(ax, xi, yi[i], r, _IN if on else "white", "1" if on else "0")
        text = words[i] + (f" ×{counts[i]}" if counts.get(i, 0) > 1 else "")
        ax.text(
            xi - 0.035,
            yi[i],
            text,
            ha="right",
            va="center",
            fontsize=9,
            fontweight="bold" if on else "normal",
        )
    # hidden layer
    for j in range(n_hid):
        _node(ax, xh, yh[j], r * 1.4, _MID)
        ax.annotate(
            f"h{j} = {h[j] + 0.0:.3f}".replace("-0.000", "0.000"),
            (xh, yh[j]),
            xytext=(0, 11),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    if ex.dim > n_hid:
        ax.annotate(
            f"… {ex.dim - n_hid} more",
            (xh, yh[-1]),
            xytext=(0, -14),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8,
        )
    # output layer
    for k in range(n_out):
        if ex.loss == "softmax":
            text = f"{words[k]}   s = {fw['scores'][k]:.3f}   p = {fw['probs'][k]:.3f}"
            color = _POS if k == ex.target else "#d6e4f0"
        else:
            text, color = ex.out_labels[k], "white"
            rows = [int(r_) for r_ in fw["rows"]]
            for u, row in enumerate(rows):
                if row != k:
                    continue
                sig, lab = fw["sigmoids"][u], fw["labels"][u]
                if ex.loss == "hs":
                    code = ex.codes[u]
                    text = f"{ex.out_labels[k]}   code {code}   σ = {sig:.3f}"
                    color = _OUT
                else:
                    n = rows.count(k)
                    times = f" ×{n}" if n > 1 else ""
                    text = f"{words[k]}{times}   label {int(lab)}   σ = {sig:.3f}"
                    color = _POS if lab > 0.5 else _NEG
            if ex.loss == "ns" and k not in computed:
                text = f"{words[k]}   (not computed)"
        _node(ax, xo, yo[k], r, color)
        ax.text(xo + 0.035, yo[k], text, ha="left", va="center", fontsize=9)

    # column titles
    agg = "" if ex.arch == "skipgram" else (" (mean)" if ex.cbow_mean else " (sum)")
    titles = [
        (xi, "input x (one-hot)"),
        (xh, f"projection h{agg}"),
        (
            xo,
            {"softmax": "softmax over V", "hs": "Huffman inner nodes", "ns": "k + 1 sigmoids"}[
                ex.loss
            ],
        ),
    ]
    top = max(yi.max(), yo.max(), yh.max())
    bottom = min(yi.min(), yo.min(), yh.min())
    for x, t in titles:
        ax.annotate(
            t,
            (x, top),
            xytext=(0, 22),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color="0.2",
        )
    for x, t in (((xi + xh) / 2, "W  (V × dim)"), ((xh + xo) / 2, "W'  (a row per output unit)")):
        ax.annotate(
            t,
            (x, bottom),
            xytext=(0, -18),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=9,
            color="0.3",
        )
    ax.set_xlim(-0.02, 1.0)
    ax.set_ylim(bottom - 0.06, top + 0.06)
    ax.axis("off")


def _summary(ex: Explanation) -> str:
    tgt = ex.words[ex.target]
    fw = ex.forward
    if ex.loss == "ns":
        p = f"σ(u_{tgt}·h) = {ex.p_target:.4f}"
    else:
        p = f"p({tgt}|h) = {ex.p_target:.4f}"
    if ex.loss == "hs":
        path = " → ".join(f"n{n}" for n in ex.points)
        p = f"path {path}, code {''.join(map(str, ex.codes))}:  " + p
    gv = ", ".join(f"{x:.3f}" for x in np.asarray(fw["grad_v"])[:_MAX_HIDDEN])
    after = ex.loss_of(ex.W_in_new, ex.W_out_new)
    return (
        f"{p}     loss L = {float(fw['loss']):.4f}     ∂L/∂h = [{gv}]\n"
        f"one SGD step (lr {ex.lr:g}): loss {float(fw['loss']):.4f} → {after:.4f}     "
        "edges: teal > 0, red < 0, width ∝ |weight|"
    )


def save_png(ex: Explanation, path: str | os.PathLike[str]) -> Path:
    """Draw ``ex`` to ``path`` (atomic; the suffix picks the format)."""
    out, fmt = check_image_path(path)
    fig = new_figure()
    height = max(3.6, 0.38 * ex.V + 2.0)
    with_steps = bool(ex.steps)
    fig.set_size_inches(11.0, height + 0.7 + (2.6 if with_steps else 0.0))
    arch = {"skipgram": "skip-gram", "cbow": "CBOW"}[ex.arch]
    loss = {"softmax": "full softmax", "hs": "hierarchical softmax", "ns": "negative sampling"}
    tgt = ex.words[ex.target]
    if ex.arch == "skipgram":
        what = f'"{ex.center}" predicts "{tgt}"'
    else:
        ctx = ", ".join(ex.sentence[p] for p in ex.context_pos)
        what = f'{ctx} predict "{tgt}"'
    fig.suptitle(f"{arch} with {loss[ex.loss]}, dim {ex.dim}: {what}", fontsize=12)
    ratios = [height, 0.7] + ([2.2] if with_steps else [])
    total = fig.get_figheight()
    grid = fig.add_gridspec(
        len(ratios),
        1,
        height_ratios=ratios,
        hspace=0.4 / (sum(ratios) / len(ratios)),  # ~0.4 inch between rows
        top=1 - 0.75 / total,  # margins in inches, whatever the figure's height
        bottom=0.55 / total,
    )
    ax = fig.add_subplot(grid[0])
    _network(ax, ex)
    box = fig.add_subplot(grid[1])
    box.axis("off")
    box.text(
        0.5,
        0.5,
        _summary(ex),
        ha="center",
        va="center",
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.4", "fc": "#f7f7f7", "ec": "0.8"},
    )
    if with_steps:
        ax2 = fig.add_subplot(grid[2])
        t = [s["step"] for s in ex.steps]
        ax2.plot(t, [s["loss"] for s in ex.steps], color=_NEG, lw=1.8, label="loss")
        from matplotlib.ticker import MaxNLocator

        ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax2.set_xlabel("SGD step on this example")
        ax2.set_ylabel("loss", color=_NEG)
        ax3 = ax2.twinx()
        what_p = f"p({tgt}|h)" if ex.loss != "ns" else f"σ(u_{tgt}·h)"
        ax3.plot(t, [s["p_target"] for s in ex.steps], color=_POS, lw=1.8)
        ax3.set_ylabel(what_p, color=_POS)
        ax2.grid(True, color="0.92")
        for a in (ax2, ax3):
            a.spines["top"].set_visible(False)
    return save_figure(fig, out, fmt)
