"""fit(corpus, init_vectors=kv): published vectors fine-tuned on a domain corpus, optionally
with the loaded rows locked."""

from __future__ import annotations

import numpy as np
import pytest

from w2v import ConfigError, CorpusError, KeyedVectors, Word2Vec
from w2v.model import init_weights

DIM = 12


def domain_corpus() -> list[list[str]]:
    """Sentences over 30 common words w0..w29 and 6 domain words d0..d5 that kv lacks."""
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(30)] + [f"d{i}" for i in range(6)]
    return [list(rng.choice(words, 10)) for _ in range(300)]


@pytest.fixture(scope="module")
def published() -> KeyedVectors:
    """'Published' vectors: w0..w29 and words the domain corpus never uses (x0..x9)."""
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(30)] + [f"x{i}" for i in range(10)]
    return KeyedVectors(words, rng.normal(scale=0.3, size=(40, DIM)).astype(np.float32))


def model(**params) -> Word2Vec:
    return Word2Vec(**{"dim": DIM, "min_count": 1, "epochs": 3, "workers": 1, **params})


class StartingWeights:
    """A gensim-style callback that keeps W_in as training starts."""

    def on_train_begin(self, m: Word2Vec) -> None:
        assert m.W_in is not None
        self.W_in = m.W_in.copy()


def loaded_rows(m: Word2Vec, kv: KeyedVectors) -> tuple[np.ndarray, np.ndarray]:
    """(rows in the model, rows in kv) of the words both have."""
    assert m.vocab is not None
    both = [w for w in m.vocab.words if w in kv]
    return (
        np.array([m.vocab.index[w] for w in both]),
        np.array([kv.get_index(w) for w in both]),
    )


def test_start_from_init_vectors_and_init_weights(published):
    """Words in kv start from its vectors, the others from init_weights' rows."""
    start = StartingWeights()
    m = model().fit(domain_corpus(), init_vectors=published, callbacks=[start])
    ours, theirs = loaded_rows(m, published)
    assert len(ours) == 30
    np.testing.assert_array_equal(start.W_in[ours], published.vectors[theirs])
    fresh, _ = init_weights(m.config, len(m.vocab))
    new = np.setdiff1d(np.arange(len(m.vocab)), ours)
    assert len(new) == 6
    np.testing.assert_array_equal(start.W_in[new], fresh[new])
    assert not any(f"x{i}" in m.wv for i in range(10))  # the vocabulary is the corpus's


def test_loaded_rows_move_and_new_words_train(published):
    """Without a lock every row trains: the loaded ones move away from kv's vectors."""
    start = StartingWeights()
    m = model().fit(domain_corpus(), init_vectors=published, callbacks=[start])
    ours, theirs = loaded_rows(m, published)
    moved = np.linalg.norm(m.W_in[ours] - published.vectors[theirs], axis=1)
    assert (moved > 1e-3).all()
    new = np.setdiff1d(np.arange(len(m.vocab)), ours)
    assert (np.linalg.norm(m.W_in[new] - start.W_in[new], axis=1) > 1e-3).all()


@pytest.mark.parametrize(
    ("arch", "loss", "workers"),
    [("skipgram", "ns", 1), ("cbow", "ns", 2), ("skipgram", "hs", 2), ("cbow", "softmax", 1)],
)
def test_locked_rows_stay_exactly_and_new_words_train(published, arch, loss, workers):
    """lock_init=True: the loaded rows end bit-identical to kv's; the new words and W_out
    train."""
    start = StartingWeights()
    m = model(arch=arch, loss=loss, workers=workers).fit(
        domain_corpus(), init_vectors=published, lock_init=True, callbacks=[start]
    )
    ours, theirs = loaded_rows(m, published)
    np.testing.assert_array_equal(m.W_in[ours], published.vectors[theirs])
    new = np.setdiff1d(np.arange(len(m.vocab)), ours)
    assert (np.linalg.norm(m.W_in[new] - start.W_in[new], axis=1) > 1e-3).all()
    assert np.abs(m.W_out).max() > 1e-3
    assert np.isfinite(m.loss_history).all()


