"""How a Spark fit reads its data and moves its weights between rounds, without a
SparkContext (w2v.engines.spark): one pass per partition that counts and encodes, the rows
a merge changed, the executors' per-worker cache and its versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from w2v.engines.rounds import AverageAll, NesterovMomentum, PartitionUpdate
from w2v.engines.spark import (
    RowChanges,
    SummedChanges,
    WeightLog,
    WeightsRef,
    add_summed_changes,
    encode_part,
    losses_only,
    merge_tallies,
    read_partition,
    tallies,
    weights_at,
)
from w2v.errors import CorpusError
from w2v.vocab import encode_sentences, vocab_from_counts

SENTENCES = [
    "the quick brown fox".split(),
    [],
    None,  # a null row
    ["the", None, "dog", "rare"],  # a null token
    "quick fox the fox".split(),
    ["rare"],  # left empty by min_count
]


@dataclass(eq=False)
class FakeBroadcast:
    """A broadcast: ``.value``, counting the reads (PySpark reads the file on first use)."""

    value_: Any
    reads: int = 0
    destroyed: bool = False

    @property
    def value(self) -> Any:
        self.reads += 1
        return self.value_

    def destroy(self) -> None:
        self.destroyed = True


def _broadcast(made: list[FakeBroadcast]):
    """A broadcast function that pickles nothing but keeps a copy, as Spark's does."""

    def broadcast(value: Any) -> FakeBroadcast:
        if isinstance(value, tuple):
            value = tuple(v.copy() for v in value)
        made.append(FakeBroadcast(value))
        return made[-1]

    return broadcast


def _merge_round(rng: np.random.Generator, W_in: np.ndarray, W_out: np.ndarray) -> None:
    """One AverageAll merge of two partitions' random changes of a few random rows."""
    updates = []
    for index in range(2):
        rows_in = np.sort(rng.choice(len(W_in), 3, replace=False))
        rows_out = np.sort(rng.choice(len(W_out), 5, replace=False))
        updates.append(
            PartitionUpdate(
                index,
                rows_in,
                W_in[rows_in] + rng.normal(size=(3, W_in.shape[1])).astype(np.float32),
                rows_out,
                W_out[rows_out] + rng.normal(size=(5, W_out.shape[1])).astype(np.float32),
                [],
                1,
            )
        )
    AverageAll(4)(W_in, W_out, updates)


def test_one_pass_counts_and_encodes_as_the_single_machine_does():
    """read_partition's counts give the vocabulary; encode_part equals encode_sentences."""
    (part,) = read_partition(3, iter(SENTENCES))
    records = list(tallies(4, part))
    assert records[0] == (-1, (12, 5))  # tokens (no null), sentences (no null row)
    assert len(records) > 2 and all(0 <= b < 4 for b, _ in records[1:])  # words in buckets
    tally = {w: v for _, group in records[1:] for w, v in group.items()}
    counts = {w: c for w, (c, index, _) in tally.items() if index == 3}
    assert counts == {"the": 3, "quick": 2, "brown": 1, "fox": 3, "dog": 1, "rare": 2}
    ranks = sorted(tally, key=lambda w: tally[w][2])
    assert ranks == ["the", "quick", "brown", "fox", "dog", "rare"]  # first appearance
    for min_count in (1, 2, 3):
        vocab = vocab_from_counts(ranks, [counts[w] for w in ranks], min_count)
        index, ids, ends = encode_part(vocab, part)
        expected = encode_sentences([s for s in SENTENCES if s is not None], vocab)
        assert index == 3
        np.testing.assert_array_equal(ids, expected.ids)
        np.testing.assert_array_equal(ends, expected.sentence_ends)
        assert ids.dtype == np.int32 and ends.dtype == np.int64
    (empty,) = read_partition(0, iter([None, []]))
    assert list(tallies(4, empty)) == [(-1, (0, 1))]
    assert [len(a) for a in encode_part(vocab, empty)[1:]] == [0, 0]


def test_tallies_merge_to_the_total_counts_and_first_appearances():
    parts = [next(read_partition(i, iter(s))) for i, s in enumerate([[["b", "a"]], [["a", "c"]]])]
    merged: dict = {}
    for part in parts[::-1]:  # any order
        for key, value in tallies(1, part):
            merged[key] = merge_tallies(merged[key], value) if key in merged else value
    assert merged[-1] == (4, 2)
    assert merged[0] == {"a": (2, 0, 1), "b": (1, 0, 0), "c": (1, 1, 1)}


def test_one_pass_refuses_what_is_not_a_token_list():
    for bad, match in (
        (["a b c"], "must be a list of tokens, but got a str"),
        ([[["a"]]], "holding unhashable items"),
        ([["a", 3]], "Tokens must be str; got 3"),
    ):
        with pytest.raises(CorpusError, match=match):
            list(read_partition(0, iter(bad)))


def test_row_changes_are_exactly_the_rows_that_differ():
    old = (np.zeros((4, 3), np.float32), np.ones((5, 3), np.float32))
    new = (old[0].copy(), old[1].copy())
    new[0][2, 1] = 1e-30
    new[1][[0, 4]] = np.nan  # a NaN row counts as changed
    change = RowChanges.between(7, old, new)
    assert change.version == 7
    assert change.rows_in.tolist() == [2] and change.rows_out.tolist() == [0, 4]
    W_in, W_out = old[0].copy(), old[1].copy()
    change.apply(W_in, W_out)
    np.testing.assert_array_equal(W_in, new[0])
    np.testing.assert_array_equal(W_out, new[1])
    assert change.nbytes == 8 + 12 + 16 + 24


