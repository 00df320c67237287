"""The training walk of ``w2v explain``: every example of a tiny text, in the trainer's order.

:func:`training_walk` trains the float64 network of an :class:`~w2v.explain.Explanation`
on its whole text for a few epochs, one example at a time in the order the kernels visit
them, and keeps every quantity of every example: the inputs, the projection, the output
layer, the loss, the gradients and the rows written, and fixed 2-D axes to map every
state of W on.
The interactive page (:mod:`w2v._explain_html`) and the JSON show these numbers.

The order is word2vec.c's: sentence by sentence, centre word by centre word; skip-gram
makes one example per context position (the context word's row predicts the centre word),
CBOW one per centre (the context rows' mean or sum predicts it). Unlike the trainer, the
walk keeps every word (no subsampling), uses the whole window (no radius drawn per centre)
and keeps the learning rate constant, so every step can be followed by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import reference as ref

if TYPE_CHECKING:
    from .explain import Explanation

#: The most examples a walk may hold: the page carries every number of every step.
MAX_WALK_STEPS = 3000


def _pairs(ex: Explanation) -> list[dict[str, Any]]:
    """One epoch's examples in the kernels' order: sentence, centre, context positions."""
    from .explain import _sentences

    index = {w: i for i, w in enumerate(ex.words)}
    out = []
    for s, toks in enumerate(_sentences(ex.text)):
        for c in range(len(toks)):
            window = [
                p for p in range(c - ex.window, c + ex.window + 1) if p != c and 0 <= p < len(toks)
            ]
            if not window:
                continue
            centre = index[toks[c]]
            if ex.arch == "skipgram":
                for p in window:  # word2vec.c: the context word's row predicts the centre
                    out.append(
                        {
                            "sentence": s,
                            "center_position": c,
                            "context_positions": [p],
                            "window_positions": window,
                            "inputs": [index[toks[p]]],
                            "target": centre,
                        }
                    )
            else:
                out.append(
                    {
                        "sentence": s,
                        "center_position": c,
                        "context_positions": window,
                        "window_positions": window,
                        "inputs": [index[toks[p]] for p in window],
                        "target": centre,
                    }
                )
    return out


def examples_per_epoch(ex: Explanation) -> int:
    """How many training examples one pass over the text makes."""
    return len(_pairs(ex))


def _rows(M: np.ndarray, rows: list[int]) -> dict[str, Any]:
    return {"rows": rows, "values": M[rows].tolist()}


def _map_axes(states: np.ndarray) -> dict[str, Any]:
    """Fixed 2-D axes for every state of W: the coordinates themselves (dim ≤ 2) or PCA.

    ``states`` is (T, V, dim). PCA is fitted once on all T·V rows, so the axes do not
    move while the points do; each axis's sign is fixed so its largest loading is > 0.
    A row r of W maps to ``axes @ (r − mean)``.
    """
    T, V, dim = states.shape
    if dim <= 2:
        axes = np.eye(2, dim)
        return {"method": "coordinates", "mean": [0.0] * dim, "axes": axes.tolist()}
    X = states.reshape(T * V, dim)
    mean = X.mean(axis=0)
    _, sv, vt = np.linalg.svd(X - mean, full_matrices=False)
    axes = vt[:2]
    for k in range(2):
        if axes[k, np.argmax(np.abs(axes[k]))] < 0:
            axes[k] = -axes[k]
    var = sv**2
    return {
        "method": "pca",
        "mean": mean.tolist(),
        "axes": axes.tolist(),
        "explained": (var[:2] / var.sum()).tolist() if var.sum() > 0 else [0.0, 0.0],
    }


def _window_view(ex: Explanation, W_in: np.ndarray, W_out: np.ndarray, pair: dict) -> dict:
    """Skip-gram as the textbook draws it: h = W[centre] fed to one output layer per
    window position. Every layer uses the same W', so every row is the same numbers."""
    from .explain import _distribution, _sentences

    toks = _sentences(ex.text)[pair["sentence"]]
    index = {w: i for i, w in enumerate(ex.words)}
    c = pair["center_position"]
    h = W_in[index[toks[c]]]
    rows, losses = [], []
    for p in pair["window_positions"]:
        rows.append(_distribution(ex.loss, h, W_out, ex.V, ex.tree))
        if ex.loss != "ns":
            losses.append(float(-np.log(rows[-1][index[toks[p]]])))
    D = np.array(rows)
    return {
        "center": index[toks[c]],
        "projection": h.tolist(),
        "positions": list(pair["window_positions"]),
        "words": [index[toks[p]] for p in pair["window_positions"]],
        "distributions": D.tolist(),
        "largest_difference": float(np.abs(D - D[0]).max()),
        "pair_losses": losses,
        "window_loss": float(sum(losses)) if losses else None,
    }


