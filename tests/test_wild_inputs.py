"""Corpora from the wild: each gives a correct result or a one-line error, never a hang.

Empty and whitespace-only files, a 50-million-character line, a 50-million-character token,
mixed encodings, folders holding images, bytecode, subfolders, link loops and FIFOs, a FIFO
or a missing or unreadable path. Library calls raise a ``w2v.errors`` exception with one
line; the command line prints that line and exits with status 2.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v import corpus as corpus_module
from w2v.cli import main
from w2v.corpus import MAX_TOKEN_CHARS, ReadStats
from w2v.errors import CorpusError, CorpusNotFoundError
from w2v.vocab import build_vocab_and_encode

pytestmark = pytest.mark.timeout(60)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def count(path, min_count=1, **kwargs):
    """(word -> count, stats, encoded sentence lengths) of a corpus."""
    stats = ReadStats()
    vocab, enc = build_vocab_and_encode(path, min_count, stats=stats, **kwargs)
    try:
        lengths = np.diff(np.concatenate(([0], enc.sentence_ends))).tolist()
        return dict(zip(vocab.words, vocab.counts.tolist(), strict=True)), stats, lengths
    finally:
        enc.close()


def cli_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the CLI, assert exit status 2 and a single stderr line; return that line."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("w2v: error: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "content", [b"", b"\n\n\n", b"  \t \r\n \x0b\x0c\n   "], ids=["empty", "empty-lines", "spaces"]
)
def test_files_without_words(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes):
    """An empty, empty-lines-only or whitespace-only file: 'no words', from fit and the CLI."""
    path = tmp_path / "c.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=r"contains no words .*c.txt"):
        w2v.Word2Vec(min_count=1).fit(path, progress=False)
    err = cli_error(capsys, ["train", str(path), "-o", str(tmp_path / "v.bin")])
    assert "contains no words" in err
    cli_error(capsys, ["vocab", str(path), "-o", str(tmp_path / "vocab.txt")])


def test_empty_lines_between_sentences_are_ignored(tmp_path: Path):
    """Blank and whitespace lines separate nothing: only non-empty sentences are encoded."""
    path = tmp_path / "c.txt"
    path.write_bytes(b"\n\na b\n \t\n\r\nb c a\n\n")
    counts, stats, lengths = count(path)
    assert counts == {"a": 2, "b": 2, "c": 1}
    assert lengths == [2, 3] and stats.sentences == 2


def test_a_single_50_million_character_line(tmp_path: Path):
    """One 50,000,000-character line of 10M words is counted exactly as one sentence."""
    words = " ".join(f"w{i % 100}" for i in range(100_000)) + " "  # 490,000 characters
    repeats = 50_000_000 // len(words) + 1
    path = tmp_path / "line.txt"
    path.write_text(words * repeats)
    assert path.stat().st_size >= 50_000_000
    counts, stats, lengths = count(path)
    assert counts == {f"w{i}": 1000 * repeats for i in range(100)}
    assert lengths == [100_000 * repeats] and stats.sentences == 1
    assert stats.truncated_tokens == 0


def test_a_single_50_million_character_token(tmp_path: Path):
    """A 50,000,000-byte file without whitespace is one token, cut to MAX_TOKEN_CHARS and
    counted as cut, read in bounded memory; the words after it are read normally."""
    path = tmp_path / "blob.txt"
    with open(path, "wb") as fh:
        fh.write(b"start ")
        fh.write(b"x" * 50_000_000)
        fh.write(b" after\nnext line\n")
    tracemalloc.start()
    try:
        counts, stats, lengths = count(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counts == {"start": 1, "x" * MAX_TOKEN_CHARS: 1, "after": 1, "next": 1, "line": 1}
    assert lengths == [3, 2] and stats.truncated_tokens == 1
    assert peak < 16 << 20, f"peak {peak / 1e6:.1f} MB"


def test_long_tokens_are_cut_in_files_and_iterables(tmp_path: Path):
    """A 5,000-character token inside a normal line is cut the same way from a file and from
    token lists, so both give the same vocabulary."""
    long = "é" * 5000
    path = tmp_path / "c.txt"
    path.write_text(f"a {long} b\n")
    from_file, stats, _ = count(path)
    from_list, list_stats, _ = count([["a", long, "b"]])
    assert from_file == from_list == {"a": 1, "é" * MAX_TOKEN_CHARS: 1, "b": 1}
    assert stats.truncated_tokens == list_stats.truncated_tokens == 1


def test_non_str_tokens_are_a_one_line_error():
    """A token list holding an int is refused with a message naming it."""
    with pytest.raises(CorpusError, match=r"Each token must be a str, but a sentence holds 3"):
        count([["a", 3]])


def test_mixed_encodings_are_replaced_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Latin-1 bytes inside UTF-8 text become U+FFFD, counted, and the CLI notes it on one line."""
    path = tmp_path / "mixed.txt"
    path.write_bytes("café naïve\n".encode() + "café naïve\n".encode("latin-1"))
    counts, stats, _ = count(path)
    assert counts == {"café": 1, "naïve": 1, "caf\ufffd": 1, "na\ufffdve": 1}
    assert stats.replaced_bytes == 2
    assert main(["vocab", str(path), "-o", str(tmp_path / "v.txt"), "--min-count", "1"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert notes == ["note: 2 undecodable byte(s) were replaced by U+FFFD"]


def test_folder_with_non_text_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A folder's PNG and .pyc are skipped and listed; a subfolder, a symlink loop and a FIFO
    are ignored without blocking; the text files are counted."""
    (tmp_path / "a.txt").write_text("one two\n")
    (tmp_path / "image.png").write_bytes(PNG)
    (tmp_path / "mod.pyc").write_bytes(b"\xa7\r\r\n\x00\x00\x00\x00" + bytes(range(256)))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_text("hidden inside\n")
    os.symlink(tmp_path / "loop", tmp_path / "loop")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "z.txt").write_text("two three\n")
    counts, stats, _ = count(tmp_path)
    assert counts == {"two": 2, "one": 1, "three": 1}
    assert stats.files == [str(tmp_path / "a.txt"), str(tmp_path / "z.txt")]
    assert stats.skipped_files == [str(tmp_path / "image.png"), str(tmp_path / "mod.pyc")]
    assert main(["vocab", str(tmp_path), "-o", str(tmp_path / "v.out"), "--min-count", "1"]) == 0
    assert "note: skipped 2 binary file(s): " in capsys.readouterr().err


def test_folder_of_only_binary_files(tmp_path: Path):
    """A folder whose every file is binary: 'no words', saying how many files were skipped."""
    (tmp_path / "image.png").write_bytes(PNG)
    with pytest.raises(
        CorpusError, match=r"contains no words .*skipped 1 binary file\(s\): .*image.png"
    ):
        count(tmp_path)


def test_binary_file_named_directly(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A binary file given as the corpus is an error naming it and the NUL byte's offset."""
    path = tmp_path / "image.png"
    path.write_bytes(PNG)
    with pytest.raises(CorpusError, match=r"image.png' looks binary \(a NUL byte at offset 8\)"):
        count(path)
    cli_error(capsys, ["vocab", str(path), "-o", str(tmp_path / "v.txt")])


def test_fifo_is_refused_without_blocking(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A named pipe (no writer: opening it would block forever) is refused before opening."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(CorpusError, match=r"is a named pipe \(FIFO\), not a regular file"):
        w2v.Word2Vec(min_count=1).fit(fifo, progress=False)
    with pytest.raises(CorpusError, match="named pipe"):
        w2v.LineCorpus(fifo)
    err = cli_error(capsys, ["train", str(fifo), "-o", str(tmp_path / "v.bin")])
    assert "named pipe" in err


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A path that does not exist raises CorpusNotFoundError; the CLI exits 2 naming it."""
    with pytest.raises(CorpusNotFoundError, match="nope.txt"):
        count(tmp_path / "nope.txt")
    assert "nope.txt" in cli_error(capsys, ["vocab", str(tmp_path / "nope.txt"), "-o", "v"])


def test_symlink_loop_as_the_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """A corpus path that is a symlink loop gives one line saying so, not 'does not exist'."""
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    with pytest.raises(CorpusError, match=r"Cannot read corpus .*symbolic links"):
        count(loop)
    cli_error(capsys, ["vocab", str(loop), "-o", str(tmp_path / "v.txt")])


def test_permission_denied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """A file that cannot be opened (permission denied) gives one line naming it and why.
    (Simulated: the tests may run as root, who may read any file.)"""
    path = tmp_path / "secret.txt"
    path.write_text("a b\n")

    def denied(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(corpus_module, "open", denied, raising=False)
    with pytest.raises(CorpusError, match=r"Cannot open corpus file .*secret.txt': Permission"):
        count(path)
    assert "Permission denied" in cli_error(capsys, ["vocab", str(path), "-o", "v.txt"])
