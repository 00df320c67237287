"""The compiled kernels take exactly the float64 reference's SGD steps (to float32 precision)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import VARIANTS
from w2v import reference as ref
from w2v.huffman import build_huffman
from w2v.kernels import (
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    NO_SYNC,
    build_alias_table,
    make_hot_sync,
    noise_codes,
    publish_hot_rows,
    sync_hot_rows,
    train_batch_cbow,
    train_batch_skipgram,
)
from w2v.kernels.common import (
    all_finite,
    kernel_matrix,
    prefetch_row,
    prefetch_units,
    row_ptr,
    subsample_sentence,
    sync_tier,
    try_lock,
    unlock,
)
from w2v.kernels.outputs import logistic_units, softmax_update

V, DIM = 6, 8
COUNTS = np.array([20, 11, 7, 5, 3, 2])
KIND = {"softmax": LOSS_SOFTMAX, "hs": LOSS_HS, "ns": LOSS_NS}
TOL = {"rtol": 2e-5, "atol": 2e-6}
NO_HOT = np.zeros((0, 1), dtype=np.float32)  # no thread-private rows


def _matrices(loss: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    W_in = rng.normal(0, 0.3, (V, DIM)).astype(np.float32)
    n_out = V - 1 if loss == "hs" else V
    W_out = rng.normal(0, 0.3, (n_out, DIM)).astype(np.float32)
    return W_in, W_out


def _point_mass_noise(word: int) -> tuple[np.ndarray, np.ndarray]:
    """An alias table that always draws ``word``."""
    prob = np.zeros(V, dtype=np.float32)
    prob[word] = 1.0
    alias = np.full(V, word, dtype=np.int32)
    return prob, alias


@pytest.mark.parametrize("loss", ["softmax", "hs", "ns"])
def test_output_update_equals_reference_step(loss):
    """One call of each output layer's update equals ref.sgd_step for a skip-gram example."""
    W_in, W_out = _matrices(loss)
    centre, target, lr = 1, 4, 0.05
    tree = build_huffman(COUNTS)
    output: dict = {}
    if loss == "ns":
        output["negatives"] = [0, 5, 2]
    if loss == "hs":
        points, codes = tree.path(target)
        output.update(points=points.tolist(), codes=codes.tolist())
    exp_in, exp_out, exp_loss = ref.sgd_step(loss, W_in, W_out, [centre], target, lr, **output)

    v = W_in[centre].copy()
    grad_v = np.zeros(DIM, dtype=np.float32)
    if loss == "ns":
        rows = np.array([[target, *output["negatives"]]], dtype=np.int32)
        got = logistic_units(W_out, NO_HOT, 0, v, grad_v, rows, noise_codes(3), 0, 4, lr)
    elif loss == "hs":
        got = logistic_units(
            W_out,
            NO_HOT,
            0,
            v,
            grad_v,
            tree.points,
            tree.codes,
            target,
            int(tree.lengths[target]),
            lr,
        )
    else:
        got = softmax_update(W_out, v, grad_v, target, np.empty(V), lr)
    W_in[centre] += grad_v
    np.testing.assert_allclose(W_out, exp_out, **TOL)
    np.testing.assert_allclose(W_in, exp_in, **TOL)
    assert got == pytest.approx(exp_loss, rel=1e-5)
    assert not np.allclose(W_out, _matrices(loss)[1])  # the step moved something


def _units_one_at_a_time(W_out, v, rows, labels, lr):
    """Float64 word2vec.c loop: each unit's score against its row as the units before it
    left it; grad_v from the row before its own step."""
    W_out, v = W_out.astype(np.float64), v.astype(np.float64)
    grad_v, loss = np.zeros_like(v), 0.0
    for row, label in zip(rows, labels, strict=True):
        score = W_out[row] @ v
        sig = 1.0 / (1.0 + np.exp(-score))
        g = lr * (label - sig)
        grad_v += g * W_out[row]
        W_out[row] += g * v
        loss -= np.log(sig) if label else np.log(1.0 - sig)
    return W_out, grad_v, loss


