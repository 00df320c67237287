"""The three output layers — full softmax, hierarchical softmax, negative sampling — once each.

Each ``*_update`` takes the hidden vector ``v`` (dim,) float32, scores it against rows of
``W_out``, adds the loss gradient step to ``grad_v`` (dim,) float32 and updates the output
rows in place, then returns the example's loss (float64). The caller applies ``grad_v`` to
the input rows. ``lr`` scales every step, so ``grad_v`` is −lr·∂loss/∂v.

    softmax: loss = −log softmax(W_out v)[target]
    hs:      loss = −Σ_n log σ((1 − 2·code_n) · u_n·v)     (word2vec.c's sign convention)
    ns:      loss = −log σ(u_o·v) − Σ_k log σ(−u_k·v)
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .common import FASTMATH, axpy, dot, draw_noise, sigmoid_and_log


@njit(nogil=True, cache=True, fastmath=FASTMATH, inline="always")
def logistic_step(
    u: np.ndarray, v: np.ndarray, grad_v: np.ndarray, label: float, lr: float
) -> float:  # pragma: no cover - numba
    """One binary logistic unit shared by HS and NS: returns −log P(label | u·v)."""
    score = dot(u, v)
    sig, log_sig = sigmoid_and_log(score)
    g = np.float32((label - sig) * lr)  # -dloss/dscore * lr
    axpy(g, u, grad_v)  # uses u before its update, as word2vec.c does
    axpy(g, v, u)
    if label > 0.5:
        return -log_sig
    return score - log_sig  # -log(1 - sigma(score))


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def ns_update(
    W_out: np.ndarray,
    v: np.ndarray,
    grad_v: np.ndarray,
    target: int,
    negatives: np.ndarray,
    n_neg: int,
    lr: float,
) -> float:  # pragma: no cover - numba
    """Negative sampling: the target with label 1, ``negatives[:n_neg]`` with label 0."""
    loss = logistic_step(W_out[target], v, grad_v, 1.0, lr)
    for k in range(n_neg):
        loss += logistic_step(W_out[negatives[k]], v, grad_v, 0.0, lr)
    return loss


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def hs_update(
    W_out: np.ndarray,
    v: np.ndarray,
    grad_v: np.ndarray,
    points: np.ndarray,
    codes: np.ndarray,
    length: int,
    lr: float,
) -> float:  # pragma: no cover - numba
    """Hierarchical softmax along one Huffman path: inner nodes ``points``, bits ``codes``."""
    loss = 0.0
    for d in range(length):
        loss += logistic_step(W_out[points[d]], v, grad_v, 1.0 - codes[d], lr)
    return loss


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def softmax_update(
    W_out: np.ndarray,
    v: np.ndarray,
    grad_v: np.ndarray,
    target: int,
    scores: np.ndarray,
    lr: float,
) -> float:  # pragma: no cover - numba
    """Exact softmax over all V rows of W_out; ``scores`` (V,) float64 is scratch space."""
    V = W_out.shape[0]
    top = -np.inf
    for w in range(V):
        s = dot(W_out[w], v)
        scores[w] = s
        if s > top:
            top = s
    total = 0.0  # float64 sum of exp(score - max): stable for any scores
    for w in range(V):
        e = math.exp(scores[w] - top)
        scores[w] = e
        total += e
    loss = math.log(total) - math.log(scores[target])  # -log p_target
    for w in range(V):
        label = 1.0 if w == target else 0.0
        g = np.float32((label - scores[w] / total) * lr)  # -dloss/dscore_w * lr
        u = W_out[w]
        axpy(g, u, grad_v)
        axpy(g, v, u)
    return loss


@njit(nogil=True, cache=True, fastmath=FASTMATH, inline="always")
def output_update(
    loss_kind: int,
    W_out: np.ndarray,
    v: np.ndarray,
    grad_v: np.ndarray,
    target: int,
    tables: tuple,
    negative: int,
    neg_buf: np.ndarray,
    scores: np.ndarray,
    state: np.ndarray,
    lr: float,
) -> float:  # pragma: no cover - numba
    """Dispatch to the configured output layer, drawing the noise words for NS.

    ``tables`` = (keep_prob, noise_prob, noise_alias, points, codes, code_lengths). As in
    word2vec.c, a noise word equal to the target is skipped, not redrawn.
    """
    if loss_kind == 2:
        noise_prob = tables[1]
        noise_alias = tables[2]
        n_neg = 0
        for _ in range(negative):
            w = draw_noise(noise_prob, noise_alias, state)
            if w != target:
                neg_buf[n_neg] = w
                n_neg += 1
        return ns_update(W_out, v, grad_v, target, neg_buf, n_neg, lr)
    if loss_kind == 1:
        return hs_update(
            W_out, v, grad_v, tables[3][target], tables[4][target], tables[5][target], lr
        )
    return softmax_update(W_out, v, grad_v, target, scores, lr)
