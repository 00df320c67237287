"""The rounds of partitioned training without Spark: merges, settings and the simulator.

``w2v.spark.simulate`` runs the Spark engine's rounds in this process; tests/test_spark.py
checks that Spark gives the same vectors.
"""

from __future__ import annotations

import numpy as np
import pytest

import w2v.spark
from w2v import Word2Vec
from w2v.engines.rounds import (
    AverageAll,
    BlockMomentum,
    NesterovMomentum,
    PartitionUpdate,
    RoundSettings,
    RowAverage,
    slice_bounds,
)
from w2v.errors import ConfigError

TINY = [
    "the quick brown fox jumps over the lazy dog".split(),
    "the dog sleeps and the fox runs".split(),
    "a cat and a dog are friends".split(),
    "the cat sat on the mat".split(),
    "quick quick fox".split(),
] * 20


def _update(index, rows, values, dim=2):
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=np.float32).reshape(len(rows), dim)
    none = np.zeros(0, dtype=np.int64)
    return PartitionUpdate(index, rows, values, none, np.zeros((0, dim), np.float32), [], 1)


def test_one_partition_is_the_single_machine_trainer():
    """One simulated partition, many rounds, either merge: bit-identical to one machine."""
    params = dict(arch="skipgram", loss="ns", dim=10, epochs=2, min_count=1, workers=1, seed=3)
    local = Word2Vec(batch_words=40, **params).fit(TINY)
    model = w2v.spark.simulate(TINY, 1, batch_words=40, sync_every=100, **params)
    assert model.fit_seconds["rounds"] > 5
    np.testing.assert_array_equal(model.W_in, local.W_in)
    np.testing.assert_array_equal(model.W_out, local.W_out)


def test_tables_are_built_once_per_vocabulary_and_settings(monkeypatch):
    """Pieces of one fit reuse the tables; another vocabulary or noise setting rebuilds."""
    import w2v.engines.rounds as rounds

    built = []
    real = rounds.build_tables
    monkeypatch.setattr(rounds, "build_tables", lambda c, v: built.append(1) or real(c, v))
    monkeypatch.setattr(rounds, "_LAST_TABLES", [])
    model = w2v.spark.simulate(TINY, 3, dim=4, min_count=1, sync_every=40, seed=1)
    assert model.fit_seconds["rounds"] > 3 and len(built) == 1
    w2v.spark.simulate(TINY, 3, dim=4, min_count=1, sync_every=40, seed=1, negative=3)
    assert len(built) == 2


def test_row_average_means_over_the_partitions_that_changed_a_row():
    W_in = np.zeros((3, 2), np.float32)
    W_out = np.ones((3, 2), np.float32)
    RowAverage()(W_in, W_out, [_update(0, [0, 1], [[2, 2], [4, 4]]), _update(1, [1], [[8, 0]])])
    np.testing.assert_array_equal(W_in, [[2, 2], [6, 2], [0, 0]])  # row 2: untouched
    np.testing.assert_array_equal(W_out, 1)


def test_average_all_counts_an_unchanged_row_as_its_old_value():
    W_in = np.zeros((3, 2), np.float32)
    W_out = np.ones((3, 2), np.float32)
    merge = AverageAll(partitions=4)
    merge(W_in, W_out, [_update(0, [0, 1], [[4, 4], [4, 0]]), _update(1, [1], [[8, 0]])])
    np.testing.assert_array_equal(W_in, [[1, 1], [3, 0], [0, 0]])  # (4+0+0+0)/4, (4+8)/4
    np.testing.assert_array_equal(W_out, 1)


def test_block_momentum_steps():
    """G = mu G + eta D on the changed rows (D: mean change over the partitions that changed
    the row); W += G; rows not changed keep their value and their G."""
    merge = BlockMomentum(block_lr=0.5, momentum=0.75)
    W_in = np.zeros((2, 2), np.float32)
    W_out = np.zeros((2, 2), np.float32)
    merge(W_in, W_out, [_update(0, [0, 1], [[4, 0], [2, 2]]), _update(1, [0], [[0, 4]])])
    # D = [2, 2] and [2, 2]; G = 0.5 D = [1, 1]
    np.testing.assert_allclose(W_in, [[1, 1], [1, 1]])
    merge(W_in, W_out, [_update(0, [0], [[1, 3]])])  # D = [0, 2]; G = 0.75 [1, 1] + [0, 1]
    np.testing.assert_allclose(W_in, [[1.75, 2.75], [1, 1]])
    merge(W_in, W_out, [_update(0, [1], [[1, 1]])])  # row 1: D = 0, G = 0.75 [1, 1]
    np.testing.assert_allclose(W_in, [[1.75, 2.75], [1.75, 1.75]])


