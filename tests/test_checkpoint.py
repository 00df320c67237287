"""Checkpoints, resume, Ctrl-C, continued training, update_vocab, atomic saves, divergence."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import w2v._files as files
import w2v.archives as archives
import w2v.checkpoint as ckpt_io
import w2v.formats as formats
import w2v.native as native
from conftest import ROOT
from planted import twin_corpus
from w2v import ConfigError, CorpusError, KeyedVectors, NotFittedError, Word2Vec
from w2v.checkpoint import load_checkpoint, parse_every
from w2v.cli import main
from w2v.errors import FormatError, TrainingDivergedError, TrainingInterrupted
from w2v.schedule import batch_seed, plan_batches

CORPUS = twin_corpus(800)
PARAMS = dict(dim=16, min_count=1, epochs=3, workers=1, sample=1e-2, seed=3, batch_words=400)
EVERY = 1500  # words between checkpoints: several per epoch of this ~9k-word corpus


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in CORPUS) + "\n")
    return path


def _same(a: Word2Vec, b: Word2Vec) -> None:
    assert a.W_in is not None and b.W_in is not None
    assert a.W_in.tobytes() == b.W_in.tobytes()
    assert a.W_out is not None and b.W_out is not None
    assert a.W_out.tobytes() == b.W_out.tobytes()
    assert a.loss_history == b.loss_history
    assert a.epochs_trained == b.epochs_trained
    assert a.vocab is not None and b.vocab is not None and a.vocab.words == b.vocab.words


# -- checkpoint_every ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10min", (None, 600.0)),
        ("30s", (None, 30.0)),
        ("2h", (None, 7200.0)),
        (" 1.5 H ", (None, 5400.0)),
        (500_000, (500_000, None)),
        ("20000", (20_000, None)),
        ("20000words", (20_000, None)),
        (None, (None, None)),
    ],
)
def test_parse_every_accepts_times_and_word_counts(value, expected):
    """checkpoint_every is a time with a unit (s, min, h) or a number of words."""
    assert parse_every(value) == expected


@pytest.mark.parametrize("value", ["10 minutes", "soon", "", "0s", "-5", 0, -3, 1.5, True, "1.5"])
def test_parse_every_rejects_nonsense_with_one_line(value):
    """A bad interval is a ConfigError with one line that says what is accepted."""
    with pytest.raises(ConfigError, match="checkpoint_every") as info:
        parse_every(value)
    assert "\n" not in str(info.value)


def test_bad_checkpoint_every_fails_before_reading_the_corpus(tmp_path):
    """fit checks checkpoint_every first (the corpus path does not even exist)."""
    with pytest.raises(ConfigError, match="checkpoint_every='often'"):
        Word2Vec(**PARAMS).fit(tmp_path / "missing", checkpoint="c", checkpoint_every="often")


# -- resume: bit-identical after SIGKILL --------------------------------------------------------

# Trains in a subprocess, saving every EVERY words; after the third checkpoint it announces
# itself and sleeps, standing in for a long run that the parent then kills with SIGKILL.
_KILLED_RUN = """
import sys, time
import w2v.checkpoint as c
from w2v import Word2Vec
real, saves = c.save_checkpoint, []
def save(path, ck):
    real(path, ck)
    saves.append(ck.state.epoch)
    if len(saves) == 3:
        print("checkpoint", ck.state.epoch, ck.state.batch, flush=True)
        time.sleep(300)
