"""HogBatch: negative sampling as small matrix products, one snapshot per window or group.

Ji et al. 2016 ("Parallelizing Word2Vec in Shared and Distributed Memory", Intel's
pWord2Vec). Skip-gram: a window's B context rows X (B × dim) meet the centre's output row and
the k noise rows drawn once for the window, U ((k+1) × dim). Every score comes from one
snapshot of those rows, S = U Xᵀ ((k+1) × B); with G = lr·c·(label − σ(S)) (c: how many
times that noise word was drawn, so a duplicate is one row with twice the weight), both
gradients are products, ΔU = G X and ΔX = Gᵀ U, and each row is written back once.

CBOW: ``CBOW_GROUP`` windows spread evenly over a sentence (a sentence of m kept words has
ceil(m / CBOW_GROUP) groups; group g holds the windows centred at g, g + groups, g + 2·groups,
...) share one draw of k noise words. Consecutive windows share most of their context words,
so their hidden vectors are nearly equal and one noise draw for them all would push the same
k rows the same way four times: consecutive groups cost 0.94 ± 0.14 analogy points against
per-pair over 10 seeds, spread ones 0.13 ± 0.14 (benchmarks/issue21_notes.md). Their
hidden vectors H (windows × dim) meet the group's output rows (the windows' centre words and
the shared noise words, each once) from one snapshot; each window scores its own centre word
and every noise word but its centre word (word2vec.c skips a noise word equal to the target),
ΔU = Gᵀ H, ΔH = G U; each window's ΔH is then added to its context rows (all hidden vectors
are formed before any input row is written, so they share the snapshot).

The difference from the per-pair kernels is the snapshot: a pair no longer sees the update
of the pair before it in the same window (or group). The tests compare both kernels with the
float64 reference's summed steps from one snapshot (``tests/test_minibatch.py``).

Rows are copied into small local buffers whose row length is ``dim`` rounded up to a whole
number of SIMD blocks (``_BLOCK`` floats, zero padded), so that every dim loop is a whole
number of vectors; they are read and written through ``row_ptr``, like the other kernels,
so the thread-private hot rows keep working.
"""

from __future__ import annotations

import numpy as np

from .._jit import jit
from .common import (
    FASTMATH,
    draw_negatives,
    learning_rate,
    logistic,
    prefetch_ptr,
    prefetch_units,
    rand_below,
    row_ptr,
    subsample_sentence,
    sync_tier,
)

#: Floats per block of a local buffer's row (one 512-bit vector; two 256-bit ones).
_BLOCK = 16
#: Windows of a sentence that share one noise draw and one snapshot in CBOW (at most _TILE).
CBOW_GROUP = 4
#: The CBOW kernel's tile: hidden vectors per product (its loops are written for four).
_TILE = 4
#: Context rows per chunk in skip-gram HS (the tiles' width, 4): a window of B pairs is
#: trained as ceil(B / HS_CHUNK) chunks in turn, each with the per-pair kernel's arithmetic
#: (each pair's scores include the earlier pairs' steps on the path rows). The earlier form,
#: one snapshot per chunk, cost 0.10 ± 0.07 analogy points against per pair with chunks of 2,
#: 0.37 ± 0.12 with chunks of 4 and 0.48 with whole windows (benchmarks/issue21_notes.md).
HS_CHUNK = 4
#: How many windows ahead the kernels draw (and prefetch the rows of) the noise words. The
#: draws do not depend on the weights, so drawing ahead keeps their order.
AHEAD = 2


@jit
def padded(dim: int) -> int:  # pragma: no cover - numba
    """``dim`` rounded up to a whole number of ``_BLOCK``-float blocks."""
    return (dim + _BLOCK - 1) // _BLOCK * _BLOCK


