"""The Huffman tree of word counts for hierarchical softmax, as word2vec.c builds it.

Leaves are the V words (sorted by descending count); the V−1 inner nodes are numbered
0..V−2 in order of creation, so the root is V−2. For each word the tree gives its *path*
(the inner nodes from the root down to its parent, as row indices into the output matrix)
and its *code* (the branch taken at each of those nodes, 0 or 1). With word2vec.c's sign
convention the probability of word w is Π_n σ((1 − 2·code_n) · u_n·v).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._jit import jit


@dataclass(frozen=True)
class HuffmanTree:
    """Padded per-word paths and codes.

    points : (V, L) int32 — inner-node indices from the root; only the first ``lengths[w]``
             entries of row w are meaningful.
    codes  : (V, L) int8 — branch bits matching ``points``.
    lengths: (V,) int32 — code length of each word.
    """

    points: np.ndarray
    codes: np.ndarray
    lengths: np.ndarray

    def path(self, word: int) -> tuple[np.ndarray, np.ndarray]:
        """(inner nodes, code bits) of one word id."""
        n = int(self.lengths[word])
        return self.points[word, :n], self.codes[word, :n]


# Plain constants and fills instead of np.iinfo / np.full: the cached code of those NumPy
# calls imports numba.np.arraymath (23 MB) when it is loaded (see w2v._jit).
_NO_COUNT = np.int64(np.iinfo(np.int64).max)


@jit
def _build(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - numba
    """word2vec.c's two-queue Huffman construction over counts sorted descending.

    Returns (parent, branch) over the 2V−1 nodes: leaves 0..V−1, inner nodes V..2V−2.
    """
    V = counts.shape[0]
    n_nodes = 2 * V - 1
    count = np.empty(n_nodes, dtype=np.int64)
    count[:V] = counts
    count[V:] = _NO_COUNT
    parent = np.empty(n_nodes, dtype=np.int64)
    parent[:] = -1
    branch = np.zeros(n_nodes, dtype=np.int8)
    pos1 = V - 1  # next unused leaf, walking towards the frequent end
    pos2 = V  # next unused inner node
    for a in range(V - 1):
        # the two smallest of the leaf queue and the inner-node queue
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min1 = pos1
            pos1 -= 1
        else:
            min1 = pos2
            pos2 += 1
        if pos1 >= 0 and count[pos1] < count[pos2]:
            min2 = pos1
            pos1 -= 1
        else:
            min2 = pos2
            pos2 += 1
        count[V + a] = count[min1] + count[min2]
        parent[min1] = V + a
        parent[min2] = V + a
        branch[min2] = 1
    return parent, branch


@jit
def _paths(parent: np.ndarray, branch: np.ndarray):  # pragma: no cover - numba
    """Walk each leaf up to the root, filling its path and code from the root down."""
    n_nodes = parent.shape[0]
    V = (n_nodes + 1) // 2
    root = n_nodes - 1
    depth = np.zeros(n_nodes, dtype=np.int32)
    for node in range(root - 1, -1, -1):  # parents have larger indices than children
        depth[node] = depth[parent[node]] + 1
    L = 1
    for w in range(V):
        L = max(L, depth[w])
    points = np.zeros((V, L), dtype=np.int32)
    codes = np.zeros((V, L), dtype=np.int8)
    for w in range(V):
        node = w
        d = depth[w]
        while node != root:
            d -= 1
            codes[w, d] = branch[node]
            node = parent[node]
            points[w, d] = node - V
    return points, codes, depth[:V].copy()


def build_huffman(counts: np.ndarray) -> HuffmanTree:
    """Build the Huffman tree of ``counts`` (sorted in descending order, all positive).

    Examples
    --------
    >>> tree = build_huffman(np.array([5, 2, 1, 1]))
    >>> tree.lengths.tolist()
    [1, 2, 3, 3]
    """
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    V = counts.shape[0]
    if V == 0:
        raise ValueError("cannot build a Huffman tree of an empty vocabulary")
    if np.any(counts <= 0):
        raise ValueError("Huffman counts must be positive")
    if V > 1 and np.any(np.diff(counts) > 0):
        raise ValueError("Huffman counts must be sorted in descending order")
    parent, branch = _build(counts)
    points, codes, lengths = _paths(parent, branch)
    return HuffmanTree(points, codes, lengths)