c.save_checkpoint = save
params = eval(sys.argv[3])
Word2Vec(**params).fit(sys.argv[1], checkpoint=sys.argv[2], checkpoint_every=int(sys.argv[4]))
print("finished", flush=True)
"""


@pytest.mark.parametrize(("arch", "loss"), [("skipgram", "ns"), ("cbow", "hs")])
def test_resume_after_sigkill_is_bit_identical(arch, loss, corpus_file, tmp_path):
    """A fit killed mid-epoch and resumed from its checkpoint equals an uninterrupted fit."""
    params = dict(PARAMS, arch=arch, loss=loss, epochs=2)
    ckpt = tmp_path / "run.ckpt"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RUN, str(corpus_file), str(ckpt), repr(params), str(EVERY)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
    )
    with proc:
        try:
            line = proc.stdout.readline()  # type: ignore[union-attr]
        finally:
            proc.kill()  # SIGKILL: no chance to clean up or save again
    assert line.startswith("checkpoint"), line
    _, epoch, batch = line.split()
    n_batches = len(plan_batches(*_ends_and_words(corpus_file), params["batch_words"])) - 1
    assert 0 < int(batch) < n_batches  # killed mid-epoch
    state = load_checkpoint(ckpt).state
    assert (state.epoch, state.batch) == (int(epoch), int(batch))

    resumed = Word2Vec.resume(ckpt)  # the corpus path is recorded in the checkpoint
    uninterrupted = Word2Vec(**params).fit(corpus_file)
    _same(resumed, uninterrupted)
    assert len(resumed.loss_history) == 2


def _ends_and_words(path: Path) -> tuple[np.ndarray, int]:
    lengths = [len(line.split()) for line in path.read_text().splitlines() if line.split()]
    ends = np.cumsum(lengths)
    return ends, int(ends[-1])


def test_checkpointing_does_not_change_training_and_records_the_position(tmp_path):
    """Saving checkpoints leaves the result unchanged; the file records the schedule position."""
    plain = Word2Vec(**PARAMS).fit(CORPUS)
    path = tmp_path / "c.ckpt"
    seen = []
    real = ckpt_io.save_checkpoint

    def spy(path, ck):
        seen.append((ck.state.epoch, ck.state.batch, ck.state.word_position, ck.learning_rate))
        real(path, ck)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ckpt_io, "save_checkpoint", spy)
        checked = Word2Vec(**PARAMS).fit(CORPUS, checkpoint=path, checkpoint_every=EVERY)
    _same(plain, checked)
    assert len(seen) >= 3 * 4
    last = load_checkpoint(path)
    epoch, batch, pos, lr = seen[-1]
    assert (last.state.epoch, last.state.batch, last.state.word_position) == (epoch, batch, pos)
    n_words = int(last.corpus["n_words"])
    cfg = last.config
    total = cfg.epochs * n_words
    assert lr == pytest.approx(cfg.start_alpha - (cfg.start_alpha - cfg.end_alpha) * pos / total)
    assert last.next_batch_seed == int(batch_seed(cfg.seed, epoch, batch))
    assert last.state.history == plain.loss_history[:epoch]
    assert last.every == EVERY


def test_checkpoint_every_counts_words_across_epochs(tmp_path):
    """An interval longer than an epoch still saves (at an epoch boundary if need be)."""
    n_words = sum(map(len, CORPUS))
    seen = []
    real = ckpt_io.save_checkpoint

    def spy(path, ck):
        seen.append(ck.state.word_position)
        real(path, ck)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ckpt_io, "save_checkpoint", spy)
        params = dict(PARAMS, sample=0.0, batch_words=100_000)  # one batch per epoch
        Word2Vec(**params).fit(CORPUS, checkpoint=tmp_path / "c.ckpt", checkpoint_every=n_words)
    assert seen == [n_words, 2 * n_words]  # after epochs 1 and 2; none once training is done


def test_resume_after_max_vocab_size_pruning_is_bit_identical(tmp_path):
    """With max_vocab_size the encoded corpus depends on the pruning; resume redoes it."""
    corpus = [[*s, f"rare{i}"] for i, s in enumerate(CORPUS)]  # many one-off words to prune
    params = dict(PARAMS, max_vocab_size=60)
    ckpt = tmp_path / "c.ckpt"

    def interrupt(_model, epoch, _loss):
        if epoch == 0:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted):
        Word2Vec(**params).fit(corpus, checkpoint=ckpt, callbacks=[interrupt])
    _same(Word2Vec.resume(ckpt, corpus=corpus), Word2Vec(**params).fit(corpus))


def test_a_corpus_with_no_training_examples_is_an_error_not_random_vectors():
    """Every sentence one word long: no (input, target) pair, so fit refuses and stays unfitted."""
    model = Word2Vec(**dict(PARAMS, sample=0.0))
    with pytest.raises(CorpusError, match="No training examples"):
        model.fit([["alone"], ["single"], ["alone"]])
    assert not model.is_fitted


def test_checkpoint_every_time_interval_saves_and_resumes(tmp_path):
    """A time interval (here tiny) also gives resumable checkpoints."""
    ckpt = tmp_path / "t.ckpt"
    model = Word2Vec(**PARAMS).fit(CORPUS, checkpoint=ckpt, checkpoint_every="0.0001s")
    assert ckpt.exists()
    again = Word2Vec.resume(ckpt, corpus=CORPUS)
    _same(model, again)


def test_library_ctrl_c_writes_a_checkpoint_and_resume_finishes(tmp_path):
    """KeyboardInterrupt during fit(checkpoint=...) saves, raises TrainingInterrupted, resumes."""
    ckpt = tmp_path / "c.ckpt"

    def interrupt(_model, epoch, _loss):
        if epoch == 0:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted, match=r"epoch 2/3 .*c\.ckpt") as info:
        Word2Vec(**PARAMS).fit(
            CORPUS, checkpoint=ckpt, checkpoint_every=None, callbacks=[interrupt]
        )
    assert isinstance(info.value, KeyboardInterrupt)
    assert info.value.fraction == pytest.approx(1 / 3)
    _same(Word2Vec.resume(ckpt, corpus=CORPUS), Word2Vec(**PARAMS).fit(CORPUS))


def test_resume_refuses_another_corpus_and_needs_in_memory_corpora(tmp_path):
    """Resume checks the corpus digest and asks for an in-memory corpus it cannot reopen."""
    ckpt = tmp_path / "c.ckpt"
    Word2Vec(**dict(PARAMS, epochs=1)).fit(CORPUS, checkpoint=ckpt, checkpoint_every=EVERY)
    with pytest.raises(CorpusError, match="in-memory corpus .*corpus=") as info:
        Word2Vec.resume(ckpt)
    assert "\n" not in str(info.value)
    with pytest.raises(CorpusError, match="not the one this checkpoint was trained on"):
        Word2Vec.resume(ckpt, corpus=CORPUS[:-1])
    with pytest.raises(CorpusError, match="not the one this checkpoint was trained on"):
        Word2Vec.resume(ckpt, corpus=[list(reversed(s)) for s in CORPUS])


def test_resume_rejects_files_that_are_not_checkpoints(tmp_path):
    """A model file or garbage is a FormatError naming the path; a missing file is clear."""
    model = Word2Vec(**dict(PARAMS, epochs=1)).fit(CORPUS)
    model.save(tmp_path / "m.npz")
    with pytest.raises(Exception, match=r"m\.npz: not a w2v checkpoint"):
        Word2Vec.resume(tmp_path / "m.npz", corpus=CORPUS)
    with pytest.raises(FileNotFoundError, match="Checkpoint not found"):
        Word2Vec.resume(tmp_path / "nope.ckpt", corpus=CORPUS)


# -- the command line: Ctrl-C and w2v resume ------------------------------------------------

# Runs `w2v train` with a kernel slowed down after a few batches, so the parent can send
# SIGINT while training is surely under way.
_SLOW_CLI = """
import signal, sys, time
# A shell that starts a job in the background (as a CI runner may) leaves SIGINT ignored in
# it, and so in this child; a person's Ctrl-C in a terminal has Python's default handler.
signal.signal(signal.SIGINT, signal.default_int_handler)
import w2v.engines.cpu as t
from w2v.cli import main
real, calls = t.train_batch_skipgram, [0]
def slow(*args):
    calls[0] += 1
    if calls[0] == 4:
        print("training", flush=True)
    if calls[0] >= 4:
        time.sleep(0.05)
    return real(*args)
