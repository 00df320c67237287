"""word2vec.c text and binary files: byte layout, exact round trips, gensim interop, errors."""

from __future__ import annotations

import contextlib
import os
import re
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import gensim.models
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import w2v
from w2v import formats
from w2v.errors import FormatError
from w2v.formats import load_word2vec_format, save_word2vec_format

WORDS = ["king", "café", "naïve", "東京", "x"]

# Values that stress a decimal text encoding of float32: subnormals, extremes, -0.0, 1/3.
F32 = np.finfo(np.float32)
SPECIAL = np.array(
    [
        [0.0, -0.0, 1.0, -1.0],
        [np.float32(1e-45), -np.float32(1e-45), F32.tiny, -F32.tiny],  # subnormal, normal min
        [F32.max, -F32.max, np.float32(1) / np.float32(3), np.float32(0.1)],
        [np.float32(123456.789), np.float32(-9.87654e-30), F32.eps, np.float32(3.0e38)],
        [np.nextafter(np.float32(1), np.float32(2)), np.float32(-2.5e-40), 65504.0, -7.0e-8],
    ],
    dtype=np.float32,
)


def bits(a: np.ndarray) -> np.ndarray:
    """The raw float32 bit patterns (so -0.0 differs from 0.0)."""
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def assert_bit_equal(a: np.ndarray, b: np.ndarray) -> None:
    """Assert two float arrays hold the same float32 bit patterns."""
    a32, b32 = np.asarray(a), np.asarray(b)
    assert a32.dtype == np.float32 and b32.dtype == np.float32
    assert a32.shape == b32.shape
    np.testing.assert_array_equal(bits(a32), bits(b32))


def random_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """Random float32 vectors with varied magnitudes."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.integers(-30, 30, size=(n, dim))
    return (rng.standard_normal((n, dim)) * scale).astype(np.float32)


# -- byte layout --------------------------------------------------------------------------


def test_binary_layout_is_byte_exact(tmp_path: Path) -> None:
    """The binary writer emits word2vec.c's exact bytes: header, word, space, <f4 x dim, newline."""
    v = np.array([[1.0, -2.5, 0.1], [-0.0, 3.0e38, 1e-45]], dtype=np.float32)
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["king", "café"], v, binary=True)
    expected = (
        b"2 3\n"
        + b"king "
        + struct.pack("<3f", 1.0, -2.5, float(np.float32(0.1)))
        + b"\n"
        + "café".encode()
        + b" "
        + struct.pack("<3f", -0.0, float(np.float32(3.0e38)), float(np.float32(1e-45)))
        + b"\n"
    )
    assert path.read_bytes() == expected


def test_text_layout(tmp_path: Path) -> None:
    """The text writer emits a 'V dim' header and one 'word v1 .. vdim' line per word."""
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["a", "b"], np.array([[1, 0.5], [-2, 0]], np.float32), binary=False)
    assert path.read_bytes() == b"2 2\na 1 0.5\nb -2 0\n"


# -- exact round trips --------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_round_trip_special_values_exact(tmp_path: Path, binary: bool) -> None:
    """Tiny, huge, subnormal and negative-zero float32 values survive a save/load bit-exactly."""
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, SPECIAL, binary=binary)
    words, vectors = load_word2vec_format(path, binary=binary)
    assert words == WORDS
    assert np.array_equal(vectors, SPECIAL)
    assert_bit_equal(vectors, SPECIAL)
    assert np.signbit(vectors[0, 1])


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_round_trip_random_exact(tmp_path: Path, binary: bool) -> None:
    """A few hundred random float32 values of magnitudes 1e-30..1e30 round-trip bit-exactly."""
    words = [f"w{i}" for i in range(40)]
    v = random_vectors(40, 7, seed=1)
    path = tmp_path / "v"
    save_word2vec_format(path, words, v, binary=binary)
    got_words, got = load_word2vec_format(path, binary=binary)
    assert got_words == words
    assert_bit_equal(got, v)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_keyedvectors_save_load(tmp_path: Path, binary: bool) -> None:
    """KeyedVectors.save_word2vec_format and load_word2vec_format round-trip exactly."""
    kv = w2v.KeyedVectors(WORDS, SPECIAL)
    path = tmp_path / "kv"
    kv.save_word2vec_format(path, binary=binary)
    back = w2v.KeyedVectors.load_word2vec_format(path, binary=binary)
    assert back.words == WORDS
    assert_bit_equal(back.vectors, SPECIAL)