@pytest.mark.parametrize(
    "rows",
    [
        [4, 0, 5, 2, 1, 3],  # six different rows: four together, then two
        [4, 0, 4, 2, 1, 1],  # repeats inside the first four and in the last two
        [3, 3, 3, 3, 3],  # one row five times
        [0, 1, 2, 3, 4, 5, 2, 3, 1],  # two fours (the second with rows seen before), one more
        [2, 5, 1],  # three: a pair, then one
    ],
)
def test_logistic_units_take_the_units_in_order_however_they_are_grouped(rows):
    """The units computed four or two at a time give word2vec.c's one-at-a-time result,
    also when a row repeats (the later unit sees the earlier one's step)."""
    _, W_out = _matrices("ns")
    rng = np.random.default_rng(len(rows))
    v = rng.uniform(-1, 1, DIM).astype(np.float32)
    codes = np.array([[d % 2 for d in range(len(rows))]], dtype=np.int8)
    labels = 1 - codes[0]
    lr = 0.3
    exp_out, exp_grad, exp_loss = _units_one_at_a_time(W_out, v, rows, labels, lr)
    grad_v = np.zeros(DIM, dtype=np.float32)
    table = np.array([rows], dtype=np.int32)
    got = logistic_units(W_out, NO_HOT, 0, v, grad_v, table, codes, 0, len(rows), lr)
    np.testing.assert_allclose(W_out, exp_out, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grad_v, exp_grad, rtol=1e-4, atol=1e-5)
    assert got == pytest.approx(exp_loss, rel=1e-3)


def _reference_sentence(arch, loss, W_in, W_out, sentence, lr, tree, noise_word, negative):
    """Replay a window=1 sentence through the reference, in the kernel's order."""
    W_in = W_in.astype(np.float64)
    W_out = W_out.astype(np.float64)
    total, n = 0.0, 0
    m = len(sentence)
    for i in range(m):
        ctx = [sentence[j] for j in (i - 1, i + 1) if 0 <= j < m]
        if arch == "skipgram":  # word2vec.c's order: each context row predicts the centre
            examples = [([c], sentence[i]) for c in ctx]
        else:
            examples = [(ctx, sentence[i])] if ctx else []
        for inputs, target in examples:
            output: dict = {}
            if loss == "ns":
                output["negatives"] = [] if noise_word == target else [noise_word] * negative
            if loss == "hs":
                p, c = tree.path(target)
                output.update(points=p.tolist(), codes=c.tolist())
            W_in, W_out, value = ref.sgd_step(loss, W_in, W_out, inputs, target, lr, **output)
            total += value
            n += 1
    return W_in, W_out, total, n


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_batch_kernel_equals_reference_on_a_sentence(arch, loss):
    """A whole batch (two sentences, window 1, no subsampling) matches the reference replay.

    Includes a repeated word (CBOW applies grad_v to each occurrence) and, for NS, a noise
    word equal to the target, which word2vec.c skips.
    """
    W_in, W_out = _matrices(loss, seed=3)
    sentences = [[0, 3, 0, 5], [2, 4]]
    ids = np.array([w for s in sentences for w in s], dtype=np.int32)
    ends = np.array([4, 6], dtype=np.int64)
    tree = build_huffman(COUNTS)
    noise_word, negative, lr = 3, 2, 0.07
    prob, alias = _point_mass_noise(noise_word)
    tables = (
        np.ones(V, np.float32),
        prob,
        alias,
        tree.points,
        tree.codes,
        tree.lengths,
        noise_codes(negative),
    )
    schedule = (lr, lr, 0.0, 100.0)  # constant learning rate
    exp_in, exp_out = W_in.astype(np.float64), W_out.astype(np.float64)
    exp_loss, exp_n = 0.0, 0
    for s in sentences:
        exp_in, exp_out, lsum, n = _reference_sentence(
            arch, loss, exp_in, exp_out, s, lr, tree, noise_word, negative
        )
        exp_loss += lsum
        exp_n += n
    kernel = train_batch_skipgram if arch == "skipgram" else train_batch_cbow
    extra = 0 if arch == "skipgram" else 1  # shared_negatives off; cbow_mean on
    args = (KIND[loss], negative, 1, schedule, np.uint64(12345), 0, NO_SYNC, extra)
    got_loss, got_n = kernel(ids, ends, W_in, W_out, NO_HOT, NO_HOT, tables, *args)
    assert got_n == exp_n
    assert got_loss == pytest.approx(exp_loss, rel=1e-5)
    np.testing.assert_allclose(W_in, exp_in, **TOL)
    np.testing.assert_allclose(W_out, exp_out, **TOL)


