"""Vector files people already have: the name decides the format, .gz/.bz2/.xz, GloVe's
header-less text (issue 19, items 2, 4 and 5); gensim reads what w2v writes and back."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tempfile
import tracemalloc
import warnings
from pathlib import Path
from unittest import mock

import gensim.models
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import w2v
from test_loader_fuzz import FUZZ, vectors_file
from w2v import formats
from w2v.errors import FormatError, FormatWarning
from w2v.formats import VectorsFormat, load_word2vec_format, vectors_format

WORDS = ["king", "café", "naïve", "東京", "x", "Ωmega"]
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


@pytest.fixture(autouse=True, scope="module")
def _compiled_readers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Load the compiled binary scanner once, so loading it is not counted as an allocation
    of the first traced read."""
    path = tmp_path_factory.mktemp("warm") / "v.bin.gz"
    formats.save_word2vec_format(path, ["a"], np.ones((1, 2), np.float32))
    formats.load_word2vec_format(path)


def vectors(n: int = len(WORDS), dim: int = 5, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def plain_bytes(binary: bool, words=WORDS, v=None) -> bytes:
    """The uncompressed word2vec bytes, written independently of the writer under test."""
    v = vectors() if v is None else v
    out = [f"{len(words)} {v.shape[1]}\n".encode()]
    for w, row in zip(words, v, strict=True):
        if binary:
            out.append(w.encode() + b" " + row.astype("<f4").tobytes() + b"\n")
        else:
            out.append(f"{w} {' '.join(f'{x:.9g}' for x in row)}\n".encode())
    return b"".join(out)


# -- the rule: name, then binary= --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "binary", "expected"),
    [
        ("v.bin", None, VectorsFormat(True, None)),
        ("v.txt", None, VectorsFormat(False, None)),
        ("cc.en.300.vec", None, VectorsFormat(False, None)),
        ("V.TXT", None, VectorsFormat(False, None)),
        ("GoogleNews-vectors-negative300.bin.gz", None, VectorsFormat(True, "gzip")),
        ("cc.en.300.vec.gz", None, VectorsFormat(False, "gzip")),
        ("v.txt.bz2", None, VectorsFormat(False, "bz2")),
        ("v.bin.xz", None, VectorsFormat(True, "xz")),
        ("v.txt", True, VectorsFormat(True, None)),
        ("v.bin.gz", False, VectorsFormat(False, "gzip")),
        ("vectors", None, VectorsFormat(None, None)),
        ("vectors.gz", None, VectorsFormat(None, "gzip")),
        ("top.tsv", None, VectorsFormat(None, None)),
        ("vectors", False, VectorsFormat(False, None)),
    ],
)
def test_vectors_format_reads_the_name(name: str, binary: bool | None, expected) -> None:
    """.bin binary, .txt/.vec text, a final .gz/.bz2/.xz compression; binary= wins."""
    assert vectors_format(Path("some/dir") / name, binary) == expected


@pytest.mark.parametrize("name", ["vectors", "vectors.dat", "top.tsv", "v.gz"])
def test_a_name_that_says_nothing_is_an_error_when_saving(tmp_path: Path, name: str) -> None:
    """Saving to a name that says neither text nor binary, without binary=, writes nothing."""
    kv = w2v.KeyedVectors(WORDS, vectors())
    with pytest.raises(FormatError, match=r"Cannot tell from the name .* pass binary=True"):
        kv.save_word2vec_format(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_tsv_name_points_to_the_projector_export(tmp_path: Path) -> None:
    kv = w2v.KeyedVectors(WORDS, vectors())
    with pytest.raises(FormatError, match="save_projector"):
        kv.save_word2vec_format(tmp_path / "top.tsv")


@pytest.mark.parametrize("name", ["w.txt", "w.vec", "w.bin"])
def test_save_follows_the_name_and_gensim_reads_it_with_its_defaults(
    tmp_path: Path, name: str
) -> None:
    """w.txt and w.vec get text (gensim's default binary=False reads them), w.bin binary."""
    v = vectors()
    path = tmp_path / name
    w2v.KeyedVectors(WORDS, v).save_word2vec_format(path)
    binary = name.endswith(".bin")
    assert path.read_bytes() == plain_bytes(binary, v=v)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(g.index_to_key) == WORDS
    np.testing.assert_array_equal(bits(g.vectors), bits(v))


def test_explicit_binary_wins_over_the_name(tmp_path: Path) -> None:
    v = vectors()
    w2v.KeyedVectors(WORDS, v).save_word2vec_format(tmp_path / "w.txt", binary=True)
    assert (tmp_path / "w.txt").read_bytes() == plain_bytes(True, v=v)
    w2v.KeyedVectors(WORDS, v).save_word2vec_format(tmp_path / "w.bin", binary=False)
    assert (tmp_path / "w.bin").read_bytes() == plain_bytes(False, v=v)


@pytest.mark.parametrize("name", ["g.txt", "g.vec", "g.bin", "g"])
def test_load_follows_the_name(tmp_path: Path, name: str) -> None:
    """A file gensim wrote loads without binary=: by its name, or by its bytes for 'g'."""
    v = vectors(seed=1)
    g = gensim.models.KeyedVectors(vector_size=v.shape[1])
    g.add_vectors(WORDS, v)
    path = tmp_path / name
    g.save_word2vec_format(str(path), binary=name.endswith(".bin"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # agreeing name and bytes: no warning
        kv = w2v.KeyedVectors.load_word2vec_format(path)
    assert kv.words == WORDS
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))


@pytest.mark.parametrize(("name", "binary"), [("w.txt", True), ("w.bin", False)])
def test_load_reads_what_the_file_holds_and_says_so(
    tmp_path: Path, name: str, binary: bool
) -> None:
    """When the bytes disagree with the name, the file is read as what it holds, with a
    FormatWarning naming both."""
    v = vectors(seed=2)
    path = tmp_path / name
    path.write_bytes(plain_bytes(binary, v=v))
    holds = "binary" if binary else "text"
    with pytest.warns(FormatWarning, match=rf"{name}: its name says .* holds word2vec {holds}"):
        kv = w2v.KeyedVectors.load_word2vec_format(path)
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))


