"""word2vec.c's text and binary vector files, read and written byte-compatibly; atomic writes.

Text:   ``"V dim\\n"`` then one line per word: ``word v1 v2 … vdim\\n``.
Binary: ``"V dim\\n"`` then per word: ``word`` + ``b" "`` + dim little-endian float32 +
        ``b"\\n"`` (word2vec.c writes the newline; gensim does not; both are read).

Text values are written with 9 significant digits, which round-trips float32 exactly.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
import re
import shutil
import stat
import tempfile
import tokenize
import warnings
import zipfile
import zlib
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ._jit import jit
from .errors import FormatError, OutputPathError

_WS = b" \t\r\n"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; rename it over ``path`` on success.

    If the body raises (a full disk, Ctrl-C), the temporary file is removed and any previous
    file at ``path`` is left intact. The new file gets the old file's permissions, or those
    the umask gives a new file (not mkstemp's private 0600).
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory (give a file name)", str(target))
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
        )
    except OSError as exc:  # name the file asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        os.fchmod(fd, _new_file_mode(target))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_output_path(
    path: str | os.PathLike, what: str = "Output", *, folder: bool = False
) -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a Path.

    Its folder must exist and be writable, and ``path`` must not be a folder (unless
    ``folder=True``: an output that is itself a folder, such as a native vectors save).
    Raises :class:`~w2v.errors.OutputPathError` with one line naming the path otherwise.

    Examples
    --------
    >>> check_output_path("/nope/v.bin")
    Traceback (most recent call last):
    ...
    w2v.errors.OutputPathError: Output folder '/nope' does not exist (for /nope/v.bin).
    """
    out = Path(path)
    if not str(path) or (str(path).endswith(os.sep) and not folder):
        raise OutputPathError(f"{what} {str(path)!r} is not a file name.")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.exists():
        raise OutputPathError(f"{what} folder {str(parent)!r} does not exist (for {out}).")
    if not parent.is_dir():
        raise OutputPathError(f"{what} folder {str(parent)!r} is not a folder (for {out}).")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"{what} folder {str(parent)!r} is not writable (for {out}).")
    if out.is_dir() and not folder:
        raise OutputPathError(f"{what} {str(out)!r} is a folder; give a file name instead.")
    return out


def _new_file_mode(target: Path) -> int:
    """The permissions of the file being replaced, or 0o666 less the umask for a new one."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask


def save_word2vec_format(
    path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray, *, binary: bool
) -> None:
    """Write vectors in word2vec.c's text (``binary=False``) or binary format, atomically."""
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
    with atomic_write(path) as fh:
        fh.write(f"{V} {dim}\n".encode())
        if binary:
            little = vectors.astype("<f4", copy=False)
            for w, row in zip(words, little, strict=True):
                fh.write(w.encode("utf-8") + b" " + row.tobytes() + b"\n")
        else:
            fmt = " ".join(["%.9g"] * dim)
            for w, row in zip(words, vectors.tolist(), strict=True):
                fh.write(f"{w} {fmt % tuple(row)}\n".encode())


_BOM = b"\xef\xbb\xbf"
_HEADER = re.compile(rb"[ \t]*(\d{1,30})[ \t]+(\d{1,30})[ \t\r]*")
#: Largest vector dimension a header may declare (a sanity bound against corrupted headers).
MAX_DIM = 1 << 24
#: Bytes a text vector file must hold, in the text charset, for a binary read to call it text.
_TEXTISH = frozenset(b"0123456789+-.eEinfatyINFATY \t\r")