t.train_batch_skipgram = slow
sys.exit(main(sys.argv[1:]))
"""

CLI_ARGS = ["--dim", "16", "--min-count", "1", "--epochs", "2", "--workers", "1"]
CLI_ARGS += ["--sample", "0.01", "--batch-words", "400", "--no-progress"]
CLI_ARGS += ["--no-minibatch"]  # _SLOW_CLI slows the per-pair kernel down


def _interrupted_train(corpus_file: Path, out: Path, sig: int) -> tuple[subprocess.Popen, str]:
    """Run `w2v train` slowly in a child, send it ``sig`` once it trains; (process, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_CLI, "train", str(corpus_file), "-o", str(out), *CLI_ARGS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
    )
    with proc:
        try:
            assert proc.stdout.readline() == "training\n"  # type: ignore[union-attr]
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    return proc, err


def test_cli_ctrl_c_saves_prints_resume_command_and_exits_130(corpus_file, tmp_path, capsys):
    """SIGINT during `w2v train` writes OUT.ckpt, prints the resume command, exits 130."""
    out = tmp_path / "v.bin"
    proc, err = _interrupted_train(corpus_file, out, signal.SIGINT)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 or "epoch 1/2" in lines[0]  # at most the epoch line came first
    last = lines[-1]
    ckpt = f"{out}.ckpt"
    assert last.startswith("w2v: interrupted in epoch ") and f"saved to {ckpt}" in last
    assert not out.exists()
    command = last.split("Resume with: ", 1)[1]
    argv = shlex.split(command)
    assert argv[:3] == ["w2v", "resume", ckpt]

    assert main(argv[1:]) == 0
    assert "wrote" in capsys.readouterr().err
    ref = tmp_path / "ref.bin"
    assert main(["train", str(corpus_file), "-o", str(ref), *CLI_ARGS]) == 0
    assert out.read_bytes() == ref.read_bytes()  # workers=1: bit-identical vectors file


