"""The compiled, threaded read pass (w2v.fastread) gives what the Python reader gives.

Each corpus is read with ``workers=0`` (the Python reader: corpus.iter_pieces into
vocab._scan) and with 1, 2 and 3 threads of the compiled reader, with chunks and blocks made
tiny so that a small file is cut in many places; the vocabulary (words, counts, order),
the encoded ids, the sentence ends, the ReadStats and the errors must be the same.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import numpy as np
import pytest

import w2v.corpus
from w2v import fastread
from w2v.corpus import ReadStats
from w2v.errors import CorpusError
from w2v.vocab import build_vocab_and_encode, encode


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 bytes and blocks of 64, so that every case crosses their edges."""
    monkeypatch.setattr(fastread, "CHUNK_BYTES", 7)
    monkeypatch.setattr(w2v.corpus, "BLOCK_BYTES", 64)
    monkeypatch.setattr(w2v.corpus, "MAX_TOKEN_CHARS", 12)


def _read(corpus: object, workers: int, **kw: object) -> tuple:
    """Everything a read pass produces, or the error it raised."""
    stats = ReadStats()
    try:
        vocab, enc = build_vocab_and_encode(corpus, 1, stats=stats, workers=workers, **kw)
    except CorpusError as exc:
        return ("error", str(exc))
    try:
        return (vocab.words, vocab.counts.tolist(), enc.read(0, enc.n_words).tolist(),
                enc.sentence_ends.tolist(), stats)  # fmt: skip
    finally:
        enc.close()


def _same_for_all_workers(corpus: object, **kw: object) -> tuple:
    expected = _read(corpus, 0, **kw)
    for workers in (1, 2, 3):
        assert _read(corpus, workers, **kw) == expected, f"workers={workers}"
    return expected


