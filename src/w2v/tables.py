"""The lookup tables every engine trains from: subsampling, noise and Huffman, by word id."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import TrainConfig
from .huffman import HuffmanTree, build_huffman
from .kernels import build_alias_table, noise_codes
from .vocab import Vocabulary


@dataclass(frozen=True)
class Tables:
    """Everything the kernels look up by word id, built once from the vocabulary."""

    keep_prob: np.ndarray  # (V,) float32
    noise_prob: np.ndarray  # (V,) float32 alias-table probabilities
    noise_alias: np.ndarray  # (V,) int32
    huffman: HuffmanTree
    negative: int

    def as_tuple(self) -> tuple:
        """The tables in the kernels' argument order (keep, noise, Huffman, noise codes)."""
        t = self.huffman
        return (
            self.keep_prob,
            self.noise_prob,
            self.noise_alias,
            t.points,
            t.codes,
            t.lengths,
            noise_codes(self.negative),
        )


def huffman_of(counts: np.ndarray) -> HuffmanTree:
    """The Huffman tree of ``counts`` in any order (``update_vocab`` appends new words last).

    The tree is built over the counts sorted by descending count (ties in id order) and its
    rows are put back in id order, so a sorted vocabulary gets exactly ``build_huffman``'s tree.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(counts) < 2 or not np.any(np.diff(counts) > 0):
        return build_huffman(counts)
    order = np.argsort(-counts, kind="stable")
    tree = build_huffman(counts[order])
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return HuffmanTree(tree.points[rank], tree.codes[rank], tree.lengths[rank])


def build_tables(config: TrainConfig, vocab: Vocabulary, tree: HuffmanTree | None = None) -> Tables:
    """Subsampling, noise and Huffman tables for ``config`` (unused ones are tiny).

    ``tree`` (for ``loss="hs"``) is used instead of building the tree from the counts, e.g.
    the tree saved in a checkpoint.
    """
    keep = vocab.keep_probabilities(config.sample)
    if config.loss == "ns":
        prob, alias = build_alias_table(vocab.noise_distribution(config.ns_exponent))
    else:
        prob, alias = np.ones(1, np.float32), np.zeros(1, np.int32)
    if config.loss == "hs":
        tree = tree if tree is not None else huffman_of(vocab.counts)
    else:
        tree = HuffmanTree(
            np.zeros((1, 1), np.int32), np.zeros((1, 1), np.int8), np.zeros(1, np.int32)
        )
    return Tables(keep, prob, alias, tree, config.negative)