def test_locked_new_word_learns_from_the_fixed_vectors():
    """A new word used exactly where a locked one is ends closest to it."""
    rng = np.random.default_rng(3)
    base = [f"w{i}" for i in range(20)]
    published = KeyedVectors(base, rng.normal(scale=0.3, size=(20, DIM)).astype(np.float32))
    sentences = []
    for _ in range(600):
        s = list(rng.choice(base[2:], 8))
        i = int(rng.integers(len(s)))
        s[i:i] = ["w1", "w0" if rng.random() < 0.5 else "twin"]  # twin stands where w0 does
        sentences.append(s)
    m = model(epochs=10, window=1, sample=0).fit(sentences, init_vectors=published, lock_init=True)
    np.testing.assert_array_equal(m.wv["w0"], published["w0"])
    assert m.wv.most_similar("twin", topn=1)[0][0] == "w0"


def test_gensim_keyed_vectors_are_accepted(published):
    """init_vectors may be gensim's KeyedVectors (the same names are read)."""
    gensim_models = pytest.importorskip("gensim.models")
    g = gensim_models.KeyedVectors(DIM)
    g.add_vectors(published.words, published.vectors)
    m = model().fit(domain_corpus(), init_vectors=g, lock_init=True)
    ours, theirs = loaded_rows(m, published)
    np.testing.assert_array_equal(m.W_in[ours], published.vectors[theirs])


def test_mistakes_are_one_line_errors(published, tmp_path):
    """dim mismatch, lock without vectors, a fitted model, no shared word, checkpoints and
    devices with a lock: each a clear error before training."""
    corpus = domain_corpus()
    with pytest.raises(ConfigError, match=r"init_vectors has dim 12 and this model dim 20"):
        model(dim=20).fit(corpus, init_vectors=published)
    with pytest.raises(ConfigError, match="pass them too"):
        model().fit(corpus, lock_init=True)
    with pytest.raises(ConfigError, match="must be True or False"):
        model().fit(corpus, init_vectors=published, lock_init="yes")
    with pytest.raises(ConfigError, match="must be a KeyedVectors"):
        model().fit(corpus, init_vectors=published.vectors)
    fitted = model().fit(corpus)
    with pytest.raises(ConfigError, match="fitted already"):
        fitted.fit(corpus, init_vectors=published)
    unrelated = KeyedVectors(["A", "B"], np.ones((2, DIM), np.float32))
    fresh = model()
    with pytest.raises(CorpusError, match="None of the corpus's 36 vocabulary words"):
        fresh.fit(corpus, init_vectors=unrelated)
    assert not fresh.is_fitted
    with pytest.raises(ConfigError, match="checkpoint"):
        model().fit(corpus, init_vectors=published, lock_init=True, checkpoint=tmp_path / "c")
    with pytest.raises(ConfigError, match="CPU engine only"):
        model(device="cpu").fit(corpus, init_vectors=published, lock_init=True)
    bad = KeyedVectors(["w0"], np.full((1, DIM), np.nan, np.float32))
    with pytest.raises(ConfigError, match="NaN"):
        model().fit(corpus, init_vectors=bad)


def test_the_command_line_fine_tunes_and_locks(tmp_path, capsys):
    """`w2v train --init-vectors V --lock-init` starts from V and keeps its words' vectors
    exactly; without --lock-init they move; --lock-init alone is one line, exit 2."""
    from w2v import KeyedVectors
    from w2v.cli import main

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in _CLI_SENTENCES) + "\n")
    base = ["--min-count", "1", "--dim", "8", "--epochs", "2", "--workers", "1", "--no-progress"]
    pre = tmp_path / "pre.bin"
    assert main(["train", str(corpus), "-o", str(pre), *base]) == 0
    locked, free = tmp_path / "locked.bin", tmp_path / "free.bin"
    init = ["--init-vectors", str(pre)]
    assert main(["train", str(corpus), "-o", str(locked), *base, *init, "--lock-init"]) == 0
    assert main(["train", str(corpus), "-o", str(free), *base, *init, "--seed", "2"]) == 0
    kv0, kv1, kv2 = (KeyedVectors.load_word2vec_format(p) for p in (pre, locked, free))
    np.testing.assert_array_equal(kv1["cat"], kv0["cat"])
    assert not np.array_equal(kv2["cat"], kv0["cat"])
    capsys.readouterr()
    assert main(["train", str(corpus), "-o", str(free), *base, "--lock-init"]) == 2
    assert "give both" in capsys.readouterr().err


_CLI_SENTENCES = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["a", "dog", "ran", "in", "a", "park"],
] * 30