@jit
def merge_noise(units: np.ndarray, mult: np.ndarray, first: int, n: int) -> int:  # pragma: no cover
    """Merge repeated words among units[0, first : first + n] in place: each distinct word
    once, in order of first draw, with mult[d] its number of draws. Returns how many remain.
    Entries before ``first`` get mult 1 and are left alone."""
    for d in range(first):
        mult[d] = 1.0
    m = first
    for d in range(first, first + n):
        w = units[0, d]
        found = -1
        for e in range(first, m):
            if units[0, e] == w:
                found = e
        if found >= 0:
            mult[found] += 1.0
        else:
            units[0, m] = w
            mult[m] = 1.0
            m += 1
    return m


@jit(fastmath=FASTMATH)
def train_batch_skipgram_minibatch(
    ids: np.ndarray,
    ends: np.ndarray,
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    tables: tuple,
    negative: int,
    window: int,
    schedule: tuple,
    seed: np.uint64,
    hot_start: int,
    hot_sync: tuple,
    cbow_mean: int,
) -> tuple[float, int]:  # pragma: no cover - numba
    """Skip-gram NS, one window at a time as matrix products; (summed loss, pairs).

    Arguments as for ``train_batch_skipgram`` (negative sampling only; ``cbow_mean`` is
    ignored: both minibatch kernels take the same arguments). The random draws are those of
    ``shared_negatives``, in the same order: a sentence's subsampling, then per kept centre
    its radius and its k noise words (drawn ``AHEAD`` windows early, to prefetch their rows).

    The products are register-blocked by hand, since LLVM vectorises only the innermost
    (dim) loop: scores in tiles of 2 output rows × 4 context rows (8 dot products sharing
    their loads), ΔU four context rows and ΔX two output rows per pass over a row. The tiles
    are padded with zero rows and zero G entries, which change nothing.
    """
    n = ids.shape[0]
    dim = W_in.shape[1]
    dp = padded(dim)
    row_bytes = dim * W_in.itemsize
    keep_prob, noise_prob, noise_alias, _, _, _, _ = tables
    state = seed
    kept = np.empty(n, dtype=np.int32)
    kept_pos = np.empty(n, dtype=np.int64)
    nb = (2 * window + 3) // 4 * 4  # context rows, padded to tiles of 4
    no = negative + 2  # the centre's row and the noise rows, padded to tiles of 2
    X = np.zeros((nb, dp), dtype=np.float32)  # the window's context rows (snapshot)
    U = np.zeros((no, dp), dtype=np.float32)  # the centre's output row, then the noise rows
    S = np.zeros((no, nb), dtype=np.float32)  # scores U Xᵀ
    G = np.zeros((no, nb), dtype=np.float32)  # lr·c·(label − σ(S)); 0 in the padding
    n_ahead = AHEAD + 1
    units = np.empty((n_ahead, no), dtype=np.int32)  # per window in flight: its output words
    mult = np.empty((n_ahead, no), dtype=np.float32)  # ... how often each was drawn
    n_units = np.empty(n_ahead, dtype=np.int64)
    radius = np.empty(n_ahead, dtype=np.int64)
    draw = np.empty((1, no), dtype=np.int32)
    draw_mult = np.empty(no, dtype=np.float32)
    ctx = np.empty(nb, dtype=np.int32)
    sync_every = hot_sync[3]
    since_sync = 0
    n_syncs = 0
    loss = 0.0
    n_pairs = 0
    start = 0
    for s in range(ends.shape[0] + 1):  # the words after the last end: one more sentence
        stop = ends[s] if s < ends.shape[0] else n
        m, state = subsample_sentence(ids, start, stop, keep_prob, kept, kept_pos, state)
        start = stop
        drawn = 0  # windows of this sentence whose draws are done
        for i in range(m):
            if sync_every:
                since_sync += 1
                if since_sync >= sync_every:  # publish the most shared private rows
                    since_sync = 0
                    n_syncs += 1
                    sync_tier(W_in, W_out, hot_in, hot_out, hot_start, hot_sync, 0, n_syncs)
            while drawn < m and drawn <= i + AHEAD:
                slot = drawn % n_ahead
                b, state = rand_below(state, window)
                radius[slot] = window - b  # uniform in 1..window
                draw[0, 0] = kept[drawn]
                n_neg, state = draw_negatives(
                    noise_prob, noise_alias, negative, kept[drawn], draw, state
                )
                n_u = merge_noise(draw, draw_mult, 1, n_neg)
                for o in range(n_u):
                    units[slot, o] = draw[0, o]
                    mult[slot, o] = draw_mult[o]
                    prefetch_ptr(row_ptr(W_out, hot_out, hot_start, draw[0, o]), row_bytes)
                n_units[slot] = n_u
                if drawn + window < m:  # the input row that enters with that window
                    prefetch_ptr(row_ptr(W_in, hot_in, 0, kept[drawn + window]), row_bytes)
                drawn += 1
            slot = i % n_ahead
            lr = learning_rate(schedule, kept_pos[i])
            r = radius[slot]
            n_u = n_units[slot]
            B = 0
            for j in range(max(0, i - r), min(m, i + r + 1)):
                if j != i:
                    ctx[B] = kept[j]
                    row = row_ptr(W_in, hot_in, 0, kept[j])
                    for k in range(dim):
                        X[B, k] = row[k]
                    B += 1
            if B == 0:
                continue
            Bp = (B + 3) // 4 * 4
            for j in range(B, Bp):
                for k in range(dp):
                    X[j, k] = 0.0
            n_up = n_u + (n_u & 1)
            for o in range(n_u):
                row = row_ptr(W_out, hot_out, hot_start, units[slot, o])
                for k in range(dim):
                    U[o, k] = row[k]
            for o in range(n_u, n_up):
                for k in range(dp):
                    U[o, k] = 0.0
            # S = U Xᵀ in tiles of 2 × 4
            for o in range(0, n_up, 2):
                for j in range(0, Bp, 4):
                    s00 = np.float32(0.0)
                    s01 = np.float32(0.0)
                    s02 = np.float32(0.0)
                    s03 = np.float32(0.0)
                    s10 = np.float32(0.0)
                    s11 = np.float32(0.0)
                    s12 = np.float32(0.0)
                    s13 = np.float32(0.0)
                    for k in range(dp):
                        u0 = U[o, k]
                        u1 = U[o + 1, k]
                        x0 = X[j, k]
                        x1 = X[j + 1, k]
                        x2 = X[j + 2, k]
                        x3 = X[j + 3, k]
                        s00 += u0 * x0
                        s01 += u0 * x1
                        s02 += u0 * x2
                        s03 += u0 * x3
                        s10 += u1 * x0
                        s11 += u1 * x1
                        s12 += u1 * x2
                        s13 += u1 * x3
                    S[o, j] = s00
                    S[o, j + 1] = s01
                    S[o, j + 2] = s02
                    S[o, j + 3] = s03
                    S[o + 1, j] = s10
                    S[o + 1, j + 1] = s11
                    S[o + 1, j + 2] = s12
                    S[o + 1, j + 3] = s13
            for o in range(n_up):
                label = 1.0 if o == 0 else 0.0
                c = mult[slot, o] if o < n_u else np.float32(0.0)
                for j in range(Bp):
                    if o < n_u and j < B:
                        g, unit_loss = logistic(S[o, j], label, lr)
                        G[o, j] = g * c
                        loss += unit_loss * c
                    else:
                        G[o, j] = 0.0
            # ΔU = G X and ΔX = Gᵀ U from the snapshot, added to each row once
            for o in range(n_u):
                row = row_ptr(W_out, hot_out, hot_start, units[slot, o])
                for j in range(0, Bp, 4):
                    g0 = G[o, j]
                    g1 = G[o, j + 1]
                    g2 = G[o, j + 2]
                    g3 = G[o, j + 3]
                    for k in range(dim):
                        row[k] += (g0 * X[j, k] + g1 * X[j + 1, k]) + (
                            g2 * X[j + 2, k] + g3 * X[j + 3, k]
                        )
            for j in range(B):
                row = row_ptr(W_in, hot_in, 0, ctx[j])
                for o in range(0, n_up, 2):
                    g0 = G[o, j]
                    g1 = G[o + 1, j]
                    for k in range(dim):
                        row[k] += g0 * U[o, k] + g1 * U[o + 1, k]
            n_pairs += B
    return loss, n_pairs