# -- gensim interop -----------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_gensim_loads_our_files(tmp_path: Path, binary: bool) -> None:
    """gensim reads our files with the same words in order and bit-identical vectors."""
    words = [*WORDS, "naïveté", "Ωmega"]
    v = random_vectors(len(words), 6, seed=2)
    path = tmp_path / "ours"
    save_word2vec_format(path, words, v, binary=binary)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(g.index_to_key) == words
    assert_bit_equal(np.asarray(g.vectors), v)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_we_load_gensim_files(tmp_path: Path, binary: bool) -> None:
    """Files gensim writes (binary without per-vector newline, and text) load bit-identically."""
    words = [*WORDS, "naïveté", "Ωmega"]
    dim = 6
    v = random_vectors(len(words), dim, seed=3)
    g = gensim.models.KeyedVectors(vector_size=dim)
    g.add_vectors(words, v)
    path = tmp_path / "gensim"
    g.save_word2vec_format(str(path), binary=binary)
    if binary:  # gensim omits the newline after each vector: make sure that path is exercised
        body = sum(len(w.encode()) + 1 + 4 * dim for w in words)
        assert path.stat().st_size == len(f"{len(words)} {dim}\n") + body
    kv = w2v.KeyedVectors.load_word2vec_format(path, binary=binary)
    assert kv.words == words
    assert_bit_equal(kv.vectors, v)


def test_binary_reader_accepts_mixed_newlines(tmp_path: Path) -> None:
    """A binary file mixing vectors with and without a trailing newline reads correctly."""
    v = random_vectors(3, 2, seed=4)
    data = b"3 2\n" + b"a " + v[0].tobytes() + b"b " + v[1].tobytes() + b"\nc " + v[2].tobytes()
    path = tmp_path / "mixed.bin"
    path.write_bytes(data)
    words, got = load_word2vec_format(path, binary=True)
    assert words == ["a", "b", "c"]
    assert_bit_equal(got, v)


def test_text_reader_accepts_word2vec_c_trailing_space(tmp_path: Path) -> None:
    """word2vec.c's text output (a space after every value, CRLF tolerated) reads correctly."""
    path = tmp_path / "c.txt"
    path.write_bytes(b"2 2\r\nab 0.5 -1 \r\ncd 2 3 \n")
    words, got = load_word2vec_format(path, binary=False)
    assert words == ["ab", "cd"]
    np.testing.assert_array_equal(got, np.array([[0.5, -1], [2, 3]], np.float32))