TRICKY = {
    "unicode_spaces": "a\u00a0b\u3000c\u2028d\x1ce\x1ff\x85g\u2009h\u200bi\ufeffj k\n".encode(),
    "crlf_and_blank": b"one two\r\n\r\n  \r\nthree\tfour\x0bfive\x0c six\r\n\n\nseven",
    "invalid_utf8": b"ok \xff bad \xc3 \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80"
    b" \xef\xbf\xbd x\xe2\x82\n"
    b"clean line\n\xe9t\xe9 \xf0\x9f\x98\x80 end\n",
    "long_tokens": (
        "x" * 12 + " " + "y" * 13 + " " + "\u00e9" * 30 + " \U0001f600" * 3 + "\n"
    ).encode()
    + (b"z" * 40 + b"\n") * 3,
    "long_lines": (" ".join(f"w{i % 17}" for i in range(200)) + "\n").encode() * 3 + b"tail " * 40,
    "long_last_line_ending_in_spaces": b"first line\n" + b"ab cd " * 30 + b"   \t  ",
    "one_line_no_newline": b"just one line",
    "only_whitespace_unicode_tail": b"words here\n\xe3\x80\x80\x1c",
    "nul_free_controls": b"a\x01b \x7f c\x1bd\n",
    "long_mixed_tokens": (
        "\u00e9" * 12 + "abc \u00e9" + "\u00e9" * 10 + "xyz " + "a" * 12 + "\u00e9 "
    ).encode()
    + b"\x01" * 12
    + b"q\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_files_read_the_same(tmp_path: Path, tiny_chunks: None, name: str) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(TRICKY[name])
    _same_for_all_workers(path)


def test_a_folder_of_files_reads_the_same(tmp_path: Path, tiny_chunks: None) -> None:
    """Several files, tiny and empty ones, a binary one (skipped), a .gz, a hidden one;
    a sentence left open at the end of a file continues into the next file."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, (name, data) in enumerate(sorted(TRICKY.items())):
        (folder / f"{i:02d}_{name}.txt").write_bytes(data)
    (folder / "20_empty.txt").write_bytes(b"")
    (folder / "21_tiny.txt").write_bytes(b"a")
    (folder / "22_binary.bin").write_bytes(b"GIF89a\x00\x01 not text")
    (folder / "23_packed.txt.gz").write_bytes(gzip.compress(TRICKY["long_lines"] + b"\xff z\n"))
    (folder / "24_after.txt").write_bytes(b"\nthe end\n")
    # A long last line whose tail after the reader's last cut is only spaces leaves its
    # sentence open: it ends at the next file's first newline, or runs on into its words.
    (folder / "25_open.txt").write_bytes(b"x y " * 40 + b" " * 150)
    (folder / "26_next.txt").write_bytes(b"\nnext\n")
    (folder / "27_open.txt").write_bytes(b"x y " * 40 + b" " * 150)
    (folder / "28_runs_on.txt").write_bytes(b"runs on\n")
    (folder / ".hidden").write_bytes(b"never read")
    result = _same_for_all_workers(folder)
    assert result[4].skipped_files == [str(folder / "22_binary.bin")]
    assert result[4].replaced_bytes > 0 and result[4].truncated_tokens > 0
    pair = tmp_path / "pair"
    pair.mkdir()
    for name in ("27_open.txt", "28_runs_on.txt"):
        (pair / name).write_bytes((folder / name).read_bytes())
    assert _same_for_all_workers(pair)[3] == [82], "80 words, then 2 in the same sentence"


def test_a_token_longer_than_a_block_falls_back_to_the_python_reader(
    tmp_path: Path, tiny_chunks: None
) -> None:
    """The Python reader cuts such a token where its blocks end: the compiled reader hands
    the whole corpus to it (plain and compressed files alike)."""
    data = b"before\n" + "\u00e9\u3000".encode() * 50 + b"x" * 200 + b" after\nnext\n"
    (tmp_path / "plain.txt").write_bytes(data)
    (tmp_path / "packed.txt.gz").write_bytes(gzip.compress(data))
    for name in ("plain.txt", "packed.txt.gz"):
        _same_for_all_workers(tmp_path / name)


def test_random_bytes_read_the_same(tmp_path: Path, tiny_chunks: None) -> None:
    """Files made of pieces that meet in every order: words, whitespace of all kinds,
    multi-byte characters, invalid bytes, long tokens."""
    pieces = [b"a", b"bb", b"ccc", b" ", b"  ", b"\n", b"\r\n", b"\t", b"\x1d", b"\xc2\xa0",
              b"\xe3\x80\x80", b"\xc3\xa9", b"\xf0\x9f\x98\x80", b"\xff", b"\xe2\x82",
              b"q" * 15, b"\xc3\xa9" * 11]  # fmt: skip
    rng = random.Random(5)
    for k in range(6):
        path = tmp_path / f"r{k}.txt"
        path.write_bytes(b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 120))))
        _same_for_all_workers(path)


@pytest.mark.parametrize(
    "data", [b"", b" \n\t\n", b"GIF89a\x00\x01", gzip.compress(b"a b\n")], ids=repr
)
def test_errors_are_the_same(tmp_path: Path, tiny_chunks: None, data: bytes) -> None:
    """An empty corpus, a binary file named directly, a gzip file named .txt."""
    path = tmp_path / "c.txt"
    path.write_bytes(data)
    result = _same_for_all_workers(path)
    assert result[0] == "error"


def test_encode_with_a_vocabulary_is_the_same(tmp_path: Path, tiny_chunks: None) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(b"".join(TRICKY.values()))
    vocab, enc = build_vocab_and_encode(path, 2, workers=0)
    enc.close()
    out = []
    for workers in (0, 1, 3):
        stats = ReadStats()
        e = encode(path, vocab, stats=stats, workers=workers)
        out.append((e.read(0, e.n_words).tolist(), e.sentence_ends.tolist(), stats))
        e.close()
    assert out[0] == out[1] == out[2]
    assert len(out[0][0]) > 0


def test_whitespace_is_what_str_split_says() -> None:
    """Every code point: the compiled tokenizer splits "a<c>b" where str.split() does."""
    cps = [c for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000 and c != 10]
    text = "\n".join(f"a{chr(c)}b" for c in cps) + "\n"
    status, chunk = fastread._scan_bytes(text.encode())
    assert status == fastread._OK
    tokens_per_line = np.diff(np.concatenate(([0], chunk.ends)))
    assert len(tokens_per_line) == len(cps)
    split_by_kernel = [c for c, k in zip(cps, tokens_per_line.tolist(), strict=True) if k == 2]
    assert split_by_kernel == [c for c in cps if len(f"a{chr(c)}b".split()) == 2]


def test_invalid_utf8_is_what_python_refuses() -> None:
    """Two- to four-byte sequences: the tokenizer falls back exactly where bytes.decode fails."""
    tails = [b"", b"\x80", b"\xbf", b"\x80\x80", b"\xbf\xbf", b"\x80\x80\x80", b"\x41"]
    for lead in range(0x80, 0x100):
        for second in range(0x70, 0x100, 3):
            for tail in tails:
                raw = bytes([lead, second]) + tail
                try:
                    raw.decode("utf-8")
                    valid = True
                except UnicodeDecodeError:
                    valid = False
                status, _ = fastread._scan_bytes(raw + b" ")
                assert (status == fastread._OK) == valid, raw


def test_words_that_differ_late_are_different_words(
    tmp_path: Path, tiny_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Words compared 8 bytes at a time: the same first 8 or 16 bytes, other lengths or
    other later bytes, at every alignment."""
    monkeypatch.setattr(w2v.corpus, "MAX_TOKEN_CHARS", 40)
    stems = ["abcdefgh", "abcdefghi", "abcdefghij", "abcdefghijklmnop", "abcdefghijklmnopq",
             "abcdefghijklmnopr", "abcdefghijklmnopqrstuvwxyz1", "abcdefghijklmnopqrstuvwxyz2",
             "\u00e9t\u00e9" * 3, "\u00e9t\u00e9" * 2 + "\u00e9t\u00e8"]  # fmt: skip
    rng = random.Random(7)
    lines = [" " * rng.randrange(8) + " ".join(rng.choices(stems, k=6)) for _ in range(40)]
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _same_for_all_workers(path)
    assert sorted(result[0]) == sorted(stems)


@pytest.mark.parametrize(
    "a, b",
    [(b"abcdefgh", b"abcdefghi"), (b"abcdefghi", b"abcdefghj"),
     (b"abcdefghijklmnop", b"abcdefghijklmnoq"), (b"abcdefghijklmnopq", b"abcdefghijklmnopr"),
     (b"abcdefghijklmnopq", b"abcdefghijklmnopqr"),
     (b"ab", b"ab\x00")],
)  # fmt: skip
def test_a_hash_collision_still_tells_words_apart(a: bytes, b: bytes) -> None:
    """Word b given word a's hash: the table's lookup compares the bytes, not the hash."""
    buf64, buf = fastread._padded(len(a) + 1 + len(b))
    buf[:] = np.frombuffer(a + b" " + b, dtype=np.uint8)
    h, a0, a1 = (np.uint64(x) for x in fastread._key(buf64, 0, len(a)))
    b0, b1 = (np.uint64(x) for x in fastread._key(buf64, len(a) + 1, len(b))[1:])
    slots = np.zeros(8, dtype=np.uint64)
    rows = np.zeros((4, 4), dtype=np.uint64)
    starts = np.zeros(4, dtype=np.int64)
    k = fastread._find(slots, h, a0, a1, len(a), rows, buf, starts, buf, 0)
    fastread._add(slots, k, rows, 0, h, a0, a1, np.uint64(len(a)))
    assert fastread._find(slots, h, a0, a1, len(a), rows, buf, starts, buf, 0) == k
    found = fastread._find(slots, h, b0, b1, len(b), rows, buf, starts, buf, len(a) + 1)
    assert slots[found] == 0, "b taken for a"


@pytest.mark.parametrize("workers", [-1, 1.5, True])
def test_workers_must_be_a_count(tmp_path: Path, workers: object) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(b"a b\n")
    with pytest.raises(ValueError, match="workers must be an int >= 0"):
        build_vocab_and_encode(path, 1, workers=workers)  # type: ignore[arg-type]