def test_cbow_sum_uses_the_sum_of_context_rows():
    """cbow_mean=0 trains on the summed context (the exact gradient), unlike the mean."""
    W_in, W_out = _matrices("softmax", seed=4)
    ids = np.array([1, 2, 3], dtype=np.int32)
    ends = np.array([3], dtype=np.int64)
    tree = build_huffman(COUNTS)
    tables = (
        np.ones(V, np.float32),
        *_point_mass_noise(0),
        tree.points,
        tree.codes,
        tree.lengths,
        noise_codes(0),
    )
    lr = 0.05
    exp_in, exp_out = W_in.astype(np.float64), W_out.astype(np.float64)
    for inputs, target in (([2], 1), ([1, 3], 2), ([2], 3)):
        exp_in, exp_out, _ = ref.sgd_step(
            "softmax", exp_in, exp_out, inputs, target, lr, cbow_mean=False
        )
    train_batch_cbow(
        ids,
        ends,
        W_in,
        W_out,
        NO_HOT,
        NO_HOT,
        tables,
        LOSS_SOFTMAX,
        0,
        1,
        (lr, lr, 0.0, 1.0),
        np.uint64(7),
        0,
        NO_SYNC,
        0,
    )
    np.testing.assert_allclose(W_in, exp_in, **TOL)
    np.testing.assert_allclose(W_out, exp_out, **TOL)


def test_sigmoid_table_matches_the_exact_functions():
    """Interpolated σ and log σ agree with float64 formulas to float32 precision everywhere."""
    from w2v.kernels.common import SIGMOID_BOUND, sigmoid_and_log

    b = SIGMOID_BOUND
    xs = np.concatenate([np.linspace(-40, 40, 40_001), [-b, b, -b + 1e-9, b - 1e-9, 0.0]])
    got = np.array([sigmoid_and_log(float(x)) for x in xs])
    np.testing.assert_allclose(got[:, 0], ref.sigmoid(xs), rtol=0, atol=3e-7)
    np.testing.assert_allclose(got[:, 1], ref.log_sigmoid(xs), rtol=2e-7, atol=6e-7)


def test_dynamic_window_radius_is_uniform():
    """Skip-gram pairs per centre average 2·E[r] = window + 1 for r uniform in 1..window."""
    n, window = 20_000, 5
    ids = np.zeros(n, dtype=np.int32)
    ends = np.array([n], dtype=np.int64)
    W_in = np.zeros((1, 4), np.float32)
    W_out = np.zeros((1, 4), np.float32)
    tree = build_huffman(np.array([1]))
    tables = (
        np.ones(1, np.float32),
        np.ones(1, np.float32),
        np.zeros(1, np.int32),
        tree.points,
        tree.codes,
        tree.lengths,
        noise_codes(0),
    )
    _, pairs = train_batch_skipgram(
        ids,
        ends,
        W_in,
        W_out,
        NO_HOT,
        NO_HOT,
        tables,
        LOSS_HS,
        0,
        window,
        (0.0, 0.0, 0.0, 1.0),
        np.uint64(9),
        0,
        NO_SYNC,
        0,
    )
    per_centre = pairs / n
    assert per_centre == pytest.approx(window + 1, rel=0.01)  # 6.0; fixed radius 5 gives 10


