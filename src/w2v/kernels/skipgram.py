"""Skip-gram: the centre word's input vector predicts each context word, one pair at a time.

For every kept centre position i with radius r drawn uniformly in 1..window, each context
position j in [i−r, i+r], j ≠ i, is one training example: v = W_in[centre] is scored
against the context word by the output layer, and W_in[centre] += grad_v right after that
pair. (word2vec.c swaps the roles — the context row predicts the centre — which gives the
same set of pairs over the corpus; we keep the textbook direction that ``w2v explain``
shows.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .common import FASTMATH, axpy, rand_below, rand_unit
from .outputs import output_update


@njit(nogil=True, cache=True, fastmath=FASTMATH, inline="always")
def subsample_sentence(
    ids: np.ndarray,
    start: int,
    stop: int,
    keep_prob: np.ndarray,
    kept: np.ndarray,
    kept_pos: np.ndarray,
    state: np.ndarray,
) -> int:  # pragma: no cover - numba
    """Copy the words of ids[start:stop] that survive subsampling into ``kept``; return count.

    ``kept_pos`` receives each kept word's position in ``ids`` (for the learning rate).
    """
    m = 0
    for p in range(start, stop):
        w = ids[p]
        keep = keep_prob[w]
        if keep < 1.0 and keep < rand_unit(state):
            continue
        kept[m] = w
        kept_pos[m] = p
        m += 1
    return m


@njit(nogil=True, cache=True, inline="always")
def learning_rate(schedule: tuple, p: int) -> float:  # pragma: no cover - numba
    """Linear decay: schedule = (alpha, min_alpha, pos0, total); p is the local position."""
    alpha, min_alpha, pos0, total = schedule
    lr = alpha - (alpha - min_alpha) * (pos0 + p) / total
    return lr if lr > min_alpha else min_alpha


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def train_batch_skipgram(
    ids: np.ndarray,
    ends: np.ndarray,
    W_in: np.ndarray,
    W_out: np.ndarray,
    tables: tuple,
    loss_kind: int,
    negative: int,
    window: int,
    schedule: tuple,
    seed: np.uint64,
) -> tuple[float, int]:  # pragma: no cover - numba
    """Train skip-gram on one batch; return (summed loss float64, number of examples).

    ids      : (n,) int32 word ids of a contiguous range of the corpus
    ends     : (S,) int64 sentence ends within ``ids`` (increasing, last == n)
    W_in     : (V, dim) float32 input vectors, updated in place
    W_out    : (V, dim) float32 output vectors ((V−1, dim) for HS), updated in place
    tables   : (keep_prob (V,) f32, noise_prob (V,) f32, noise_alias (V,) i32,
                points (V, L) i32, codes (V, L) i8, code_lengths (V,) i32)
    schedule : (alpha, min_alpha, pos0, total) float64; see ``learning_rate``
    seed     : nonzero uint64 seeding this batch's generator
    """
    n = ids.shape[0]
    dim = W_in.shape[1]
    state = np.empty(1, dtype=np.uint64)
    state[0] = seed
    kept = np.empty(n, dtype=np.int32)
    kept_pos = np.empty(n, dtype=np.int64)
    grad_v = np.empty(dim, dtype=np.float32)
    neg_buf = np.empty(max(negative, 1), dtype=np.int32)
    scores = np.empty(W_out.shape[0] if loss_kind == 0 else 1, dtype=np.float64)
    one = np.float32(1.0)
    loss = 0.0
    n_examples = 0
    start = 0
    for s in range(ends.shape[0]):
        stop = ends[s]
        m = subsample_sentence(ids, start, stop, tables[0], kept, kept_pos, state)
        start = stop
        for i in range(m):
            lr = learning_rate(schedule, kept_pos[i])
            r = window - rand_below(state, window)  # effective radius, uniform in 1..window
            v = W_in[kept[i]]  # (dim,) the hidden layer is the centre's input row
            for j in range(max(0, i - r), min(m, i + r + 1)):
                if j == i:
                    continue
                grad_v[:] = 0.0
                loss += output_update(
                    loss_kind,
                    W_out,
                    v,
                    grad_v,
                    kept[j],
                    tables,
                    negative,
                    neg_buf,
                    scores,
                    state,
                    lr,
                )
                axpy(one, grad_v, v)
                n_examples += 1
    return loss, n_examples