def test_explicit_binary_is_checked_against_the_bytes(tmp_path: Path) -> None:
    """binary=True on a text file is an error that says which format it is (no guessing)."""
    path = tmp_path / "w.txt"
    path.write_bytes(plain_bytes(False))
    with pytest.raises(FormatError, match="this is a text vectors file; load it with binary=False"):
        w2v.KeyedVectors.load_word2vec_format(path, binary=True)


def test_a_silent_name_and_unreadable_first_record_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "vectors"
    path.write_bytes(b"2 3\na 1 2\nb 3 4\n")  # neither a text record of 3 nor binary
    with pytest.raises(FormatError, match="cannot tell whether it is word2vec text or binary"):
        w2v.KeyedVectors.load_word2vec_format(path)


# -- compressed files ---------------------------------------------------------------------------


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_round_trip_and_gensim(tmp_path: Path, suffix: str, binary: bool) -> None:
    """v.bin.gz (…) is compressed word2vec: it decompresses to the plain bytes, loads back
    bit-exactly, and gensim reads it."""
    v = vectors(seed=3)
    path = tmp_path / (("v.bin" if binary else "v.txt") + suffix)
    w2v.KeyedVectors(WORDS, v).save_word2vec_format(path)
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
    with opener(path, "rb") as fh:
        assert fh.read() == plain_bytes(binary, v=v)
    kv = w2v.KeyedVectors.load_word2vec_format(path)
    assert kv.words == WORDS
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))
    g = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert list(g.index_to_key) == WORDS
    np.testing.assert_array_equal(bits(g.vectors), bits(v))


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
@pytest.mark.parametrize("suffix", [".gz", ".bz2"])
def test_we_read_compressed_files_gensim_writes(tmp_path: Path, suffix: str, binary: bool) -> None:
    v = vectors(seed=4)
    g = gensim.models.KeyedVectors(vector_size=v.shape[1])
    g.add_vectors(WORDS, v)
    path = tmp_path / (("g.bin" if binary else "g.vec") + suffix)
    g.save_word2vec_format(str(path), binary=binary)
    kv = w2v.KeyedVectors.load_word2vec_format(path)
    assert kv.words == WORDS
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))


def test_gzip_is_deterministic(tmp_path: Path) -> None:
    """No time stamp or temporary name in the gzip header: the same vectors, the same bytes."""
    kv = w2v.KeyedVectors(WORDS, vectors())
    kv.save_word2vec_format(tmp_path / "a.bin.gz")
    kv.save_word2vec_format(tmp_path / "b.bin.gz")
    assert (tmp_path / "a.bin.gz").read_bytes() == (tmp_path / "b.bin.gz").read_bytes()