# -- limit --------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_limit_reads_first_n(tmp_path: Path, binary: bool) -> None:
    """limit=N returns exactly the first N words and vectors, and limit > V returns all."""
    v = random_vectors(len(WORDS), 4, seed=5)
    path = tmp_path / "v"
    save_word2vec_format(path, WORDS, v, binary=binary)
    words, got = load_word2vec_format(path, binary=binary, limit=2)
    assert words == WORDS[:2]
    assert_bit_equal(got, v[:2])
    words, got = load_word2vec_format(path, binary=binary, limit=100)
    assert words == WORDS
    kv = w2v.KeyedVectors.load_word2vec_format(path, binary=binary, limit=3)
    assert kv.words == WORDS[:3]


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_limit_does_not_read_past_n(tmp_path: Path, binary: bool) -> None:
    """With limit=2, a file whose third entry is corrupt still loads its first two vectors."""
    v = random_vectors(3, 3, seed=6)
    path = tmp_path / "v"
    save_word2vec_format(path, ["a", "b", "c"], v, binary=binary)
    data = path.read_bytes()
    if binary:
        path.write_bytes(data[:-7])  # cut the third vector short
    else:
        path.write_bytes(data.rsplit(b" ", 1)[0] + b"\n")  # third line lacks a value
    with pytest.raises(FormatError):
        load_word2vec_format(path, binary=binary)
    words, got = load_word2vec_format(path, binary=binary, limit=2)
    assert words == ["a", "b"]
    assert_bit_equal(got, v[:2])


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("content", [b"", b"2 3"], ids=["empty", "no-newline"])
def test_missing_header(tmp_path: Path, binary: bool, content: bytes) -> None:
    """A file without a header line raises FormatError naming the path and line 1."""
    path = tmp_path / "v"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=rf"{re.escape(str(path))}: line 1: no header line"):
        load_word2vec_format(path, binary=binary)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize(
    "header", [b"two three", b"2", b"2 3 4", b"2 3.5", b"-1 3", b"2 0", b"king 0.1 0.2"]
)
def test_bad_header(tmp_path: Path, binary: bool, header: bytes) -> None:
    """A header that is not two numbers '<words> <dim>' (dim >= 1) raises FormatError."""
    path = tmp_path / "v"
    path.write_bytes(header + b"\nking 0.1 0.2 0.3\n")
    with pytest.raises(FormatError, match=r"line 1: expected a header '<words> <dim>'"):
        load_word2vec_format(path, binary=binary)


def test_header_declares_too_many_words_binary(tmp_path: Path) -> None:
    """A binary header declaring more words than the file holds raises FormatError."""
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a", "b"], np.ones((2, 3), np.float32), binary=True)
    path.write_bytes(b"3 3\n" + path.read_bytes()[4:])
    size = path.stat().st_size
    with pytest.raises(FormatError, match=rf"byte {size}: expected word 3 of 3"):
        load_word2vec_format(path, binary=True)


def test_header_declares_too_many_words_text(tmp_path: Path) -> None:
    """A text header declaring more words than the file holds raises FormatError."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 3\na 1 2 3\nb 4 5 6\n")
    with pytest.raises(
        FormatError,
        match=r"line 4: expected vector 3 of the 3 the header declares, found the end of the file",
    ):
        load_word2vec_format(path, binary=False)


def test_truncated_binary_vector_names_offset(tmp_path: Path) -> None:
    """A binary vector cut short raises FormatError naming the byte offset where it starts."""
    data = b"2 3\n" + b"king " + struct.pack("<3f", 1, 2, 3) + b"\n" + b"queen " + b"\x00" * 5
    offset = len(b"2 3\n") + len(b"king ") + 12 + 1 + len(b"queen ")
    assert offset == 28
    path = tmp_path / "v.bin"
    path.write_bytes(data)
    with pytest.raises(
        FormatError,
        match=rf"{re.escape(str(path))}: byte 28: vector 2 of 2 needs 12 bytes but the file has "
        r"5 left",
    ):
        load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("line", [b"queen 1 2", b"queen 1 2 3 4"], ids=["short", "long"])
def test_text_wrong_value_count_names_line(tmp_path: Path, line: bytes) -> None:
    """A text line with the wrong number of values raises FormatError naming its line number."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"3 3\nking 1 2 3\n" + line + b"\nman 7 8 9\n")
    got = len(line.split()) - 1
    with pytest.raises(
        FormatError, match=rf"line 3: expected a word and 3 numbers, got {got} numbers"
    ):
        load_word2vec_format(path, binary=False)


def test_text_line_number_counts_blank_lines(tmp_path: Path) -> None:
    """The line number in a text error is the physical line, even after a blank line."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 3\n\nking 1 2 3\nqueen 1 2\n")
    with pytest.raises(FormatError, match=r"line 4: expected a word and 3 numbers"):
        load_word2vec_format(path, binary=False)


def test_text_unparsable_number(tmp_path: Path) -> None:
    """A text value that is not a number raises FormatError naming the line and word."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 3\nking 1 2 3\nqueen 1 two 3\n")
    with pytest.raises(FormatError, match=r"line 3: cannot parse the numbers of word 'queen'"):
        load_word2vec_format(path, binary=False)


