"""Kernel building blocks both architectures share: generator, sigmoid, rows, noise, schedule.

Randomness is explicit state: a one-element uint64 array holding an xorshift64* generator,
seeded per batch from (seed, epoch, batch) by the schedule (``w2v.schedule``). Nothing here
touches ``np.random`` (Numba's generator is separate from NumPy's and cannot be seeded per
thread).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from llvmlite.binding import llvm_version_info
from numba import config as numba_config
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .._jit import jit

#: Output-layer selectors passed to the batch kernels.
LOSS_SOFTMAX = 0
LOSS_HS = 1
LOSS_NS = 2

#: LLVM fast-math flags: reassociation lets the dim loops vectorise. No 'nnan'/'ninf', so a
#: diverging run still produces NaN/inf that the trainer can detect.
FASTMATH = {"reassoc", "contract", "arcp", "nsz", "afn"}

_U64 = np.uint64
_MULT = np.uint64(0x2545F4914F6CDD1D)

_FINITE_BLOCK = 1 << 15  # values per block checked by all_finite
_CACHE_LINE = 64
_SYNC_AHEAD = 8  # how many rows ahead sync_hot_rows prefetches the shared rows
# The intrinsic's name carries its pointer type: typed "i8*" up to LLVM 14 (Numba 0.59-0.60),
# opaque "ptr" from LLVM 15 on.
_PREFETCH = "llvm.prefetch.p0" if llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"


def kernel_matrix(rows: int, dim: int, source: np.ndarray | None = None) -> np.ndarray:
    """A (rows, dim) C-contiguous float32 matrix whose first row starts on a 64-byte line.

    Zero-filled (as ``np.zeros``: pages no row has touched yet take no memory), or a copy of
    ``source``. NumPy places large arrays 16 bytes past a page start, so with ``dim`` a
    multiple of 16 every row of an ``np.zeros`` matrix straddles one more cache line than it
    needs; the kernels then run 20–30 % slower (dim 128: CBOW NS 1,710k against 2,227k
    words/s on one worker, skip-gram NS 404k against 505k). Other dims are unaffected.
    """
    nbytes = rows * dim * 4
    raw = np.zeros(nbytes + _CACHE_LINE, dtype=np.uint8)
    start = -raw.ctypes.data % _CACHE_LINE
    out = raw[start : start + nbytes].view(np.float32).reshape(rows, dim)
    if source is not None:
        out[...] = source
    return out


def all_finite(*arrays: np.ndarray) -> bool:
    """Whether every value of every array is finite (no NaN, no infinity).

    Checks a block of rows (~32,000 values) at a time, so it allocates no bool array the
    size of the weights: ``np.isfinite(W_in).all()`` on a 64,000 × 100 matrix
    takes 6.4 MB that glibc keeps in the heap afterwards, and the check runs at the end of
    each epoch, when the process is at its peak memory.
    """
    for a in arrays:
        a = np.atleast_1d(a)
        rows = max(1, _FINITE_BLOCK // max(1, a[0].size if len(a) else 1))
        for s in range(0, len(a), rows):
            if not np.isfinite(a[s : s + rows]).all():
                return False
    return True


def _emit_prefetch(builder, base, nbytes):  # type: ignore[no-untyped-def]  # pragma: no cover
    """LLVM IR: one ``llvm.prefetch`` (write intent, keep in all levels) per 64-byte line of
    the ``nbytes`` (intp) bytes at ``base`` (i8*)."""
    i32 = ir.IntType(32)
    i8p = ir.IntType(8).as_pointer()
    fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
    fn = cgutils.get_or_insert_function(builder.module, fnty, _PREFETCH)
    zero, step = ir.Constant(nbytes.type, 0), ir.Constant(nbytes.type, _CACHE_LINE)
    with cgutils.for_range_slice(builder, zero, nbytes, step) as (offset, _):
        # (address, write = 1, locality = 3: keep in every level, data cache = 1)
        args = [builder.gep(base, [offset]), ir.Constant(i32, 1), ir.Constant(i32, 3)]
        builder.call(fn, [*args, ir.Constant(i32, 1)])


@intrinsic
def prefetch_row(typingctx, M, row):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Ask the CPU to start loading row ``row`` of the C-contiguous 2-D array ``M``, for writing.

    One ``llvm.prefetch`` (write intent, keep in all cache levels) per 64-byte line of the
    row; it returns at once and never faults. The kernels issue it for the rows an example
    is about to read and update, so their cache misses (to memory, or to the other core that
    last wrote the row) overlap instead of following one another.
    """
    if not (isinstance(M, types.Array) and M.ndim == 2 and M.layout == "C"):
        return None
    if not isinstance(row, types.Integer):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        aryty, rowty = signature.args
        ary = context.make_array(aryty)(context, builder, args[0])
        intp = context.get_value_type(types.intp)
        shape = cgutils.unpack_tuple(builder, ary.shape)
        r = context.cast(builder, args[1], rowty, types.intp)
        row_bytes = builder.mul(shape[1], ir.Constant(intp, aryty.dtype.bitwidth // 8))
        i8p = ir.IntType(8).as_pointer()
        base = builder.gep(builder.bitcast(ary.data, i8p), [builder.mul(r, row_bytes)])
        _emit_prefetch(builder, base, row_bytes)
        return context.get_dummy_value()

    return types.void(M, row), codegen


@intrinsic
def prefetch_ptr(typingctx, p, nbytes):  # type: ignore[no-untyped-def]  # pragma: no cover
    """``prefetch_row`` for the ``nbytes`` bytes at the pointer ``p`` (from ``row_ptr``)."""
    if not (isinstance(p, types.CPointer) and isinstance(nbytes, types.Integer)):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        n = context.cast(builder, args[1], signature.args[1], types.intp)
        _emit_prefetch(builder, builder.bitcast(args[0], ir.IntType(8).as_pointer()), n)
        return context.get_dummy_value()

    return types.void(p, nbytes), codegen


@intrinsic
def row_ptr(typingctx, M, private, start, row):  # type: ignore[no-untyped-def]  # pragma: no cover
    """The address of row ``row`` of a matrix whose rows ``start <= row < start + K`` are
    held in ``private`` (K, dim), the calling thread's own copy, and the others in ``M``.

    A pointer (``p[k]`` reads and writes element k of the row), chosen with a select, not
    a branch: the private rows come up at random, about every other row, and an ``if`` on
    them is mispredicted so often that it costs more than the copies save. Two CBOW NS
    workers in one harness: private input rows behind an ``if`` went 4,317k → 4,052k
    words/s; behind this select 4,309k → 4,613k, and 4,890k with the output rows chosen
    this way too (one worker unchanged). A pointer also spares the reference counting that
    binding either array to one variable costs (CONTRIBUTING.md).

    ``M`` and ``private`` are 2-D C-contiguous arrays of one dtype with the same row length;
    an empty ``private`` selects ``M`` for every row. Indexing, like the kernels' own, is
    unchecked.
    """
    ok = (
        isinstance(M, types.Array)
        and isinstance(private, types.Array)
        and M.ndim == private.ndim == 2
        and M.layout == private.layout == "C"
        and M.dtype == private.dtype
        and isinstance(start, types.Integer)
        and isinstance(row, types.Integer)
    )
    if not ok:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        mty, pty, sty, rty = signature.args
        m = context.make_array(mty)(context, builder, args[0])
        p = context.make_array(pty)(context, builder, args[1])
        r = context.cast(builder, args[3], rty, types.intp)
        rp = builder.sub(r, context.cast(builder, args[2], sty, types.intp))
        m_shape = cgutils.unpack_tuple(builder, m.shape)
        p_shape = cgutils.unpack_tuple(builder, p.shape)
        in_private = builder.icmp_unsigned("<", rp, p_shape[0])  # 0 <= rp < K in one compare
        in_m = builder.gep(m.data, [builder.mul(r, m_shape[1])])
        in_p = builder.gep(p.data, [builder.mul(rp, p_shape[1])])
        return builder.select(in_private, in_p, in_m)

    return types.CPointer(M.dtype)(M, private, start, row), codegen


if numba_config.DISABLE_JIT:  # the kernels run as plain Python (NUMBA_DISABLE_JIT=1: debugging)

    def prefetch_row(M: np.ndarray, row: int) -> None:  # type: ignore[no-redef]
        """A prefetch is only a hint to the CPU: plain Python has nothing to do."""

    def prefetch_ptr(p: np.ndarray, nbytes: int) -> None:  # type: ignore[no-redef]
        """A prefetch is only a hint to the CPU: plain Python has nothing to do."""

    def row_ptr(  # type: ignore[no-redef]
        M: np.ndarray, private: np.ndarray, start: int, row: int
    ) -> np.ndarray:
        """The row as a NumPy view: ``p[k]`` reads and writes it as the pointer would."""
        return private[row - start] if 0 <= row - start < len(private) else M[row]


@jit
def prefetch_units(
    W_out: np.ndarray, hot: np.ndarray, hot_start: int, rows: np.ndarray, which: int, n: int
) -> None:  # pragma: no cover - numba
    """Prefetch the rows W_out[rows[which, d]], d < n, each where the kernel will use it.

    Rows kept in the thread's private copy ``hot`` are prefetched there: touching the
    shared row would pull its lines away from the other threads for nothing.
    """
    nbytes = W_out.shape[1] * W_out.itemsize
    for d in range(n):
        prefetch_ptr(row_ptr(W_out, hot, hot_start, rows[which, d]), nbytes)


@jit(fastmath=FASTMATH)
def sync_hot_rows(
    M: np.ndarray, hot: np.ndarray, base: np.ndarray, hot_start: int, lo: int = 0, hi: int = -1
) -> None:  # pragma: no cover - numba
    """Publish a thread's private rows of a shared matrix and take the other threads' updates.

    M : W_in or W_out; hot, base : (K, dim) float32, the thread's copy of
    M[hot_start : hot_start + K] and its value at the last sync. The thread's own change
    (hot − base) is added to M's rows, then both copies are refreshed from M, which now
    holds every thread's published changes. Only the private rows ``lo <= r < hi`` (default:
    all) are synced. Two threads must not sync the same rows at once (one's change could be
    lost): callers hold the run's sync lock (:func:`try_lock`).
    """
    n_hot = hot.shape[0] if hi < 0 else min(hi, hot.shape[0])
    for r in range(max(0, lo), n_hot):
        row = hot_start + r
        if r + _SYNC_AHEAD < n_hot:  # the other threads last wrote these rows: fetch early
            prefetch_row(M, row + _SYNC_AHEAD)
        for k in range(hot.shape[1]):
            shared = M[row, k] + (hot[r, k] - base[r, k])
            M[row, k] = shared
            hot[r, k] = shared
            base[r, k] = shared


@intrinsic
def try_lock(typingctx, flag):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Take the spin lock ``flag[0]`` (an int64 array, 0 = free) if it is free; return
    whether it was taken. One atomic compare-and-swap (acquire): it never waits."""
    if not (isinstance(flag, types.Array) and flag.dtype == types.int64 and flag.ndim == 1):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        i64 = ir.IntType(64)
        pair = builder.cmpxchg(ary.data, ir.Constant(i64, 0), ir.Constant(i64, 1), "acquire")
        return builder.extract_value(pair, 1)

    return types.boolean(flag), codegen


@intrinsic
def unlock(typingctx, flag):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Free the spin lock ``flag[0]`` taken by :func:`try_lock` (an atomic store, release)."""
    if not (isinstance(flag, types.Array) and flag.dtype == types.int64 and flag.ndim == 1):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        builder.store_atomic(ir.Constant(ir.IntType(64), 0), ary.data, "release", 8)
        return context.get_dummy_value()

    return types.void(flag), codegen


if numba_config.DISABLE_JIT:

    def try_lock(flag: np.ndarray) -> bool:  # type: ignore[no-redef]
        """Plain Python runs one kernel at a time (the GIL): a test-and-set suffices."""
        if flag[0]:
            return False
        flag[0] = 1
        return True

    def unlock(flag: np.ndarray) -> None:  # type: ignore[no-redef]
        """Free the lock taken by :func:`try_lock`."""
        flag[0] = 0


@jit(fastmath=FASTMATH)
def sync_tier(
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    hot_start: int,
    hot_sync: tuple,
    top_at_end: int,
    count: int,
) -> None:  # pragma: no cover - numba
    """The ``count``-th sync of a batch: publish the thread's most shared private rows.

    The rows a thread keeps private are the ones every thread updates most (the most frequent
    words' rows; the Huffman nodes nearest the root), and those drift apart fastest between
    the syncs after each batch. So inside a batch, every ``every`` words, the top
    ``FAST_ROWS`` rows of ``hot_in`` and ``hot_out`` are synced; at every second sync twice as
    many, at every fourth four times, up to ``FAST_ROWS << FAST_TIERS``, as Intel's
    pWord2Vec tiers its syncs by frequency. The top of ``hot_out`` is its end when
    ``top_at_end`` (HS: the root is the last inner node). When another thread holds the sync
    lock this sync is skipped (the next one, or the one after the batch, publishes it): a
    thread never waits here.
    """
    base_in, base_out, flag, _, fast_rows, tiers = hot_sync
    tier = 0
    while tier < tiers and count % (2 << tier) == 0:
        tier += 1
    rows = fast_rows << tier
    if not try_lock(flag):
        return
    sync_hot_rows(W_in, hot_in, base_in, 0, 0, rows)
    k = hot_out.shape[0]
    if top_at_end:
        sync_hot_rows(W_out, hot_out, base_out, hot_start, k - rows, k)
    else:
        sync_hot_rows(W_out, hot_out, base_out, hot_start, 0, rows)
    unlock(flag)


@jit(fastmath=FASTMATH)
def publish_hot_rows(
    W_in: np.ndarray,
    W_out: np.ndarray,
    hot_in: np.ndarray,
    hot_out: np.ndarray,
    hot_start: int,
    hot_sync: tuple,
) -> None:  # pragma: no cover - numba
    """Sync all of a thread's private rows (after each batch), waiting for the sync lock."""
    base_in, base_out, flag = hot_sync[0], hot_sync[1], hot_sync[2]
    while not try_lock(flag):
        pass
    sync_hot_rows(W_in, hot_in, base_in, 0)
    sync_hot_rows(W_out, hot_out, base_out, hot_start)
    unlock(flag)


def make_hot_sync(
    base_in: np.ndarray,
    base_out: np.ndarray,
    flag: np.ndarray,
    every: int = 0,
    fast_rows: int = 16,
    tiers: int = 3,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, int]:
    """The kernels' ``hot_sync`` argument: the thread's private rows' values at the last sync
    (``base_in``, ``base_out``), the run's sync lock (``flag``, int64 (1,), shared by all
    threads), how many kept centre words pass between in-batch syncs (0: none), and the
    tiers of :func:`sync_tier` (``fast_rows`` rows, doubled ``tiers`` times)."""
    return base_in, base_out, flag, int(every), int(fast_rows), int(tiers)


#: ``hot_sync`` for a kernel with no private rows (one thread, tests).
NO_SYNC = make_hot_sync(
    np.zeros((0, 1), np.float32), np.zeros((0, 1), np.float32), np.zeros(1, np.int64), 0
)


@jit
def next_u64(state: np.uint64) -> tuple[np.uint64, np.uint64]:  # pragma: no cover - numba
    """Advance an xorshift64* generator: return (64 random bits, new state)."""
    x = state
    x ^= x >> _U64(12)
    x ^= x << _U64(25)
    x ^= x >> _U64(27)
    return x * _MULT, x


@jit
def rand_below(state: np.uint64, n: int) -> tuple[int, np.uint64]:  # pragma: no cover - numba
    """A uniform integer in [0, n) (Lemire's multiply-shift on the high 32 bits), new state."""
    r, state = next_u64(state)
    return int(((r >> _U64(32)) * _U64(n)) >> _U64(32)), state


@jit
def rand_unit(state: np.uint64) -> tuple[float, np.uint64]:  # pragma: no cover - numba
    """A uniform float in [0, 1) with 53 random bits, new state."""
    r, state = next_u64(state)
    return float(r >> _U64(11)) * (1.0 / 9007199254740992.0), state


#: The sigmoid table spans [-SIGMOID_BOUND, SIGMOID_BOUND] in SIGMOID_STEPS steps; linear
#: interpolation between entries is accurate to ~2e-7 for σ and ~5e-7 for log σ (h²/8 times
#: the second derivative). Beyond the span σ is 0 or 1 and log σ(x) is min(x, 0), off by at
#: most e^-16 ≈ 1.1e-7 — float32's own rounding.
SIGMOID_BOUND = 16.0
SIGMOID_STEPS = 8192


def sigmoid_table() -> np.ndarray:
    """(SIGMOID_STEPS + 1, 2) float32: σ(x) and log σ(x) side by side at evenly spaced x.

    Side by side, both values an interpolation needs share a cache line.
    """
    x = np.linspace(-SIGMOID_BOUND, SIGMOID_BOUND, SIGMOID_STEPS + 1)
    e = np.exp(-np.abs(x))  # never overflows
    sig = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    log_sig = np.minimum(x, 0.0) - np.log1p(e)
    return np.ascontiguousarray(np.stack([sig, log_sig], axis=1), dtype=np.float32)


#: The table as a compile-time constant of the kernels (Numba freezes a module-level array
#: into the machine code). This is deliberate: it lets the per-unit logistic function take
#: only scalars, and a function on the per-example path that takes arrays and calls another
#: function pays atomic reference counting on every call (measured: 2x slower overall).
#: It depends only on the two constants above; clear __pycache__ after changing them.
SIGMOID_TABLE = sigmoid_table()


@jit
def sigmoid_and_log(x: float) -> tuple[float, float]:  # pragma: no cover - numba
    """(σ(x), log σ(x)) by linear interpolation in SIGMOID_TABLE; exact tails beyond ±bound."""
    if x >= SIGMOID_BOUND:
        sig = 1.0
        log_sig = 0.0
    elif x <= -SIGMOID_BOUND:
        sig = 0.0
        log_sig = x
    else:
        f = (x + SIGMOID_BOUND) * (SIGMOID_STEPS / (2.0 * SIGMOID_BOUND))
        i = int(f)
        t = f - i
        s0 = SIGMOID_TABLE[i, 0]
        l0 = SIGMOID_TABLE[i, 1]
        sig = s0 + t * (SIGMOID_TABLE[i + 1, 0] - s0)
        log_sig = l0 + t * (SIGMOID_TABLE[i + 1, 1] - l0)
    return sig, log_sig


@jit
def logistic(score: float, label: float, lr: float) -> tuple[np.float32, float]:  # pragma: no cover
    """One binary logistic unit: (g, loss) with g = lr·(label − σ(score)) = −lr·∂loss/∂score
    and loss = −log P(label | score) = −log σ(score) or −log(1 − σ(score))."""
    sig, log_sig = sigmoid_and_log(score)
    g = np.float32((label - sig) * lr)
    loss = -log_sig if label > 0.5 else score - log_sig
    return g, loss


# Kernels index matrices by row number instead of taking row views: a view in a hot loop costs
# an atomic reference-count increment and decrement, contended between threads.


@jit(fastmath=FASTMATH)
def dot_row(M: np.ndarray, row: int, v: np.ndarray) -> float:  # pragma: no cover - numba
    """M[row]·v over float32, accumulated in float32 (vectorised)."""
    acc = np.float32(0.0)
    for k in range(v.shape[0]):
        acc += M[row, k] * v[k]
    return acc


@jit
def draw_negatives(
    noise_prob: np.ndarray,
    noise_alias: np.ndarray,
    negative: int,
    target: int,
    out: np.ndarray,
    state: np.uint64,
) -> tuple[int, np.uint64]:  # pragma: no cover - numba
    """Draw ``negative`` words from the alias table into out[0, 1:]; return (count, state).

    A drawn word equal to ``target`` is skipped, not redrawn, as in word2vec.c, so the count
    may be below ``negative``. Each draw is O(1): a uniform slot, then a biased coin.
    """
    V = noise_prob.shape[0]
    n = 0
    for _ in range(negative):
        r, state = next_u64(state)
        i = int(((r >> _U64(32)) * _U64(V)) >> _U64(32))
        r, state = next_u64(state)
        if float(r >> _U64(11)) * (1.0 / 9007199254740992.0) >= noise_prob[i]:
            i = noise_alias[i]
        if i != target:
            n += 1
            out[0, n] = i
    return n, state


@jit
def draw_noise_words(
    prob: np.ndarray, alias: np.ndarray, n: int, seed: int
) -> np.ndarray:  # pragma: no cover - numba
    """``n`` independent draws from an alias table (for tests and explain). (n,) int32."""
    state = np.uint64(seed) | np.uint64(1)
    buf = np.empty((1, 2), dtype=np.int32)
    out = np.empty(n, dtype=np.int32)
    for k in range(n):
        _, state = draw_negatives(prob, alias, 1, -1, buf, state)
        out[k] = buf[0, 1]
    return out


@jit
def build_alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Vose's alias method: tables to draw from distribution ``p`` (sums to 1) in O(1).

    Returns (prob float32 (V,), alias int32 (V,)): draw i uniformly, keep it with probability
    prob[i], otherwise take alias[i].
    """
    V = p.shape[0]
    scaled = p * V
    prob = np.ones(V, dtype=np.float64)
    alias = np.arange(V).astype(np.int32)
    small = np.empty(V, dtype=np.int64)
    large = np.empty(V, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(V):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        n_large -= 1
        g = large[n_large]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            small[n_small] = g
            n_small += 1
        else:
            large[n_large] = g
            n_large += 1
    # leftovers are 1 up to rounding
    return prob.astype(np.float32), alias


@jit(fastmath=FASTMATH)
def subsample_sentence(
    ids: np.ndarray,
    start: int,
    stop: int,
    keep_prob: np.ndarray,
    kept: np.ndarray,
    kept_pos: np.ndarray,
    state: np.uint64,
) -> tuple[int, np.uint64]:  # pragma: no cover - numba
    """Copy the words of ids[start:stop] that survive subsampling into ``kept``.

    ``kept_pos`` receives each kept word's position in ``ids`` (for the learning rate).
    Returns (number kept, generator state).
    """
    m = 0
    for p in range(start, stop):
        w = ids[p]
        keep = keep_prob[w]
        if keep < 1.0:
            u, state = rand_unit(state)
            if keep < u:
                continue
        kept[m] = w
        kept_pos[m] = p
        m += 1
    return m, state


@jit
def learning_rate(schedule: tuple, p: int) -> float:  # pragma: no cover - numba
    """Linear decay: schedule = (alpha, min_alpha, pos0, total); p is the local position.

    The compiled twin of :func:`w2v.schedule.learning_rate` at global position pos0 + p
    (``tests/test_schedule.py`` pins them equal).
    """
    alpha, min_alpha, pos0, total = schedule
    lr = alpha - (alpha - min_alpha) * (pos0 + p) / total
    return lr if lr > min_alpha else min_alpha


def noise_codes(negative: int) -> np.ndarray:
    """(1, negative + 1) int8 codes of an NS example: 0 for the target, 1 for noise words."""
    codes = np.ones((1, negative + 1), dtype=np.int8)
    codes[0, 0] = 0
    return codes
