"""The minibatch (HogBatch) kernels take the float64 reference's summed steps from one snapshot.

Each test replays the kernel's random draws with the kernels' own generator functions
(subsampling is off, so a sentence draws nothing before its windows), builds every example
of a window (skip-gram) or a group of windows (CBOW) with the reference, sums their gradients
at the snapshot the group started from, and compares.
"""

from __future__ import annotations

import numpy as np
import pytest

from planted import twin_corpus
from w2v import Word2Vec
from w2v import reference as ref
from w2v.errors import ConfigError
from w2v.huffman import build_huffman
from w2v.kernels import (
    NO_SYNC,
    build_alias_table,
    make_hot_sync,
    noise_codes,
    publish_hot_rows,
    sync_hot_rows,
    train_batch_skipgram,
)
from w2v.kernels.common import draw_negatives, rand_below
from w2v.kernels.minibatch import CBOW_GROUP, MINIBATCH_KERNELS

V, DIM = 7, 8  # DIM pads to one 16-float block: the padding is exercised
TOL = {"rtol": 2e-5, "atol": 2e-6}
NO_HOT = np.zeros((0, 1), dtype=np.float32)
COUNTS = np.array([30, 12, 9, 6, 4, 3, 2], dtype=np.float64)


def _matrices(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, 0.3, (V, DIM)).astype(np.float32),
        rng.normal(0, 0.3, (V, DIM)).astype(np.float32),
    )


def _tables(noise_prob: np.ndarray, noise_alias: np.ndarray, negative: int) -> tuple:
    empty = np.zeros((1, 1), np.int32)
    return (
        np.ones(V, np.float32),  # keep every word: subsampling draws nothing
        noise_prob,
        noise_alias,
        empty,
        empty.astype(np.int8),
        np.zeros(1, np.int32),
        noise_codes(negative),
    )


def _unigram() -> tuple[np.ndarray, np.ndarray]:
    """The usual count^0.75 noise over V = 7 words: repeats within a draw are common."""
    p = COUNTS**0.75
    return build_alias_table(p / p.sum())


def _point_mass(word: int) -> tuple[np.ndarray, np.ndarray]:
    prob = np.zeros(V, dtype=np.float32)
    prob[word] = 1.0
    return prob, np.full(V, word, dtype=np.int32)


def _radius(state, window):
    """The kernels' radius draw (the state comes back as a Python int: keep it uint64)."""
    b, state = rand_below(state, window)
    return window - b, np.uint64(state)


def _draw(state, prob, alias, negative, target):
    buf = np.zeros((1, negative + 1), np.int32)
    n, state = draw_negatives(prob, alias, negative, target, buf, state)
    return [int(w) for w in buf[0, 1 : n + 1]], np.uint64(state)


def _apply(W_in, W_out, examples, lr):
    """Sum the examples' exact gradients at (W_in, W_out), then take one step of size lr."""
    g_in, g_out, loss = np.zeros_like(W_in), np.zeros_like(W_out), 0.0
    for inputs, target, negatives, mean in examples:
        out = ref.example_forward(
            "ns", W_in, W_out, inputs, target, negatives=negatives, cbow_mean=mean
        )
        scale = len(inputs) if mean else 1  # word2vec.c: every context row gets all of grad_v
        g_in += scale * out["grad_W_in"]
        g_out += out["grad_W_out"]
        loss += out["loss"]
    return W_in - lr * g_in, W_out - lr * g_out, loss


def _skipgram_replay(sentences, W_in, W_out, tables, negative, window, lr, seed):
    """The reference's skip-gram minibatch: per window, the pairs' summed steps."""
    _, prob, alias = tables[:3]
    W_in, W_out = W_in.astype(np.float64), W_out.astype(np.float64)
    state, total, pairs, repeats = np.uint64(seed), 0.0, 0, 0
    for sent in sentences:
        for i, centre in enumerate(sent):
            r, state = _radius(state, window)
            negatives, state = _draw(state, prob, alias, negative, centre)
            repeats += len(negatives) - len(set(negatives))
            ctx = [sent[j] for j in range(max(0, i - r), min(len(sent), i + r + 1)) if j != i]
            examples = [([c], centre, negatives, False) for c in ctx]
            W_in, W_out, loss = _apply(W_in, W_out, examples, lr)
            total += loss
            pairs += len(ctx)
    return W_in, W_out, total, pairs, repeats