@jit(fastmath=FASTMATH)
def train_batch_skipgram_hs_minibatch(
    ids: np.ndarray,
    ends: np.ndarray,
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    tables: tuple,
    negative: int,
    window: int,
    schedule: tuple,
    seed: np.uint64,
    hot_start: int,
    hot_sync: tuple,
    cbow_mean: int,
) -> tuple[float, int]:  # pragma: no cover - numba
    """Skip-gram HS, a window's pairs ``HS_CHUNK`` at a time as matrix products, with the
    per-pair kernel's arithmetic; (summed loss, pairs).

    Arguments as for ``train_batch_skipgram`` with ``loss_kind`` HS (``negative`` and
    ``cbow_mean`` are ignored). Every pair of a window trains the context word's input row
    against the centre word's Huffman path, so a chunk's B context rows X (B × dim, in
    position order, the centre skipped, no word twice) meet the path's L inner-node rows
    U (L × dim). Pair b sees the path rows as the pairs before it left them,
    U_b = U + Σ_{a<b} G[:, a] x_a, so its scores are S[:, b] = (U Xᵀ)[:, b] +
    Σ_{a<b} G[:, a] (x_a · x_b) and its input step is Δx_b = Σ_o G[o, b] U_b[o] =
    (Gᵀ U)_b + Σ_{a<b} (G[:, b] · G[:, a]) x_a, with G = lr·(1 − code − σ(S)) taken pair by
    pair; the path rows end at U + G X. So the products U Xᵀ, Gᵀ U and G X from one read of
    each row give what word2vec.c's pair-by-pair loop gives (to rounding), and each row is
    written back once per chunk. A context word already in the chunk starts the next chunk
    (its row must include the earlier pair's step). The random draws are the per-pair
    kernel's (a sentence's subsampling, then each kept centre's radius), and so are the
    in-batch syncs of the private rows (``hot_sync``; the root, the most shared row, is the
    last inner node). Tiles as in the NS kernel.
    """
    n = ids.shape[0]
    dim = W_in.shape[1]
    dp = padded(dim)
    row_bytes = dim * W_in.itemsize
    keep_prob, _, _, points, codes, lengths, _ = tables
    state = seed
    kept = np.empty(n, dtype=np.int32)
    kept_pos = np.empty(n, dtype=np.int64)
    nb = HS_CHUNK  # a chunk's context rows: the tiles' width
    no = points.shape[1] + (points.shape[1] & 1)  # the longest path, padded to tiles of 2
    # the chunk's context rows (snapshot), then a zero row that pads an odd path (a row of
    # X, not an array of its own: Numba frees an array after its last use, not its pointer's)
    X = np.zeros((nb + 1, dp), dtype=np.float32)
    zero = row_ptr(X, np.zeros((0, dp), dtype=np.float32), 0, nb)
    S = np.zeros((no, nb), dtype=np.float32)  # scores U Xᵀ at the chunk's start
    G = np.zeros((no, nb), dtype=np.float32)  # lr·(1 − code − σ(score)); 0 in the padding
    K = np.zeros((nb, nb), dtype=np.float32)  # x_a · x_b, a < b
    M = np.zeros((nb, nb), dtype=np.float32)  # G[:, b] · G[:, a], a < b
    ctx = np.empty(nb, dtype=np.int32)
    sync_every = hot_sync[3]
    since_sync = 0
    n_syncs = 0
    loss = 0.0
    n_pairs = 0
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
                    sync_tier(W_in, W_out, hot_in, hot_out, hot_start, hot_sync, 1, n_syncs)
            lr = learning_rate(schedule, kept_pos[i])
            b, state = rand_below(state, window)
            r = window - b  # effective radius, uniform in 1..window
            centre = kept[i]
            n_u = lengths[centre]
            n_up = n_u + (n_u & 1)
            if i + 1 < m:  # the next window's path, and the input row that enters with it
                prefetch_units(W_out, hot_out, hot_start, points, kept[i + 1], lengths[kept[i + 1]])
                if i + window + 1 < m:
                    prefetch_ptr(row_ptr(W_in, hot_in, 0, kept[i + window + 1]), row_bytes)
            lo = max(0, i - r)
            n_ctx = min(m, i + r + 1) - lo - 1
            q = 0
            while q < n_ctx:  # each chunk: the pairs' products from one read of the rows
                B = 0
                while q < n_ctx and B < nb:
                    j = lo + q if lo + q < i else lo + q + 1
                    w = kept[j]
                    seen = False
                    for a in range(B):
                        if ctx[a] == w:
                            seen = True
                    if seen:
                        break
                    ctx[B] = w
                    row = row_ptr(W_in, hot_in, 0, w)
                    for k in range(dim):
                        X[B, k] = row[k]
                    B += 1
                    q += 1
                for j in range(B, nb):
                    for k in range(dim):
                        X[j, k] = 0.0
                # S = U Xᵀ in tiles of 2 × 4, the path rows read in place (a zero row pads)
                for o in range(0, n_up, 2):
                    u0 = row_ptr(W_out, hot_out, hot_start, points[centre, o])
                    u1 = zero
                    if o + 1 < n_u:
                        u1 = row_ptr(W_out, hot_out, hot_start, points[centre, o + 1])
                    s00 = np.float32(0.0)
                    s01 = np.float32(0.0)
                    s02 = np.float32(0.0)
                    s03 = np.float32(0.0)
                    s10 = np.float32(0.0)
                    s11 = np.float32(0.0)
                    s12 = np.float32(0.0)
                    s13 = np.float32(0.0)
                    for k in range(dim):
                        a0 = u0[k]
                        a1 = u1[k]
                        x0 = X[0, k]
                        x1 = X[1, k]
                        x2 = X[2, k]
                        x3 = X[3, k]
                        s00 += a0 * x0
                        s01 += a0 * x1
                        s02 += a0 * x2
                        s03 += a0 * x3
                        s10 += a1 * x0
                        s11 += a1 * x1
                        s12 += a1 * x2
                        s13 += a1 * x3
                    S[o, 0] = s00
                    S[o, 1] = s01
                    S[o, 2] = s02
                    S[o, 3] = s03
                    S[o + 1, 0] = s10
                    S[o + 1, 1] = s11
                    S[o + 1, 2] = s12
                    S[o + 1, 3] = s13
                for a in range(B):  # the context rows' dot products, for the pairs after
                    for c in range(a + 1, B):
                        acc = np.float32(0.0)
                        for k in range(dim):
                            acc += X[a, k] * X[c, k]
                        K[a, c] = acc
                # pair by pair: the scores against the path rows as the earlier pairs left them
                for c in range(nb):
                    for o in range(n_up):
                        if o < n_u and c < B:
                            score = S[o, c]
                            for a in range(c):
                                score += G[o, a] * K[a, c]
                            g, unit_loss = logistic(score, 1.0 - codes[centre, o], lr)
                            G[o, c] = g
                            loss += unit_loss
                        else:
                            G[o, c] = 0.0
                for c in range(1, B):
                    for a in range(c):
                        acc = np.float32(0.0)
                        for o in range(n_u):
                            acc += G[o, c] * G[o, a]
                        M[c, a] = acc
                # Δx_b = (Gᵀ U)_b + Σ_{a<b} M[b, a] x_a first, while the path rows are still
                # the chunk's; then ΔU = G X from the copied context rows; each row written once
                for c in range(B):
                    row = row_ptr(W_in, hot_in, 0, ctx[c])
                    for o in range(0, n_up, 2):
                        u0 = row_ptr(W_out, hot_out, hot_start, points[centre, o])
                        u1 = zero
                        if o + 1 < n_u:
                            u1 = row_ptr(W_out, hot_out, hot_start, points[centre, o + 1])
                        g0 = G[o, c]
                        g1 = G[o + 1, c]
                        for k in range(dim):
                            row[k] += g0 * u0[k] + g1 * u1[k]
                    for a in range(c):
                        mca = M[c, a]
                        for k in range(dim):
                            row[k] += mca * X[a, k]
                for o in range(n_u):
                    row = row_ptr(W_out, hot_out, hot_start, points[centre, o])
                    g0 = G[o, 0]
                    g1 = G[o, 1]
                    g2 = G[o, 2]
                    g3 = G[o, 3]
                    for k in range(dim):
                        row[k] += (g0 * X[0, k] + g1 * X[1, k]) + (g2 * X[2, k] + g3 * X[3, k])
                n_pairs += B
    return loss, n_pairs