def test_binary_file_read_as_text(tmp_path: Path) -> None:
    """Reading a binary file with binary=False raises FormatError hinting at the mix-up."""
    path = tmp_path / "v.bin"
    v = np.array([[1.0, 2.0, 0.5], [0.5, 1.0, 2.0]], np.float32)  # bytes hold no space/newline
    save_word2vec_format(path, ["king", "queen"], v, binary=True)
    with pytest.raises(FormatError, match=r"line 2: .*binary file read as text"):
        load_word2vec_format(path, binary=False)


def test_text_file_read_as_binary(tmp_path: Path) -> None:
    """Reading a short text file with binary=True raises FormatError, not garbage vectors."""
    path = tmp_path / "v.txt"
    save_word2vec_format(path, ["a", "b"], np.ones((2, 3), np.float32), binary=False)
    with pytest.raises(FormatError, match=re.escape(str(path))):
        load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_missing_file(tmp_path: Path, binary: bool) -> None:
    """A missing vectors file raises FileNotFoundError naming the path."""
    path = tmp_path / "nope" / "vectors.bin"
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        load_word2vec_format(path, binary=binary)
    with pytest.raises(FileNotFoundError, match=re.escape(str(path))):
        w2v.KeyedVectors.load_word2vec_format(path, binary=binary)


@pytest.mark.parametrize("word", ["two words", "tab\there", "new\nline", "cr\r", ""])
def test_writer_rejects_unwritable_words(tmp_path: Path, word: str) -> None:
    """Words that are empty or hold a space, tab or newline are refused and nothing is written."""
    path = tmp_path / "v"
    with pytest.raises(FormatError, match="Cannot write word"):
        save_word2vec_format(path, ["ok", word], np.zeros((2, 2), np.float32), binary=False)
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_writer_rejects_shape_mismatch(tmp_path: Path) -> None:
    """Vectors whose row count differs from the number of words raise ValueError."""
    with pytest.raises(ValueError, match="do not match 3 words"):
        save_word2vec_format(tmp_path / "v", ["a", "b", "c"], np.zeros((2, 2)), binary=True)


@pytest.mark.parametrize("sep", ["\x0c", "\x1c", "\x85", "\u2028"], ids=repr)
def test_text_words_with_unicode_line_separators(tmp_path: Path, sep: str) -> None:
    """A word holding a Unicode line-break character that the writer accepts reads back intact."""
    words = [f"a{sep}b", "z"]
    v = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    path = tmp_path / "v.txt"
    save_word2vec_format(path, words, v, binary=False)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=False)
    assert list(g.index_to_key) == words  # gensim reads it: only our reader fails
    got_words, got = load_word2vec_format(path, binary=False)
    assert got_words == words
    assert_bit_equal(got, v)


class _FailOnThirdWrite:
    """A file wrapper whose third write raises, as a disk filling up mid-save would."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.n = fh, 0

    def write(self, b: bytes) -> int:
        self.n += 1
        if self.n == 3:
            raise OSError("No space left on device")
        return self.fh.write(b)


def test_save_failure_keeps_old_vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that fails while writing vectors leaves the previous vectors file intact."""
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a"], np.ones((1, 2), np.float32), binary=True)
    before = path.read_bytes()
    real = formats.atomic_write

    @contextlib.contextmanager
    def failing(p: Path) -> Iterator[_FailOnThirdWrite]:
        with real(p) as fh:
            yield _FailOnThirdWrite(fh)

    monkeypatch.setattr(formats, "atomic_write", failing)
    n = 3 * formats._WRITE_ROWS  # rows are written in blocks: enough for a third write
    with pytest.raises(OSError, match="No space left"):
        save_word2vec_format(path, [f"w{i}" for i in range(n)], np.zeros((n, 2)), binary=True)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["v.bin"]


# -- Word2Vec model save/load -------------------------------------------------------------

CORPUS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "dog", "sat", "on", "the", "log"],
    ["a", "café", "is", "naïve", "about", "the", "cat"],
] * 4


