"""KeyedVectors answers to gensim's names with gensim's results on the same vectors."""

from __future__ import annotations

import numpy as np
import pytest

from w2v import KeyedVectors

gensim_models = pytest.importorskip("gensim.models")


@pytest.fixture(scope="module")
def pair() -> tuple[KeyedVectors, object]:
    """The same random vectors (varied norms) as w2v's and as gensim's KeyedVectors."""
    rng = np.random.default_rng(19)
    V, dim = 300, 16
    vectors = (rng.normal(size=(V, dim)) * rng.uniform(0.2, 5.0, size=(V, 1))).astype(np.float32)
    words = [f"w{i}" for i in range(V)]
    g = gensim_models.KeyedVectors(dim)
    g.add_vectors(words, vectors)
    return KeyedVectors(words, vectors), g


def assert_same_ranking(ours: list, theirs: list) -> None:
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5, atol=1e-6)


def test_attributes_equal_gensim(pair):
    """key_to_index, index_to_key and vector_size are gensim's."""
    kv, g = pair
    assert kv.key_to_index == g.key_to_index
    assert kv.index_to_key == g.index_to_key
    assert kv.vector_size == g.vector_size == 16


def test_get_vector_equals_gensim(pair):
    """get_vector, raw and unit-normed, equals gensim's and is read-only."""
    kv, g = pair
    for word in ("w0", "w7", "w299"):
        np.testing.assert_array_equal(kv.get_vector(word), g.get_vector(word))
        np.testing.assert_allclose(
            kv.get_vector(word, norm=True), g.get_vector(word, norm=True), rtol=1e-6
        )
    with pytest.raises(ValueError, match="read-only"):
        kv.get_vector("w1")[0] = 1.0
    with pytest.raises(KeyError, match="'w1x' is not in the vocabulary"):
        kv.get_vector("w1x")


def test_get_normed_vectors_and_has_index_for_equal_gensim(pair):
    """get_normed_vectors and has_index_for answer as gensim's."""
    kv, g = pair
    np.testing.assert_allclose(kv.get_normed_vectors(), g.get_normed_vectors(), rtol=1e-6)
    for word in ("w3", "nope", ""):
        assert kv.has_index_for(word) == g.has_index_for(word)


def test_most_similar_equals_gensim(pair):
    """most_similar with words, with vectors among them, and negatives, as gensim ranks."""
    kv, g = pair
    vec = kv.vectors[42] * 3.0 + kv.vectors[5]
    for positive, negative in (
        (["w1"], []),
        (["w1", "w2"], ["w3"]),
        ([vec], []),
        (["w1", vec], ["w9"]),
        ([], ["w4"]),
        (vec, None),
    ):
        assert_same_ranking(
            kv.most_similar(positive, negative, topn=12),
            g.most_similar(positive=positive, negative=negative, topn=12),
        )
    assert_same_ranking(
        kv.most_similar(["w10"], topn=5, restrict_vocab=100),
        g.most_similar(positive=["w10"], topn=5, restrict_vocab=100),
    )


def test_most_similar_topn_none_returns_every_similarity(pair):
    """topn=None gives the cosine with every word, input words included, as gensim."""
    kv, g = pair
    ours = kv.most_similar(["w1", "w2"], ["w3"], topn=None)
    theirs = g.most_similar(positive=["w1", "w2"], negative=["w3"], topn=None)
    assert isinstance(ours, np.ndarray) and ours.shape == (len(kv),)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    restricted = kv.most_similar("w8", topn=None, restrict_vocab=50)
    np.testing.assert_allclose(
        restricted, g.most_similar("w8", topn=None, restrict_vocab=50), rtol=1e-5, atol=1e-6
    )


def test_similar_by_word_and_vector_equal_gensim(pair):
    """similar_by_word leaves the word out; similar_by_vector leaves nothing out."""
    kv, g = pair
    assert_same_ranking(kv.similar_by_word("w11", topn=7), g.similar_by_word("w11", topn=7))
    assert_same_ranking(kv.similar_by_key("w11", topn=7), g.similar_by_key("w11", topn=7))
    vec = kv.vectors[11]
    ours = kv.similar_by_vector(vec, topn=7)
    assert ours[0][0] == "w11"
    assert_same_ranking(ours, g.similar_by_vector(vec, topn=7))
    np.testing.assert_allclose(
        kv.similar_by_vector(vec, topn=None), g.similar_by_vector(vec, topn=None), rtol=1e-5
    )


def test_similarity_distance_distances_equal_gensim(pair):
    """similarity, distance, distances (to a list, to everything, from a vector) as gensim."""
    kv, g = pair
    assert kv.similarity("w1", "w2") == pytest.approx(float(g.similarity("w1", "w2")), rel=1e-5)
    assert kv.distance("w1", "w2") == pytest.approx(float(g.distance("w1", "w2")), rel=1e-5)
    others = ["w5", "w1", "w200"]
    np.testing.assert_allclose(kv.distances("w1", others), g.distances("w1", others), atol=1e-6)
    np.testing.assert_allclose(kv.distances("w1"), g.distances("w1"), atol=1e-6)
    vec = kv.vectors[3] - kv.vectors[4]
    np.testing.assert_allclose(kv.distances(vec, others), g.distances(vec, others), atol=1e-6)
    assert kv.distances("w1").dtype == np.float32


def test_n_similarity_equals_gensim(pair):
    """n_similarity compares the means of the raw vectors, as gensim."""
    kv, g = pair
    for a, b in ((["w1", "w2"], ["w3"]), (["w1"], ["w1"]), (["w4", "w5", "w6"], ["w7", "w8"])):
        assert kv.n_similarity(a, b) == pytest.approx(float(g.n_similarity(a, b)), abs=1e-6)
    with pytest.raises(ValueError, match="at least one word in each set"):
        kv.n_similarity([], ["w1"])
    with pytest.raises(KeyError, match="'zz' is not in the vocabulary"):
        kv.n_similarity(["w1", "zz"], ["w2"])


def test_doesnt_match_skips_unknown_words_with_a_warning(pair):
    """Unknown words are named in a warning and left out; the answer is gensim's."""
    kv, g = pair
    group = ["w20", "w21", "qwertyzz", "w22", "w23", "w24"]
    with pytest.warns(UserWarning, match="'qwertyzz'"):
        ours = kv.doesnt_match(group)
    assert ours == g.doesnt_match(group)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="at least one word"):
        kv.doesnt_match(["nope", "neither"])


def test_query_vectors_are_checked(pair):
    """A vector of the wrong length, or a (word, weight) pair, is a one-line error."""
    kv, _ = pair
    with pytest.raises(ValueError, match=r"shape \(16,\)"):
        kv.most_similar([np.ones(3, np.float32)])
    with pytest.raises(TypeError, match="weighted"):
        kv.most_similar([("w1", 0.5)])
    with pytest.raises(ValueError, match="at least one positive or negative"):
        kv.most_similar(None, None)