def test_workers_follow_the_drivers_weights_exactly_through_rounds_and_new_bases():
    """Each round, two workers (one that trains every round, one that skips rounds, one
    that is new) get exactly the driver's matrices; the one that trained the previous
    round reads only the last change, never the base."""
    rng = np.random.default_rng(0)
    W_in = rng.normal(size=(20, 4)).astype(np.float32)
    W_out = rng.normal(size=(20, 4)).astype(np.float32)
    made: list[FakeBroadcast] = []
    log = WeightLog(_broadcast(made), W_in, W_out)
    steady: dict = {}
    skipping: dict = {}
    bases = 1
    for r in range(12):
        ref = log.ref()
        assert ref.version == r
        reads = [b.reads for b in made]
        got = weights_at(ref, steady)
        if r > 0 and ref.base_version < r:  # held the previous version: the last change only
            new_reads = [b.reads - n for b, n in zip(made, reads, strict=False)]
            assert new_reads[made.index(ref.changes[-1])] == 1 and sum(new_reads) == 1
        for cache in (steady, skipping, {}) if r % 3 == 0 else (steady,):
            got = weights_at(ref, cache)
            np.testing.assert_array_equal(got[0], W_in)
            np.testing.assert_array_equal(got[1], W_out)
            assert cache[log.fit_id][0] == r
        _merge_round(rng, W_in, W_out)
        old_base = log.base
        log.merged(W_in, W_out)
        if log.base is not old_base:
            bases += 1
            assert old_base.destroyed
    assert 1 < bases < 12  # a new base once the changes outweigh it
    log.close()
    assert all(b.destroyed for b in [log.base, *log.changes])


def test_a_worker_ahead_of_the_round_or_on_another_fit_starts_from_the_base():
    base = FakeBroadcast((np.zeros((2, 2), np.float32), np.ones((2, 2), np.float32)))
    cache = {"fit": (5, np.full((2, 2), 9, np.float32), np.full((2, 2), 9, np.float32))}
    W_in, W_out = weights_at(WeightsRef("fit", 3, 3, base), cache)
    assert base.reads == 1 and W_in.sum() == 0 and W_out.sum() == 4
    assert cache["fit"][0] == 3
    other = weights_at(WeightsRef("other", 0, 0, base), cache)
    assert base.reads == 2 and list(cache) == ["other"]  # one fit per worker
    other[0][0, 0] = 1  # the cache owns copies: the broadcast value is untouched
    assert base.value_[0][0, 0] == 0


def test_a_change_out_of_sequence_is_refused():
    base = FakeBroadcast((np.zeros((2, 2), np.float32), np.zeros((2, 2), np.float32)))
    wrong = RowChanges(
        5, np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int64), np.zeros((0, 2))
    )
    with pytest.raises(RuntimeError, match="version 0 got the change to 5"):
        weights_at(WeightsRef("fit", 1, 0, base, (FakeBroadcast(wrong),)), {})


def _random_updates(rng: np.random.Generator, W_in: np.ndarray, W_out: np.ndarray, n: int):
    """``n`` partitions' updates of random rows from (W_in, W_out), with losses."""
    updates = []
    for index in range(n):
        rows = [np.sort(rng.choice(len(W), 6, replace=False)) for W in (W_in, W_out)]
        values = [
            W[r] + rng.normal(size=(6, W.shape[1])).astype(np.float32)
            for W, r in zip((W_in, W_out), rows, strict=True)
        ]
        updates.append(
            PartitionUpdate(index, rows[0], values[0], rows[1], values[1], [(0, 1.5 + index)], 9)
        )
    return updates


@pytest.mark.parametrize(
    "make_merge",
    [lambda: AverageAll(4), lambda: NesterovMomentum(4, 0.5, 1.5)],
    ids=["average_all", "nesterov"],
)
def test_summed_changes_merge_as_the_partitions_updates(make_merge):
    """One task's sum of all partitions: the merge of the partitions' updates bit for bit;
    two tasks' sums: equal up to the order of the float32 sum; the losses travel without
    the rows. Two rounds, so that Nesterov's momentum carries over."""
    rng = np.random.default_rng(1)
    W_in = rng.normal(size=(10, 3)).astype(np.float32)
    W_out = rng.normal(size=(8, 3)).astype(np.float32)
    rounds = [_random_updates(rng, W_in, W_out, 4) for _ in range(2)]
    updates = rounds[0]
    expected = (W_in.copy(), W_out.copy())
    merge = make_merge()
    for round_updates in rounds:
        merge(*expected, round_updates)

    def summed(grouping):
        got = (W_in.copy(), W_out.copy())
        merge = make_merge()
        for round_updates in rounds:
            parts = []
            for group in grouping(round_updates):
                builder = SummedChanges.Builder()
                for u in group:
                    builder.add(u, *got)
                parts.append(builder.build())
            add_summed_changes(*got, parts[::-1], merge)  # any order of tasks
        return got

    for got in (summed(lambda us: [us]), summed(lambda us: [[u] for u in us])):  # exact
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
    got = summed(lambda us: [us[:2], us[2:]])
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6, atol=1e-6)
    assert not np.array_equal(got[0], W_in)  # rows moved
    light = losses_only(updates[1])
    assert (light.index, light.losses, light.n_words) == (1, [(0, 2.5)], 9)
    assert light.values_in.shape == (0, 3) and len(light.rows_out) == 0
