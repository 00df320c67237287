"""word2vec.c's files: text and binary vectors, plain or compressed, and vocabulary lists.

Text:   ``"V dim\\n"`` then one line per word: ``word v1 v2 … vdim\\n``.
Binary: ``"V dim\\n"`` then per word: ``word`` + ``b" "`` + dim little-endian float32 +
        ``b"\\n"`` (word2vec.c writes the newline; gensim does not; both are read).
GloVe:  text without the ``"V dim"`` line (read with ``no_header=True``).
Vocabulary (``-save-vocab``): ``word count`` per line.

A file's format follows its name (:func:`vectors_format`): ``.bin`` is binary; ``.txt``,
``.vec`` and ``.text`` are text; ``.gz``, ``.bz2`` or ``.xz`` after either compresses it
(``GoogleNews-vectors-negative300.bin.gz``, ``cc.en.300.vec.gz``). An explicit ``binary=``
wins over the name; a name that says neither is an error when writing. Reading also looks at
the bytes: compression is recognised by its magic number and text or binary by the first
record, and a :class:`~w2v.errors.FormatWarning` says so when the name disagrees.

Files are written atomically and byte-compatibly with word2vec.c; text values have 9
significant digits, which round-trips float32 exactly. Compressed files are read as a stream
(never decompressed whole into memory or onto disk). Reading is strict: every malformation
raises :class:`~w2v.errors.FormatError` naming the path and the line or byte (of the
decompressed data, for a compressed file).
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import os
import re
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from ._files import atomic_write, check_regular_file
from ._jit import jit
from .errors import FormatError, FormatWarning

_WS = b" \t\r\n"

#: Name endings of word2vec binary files.
BINARY_SUFFIXES = (".bin",)
#: Name endings of word2vec text files.
TEXT_SUFFIXES = (".txt", ".vec", ".text")
#: Name endings of compressed files, after the text or binary one, and their codec.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz"}
_SUFFIX_OF = {codec: suffix for suffix, codec in COMPRESSIONS.items()}
_OPEN = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}
#: Bytes read from a compressed file at a time.
_CHUNK = 1 << 20
#: Bytes read first, for the header and the first record (to tell text from binary).
_HEAD = 1 << 16
#: Rows written per write call (batches the per-word Python work and the compressor calls).
_WRITE_ROWS = 4096


class VectorsFormat(NamedTuple):
    """What a vectors file is, as :func:`vectors_format` reads it from the name and ``binary=``.

    ``binary``: True for word2vec binary, False for text, None when neither the name nor
    ``binary=`` says. ``compression``: ``"gzip"``, ``"bz2"``, ``"xz"``, or None (plain).
    """

    binary: bool | None
    compression: str | None


def vectors_format(
    path: str | os.PathLike, binary: bool | None = None, *, required: str | None = None
) -> VectorsFormat:
    """The one rule for a vectors file's format: ``binary=`` if given, else the name.

    ``.bin`` is binary; ``.txt``, ``.vec`` and ``.text`` are text; a final ``.gz``, ``.bz2``
    or ``.xz`` (whatever ``binary=`` says) compresses it. Case is ignored.

    Parameters
    ----------
    path : str or path-like
        The file name.
    binary : bool, optional
        True or False overrides what the name says about text or binary.
    required : str, optional
        If given and the format is still unknown, raise :class:`~w2v.errors.FormatError`
        whose message ends with this advice (e.g. ``"pass binary=True or binary=False"``).

    Returns
    -------
    VectorsFormat

    Examples
    --------
    >>> vectors_format("GoogleNews-vectors-negative300.bin.gz")
    VectorsFormat(binary=True, compression='gzip')
    >>> vectors_format("cc.en.300.vec")
    VectorsFormat(binary=False, compression=None)
    >>> vectors_format("vectors.dat")
    VectorsFormat(binary=None, compression=None)
    """
    name = Path(path).name.lower()
    compression = None
    for suffix, codec in COMPRESSIONS.items():
        if name.endswith(suffix):
            compression, name = codec, name[: -len(suffix)]
            break
    if binary is None:
        if name.endswith(BINARY_SUFFIXES):
            binary = True
        elif name.endswith(TEXT_SUFFIXES):
            binary = False
        elif required is not None:
            extra = (
                "; a .tsv for TensorBoard's Embedding Projector is written by "
                "KeyedVectors.save_projector (w2v convert --to projector)"
                if name.endswith(".tsv")
                else ""
            )
            raise FormatError(
                f"Cannot tell from the name {Path(path).name!r} whether to use word2vec text or "
                "binary: end it in .bin (binary) or .txt/.vec (text), optionally followed by "
                f".gz, .bz2 or .xz, or {required}{extra}."
            )
    return VectorsFormat(None if binary is None else bool(binary), compression)


@contextlib.contextmanager
def _compressed(fh: BinaryIO, compression: str | None) -> Iterator[BinaryIO]:
    """``fh`` itself, or a compressor writing into it (closed, so flushed, on exit)."""
    if compression is None:
        yield fh
        return
    if compression == "gzip":  # no name and time in the header: the same bytes every time
        out: BinaryIO = gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=6, mtime=0)
    elif compression == "bz2":
        out = bz2.BZ2File(fh, "wb")
    else:
        out = lzma.LZMAFile(fh, "wb")
    with out:
        yield out


def save_word2vec_format(
    path: str | os.PathLike,
    words: Sequence[str],
    vectors: np.ndarray,
    *,
    binary: bool | None = None,
) -> None:
    """Write vectors in word2vec.c's text or binary format, atomically.

    The format follows the name unless ``binary`` says (see :func:`vectors_format`): ``.bin``
    binary, ``.txt``/``.vec`` text, ``.gz``/``.bz2``/``.xz`` compressed on top. A name that
    says neither, with ``binary=None``, raises :class:`~w2v.errors.FormatError`.
    """
    fmt = vectors_format(path, binary, required="pass binary=True or binary=False")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(words)} words")
    for w in words:
        if not w or any(c in w for c in " \t\n\r"):
            raise FormatError(
                f"Cannot write word {w!r}: words in word2vec files must be non-empty "
                "and contain no whitespace."
            )
    V, dim = vectors.shape
    line = " ".join(["%.9g"] * dim)
    with atomic_write(path) as raw, _compressed(raw, fmt.compression) as fh:
        fh.write(f"{V} {dim}\n".encode())
        for start in range(0, V, _WRITE_ROWS):
            block = vectors[start : start + _WRITE_ROWS]
            some = words[start : start + _WRITE_ROWS]
            if fmt.binary:
                little = block.astype("<f4", copy=False)
                fh.write(
                    b"".join(
                        w.encode("utf-8") + b" " + row.tobytes() + b"\n"
                        for w, row in zip(some, little, strict=True)
                    )
                )
            else:
                fh.write(
                    "".join(
                        f"{w} {line % tuple(row)}\n"
                        for w, row in zip(some, block.tolist(), strict=True)
                    ).encode()
                )


_BOM = b"\xef\xbb\xbf"
_HEADER = re.compile(rb"[ \t]*(\d{1,30})[ \t]+(\d{1,30})[ \t\r]*")
#: Largest vector dimension a header may declare (a sanity bound against corrupted headers).
MAX_DIM = 1 << 24
#: Bytes a text vector file must hold, in the text charset, for a binary read to call it text.
_TEXTISH = frozenset(b"0123456789+-.eEinfatyINFATY \t\r")
#: Bytes of printable ASCII text and its whitespace; a binary vector almost surely has others.
_PRINTABLE = frozenset(range(0x20, 0x7F)) | frozenset(b"\t\n\r")


def _parse_header(line: bytes, path: str) -> tuple[int, int]:
    """``<words> <dim>`` in ASCII digits, dim in [1, MAX_DIM]; FormatError naming line 1.

    A leading UTF-8 byte-order mark (some Windows editors write one) is skipped; gensim 4.4
    refuses such a file.
    """
    m = _HEADER.fullmatch(line.removeprefix(_BOM))
    if m is None or int(m.group(2)) < 1:
        found = _glove_dim(line)
        if found:
            raise FormatError(
                f"{path}: line 1: expected a header '<words> <dim>', found a word and {found} "
                "numbers: GloVe's text format without a header? Load it with no_header=True."
            )
        raise FormatError(f"{path}: line 1: expected a header '<words> <dim>', got {line[:60]!r}.")
    n, dim = int(m.group(1)), int(m.group(2))
    if dim > MAX_DIM:
        raise FormatError(
            f"{path}: line 1: the header declares dimension {dim}, more than the {MAX_DIM} "
            "w2v accepts (a corrupted header?)."
        )
    return n, dim


def _glove_dim(line: bytes) -> int:
    """The number of values if ``line`` is ``word v1 … vk`` (GloVe's first line), else 0."""
    parts = line.removeprefix(_BOM).rstrip(b" \t\r").split(b" ")
    dim = len(parts) - 1
    return dim if 1 <= dim <= MAX_DIM and _is_text_record(b" ".join(parts), dim) else 0


class _Source:
    """A vectors file opened for reading, decompressed if it is compressed.

    Errors of the decompressor become :class:`FormatError` naming the byte of the
    decompressed data where it stopped.
    """

    def __init__(self, path: str, compression: str | None) -> None:
        self.path, self.compression, self.pos = path, compression, 0
        self._fh: BinaryIO = open(path, "rb") if compression is None else _OPEN[compression](path)

    def read(self, size: int) -> bytes:
        try:
            data = self._fh.read(size)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            if self.compression is None:
                raise
            raise FormatError(
                f"{self.path}: byte {self.pos}: the {self.compression}-compressed data is "
                f"damaged or cut short ({exc})."
            ) from None
        self.pos += len(data)
        return data

    def read_full(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the data."""
        parts, got = [], 0
        while got < size:
            data = self.read(size - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def close(self) -> None:
        self._fh.close()


def _compression_of(path: str, named: str | None, warn: bool) -> str | None:
    """The compression ``path`` holds, by its magic number; a warning if its name disagrees."""
    with open(path, "rb") as fh:
        magic = fh.read(10)
    if magic.startswith(b"\x1f\x8b"):
        found: str | None = "gzip"
    elif magic.startswith(b"\xfd7zXZ\x00"):
        found = "xz"
    elif re.fullmatch(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", magic):
        found = "bz2"
    else:
        found = None
    if found != named and warn:
        name = Path(path).name
        what = f"{found}-compressed" if found else "not compressed"
        said = f"its name ends in {_SUFFIX_OF[named]}" if named else "its name has no .gz/.bz2/.xz"
        warnings.warn(
            f"{path}: is {what} though {said}; reading it as it is"
            + (f" (rename it {name}{_SUFFIX_OF[found]})." if found and not named else "."),
            FormatWarning,
            stacklevel=4,
        )
    return found


def _looks(body: bytes, dim: int) -> str | None:
    """'text' or 'binary' by the first record after the header, or None if it is neither."""
    rest = body.lstrip(_WS)
    if _is_text_record(rest.split(b"\n", 1)[0], dim):
        return "text"
    space = rest.find(b" ")
    if space <= 0 or b"\n" in rest[:space]:
        return None
    vector = rest[space + 1 : space + 1 + 4 * dim]
    return "binary" if vector and not _PRINTABLE.issuperset(vector) else None


class _Plan(NamedTuple):
    """How to read a vectors file: codec, header (None: GloVe), text or binary, data start."""

    compression: str | None
    header: tuple[int, int] | None
    dim: int
    binary: bool
    start: int


def _plan(
    path: str,
    head: bytes,
    compression: str | None,
    binary: bool | None,
    explicit: bool,
    no_header: bool | None,
    warn: bool,
) -> _Plan:
    """Decide how to read a file from its first bytes ``head`` and what the caller said."""
    nl = head.find(b"\n")
    first = head if nl < 0 else head[:nl]
    if no_header is None:  # detect: a first line that is a word and numbers
        no_header = _HEADER.fullmatch(first.removeprefix(_BOM)) is None and _glove_dim(first) > 0
    if no_header:
        if binary and explicit:
            raise FormatError(
                f"{path}: no_header=True reads GloVe's header-less text; it cannot read binary."
            )
        start = len(_BOM) if head.startswith(_BOM) else 0
        line = head[start:].lstrip(_WS).split(b"\n", 1)[0]
        dim = len(line.rstrip(b" \t\r").split(b" ")) - 1
        if dim < 1:
            raise FormatError(
                f"{path}: line 1: expected a word and its numbers (GloVe's text), found "
                f"{line[:60]!r}."
            )
        m = _HEADER.fullmatch(line)
        if m and _looks(head[start:].lstrip(_WS).split(b"\n", 1)[-1], int(m.group(2))) == "text":
            raise FormatError(
                f"{path}: line 1: found a header '{line.decode()}' though no_header=True; load "
                "it with no_header=False."
            )
        return _Plan(compression, None, dim, False, start)
    if nl < 0:
        raise FormatError(f"{path}: line 1: no header line '<words> <dim>' found.")
    n, dim = _parse_header(first, path)
    start = nl + 1
    if explicit or not n:
        return _Plan(compression, (n, dim), dim, bool(binary), start)
    looks = _looks(head[start:], dim)
    if binary is None:
        if looks is None:
            raise FormatError(
                f"{path}: cannot tell whether it is word2vec text or binary: its name says "
                "neither and its first record is neither (a damaged file?); pass binary=True "
                "or binary=False, or name it .bin or .txt, to read it as one and see where it "
                "breaks."
            )
        return _Plan(compression, (n, dim), dim, looks == "binary", start)
    if looks is not None and (looks == "binary") != binary:
        if warn:
            said = "binary" if binary else "text"
            warnings.warn(
                f"{path}: its name says word2vec {said} but it holds word2vec {looks}; reading "
                f"it as {looks}.",
                FormatWarning,
                stacklevel=4,
            )
        return _Plan(compression, (n, dim), dim, looks == "binary", start)
    return _Plan(compression, (n, dim), dim, binary, start)


def load_word2vec_format(
    path: str | os.PathLike,
    *,
    binary: bool | None = None,
    limit: int | None = None,
    unicode_errors: str = "replace",
    no_header: bool | None = False,
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec.c text or binary file; return (words, (V, dim) float32 vectors).

    The format: ``binary`` if given; else the name (``.bin`` binary, ``.txt``/``.vec`` text),
    checked against the first record, which wins with a :class:`~w2v.errors.FormatWarning`
    when they disagree; a name that says neither reads what the first record is. A
    ``.gz``/``.bz2``/``.xz`` file is decompressed as it is read; compression is recognised by
    its magic number, whatever the name (a warning says when the name disagrees).
    ``no_header=True`` reads GloVe's text format, which has no ``"V dim"`` line (as gensim);
    ``no_header=None`` detects it (a first line that is a word and numbers). ``limit`` reads
    only the first ``limit`` vectors (and ignores whatever follows them).

    Reading is strict: every malformation raises :class:`FormatError` whose message names the
    path, the line (text) or byte offset (binary; of the decompressed data for a compressed
    file), what was expected and what was found — a header that is not two numbers, a header
    declaring more vectors than the file holds (checked against the file size *before*
    anything is allocated; a compressed file's arrays grow as its records arrive) or fewer
    (data left after the declared vectors), a vector of the wrong length, a value that is not
    a number, a word listed twice, a binary file read as text or a text file read as binary,
    a truncated file, damaged compressed data.

    Accepted as gensim accepts them: ``nan``, ``inf`` and values beyond the float32 range
    (read as ±inf); blank lines and trailing spaces or ``\\r`` in text files; binary vectors
    with or without word2vec.c's newline after them. Words that are not valid UTF-8
    (word2vec.c cuts long words at 100 bytes, possibly inside a character) get U+FFFD for
    the bad bytes with ``unicode_errors="replace"`` (the default); ``"strict"`` raises
    FormatError at the word instead.
    """
    if unicode_errors not in ("replace", "strict"):
        raise ValueError(f"unicode_errors must be 'replace' or 'strict', not {unicode_errors!r}")
    p = check_regular_file(path)
    size = os.path.getsize(p)
    named = vectors_format(p, binary)
    compression = _compression_of(p, named.compression, warn=True)
    source = _Source(p, compression)
    try:
        head = source.read_full(_HEAD)
        if not head:  # (for a compressed file: its data)
            raise FormatError(
                f"{p}: line 1: no header line '<words> <dim>' found (the file is empty)."
            )
        plan = _plan(p, head, compression, named.binary, binary is not None, no_header, True)
        dim, start = plan.dim, plan.start
        n = None if plan.header is None else plan.header[0]
        limited = limit is not None and (n is None or max(0, int(limit)) < n)
        if limited:
            n = max(0, int(limit))  # type: ignore[arg-type]
        unit = "byte" if plan.binary else "line"
        if plan.binary and compression is None:
            source.close()
            data = np.memmap(p, dtype=np.uint8, mode="r")
            try:
                words, vectors, where = _read_binary(data, start, n or 0, dim, p, limited)
            finally:
                del data
        elif plan.binary:
            words, vectors, where = _read_binary_stream(
                source, head[start:], start, n or 0, dim, p, limited
            )
        else:
            # The shortest line is "w 0 … 0" (1 + 2·dim bytes): a plain file cannot hold more
            # lines than `fit`, so no more are allocated, whatever the header claims.
            if compression is None:
                fit = (size - start + 1) // (2 * dim + 2)
                rows = fit if n is None else min(n, fit)
            else:
                rows = _Rows.first(n, dim)
            lines = _lines(head[start:], source)
            first_line = 0 if plan.header is None else 1
            words, vectors, where = _read_text(
                lines, n, dim, p, limited, rows, first_line, declared=plan.header is not None
            )
        return _decode_words(words, where, p, unicode_errors, unit), vectors
    finally:
        source.close()


def _lines(first: bytes, source: _Source) -> Iterator[bytes]:
    """The lines of ``first`` and then of the rest of ``source``, split on b"\\n" only."""
    buf = first
    while True:
        more = source.read(_CHUNK)
        if not more:
            break
        buf += more
        lines = buf.split(b"\n")
        buf = lines.pop()
        yield from lines
    last = buf.split(b"\n")
    if not last[-1]:  # the end of the final line, not a line of its own
        last.pop()
    yield from last


class _Rows:
    """A (rows, dim) float32 array filled in order and grown in place when it is full.

    ``ndarray.resize`` reallocates, which for large arrays remaps pages instead of copying
    them, so growing never holds two copies of the vectors.
    """

    def __init__(self, dim: int, rows: int) -> None:
        self.array = np.empty((max(rows, 0), dim), dtype=np.float32)
        self.count = 0
        self.step = max(1, _CHUNK // (4 * dim))  # grow by at least 1 MiB

    @staticmethod
    def first(n: int | None, dim: int) -> int:
        """Rows to allocate before any is read, at most 1 MiB of them, whatever n claims."""
        return max(1, _CHUNK // (4 * dim)) if n is None else min(n, max(1, _CHUNK // (4 * dim)))

    def grow(self, k: int) -> np.ndarray:
        """The array, with room for ``k`` more rows after the ``count`` used ones."""
        if self.count + k > len(self.array):
            # By a quarter: at most 25 % of unused rows at the end (resized away by done()).
            grown = max(self.count + k, len(self.array) + max(len(self.array) // 4, self.step))
            self.array.resize((grown, self.array.shape[1]), refcheck=False)
        return self.array

    def room(self, k: int) -> np.ndarray:
        """The next ``k`` rows to fill (growing the array if needed); counts them as used."""
        self.grow(k)
        self.count += k
        return self.array[self.count - k : self.count]

    def done(self) -> np.ndarray:
        if self.count != len(self.array):
            self.array.resize((self.count, self.array.shape[1]), refcheck=False)
        return self.array


def _decode_words(
    raw: list[bytes], where: list[int], path: str, errors: str, unit: str
) -> list[str]:
    """Decode the words; FormatError for a word listed twice or, if strict, bad UTF-8."""
    words = []
    for w, pos in zip(raw, where, strict=True):
        try:
            words.append(w.decode("utf-8", errors=errors))
        except UnicodeDecodeError as exc:
            raise FormatError(
                f"{path}: {unit} {pos}: the word {w!r} is not valid UTF-8 ({exc.reason} at its "
                f"byte {exc.start}); load with unicode_errors='replace' to replace bad bytes."
            ) from None
    check_unique_words(words, where, path, unit)
    return words


def check_unique_words(words: Sequence[str], where: Iterable[int], path: str, unit: str) -> None:
    """Raise FormatError naming the first word of a vectors file that is listed twice.

    ``where`` gives each word's position in ``path``, in ``unit`` (``"line"`` or
    ``"byte"``); the message names both places.
    """
    if len(set(words)) == len(words):
        return
    first: dict[str, int] = {}
    for w, pos in zip(words, where, strict=True):
        if w in first:
            note = " (after replacing undecodable bytes by U+FFFD)" if "\ufffd" in w else ""
            raise FormatError(
                f"{path}: {unit} {pos}: the word {w!r}{note} appears again (first at {unit} "
                f"{first[w]}); the words of a vectors file must be unique."
            )
        first[w] = pos


def _first_text_line(data: np.ndarray, pos: int) -> bytes:
    chunk = bytes(data[pos : pos + (1 << 16)])
    return chunk.lstrip(b" \t\r\n").split(b"\n", 1)[0]


def _is_text_record(line: bytes, dim: int) -> bool:
    """Whether ``line`` is a text record ``word v1 … vdim`` of ASCII numbers."""
    parts = line.split()
    if len(parts) != dim + 1 or not all(_TEXTISH.issuperset(x) for x in parts[1:]):
        return False
    try:
        [float(x) for x in parts[1:]]
    except ValueError:
        return False
    return True


@jit
def _scan_binary(buf, pos, n, dim, word_bounds):  # pragma: no cover - numba
    """Find each record's word [start, end) in ``buf``; return (records, position, error).

    Scans at most ``n`` records, storing the bounds of those that fit in ``word_bounds``.
    error 0: fine; 1: no word + space at ``position``; 2: vector cut short at ``position``;
    3: the word starting at ``position`` holds a newline (records misaligned: wrong dim);
    4: more records than ``word_bounds`` holds (cannot happen when sized from the file).
    """
    size = buf.shape[0]
    width = 4 * dim
    for i in range(n):
        while pos < size and (buf[pos] == 32 or buf[pos] == 10 or buf[pos] == 13 or buf[pos] == 9):
            pos += 1
        start = pos
        while pos < size and buf[pos] != 32:
            if buf[pos] == 10:
                return i, start, 3
            pos += 1
        if pos >= size or pos == start:
            return i, start, 1
        if pos + 1 + width > size:
            return i, pos + 1, 2
        if i >= word_bounds.shape[0]:
            return i, start, 4
        word_bounds[i, 0] = start
        word_bounds[i, 1] = pos
        pos += 1 + width
    return n, pos, 0


@jit
def _gather_binary(buf, word_bounds, dim):  # pragma: no cover - numba
    """Copy the vectors' bytes into one (n, 4·dim) array and the words, space-separated,
    into one byte string."""
    n = word_bounds.shape[0]
    width = 4 * dim
    vec_bytes = np.empty((n, width), dtype=np.uint8)
    total = 0
    for i in range(n):
        total += word_bounds[i, 1] - word_bounds[i, 0] + 1
    words = np.empty(max(total - 1, 0), dtype=np.uint8)
    w = 0
    for i in range(n):
        s, e = word_bounds[i, 0], word_bounds[i, 1]
        vec_bytes[i, :] = buf[e + 1 : e + 1 + width]
        if i > 0:
            words[w] = 32
            w += 1
        words[w : w + e - s] = buf[s:e]
        w += e - s
    return vec_bytes, words


def _first_non_whitespace(data: np.ndarray, pos: int) -> int:
    """The offset of the first byte at or after ``pos`` that is not whitespace, or -1."""
    rest = np.asarray(data[pos:])
    bad = np.flatnonzero(~np.isin(rest, np.frombuffer(_WS, dtype=np.uint8)))
    return pos + int(bad[0]) if len(bad) else -1


def _binary_error(error: int, found: int, n: int, dim: int, path: str, at: int, what: str) -> None:
    """Raise the FormatError of :func:`_scan_binary`'s ``error`` code at byte ``at``.

    ``what`` describes the bytes at ``at`` (error 1) or how many are left (error 2).
    """
    if error == 1:
        raise FormatError(
            f"{path}: byte {at}: expected word {found + 1} of {n} followed by a space, "
            f"found {what} (truncated file, wrong header, or a text file read as binary?)."
        )
    if error == 2:
        raise FormatError(
            f"{path}: byte {at}: vector {found + 1} of {n} needs {4 * dim} bytes but the "
            f"file has {what} left (truncated file or wrong header?)."
        )
    if error == 3:
        raise FormatError(
            f"{path}: byte {at}: word {found + 1} of {n} contains a newline: the vectors "
            f"before it are not {4 * dim} bytes ({dim} float32) long (wrong dimension in the "
            "header, or a corrupted file?)."
        )
    raise FormatError(
        f"{path}: byte {at}: more records than the file can hold."
    )  # pragma: no cover


def _not_text(first_line: bytes, n: int, dim: int, path: str, pos: int) -> None:
    """FormatError if the first record, read as binary, is a line of text numbers."""
    if n and _is_text_record(first_line, dim):
        raise FormatError(
            f"{path}: byte {pos}: expected a binary record (a word, a space and {4 * dim} "
            "bytes of float32), found a line of text numbers: this is a text vectors file; "
            "load it with binary=False."
        )


def _extra_error(path: str, at: int, n: int, found: str) -> FormatError:
    return FormatError(
        f"{path}: byte {at}: expected the end of the file after the {n} vectors the header "
        f"declares, found {found} (wrong header, wrong dimension, or a text file read as "
        "binary?)."
    )


def _read_binary(
    data: np.ndarray, pos: int, n: int, dim: int, path: str, limited: bool
) -> tuple[list[bytes], np.ndarray, list[int]]:
    """Words (bytes), vectors and each word's byte offset, from ``pos`` on, of a mapped file."""
    record = 2 + 4 * dim  # the shortest record: a 1-byte word, a space, the vector
    fit = (len(data) - pos) // record  # no more records than this can be in the file
    _not_text(_first_text_line(data, pos), n, dim, path, pos)
    bounds = np.empty((min(n, fit), 2), dtype=np.int64)
    found, where, error = _scan_binary(data, pos, min(n, fit + 1), dim, bounds)
    if error:
        what = _describe(data, where) if error == 1 else str(len(data) - where)
        _binary_error(error, found, n, dim, path, where, what)
    if not limited:
        extra = _first_non_whitespace(data, where)
        if extra >= 0:
            raise _extra_error(path, extra, n, _describe(data, extra))
    vec_bytes, word_bytes = _gather_binary(data, bounds, dim)
    vectors = vec_bytes.view("<f4").reshape(n, dim).astype(np.float32, copy=False)
    words = word_bytes.tobytes().split(b" ") if n else []
    return words, vectors, bounds[:, 0].tolist()


def _read_binary_stream(
    source: _Source, first: bytes, base: int, n: int, dim: int, path: str, limited: bool
) -> tuple[list[bytes], np.ndarray, list[int]]:
    """As :func:`_read_binary`, from a stream: ``first`` holds its bytes from ``base`` on.

    The records are scanned a chunk at a time by the same compiled scanner; the vectors array
    grows as records arrive, so a header that lies allocates nothing it does not fill.
    """
    width = 4 * dim
    _not_text(first.lstrip(_WS).split(b"\n", 1)[0], n, dim, path, base)
    rows = _Rows(dim, _Rows.first(n, dim))
    words: list[bytes] = []
    where: list[int] = []
    buf, offset, eof = first, base, False
    step = max(_CHUNK, 4 * (width + 2))
    while len(words) < n:
        while not eof and len(buf) < step:
            more = source.read(step)
            eof = not more
            buf += more
        arr = np.frombuffer(buf, dtype=np.uint8)
        want = min(n - len(words), len(arr) // (width + 2) + 1)
        bounds = np.empty((want, 2), dtype=np.int64)
        found, at, error = _scan_binary(arr, 0, want, dim, bounds)
        used = 0
        if found:
            vec_bytes, word_bytes = _gather_binary(arr, bounds[:found], dim)
            rows.room(found)[:] = vec_bytes.view("<f4").reshape(found, dim)
            words += word_bytes.tobytes().split(b" ")
            where += (bounds[:found, 0] + offset).tolist()
            used = int(bounds[found - 1, 1]) + 1 + width
        if error in (1, 2) and not eof:  # the chunk ends inside a record: read on
            if not found:
                step *= 2  # a record longer than a chunk
        elif error:
            what = repr(buf[at : at + 20]) if at < len(buf) else "the end of the file"
            _binary_error(
                error,
                len(words),
                n,
                dim,
                path,
                offset + at,
                what if error == 1 else str(len(buf) - at),
            )
        buf, offset = buf[used:], offset + used
    if not limited:
        while True:
            rest = buf.lstrip(_WS)
            if rest:
                shown = rest[:20]
                while len(shown) < 20 and (more := source.read(20 - len(shown))):
                    shown += more  # describe 20 bytes, as the mapped reader does
                raise _extra_error(path, offset + len(buf) - len(rest), n, repr(shown))
            offset += len(buf)
            buf = source.read(_CHUNK)
            if not buf:
                break
    return words, rows.done(), where


def _describe(data: np.ndarray, pos: int) -> str:
    if pos >= len(data):
        return "the end of the file"
    return f"{bytes(data[pos : pos + 20])!r}"


def _read_text(
    lines: Iterable[bytes],
    n: int | None,
    dim: int,
    path: str,
    limited: bool,
    rows: int,
    line_no: int,
    declared: bool = True,
) -> tuple[list[bytes], np.ndarray, list[int]]:
    """Words (bytes), vectors and each word's line number, from ``lines`` on.

    ``line_no`` is the number of the line before the first of ``lines``; ``n`` the vectors
    to read (None: all); ``declared`` whether ``n`` comes from a header (then a file with
    fewer, or more when not ``limited``, is an error); ``rows`` those to allocate at first.
    """
    words: list[bytes] = []
    where: list[int] = []
    vectors = _Rows(dim, rows)
    block, count = vectors.array, 0
    it = iter(lines)
    want = float("inf") if n is None else n
    # Lines are split on b"\n" only: words may hold other Unicode line breaks (\x0c, \u2028).
    with np.errstate(over="ignore"):  # beyond float32's range: ±inf, as gensim reads it
        while count < want:
            raw = next(it, None)
            if raw is None:
                break
            line_no += 1
            line = raw.rstrip(b" \t\r")
            if not line.strip(b" \t"):
                continue
            parts = line.split(b" ")
            if len(parts) != dim + 1:
                raise FormatError(
                    f"{path}: line {line_no}: expected a word and {dim} numbers, got "
                    f"{len(parts) - 1} numbers (wrong header, or a binary file read as text?)."
                )
            word = parts[0]
            if not word or b"\t" in word:
                raise FormatError(
                    f"{path}: line {line_no}: expected a word and {dim} numbers separated by "
                    f"single spaces, found {raw[:40]!r}."
                )
            try:
                values = np.array(parts[1:], dtype=np.float64)
            except ValueError:
                raise FormatError(
                    f"{path}: line {line_no}: cannot parse the numbers of word "
                    f"{word.decode('utf-8', 'replace')!r}: expected {dim} decimal numbers, "
                    f"found {b' '.join(parts[1:])[:60]!r}."
                ) from None
            if count == len(block):
                vectors.count = count
                block = vectors.grow(1)
            block[count] = values
            count += 1
            words.append(word)
            where.append(line_no)
    vectors.count = count
    if declared and len(words) < want:
        raise FormatError(
            f"{path}: line {line_no + 1}: expected vector {len(words) + 1} of the {n} the header "
            f"declares, found the end of the file: it has {len(words)} lines of vectors "
            "(truncated file or wrong header?)."
        )
    if declared and not limited:
        for raw in it:
            line_no += 1
            if raw.strip(_WS):
                raise FormatError(
                    f"{path}: line {line_no}: expected the end of the file after the {n} "
                    "vectors the header declares, found more lines (wrong header?)."
                )
    return words, vectors.done(), where


class Detected(NamedTuple):
    """What :func:`sniff_format` found a vectors path to hold."""

    kind: str
    """``"native"`` (a folder), ``"text"`` or ``"binary"``."""
    compression: str | None
    """``"gzip"``, ``"bz2"``, ``"xz"`` or None."""
    header: bool
    """False for GloVe's text without the ``"V dim"`` line."""

    def __str__(self) -> str:
        kind = self.kind if self.header else f"{self.kind} without header"
        return kind + (f", {self.compression}-compressed" if self.compression else "")


def sniff_format(path: str | os.PathLike) -> Detected:
    """What a vectors path holds, read from its bytes as :func:`load_word2vec_format` reads
    them (the name decides only where the first record is neither text nor binary)."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"Vectors file not found: {str(p)!r}.")
    if p.is_dir():
        return Detected("native", None, True)
    s = check_regular_file(p)
    named = vectors_format(s)
    compression = _compression_of(s, named.compression, warn=False)
    source = _Source(s, compression)
    try:
        head = source.read_full(_HEAD)
    finally:
        source.close()
    plan = _plan(s, head, compression, named.binary, False, None, False)
    return Detected("binary" if plan.binary else "text", compression, plan.header is not None)


def detect_format(path: str | os.PathLike) -> str:
    """'native' for a folder, else 'text' or 'binary' (by the first record), with
    ' without header' for GloVe's text and ', gzip-compressed' (bz2, xz) where it applies."""
    return str(sniff_format(path))


# -- word2vec.c vocabulary files ---------------------------------------------------------------


def save_vocab(path: str | os.PathLike, words: Sequence[str], counts: Sequence[int]) -> None:
    """Write word2vec.c's ``-save-vocab`` format: ``word count`` per line, atomically.

    word2vec.c also writes its sentence marker ``</s>`` first; w2v has no such word.
    """
    with atomic_write(path) as fh:
        fh.write("".join(f"{w} {int(c)}\n" for w, c in zip(words, counts, strict=True)).encode())


def load_vocab(path: str | os.PathLike) -> tuple[list[str], list[int]]:
    """Read a ``word count`` per line vocabulary (word2vec.c's ``-save-vocab``).

    word2vec.c's ``</s>`` entry is skipped. Returns words and counts in file order.
    """
    p = check_regular_file(path, "Vocabulary file")
    words: list[str] = []
    counts: list[int] = []
    seen: dict[str, int] = {}
    with open(p, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            parts = raw.split()  # ASCII whitespace: words may hold other Unicode spaces
            if not parts:
                continue
            if len(parts) != 2:
                raise FormatError(f"{p}: line {line_no}: expected 'word count', got {raw[:60]!r}.")
            word = parts[0].decode("utf-8", errors="replace")
            count = parts[1].decode("ascii", errors="replace")
            if not count.isascii() or not count.isdigit() or int(count) >= 1 << 63:
                raise FormatError(
                    f"{p}: line {line_no}: the count of {word!r} is not a non-negative "
                    f"integer below 2**63: {count[:30]!r}."
                )
            c = int(count)
            if word == "</s>":
                continue
            if word in seen:
                raise FormatError(
                    f"{p}: line {line_no}: the word {word!r} appears twice (first on line "
                    f"{seen[word]})."
                )
            seen[word] = line_no
            words.append(word)
            counts.append(c)
    if not words:
        raise FormatError(f"{p}: the vocabulary file has no words.")
    return words, counts