def test_nesterov_momentum_steps_by_hand():
    """D = sum of changes / P from the start point W; G = mu G + eta D; W_g += G; the next
    start W = W_g + mu G; rows no partition changed keep W and G (P = 4, mu = 0.5)."""
    merge = NesterovMomentum(partitions=4, momentum=0.5)
    W_in = np.zeros((3, 2), np.float32)
    W_out = np.ones((3, 2), np.float32)
    merge(W_in, W_out, [_update(0, [0, 1], [[4, 4], [4, 0]]), _update(1, [1], [[8, 0]])])
    # D = G = [1, 1], [3, 0]; W_g = G; W = 1.5 G
    np.testing.assert_array_equal(W_in, [[1.5, 1.5], [4.5, 0], [0, 0]])
    np.testing.assert_array_equal(W_out, 1)
    merge(W_in, W_out, [_update(0, [0], [[2.5, 1.5]])])
    # row 0: D = [1, 0] / 4; G = 0.5 [1, 1] + D = [0.75, 0.5]; W_g = [1, 1] + G = [1.75, 1.5];
    # W = W_g + 0.5 G = [2.125, 1.75]. Row 1 untouched: W = [4.5, 0].
    np.testing.assert_array_equal(W_in, [[2.125, 1.75], [4.5, 0], [0, 0]])


def test_nesterov_momentum_against_a_float64_oracle():
    """Random rounds on random rows: the merge equals BMUF-NBM written out in float64 with
    the global model W_g and the step G kept apart (eta = 1.5, mu = 0.7, P = 3)."""
    rng = np.random.default_rng(0)
    P, mu, eta = 3, 0.7, 1.5
    merge = NesterovMomentum(partitions=P, momentum=mu, block_lr=eta)
    W = rng.normal(size=(6, 4)).astype(np.float32)
    W_out = np.zeros((1, 4), np.float32)
    W_g, G = W.astype(np.float64), np.zeros((6, 4))
    for _ in range(5):
        start = W_g + mu * G  # where the partitions start: W
        updates, D, changed = [], np.zeros((6, 4)), np.zeros(6, bool)
        for p in range(P):
            rows = np.sort(rng.choice(6, size=rng.integers(1, 4), replace=False))
            new = (start[rows] + rng.normal(size=(len(rows), 4))).astype(np.float32)
            updates.append(_update(p, rows, new, dim=4))
            D[rows] += new.astype(np.float64) - start[rows]
            changed[rows] = True
        G[changed] = mu * G[changed] + eta * D[changed] / P
        W_g[changed] += G[changed]
        merge(W, W_out, updates)
        np.testing.assert_allclose(W, W_g + mu * G, rtol=0, atol=1e-5)


def test_nesterov_defaults_follow_the_learning_rate_scale():
    """lr_scale P up to 4 partitions, then P / 2 within [4, 8]; mu = 1 - lr_scale / P: none
    up to 4 partitions (average_all's step exactly), 0.5 from 8 to 16, 0.75 at 32;
    momentum= and block_lr= override it."""
    from w2v import TrainConfig

    settings = RoundSettings(sync="nesterov")
    assert isinstance(settings.merge(4), AverageAll) and isinstance(settings.merge(1), RowAverage)
    assert [settings._scale(p) for p in (1, 2, 4, 6, 8, 12, 16, 32, 64)] == [
        1, 2, 4, 4, 4, 6, 8, 8, 8
    ]  # fmt: skip
    assert settings.merge(6).momentum == pytest.approx(1 / 3)
    for p in (8, 12, 16):
        assert settings.merge(p).momentum == 0.5
    assert settings.merge(32).momentum == 0.75
    assert RoundSettings(sync="average_all")._scale(8) == 8
    assert settings.plan(TrainConfig(epochs=1), 1_000_000, 32) == (5, 8.0)
    assert RoundSettings(sync="nesterov", lr_scale=4).merge(16).momentum == 0.75
    custom = RoundSettings(sync="nesterov", momentum=0.2, block_lr=2).merge(4)
    assert (custom.momentum, custom.block_lr, custom.partitions) == (0.2, 2.0, 4)