@jit(fastmath=FASTMATH)
def train_batch_cbow_minibatch(
    ids: np.ndarray,
    ends: np.ndarray,
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    tables: tuple,
    negative: int,
    window: int,
    schedule: tuple,
    seed: np.uint64,
    hot_start: int,
    hot_sync: tuple,
    cbow_mean: int,
) -> tuple[float, int]:  # pragma: no cover - numba
    """CBOW NS, ``CBOW_GROUP`` windows spread over a sentence at a time as matrix products;
    (summed loss, windows).

    Arguments as for ``train_batch_cbow`` (negative sampling only). The draws: a sentence's
    subsampling (a sentence of fewer than two kept words trains nothing and draws nothing
    more), then per group (g = 0, 1, ...: the windows at g, g + groups, ...) its windows'
    radii in order and one draw of k noise words for the group (no word excluded: a window
    skips the noise words equal to its own centre word), drawn one group early to prefetch
    the rows they name (the next group's output rows and context rows).
    """
    n = ids.shape[0]
    dim = W_in.shape[1]
    dp = padded(dim)
    row_bytes = dim * W_in.itemsize
    keep_prob, noise_prob, noise_alias, _, _, _, _ = tables
    state = seed
    kept = np.empty(n, dtype=np.int32)
    kept_pos = np.empty(n, dtype=np.int64)
    ng = CBOW_GROUP
    no = negative + 2  # the noise rows, padded to tiles of 2 (and the draw's slot 0)
    H = np.zeros((_TILE, dp), dtype=np.float32)  # the windows' hidden vectors
    dH = np.zeros((_TILE, dp), dtype=np.float32)
    U = np.zeros((no, dp), dtype=np.float32)  # the noise rows (snapshot)
    T = np.zeros((_TILE, dp), dtype=np.float32)  # each window's centre row (snapshot)
    S = np.zeros((no, _TILE), dtype=np.float32)
    Gn = np.zeros((no, _TILE), dtype=np.float32)  # noise units' lr·c·(0 − σ); 0 where skipped
    Gt = np.zeros(_TILE, dtype=np.float32)  # the centre words' lr·(1 − σ)
    lo_g = np.zeros((2, _TILE), dtype=np.int64)  # per group in flight: its windows' spans
    hi_g = np.zeros((2, _TILE), dtype=np.int64)
    units = np.empty((2, no), dtype=np.int32)  # ... its noise words
    mult = np.empty((2, no), dtype=np.float32)  # ... how often each was drawn
    n_units = np.empty(2, dtype=np.int64)
    draw = np.empty((1, no), dtype=np.int32)
    draw_mult = np.empty(no, dtype=np.float32)
    sync_every = hot_sync[3]
    since_sync = 0
    n_syncs = 0
    loss = 0.0
    n_windows = 0
    start = 0
    for s in range(ends.shape[0] + 1):  # the words after the last end: one more sentence
        stop = ends[s] if s < ends.shape[0] else n
        m, state = subsample_sentence(ids, start, stop, keep_prob, kept, kept_pos, state)
        start = stop
        if m < 2:
            continue
        n_groups = (m + ng - 1) // ng
        drawn = 0  # groups of this sentence whose draws are done
        for gi in range(n_groups):
            G = min(ng, (m - gi + n_groups - 1) // n_groups)  # windows gi, gi + n_groups, ...
            if sync_every:
                since_sync += G
                if since_sync >= sync_every:  # publish the most shared private rows
                    since_sync = 0
                    n_syncs += 1
                    sync_tier(W_in, W_out, hot_in, hot_out, hot_start, hot_sync, 0, n_syncs)
            while drawn < n_groups and drawn <= gi + 1:  # this group's draws, and the next's
                slot = drawn & 1
                n_in = min(ng, (m - drawn + n_groups - 1) // n_groups)
                for g in range(n_in):
                    b, state = rand_below(state, window)
                    r = window - b  # uniform in 1..window
                    c_pos = drawn + g * n_groups
                    lo_g[slot, g] = max(0, c_pos - r)
                    hi_g[slot, g] = min(m, c_pos + r + 1)
                n_neg, state = draw_negatives(noise_prob, noise_alias, negative, -1, draw, state)
                n_u = merge_noise(draw, draw_mult, 1, n_neg) - 1
                for o in range(n_u):
                    units[slot, o] = draw[0, o + 1]
                    mult[slot, o] = draw_mult[o + 1]
                    prefetch_ptr(row_ptr(W_out, hot_out, hot_start, draw[0, o + 1]), row_bytes)
                n_units[slot] = n_u
                for g in range(n_in):  # the centre words' output rows, the context rows
                    prefetch_ptr(
                        row_ptr(W_out, hot_out, hot_start, kept[drawn + g * n_groups]), row_bytes
                    )
                    for p in range(lo_g[slot, g], hi_g[slot, g]):
                        prefetch_ptr(row_ptr(W_in, hot_in, 0, kept[p]), row_bytes)
                drawn += 1
            slot = gi & 1
            n_u = n_units[slot]
            # each window's hidden vector, read straight from the input rows: nothing is
            # written to W_in before every H is formed, so they share one snapshot
            for g in range(G):
                i = gi + g * n_groups
                for k in range(dp):
                    H[g, k] = 0.0
                for p in range(lo_g[slot, g], hi_g[slot, g]):
                    if p != i:
                        row = row_ptr(W_in, hot_in, 0, kept[p])
                        for k in range(dim):
                            H[g, k] += row[k]
                if cbow_mean:
                    inv = np.float32(1.0 / (hi_g[slot, g] - lo_g[slot, g] - 1))
                    for k in range(dim):
                        H[g, k] *= inv
            for g in range(G, _TILE):
                for k in range(dp):
                    H[g, k] = 0.0
            n_up = n_u + (n_u & 1)
            for o in range(n_u):
                row = row_ptr(W_out, hot_out, hot_start, units[slot, o])
                for k in range(dim):
                    U[o, k] = row[k]
            for o in range(n_u, n_up):
                for k in range(dp):
                    U[o, k] = 0.0
            for g in range(G):
                row = row_ptr(W_out, hot_out, hot_start, kept[gi + g * n_groups])
                for k in range(dim):
                    T[g, k] = row[k]
            # noise scores S = U Hᵀ in tiles of 2 × 4; the centre words' scores one by one
            for o in range(0, n_up, 2):
                s00 = np.float32(0.0)
                s01 = np.float32(0.0)
                s02 = np.float32(0.0)
                s03 = np.float32(0.0)
                s10 = np.float32(0.0)
                s11 = np.float32(0.0)
                s12 = np.float32(0.0)
                s13 = np.float32(0.0)
                for k in range(dp):
                    u0 = U[o, k]
                    u1 = U[o + 1, k]
                    h0 = H[0, k]
                    h1 = H[1, k]
                    h2 = H[2, k]
                    h3 = H[3, k]
                    s00 += u0 * h0
                    s01 += u0 * h1
                    s02 += u0 * h2
                    s03 += u0 * h3
                    s10 += u1 * h0
                    s11 += u1 * h1
                    s12 += u1 * h2
                    s13 += u1 * h3
                S[o, 0] = s00
                S[o, 1] = s01
                S[o, 2] = s02
                S[o, 3] = s03
                S[o + 1, 0] = s10
                S[o + 1, 1] = s11
                S[o + 1, 2] = s12
                S[o + 1, 3] = s13
            for g in range(_TILE):
                if g < G:
                    centre = kept[gi + g * n_groups]
                    lr = learning_rate(schedule, kept_pos[gi + g * n_groups])
                    score = np.float32(0.0)
                    for k in range(dp):
                        score += T[g, k] * H[g, k]
                    gt, unit_loss = logistic(score, 1.0, lr)
                    Gt[g] = gt
                    loss += unit_loss
                    for o in range(n_up):
                        if o < n_u and units[slot, o] != centre:
                            gn, unit_loss = logistic(S[o, g], 0.0, lr)
                            c = mult[slot, o]
                            Gn[o, g] = gn * c
                            loss += unit_loss * c
                        else:
                            Gn[o, g] = 0.0
                else:
                    Gt[g] = 0.0
                    for o in range(n_up):
                        Gn[o, g] = 0.0
            # ΔH = Gnᵀ U + Gt T, ΔU = Gn H, Δcentre = Gt H, all from the snapshot
            for g in range(G):
                gt = Gt[g]
                for k in range(dp):
                    dH[g, k] = gt * T[g, k]
                for o in range(0, n_up, 2):
                    g0 = Gn[o, g]
                    g1 = Gn[o + 1, g]
                    for k in range(dp):
                        dH[g, k] += g0 * U[o, k] + g1 * U[o + 1, k]
            for o in range(n_u):
                row = row_ptr(W_out, hot_out, hot_start, units[slot, o])
                g0 = Gn[o, 0]
                g1 = Gn[o, 1]
                g2 = Gn[o, 2]
                g3 = Gn[o, 3]
                for k in range(dim):
                    row[k] += (g0 * H[0, k] + g1 * H[1, k]) + (g2 * H[2, k] + g3 * H[3, k])
            for g in range(G):
                row = row_ptr(W_out, hot_out, hot_start, kept[gi + g * n_groups])
                gt = Gt[g]
                for k in range(dim):
                    row[k] += gt * H[g, k]
            # each window's ΔH added to its context rows (a row in several windows gets each)
            for g in range(G):
                i = gi + g * n_groups
                for p in range(lo_g[slot, g], hi_g[slot, g]):
                    if p != i:
                        row = row_ptr(W_in, hot_in, 0, kept[p])
                        for k in range(dim):
                            row[k] += dH[g, k]
            n_windows += G
    return loss, n_windows


#: The minibatch kernel of each (architecture, output layer); all take the same arguments.
MINIBATCH_KERNELS = {
    ("skipgram", "ns"): train_batch_skipgram_minibatch,
    ("skipgram", "hs"): train_batch_skipgram_hs_minibatch,
    ("cbow", "ns"): train_batch_cbow_minibatch,
}
