"""KeyedVectors queries added for users: 3CosMul, doesnt_match, rank, batches, native files."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from w2v import FormatError, KeyedVectors


@pytest.fixture
def kv() -> KeyedVectors:
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(200)]
    return KeyedVectors(words, rng.normal(size=(200, 12)).astype(np.float32))


def _gensim(kv: KeyedVectors) -> GensimKV:
    g = GensimKV(kv.dim)
    g.add_vectors(kv.words, kv.vectors)
    return g


def test_most_similar_cosmul_equals_gensim(kv):
    """3CosMul ranks and scores as gensim's most_similar_cosmul."""
    ours = kv.most_similar_cosmul(positive=["w1", "w2"], negative=["w3"], topn=8)
    theirs = _gensim(kv).most_similar_cosmul(positive=["w1", "w2"], negative=["w3"], topn=8)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)


def test_doesnt_match_and_rank_equal_gensim(kv):
    """doesnt_match and rank agree with gensim."""
    g = _gensim(kv)
    group = ["w5", "w6", "w7", "w8", "w9"]
    assert kv.doesnt_match(group) == g.doesnt_match(group)
    for a, b in (("w1", "w2"), ("w10", "w150"), ("w3", "w3")):
        assert kv.rank(a, b) == g.rank(a, b)


def test_doesnt_match_finds_the_planted_outlier():
    """Among four near-identical vectors and one opposite, the opposite doesn't match."""
    base = np.array([1.0, 0.2, 0.0], np.float32)
    vecs = np.stack([base, base * 2, base + 0.01, base * 0.5, -base])
    kv = KeyedVectors(["a", "b", "c", "d", "odd"], vecs)
    assert kv.doesnt_match(["a", "odd", "b", "c", "d"]) == "odd"


def test_most_similar_many_equals_one_by_one(kv):
    """The batched query returns what most_similar returns for each word."""
    words = ["w0", "w17", "w199", "w42"]
    batch = kv.most_similar_many(words, topn=6)
    for word, got in zip(words, batch, strict=True):
        expected = kv.most_similar(word, topn=6)
        assert [w for w, _ in got] == [w for w, _ in expected]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-5)
    restricted = kv.most_similar_many(["w150"], topn=3, restrict_vocab=50)[0]
    assert all(int(w[1:]) < 50 for w, _ in restricted)


def test_unknown_word_in_batch_names_it(kv):
    """A batch with an unknown word raises KeyError naming that word."""
    with pytest.raises(KeyError, match="'nope' is not in the vocabulary"):
        kv.most_similar_many(["w1", "nope"])


def test_native_round_trip_and_mmap(kv, tmp_path):
    """save/load keeps words and vectors exactly; mmap='r' maps them read-only."""
    path = tmp_path / "vecs.kv"
    kv.save(path)
    loaded = KeyedVectors.load(path)
    assert loaded.words == kv.words
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    mapped = KeyedVectors.load(path, mmap="r")
    assert isinstance(mapped.vectors, np.memmap) and not mapped.vectors.flags.writeable
    assert mapped.most_similar("w3", topn=3) == kv.most_similar("w3", topn=3)


def test_native_save_replaces_a_previous_save_atomically(kv, tmp_path):
    """Saving over an earlier save replaces it; a failed save leaves the earlier one."""
    path = tmp_path / "vecs.kv"
    KeyedVectors(["only"], np.ones((1, 3), np.float32)).save(path)
    kv.save(path)
    assert len(KeyedVectors.load(path)) == 200
    with pytest.raises(FormatError, match="newline"):
        KeyedVectors(["bad\nword"], np.ones((1, 3), np.float32)).save(path)
    assert len(KeyedVectors.load(path)) == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vecs.kv"]


def test_native_save_refuses_to_overwrite_a_foreign_folder(kv, tmp_path):
    """An existing folder that is not a w2v save is never replaced."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "data.txt").write_text("keep me")
    with pytest.raises(FormatError, match="not a w2v vectors folder; not overwriting"):
        kv.save(folder)
    assert (folder / "data.txt").read_text() == "keep me"


def test_native_load_of_a_corrupt_folder_is_a_format_error(kv, tmp_path):
    """A folder whose words and vectors disagree fails with the folder and both sizes."""
    path = tmp_path / "vecs.kv"
    kv.save(path)
    (path / "words.txt").write_text("a\nb")
    with pytest.raises(FormatError, match="words.txt has 2 words but vectors.npy has shape"):
        KeyedVectors.load(path)
    with pytest.raises(FormatError, match="not a w2v vectors folder"):
        KeyedVectors.load(tmp_path)