def check_regular_file(path: str | os.PathLike, what: str = "Vectors file") -> str:
    """Return ``str(path)`` if it is a regular file; otherwise raise a one-line error.

    FileNotFoundError for a missing path; FormatError for a folder, a FIFO, a device or a
    socket, which are refused before they are opened (opening a FIFO would block).
    """
    p = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {p!r}.") from None
    except OSError as exc:
        raise FormatError(f"{p}: cannot read it: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        if what != "Vectors file":
            raise FormatError(f"{p}: is a folder, not a {what[0].lower() + what[1:]}.")
        raise FormatError(f"{p}: is a folder, not a word2vec file (a native save? use load).")
    if not stat.S_ISREG(st.st_mode):
        raise FormatError(
            f"{p}: is a {_file_kind(st.st_mode)}, not a regular file; save the vectors to a "
            "file first."
        )
    return p


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _parse_header(line: bytes, path: str) -> tuple[int, int]:
    """``<words> <dim>`` in ASCII digits, dim in [1, MAX_DIM]; FormatError naming line 1.

    A leading UTF-8 byte-order mark (some Windows editors write one) is skipped; gensim 4.4
    refuses such a file.
    """
    m = _HEADER.fullmatch(line.removeprefix(_BOM))
    if m is None or int(m.group(2)) < 1:
        raise FormatError(f"{path}: line 1: expected a header '<words> <dim>', got {line[:60]!r}.")
    n, dim = int(m.group(1)), int(m.group(2))
    if dim > MAX_DIM:
        raise FormatError(
            f"{path}: line 1: the header declares dimension {dim}, more than the {MAX_DIM} "
            "w2v accepts (a corrupted header?)."
        )
    return n, dim


def load_word2vec_format(
    path: str | os.PathLike,
    *,
    binary: bool,
    limit: int | None = None,
    unicode_errors: str = "replace",
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec.c text or binary file; return (words, (V, dim) float32 vectors).

    ``limit`` reads only the first ``limit`` vectors (and ignores whatever follows them).

    Reading is strict: every malformation raises :class:`FormatError` whose message names the
    path, the line (text) or byte offset (binary), what was expected and what was found —
    a header that is not two numbers, a header declaring more vectors than the file holds
    (checked against the file size *before* anything is allocated) or fewer (data left after
    the declared vectors), a vector of the wrong length, a value that is not a number, a word
    listed twice, a binary file read as text or a text file read as binary, a truncated file.

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
    if size == 0:
        raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found (the file is empty).")
    data = np.memmap(p, dtype=np.uint8, mode="r")
    try:
        head = bytes(data[: 1 << 16])
        nl = head.find(b"\n")
        if nl < 0:
            raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found.")
        n, dim = _parse_header(head[:nl], p)
        limited = limit is not None and max(0, int(limit)) < n
        if limit is not None:
            n = min(n, max(0, int(limit)))
        if binary:
            words, vectors, where = _read_binary(data, nl + 1, n, dim, p, limited)
        else:
            words, vectors, where = _read_text(data, nl + 1, n, dim, p, limited)
        return _decode_words(words, where, p, unicode_errors, "line" if not binary else "byte"), (
            vectors
        )
    finally:
        del data


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
    if len(set(words)) != len(words):
        first: dict[str, int] = {}
        for w, pos in zip(words, where, strict=True):
            if w in first:
                note = " (after replacing undecodable bytes by U+FFFD)" if "\ufffd" in w else ""
                raise FormatError(
                    f"{path}: {unit} {pos}: the word {w!r}{note} appears again (first at {unit} "
                    f"{first[w]}); the words of a vectors file must be unique."
                )
            first[w] = pos
    return words


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


def _read_binary(
    data: np.ndarray, pos: int, n: int, dim: int, path: str, limited: bool
) -> tuple[list[bytes], np.ndarray, list[int]]:
    """Words (bytes), vectors and each word's byte offset, from ``pos`` on."""
    record = 2 + 4 * dim  # the shortest record: a 1-byte word, a space, the vector
    fit = (len(data) - pos) // record  # no more records than this can be in the file
    if n and _is_text_record(_first_text_line(data, pos), dim):
        raise FormatError(
            f"{path}: byte {pos}: expected a binary record (a word, a space and {4 * dim} "
            "bytes of float32), found a line of text numbers: this is a text vectors file; "
            "load it with binary=False."
        )
    bounds = np.empty((min(n, fit), 2), dtype=np.int64)
    found, where, error = _scan_binary(data, pos, min(n, fit + 1), dim, bounds)
    if error == 1:
        raise FormatError(
            f"{path}: byte {where}: expected word {found + 1} of {n} followed by a space, "
            f"found {_describe(data, where)} (truncated file, wrong header, or a text file read "
            "as binary?)."
        )
    if error == 2:
        raise FormatError(
            f"{path}: byte {where}: vector {found + 1} of {n} needs {4 * dim} bytes but the "
            f"file has {len(data) - where} left (truncated file or wrong header?)."
        )
    if error == 3:
        raise FormatError(
            f"{path}: byte {where}: word {found + 1} of {n} contains a newline: the vectors "
            f"before it are not {4 * dim} bytes ({dim} float32) long (wrong dimension in the "
            "header, or a corrupted file?)."
        )
    if error != 0:  # pragma: no cover - the bounds are sized from the file
        raise FormatError(f"{path}: byte {where}: more records than the file can hold.")
    if not limited:
        extra = _first_non_whitespace(data, where)
        if extra >= 0:
            raise FormatError(
                f"{path}: byte {extra}: expected the end of the file after the {n} vectors the "
                f"header declares, found {_describe(data, extra)} (wrong header, wrong "
                "dimension, or a text file read as binary?)."
            )
    vec_bytes, word_bytes = _gather_binary(data, bounds, dim)
    vectors = vec_bytes.view("<f4").reshape(n, dim).astype(np.float32, copy=False)
    words = word_bytes.tobytes().split(b" ") if n else []
    return words, vectors, bounds[:, 0].tolist()


def _describe(data: np.ndarray, pos: int) -> str:
    if pos >= len(data):
        return "the end of the file"
    return f"{bytes(data[pos : pos + 20])!r}"


def _read_text(
    data: np.ndarray, pos: int, n: int, dim: int, path: str, limited: bool
) -> tuple[list[bytes], np.ndarray, list[int]]:
    """Words (bytes), vectors and each word's line number, from ``pos`` on."""
    # The shortest line is "w 0 … 0" (1 + 2·dim bytes), so no more lines than `fit` exist:
    # the vectors are allocated for at most that many, whatever the header claims.
    fit = (len(data) - pos + 1) // (2 * dim + 2)
    text = bytes(data[pos:])
    words: list[bytes] = []
    lines: list[int] = []
    vectors = np.empty((min(n, fit), dim), dtype=np.float32)
    line_no = 1  # the header
    at = 0
    # Split on b"\n" only: words may contain other Unicode line breaks (\x0c, \u2028, ...).
    while len(words) < n and at < len(text):
        nl = text.find(b"\n", at)
        nl = len(text) if nl < 0 else nl
        raw = text[at:nl]
        at = nl + 1
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
                f"{path}: line {line_no}: expected a word and {dim} numbers separated by single "
                f"spaces, found {raw[:40]!r}."
            )
        if len(words) == len(vectors):  # pragma: no cover - `fit` bounds the lines
            raise FormatError(f"{path}: line {line_no}: more lines than the file can hold.")
        try:
            with np.errstate(over="ignore"):  # beyond float32's range: ±inf, as gensim reads it
                vectors[len(words)] = np.array(parts[1:], dtype=np.float64)
        except ValueError:
            raise FormatError(
                f"{path}: line {line_no}: cannot parse the numbers of word "
                f"{word.decode('utf-8', 'replace')!r}: expected {dim} decimal numbers, found "
                f"{b' '.join(parts[1:])[:60]!r}."
            ) from None
        words.append(word)
        lines.append(line_no)
    if len(words) < n:
        raise FormatError(
            f"{path}: line {line_no + 1}: expected vector {len(words) + 1} of the {n} the header "
            f"declares, found the end of the file: it has {len(words)} lines of vectors "
            "(truncated file or wrong header?)."
        )
    if not limited and text[at:].strip(_WS):
        extra = len(text) - len(text[at:].lstrip(_WS))
        extra_line = line_no + text.count(b"\n", at, extra) + 1
        raise FormatError(
            f"{path}: line {extra_line}: expected the end of "
            f"the file after the {n} vectors the header declares, found more lines (wrong "
            "header?)."
        )
    return words, vectors, lines


# -- native KeyedVectors folders ---------------------------------------------------------------

_NATIVE_META = "meta.json"


def save_native(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray) -> None:
    """Write ``path/`` with ``vectors.npy``, ``words.txt`` (one per line) and ``meta.json``.

    Built in a temporary sibling folder and swapped in, so a failure leaves any previous
    folder at ``path`` intact.
    """
    target = Path(path)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(words)} words")
    if any("\n" in w for w in words):
        raise FormatError("Cannot save a word containing a newline in the native format.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent or "."))
    try:
        np.save(tmp / "vectors.npy", vectors)
        (tmp / "words.txt").write_bytes("\n".join(words).encode("utf-8"))
        meta = {
            "format": "w2v-keyedvectors",
            "version": 1,
            "count": len(words),
            "dim": int(vectors.shape[1]),
        }
        (tmp / _NATIVE_META).write_text(json.dumps(meta))
        if target.exists():
            if not (target / _NATIVE_META).exists():
                raise FormatError(
                    f"{target}: exists and is not a w2v vectors folder; not overwriting it."
                )
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent or "."))
            os.replace(target, old / "x")
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old / "x", target)  # put the previous folder back
                old.rmdir()
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_native(path: str | os.PathLike, mmap: str | None = None) -> tuple[list[str], np.ndarray]:
    """Read a folder written by :func:`save_native`; ``mmap="r"`` memory-maps the vectors.

    Every part is checked before it is used: ``meta.json`` must be w2v's, ``vectors.npy`` a
    float32 (V, dim) array whose header matches the file's size (so a corrupted header never
    allocates what it claims), ``words.txt`` V distinct words. Anything else raises
    FormatError naming the file and what was expected.
    """
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(f"Vectors folder not found: {str(folder)!r}.")
    if not folder.is_dir():
        raise FormatError(
            f"{folder}: is not a folder of w2v vectors (a word2vec file? use load_word2vec_format)."
        )
    meta_path = folder / _NATIVE_META
    try:
        meta = json.loads(meta_path.read_bytes().decode("utf-8"))
        raw_words = (folder / "words.txt").read_bytes()
    except (OSError, ValueError) as exc:
        raise FormatError(f"{folder}: not a w2v vectors folder ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != "w2v-keyedvectors":
        raise FormatError(f"{meta_path}: expected w2v's meta.json, found {str(meta)[:60]!r}.")
    count = meta.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise FormatError(f"{meta_path}: expected a word count, found {count!r}.")
    vectors = read_npy(folder / "vectors.npy", "<f4", 2, mmap=mmap)
    text = raw_words.decode("utf-8", errors="replace")
    words = text.split("\n") if text or count else []
    if vectors.shape[0] != len(words) or len(words) != count:
        raise FormatError(
            f"{folder}: words.txt has {len(words)} words but vectors.npy has shape "
            f"{vectors.shape} and meta.json says {count}."
        )
    _decode_words(
        [w.encode() for w in words],
        list(range(1, len(words) + 1)),
        str(folder / "words.txt"),
        "replace",
        "line",
    )
    return words, vectors


def _npy_header(fh: BinaryIO, where: str, data_bytes: int) -> tuple[np.dtype, tuple[int, ...]]:
    """Read a .npy header from ``fh``; check it against the ``data_bytes`` that follow it.

    Returns (dtype, shape) of a C-ordered array without Python objects, or raises FormatError.
    """
    fmt = np.lib.format
    try:
        with warnings.catch_warnings():  # a damaged header may look like a Python 2 one
            warnings.simplefilter("ignore")
            version = fmt.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unsupported .npy version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError, OSError, tokenize.TokenError) as exc:
        # numpy parses the header with ast and tokenize, whose errors vary with the damage
        raise FormatError(f"{where}: byte 0: expected a .npy array header ({exc}).") from None
    offset = fh.tell()
    if dtype.hasobject or fortran:
        raise FormatError(
            f"{where}: byte {offset}: expected a C-ordered numeric array, found "
            f"{'Python objects' if dtype.hasobject else 'Fortran order'} (not written by w2v)."
        )
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if expected != data_bytes - offset:
        raise FormatError(
            f"{where}: byte {offset}: the header declares a {dtype.str} array of shape {shape}, "
            f"{expected} bytes, but {data_bytes - offset} bytes follow (truncated or corrupted?)."
        )
    return dtype, shape