@pytest.mark.parametrize(
    ("binary", "body"),
    [
        (True, b"3 2\na \x00\x00\x80?\x00\x00\x00@\n"),  # truncated
        (False, b"3 2\na 1 2\n"),  # truncated
        (True, b"1000000000000000000 300\n"),  # a header that lies
        (False, b"1 2\na 1 2\nb 3 4\n"),  # more than declared
        (True, b"1 1\na \x00\x00\x80?b \x00\x00\x80?"),  # more than declared
        (False, b"2 2\na 1 2\nb 3 x\n"),  # not a number
        (True, b"2 2\na \x00\x00\x80?\x00\x00\x00@\na \x00\x00\x80?\x00\x00\x00@\n"),  # twice
        (True, b"2 3\nab\ncd \x00\x00\x80?\x00\x00\x00@\x00\x00\x00@\n"),  # wrong dimension
    ],
)
@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_files_get_the_plain_files_checks(
    tmp_path: Path, suffix: str, binary: bool, body: bytes
) -> None:
    """A malformed file says the same, at the same position, compressed or not, and a lying
    header allocates nothing it does not fill."""
    name = "v.bin" if binary else "v.txt"
    plain, packed = tmp_path / name, tmp_path / (name + suffix)
    plain.write_bytes(body)
    packed.write_bytes(COMPRESS[suffix](body))
    with pytest.raises(FormatError) as expected:
        load_word2vec_format(plain)
    tracemalloc.start()
    try:
        with pytest.raises(FormatError) as got:
            load_word2vec_format(packed)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(got.value) == str(expected.value).replace(str(plain), str(packed))
    assert peak < 12 << 20


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "text"])
def test_compressed_limit_and_records_across_chunks(tmp_path: Path, binary: bool) -> None:
    """Records cut by the reader's chunk boundaries load exactly; limit stops early."""
    n, dim = 3 * formats._CHUNK // (4 * 7 + 8) + 11, 7  # several chunks of binary records
    words = [f"w{i}" for i in range(n)]
    v = vectors(n, dim, seed=5)
    path = tmp_path / ("v.bin.gz" if binary else "v.txt.gz")
    path.write_bytes(gzip.compress(plain_bytes(binary, words, v), compresslevel=1))
    got_words, got = load_word2vec_format(path)
    assert got_words == words
    np.testing.assert_array_equal(bits(got), bits(v))
    got_words, got = load_word2vec_format(path, limit=1000)
    assert got_words == words[:1000] and got.shape == (1000, dim)


def test_damaged_compressed_data_is_a_format_error(tmp_path: Path) -> None:
    data = gzip.compress(plain_bytes(True, [f"w{i}" for i in range(2000)], vectors(2000)))
    path = tmp_path / "v.bin.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match=r"v.bin.gz: byte \d+: the gzip-compressed data is"):
        load_word2vec_format(path)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_file_named_as_text_says_so(tmp_path: Path, suffix: str) -> None:
    """A gzip file where plain text was expected: read decompressed, with a warning that
    says 'gzip-compressed' (not an error quoting its raw bytes)."""
    v = vectors(seed=6)
    path = tmp_path / "v.txt"
    path.write_bytes(COMPRESS[suffix](plain_bytes(False, v=v)))
    codec = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}[suffix]
    with pytest.warns(FormatWarning, match=rf"is {codec}-compressed .*rename it v\.txt\{suffix}"):
        kv = w2v.KeyedVectors.load_word2vec_format(path, binary=False)
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))


def test_a_plain_file_named_gz_says_so(tmp_path: Path) -> None:
    path = tmp_path / "v.txt.gz"
    path.write_bytes(plain_bytes(False))
    with pytest.warns(FormatWarning, match="is not compressed though its name ends in .gz"):
        kv = w2v.KeyedVectors.load_word2vec_format(path)
    assert kv.words == WORDS