def test_subsampling_keeps_words_with_their_keep_probability():
    """subsample_sentence keeps word w with frequency keep_prob[w] (binomial 5-sigma band)."""
    n = 100_000
    ids = np.tile(np.array([0, 1, 2], dtype=np.int32), n // 3 + 1)[:n]
    keep_prob = np.array([0.2, 0.5, 1.0], dtype=np.float32)
    kept = np.empty(n, np.int32)
    pos = np.empty(n, np.int64)
    m, _ = subsample_sentence(ids, 0, n, keep_prob, kept, pos, np.uint64(99))
    for w, p in enumerate(keep_prob):
        total = int((ids == w).sum())
        got = int((kept[:m] == w).sum())
        sd = np.sqrt(total * p * (1 - p)) + 1e-9
        assert abs(got - total * p) <= 5 * sd + 1e-9, (w, got, total * p)
    assert np.all(ids[pos[:m]] == kept[:m])  # positions point back at the kept words


@pytest.mark.parametrize("every", [0, 1, 3])
@pytest.mark.parametrize(("arch", "loss"), [v for v in VARIANTS if v[1] != "softmax"])
def test_private_hot_rows_train_like_shared_rows_in_one_thread(arch, loss, every):
    """A batch trained with part of W_in and of W_out in private copies, then synced, equals
    one trained on the plain matrices; with no sync inside the batch (``every`` 0) it leaves
    the shared rows alone until the sync after it."""
    W_in, W_out = _matrices(loss, seed=5)
    ids = np.array([0, 3, 0, 5, 2, 4, 1, 1, 3], dtype=np.int32)
    ends = np.array([4, 9], dtype=np.int64)
    tree = build_huffman(COUNTS)
    prob, alias = _point_mass_noise(3)
    tables = (np.ones(V, np.float32), prob, alias, tree.points, tree.codes, tree.lengths)
    tables = (*tables, noise_codes(2))
    kernel = train_batch_skipgram if arch == "skipgram" else train_batch_cbow
    extra = (0,) if arch == "skipgram" else (1,)  # shared_negatives off; cbow_mean on
    start = 2  # output rows 2.. are private (HS: the nodes nearest the root)
    k_in = 3  # input rows 0, 1, 2 are private
    shared_in, shared_out = W_in.copy(), W_out.copy()
    args = (KIND[loss], 2, 2, (0.05, 0.05, 0.0, 1.0), np.uint64(3))
    exp = kernel(
        ids, ends, shared_in, shared_out, NO_HOT, NO_HOT, tables, *args, 0, NO_SYNC, *extra
    )
    hot_in, hot_out = W_in[:k_in].copy(), W_out[start:].copy()
    base_in, base_out = hot_in.copy(), hot_out.copy()
    before_in, before_out = base_in.copy(), base_out.copy()
    sync = make_hot_sync(base_in, base_out, np.zeros(1, np.int64), every, 1, 1)
    got = kernel(ids, ends, W_in, W_out, hot_in, hot_out, tables, *args, start, sync, *extra)
    assert not np.array_equal(hot_in, before_in)  # the private rows were trained...
    assert not np.array_equal(hot_out, before_out)
    if every == 0:  # ...and the shared ones were not
        np.testing.assert_array_equal(W_in[:k_in], before_in)
        np.testing.assert_array_equal(W_out[start:], before_out)
    else:  # ...and the top ones were published inside the batch
        assert not np.array_equal(W_in[:1], before_in[:1])
        assert sync[2][0] == 0  # the lock was given back
    publish_hot_rows(W_in, W_out, hot_in, hot_out, start, sync)
    # a sync inside the batch rounds M + (hot - base) in float32: equal to an ulp
    assert got == (exp if every == 0 else pytest.approx(exp, rel=1e-6))
    np.testing.assert_allclose(W_in, shared_in, **TOL)
    np.testing.assert_allclose(W_out, shared_out, **TOL)
    np.testing.assert_array_equal(hot_in, W_in[:k_in])
    np.testing.assert_array_equal(hot_out, W_out[start:])


def test_row_ptr_picks_the_private_copy_exactly_inside_its_range():
    """Rows start..start+K-1 come from the private copy, every other row (below start too:
    the unsigned compare) from the matrix; writes through the pointer land there."""
    from numba import njit

    @njit
    def first_and_add(M, private, start, row, x):
        p = row_ptr(M, private, start, row)
        first = p[0]
        for k in range(M.shape[1]):
            p[k] += x
        return first

    M = np.arange(40, dtype=np.float32).reshape(10, 4)
    private = -np.arange(1, 13, dtype=np.float32).reshape(3, 4)  # stands for rows 4, 5, 6
    for row in range(10):
        m, p = M.copy(), private.copy()
        first = first_and_add(m, p, 4, row, 100.0)
        if 4 <= row <= 6:
            assert first == private[row - 4, 0]
            np.testing.assert_array_equal(p[row - 4], private[row - 4] + 100)
            np.testing.assert_array_equal(m, M)
        else:
            assert first == M[row, 0]
            np.testing.assert_array_equal(m[row], M[row] + 100)
            np.testing.assert_array_equal(p, private)
    empty = np.zeros((0, 4), np.float32)
    assert first_and_add(M.copy(), empty, 0, 0, 1.0) == M[0, 0]  # no private rows: all in M


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_words_after_the_last_sentence_end_are_one_more_sentence(arch, loss):
    """A batch that ends inside a sentence passes only the ends before it; its tail trains
    exactly as if its end were listed (and differently from no sentence break at all)."""
    ids = np.array([0, 3, 0, 5, 2, 4, 1, 1, 3], dtype=np.int32)
    tree = build_huffman(COUNTS)
    tables = (np.ones(V, np.float32), *_point_mass_noise(3), tree.points, tree.codes)
    tables = (*tables, tree.lengths, noise_codes(2))
    kernel = train_batch_skipgram if arch == "skipgram" else train_batch_cbow
    extra = (0,) if arch == "skipgram" else (1,)
    args = (KIND[loss], 2, 2, (0.05, 0.05, 0.0, 1.0), np.uint64(3), 0, NO_SYNC, *extra)
    runs = {}
    for name, ends in (("listed", [4, 9]), ("implied", [4]), ("one sentence", [9])):
        W_in, W_out = _matrices(loss, seed=5)
        out = kernel(ids, np.array(ends, np.int64), W_in, W_out, NO_HOT, NO_HOT, tables, *args)
        runs[name] = (out, W_in, W_out)
    (out, W_in, W_out), (out2, W_in2, W_out2) = runs["listed"], runs["implied"]
    assert out == out2
    np.testing.assert_array_equal(W_in, W_in2)
    np.testing.assert_array_equal(W_out, W_out2)
    assert not np.array_equal(W_in, runs["one sentence"][1])


def test_try_lock_is_taken_once_until_unlocked():
    from numba import njit

    take, give = njit(lambda f: try_lock(f)), njit(lambda f: unlock(f))  # intrinsics: jit only
    flag = np.zeros(1, np.int64)
    assert take(flag)
    assert not take(flag)  # held: a second taker is refused, not blocked
    assert flag[0] == 1
    give(flag)
    assert flag[0] == 0
    assert take(flag)


def _tier_setup(k_in: int, k_out: int, dim: int = 2):
    """Private copies whose every row has changed by +1 since the last sync (base = 0)."""
    W_in, W_out = np.zeros((10, dim), np.float32), np.zeros((12, dim), np.float32)
    hot_in, hot_out = np.ones((k_in, dim), np.float32), np.ones((k_out, dim), np.float32)
    base_in, base_out = np.zeros_like(hot_in), np.zeros_like(hot_out)
    return W_in, W_out, hot_in, hot_out, base_in, base_out


@pytest.mark.parametrize(
    ("count", "rows"), [(1, 2), (2, 4), (3, 2), (4, 8), (6, 4), (8, 8), (16, 8)]
)
@pytest.mark.parametrize("top_at_end", [0, 1])
def test_sync_tier_publishes_more_rows_at_every_second_and_fourth_sync(count, rows, top_at_end):
    """fast_rows=2, tiers=2: the 1st, 3rd, 5th... sync publishes the top 2 rows of each private
    copy, the 2nd, 6th... the top 4, every 4th the top 8; the top of hot_out is its end for HS
    (``top_at_end``), the start otherwise; W_in's private rows are always its first rows."""
    k, start = 8, 3
    W_in, W_out, hot_in, hot_out, base_in, base_out = _tier_setup(k, k)
    sync = make_hot_sync(base_in, base_out, np.zeros(1, np.int64), 5, 2, 2)
    sync_tier(W_in, W_out, hot_in, hot_out, start, sync, top_at_end, count)
    expect_in = np.zeros(10)
    expect_in[:rows] = 1
    np.testing.assert_array_equal(W_in[:, 0], expect_in)
    expect_out = np.zeros(12)
    top = range(start + k - rows, start + k) if top_at_end else range(start, start + rows)
    expect_out[list(top)] = 1
    np.testing.assert_array_equal(W_out[:, 0], expect_out)
    np.testing.assert_array_equal(base_out[:, 0], expect_out[start : start + k])  # synced rows
    assert sync[2][0] == 0


def test_sync_tier_skips_while_another_thread_holds_the_lock():
    W_in, W_out, hot_in, hot_out, base_in, base_out = _tier_setup(4, 4)
    flag = np.ones(1, np.int64)  # held elsewhere
    sync_tier(W_in, W_out, hot_in, hot_out, 0, make_hot_sync(base_in, base_out, flag, 5), 0, 1)
    assert not W_in.any() and not W_out.any()  # nothing published, nothing lost:
    np.testing.assert_array_equal(hot_in - base_in, 1)  # the change waits for the next sync
    assert flag[0] == 1


def test_concurrent_syncs_lose_no_change():
    """Two threads (the syncs release the GIL) each add 1 to every private value 200 times,
    syncing in tiers between the steps and publishing everything at the end: W_out ends at
    exactly 400 everywhere, so no sync overwrote another's change. (The rows are long, so
    that without the lock two syncs overlap and lose changes.)"""
    import threading

    dim = 4096
    W_in, W_out = np.zeros((1, dim), np.float32), np.zeros((40, dim), np.float32)
    flag = np.zeros(1, np.int64)
    no_in = np.zeros((0, dim), np.float32)

    def thread() -> None:
        hot = W_out[8:40].copy()
        sync = make_hot_sync(no_in.copy(), hot.copy(), flag, 1, 4, 3)
        for step in range(1, 201):
            hot += 1.0
            sync_tier(W_in, W_out, no_in, hot, 8, sync, 1, step)
            publish_hot_rows(W_in, W_out, no_in, hot, 8, sync)

    threads = [threading.Thread(target=thread) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(W_out[8:], 400.0)
    assert not W_out[:8].any()
    assert flag[0] == 0


def test_sync_hot_rows_adds_every_threads_change():
    """Two threads' private changes to the same rows both reach W_out (a sum, not last write)."""
    W_out = np.zeros((4, 2), np.float32)
    a, b = np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32)
    base_a, base_b = a.copy(), b.copy()
    a += 1.0
    b[0] += 2.0
    sync_hot_rows(W_out, a, base_a, 2)
    sync_hot_rows(W_out, b, base_b, 2)
    np.testing.assert_array_equal(W_out, [[0, 0], [0, 0], [3, 3], [1, 1]])
    np.testing.assert_array_equal(b, W_out[2:])  # the later thread now sees both changes
    np.testing.assert_array_equal(base_b, W_out[2:])


def _skipgram_ns_batch(shared: int, prob, alias, negative: int, seed: int = 11):
    """Train skip-gram NS on the sentence 0 1 2 (window 1, no subsampling); return W_out."""
    V_big = len(prob)
    rng = np.random.default_rng(0)
    W_in = rng.normal(0, 0.3, (V_big, DIM)).astype(np.float32)
    W_out = np.zeros((V_big, DIM), np.float32)
    empty = np.zeros((1, 1), np.int32)
    tables = (np.ones(V_big, np.float32), prob, alias, empty, empty.astype(np.int8))
    tables = (*tables, np.zeros(1, np.int32), noise_codes(negative))
    ids, ends = np.array([0, 1, 2], np.int32), np.array([3], np.int64)
    args = (LOSS_NS, negative, 1, (0.05, 0.05, 0.0, 1.0), np.uint64(seed), 0, NO_SYNC, shared)
    train_batch_skipgram(ids, ends, W_in, W_out, NO_HOT, NO_HOT, tables, *args)
    return W_in, W_out


def test_shared_negatives_draw_once_per_window():
    """With shared_negatives a window's pairs use one draw: 3 windows -> at most 3 noise rows.

    The sentence 0 1 2 with window 1 has 4 pairs in 3 windows; one noise word per example
    from 1,000 equally likely words. Per-pair draws touch 4 noise rows (for this seed).
    """
    prob, alias = build_alias_table(np.full(1000, 1e-3))

    def noise_rows(shared: int) -> int:
        W_out = _skipgram_ns_batch(shared, prob, alias, negative=1)[1]
        touched = set(np.flatnonzero(W_out.any(axis=1)).tolist())
        return len(touched - {0, 1, 2})

    assert noise_rows(0) == 4
    assert noise_rows(1) == 3


def test_shared_negatives_train_the_same_pairs_when_the_draw_is_fixed():
    """A point-mass noise word makes every draw equal: shared and per-pair training agree."""
    prob, alias = _point_mass_noise(4)
    a = _skipgram_ns_batch(0, prob, alias, negative=2)
    b = _skipgram_ns_batch(1, prob, alias, negative=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_prefetch_is_a_hint_for_c_contiguous_matrices_only():
    """Prefetching changes no value; a non-contiguous matrix is a typing error, not a no-op.

    (That the kernels that prefetch still train exactly as the reference does is checked by
    the batch tests above.)
    """
    from numba import njit
    from numba.core.errors import TypingError

    @njit
    def touch(M, r):
        prefetch_row(M, r)

    M = np.arange(600, dtype=np.float32).reshape(3, 200)  # rows span several cache lines
    before = M.copy()
    touch(M, 2)
    hot = M[1:2].copy()
    prefetch_units(M, hot, 1, np.array([[0, 1, 2]], np.int32), 0, 3)  # row 1 is "private"
    np.testing.assert_array_equal(M, before)
    with pytest.raises(TypingError):
        touch(M[:, ::2], 0)


@pytest.mark.parametrize("rows,dim", [(1, 1), (7, 100), (1000, 128), (3, 16)])
def test_kernel_matrix_is_zero_float32_c_order_on_a_cache_line(rows, dim):
    """kernel_matrix: the layout the kernels want, zero-filled or copied, first row aligned."""
    zero = kernel_matrix(rows, dim)
    assert zero.shape == (rows, dim) and zero.dtype == np.float32
    assert zero.flags["C_CONTIGUOUS"] and zero.flags["WRITEABLE"]
    assert zero.ctypes.data % 64 == 0 and not zero.any()
    source = np.arange(rows * dim, dtype=np.float64).reshape(rows, dim)
    copy = kernel_matrix(rows, dim, source=source)
    assert copy.ctypes.data % 64 == 0
    np.testing.assert_array_equal(copy, source.astype(np.float32))


@pytest.mark.parametrize("where", [(0, 0), (517, 3), (999, 99)])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_all_finite_finds_one_bad_value_anywhere(where, bad):
    """all_finite: one NaN or infinity in any block of any of the arrays makes it False."""
    W = np.ones((1000, 100), np.float32)
    other = np.zeros((3, 100), np.float32)
    assert all_finite(W, other) and all_finite(other, W)
    W[where] = bad
    assert not all_finite(W) and not all_finite(other, W) and not all_finite(W, other)
    col = where[1]
    assert not all_finite(W[:, col : col + 1])  # a strided view
    assert all_finite(W[:, col + 1 :], W[: where[0]])
    assert all_finite(np.zeros((0, 5)), np.float32(3.0), np.arange(4.0))
    assert not all_finite(np.float64(np.nan))


def test_all_finite_allocates_no_weights_sized_array():
    """The end-of-epoch check runs at peak memory: it must not allocate a bool copy of W."""
    import tracemalloc

    W = np.ones((2000, 500), np.float32)  # 1,000,000 values: a bool copy would be 1 MB
    tracemalloc.start()
    try:
        assert all_finite(W, W)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000, peak