def _check_array(where: str, dtype: np.dtype, shape: tuple[int, ...], want: str, ndim: int) -> None:
    if dtype.str != want or len(shape) != ndim:
        raise FormatError(
            f"{where}: expected a {ndim}-D {np.dtype(want)} array, found {dtype} of shape {shape}."
        )


def read_npy(path: str | os.PathLike, dtype: str, ndim: int, mmap: str | None = None) -> np.ndarray:
    """A checked .npy file of the given dtype (e.g. ``"<f4"``) and number of dimensions.

    The header is validated against the file size before any data is read or mapped;
    ``mmap`` is passed to :class:`numpy.memmap` as its mode. FormatError on any mismatch.
    """
    p = check_regular_file(path, "Array file")
    try:
        with open(p, "rb") as fh:
            got, shape = _npy_header(fh, p, os.fstat(fh.fileno()).st_size)
            _check_array(p, got, shape, dtype, ndim)
            offset = fh.tell()
            if mmap is not None:
                if int(np.prod(shape)) == 0:
                    return np.empty(shape, dtype=got)
                return np.memmap(p, dtype=got, mode=mmap, offset=offset, shape=shape)
            return np.fromfile(fh, dtype=got, count=int(np.prod(shape))).reshape(shape)
    except OSError as exc:
        raise FormatError(f"{p}: cannot read it ({exc}).") from None