def _cbow_replay(sentences, W_in, W_out, tables, negative, window, lr, seed, mean=True):
    """The reference's CBOW minibatch: per group of CBOW_GROUP windows spread evenly over
    the sentence, their summed steps."""
    _, prob, alias = tables[:3]
    W_in, W_out = W_in.astype(np.float64), W_out.astype(np.float64)
    state, total, windows, repeats = np.uint64(seed), 0.0, 0, 0
    for sent in sentences:
        m = len(sent)
        if m < 2:
            continue
        n_groups = -(-m // CBOW_GROUP)  # group gi: windows gi, gi + n_groups, ... (strided)
        for gi in range(n_groups):
            group = [i for i in range(gi, m, n_groups)][:CBOW_GROUP]
            radii = []
            for _ in group:
                r, state = _radius(state, window)
                radii.append(r)
            noise, state = _draw(state, prob, alias, negative, -1)
            repeats += len(noise) - len(set(noise))
            examples = []
            for i, r in zip(group, radii, strict=True):
                ctx = [sent[j] for j in range(max(0, i - r), min(m, i + r + 1)) if j != i]
                examples.append((ctx, sent[i], [w for w in noise if w != sent[i]], mean))
            W_in, W_out, loss = _apply(W_in, W_out, examples, lr)
            total += loss
            windows += len(examples)
    return W_in, W_out, total, windows, repeats


REPLAY = {"skipgram": _skipgram_replay, "cbow": _cbow_replay}


def _assert_same_training(got, expected):
    """A kernel's (loss, pairs, W_in, W_out) against the reference's, to float32 rounding."""
    loss, pairs, W_in, W_out = got
    exp_loss, exp_pairs, exp_in, exp_out = expected
    assert pairs == exp_pairs
    assert loss == pytest.approx(exp_loss, rel=1e-5)
    np.testing.assert_allclose(W_in, exp_in, **TOL)
    np.testing.assert_allclose(W_out, exp_out, **TOL)


SENTENCES = [[0, 3, 0, 5, 1, 6, 2, 0, 4], [2, 4], [6], [1, 1, 3, 0, 2, 5, 0]]


def _batch(sentences):
    ids = np.array([w for s in sentences for w in s], dtype=np.int32)
    ends = np.cumsum([len(s) for s in sentences]).astype(np.int64)
    return ids, ends


@pytest.mark.parametrize("negative", [2, 3, 5])
@pytest.mark.parametrize("window", [1, 3])
@pytest.mark.parametrize(("arch", "mean"), [("skipgram", 1), ("cbow", 1), ("cbow", 0)])
def test_minibatch_step_equals_the_references_summed_steps(arch, mean, negative, window):
    """Every window (skip-gram: its pairs) or group of windows (CBOW): the examples' exact
    gradients summed at the snapshot the group started from, one step.

    Covers odd and even numbers of output and context rows (the padded tiles), a last group
    of fewer than CBOW_GROUP windows, a one-word sentence, repeated noise words (merged into
    one row with a weight), a noise word equal to the centre (skipped, as word2vec.c does),
    and CBOW's mean and sum."""
    W_in, W_out = _matrices(1)
    tables = _tables(*_unigram(), negative)
    lr, seed = 0.2, 12345
    replay = REPLAY[arch]
    kw = {"mean": bool(mean)} if arch == "cbow" else {}
    exp_in, exp_out, exp_loss, exp_pairs, repeats = replay(
        SENTENCES, W_in, W_out, tables, negative, window, lr, seed, **kw
    )
    assert repeats > 0  # the merging was exercised
    ids, ends = _batch(SENTENCES)
    kernel = MINIBATCH_KERNELS[arch, "ns"]
    sched = (lr, lr, 0.0, 100.0)
    loss, pairs = kernel(
        ids, ends, W_in, W_out, NO_HOT, NO_HOT, tables, negative, window, sched,
        np.uint64(seed), 0, NO_SYNC, mean,
    )  # fmt: skip
    _assert_same_training((loss, pairs, W_in, W_out), (exp_loss, exp_pairs, exp_in, exp_out))


def test_skipgram_minibatch_is_not_the_per_pair_sequence():
    """The snapshot matters: the per-pair kernel with the same draws (shared_negatives)
    trains the same pairs but ends elsewhere, so the test above can tell them apart."""
    negative, window, lr, seed = 3, 3, 0.2, 12345
    tables = _tables(*_unigram(), negative)
    ids, ends = _batch(SENTENCES)
    sched = (lr, lr, 0.0, 100.0)
    a_in, a_out = _matrices(1)
    MINIBATCH_KERNELS["skipgram", "ns"](
        ids, ends, a_in, a_out, NO_HOT, NO_HOT, tables, negative, window, sched,
        np.uint64(seed), 0, NO_SYNC, 1,
    )  # fmt: skip
    b_in, b_out = _matrices(1)
    train_batch_skipgram(
        ids, ends, b_in, b_out, NO_HOT, NO_HOT, tables, 2, negative, window, sched,
        np.uint64(seed), 0, NO_SYNC, 1,
    )  # fmt: skip
    assert not np.allclose(a_in, b_in, **TOL)


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_a_merged_repeated_noise_word_equals_separate_ones(arch):
    """A noise table that always draws word 4: the kernel merges the k draws into one row
    weighted k; the reference trains k separate copies. Same result."""
    negative, window, lr, seed = 4, 2, 0.1, 99
    tables = _tables(*_point_mass(4), negative)
    W_in, W_out = _matrices(2)
    sentences = [[0, 1, 2, 3], [5, 6, 0]]
    exp_in, exp_out, exp_loss, _, repeats = REPLAY[arch](
        sentences, W_in, W_out, tables, negative, window, lr, seed
    )
    draws = 7 if arch == "skipgram" else 2  # skip-gram: one per window; CBOW: per group
    assert repeats == (negative - 1) * draws
    ids, ends = _batch(sentences)
    loss, _ = MINIBATCH_KERNELS[arch, "ns"](
        ids, ends, W_in, W_out, NO_HOT, NO_HOT, tables, negative, window, (lr, lr, 0.0, 1.0),
        np.uint64(seed), 0, NO_SYNC, 1,
    )  # fmt: skip
    assert loss == pytest.approx(exp_loss, rel=1e-5)
    np.testing.assert_allclose(W_in, exp_in, **TOL)
    np.testing.assert_allclose(W_out, exp_out, **TOL)


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_private_hot_rows_train_like_shared_rows(arch):
    """Rows held in thread-private copies (then synced) train exactly as shared rows."""
    negative, window = 3, 2
    tables = _tables(*_unigram(), negative)
    ids, ends = _batch(SENTENCES)
    args = (tables, negative, window, (0.1, 0.1, 0.0, 1.0), np.uint64(5))
    W_in, W_out = _matrices(3)
    shared_in, shared_out = W_in.copy(), W_out.copy()
    kernel = MINIBATCH_KERNELS[arch, "ns"]
    exp = kernel(ids, ends, shared_in, shared_out, NO_HOT, NO_HOT, *args, 0, NO_SYNC, 1)
    k_in, start = 3, 2
    hot_in, hot_out = W_in[:k_in].copy(), W_out[start:].copy()
    base_in, base_out = hot_in.copy(), hot_out.copy()
    got = kernel(ids, ends, W_in, W_out, hot_in, hot_out, *args, start, NO_SYNC, 1)
    np.testing.assert_array_equal(W_out[start:], base_out)  # untouched until the sync
    sync_hot_rows(W_in, hot_in, base_in, 0)
    sync_hot_rows(W_out, hot_out, base_out, start)
    assert got == exp
    np.testing.assert_allclose(W_in, shared_in, **TOL)
    np.testing.assert_allclose(W_out, shared_out, **TOL)


# -- skip-gram hierarchical softmax ---------------------------------------------------------


def _hs_tables() -> tuple:
    """Huffman tables of COUNTS (paths of 1 to 5 inner nodes: odd and even lengths)."""
    tree = build_huffman(COUNTS.astype(np.int64))
    prob, alias = _unigram()
    return (
        np.ones(V, np.float32),
        prob,
        alias,
        np.ascontiguousarray(tree.points, dtype=np.int32),
        np.ascontiguousarray(tree.codes, dtype=np.int8),
        np.ascontiguousarray(tree.lengths, dtype=np.int32),
        noise_codes(1),
    )


def _skipgram_hs_replay(sentences, W_in, W_out, tables, window, lr, seed):
    """The reference's skip-gram HS: each pair of a window (in position order, the centre
    skipped) one exact HS step, as word2vec.c's loop takes them."""
    points, codes, lengths = tables[3:6]
    W_in, W_out = W_in.astype(np.float64), W_out.astype(np.float64)
    state, total, pairs = np.uint64(seed), 0.0, 0
    for sent in sentences:
        for i, centre in enumerate(sent):
            r, state = _radius(state, window)
            n = lengths[centre]
            path = {"points": list(points[centre, :n]), "codes": list(codes[centre, :n])}
            ctx = [sent[j] for j in range(max(0, i - r), min(len(sent), i + r + 1)) if j != i]
            for word in ctx:
                out = ref.example_forward("hs", W_in, W_out, [word], centre, **path)
                W_in = W_in - lr * out["grad_W_in"]
                W_out = W_out - lr * out["grad_W_out"]
                total += out["loss"]
                pairs += 1
    return W_in, W_out, total, pairs


HS_KERNEL = MINIBATCH_KERNELS["skipgram", "hs"]


@pytest.mark.parametrize("window", [1, 2, 3, 5])
def test_skipgram_hs_minibatch_equals_the_references_pair_by_pair_steps(window):
    """Chunks of a window's pairs as products give what one exact HS step per pair gives:
    paths of odd and even length, windows of one chunk and of several (window 5: up to 10
    pairs), and a context word twice in a window (word 0 at positions 0 and 2, 1 at 0 and
    1), which must start a new chunk."""
    tables = _hs_tables()
    assert {0, 1} <= {n % 2 for n in tables[5]}  # odd and even paths: the padded tile row
    W_in, W_out = _matrices(4)
    W_out = W_out[: V - 1].copy()  # V − 1 inner nodes
    lr, seed = 0.2, 777
    exp_in, exp_out, exp_loss, exp_pairs = _skipgram_hs_replay(
        SENTENCES, W_in, W_out, tables, window, lr, seed
    )
    ids, ends = _batch(SENTENCES)
    loss, pairs = HS_KERNEL(
        ids, ends, W_in, W_out, NO_HOT, NO_HOT, tables, 5, window, (lr, lr, 0.0, 1.0),
        np.uint64(seed), 0, NO_SYNC, 1,
    )  # fmt: skip
    _assert_same_training((loss, pairs, W_in, W_out), (exp_loss, exp_pairs, exp_in, exp_out))


def test_skipgram_hs_minibatch_equals_the_per_pair_kernel():
    """Same draws and pairs as the per-pair HS kernel and, to float32 rounding, the same
    weights; a longer batch than the reference test (100 windows of radius up to 5)."""
    tables, window, sched = _hs_tables(), 5, (0.2, 0.2, 0.0, 1.0)
    rng = np.random.default_rng(0)
    ids, ends = _batch([list(rng.integers(0, V, size=50)), list(rng.integers(0, V, size=50))])
    a_in, a_out = _matrices(4)
    a_out = a_out[: V - 1].copy()
    b_in, b_out = a_in.copy(), a_out.copy()
    la, na = HS_KERNEL(
        ids, ends, a_in, a_out, NO_HOT, NO_HOT, tables, 5, window, sched, np.uint64(3), 0,
        NO_SYNC, 1,
    )  # fmt: skip
    lb, nb = train_batch_skipgram(
        ids, ends, b_in, b_out, NO_HOT, NO_HOT, tables, 1, 5, window, sched, np.uint64(3), 0,
        NO_SYNC, 0,
    )  # fmt: skip
    assert na == nb
    assert la == pytest.approx(lb, rel=1e-5)
    np.testing.assert_allclose(a_in, b_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(a_out, b_out, rtol=1e-4, atol=1e-5)


def test_skipgram_hs_private_rows_synced_inside_the_batch_train_like_shared_rows():
    """The root end of W_out in a private copy, synced every 2 kept words inside the batch
    (tiers of 1 and 2 rows) and after it: the same weights as shared rows."""
    tables, window = _hs_tables(), 2
    ids, ends = _batch(SENTENCES)
    args = (tables, 5, window, (0.1, 0.1, 0.0, 1.0), np.uint64(8))
    W_in, W_out = _matrices(5)
    W_out = W_out[: V - 1].copy()
    shared_in, shared_out = W_in.copy(), W_out.copy()
    exp = HS_KERNEL(ids, ends, shared_in, shared_out, NO_HOT, NO_HOT, *args, 0, NO_SYNC, 1)
    start = 2
    hot_in, hot_out = W_in[:0].copy(), W_out[start:].copy()
    sync = make_hot_sync(hot_in.copy(), hot_out.copy(), np.zeros(1, np.int64), 2, 1, 1)
    got = HS_KERNEL(ids, ends, W_in, W_out, hot_in, hot_out, *args, start, sync, 1)
    assert not np.array_equal(W_out[-1], _matrices(5)[1][V - 2])  # the root was synced
    publish_hot_rows(W_in, W_out, hot_in, hot_out, start, sync)
    assert got[1] == exp[1]
    assert got[0] == pytest.approx(exp[0], rel=1e-6)  # a sync rounds: M + (hot − base)
    np.testing.assert_allclose(W_in, shared_in, **TOL)
    np.testing.assert_allclose(W_out, shared_out, **TOL)


SMALL = dict(dim=20, min_count=1, epochs=3, workers=1, sample=1e-2, window=3, seed=1)


@pytest.mark.parametrize(("arch", "loss"), [("skipgram", "ns"), ("skipgram", "hs"), ("cbow", "ns")])
def test_minibatch_fit_is_bit_reproducible_on_one_worker_and_learns(arch, loss):
    """workers=1: two fits give identical weights and losses; the loss falls, the planted
    twins end up nearest neighbours; two workers train to finite weights."""
    corpus = twin_corpus()
    a = Word2Vec(arch=arch, loss=loss, minibatch=True, **SMALL).fit(corpus)
    b = Word2Vec(arch=arch, loss=loss, minibatch=True, **SMALL).fit(corpus)
    assert np.array_equal(a.W_in, b.W_in) and np.array_equal(a.W_out, b.W_out)
    assert a.loss_history == b.loss_history
    assert a.loss_history[-1] < a.loss_history[0] - 0.02
    assert a.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"
    plain = Word2Vec(arch=arch, loss=loss, minibatch=False, **SMALL).fit(corpus)
    assert not np.array_equal(a.W_in, plain.W_in)  # the option reached the kernel
    two = Word2Vec(arch=arch, loss=loss, minibatch=True, **dict(SMALL, workers=2)).fit(corpus)
    assert np.isfinite(two.W_in).all() and np.isfinite(two.W_out).all()


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"loss": "softmax"}, "loss='softmax' has no such mode"),
        ({"arch": "cbow", "loss": "hs"}, "arch='cbow' trains negative sampling only"),
        ({"loss": "hs", "device": "cpu"}, "option of the CPU trainer"),
        ({"shared_negatives": True}, "drop shared_negatives"),
        ({"device": "cpu"}, "option of the CPU trainer"),
        ({"minibatch": 1}, "must be None, True or False"),
    ],
)
def test_minibatch_refuses_what_it_cannot_train(params, says):
    with pytest.raises(ConfigError, match=says):
        Word2Vec(**{"minibatch": True, **params})


def test_minibatch_is_the_default_for_skipgram_ns_on_the_cpu_only():
    """None: skip-gram NS on the CPU trainer uses it; HS, CBOW, softmax, shared_negatives
    and the PyTorch backend do not; False and True are taken as given."""
    from w2v.config import TrainConfig

    assert TrainConfig().use_minibatch
    assert not TrainConfig(loss="hs").use_minibatch
    assert TrainConfig(loss="hs", minibatch=True).use_minibatch
    assert not TrainConfig(loss="hs", minibatch=False).use_minibatch
    assert not TrainConfig(loss="hs", device="cpu").use_minibatch
    assert not TrainConfig(minibatch=False).use_minibatch
    assert not TrainConfig(arch="cbow").use_minibatch
    assert not TrainConfig(arch="cbow", loss="hs").use_minibatch
    assert TrainConfig(arch="cbow", minibatch=True).use_minibatch
    assert not TrainConfig(loss="softmax").use_minibatch
    assert not TrainConfig(shared_negatives=True).use_minibatch
    assert not TrainConfig(device="cpu").use_minibatch