def test_model_save_load_round_trip(tmp_path: Path) -> None:
    """A saved and loaded Word2Vec has equal config, vocab, counts, W_in, W_out and losses."""
    # sample=0 keeps every token of this tiny corpus, so the loss is finite and W_out trained.
    model = w2v.Word2Vec(dim=8, min_count=1, epochs=2, workers=1, seed=3, sample=0.0)
    model.fit(CORPUS, progress=False)
    assert len(model.loss_history) == 2
    assert all(np.isfinite(model.loss_history))
    assert model.W_out is not None and np.any(model.W_out != 0)
    path = tmp_path / "model.npz"
    model.save(path)
    assert os.listdir(tmp_path) == ["model.npz"]
    back = w2v.Word2Vec.load(path)
    assert back.config == model.config
    assert back.vocab is not None and model.vocab is not None
    assert back.vocab.words == model.vocab.words
    assert "café" in back.vocab.words
    np.testing.assert_array_equal(back.vocab.counts, model.vocab.counts)
    assert back.vocab.counts.dtype == np.int64
    assert back.W_in is not None and back.W_out is not None
    assert_bit_equal(back.W_in, model.W_in)
    assert_bit_equal(back.W_out, model.W_out)
    assert back.loss_history == model.loss_history
    assert back.epochs_trained == model.epochs_trained == 2
    assert back.wv.words == model.wv.words
    assert_bit_equal(back.wv["cat"], model.wv["cat"])


def test_model_load_rejects_non_model_files(tmp_path: Path) -> None:
    """Word2Vec.load of a vectors file or a foreign .npz raises FormatError naming the path."""
    vec = tmp_path / "vectors.bin"
    save_word2vec_format(vec, ["a"], np.ones((1, 2), np.float32), binary=True)
    with pytest.raises(FormatError, match=rf"{re.escape(str(vec))}: not a w2v model file"):
        w2v.Word2Vec.load(vec)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.arange(3))
    with pytest.raises(FormatError, match=rf"{re.escape(str(other))}: not a w2v model file"):
        w2v.Word2Vec.load(other)
    with pytest.raises(FileNotFoundError, match="missing.npz"):
        w2v.Word2Vec.load(tmp_path / "missing.npz")


# -- property tests -----------------------------------------------------------------------

# A word: non-empty, no whitespace (str.isspace covers every str.splitlines boundary), any
# other encodable Unicode character.
word_chars = st.characters(codec="utf-8").filter(lambda c: not c.isspace())
words_st = st.lists(
    st.text(word_chars, min_size=1, max_size=12), min_size=1, max_size=8, unique=True
)


@st.composite
def words_and_vectors(draw: st.DrawFn) -> tuple[list[str], np.ndarray]:
    """Unique words and a matching (V, dim) float32 array of any finite or infinite values."""
    words = draw(words_st)
    dim = draw(st.integers(1, 6))
    vectors = draw(
        hnp.arrays(
            np.float32,
            (len(words), dim),
            elements=st.floats(width=32, allow_nan=False, allow_infinity=True),
        )
    )
    return words, vectors


@settings(max_examples=50, deadline=None)
@given(data=words_and_vectors())
def test_property_round_trip_exact(data: tuple[list[str], np.ndarray]) -> None:
    """Random unicode words and random float32 vectors round-trip exactly, binary and text."""
    words, vectors = data
    with tempfile.TemporaryDirectory() as d:
        for binary in (True, False):
            path = Path(d) / ("v.bin" if binary else "v.txt")
            save_word2vec_format(path, words, vectors, binary=binary)
            got_words, got = load_word2vec_format(path, binary=binary)
            assert got_words == words
            assert got.shape == vectors.shape
            assert np.array_equal(got, vectors)
            assert_bit_equal(got, vectors)


