"""A generated corpus with planted structure, for exact tests of training behaviour."""

from __future__ import annotations

import numpy as np


def twin_corpus(n_sentences: int = 1500, seed: int = 0) -> list[list[str]]:
    """Sentences where 'twin_a' and 'twin_b' always occur in the same contexts.

    Fillers f0..f29 appear in random contexts; the twins appear only between their own
    context words pre0..pre4 / post0..post4, chosen independently of which twin it is. So
    the twins' context distributions are identical and shared with no other word.
    """
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n_sentences):
        left = [f"f{k}" for k in rng.integers(0, 30, rng.integers(2, 6))]
        right = [f"f{k}" for k in rng.integers(0, 30, rng.integers(2, 6))]
        if rng.random() < 0.5:
            twin = "twin_a" if rng.random() < 0.5 else "twin_b"
            middle = [
                f"pre{rng.integers(5)}",
                f"pre{rng.integers(5)}",
                twin,
                f"post{rng.integers(5)}",
                f"post{rng.integers(5)}",
            ]
        else:
            middle = [f"f{k}" for k in rng.integers(0, 30, 3)]
        sentences.append(left + middle + right)
    return sentences