def load_npz(
    path: str,
    arrays: dict[str, tuple[str, int]],
    what: str = ".npz archive",
    optional: Collection[str] = (),
) -> dict[str, np.ndarray]:
    """Read the named arrays of a ``.npz`` archive, each checked like :func:`read_npy`.

    ``arrays`` maps each name to its dtype string and number of dimensions; every name is
    required except those in ``optional``, which are left out of the result when absent.
    Nothing is unpickled, and no array larger than its stored bytes is allocated; a damaged
    archive, a missing member or a wrong type raises FormatError naming the path and member.
    """
    out: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, (dtype, ndim) in arrays.items():
                where = f"{path}: member {name}.npy"
                if f"{name}.npy" not in names:
                    if name in optional:
                        continue
                    raise FormatError(f"{path}: not a {what}: the archive lacks {name}.npy.")
                info = zf.getinfo(f"{name}.npy")
                with zf.open(info) as fh:
                    got, shape = _npy_header(fh, where, info.file_size)  # type: ignore[arg-type]
                    _check_array(where, got, shape, dtype, ndim)
                    buf = bytearray(info.file_size - fh.tell())
                    if fh.readinto(buf) != len(buf) or fh.read(1):
                        raise FormatError(f"{where}: shorter or longer than its header says.")
                out[name] = np.frombuffer(buf, dtype=got).reshape(shape)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError(f"{path}: not a {what} ({exc}).") from None
    return out