def training_walk(ex: Explanation, epochs: int) -> dict[str, Any]:
    """Train ``ex``'s network on its text for ``epochs`` passes and keep every number.

    Starts from ``ex.W_in`` and ``ex.W_out`` (the matrices the text output prints) with the
    learning rate ``ex.lr``; NS draws its noise words with the trainer's alias sampler, one
    generator for the whole walk.

    Returns a JSON-ready dict: ``sentences`` (tokens), ``epochs``, ``examples_per_epoch``,
    ``lr``, ``order``, ``map`` (the fixed 2-D axes: ``method``, ``mean``, ``axes``),
    ``epoch_loss`` (mean loss of each epoch) and ``steps``, one dict per example: ``step``
    (1-based), ``epoch``, ``sentence``, ``center_position``, ``context_positions``,
    ``inputs``, ``target``, the output layer (``scores`` and ``probs``; or ``rows``,
    ``labels``, ``scores``, ``sigmoids``, with ``codes`` and ``leaf_probs`` for HS and
    ``negatives`` for NS), ``projection``, ``loss``, ``p_target``, ``grad_projection``,
    ``grad_W_in`` and ``grad_W_out`` (``rows``, ``values``: the non-zero rows), the rows the
    update wrote (``W_in_after``, ``W_out_after``), ``loss_after`` (the same example after
    its update) and, at the first example of each skip-gram window, ``window``: the window
    as C output layers fed h = W[centre].
    """
    from .explain import ExplainError, _p_target, _sentences

    pairs = _pairs(ex)
    total = epochs * len(pairs)
    if total > MAX_WALK_STEPS:
        raise ExplainError(
            f"--epochs {epochs} makes {total} training examples ({len(pairs)} per epoch); "
            f"the walk keeps every number of at most {MAX_WALK_STEPS}: use fewer epochs "
            "or a shorter text."
        )
    W_in, W_out = ex.W_in.copy(), ex.W_out.copy()
    states = [W_in]
    state = None
    if ex.loss == "ns":
        from .kernels.common import build_alias_table, draw_negatives

        assert ex.noise is not None
        prob, alias = build_alias_table(ex.noise)
        state = np.uint64((ex.seed * 2 + 1) & 0xFFFFFFFFFFFFFFFF)  # as explain's one draw
        drawn = np.zeros((1, ex.negative + 1), dtype=np.int32)
    steps: list[dict[str, Any]] = []
    for epoch in range(1, epochs + 1):
        for pair in pairs:
            inputs, target = pair["inputs"], pair["target"]
            step: dict[str, Any] = {"step": len(steps) + 1, "epoch": epoch}
            step.update({k: v for k, v in pair.items() if k != "window_positions"})
            if (
                ex.arch == "skipgram"
                and pair["context_positions"][0] == pair["window_positions"][0]
            ):
                # the first example of a window: the window as the textbook draws it
                step["window"] = _window_view(ex, W_in, W_out, pair)
            kw: dict[str, list[int]] = {}
            if ex.loss == "ns":
                n, new_state = draw_negatives(prob, alias, ex.negative, target, drawn, state)
                state = np.uint64(new_state)  # Numba returns a Python int: keep it unsigned
                kw["negatives"] = [int(k) for k in drawn[0, 1 : n + 1]]
                step["negatives"] = kw["negatives"]
            elif ex.loss == "hs":
                assert ex.tree is not None
                pts, cds = ex.tree.path(target)
                kw = {"points": pts.tolist(), "codes": cds.tolist()}
                step["codes"] = kw["codes"]
            fw = ref.example_forward(
                ex.loss, W_in, W_out, inputs, target, cbow_mean=ex.cbow_mean, **kw
            )
            step["projection"] = np.asarray(fw["v"]).tolist()
            if ex.loss == "softmax":
                step["scores"] = np.asarray(fw["scores"]).tolist()
                step["probs"] = np.asarray(fw["probs"]).tolist()
                written_out = list(range(W_out.shape[0]))
            else:
                rows = [int(r) for r in np.asarray(fw["rows"])]
                step["rows"] = rows
                step["labels"] = np.asarray(fw["labels"]).tolist()
                step["scores"] = np.asarray(fw["scores"]).tolist()
                step["sigmoids"] = np.asarray(fw["sigmoids"]).tolist()
                written_out = sorted(set(rows))
            if ex.loss == "hs":
                from .explain import _distribution

                h = np.asarray(fw["v"])
                step["leaf_probs"] = _distribution("hs", h, W_out, ex.V, ex.tree).tolist()
            step["loss"] = float(fw["loss"])
            step["p_target"] = _p_target(ex.loss, fw, target)
            written_in = sorted(set(inputs))
            step["grad_projection"] = np.asarray(fw["grad_v"]).tolist()
            step["grad_W_in"] = _rows(np.asarray(fw["grad_W_in"]), written_in)
            step["grad_W_out"] = _rows(np.asarray(fw["grad_W_out"]), written_out)
            W_in, W_out, _ = ref.sgd_step(
                ex.loss, W_in, W_out, inputs, target, ex.lr, cbow_mean=ex.cbow_mean, **kw
            )
            step["W_in_after"] = _rows(W_in, written_in)
            step["W_out_after"] = _rows(W_out, written_out)
            step["loss_after"] = float(
                ref.example_forward(
                    ex.loss, W_in, W_out, inputs, target, cbow_mean=ex.cbow_mean, **kw
                )["loss"]
            )
            states.append(W_in)
            steps.append(step)
    per_epoch = len(pairs)
    return {
        "sentences": _sentences(ex.text),
        "epochs": epochs,
        "examples_per_epoch": per_epoch,
        "lr": ex.lr,
        "order": "word2vec.c's: sentence by sentence, centre by centre; "
        + (
            "skip-gram: each context word's row predicts the centre word"
            if ex.arch == "skipgram"
            else "CBOW: the context rows' mean (or sum) predicts the centre word"
        ),
        "map": _map_axes(np.array(states)),
        "epoch_loss": [
            float(np.mean([s["loss"] for s in steps[e * per_epoch : (e + 1) * per_epoch]]))
            for e in range(epochs)
        ],
        "steps": steps,
    }