@pytest.mark.parametrize(
    ("name", "binary"), [("v.bin.gz", True), ("v.txt.gz", False), ("v.txt", False)]
)
def test_loading_streams(tmp_path: Path, name: str, binary: bool) -> None:
    """Reading a compressed (or plain text) file holds the vectors and a few chunks, never
    the whole decompressed file (which would at least double the peak)."""
    n, dim = 40_000, 100 if binary else 20
    words = [f"w{i}" for i in range(n)]
    v = vectors(n, dim, seed=7)
    raw = plain_bytes(binary, words, v)
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw, compresslevel=1) if name.endswith(".gz") else raw)
    tracemalloc.start()
    try:
        _, got = load_word2vec_format(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(bits(got), bits(v))
    words_bytes = sum(len(w) + 50 for w in words)  # the list of str and the list of bytes
    assert peak < v.nbytes + 2 * words_bytes + (6 << 20), (peak, len(raw), v.nbytes)
    assert peak < len(raw) + v.nbytes  # less than decompressing the whole file


# -- GloVe: text without the header line ----------------------------------------------------------


def glove_bytes(v: np.ndarray, words=WORDS) -> bytes:
    return plain_bytes(False, words, v).split(b"\n", 1)[1]


# gensim 4.4's no_header reader leaves its file open (a ResourceWarning when collected).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_glove_no_header_loads_as_gensim_does(tmp_path: Path, suffix: str) -> None:
    v = vectors(seed=8)
    path = tmp_path / ("glove.6B.5d.txt" + suffix)
    data = glove_bytes(v)
    path.write_bytes(gzip.compress(data) if suffix else data)
    kv = w2v.KeyedVectors.load_word2vec_format(path, no_header=True)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(path), binary=False, no_header=True)
    assert kv.words == list(g.index_to_key) == WORDS
    np.testing.assert_array_equal(bits(kv.vectors), bits(g.vectors))
    np.testing.assert_array_equal(bits(kv.vectors), bits(v))
    assert w2v.KeyedVectors.load_word2vec_format(path, no_header=None).words == WORDS  # detected
    limited = w2v.KeyedVectors.load_word2vec_format(path, no_header=True, limit=2)
    assert limited.words == WORDS[:2]
    assert len(w2v.KeyedVectors.load_word2vec_format(path, no_header=True, limit=99)) == 6


def test_glove_without_no_header_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "glove.txt"
    path.write_bytes(glove_bytes(vectors()))
    with pytest.raises(FormatError, match=r"line 1: .* a word and 5 numbers: GloVe's .*no_header"):
        w2v.KeyedVectors.load_word2vec_format(path)


def test_no_header_on_a_file_with_a_header_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "v.txt"
    path.write_bytes(plain_bytes(False))
    with pytest.raises(FormatError, match="found a header '6 5' though no_header=True"):
        w2v.KeyedVectors.load_word2vec_format(path, no_header=True)
    assert w2v.KeyedVectors.load_word2vec_format(path, no_header=None).words == WORDS


def test_glove_checks_every_line(tmp_path: Path) -> None:
    path = tmp_path / "glove.txt"
    path.write_bytes(b"a 1 2\nb 3 4\nc 5\n")
    with pytest.raises(FormatError, match="line 3: expected a word and 2 numbers, got 1"):
        load_word2vec_format(path, no_header=True)
    path.write_bytes(b"a 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(FormatError, match="line 3: the word 'a' appears again"):
        load_word2vec_format(path, no_header=True)
    path.write_bytes(b"\n  \n")
    with pytest.raises(FormatError, match="line 1: expected a word and its numbers"):
        load_word2vec_format(path, no_header=True)


def test_detect_format_describes_compression_and_header(tmp_path: Path) -> None:
    kv = w2v.KeyedVectors(WORDS, vectors())
    kv.save_word2vec_format(tmp_path / "v.bin.xz")
    (tmp_path / "g.txt").write_bytes(glove_bytes(vectors()))
    assert formats.detect_format(tmp_path / "v.bin.xz") == "binary, xz-compressed"
    assert formats.detect_format(tmp_path / "g.txt") == "text without header"


# -- the streaming readers against the mapped ones, on damaged files ---------------------------


@pytest.mark.timeout(300)
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_compressed_reader_agrees_with_the_plain_one(binary: bool, data: st.DataObject) -> None:
    """Any (damaged) file gives the same words and bits, or the same error at the same
    place, read plain or gzip-compressed, even with chunks of a few bytes (so records and
    lines are cut at every position)."""
    valid, damaged = data.draw(vectors_file(binary))
    content = data.draw(st.sampled_from([valid, damaged]))
    assume(not content.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ")))  # would be sniffed
    limit = data.draw(st.one_of(st.none(), st.integers(0, 6)))
    chunk = data.draw(st.integers(1, 9))
    nl = content.find(b"\n")
    head = max(16, nl + 1) if nl >= 0 else 16  # whole header lines, as the 64 KiB head has
    with tempfile.TemporaryDirectory() as d:
        plain, packed = Path(d) / "v", Path(d) / "v.gz"
        plain.write_bytes(content)
        packed.write_bytes(gzip.compress(content))
        outcomes = []
        for path, small in ((plain, False), (packed, True)):
            patches = {"_CHUNK": chunk, "_HEAD": head} if small else {"_HEAD": formats._HEAD}
            with mock.patch.multiple(formats, **patches):
                try:
                    words, got = load_word2vec_format(path, binary=binary, limit=limit)
                    outcomes.append((words, bits(got).tolist(), got.shape))
                except FormatError as exc:
                    outcomes.append(str(exc).replace(str(path), "PATH"))
    assert outcomes[0] == outcomes[1]