# -- word lists inside .npz archives ----------------------------------------------------------

#: The members :func:`pack_words` returns, with their dtypes, for :func:`load_npz`.
WORD_ARRAYS = {"word_bytes": ("|u1", 1), "word_offsets": ("<i8", 1)}


def pack_words(words: Sequence[str]) -> dict[str, np.ndarray]:
    """Any list of words as two arrays: ``word_bytes`` and ``word_offsets``.

    ``word_bytes`` (uint8) holds the words' UTF-8 one after another (a lone surrogate, as
    ``surrogateescape`` decoding makes, is kept with ``surrogatepass``) and word ``i`` is
    ``word_bytes[word_offsets[i]:word_offsets[i + 1]]`` ((V + 1,) int64, from 0). No
    separator, so a word may hold any character, newlines and NULs included.
    :func:`unpack_words` reads them back.
    """
    encoded = [w.encode("utf-8", errors="surrogatepass") for w in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    return {
        "word_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "word_offsets": offsets,
    }


def unpack_words(arrays: dict[str, np.ndarray], where: str) -> list[str]:
    """The words of :func:`pack_words`' arrays (as :func:`load_npz` returns them), checked.

    FormatError naming ``where`` if the offsets do not start at 0, go backwards or end
    elsewhere than at the end of the bytes, or a word is not UTF-8.
    """
    blob, offsets = arrays["word_bytes"].tobytes(), arrays["word_offsets"]
    if (
        len(offsets) == 0
        or offsets[0] != 0
        or offsets[-1] != len(blob)
        or (len(offsets) > 1 and np.any(np.diff(offsets) < 0))
    ):
        raise FormatError(
            f"{where}: the word offsets are damaged (they must rise from 0 to the "
            f"{len(blob)} bytes of the words)."
        )
    bounds = offsets.tolist()
    try:
        return [
            blob[s:e].decode("utf-8", errors="surrogatepass") for s, e in itertools.pairwise(bounds)
        ]
    except UnicodeDecodeError as exc:
        raise FormatError(f"{where}: a word is not valid UTF-8 ({exc.reason}).") from None


def detect_format(path: str | os.PathLike) -> str:
    """'native' for a folder, else 'text' or 'binary' by looking at the first record."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"Vectors file not found: {str(p)!r}.")
    if p.is_dir():
        return "native"
    check_regular_file(p)
    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
    nl = head.find(b"\n")
    if nl < 0:
        raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found.")
    _, dim = _parse_header(head[:nl], str(p))
    return (
        "text"
        if _is_text_record(head[nl + 1 :].lstrip(_WS).split(b"\n", 1)[0], dim)
        else ("binary")
    )


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
