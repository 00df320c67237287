"""The float64 reference network: loss, exact gradients and one SGD step, in plain NumPy.

This is the math of the output layers listed below written as directly as possible,
independent of the Numba kernels, so tests can check the kernels against it (and it against
finite differences), and ``w2v explain`` can print every quantity of a training example;
``docs/how-word2vec-works.md`` walks through the same math with numbers.

A training *example* is (inputs, target): skip-gram has one input row (the centre word) and
the context word as target; CBOW has the context rows as inputs (their mean or sum is the
hidden vector v) and the centre word as target.

Output layers, for hidden vector v and output rows u = W_out[·]:

* softmax: loss = −log( exp(u_o·v) / Σ_w exp(u_w·v) )
* hs:      loss = −Σ_d log σ((1 − 2·code_d) · u_{point_d}·v)
* ns:      loss = −log σ(u_o·v) − Σ_k log σ(−u_{neg_k}·v)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """σ(x) = 1 / (1 + exp(−x)), stable for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    """log σ(x), stable for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def _units(
    loss: str,
    target: int,
    negatives: Sequence[int] | None = None,
    points: Sequence[int] | None = None,
    codes: Sequence[int] | None = None,
) -> list[tuple[int, float]]:
    """The (output row, label) binary units of HS or NS, in the kernel's order."""
    if loss == "ns":
        return [(int(target), 1.0)] + [(int(k), 0.0) for k in (negatives or [])]
    if loss == "hs":
        if points is None or codes is None:
            raise ValueError("hs needs the target's Huffman points and codes")
        return [(int(p), 1.0 - float(c)) for p, c in zip(points, codes, strict=True)]
    raise ValueError(f"no binary units for loss {loss!r}")


def output_forward(
    loss: str,
    v: np.ndarray,
    W_out: np.ndarray,
    target: int,
    *,
    negatives: Sequence[int] | None = None,
    points: Sequence[int] | None = None,
    codes: Sequence[int] | None = None,
) -> dict[str, np.ndarray | float]:
    """Every quantity of the output layer for hidden vector ``v``, in float64.

    Returns a dict with ``loss`` and ``grad_v`` (∂loss/∂v), ``grad_W_out`` (∂loss/∂W_out, the
    shape of W_out) and, per layer: ``scores`` and ``probs`` (softmax over V); or ``rows``,
    ``labels``, ``scores`` and ``sigmoids`` (σ(score) of each binary unit, HS and NS).
    """
    v = np.asarray(v, dtype=np.float64)
    W = np.asarray(W_out, dtype=np.float64)
    grad_W = np.zeros_like(W)
    if loss == "softmax":
        scores = W @ v
        shifted = scores - scores.max()
        probs = np.exp(shifted) / np.exp(shifted).sum()
        value = float(-np.log(probs[target]))
        dscore = probs.copy()
        dscore[target] -= 1.0  # ∂loss/∂score
        grad_W = np.outer(dscore, v)
        return {
            "loss": value,
            "scores": scores,
            "probs": probs,
            "grad_v": W.T @ dscore,
            "grad_W_out": grad_W,
        }
    units = _units(loss, target, negatives, points, codes)
    rows = np.array([r for r, _ in units], dtype=np.int64)
    labels = np.array([lab for _, lab in units], dtype=np.float64)
    scores = W[rows] @ v if len(rows) else np.zeros(0)
    sig = sigmoid(scores)
    # −log P(label | score) = −log σ(score) for label 1, −log σ(−score) for label 0
    value = float(-np.sum(np.where(labels > 0.5, log_sigmoid(scores), log_sigmoid(-scores))))
    dscore = sig - labels  # ∂loss/∂score of each unit
    grad_v = (dscore[:, None] * W[rows]).sum(axis=0) if len(rows) else np.zeros_like(v)
    np.add.at(grad_W, rows, dscore[:, None] * v[None, :])
    return {
        "loss": value,
        "rows": rows,
        "labels": labels,
        "scores": scores,
        "sigmoids": sig,
        "grad_v": grad_v,
        "grad_W_out": grad_W,
    }


