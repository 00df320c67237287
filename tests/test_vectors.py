"""KeyedVectors: lookup, cosine similarity and 3CosAdd queries against a float64 oracle."""

from __future__ import annotations

import numpy as np
import pytest

from w2v import KeyedVectors

NAMED = ["king", "queen", "man", "woman", "prince", "princess", "café", "naïve"]
V, DIM = 60, 16


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    """Random float32 vectors of varied norms, one row of zeros (the last)."""
    rng = np.random.default_rng(42)
    v = rng.standard_normal((V, DIM)) * rng.uniform(0.1, 10.0, size=(V, 1))
    v[-1] = 0.0
    return v.astype(np.float32)


@pytest.fixture(scope="module")
def words() -> list[str]:
    """The named words first, then filler words w8..w59."""
    return NAMED + [f"w{i}" for i in range(len(NAMED), V)]


@pytest.fixture
def kv(words: list[str], vectors: np.ndarray) -> KeyedVectors:
    """A fresh KeyedVectors over the fixture words and vectors."""
    return KeyedVectors(words, vectors)


def unit64(v: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length in float64 (zero rows stay zero)."""
    v = np.asarray(v, dtype=np.float64)
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)


def oracle_3cosadd(
    words: list[str],
    vectors: np.ndarray,
    positive: list[str],
    negative: list[str],
    topn: int,
    restrict_vocab: int | None = None,
) -> list[tuple[str, float]]:
    """Brute-force float64 ranking by cosine to sum(unit positives) - sum(unit negatives)."""
    u = unit64(vectors)
    idx = {w: i for i, w in enumerate(words)}
    q = sum((u[idx[w]] for w in positive), np.zeros(u.shape[1]))
    q = q - sum((u[idx[w]] for w in negative), np.zeros(u.shape[1]))
    q = q / np.linalg.norm(q)
    limit = len(words) if restrict_vocab is None else restrict_vocab
    exclude = set(positive) | set(negative)
    scored = [(words[i], float(u[i] @ q)) for i in range(limit) if words[i] not in exclude]
    scored.sort(key=lambda t: -t[1])
    return scored[:topn]


def assert_ranking(got: list[tuple[str, float]], want: list[tuple[str, float]]) -> None:
    """Same words in the same order, and similarities equal to float32 precision."""
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=0, atol=2e-6)
    assert all(isinstance(s, float) for _, s in got)


# -- container ----------------------------------------------------------------------------


def test_getitem_single_word(kv: KeyedVectors, words: list[str], vectors: np.ndarray) -> None:
    """kv[word] is that word's float32 row."""
    for i in (0, 6, 7, 33):
        got = kv[words[i]]
        assert got.dtype == np.float32
        assert got.shape == (DIM,)
        np.testing.assert_array_equal(got, vectors[i])


def test_getitem_list_of_words(kv: KeyedVectors, vectors: np.ndarray) -> None:
    """kv[[w1, w2, ...]] stacks the rows in the order asked, repeats allowed."""
    got = kv[["queen", "café", "king", "queen"]]
    assert got.shape == (4, DIM)
    np.testing.assert_array_equal(got, vectors[[1, 6, 0, 1]])
    assert kv[[]].shape == (0, DIM)


def test_contains_and_len(kv: KeyedVectors, words: list[str]) -> None:
    """`in` is true exactly for vocabulary words and len is the vocabulary size."""
    assert len(kv) == V
    assert kv.dim == DIM
    assert all(w in kv for w in words)
    assert "kinng" not in kv
    assert "" not in kv
    assert "cafe" not in kv  # no accent folding
    assert 3 not in kv


def test_constructor_validates(vectors: np.ndarray) -> None:
    """Mismatched shapes and duplicate words raise ValueError."""
    with pytest.raises(ValueError, match="do not match"):
        KeyedVectors(["a", "b"], vectors[:3])
    with pytest.raises(ValueError, match="unique"):
        KeyedVectors(["a", "a"], vectors[:2])


def test_unknown_word_suggests_spelling(kv: KeyedVectors) -> None:
    """An unknown word raises KeyError naming it and suggesting the closest known spelling."""
    msg = r"Word 'kinng' is not in the vocabulary\. Did you mean 'king'"
    with pytest.raises(KeyError, match=msg):
        kv["kinng"]
    with pytest.raises(KeyError, match=r"'qeen'.*Did you mean 'queen'"):
        kv.similarity("king", "qeen")
    with pytest.raises(KeyError, match=r"'womann'.*Did you mean 'woman'"):
        kv.most_similar(positive=["king"], negative=["womann"])
    with pytest.raises(KeyError, match=r"'prnce'.*'prince'"):
        kv[["king", "prnce"]]


def test_unknown_word_without_close_match(kv: KeyedVectors) -> None:
    """An unknown word with no similar spelling raises KeyError without a suggestion."""
    with pytest.raises(KeyError, match=r"'zzzzzzzzzzzz' is not in the vocabulary") as info:
        kv["zzzzzzzzzzzz"]
    assert "Did you mean" not in str(info.value)


# -- normed -------------------------------------------------------------------------------


def test_normed_is_cached_unit_vectors(kv: KeyedVectors, vectors: np.ndarray) -> None:
    """normed is computed once (same object on second access), unit rows, zero row kept zero."""
    first = kv.normed
    assert kv.normed is first
    assert first.dtype == np.float32
    np.testing.assert_allclose(first, unit64(vectors), rtol=0, atol=1e-6)
    norms = np.linalg.norm(first[:-1].astype(np.float64), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-6)
    assert not np.any(first[-1])
    assert np.all(np.isfinite(first))


# -- similarity ---------------------------------------------------------------------------


def test_similarity_equals_float64_cosine(
    kv: KeyedVectors, words: list[str], vectors: np.ndarray
) -> None:
    """similarity(a, b) equals the cosine computed in float64 numpy, and is symmetric."""
    v64 = vectors.astype(np.float64)
    for a, b in [(0, 1), (2, 3), (6, 7), (10, 50), (5, 5), (0, V - 1)]:
        got = kv.similarity(words[a], words[b])
        na, nb = np.linalg.norm(v64[a]), np.linalg.norm(v64[b])
        want = 0.0 if na == 0 or nb == 0 else float(v64[a] @ v64[b] / (na * nb))
        assert isinstance(got, float)
        assert got == pytest.approx(want, abs=2e-6)
        assert kv.similarity(words[b], words[a]) == pytest.approx(got, abs=1e-7)


def test_similarity_docstring_example() -> None:
    """Orthogonal vectors have similarity 0 and parallel ones 1, whatever their lengths."""
    kv = KeyedVectors(["king", "queen", "big"], np.array([[1, 0], [0, 1], [5, 0]], np.float32))
    assert kv.similarity("king", "queen") == 0.0
    assert kv.similarity("king", "big") == pytest.approx(1.0, abs=1e-7)


# -- most_similar -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("positive", "negative", "topn"),
    [
        (["king"], [], 10),
        (["café"], [], 5),
        (["king", "woman"], ["man"], 10),  # 2 positives, 1 negative: sum != mean difference
        (["king", "woman", "princess"], ["man"], 7),
        (["w20"], ["w30", "w40"], 12),
        ([], ["queen"], 4),
        (["naïve"], [], V),  # more than there are
    ],
)
def test_most_similar_matches_bruteforce(
    kv: KeyedVectors,
    words: list[str],
    vectors: np.ndarray,
    positive: list[str],
    negative: list[str],
    topn: int,
) -> None:
    """most_similar equals a brute-force float64 3CosAdd ranking with the inputs excluded."""
    got = kv.most_similar(positive=positive, negative=negative, topn=topn)
    want = oracle_3cosadd(words, vectors, positive, negative, topn)
    assert len(got) == min(topn, V - len(set(positive) | set(negative)))
    assert_ranking(got, want)
    assert not {w for w, _ in got} & (set(positive) | set(negative))


