"""Every loader under random corruption: a clean FormatError or exactly what the bytes say.

Each test writes a small valid file, damages it (truncation, flipped, inserted or deleted
bytes, a rewritten header), loads it, and checks the outcome against an independent, plainly
written reading of the same bytes (the ``spec_*`` functions below, which follow the rules
stated in :func:`w2v.formats.load_word2vec_format`): a valid file must load to exactly the
words and float32 bits it holds, an invalid one must raise FormatError naming the path and a
position. Any other exception, a hang (pytest-timeout) or a large allocation (tracemalloc)
fails the test.
"""

from __future__ import annotations

import json
import re
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import w2v
from w2v import formats, native
from w2v.errors import FormatError

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: No loader may allocate more than this for files of a few hundred bytes, whatever the
#: header claims.
ALLOC_LIMIT = 8 << 20
WS = b" \t\r\n"

# -- the specification, written independently of w2v.formats ----------------------------------


def spec_header(data: bytes) -> tuple[int, int, int] | None:
    """(declared count, dim, offset of the body), or None if the header is invalid."""
    nl = data.find(b"\n", 0, 1 << 16)
    if nl < 0:
        return None
    m = re.fullmatch(rb"[ \t]*(\d{1,30})[ \t]+(\d{1,30})[ \t\r]*", data[:nl])
    if m is None:
        return None
    n, dim = int(m.group(1)), int(m.group(2))
    if not 1 <= dim <= formats.MAX_DIM:
        return None
    return n, dim, nl + 1


def spec_floats(tokens: list[bytes]) -> list[float] | None:
    """Python's float() of each token (gensim's reading), or None if one is not a number."""
    try:
        return [float(t) for t in tokens]
    except ValueError:
        return None


def spec_unique(words: list[bytes]) -> list[str] | None:
    """The words decoded with U+FFFD for bad bytes, or None if two are equal."""
    decoded = [w.decode("utf-8", errors="replace") for w in words]
    return decoded if len(set(decoded)) == len(decoded) else None


Spec = tuple[list[str], np.ndarray] | None


def spec_text(data: bytes, limit: int | None) -> Spec:
    """What a text vectors file holds: 'word v1 .. vdim' lines split by single spaces."""
    header = spec_header(data)
    if header is None:
        return None
    n, dim, pos = header
    if limit is not None:
        n, limited = min(n, limit), limit < n
    else:
        limited = False
    lines = data[pos:].split(b"\n")
    words, rows = [], []
    used = 0
    for raw in lines:
        if len(words) == n:
            break
        used += 1
        line = raw.rstrip(b" \t\r")
        if not line.strip(b" \t"):
            continue
        parts = line.split(b" ")
        if len(parts) != dim + 1 or not parts[0] or b"\t" in parts[0]:
            return None
        values = spec_floats(parts[1:])
        if values is None:
            return None
        words.append(parts[0])
        rows.append(values)
    if len(words) < n:
        return None
    if not limited and b"\n".join(lines[used:]).strip(WS):
        return None
    decoded = spec_unique(words)
    if decoded is None:
        return None
    with np.errstate(over="ignore"):
        vectors = np.array(rows, dtype=np.float64).reshape(len(rows), dim).astype(np.float32)
    return decoded, vectors


def spec_binary(data: bytes, limit: int | None) -> Spec:
    """What a binary vectors file holds: 'word' b' ' and dim little-endian float32 per record."""
    header = spec_header(data)
    if header is None:
        return None
    n, dim, pos = header
    limited = limit is not None and limit < n
    if limit is not None:
        n = min(n, limit)
    first = data[pos : pos + (1 << 16)].lstrip(WS).split(b"\n", 1)[0].split()
    textish = set(b"0123456789+-.eEinfatyINFATY \t\r")
    if (
        n > 0
        and len(first) == dim + 1
        and all(textish.issuperset(t) for t in first[1:])
        and spec_floats(first[1:]) is not None
    ):
        return None  # a text file: refused even where its bytes would parse as binary
    words, rows = [], []
    for _ in range(n):
        while pos < len(data) and data[pos] in WS:
            pos += 1
        space = data.find(b" ", pos)
        if space <= pos or b"\n" in data[pos:space]:
            return None
        vector = data[space + 1 : space + 1 + 4 * dim]
        if len(vector) < 4 * dim:
            return None
        words.append(data[pos:space])
        rows.append(np.frombuffer(vector, dtype="<f4"))
        pos = space + 1 + 4 * dim
    if not limited and data[pos:].strip(WS):
        return None
    decoded = spec_unique(words)
    if decoded is None:
        return None
    return decoded, np.array(rows, dtype=np.float32).reshape(len(rows), dim)


