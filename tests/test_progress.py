"""No long silence: read-pass progress, the first compile announced, `w2v` logging, evaluate
progress, and the final progress line printed once."""

from __future__ import annotations

import logging
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tqdm import tqdm

import w2v._progress as _progress
import w2v.engines.cpu as cpu
import w2v.model as model_module
from conftest import ROOT
from w2v import Word2Vec
from w2v.cli import main
from w2v.synthetic import generate_corpus

PARAMS = dict(dim=8, min_count=1, epochs=2, workers=1, seed=1)


@pytest.fixture(autouse=True)
def _no_quiet_time(monkeypatch):
    """Bars show from the start (by default a pass shorter than a second prints nothing)."""
    monkeypatch.setattr(_progress, "QUIET_SECONDS", 0.0)


@pytest.fixture(scope="module")
def corpus_text() -> str:
    """About 1.6 MB of generated text: more than one read block (1 MiB)."""
    return "\n".join(" ".join(s) for s in generate_corpus(30_000, seed=2)) + "\n"


def _bar_lines(err: str, marker: str) -> list[str]:
    """The states of the progress bar whose lines contain ``marker``, as they were drawn."""
    return [x for x in err.replace("\r", "\n").splitlines() if marker in x and x.strip()]


@pytest.mark.parametrize("name", ["corpus.txt", "corpus.txt.xz"])
def test_read_pass_shows_bytes_words_and_time_left(name, corpus_text, tmp_path, capsys):
    """Counting a corpus file shows its bytes read out of its size on disk (compressed size for
    .xz), the words so far and the time left, ending at 100% with the corpus's word count."""
    path = tmp_path / name
    data = corpus_text.encode()
    path.write_bytes(lzma.compress(data) if name.endswith(".xz") else data)
    model = Word2Vec(**PARAMS).fit(path, progress=True)
    lines = _bar_lines(capsys.readouterr().err, "reading corpus")
    assert lines, "no read progress"
    words = f"{model.read_stats.tokens:,} words"
    final = lines[-1]
    assert final.startswith("reading corpus: 100%") and words in final, final
    size = path.stat().st_size
    assert model.read_stats.bytes_read == size
    assert "<00:00" in final  # elapsed<remaining: the time left


def test_read_pass_of_token_lists_counts_words_and_is_silent_without_progress(capsys):
    """An in-memory corpus has no size: its words are counted. progress=False prints nothing."""
    sentences = generate_corpus(3000, seed=1)
    Word2Vec(**PARAMS).fit(sentences, progress=False)
    assert capsys.readouterr().err == ""
    Word2Vec(**PARAMS).fit(sentences, progress=True)
    lines = _bar_lines(capsys.readouterr().err, "reading corpus")
    n_words = tqdm.format_sizeof(sum(map(len, sentences)))  # e.g. 24.5k
    assert lines and lines[-1].startswith(f"reading corpus: {n_words}w ")


def test_a_cold_kernel_cache_is_announced(monkeypatch, capsys, caplog):
    """When the kernels must be compiled, fit says so first: on stderr with progress on a
    terminal, and as an INFO record of the 'w2v' logger; with a warm cache it says nothing of
    the kind."""
    sentences = generate_corpus(2000, seed=1)
    monkeypatch.setattr(model_module, "on_terminal", lambda: True)
    monkeypatch.setattr(cpu, "kernels_cached", lambda config: False)
    with caplog.at_level(logging.INFO, logger="w2v"):
        Word2Vec(**PARAMS).fit(sentences, progress=True)
    err = capsys.readouterr().err
    assert err.startswith("w2v: compiling the training kernels (first run only")
    assert any("compiling the training kernels" in r.getMessage() for r in caplog.records)
    caplog.clear()
    Word2Vec(**PARAMS).fit(sentences, progress=False)
    assert "compiling" not in capsys.readouterr().err
    monkeypatch.setattr(cpu, "kernels_cached", lambda config: True)
    with caplog.at_level(logging.INFO, logger="w2v"):
        Word2Vec(**PARAMS).fit(sentences, progress=True)
    assert "compiling" not in capsys.readouterr().err
    assert not any("compiling" in r.getMessage() for r in caplog.records)


