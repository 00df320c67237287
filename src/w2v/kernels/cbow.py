"""CBOW: the mean (or sum) of the context input vectors predicts the centre word.

For every kept centre position i with radius r drawn uniformly in 1..window, the hidden
vector is h = Σ_j W_in[context_j] (divided by the number of context words when
``cbow_mean``); the output layer scores h against the centre word, and grad_v is added to
every context row. As in word2vec.c and gensim, the mean's gradient is *not* divided by the
number of context words (each row gets the full grad_v); with ``cbow_mean=0`` (sum) that is
the exact gradient.
"""

from __future__ import annotations

import numpy as np

from .._jit import jit
from .common import (
    FASTMATH,
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    draw_negatives,
    learning_rate,
    prefetch_ptr,
    prefetch_units,
    rand_below,
    row_ptr,
    subsample_sentence,
    sync_tier,
)
from .outputs import logistic_units, softmax_update

# Why each kernel writes its own output-layer dispatch (``if loss_kind == LOSS_NS: ... elif
# LOSS_HS ... else softmax``) and batch preamble instead of sharing one helper with the other
# architecture: a jitted function that takes arrays and is not inlined increfs and decrefs
# every array argument atomically on every call (CONTRIBUTING, "Per-example code passes no
# arrays to calls LLVM cannot inline"). A shared per-example ``output_update(loss_kind, W_out,
# hot_out, ..., v, grad_v, ...)`` is such a call: in the skip-gram HS kernel that overhead was
# 60 % of the run time. The math itself is written once, in ``outputs.py``.


@jit(fastmath=FASTMATH)
def train_batch_cbow(
    ids: np.ndarray,
    ends: np.ndarray,
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    tables: tuple,
    loss_kind: int,
    negative: int,
    window: int,
    schedule: tuple,
    seed: np.uint64,
    hot_start: int,
    hot_sync: tuple,
    cbow_mean: int,
) -> tuple[float, int]:  # pragma: no cover - numba
    """Train CBOW on one batch; return (summed loss float64, number of examples).

    Arguments as for ``train_batch_skipgram``, plus ``cbow_mean`` (1 = mean, 0 = sum).
    An example is one centre word with at least one context word.
    """
    n = ids.shape[0]
    dim = W_in.shape[1]
    row_bytes = dim * W_in.itemsize
    keep_prob, noise_prob, noise_alias, points, codes, lengths, ns_codes = tables
    state = seed
    sync_every = hot_sync[3]
    since_sync = 0
    n_syncs = 0
    kept = np.empty(n, dtype=np.int32)
    kept_pos = np.empty(n, dtype=np.int64)
    h = np.empty(dim, dtype=np.float32)
    grad_v = np.empty(dim, dtype=np.float32)
    ns_rows = np.empty((1, negative + 1), dtype=np.int32)  # target, then noise words
    scores = np.empty(W_out.shape[0] if loss_kind == LOSS_SOFTMAX else 1, dtype=np.float64)
    loss = 0.0
    n_examples = 0
    start = 0
    for s in range(ends.shape[0] + 1):  # the words after the last end: one more sentence
        stop = ends[s] if s < ends.shape[0] else n
        m, state = subsample_sentence(ids, start, stop, keep_prob, kept, kept_pos, state)
        start = stop
        for i in range(m):
            if sync_every:
                since_sync += 1
                if since_sync >= sync_every:  # publish the most shared private rows
                    since_sync = 0
                    n_syncs += 1
                    top_at_end = loss_kind == LOSS_HS
                    sync_tier(
                        W_in, W_out, hot_in, hot_out, hot_start, hot_sync, top_at_end, n_syncs
                    )
            lr = learning_rate(schedule, kept_pos[i])
            b, state = rand_below(state, window)
            r = window - b  # effective radius, uniform in 1..window
            lo = max(0, i - r)
            hi = min(m, i + r + 1)
            cw = hi - lo - 1  # context words: the window less the centre
            if cw == 0:
                continue
            centre = kept[i]
            # Know the output rows first and start loading them; summing the context rows
            # below then hides their latency.
            if loss_kind == LOSS_NS:
                ns_rows[0, 0] = centre
                n_neg, state = draw_negatives(
                    noise_prob, noise_alias, negative, centre, ns_rows, state
                )
                prefetch_units(W_out, hot_out, hot_start, ns_rows, 0, n_neg + 1)
            elif loss_kind == LOSS_HS:
                prefetch_units(W_out, hot_out, hot_start, points, centre, lengths[centre])
            if i + window + 1 < m:  # the input row that can enter the next windows
                prefetch_ptr(row_ptr(W_in, hot_in, 0, kept[i + window + 1]), row_bytes)
            for k in range(dim):
                h[k] = 0.0
                grad_v[k] = 0.0
            for j in range(lo, hi):
                if j != i:
                    row = row_ptr(W_in, hot_in, 0, kept[j])
                    for k in range(dim):
                        h[k] += row[k]
            if cbow_mean:
                inv = np.float32(1.0 / cw)
                for k in range(dim):
                    h[k] *= inv  # (dim,) mean of the context rows
            if loss_kind == LOSS_NS:
                loss += logistic_units(
                    W_out, hot_out, hot_start, h, grad_v, ns_rows, ns_codes, 0, n_neg + 1, lr
                )
            elif loss_kind == LOSS_HS:
                loss += logistic_units(
                    W_out, hot_out, hot_start, h, grad_v, points, codes, centre, lengths[centre], lr
                )
            else:
                loss += softmax_update(W_out, h, grad_v, centre, scores, lr)
            for j in range(lo, hi):
                if j != i:
                    row = row_ptr(W_in, hot_in, 0, kept[j])
                    for k in range(dim):
                        row[k] += grad_v[k]
            n_examples += 1
    return loss, n_examples
