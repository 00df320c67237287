"""word2vec.c's files: text and binary vectors and vocabulary lists, byte-compatible both ways.

Text:   ``"V dim\\n"`` then one line per word: ``word v1 v2 … vdim\\n``.
Binary: ``"V dim\\n"`` then per word: ``word`` + ``b" "`` + dim little-endian float32 +
        ``b"\\n"`` (word2vec.c writes the newline; gensim does not; both are read).
Vocabulary (``-save-vocab``): ``word count`` per line.

Files are written atomically and byte-compatibly with word2vec.c; text values have 9
significant digits, which round-trips float32 exactly. Reading is strict: every malformation
raises :class:`~w2v.errors.FormatError` naming the path and the line or byte.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ._files import atomic_write, check_regular_file
from ._jit import jit
from .errors import FormatError

_WS = b" \t\r\n"


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
