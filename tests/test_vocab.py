"""Vocabulary: counting, sorting, pruning, encoding, subsampling and noise distributions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from w2v.corpus import ReadStats
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
    assert len(list(tmp_path.iterdir())) == (0 if os.name == "posix" else 1)
    enc.close()
    assert list(tmp_path.iterdir()) == []


KILLED = {
    # killed once the corpus is encoded, while training would read it
    "after encoding": "_, enc = build_vocab_and_encode([['a', 'b', 'c']] * 100, 1, tmp_dir=d)\n"
    "assert enc.read(0, 3).tolist() == [0, 1, 2]\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n",
    # killed half-way through the counting pass, with ReduceVocab's table file open too
    "during the scan": "def corpus():\n"
    "    for i in range(400):\n"
    "        if i == 200:\n"
    "            os.kill(os.getpid(), signal.SIGKILL)\n"
    "        yield [f'w{i}', f'v{i}', 'common']\n"
    "build_vocab_and_encode(corpus(), 1, tmp_dir=d, max_vocab_size=50)\n",
}


@pytest.mark.skipif(os.name != "posix", reason="unnamed temporary files are POSIX behaviour")
@pytest.mark.parametrize("when", sorted(KILLED))
def test_a_killed_process_leaves_no_temporary_file(when, tmp_path):
    """The id files never have a name: SIGKILL at any point leaves tmp_dir empty."""
    script = (
        "import os, signal, sys\n"
        "from w2v.vocab import build_vocab_and_encode\n"
        "d = sys.argv[1]\n" + KILLED[when]
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
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


# -- max_vocab_size: word2vec.c's ReduceVocab ---------------------------------------------


def reduce_vocab_reference(sentences, max_size, min_count):
    """word2vec.c's counting with ReduceVocab, one token at a time, written plainly.

    Returns (words, counts, encoded sentences): the vocabulary sorted by count (ties by first
    appearance in the word's last life) and, per sentence, the ids of the occurrences that
    belong to a surviving word's last life (earlier ones were forgotten with the word).
    """
    counts: dict[str, int] = {}
    life: dict[str, list[tuple[int, int]]] = {}
    level = 1
    for s, sentence in enumerate(sentences):
        for p, word in enumerate(sentence):
            if word not in counts:
                counts[word], life[word] = 0, []
            counts[word] += 1
            life[word].append((s, p))
            if len(counts) > max_size:
                for rare in [w for w, c in counts.items() if c <= level]:
                    del counts[rare], life[rare]
                level += 1
    words = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: -counts[w])
    ids = {w: i for i, w in enumerate(words)}
    kept = {pos: ids[w] for w in words for pos in life[w]}
    encoded = [
        [kept[(s, p)] for p in range(len(st)) if (s, p) in kept] for s, st in enumerate(sentences)
    ]
    return words, [counts[w] for w in words], [e for e in encoded if e]


def _encoded_sentences(enc):
    flat = enc.read(0, enc.n_words).tolist()
    bounds = [0, *enc.sentence_ends.tolist()]
    return [flat[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    sentences=st.lists(
        st.lists(st.sampled_from("abcdefghijklmnop"), min_size=0, max_size=12), max_size=12
    ),
    max_size=st.integers(1, 8),
    min_count=st.integers(1, 3),
)
def test_max_vocab_size_matches_word2vec_c_reduce_vocab(sentences, max_size, min_count):
    """Counts, order and the encoded corpus under max_vocab_size equal a plain token-by-token
    simulation of word2vec.c's ReduceVocab, and never more than max_size + 1 words are held."""
    words, counts, encoded = reduce_vocab_reference(sentences, max_size, min_count)
    stats = ReadStats()
    try:
        vocab, enc = build_vocab_and_encode(
            sentences, min_count, max_vocab_size=max_size, stats=stats
        )
    except CorpusError:
        assert not words
        return
    try:
        assert vocab.words == words
        assert vocab.counts.tolist() == counts
        assert _encoded_sentences(enc) == encoded
        assert stats.peak_distinct_words <= max_size + 1
    finally:
        enc.close()


def test_max_vocab_size_forgets_rare_words_like_word2vec_c():
    """With a bound of 2, the third distinct word forgets the words seen once (level 1); 'a'
    seen twice survives; 'b' comes back with a fresh count and its first occurrence dropped."""
    stats = ReadStats()
    corpus = [["a", "a", "b", "c"], ["b", "a"]]
    vocab, enc = build_vocab_and_encode(corpus, 1, max_vocab_size=2, stats=stats)
    try:
        assert dict(zip(vocab.words, vocab.counts.tolist(), strict=True)) == {"a": 3, "b": 1}
        assert stats.vocab_reductions == 1 and stats.peak_distinct_words == 3
        a, b = vocab.index["a"], vocab.index["b"]
        assert _encoded_sentences(enc) == [[a, a], [b, a]]
    finally:
        enc.close()


def _random_token_corpus(path, n_random, seed=0):
    """A file of ``n_random`` random tokens (nearly all distinct) with 'the', 'of' and 'and'
    as every 10th token; returns the exact counts of the three frequent words."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, 1 << 40, size=n_random).astype(str).astype(object)
    frequent = np.array(["the", "of", "and"], dtype=object)[np.arange(n_random // 10) % 3]
    tokens[::10] = frequent[: len(tokens[::10])]
    lines = [" ".join(tokens[i : i + 1000]) for i in range(0, n_random, 1000)]
    path.write_text("\n".join(lines) + "\n")
    return {w: int(np.sum(tokens == w)) for w in ("the", "of", "and")}


def test_max_vocab_size_bounds_memory_on_millions_of_distinct_tokens(tmp_path):
    """Counting 1M tokens, 900,000 of them distinct, with max_vocab_size=20,000 holds at most
    20,001 words, allocates under 20,000 x 300 B + 32 MB (157 MB without the bound, measured),
    and keeps the frequent words' exact counts."""
    path = tmp_path / "random.txt"
    exact = _random_token_corpus(path, 1_000_000)
    stats = ReadStats()
    tracemalloc.start()
    try:
        vocab, enc = build_vocab_and_encode(path, 2, max_vocab_size=20_000, stats=stats)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    try:
        assert stats.tokens == 1_000_000
        assert stats.peak_distinct_words == 20_001
        assert stats.vocab_reductions >= 40
        assert peak < 20_000 * 300 + (32 << 20), f"peak {peak / 1e6:.1f} MB"
        assert {w: int(vocab.counts[vocab.index[w]]) for w in exact} == exact
        assert vocab.words[:3] == sorted(exact, key=lambda w: -exact[w])
    finally:
        enc.close()
