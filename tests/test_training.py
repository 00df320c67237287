"""Training end to end on tiny corpora: determinism, falling loss, planted neighbours."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, VARIANTS
from planted import twin_corpus
from w2v import NotFittedError, TrainingDivergedError, Word2Vec
from w2v.checkpoint import load_checkpoint
from w2v.config import TrainConfig
from w2v.errors import ConfigError, CorpusError, CorpusNotFoundError
from w2v.model import init_weights
from w2v.schedule import batch_seed, plan_batches

CORPUS = twin_corpus()
SMALL = dict(dim=20, min_count=1, epochs=5, workers=1, sample=0.0, seed=1)


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_planted_twins_are_each_others_nearest_neighbour(arch, loss):
    """Two words that always share their contexts end up each other's nearest neighbour."""
    model = Word2Vec(arch=arch, loss=loss, **SMALL).fit(CORPUS)
    assert model.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"
    assert model.wv.most_similar("twin_b", topn=1)[0][0] == "twin_a"
    assert model.wv.similarity("twin_a", "twin_b") > 0.8


def test_shared_negatives_find_the_planted_twins_and_are_refused_elsewhere():
    """The opt-in shared-noise skip-gram NS trains the twins together; CBOW/HS refuse it."""
    model = Word2Vec(arch="skipgram", loss="ns", shared_negatives=True, **SMALL).fit(CORPUS)
    assert model.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"
    assert model.wv.similarity("twin_a", "twin_b") > 0.8
    for arch, loss, why in (("cbow", "ns", "CBOW already draws"), ("skipgram", "hs", "draws none")):
        with pytest.raises(ConfigError, match=why):
            Word2Vec(arch=arch, loss=loss, shared_negatives=True)


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_loss_falls_over_epochs(arch, loss):
    """The mean loss of the last epoch is clearly below the first epoch's."""
    model = Word2Vec(arch=arch, loss=loss, **SMALL).fit(CORPUS)
    history = model.loss_history
    assert len(history) == 5 and all(np.isfinite(history))
    assert history[-1] < history[0] - 0.02


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_same_seed_one_worker_is_bit_identical(arch, loss):
    """Two runs with workers=1 and the same seed give identical vectors and losses."""
    params = dict(SMALL, epochs=2, sample=1e-2, window=3)
    a = Word2Vec(arch=arch, loss=loss, **params).fit(CORPUS)
    b = Word2Vec(arch=arch, loss=loss, **params).fit(CORPUS)
    assert np.array_equal(a.W_in, b.W_in) and np.array_equal(a.W_out, b.W_out)
    assert a.loss_history == b.loss_history
    c = Word2Vec(arch=arch, loss=loss, **dict(params, seed=2)).fit(CORPUS)
    assert not np.array_equal(a.W_in, c.W_in)  # the seed matters