def test_kernels_cached_reads_numbas_cache_index(tmp_path):
    """In a fresh process with an empty cache folder the kernels are not cached; once a fit has
    run in this process they are."""
    code = (
        "from w2v.config import TrainConfig; from w2v.engines.cpu import kernels_cached; "
        "print(kernels_cached(TrainConfig(workers=2)))"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NUMBA_CACHE_DIR=str(tmp_path))
    env.pop("NUMBA_DISABLE_JIT", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    model = Word2Vec(**PARAMS).fit(generate_corpus(500, seed=1), progress=False)
    assert cpu.kernels_cached(model.config)


def test_the_library_logs_vocabulary_epochs_loss_and_speed(caplog):
    """Logger 'w2v' gets INFO records for the vocabulary, each epoch (loss, words/s) and the
    end; the library adds no handler of its own."""
    sentences = generate_corpus(3000, seed=1)
    with caplog.at_level(logging.INFO, logger="w2v"):
        model = Word2Vec(**PARAMS).fit(sentences, progress=False)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("w2v")]
    vocab = [m for m in messages if m.startswith("read ")]
    assert len(vocab) == 1 and f"{len(model.wv):,} words in the vocabulary" in vocab[0]
    epochs = [m for m in messages if m.startswith("epoch ")]
    assert len(epochs) == 2
    for k, (line, loss) in enumerate(zip(epochs, model.loss_history, strict=True), start=1):
        assert line.startswith(f"epoch {k}/2: mean loss {loss:.5f}") and "words/s" in line
    assert messages[-1].startswith("trained 2 epoch(s) in ")
    assert logging.getLogger("w2v").handlers == []


def test_the_final_training_progress_line_prints_once(corpus_text, tmp_path, capsys):
    """`w2v train` draws the finished training bar once, not again after the last epoch line."""
    path = tmp_path / "corpus.txt"
    path.write_text(corpus_text)
    out = tmp_path / "v.txt"
    argv = ["train", str(path), "-o", str(out), "--dim", "8", "--epochs", "2", "--workers", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    finished = [x for x in _bar_lines(err, "loss") if x.lstrip().startswith("100%")]
    assert len(finished) == 1, finished
    assert err.index(finished[0]) < err.index("epoch 2/2: mean loss")


@pytest.mark.parametrize("flag", [[], ["--no-progress"]])
def test_evaluate_shows_progress(flag, tmp_path, capsys):
    """`w2v evaluate --analogies` shows the questions answered on stderr (not with
    --no-progress); the results on stdout are the same either way."""
    sentences = generate_corpus(3000, seed=1)
    model = Word2Vec(**PARAMS).fit(sentences, progress=False)
    vectors = tmp_path / "v.txt"
    model.wv.save_word2vec_format(vectors, binary=False)
    from w2v.synthetic import analogy_questions

    questions = tmp_path / "q.txt"
    questions.write_text("\n".join(analogy_questions()) + "\n")
    assert main(["evaluate", str(vectors), "--analogies", str(questions), *flag]) == 0
    captured = capsys.readouterr()
    lines = _bar_lines(captured.err, "analogies:")
    if flag:
        assert lines == []
    else:
        assert lines and lines[-1].startswith("analogies: 100%") and "604/604" in lines[-1]
    assert "total" in captured.out


def test_progress_is_off_when_stderr_is_no_terminal_by_default(tmp_path: Path, capsys):
    """fit(progress=None) shows nothing when stderr is not a terminal (as under pytest)."""
    Word2Vec(**PARAMS).fit(generate_corpus(500, seed=1))
    assert capsys.readouterr().err == ""


def test_short_passes_print_no_bar(monkeypatch, tmp_path, capsys):
    """By default a read pass or an evaluation shorter than QUIET_SECONDS prints nothing, so a
    user error after a quick read is still the only line on stderr."""
    monkeypatch.setattr(_progress, "QUIET_SECONDS", 60.0)
    path = tmp_path / "c.txt"
    path.write_text("a b c\n" * 50)
    argv = ["train", str(path), "-o", str(tmp_path / "v.bin"), "--min-count", "1000"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("w2v: error: No word reaches min_count=1000") and err.count("\n") == 1
