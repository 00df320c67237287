"""Skip-gram: one training example per (centre, context) pair, as word2vec.c trains it.

For every kept centre position i with radius r drawn uniformly in 1..window, each context
position j in [i−r, i+r], j ≠ i, is one example. As in word2vec.c and gensim, the example's
hidden vector is the *context* word's input row, v = W_in[context], and the output layer
scores the *centre* word; W_in[context] += grad_v right after the pair. Because windows are
symmetric, the multiset of (input word, predicted word) pairs over a corpus is the same as
in the textbook reading "the centre word predicts each context word"; this order keeps the
centre's output rows (its Huffman path, or its NS row) in cache for the whole window, which
makes hierarchical softmax about twice as fast.

With ``shared_negatives`` (opt-in, negative sampling only), the k noise words are drawn once
per window and used for each of its pairs, as in Ji et al. 2016 ("Parallelizing Word2Vec in
Shared and Distributed Memory"): the window's k + 1 output rows then stay in cache, and
skip-gram NS trains about 1.8× faster at the same quality (README, Performance).
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
def train_batch_skipgram(
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
    shared_negatives: int,
) -> tuple[float, int]:  # pragma: no cover - numba
    """Train skip-gram on one batch; return (summed loss float64, number of examples).

    ids      : (n,) int32 word ids of a contiguous range of the corpus
    ends     : (S,) int64 sentence ends within ``ids`` (increasing, each <= n); the
               words after the last end, if any, are one more sentence
    W_in     : (V, dim) float32 input vectors, updated in place
    W_out    : (V, dim) float32 output vectors ((V−1, dim) for HS), updated in place
    hot_in   : (K_in, dim) float32, this thread's copy of W_in[:K_in] (the most frequent
               words' input rows), used instead of them; (0, dim) for none
    hot_out  : (K, dim) float32, this thread's copy of W_out[hot_start : hot_start + K]
               (the most shared output rows), used instead of them; (0, dim) for none
    tables   : (keep_prob (V,) f32, noise_prob (V,) f32, noise_alias (V,) i32,
                points (V, L) i32, codes (V, L) i8, code_lengths (V,) i32,
                noise codes (1, negative+1) i8 from ``noise_codes``)
    schedule : (alpha, min_alpha, pos0, total) float64; see ``learning_rate``
    seed     : nonzero uint64 seeding this batch's generator
    hot_start: the first W_out row that ``hot_out`` stands for
    hot_sync : ``make_hot_sync(...)``: how the private rows are synced inside the batch
               (every ``hot_sync[3]`` kept words, by ``sync_tier``; 0 = only after it)
    shared_negatives: 1 = NS draws the noise words once per window, for all its pairs
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
    v = np.empty(dim, dtype=np.float32)
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
            centre = kept[i]
            n_neg = 0
            if loss_kind == LOSS_NS and shared_negatives:  # one draw for the whole window
                ns_rows[0, 0] = centre
                n_neg, state = draw_negatives(
                    noise_prob, noise_alias, negative, centre, ns_rows, state
                )
                prefetch_units(W_out, hot_out, hot_start, ns_rows, 0, n_neg + 1)
            elif loss_kind == LOSS_HS:  # the centre's path serves every pair of the window
                prefetch_units(W_out, hot_out, hot_start, points, centre, lengths[centre])
            if i + window + 1 < m:  # the input row that can enter the next windows
                prefetch_ptr(row_ptr(W_in, hot_in, 0, kept[i + window + 1]), row_bytes)
            for j in range(max(0, i - r), min(m, i + r + 1)):
                if j == i:
                    continue
                row = row_ptr(W_in, hot_in, 0, kept[j])  # the context word's input row
                for k in range(dim):
                    v[k] = row[k]  # hidden layer
                    grad_v[k] = 0.0
                if loss_kind == LOSS_NS:
                    if not shared_negatives:
                        ns_rows[0, 0] = centre
                        n_neg, state = draw_negatives(
                            noise_prob, noise_alias, negative, centre, ns_rows, state
                        )
                        prefetch_units(W_out, hot_out, hot_start, ns_rows, 0, n_neg + 1)
                    loss += logistic_units(
                        W_out, hot_out, hot_start, v, grad_v, ns_rows, ns_codes, 0, n_neg + 1, lr
                    )
                elif loss_kind == LOSS_HS:
                    loss += logistic_units(
                        W_out,
                        hot_out,
                        hot_start,
                        v,
                        grad_v,
                        points,
                        codes,
                        centre,
                        lengths[centre],
                        lr,
                    )
                else:
                    loss += softmax_update(W_out, v, grad_v, centre, scores, lr)
                for k in range(dim):
                    row[k] += grad_v[k]
                n_examples += 1
    return loss, n_examples
