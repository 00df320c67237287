"""The three output layers — full softmax, hierarchical softmax, negative sampling — once each.

Each ``*_update`` takes the hidden vector ``v`` (dim,) float32, scores it against rows of
``W_out``, adds the loss gradient step to ``grad_v`` (dim,) float32 and updates the output
rows in place, then returns the example's loss (float64). The caller applies ``grad_v`` to
the input rows. The batch kernels choose the layer per example with an ``if`` on
``loss_kind`` (LOSS_SOFTMAX, LOSS_HS, LOSS_NS).

Performance rule for everything called per example: no call that LLVM cannot inline (a libm
``exp``/``log``, a large function) in a function that takes arrays. Such a call stops Numba
from pruning the atomic reference counting of every array argument, on every call. The
softmax layer needs ``exp``/``log`` and is only ever called directly from the batch kernels,
where its cost is dwarfed by its O(V·dim) work. ``lr`` scales every step, so ``grad_v`` is
−lr·∂loss/∂v.

    softmax: loss = −log softmax(W_out v)[target]
    hs:      loss = −Σ_n log σ((1 − 2·code_n) · u_n·v)     (word2vec.c's sign convention)
    ns:      loss = −log σ(u_o·v) − Σ_k log σ(−u_k·v)

HS and NS share one function, ``logistic_units``: NS is HS over the "path" (target, noise
words) with codes (0, 1, 1, …).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .common import FASTMATH, dot_row, logistic, row_ptr


@jit(fastmath=FASTMATH)
def logistic_units(
    W_out: np.ndarray,
    hot: np.ndarray,
    hot_start: int,
    v: np.ndarray,
    grad_v: np.ndarray,
    rows: np.ndarray,
    codes: np.ndarray,
    which: int,
    n: int,
    lr: float,
) -> float:  # pragma: no cover - numba
    """Binary logistic units u = W_out[rows[which, d]], d < n, each with label 1 − codes[which, d].

    Hierarchical softmax passes the Huffman tree (points, codes) and the word: its path's
    units. Negative sampling passes a one-row table of the target (code 0, label 1) followed
    by the noise words (code 1, label 0). For each unit, in order: g = lr·(label − σ(u·v)),
    grad_v += g·u (u before its update, as word2vec.c does), u += g·v. Returns the summed
    loss −Σ log P(label_d | u_d·v).

    Units come four (else two, else one) at a time when their rows differ: a unit's step
    changes no other unit's row, so their scores are the same taken together, and one pass
    over ``v`` computes four dot products whose additions overlap instead of each waiting
    for the last (1.05-1.25x the one-at-a-time loop in the per-pair kernels, CBOW HS most).
    A row that repeats within four units (a noise word drawn twice) is taken as word2vec.c
    takes it, after the step before it.

    Rows ``hot_start <= row < hot_start + len(hot)`` are read and written in ``hot`` (K, dim),
    the calling thread's private copy of the most-shared output rows (see ``hot_rows`` in
    engines/cpu.py); pass an empty ``hot`` to use ``W_out`` alone.
    """
    loss = 0.0
    dim = v.shape[0]
    d = 0
    while d < n:
        if (  # four units with four different rows
            d + 3 < n
            and rows[which, d] != rows[which, d + 1]
            and rows[which, d] != rows[which, d + 2]
            and rows[which, d] != rows[which, d + 3]
            and rows[which, d + 1] != rows[which, d + 2]
            and rows[which, d + 1] != rows[which, d + 3]
            and rows[which, d + 2] != rows[which, d + 3]
        ):
            u0 = row_ptr(W_out, hot, hot_start, rows[which, d])
            u1 = row_ptr(W_out, hot, hot_start, rows[which, d + 1])
            u2 = row_ptr(W_out, hot, hot_start, rows[which, d + 2])
            u3 = row_ptr(W_out, hot, hot_start, rows[which, d + 3])
            s0 = np.float32(0.0)
            s1 = np.float32(0.0)
            s2 = np.float32(0.0)
            s3 = np.float32(0.0)
            for k in range(dim):
                v_k = v[k]
                s0 += u0[k] * v_k
                s1 += u1[k] * v_k
                s2 += u2[k] * v_k
                s3 += u3[k] * v_k
            g0, loss0 = logistic(s0, 1.0 - codes[which, d], lr)
            g1, loss1 = logistic(s1, 1.0 - codes[which, d + 1], lr)
            g2, loss2 = logistic(s2, 1.0 - codes[which, d + 2], lr)
            g3, loss3 = logistic(s3, 1.0 - codes[which, d + 3], lr)
            for k in range(dim):
                a0 = u0[k]
                a1 = u1[k]
                a2 = u2[k]
                a3 = u3[k]
                v_k = v[k]
                grad_v[k] += (g0 * a0 + g1 * a1) + (g2 * a2 + g3 * a3)
                u0[k] = a0 + g0 * v_k
                u1[k] = a1 + g1 * v_k
                u2[k] = a2 + g2 * v_k
                u3[k] = a3 + g3 * v_k
            loss += (loss0 + loss1) + (loss2 + loss3)
            d += 4
            continue
        if d + 1 < n and rows[which, d] != rows[which, d + 1]:  # two
            u0 = row_ptr(W_out, hot, hot_start, rows[which, d])
            u1 = row_ptr(W_out, hot, hot_start, rows[which, d + 1])
            s0 = np.float32(0.0)
            s1 = np.float32(0.0)
            for k in range(dim):
                v_k = v[k]
                s0 += u0[k] * v_k
                s1 += u1[k] * v_k
            g0, loss0 = logistic(s0, 1.0 - codes[which, d], lr)
            g1, loss1 = logistic(s1, 1.0 - codes[which, d + 1], lr)
            for k in range(dim):
                a0 = u0[k]
                a1 = u1[k]
                v_k = v[k]
                grad_v[k] += g0 * a0 + g1 * a1
                u0[k] = a0 + g0 * v_k
                u1[k] = a1 + g1 * v_k
            loss += loss0 + loss1
            d += 2
            continue
        u = row_ptr(W_out, hot, hot_start, rows[which, d])  # the unit's row, shared or private
        label = 1.0 - codes[which, d]
        score = np.float32(0.0)
        for k in range(dim):
            score += u[k] * v[k]
        g, unit_loss = logistic(score, label, lr)
        for k in range(dim):
            u_k = u[k]
            grad_v[k] += g * u_k
            u[k] = u_k + g * v[k]
        loss += unit_loss
        d += 1
    return loss


@jit(fastmath=FASTMATH)
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
        s = dot_row(W_out, w, v)
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
        for k in range(v.shape[0]):
            u_k = W_out[w, k]
            grad_v[k] += g * u_k
            W_out[w, k] = u_k + g * v[k]
    return loss