def hidden(W_in: np.ndarray, inputs: Sequence[int], cbow_mean: bool = True) -> np.ndarray:
    """The hidden vector: the input row (one input) or the mean / sum of the input rows."""
    rows = np.asarray(W_in, dtype=np.float64)[list(inputs)]
    return rows.mean(axis=0) if cbow_mean else rows.sum(axis=0)


def example_forward(
    loss: str,
    W_in: np.ndarray,
    W_out: np.ndarray,
    inputs: Sequence[int],
    target: int,
    *,
    cbow_mean: bool = True,
    **output: Sequence[int],
) -> dict[str, np.ndarray | float]:
    """Loss and exact gradients of one example w.r.t. both matrices (float64).

    Adds ``v`` and ``grad_W_in`` (the shape of W_in) to :func:`output_forward`'s dict.
    """
    v = hidden(W_in, inputs, cbow_mean)
    out = output_forward(loss, v, W_out, target, **output)
    grad_W_in = np.zeros(np.shape(W_in), dtype=np.float64)
    scale = 1.0 / len(inputs) if cbow_mean else 1.0
    for i in inputs:
        grad_W_in[i] += scale * out["grad_v"]  # type: ignore[operator]
    out["v"] = v
    out["grad_W_in"] = grad_W_in
    return out


def sgd_step(
    loss: str,
    W_in: np.ndarray,
    W_out: np.ndarray,
    inputs: Sequence[int],
    target: int,
    lr: float,
    *,
    cbow_mean: bool = True,
    **output: Sequence[int],
) -> tuple[np.ndarray, np.ndarray, float]:
    """One SGD step with the kernels' update rule; returns (new W_in, new W_out, loss).

    The rule, as in word2vec.c:

    * HS and NS units are applied one after another; each uses the same v, accumulates
      ``grad_v += g·u`` with u *before* its update, then ``u += g·v``, where
      g = lr·(label − σ(u·v)). (For distinct rows this equals one exact gradient step.)
    * softmax updates all rows from the same scores: an exact gradient step.
    * every input row gets ``+= grad_v``. For one input (skip-gram) or a sum, that is the
      exact gradient step; for CBOW's mean the exact gradient would be grad_v / C — like
      word2vec.c and gensim we apply the undivided grad_v.
    """
    W_in = np.array(W_in, dtype=np.float64)
    W_out = np.array(W_out, dtype=np.float64)
    v = hidden(W_in, inputs, cbow_mean)
    if loss == "softmax":
        out = output_forward(loss, v, W_out, target)
        grad_v = -lr * out["grad_v"]  # type: ignore[operator]
        W_out -= lr * out["grad_W_out"]  # type: ignore[operator]
        value = float(out["loss"])  # type: ignore[arg-type]
    else:
        grad_v = np.zeros_like(v)
        value = 0.0
        for row, label in _units(loss, target, **output):  # type: ignore[arg-type]
            u = W_out[row].copy()
            score = float(u @ v)
            value += float(-log_sigmoid(score) if label > 0.5 else -log_sigmoid(-score))
            g = lr * (label - float(sigmoid(score)))  # -dloss/dscore * lr
            grad_v += g * u
            W_out[row] = u + g * v
    for i in inputs:
        W_in[i] += grad_v
    return W_in, W_out, value


def numerical_gradient(f, X: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of scalar ``f()`` w.r.t. every entry of ``X`` (in place)."""
    grad = np.zeros_like(X, dtype=np.float64)
    it = np.nditer(X, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = X[idx]
        X[idx] = old + eps
        plus = f()
        X[idx] = old - eps
        minus = f()
        X[idx] = old
        grad[idx] = (plus - minus) / (2 * eps)
    return grad
