"""Huffman codes: a hand-checked example, prefix-free, optimal, word2vec.c's layout."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2v.huffman import build_huffman


def _codes(tree) -> list[str]:
    return ["".join(str(int(b)) for b in tree.path(w)[1]) for w in range(len(tree.lengths))]


def test_hand_checked_example():
    """Counts 5,2,1,1: merges (1,1)→2, (2,2)→4, (4,5)→9; codes 1, 01, 001, 000."""
    tree = build_huffman(np.array([5, 2, 1, 1]))
    assert _codes(tree) == ["1", "01", "001", "000"]
    # inner nodes are numbered in creation order; the root (last created) is V-2 = 2
    assert tree.path(0)[0].tolist() == [2]
    assert tree.path(2)[0].tolist() == [2, 1, 0]


def _optimal_cost(counts) -> int:
    """Σ count·length of an optimal prefix code (classic heap Huffman): an independent oracle."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    return cost


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=2, max_size=300))
def test_codes_are_prefix_free_and_optimal(raw):
    """For any counts, codes are prefix-free and the expected code length is optimal."""
    counts = np.array(sorted(raw, reverse=True))
    tree = build_huffman(counts)
    codes = _codes(tree)
    assert len(set(codes)) == len(codes)
    ordered = sorted(codes)
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert not b.startswith(a)
    assert int((counts * tree.lengths).sum()) == _optimal_cost(counts)
    # every inner node index is valid and the root comes first on every path
    for w in range(len(counts)):
        points, _ = tree.path(w)
        assert points[0] == len(counts) - 2
        assert np.all((points >= 0) & (points <= len(counts) - 2))


def test_more_frequent_words_get_codes_no_longer():
    """Lengths never decrease as counts decrease (sorted input)."""
    counts = np.array([1000, 500, 300, 100, 50, 50, 20, 3, 2, 1])
    assert np.all(np.diff(build_huffman(counts).lengths) >= 0)


@pytest.mark.parametrize(
    ("counts", "match"),
    [([], "empty"), ([3, 0], "positive"), ([1, 3], "descending")],
)
def test_invalid_counts_are_refused(counts, match):
    """Empty, non-positive or unsorted counts raise ValueError."""
    with pytest.raises(ValueError, match=match):
        build_huffman(np.array(counts, dtype=np.int64))