def test_most_similar_accepts_single_strings(
    kv: KeyedVectors, words: list[str], vectors: np.ndarray
) -> None:
    """A bare string for positive or negative means a one-word list."""
    assert_ranking(kv.most_similar("king", topn=6), oracle_3cosadd(words, vectors, ["king"], [], 6))
    assert_ranking(
        kv.most_similar(positive="king", negative="man", topn=6),
        oracle_3cosadd(words, vectors, ["king"], ["man"], 6),
    )


@pytest.mark.parametrize("restrict_vocab", [5, 20, 40])
def test_most_similar_restrict_vocab(
    kv: KeyedVectors, words: list[str], vectors: np.ndarray, restrict_vocab: int
) -> None:
    """restrict_vocab=N ranks only the first N words (query words may lie beyond N)."""
    pos, neg = ["queen", "w45"], ["man"]
    got = kv.most_similar(positive=pos, negative=neg, topn=8, restrict_vocab=restrict_vocab)
    want = oracle_3cosadd(words, vectors, pos, neg, 8, restrict_vocab=restrict_vocab)
    assert_ranking(got, want)
    assert all(words.index(w) < restrict_vocab for w, _ in got)


def test_most_similar_topn_zero_and_errors(kv: KeyedVectors) -> None:
    """topn=0 returns nothing, and a query with no words raises ValueError."""
    assert kv.most_similar("king", topn=0) == []
    with pytest.raises(ValueError, match="at least one"):
        kv.most_similar()


def test_most_similar_analogy() -> None:
    """On hand-built vectors, king - man + woman is closest to queen."""
    words = ["king", "queen", "man", "woman", "apple"]
    v = np.array(
        [[1, 1, 0, 0.1], [1, 0, 1, 0.1], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], np.float32
    )
    kv = KeyedVectors(words, v)
    (best, sim), *_ = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
    assert best == "queen"
    assert sim > 0.9


# -- similar_by_vector --------------------------------------------------------------------


def test_similar_by_vector_matches_bruteforce(
    kv: KeyedVectors, words: list[str], vectors: np.ndarray
) -> None:
    """similar_by_vector ranks all words (none excluded) by float64 cosine to the vector."""
    rng = np.random.default_rng(7)
    for _ in range(3):
        q = rng.standard_normal(DIM) * 3.0
        u = unit64(vectors)
        sims = u @ (q / np.linalg.norm(q))
        order = np.argsort(-sims, kind="stable")[:9]
        want = [(words[i], float(sims[i])) for i in order]
        assert_ranking(kv.similar_by_vector(q, topn=9), want)


def test_similar_by_vector_of_a_word_finds_it_first(kv: KeyedVectors, words: list[str]) -> None:
    """A word's own vector is its own nearest neighbour, with similarity 1."""
    (best, sim), *_ = kv.similar_by_vector(kv["prince"] * 7.0, topn=3)
    assert best == "prince"
    assert sim == pytest.approx(1.0, abs=1e-6)


def test_similar_by_vector_restrict_vocab(
    kv: KeyedVectors, words: list[str], vectors: np.ndarray
) -> None:
    """similar_by_vector with restrict_vocab=N ranks only the first N words."""
    q = vectors[50]
    got = kv.similar_by_vector(q, topn=4, restrict_vocab=10)
    u = unit64(vectors[:10])
    sims = u @ (q / np.linalg.norm(q.astype(np.float64)))
    order = np.argsort(-sims, kind="stable")[:4]
    assert_ranking(got, [(words[i], float(sims[i])) for i in order])