def test_duplicate_words_are_a_format_error(tmp_path):
    """A vectors file that lists a word twice fails to load naming the path, word and both
    positions (gensim keeps the first silently; a repeated word means a broken writer)."""
    path = tmp_path / "dup.txt"
    path.write_text("3 2\nking 1 2\nqueen 3 4\nking 5 6\n")
    with pytest.raises(
        FormatError, match=r"dup.txt: line 4: the word 'king' appears again \(first at line 2\)"
    ):
        w2v.KeyedVectors.load_word2vec_format(path, binary=False)
    path = tmp_path / "dup.bin"
    save_word2vec_format(path, ["a", "b"], np.ones((2, 1), np.float32), binary=True)
    path.write_bytes(path.read_bytes().replace(b"b ", b"a "))
    with pytest.raises(FormatError, match=r"dup.bin: byte 11: the word 'a' appears again"):
        w2v.KeyedVectors.load_word2vec_format(path, binary=True)


# -- strict loading: decisions ------------------------------------------------------------


def test_nan_inf_and_out_of_range_values_are_read_as_gensim_reads_them(tmp_path: Path) -> None:
    """'nan', 'inf' and a value beyond float32 (1e39 -> inf) load without error or warning."""
    path = tmp_path / "v.txt"
    path.write_bytes(b"2 3\na nan inf -inf\nb 1e39 -1e39 1e-50\n")
    words, got = load_word2vec_format(path, binary=False)
    assert words == ["a", "b"]
    assert np.isnan(got[0, 0]) and got[0, 1] == np.inf and got[0, 2] == -np.inf
    assert got[1].tolist() == [np.inf, -np.inf, 0.0]


def test_bad_utf8_words_replace_or_fail_strictly(tmp_path: Path) -> None:
    """A word cut inside a UTF-8 character (word2vec.c's 100-byte cut) gets U+FFFD by default;
    unicode_errors='strict' names its byte offset instead."""
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 1\nok \x00\x00\x80?\ncaf\xc3 \x00\x00\x80?\n")
    assert load_word2vec_format(path, binary=True)[0] == ["ok", "caf\ufffd"]
    with pytest.raises(FormatError, match=r"v.bin: byte 12: the word b'caf\\xc3' is not valid"):
        w2v.KeyedVectors.load_word2vec_format(path, binary=True, unicode_errors="strict")


def test_text_file_read_as_binary_is_named(tmp_path: Path) -> None:
    """A text file of many lines read with binary=True says it is a text file, even where its
    bytes would happen to parse as binary records."""
    path = tmp_path / "v.txt"
    save_word2vec_format(path, [f"w{i}" for i in range(50)], np.ones((50, 2)), binary=False)
    with pytest.raises(FormatError, match=r"v.txt: byte 5: .* this is a text vectors file"):
        load_word2vec_format(path, binary=True)


def test_binary_with_wrong_dim_names_the_misaligned_word(tmp_path: Path) -> None:
    """A binary header declaring dim 2 for vectors of dim 3 fails at the second record,
    saying the vectors before it are not 8 bytes long."""
    path = tmp_path / "v.bin"
    save_word2vec_format(path, ["a", "b"], np.full((2, 3), 2.0, np.float32), binary=True)
    path.write_bytes(b"2 2\n" + path.read_bytes()[4:])
    with pytest.raises(FormatError, match=r"byte 14: word 2 of 2 contains a newline: .* 8 bytes"):
        load_word2vec_format(path, binary=True)


@pytest.mark.timeout(10)
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    """A named pipe given as a vectors file is refused at once (opening it would block)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match=r"pipe: is a named pipe \(FIFO\), not a regular file"):
        w2v.KeyedVectors.load_word2vec_format(fifo)
    with pytest.raises(FormatError, match="named pipe"):
        formats.detect_format(fifo)
    with pytest.raises(FormatError, match="named pipe"):
        formats.load_vocab(fifo)


# -- byte-order marks --------------------------------------------------------------------


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
def test_text_file_with_a_byte_order_mark_loads(tmp_path: Path, ending: bytes) -> None:
    """A UTF-8 BOM before the header (Notepad's "UTF-8 with BOM") is skipped."""
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf2 2" + ending + b"a 1 2" + ending + b"b 3 4" + ending)
    assert formats.detect_format(path) == "text"
    words, vectors = load_word2vec_format(path, binary=False)
    assert words == ["a", "b"] and vectors.tolist() == [[1, 2], [3, 4]]