def test_bit_identical_across_hash_seeds_and_processes(tmp_path):
    """workers=1 vectors hash the same in fresh processes with different PYTHONHASHSEED."""
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in CORPUS))
    code = (
        "import hashlib, w2v;"
        f"m = w2v.Word2Vec(dim=16, min_count=1, epochs=2, workers=1, seed=5).fit({str(path)!r});"
        "print(hashlib.sha256(m.W_in.tobytes() + m.W_out.tobytes()).hexdigest(), m.vocab.words[:5])"
    )
    digests = set()
    for hash_seed in ("0", "42", "random"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        digests.add(run.stdout)
    assert len(digests) == 1


def test_loss_does_not_depend_on_worker_count():
    """The epoch losses with 1 and 2 workers agree closely (same draws, Hogwild order aside)."""
    params = dict(SMALL, epochs=3, batch_words=500)
    one = Word2Vec(**params).fit(CORPUS).loss_history
    two = Word2Vec(**dict(params, workers=2)).fit(CORPUS).loss_history
    np.testing.assert_allclose(one, two, rtol=0.02)


def test_callbacks_receive_each_epoch_loss():
    """on_epoch_end callbacks get (model, epoch, loss) once per epoch, in order."""
    seen = []
    model = Word2Vec(**dict(SMALL, epochs=3))
    model.fit(CORPUS, callbacks=[lambda m, e, l: seen.append((m, e, l))])
    assert [(m is model, e) for m, e, _ in seen] == [(True, 0), (True, 1), (True, 2)]
    assert [l for _, _, l in seen] == model.loss_history


def test_fit_again_continues_training_the_same_vocabulary():
    """A second fit keeps the vocabulary and vectors' identity and extends loss_history."""
    model = Word2Vec(**dict(SMALL, epochs=2)).fit(CORPUS)
    words, before = list(model.vocab.words), model.W_in.copy()
    model.fit(CORPUS[:300] + [["unknown", "words", "only"]])
    assert model.vocab.words == words
    assert len(model.loss_history) == 4 and model.epochs_trained == 4
    assert not np.array_equal(before, model.W_in)


def test_divergence_is_caught_and_names_alpha():
    """A learning rate that makes the loss NaN stops training with an error naming alpha."""
    with pytest.raises(TrainingDivergedError, match=r"alpha=1000000.0 is too high"):
        Word2Vec(**dict(SMALL, alpha=1e6, epochs=1)).fit(CORPUS)


def test_wv_before_fit_says_to_call_fit():
    """Reading wv before fit raises NotFittedError with the next step."""
    with pytest.raises(NotFittedError, match="not fitted yet. Call 'fit'"):
        _ = Word2Vec().wv


def test_corpus_of_only_unknown_words_on_refit():
    """Continuing on a corpus with none of the model's words is a clear error."""
    model = Word2Vec(**dict(SMALL, epochs=1)).fit(CORPUS)
    with pytest.raises(CorpusError, match="None of the corpus words"):
        model.fit([["zzz", "yyy"]])


def test_min_count_error_reaches_the_user():
    """fit on a corpus where no word reaches min_count says so and suggests a value."""
    with pytest.raises(CorpusError, match=r"min_count=50.*Try min_count="):
        Word2Vec(min_count=50).fit([["a", "b", "a"]] * 3)


def test_plan_batches_cuts_at_sentence_ends_and_splits_long_sentences():
    """Batches end at sentence ends near each multiple of batch_words; long ones are split."""
    ends = np.array([3, 7, 12, 40, 41], dtype=np.int64)
    cuts = plan_batches(ends, 41, 10).tolist()
    assert cuts[0] == 0 and cuts[-1] == 41
    assert 12 in cuts  # the sentence end right after 10
    assert 20 in cuts and 30 in cuts  # the 28-word sentence is cut every 10 words
    assert all(b - a <= 20 for a, b in zip(cuts, cuts[1:], strict=False))


def test_batch_seeds_are_distinct_and_nonzero():
    """Every (epoch, batch) gets its own nonzero seed."""
    seeds = {int(batch_seed(1, e, b)) for e in range(5) for b in range(200)}
    assert len(seeds) == 1000 and 0 not in seeds


def test_single_long_line_trains_every_word(tmp_path):
    """A corpus that is one long line is trained across all its batches."""
    words = [w for s in CORPUS for w in s]
    path = tmp_path / "one_line.txt"
    path.write_text(" ".join(words))
    model = Word2Vec(**dict(SMALL, epochs=3, batch_words=1000)).fit(path)
    assert model.read_stats.tokens == len(words)
    assert model.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"


def test_vectors_differ_from_initialisation_and_w_out_starts_at_zero():
    """W_in starts uniform in ±0.5/dim and W_out at zero; training moves both."""
    V = len(Word2Vec(**SMALL).fit(CORPUS).vocab)
    W_in, W_out = init_weights(TrainConfig(**dict(SMALL, epochs=1)), V)
    assert np.abs(W_in).max() <= 0.5 / 20 and np.abs(W_in).max() > 0.45 / 20
    assert not W_out.any()
    digest = hashlib.sha256(W_in.tobytes()).hexdigest()
    trained = Word2Vec(**dict(SMALL, epochs=1)).fit(CORPUS)
    assert hashlib.sha256(trained.W_in.tobytes()).hexdigest() != digest
    assert trained.W_out.any()


def test_undecodable_bytes_do_not_stop_training(tmp_path):
    """A corpus with invalid UTF-8 trains; the replaced bytes are counted in read_stats."""
    path = tmp_path / "mixed.txt"
    text = "\n".join(" ".join(s) for s in CORPUS[:400]).encode()
    path.write_bytes(text + b"\ncaf\xe9 twin_a \xff pre0\n")
    model = Word2Vec(**dict(SMALL, epochs=1)).fit(path)
    assert model.read_stats.replaced_bytes == 2
    assert "caf\ufffd" in model.vocab and "\ufffd" in model.vocab  # min_count=1 keeps them
    assert np.isfinite(model.loss_history[0])


@pytest.mark.parametrize("loss", ["ns", "hs"])
def test_weights_start_on_cache_lines_after_fit_update_vocab_and_resume(loss, tmp_path):
    """With dim a multiple of 16 every row of W_in and W_out starts on a 64-byte line (the
    kernels are 20-30 % faster than on NumPy's 16-byte offset), whichever way they were made,
    including a loaded model trained further."""
    params = dict(SMALL, dim=32, loss=loss, epochs=1)
    old = [[w for w in s if w != "twin_b"] for s in CORPUS]
    ckpt = tmp_path / "run.ckpt"
    model = Word2Vec(**params).fit(old, checkpoint=ckpt, checkpoint_every=500)
    made = {"fit": (model.W_in, model.W_out)}
    model.update_vocab(CORPUS)
    made["update_vocab"] = (model.W_in, model.W_out)
    loaded = load_checkpoint(ckpt)
    made["checkpoint"] = (loaded.W_in, loaded.W_out)
    model.save(tmp_path / "m.w2v")
    again = Word2Vec.load(tmp_path / "m.w2v").fit(CORPUS)  # continued training of a loaded model
    made["load + fit"] = (again.W_in, again.W_out)
    for how, matrices in made.items():
        for W in matrices:
            assert W.ctypes.data % 64 == 0 and W.flags["C_CONTIGUOUS"], how
            assert W.dtype == np.float32, how


def test_a_missing_corpus_path_fails_before_any_kernel_is_loaded(tmp_path, monkeypatch):
    """fit loads (on a first run: compiles) its kernels before reading; a typo in the path
    must not wait for that."""
    from w2v.engines.cpu import CpuEngine

    def no_kernels(self, config):
        raise AssertionError("load_kernels ran before the corpus path was checked")

    monkeypatch.setattr(CpuEngine, "prepare", no_kernels)
    with pytest.raises(CorpusNotFoundError, match="no-such-corpus.txt"):
        Word2Vec(**SMALL).fit(tmp_path / "no-such-corpus.txt")


def test_private_rows_cover_cbow_input_rows_but_not_skipgram_ones():
    """With 2 workers CBOW copies W_in's most frequent rows per thread; skip-gram does not
    (its vectors scored lower with them); one worker and softmax copy nothing. Skip-gram NS
    keeps 1,024 output rows synced after each batch only (HOT_PLAN: its vectors scored better
    so); the others 64, synced inside the batch."""
    from w2v.config import TrainConfig
    from w2v.engines.cpu import HOT_ROWS, SYNC_EVERY, hot_plan, hot_rows

    V = 5000
    cbow_ns = TrainConfig(arch="cbow", loss="ns")
    assert hot_rows(cbow_ns, V, V, 2) == (HOT_ROWS, 0, HOT_ROWS)
    assert hot_rows(TrainConfig(arch="cbow", loss="hs"), V, V - 1, 2) == (
        HOT_ROWS,
        V - 1 - HOT_ROWS,
        HOT_ROWS,
    )
    sg_ns = TrainConfig(arch="skipgram", loss="ns")
    assert hot_rows(sg_ns, V, V, 2) == (0, 0, 1024)
    assert hot_plan(sg_ns) == (1024, 0)
    assert hot_plan(cbow_ns) == (HOT_ROWS, SYNC_EVERY) == (64, 500)
    assert hot_rows(TrainConfig(arch="skipgram", loss="hs"), V, V - 1, 2) == (
        0,
        V - 1 - HOT_ROWS,
        HOT_ROWS,
    )
    assert hot_rows(cbow_ns, 10, 10, 2) == (10, 0, 10)  # a small vocabulary: all of it
    assert hot_rows(cbow_ns, V, V, 1) == (0, 0, 0)
    assert hot_rows(TrainConfig(arch="cbow", loss="softmax"), V, V, 2) == (0, 0, 0)