def test_settings_defaults_and_errors():
    assert isinstance(RoundSettings().merge(4), AverageAll)  # nesterov without momentum
    assert isinstance(RoundSettings().merge(16), NesterovMomentum)
    assert isinstance(RoundSettings().merge(1), RowAverage)  # one partition: its values
    assert isinstance(RoundSettings(sync="average").merge(4), RowAverage)
    bmuf = RoundSettings(sync="bmuf").merge(8)
    assert isinstance(bmuf, BlockMomentum) and bmuf.momentum == 1 - 1 / 8 and bmuf.block_lr == 1
    from w2v import TrainConfig

    config = TrainConfig(epochs=2)
    # about 200,000 words of all partitions per round, at most 128 rounds
    assert RoundSettings().plan(config, 1_000_000, 8) == (10, 4.0)
    assert RoundSettings().plan(config, 20_000_000, 64) == (128, 8.0)
    assert RoundSettings(sync="average").plan(config, 1_000_000, 8) == (10, 4.0)
    assert RoundSettings(sync="bmuf").plan(config, 800_000, 8) == (8, 1.0)
    assert RoundSettings(sync_every=50_000, lr_scale=3).plan(config, 800_000, 8) == (4, 3.0)
    # CBOW: about 100,000 words per round (the same cap)
    cbow = TrainConfig(arch="cbow", epochs=2)
    assert RoundSettings().plan(cbow, 1_000_000, 8) == (20, 4.0)
    assert RoundSettings().plan(cbow, 20_000_000, 64) == (128, 8.0)
    assert RoundSettings(sync_every=50_000).plan(cbow, 800_000, 8) == (4, 4.0)
    with pytest.raises(
        ConfigError,
        match="'sync' parameter must be one of 'average', 'average_all', 'bmuf', 'nesterov'",
    ):
        RoundSettings(sync="sum")
    with pytest.raises(ConfigError, match="'momentum' parameter must be a float in"):
        RoundSettings(sync="bmuf", momentum=1.0)
    with pytest.raises(ConfigError, match="apply to sync='bmuf' or 'nesterov' only"):
        RoundSettings(sync="average_all", momentum=0.5)
    with pytest.raises(ConfigError, match="'partitions' parameter must be an int >= 1"):
        w2v.spark.simulate(TINY, 0)


def test_tapered_rounds_shrink_toward_the_end_by_hand():
    """Round k of R ends at the fraction 1 - (1 - k/R) ** taper, rounded down: R = 4,
    16 batches, taper 2 ends at 16 (1 - 9/16) = 7, 16 (1 - 4/16) = 12, 16 (1 - 1/16) = 15
    and 16; taper 1 is the equal pieces."""
    from w2v.schedule import piece_bounds

    assert [piece_bounds(k, 4, 16, 2.0) for k in range(4)] == [(0, 7), (7, 12), (12, 15), (15, 16)]
    assert [piece_bounds(k, 4, 10, 1.0) for k in range(4)] == [(0, 2), (2, 5), (5, 7), (7, 10)]
    assert [piece_bounds(k, 3, 9, 0.5) for k in range(3)] == [(0, 1), (1, 3), (3, 9)]
    params = dict(dim=4, min_count=1, sync_every=40, seed=1, batch_words=10)
    equal = w2v.spark.simulate(TINY, 3, **params)
    tapered = w2v.spark.simulate(TINY, 3, taper=2.0, **params)
    assert np.isfinite(tapered.W_in).all() and not np.array_equal(tapered.W_in, equal.W_in)


def test_run_rounds_weights_losses_by_the_tapered_rounds_lengths():
    """With taper 2 and 2 rounds, round 0 covers 3/4 of the schedule, round 1 the last
    1/4: an epoch loss of 1 then 3 averages to 0.75 + 0.75 = 1.5 (equal rounds: 2)."""
    from w2v import TrainConfig
    from w2v.engines.rounds import run_rounds

    def train_round(r):
        update = _update(0, [], [])
        update.losses = [(0, (1.0, 3.0)[r])]
        return [update]

    W = np.zeros((3, 2), np.float32)
    seen = []
    for taper, want in ((2.0, 1.5), (1.0, 2.0)):
        history = run_rounds(
            TrainConfig(epochs=1), 2, train_round, lambda *a: None, W, W.copy(), taper=taper,
            on_epoch_end=lambda e, loss: seen.append((e, loss)),
        )  # fmt: skip
        assert history == pytest.approx([want], rel=1e-12)
    assert seen == [(0, pytest.approx(1.5)), (0, pytest.approx(2.0))]  # once each, at the end


def test_taper_and_batch_words_defaults():
    """Equal rounds; several partitions: batches of at most 1/8 of an average round (at
    least 100 words); one partition: the config's batches."""
    from w2v import TrainConfig

    config = TrainConfig(epochs=1)  # batch_words 10,000
    settings = RoundSettings()
    assert settings.taper == 1.0 and RoundSettings(taper=1.5).taper == 1.5
    # 1,000,000 words, 8 partitions: 5 rounds of 25,000 words per partition -> 3,125
    assert settings.batch_words(config, 1_000_000, 8) == 3_125
    assert settings.batch_words(config, 1_000_000, 1) == 10_000
    assert settings.batch_words(config, 20_000, 64) == 100  # the floor
    assert settings.batch_words(config.replace(batch_words=500), 1_000_000, 8) == 500
    with pytest.raises(ConfigError, match="'taper' parameter must be a float > 0. Got 0"):
        RoundSettings(taper=0)


def test_slices_are_consecutive_as_spark_cuts_them():
    """Sentence i goes to slice i * P // n."""
    for n, parts in ((10, 3), (7, 7), (5, 8), (120, 4)):
        bounds = slice_bounds(n, parts)
        got = [p for p in range(parts) for _ in range(bounds[p], bounds[p + 1])]
        assert got == [i * parts // n for i in range(n)]