def test_cli_sigterm_saves_prints_resume_command_and_exits_143(corpus_file, tmp_path, capsys):
    """SIGTERM (a scheduler, `timeout`) during `w2v train` is Ctrl-C: checkpoint, resume, 143."""
    out = tmp_path / "v.txt"
    proc, err = _interrupted_train(corpus_file, out, signal.SIGTERM)
    assert proc.returncode == 143, err
    last = err.strip().splitlines()[-1]
    ckpt = f"{out}.ckpt"
    assert last.startswith("w2v: interrupted by SIGTERM in epoch ") and f"saved to {ckpt}" in last
    assert not out.exists()
    argv = shlex.split(last.split("Resume with: ", 1)[1])
    assert argv[:3] == ["w2v", "resume", ckpt]
    assert main(argv[1:]) == 0
    ref = tmp_path / "ref.txt"
    assert main(["train", str(corpus_file), "-o", str(ref), *CLI_ARGS]) == 0
    assert out.read_bytes() == ref.read_bytes()  # workers=1: bit-identical vectors file


def test_cli_restores_the_sigterm_handler_after_training(corpus_file, tmp_path):
    """`w2v train` handles SIGTERM only while it runs: the caller's handler is put back."""
    before = signal.getsignal(signal.SIGTERM)
    assert main(["train", str(corpus_file), "-o", str(tmp_path / "v.bin"), *CLI_ARGS]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_cli_checkpoint_flags_and_bad_interval(corpus_file, tmp_path, capsys):
    """--checkpoint/--checkpoint-every write a checkpoint; a bad interval is one line, exit 2."""
    out, ckpt = tmp_path / "v.txt", tmp_path / "my.ckpt"
    argv = ["train", str(corpus_file), "-o", str(out), "--checkpoint", str(ckpt), *CLI_ARGS]
    assert main([*argv, "--checkpoint-every", "2000"]) == 0
    assert load_checkpoint(ckpt).every == 2000
    capsys.readouterr()
    assert main([*argv, "--checkpoint-every", "whenever"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("w2v: error: checkpoint_every='whenever'") and err.count("\n") == 1


# -- continued training and update_vocab ----------------------------------------------------


def test_fit_on_a_fitted_model_continues_from_its_vectors():
    """A second fit starts from the trained vectors: its first epoch's loss is already low."""
    model = Word2Vec(**PARAMS, minibatch=False).fit(CORPUS)  # thresholds set on per-pair
    first = list(model.loss_history)
    model.fit(CORPUS)
    assert model.epochs_trained == 6 and model.loss_history[:3] == first
    assert model.loss_history[3] < first[0] - 0.05
    assert model.loss_history[3] < first[1]


@pytest.mark.parametrize("loss", ["ns", "hs"])
def test_update_vocab_adds_new_words_that_then_train(loss, tmp_path):
    """A word first seen in a new corpus gets a row, trains, and finds its planted twin."""
    old_corpus = [[w for w in s if w != "twin_b"] for s in twin_corpus(1500)]
    params = dict(PARAMS, loss=loss, epochs=5)
    model = Word2Vec(**params).fit(old_corpus)
    assert model.vocab is not None and model.W_in is not None
    old_words, old_counts = list(model.vocab.words), model.vocab.counts.copy()
    old_rows = model.W_in.copy()
    assert "twin_b" not in model.vocab

    new_corpus = twin_corpus(1500, seed=1)
    assert model.update_vocab(new_corpus) is model
    vocab = model.vocab
    assert vocab.words[: len(old_words)] == old_words  # old ids unchanged
    assert vocab.words[len(old_words) :] == ["twin_b"]
    b = vocab.index["twin_b"]
    assert vocab.counts[b] == sum(s.count("twin_b") for s in new_corpus)
    a = vocab.index["twin_a"]
    assert vocab.counts[a] == old_counts[a] + sum(s.count("twin_a") for s in new_corpus)
    assert model.W_in.shape == (len(vocab), params["dim"])
    np.testing.assert_array_equal(model.W_in[: len(old_words)], old_rows)
    init = model.W_in[b].copy()
    assert np.all(np.abs(init) <= 0.5 / params["dim"]) and np.any(init != 0)
    assert model.W_out is not None
    assert model.W_out.shape[0] == (len(vocab) - 1 if loss == "hs" else len(vocab))
    assert not model.W_out[-1].any()

    model.fit(new_corpus)
    assert np.linalg.norm(model.W_in[b] - init) > 10 * np.linalg.norm(init)
    assert model.wv.most_similar("twin_b", topn=1)[0][0] == "twin_a"
    assert model.wv.similarity("twin_a", "twin_b") > 0.8

    # new words sit after the old ones, so counts are no longer sorted: save and load still work
    model.save(tmp_path / "updated.npz")
    loaded = Word2Vec.load(tmp_path / "updated.npz")
    assert loaded.vocab is not None and loaded.vocab.words == vocab.words
    np.testing.assert_array_equal(loaded.W_in, model.W_in)


def test_update_vocab_respects_min_count_and_needs_a_fitted_model():
    """Words below min_count in the new corpus are not added; an unfitted model refuses."""
    model = Word2Vec(**dict(PARAMS, min_count=3, epochs=1)).fit(CORPUS)
    size = len(model.vocab)  # type: ignore[arg-type]
    model.update_vocab([["rare", "often", "often", "often"]])
    assert model.vocab is not None and model.vocab.words[size:] == ["often"]
    with pytest.raises(NotFittedError, match="update_vocab"):
        Word2Vec().update_vocab(CORPUS)


# -- atomic saves: a write that fails half-way keeps the previous file ------------------------


class _FullDisk:
    """A file wrapper that raises ENOSPC once ``budget`` bytes have been written."""

    def __init__(self, fh, budget: int) -> None:
        self._fh, self._left = fh, budget

    def write(self, data) -> int:
        n = len(memoryview(data).cast("B"))
        if n > self._left:
            self._fh.write(bytes(memoryview(data).cast("B")[: self._left]))
            raise OSError(errno.ENOSPC, "No space left on device")
        self._left -= n
        return self._fh.write(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)


def _fail_half_way(monkeypatch: pytest.MonkeyPatch, budget: int) -> None:
    real = files.atomic_write

    @contextlib.contextmanager
    def failing(path) -> Iterator[_FullDisk]:
        with real(path) as fh:
            yield _FullDisk(fh, budget)

    for module in (formats, archives):  # archives.save_npz writes models and checkpoints
        monkeypatch.setattr(module, "atomic_write", failing)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def _savers(model: Word2Vec, other: Word2Vec):
    kv_other = KeyedVectors(other.wv.words, other.wv.vectors)
    return {
        "model.npz": lambda p: other.save(p),
        "vectors.txt": lambda p: kv_other.save_word2vec_format(p, binary=False),
        "vectors.bin": lambda p: kv_other.save_word2vec_format(p, binary=True),
        "run.ckpt": lambda p: other.fit(CORPUS, checkpoint=p, checkpoint_every=EVERY),
    }


@pytest.mark.parametrize("name", ["model.npz", "vectors.txt", "vectors.bin", "run.ckpt"])
def test_save_failing_half_way_keeps_the_previous_file(name, tmp_path, monkeypatch):
    """ENOSPC half-way through a save leaves the old file byte-identical and no temp file."""
    first = Word2Vec(**dict(PARAMS, epochs=1)).fit(CORPUS)
    second = Word2Vec(**dict(PARAMS, epochs=1, seed=9)).fit(CORPUS)
    path = tmp_path / name
    _savers(first, first)[name](path)
    before = _snapshot(tmp_path)
    size = path.stat().st_size
    _fail_half_way(monkeypatch, size // 2)
    with pytest.raises(OSError, match="No space left"):
        _savers(first, second)[name](path)
    assert _snapshot(tmp_path) == before


def test_native_save_failing_half_way_keeps_the_previous_folder(tmp_path, monkeypatch):
    """A native save that fails after writing some files leaves the old folder intact."""
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "vectors.kv"
    kv.save(path)
    before = _snapshot(tmp_path)

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full_disk)  # meta.json, after vectors and words
    with pytest.raises(OSError, match="No space left"):
        KeyedVectors(["c"], np.ones((1, 2), np.float32)).save(path)
    assert _snapshot(tmp_path) == before
    monkeypatch.undo()

    real_replace, calls = os.replace, []

    def replace_fails_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # moving the new folder in
            raise OSError(errno.EIO, "I/O error")
        return real_replace(src, dst)

    monkeypatch.setattr(native.os, "replace", replace_fails_second)
    with pytest.raises(OSError, match="I/O error"):
        KeyedVectors(["c"], np.ones((1, 2), np.float32)).save(path)
    monkeypatch.undo()
    assert _snapshot(tmp_path) == before


def test_saved_files_get_normal_permissions(tmp_path):
    """Atomic saves do not leave mkstemp's private 0600 mode on the new file."""
    umask = os.umask(0o022)
    try:
        kv = KeyedVectors(["a"], np.ones((1, 2), np.float32))
        kv.save_word2vec_format(tmp_path / "v.bin")
        assert (tmp_path / "v.bin").stat().st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "v.bin", 0o600)
        kv.save_word2vec_format(tmp_path / "v.bin")  # replacing keeps the file's mode
        assert (tmp_path / "v.bin").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


# -- divergence ------------------------------------------------------------------------------


def test_divergence_leaves_no_nan_vectors(tmp_path):
    """alpha=1e6: the error names alpha; the model is not fitted, so nothing NaN is saved."""
    model = Word2Vec(**dict(PARAMS, alpha=1e6))
    with pytest.raises(TrainingDivergedError, match=r"alpha=1000000.0 is too high"):
        model.fit(CORPUS, checkpoint=tmp_path / "c.ckpt", checkpoint_every=400)
    assert not model.is_fitted
    with pytest.raises(NotFittedError):
        model.save(tmp_path / "m.npz")
    for p in tmp_path.iterdir():  # any checkpoint written before the NaNs is finite
        ck = load_checkpoint(p)
        assert np.isfinite(ck.W_in).all() and np.isfinite(ck.W_out).all()


def test_divergence_in_continued_training_restores_the_weights():
    """A continued fit that diverges gives the model its weights from before that fit back."""
    model = Word2Vec(**dict(PARAMS, epochs=1)).fit(CORPUS)
    assert model.W_in is not None
    before = model.W_in.copy()
    model.config = model.config.replace(alpha=1e6)
    with pytest.raises(TrainingDivergedError, match="alpha="):
        model.fit(CORPUS)
    assert model.W_in.tobytes() == before.tobytes() and model.epochs_trained == 1


def test_cli_divergence_is_one_line_and_writes_nothing(corpus_file, tmp_path, capsys):
    """`w2v train --alpha 1e6` exits 2 with one line naming alpha and writes no vectors."""
    out = tmp_path / "v.bin"
    assert main(["train", str(corpus_file), "-o", str(out), "--alpha", "1e6", *CLI_ARGS]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "alpha=1000000.0" in err
    assert not out.exists()


def test_cli_full_disk_is_one_line_and_keeps_the_previous_checkpoint(
    corpus_file, tmp_path, capsys, monkeypatch
):
    """A checkpoint write that hits ENOSPC: exit 1, one line naming the file, old file intact."""
    ckpt = tmp_path / "run.ckpt"
    ckpt.write_bytes(b"previous checkpoint")
    _fail_half_way(monkeypatch, 1000)
    args = ["train", str(corpus_file), "-o", str(tmp_path / "v.bin"), "--checkpoint", str(ckpt)]
    assert main([*args, "--checkpoint-every", "200", *CLI_ARGS]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "No space left on device" in err and str(ckpt) in err
    assert ckpt.read_bytes() == b"previous checkpoint"


def _full_folder(monkeypatch: pytest.MonkeyPatch, full: Path) -> None:
    """Saves into the folder ``full`` hit ENOSPC after 100 bytes; saves elsewhere succeed."""
    real = files.atomic_write

    @contextlib.contextmanager
    def failing(path) -> Iterator[object]:
        with real(path) as fh:
            yield _FullDisk(fh, 100) if Path(path).parent == full else fh

    for module in (formats, archives):
        monkeypatch.setattr(module, "atomic_write", failing)


def test_cli_full_disk_at_the_end_keeps_the_trained_vectors_and_model(
    corpus_file, tmp_path, capsys, monkeypatch
):
    """ENOSPC writing the final files: each is saved where there is room, with the `mv`."""
    full, room = tmp_path / "full", tmp_path / "room"
    full.mkdir()
    room.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(room))  # the first folder tried instead
    _full_folder(monkeypatch, full)
    out, saved = full / "v.bin", full / "m.npz"
    argv = ["train", str(corpus_file), "-o", str(out), "--save-model", str(saved), *CLI_ARGS]
    assert main(argv) == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if not x.startswith("epoch ")]
    assert len(lines) == 2, lines
    for line, what, path in zip(lines, ("the vectors", "the model"), (out, saved), strict=True):
        assert line.startswith(f"w2v: error: cannot write {what} to {path}: No space left")
        needs = int(line.split("it needs ", 1)[1].split(" bytes")[0].replace(",", ""))
        mv = shlex.split(line.split("then: ", 1)[1])
        assert mv[0] == "mv" and mv[2] == str(path) and Path(mv[1]).parent == room
        assert needs == Path(mv[1]).stat().st_size
        os.replace(mv[1], mv[2])
    ref, ref_model = tmp_path / "ref.bin", tmp_path / "ref.npz"
    assert main(["train", str(corpus_file), "-o", str(ref), "--save-model", str(ref_model)]
                + CLI_ARGS) == 0  # fmt: skip
    assert out.read_bytes() == ref.read_bytes()  # workers=1: the very vectors trained
    _same(Word2Vec.load(saved), Word2Vec.load(ref_model))


def test_cli_full_disk_everywhere_says_nothing_was_kept(corpus_file, tmp_path, capsys, monkeypatch):
    """With no folder that has room, one line says what failed, the bytes needed, exit 1."""
    full = tmp_path / "full"
    full.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(full))
    monkeypatch.setenv("HOME", str(full))
    monkeypatch.chdir(full)
    _full_folder(monkeypatch, full)
    out = full / "v.txt"
    assert main(["train", str(corpus_file), "-o", str(out), *CLI_ARGS]) == 1
    lines = [x for x in capsys.readouterr().err.splitlines() if not x.startswith("epoch ")]
    assert len(lines) == 1, lines
    err = lines[0]
    assert f"cannot write the vectors to {out}: No space left" in err
    assert "it needs at least " in err and "nothing was kept" in err
    assert sorted(p.name for p in full.iterdir()) == []


def test_a_full_temporary_folder_names_it_not_numpy_byte_counts(monkeypatch):
    """ENOSPC while encoding the corpus: the errno and the folder, not "N requested and M
    written" (ndarray.tofile's message)."""
    import w2v.vocab as vocab

    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    monkeypatch.setattr(vocab, "_temp_file", lambda tmp_dir: open("/dev/full", "w+b"))
    big = [[f"w{i % 5000}" for i in range(j, j + 50)] for j in range(0, 2_000_000, 50)]
    with pytest.raises(OSError) as info:
        vocab.build_vocab_and_encode(big, 1, tmp_dir="/the/tmp")
    assert info.value.errno == errno.ENOSPC and info.value.filename == "/the/tmp"
    assert "temporary encoded corpus" in info.value.strerror and "tmp_dir" in info.value.strerror


# -- words that do not fit a line; damaged checkpoints -----------------------------------------

ODD = [["a\nb", "c", "\udcff", "d\r"]] * 10 + [["c", "d\r", "a\nb"]] * 5


def test_model_and_checkpoint_keep_words_with_newlines_and_surrogates(tmp_path):
    """Any token saves and loads: a newline or a lone surrogate in a word is no separator."""
    ckpt = tmp_path / "c.ckpt"
    model = Word2Vec(min_count=1, dim=4, epochs=2, workers=1, batch_words=20, sample=0.0).fit(
        ODD, checkpoint=ckpt, checkpoint_every=30
    )
    model.save(tmp_path / "t.model")
    loaded = Word2Vec.load(tmp_path / "t.model")
    assert loaded.vocab.words == model.vocab.words and len(model.vocab.words) == 4
    assert loaded.W_in.tobytes() == model.W_in.tobytes()
    assert load_checkpoint(ckpt).vocab.words == model.vocab.words


def test_model_files_of_version_1_still_load(tmp_path):
    """A model saved before version 2 (words joined by newlines) loads unchanged."""
    model = Word2Vec(**dict(PARAMS, epochs=1)).fit(CORPUS)
    meta = {
        "format": "w2v-model",
        "version": 1,
        "config": model.config.to_dict(),
        "loss_history": model.loss_history,
        "epochs_trained": model.epochs_trained,
    }
    path = tmp_path / "old.model"

    def write() -> None:
        with open(path, "wb") as fh:
            np.savez(
                fh,
                meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
                words=np.frombuffer("\n".join(model.vocab.words).encode(), np.uint8),
                counts=model.vocab.counts,
                W_in=model.W_in,
                W_out=model.W_out,
            )

    write()
    _same(Word2Vec.load(path), model)
    meta["version"] = 3
    write()
    with pytest.raises(FormatError, match="version 3; this w2v reads versions 1 to 2"):
        Word2Vec.load(path)


def test_a_text_file_as_checkpoint_is_one_clear_line(corpus_file, tmp_path, capsys):
    """No numpy 'allow_pickle' message: the strict loader says what the file is not."""
    with pytest.raises(FormatError, match=r"corpus\.txt: not a w2v checkpoint") as info:
        load_checkpoint(corpus_file)
    assert "pickle" not in str(info.value)
    assert main(["resume", str(corpus_file), "-o", str(tmp_path / "x.bin")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a w2v checkpoint" in err and "pickle" not in err
    with pytest.raises(FormatError, match="is a folder, not a checkpoint"):
        load_checkpoint(tmp_path)


def _damaged(src: Path, dst: Path, **changes: np.ndarray) -> Path:
    with np.load(src) as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update(changes)
    with open(dst, "wb") as fh:
        np.savez(fh, **arrays)
    return dst


@pytest.fixture(scope="module")
def hs_checkpoint(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hs") / "hs.ckpt"
    Word2Vec(**dict(PARAMS, epochs=1, loss="hs")).fit(
        CORPUS, checkpoint=path, checkpoint_every=EVERY
    )
    return path


def _damages(z) -> dict[str, tuple[dict[str, np.ndarray], str]]:
    points, lengths = z["points"].copy(), z["lengths"].copy()
    V = len(lengths)
    far, negative, long = points.copy(), points.copy(), lengths.copy()
    far[0, 0] = V - 1  # W_out has V - 1 rows: one past the last
    negative[3, 0] = -1
    long[1] = points.shape[1] + 1
    offsets = z["word_offsets"].copy()
    offsets[-1] += 1
    return {
        "W_out rows": ({"W_out": z["W_out"][:-1]}, "disagree in size"),
        "W_out dim": ({"W_out": z["W_out"][:, :-1]}, "disagree in size"),
        "W_in dtype": ({"W_in": z["W_in"].astype(np.float64)}, "member W_in.npy: expected"),
        "point past W_out": ({"points": far}, "outside the"),
        "negative point": ({"points": negative}, "outside the"),
        "length too long": ({"lengths": long}, "code length is outside"),
        "codes shape": ({"codes": z["codes"][:-1]}, "Huffman arrays do not fit"),
        "points dtype": ({"points": points.astype(np.int64)}, "member points.npy"),
        "counts": ({"counts": z["counts"][:-1]}, "disagree in size"),
        "batch_n": ({"batch_n": z["batch_n"][:-1]}, "position is damaged"),
        "offsets": ({"word_offsets": offsets}, "word offsets are damaged"),
    }


DAMAGES = [
    "W_out rows",
    "W_out dim",
    "W_in dtype",
    "point past W_out",
    "negative point",
    "length too long",
    "codes shape",
    "points dtype",
    "counts",
    "batch_n",
    "offsets",
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_checkpoint_arrays_are_refused(damage, hs_checkpoint, tmp_path):
    """Every array is checked against the vocabulary before the (unchecked) kernels see it."""
    load_checkpoint(hs_checkpoint)  # the undamaged file loads
    with np.load(hs_checkpoint) as z:
        changes, message = _damages(z)[damage]
    bad = _damaged(hs_checkpoint, tmp_path / "bad.ckpt", **changes)
    with pytest.raises(FormatError, match=message) as info:
        load_checkpoint(bad)
    assert str(bad) in str(info.value) and "\n" not in str(info.value)


def test_a_checkpoint_without_its_huffman_tree_is_refused(hs_checkpoint, tmp_path):
    with np.load(hs_checkpoint) as z:
        arrays = {k: z[k] for k in z.files if k != "points"}
    with open(tmp_path / "bad.ckpt", "wb") as fh:
        np.savez(fh, **arrays)
    with pytest.raises(FormatError, match="lacks its Huffman tree"):
        load_checkpoint(tmp_path / "bad.ckpt")


def test_ctrl_c_while_the_workers_start_saves_a_consistent_state(tmp_path, monkeypatch):
    """Ctrl-C that lands while a worker thread is being started (start() returned in the
    thread, not yet in the caller) saves "nothing trained yet", and no batch runs afterwards:
    the resumed fit equals an uninterrupted one."""
    import threading
    import time

    import w2v.engines.cpu as cpu

    class InterruptedStart(threading.Thread):
        def start(self) -> None:
            super().start()
            time.sleep(0.2)  # what a loaded machine does between the two
            raise KeyboardInterrupt

    monkeypatch.setattr(cpu.threading, "Thread", InterruptedStart)
    path = tmp_path / "run.ckpt"
    with pytest.raises(TrainingInterrupted):
        Word2Vec(**PARAMS).fit(CORPUS, checkpoint=path, checkpoint_every=None)
    monkeypatch.undo()
    time.sleep(0.3)  # a worker let loose would train (and count) batches by now
    ck = load_checkpoint(path)
    assert (ck.state.epoch, ck.state.batch, int(ck.state.batch_n.sum())) == (0, 0, 0)
    _same(Word2Vec.resume(path, CORPUS), Word2Vec(**PARAMS).fit(CORPUS))
