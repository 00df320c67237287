"""Vocabulary: counting, sorting, pruning, encoding, subsampling and noise distributions."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from w2v.errors import CorpusError
from w2v.kernels import build_alias_table, draw_noise_words
from w2v.vocab import Vocabulary, build_vocab_and_encode, encode

CORPUS = [
    ["b", "a", "c", "a", "rare"],
    ["a", "b", "d", "d", "c"],
    ["rare2"],
    ["c", "b", "a"],
]


def test_counts_sort_and_min_count():
    """Words are sorted by count, ties by first appearance; words below min_count dropped."""
    vocab, enc = build_vocab_and_encode(CORPUS, min_count=2)
    try:
        assert vocab.words == ["a", "b", "c", "d"]  # a:4, then b:3 c:3 in first-seen order
        assert vocab.counts.tolist() == [4, 3, 3, 2]
        assert vocab.total == 12
    finally:
        enc.close()


def test_encoding_drops_unknown_words_and_keeps_sentence_bounds():
    """The encoded corpus is every kept word in order; pruned words and empty sentences go."""
    vocab, enc = build_vocab_and_encode(CORPUS, min_count=2)
    try:
        idx = vocab.index
        expected = [[idx[w] for w in s if w in idx] for s in CORPUS]
        expected = [s for s in expected if s]
        flat = enc.read(0, enc.n_words).tolist()
        assert flat == [w for s in expected for w in s]
        assert enc.sentence_ends.tolist() == np.cumsum([len(s) for s in expected]).tolist()
    finally:
        enc.close()


def test_temporary_files_are_removed_on_close(tmp_path):
    """Closing the encoded corpus deletes its temporary folder."""
    _, enc = build_vocab_and_encode(CORPUS, min_count=1, tmp_dir=str(tmp_path))
    assert len(list(tmp_path.iterdir())) == 1
    enc.close()
    assert list(tmp_path.iterdir()) == []


def test_encode_with_existing_vocabulary():
    """encode() maps with a fixed vocabulary and drops the words it lacks."""
    vocab = Vocabulary(["x", "y"], np.array([5, 1]))
    enc = encode([["y", "q", "x"], ["q"], ["x"]], vocab)
    try:
        assert enc.read(0, enc.n_words).tolist() == [1, 0, 0]
        assert enc.sentence_ends.tolist() == [2, 3]
    finally:
        enc.close()


def test_min_count_too_high_suggests_a_value():
    """No word reaching min_count raises CorpusError naming a min_count that works."""
    with pytest.raises(CorpusError, match=r"No word reaches min_count=10.*Try min_count=4"):
        build_vocab_and_encode(CORPUS, min_count=10)


def test_empty_corpus_is_an_error():
    """A corpus with no tokens raises CorpusError saying so."""
    with pytest.raises(CorpusError, match="contains no words"):
        build_vocab_and_encode([[], []], min_count=1)


def test_keep_probability_formula():
    """keep = min(1, (sqrt(f/t) + 1)·t/f) with f = count/total, word2vec.c's formula."""
    vocab = Vocabulary(["a", "b", "c"], np.array([9000, 900, 100]))
    t = 1e-2
    f = vocab.counts / vocab.total
    expected = np.minimum(1.0, (np.sqrt(f / t) + 1) * t / f)
    np.testing.assert_allclose(vocab.keep_probabilities(t), expected, rtol=1e-6)
    assert expected[0] < 0.2 and expected[2] == 1.0  # the example exercises both regimes
    assert np.all(vocab.keep_probabilities(0.0) == 1.0)


def test_noise_sampler_matches_count_to_the_075():
    """Alias-table draws follow count^0.75 (chi-square, fixed seed, p > 0.001)."""
    counts = np.array([5000, 1200, 800, 300, 100, 40, 10, 3, 1])
    vocab = Vocabulary([str(i) for i in range(len(counts))], counts)
    p = vocab.noise_distribution(0.75)
    np.testing.assert_allclose(p, counts**0.75 / (counts**0.75).sum())
    prob, alias = build_alias_table(p)
    n = 400_000
    draws = draw_noise_words(prob, alias, n, 2024)
    observed = np.bincount(draws, minlength=len(counts))
    result = stats.chisquare(observed, p * n)
    assert result.pvalue > 1e-3
    # the same test rejects the raw unigram distribution: it has power
    assert stats.chisquare(observed, counts / counts.sum() * n).pvalue < 1e-12


def test_vocabulary_does_not_depend_on_hash_seed(tmp_path):
    """Vocabulary order is identical under different PYTHONHASHSEED values."""
    words = [f"w{i % 37}" for i in range(2000)] + [f"x{i}" for i in range(50)]
    path = tmp_path / "c.txt"
    path.write_text(" ".join(words) + "\n")
    code = (
        "import sys; from w2v.vocab import build_vocab_and_encode as b;"
        f"v, e = b({str(path)!r}, 1); print(' '.join(v.words)); e.close()"
    )
    outs = set()
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
    assert len(outs) == 1