# -- corruption strategies ----------------------------------------------------------------


@st.composite
def corruption(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` damaged by one to three random edits."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "header", "byte"]))
        at = draw(st.integers(0, max(len(data), 1))) % (len(data) + 1)
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif kind == "byte" and data:  # a byte the formats care about
            at = min(at, len(data) - 1)
            b = draw(st.sampled_from([b" ", b"\n", b"\t", b"\r", b"0", b"-", b".", b"\xff", b"e"]))
            data = data[:at] + b + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
        elif kind == "header":
            numbers = st.one_of(
                st.integers(0, 12),
                st.sampled_from([-1, 10**6, 2**31, 2**63, 10**18, 10**29, 10**40]),
            )
            n, dim = draw(numbers), draw(numbers)
            nl = data.find(b"\n")
            data = f"{n} {dim}".encode() + (data[nl:] if nl >= 0 else b"\n")
    return data


word_st = st.text(
    st.characters(codec="utf-8").filter(lambda c: not c.isspace()), min_size=1, max_size=6
)


@st.composite
def vectors_file(draw: st.DrawFn, binary: bool) -> tuple[bytes, bytes]:
    """(valid file bytes, corrupted bytes) of a few random words and vectors."""
    words = draw(st.lists(word_st, min_size=0, max_size=5, unique=True))
    dim = draw(st.integers(1, 4))
    values = draw(
        st.lists(
            st.floats(width=32, allow_nan=False),
            min_size=len(words) * dim,
            max_size=len(words) * dim,
        )
    )
    v = np.array(values, dtype=np.float32).reshape(len(words), dim)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "v"
        formats.save_word2vec_format(path, words, v, binary=binary)
        valid = path.read_bytes()
    if binary and draw(st.booleans()):  # gensim writes no newline after a vector
        valid = valid[: valid.find(b"\n") + 1] + b"".join(
            w.encode() + b" " + row.astype("<f4").tobytes() for w, row in zip(words, v, strict=True)
        )
    return valid, draw(corruption(valid))


@pytest.fixture(autouse=True, scope="module")
def _compiled_readers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Load the compiled binary scanner once, so its one-time cost is not counted as an
    allocation of the first example."""
    path = tmp_path_factory.mktemp("warm") / "v.bin"
    formats.save_word2vec_format(path, ["a"], np.ones((1, 2), np.float32), binary=True)
    formats.load_word2vec_format(path, binary=True)


def assert_clean_error(exc: FormatError, path: Path) -> None:
    """A FormatError message: one line with the path and a line or byte position."""
    msg = str(exc)
    assert "\n" not in msg, msg
    assert msg.startswith(str(path)), msg
    assert re.search(r": (line|byte) \d+: ", msg), msg


def load_traced(fn, *args, **kwargs):
    """Call ``fn`` and return (result or exception, peak bytes allocated during the call)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        out = fn(*args, **kwargs)
    except FormatError as exc:
        out = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return out, peak


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def check_word2vec(data: bytes, binary: bool, limit: int | None) -> None:
    expected = (spec_binary if binary else spec_text)(data, limit)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "vectors"
        path.write_bytes(data)
        out, peak = load_traced(formats.load_word2vec_format, path, binary=binary, limit=limit)
        assert peak < ALLOC_LIMIT, f"{peak} bytes allocated for a {len(data)}-byte file"
        if isinstance(out, FormatError):
            assert expected is None, f"a valid file was refused: {out}"
            assert_clean_error(out, path)
            return
        assert expected is not None, f"an invalid file was accepted: {data!r}"
        words, vectors = out
        assert words == expected[0]
        assert vectors.dtype == np.float32 and vectors.shape == expected[1].shape
        np.testing.assert_array_equal(bits(vectors), bits(expected[1]))


@pytest.mark.timeout(120)
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@FUZZ
@given(data=st.data())
def test_word2vec_loader_under_corruption(binary: bool, data: st.DataObject) -> None:
    """Damaged text and binary files give a clean FormatError or exactly their contents."""
    valid, damaged = data.draw(vectors_file(binary))
    limit = data.draw(st.one_of(st.none(), st.integers(0, 6)))
    check_word2vec(valid, binary, None)  # the undamaged file is valid and loads exactly
    assert (spec_binary if binary else spec_text)(valid, None) is not None
    check_word2vec(damaged, binary, limit)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_word2vec_loader_on_the_other_format(binary: bool, data: st.DataObject) -> None:
    """A (damaged) file of one format read as the other: a clean error or what the bytes say."""
    _, damaged = data.draw(vectors_file(not binary))
    check_word2vec(damaged, binary, None)


@pytest.mark.parametrize(
    ("binary", "body", "found"),
    [
        (True, b"3 2\na \x00\x00\x80?\x00\x00\x00@\n", "byte 15: expected word 2 of 3"),
        (False, b"3 2\na 1 2\n", "line 3: expected vector 2 of the 3"),
        (True, b"1000000000000000000 300\n", "byte 24: expected word 1 of 1000000000000000000"),
        (False, b"1000000000000000000 300\nw 1\n", "line 2: expected a word and 300 numbers"),
        (True, b"2 16777216\na b\n", "byte 13: vector 1 of 2 needs 67108864 bytes"),
        (True, b"2 16777217\na b\n", "line 1: the header declares dimension 16777217"),
        (False, b"1 99999999999999999999999999999\na 1\n", "line 1: the header declares dim"),
        (False, b"1 2\na 1 2\nb 3 4\n", "line 3: expected the end of the file"),
        (True, b"1 1\na \x00\x00\x80?b \x00\x00\x80?", "byte 10: expected the end of the file"),
    ],
)
def test_counts_that_lie_fail_before_allocating(
    tmp_path: Path, binary: bool, body: bytes, found: str
) -> None:
    """A header claiming more (even 10^18) or fewer vectors than the file holds fails cheaply
    at the position where the file disagrees, without allocating the claimed size."""
    path = tmp_path / "v"
    path.write_bytes(body)
    out, peak = load_traced(formats.load_word2vec_format, path, binary=binary)
    assert isinstance(out, FormatError)
    assert found in str(out)
    assert peak < ALLOC_LIMIT


# -- native folders and model archives ----------------------------------------------------


def spec_native(folder: Path) -> Spec:
    """What a native folder holds, read with numpy's own .npy parser and json."""
    try:
        meta = json.loads((folder / "meta.json").read_bytes().decode("utf-8"))
        raw = (folder / "vectors.npy").read_bytes()
        with open(folder / "vectors.npy", "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = {
                (1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0,
            }[version]
            shape, fortran, dtype = read_header(fh)
            offset = fh.tell()
    except Exception:  # any failure of the reference readers means "invalid"
        return None
    if not isinstance(meta, dict) or meta.get("format") != "w2v-keyedvectors":
        return None
    count = meta.get("count")
    if type(count) is not int or dtype.str != "<f4" or fortran or len(shape) != 2:
        return None
    if len(raw) != offset + 4 * int(np.prod(shape)):
        return None
    text = (folder / "words.txt").read_bytes().decode("utf-8", errors="replace")
    words = text.split("\n") if text or count else []
    if not (count == len(words) == shape[0]) or len(set(words)) != len(words):
        return None
    return words, np.frombuffer(raw[offset:], dtype="<f4").reshape(shape)


@pytest.mark.timeout(120)
@settings(FUZZ, max_examples=100)
@given(data=st.data(), part=st.sampled_from(["vectors.npy", "words.txt", "meta.json"]))
def test_native_loader_under_corruption(data: st.DataObject, part: str) -> None:
    """A damaged native folder (any of its three files) gives a clean FormatError naming it,
    or loads exactly what its files hold."""
    words = data.draw(st.lists(word_st, min_size=0, max_size=4, unique=True))
    v = np.arange(len(words) * 3, dtype=np.float32).reshape(len(words), 3)
    mmap = data.draw(st.sampled_from([None, "r"]))
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d) / "kv"
        native.save_native(folder, words, v)
        target = folder / part
        target.write_bytes(data.draw(corruption(target.read_bytes())))
        expected = spec_native(folder)
        out, peak = load_traced(w2v.KeyedVectors.load, folder, mmap=mmap)
        assert peak < ALLOC_LIMIT
        if isinstance(out, FormatError):
            assert expected is None, f"a valid folder was refused: {out}"
            assert str(folder) in str(out) and "\n" not in str(out)
            return
        assert expected is not None, "an invalid folder was accepted"
        assert out.words == expected[0]
        np.testing.assert_array_equal(bits(out.vectors), bits(expected[1]))


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    """A tiny trained model, saved."""
    model = w2v.Word2Vec(dim=4, min_count=1, epochs=1, workers=1, sample=0.0, loss="hs")
    model.fit([["a", "b", "c"], ["b", "c", "d", "a"]] * 3, progress=False)
    with tempfile.TemporaryDirectory() as d:
        model.save(Path(d) / "m.npz")
        return (Path(d) / "m.npz").read_bytes()


@pytest.mark.timeout(120)
@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_model_loader_under_corruption(model_bytes: bytes, data: st.DataObject) -> None:
    """A damaged model archive gives a clean FormatError, or (when only bytes outside the
    CRC-checked members changed) the very same model."""
    damaged = data.draw(corruption(model_bytes))
    with tempfile.TemporaryDirectory() as d:
        good, path = Path(d) / "good.npz", Path(d) / "m.npz"
        good.write_bytes(model_bytes)
        path.write_bytes(damaged)
        out, peak = load_traced(w2v.Word2Vec.load, path)
        assert peak < ALLOC_LIMIT
        if isinstance(out, FormatError):
            assert str(out).startswith(str(path)) and "\n" not in str(out)
            return
        ref = w2v.Word2Vec.load(good)
        assert out.config == ref.config and out.vocab.words == ref.vocab.words
        np.testing.assert_array_equal(out.vocab.counts, ref.vocab.counts)
        np.testing.assert_array_equal(bits(out.W_in), bits(ref.W_in))
        np.testing.assert_array_equal(bits(out.W_out), bits(ref.W_out))


def test_model_archive_with_a_lying_array_header(tmp_path: Path, model_bytes: bytes) -> None:
    """An archive whose W_in header claims 10^12 rows (CRC recomputed, so zip checks pass)
    fails naming the member, before allocating anything of that size."""
    src, path = tmp_path / "m.npz", tmp_path / "bad.npz"
    src.write_bytes(model_bytes)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            raw = zin.read(info)
            if info.filename == "W_in.npy":
                raw = re.sub(rb"'shape': \(\d+,", b"'shape': (1000000000000,", raw, count=1)
            zout.writestr(info.filename, raw)
    out, peak = load_traced(w2v.Word2Vec.load, path)
    assert isinstance(out, FormatError)
    assert "member W_in.npy" in str(out) and "(1000000000000, 4)" in str(out)
    assert peak < ALLOC_LIMIT


@pytest.mark.timeout(60)
@settings(FUZZ, max_examples=80)
@given(data=st.data())
def test_vocab_loader_under_corruption(data: st.DataObject) -> None:
    """A damaged 'word count' file gives a clean FormatError with the line, or unique words
    with their integer counts exactly as the lines say."""
    words = data.draw(st.lists(word_st, min_size=1, max_size=5, unique=True))
    counts = data.draw(st.lists(st.integers(0, 10**6), min_size=len(words), max_size=len(words)))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "vocab.txt"
        formats.save_vocab(path, words, counts)
        damaged = data.draw(corruption(path.read_bytes()))
        path.write_bytes(damaged)
        out, _ = load_traced(formats.load_vocab, path)
        pairs = [line.split() for line in damaged.split(b"\n") if line.split()]
        if isinstance(out, FormatError):
            assert str(out).startswith(str(path)) and "\n" not in str(out)
            return
        expected = [(w.decode("utf-8", "replace"), int(c)) for w, c in pairs if w != b"</s>"]
        assert list(zip(*out, strict=True)) == expected
