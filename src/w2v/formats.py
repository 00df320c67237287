"""word2vec.c's text and binary vector files, read and written byte-compatibly; atomic writes.

Text:   ``"V dim\\n"`` then one line per word: ``word v1 v2 … vdim\\n``.
Binary: ``"V dim\\n"`` then per word: ``word`` + ``b" "`` + dim little-endian float32 +
        ``b"\\n"`` (word2vec.c writes the newline; gensim does not; both are read).

Text values are written with 9 significant digits, which round-trips float32 exactly.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numba import njit

from .errors import FormatError

_WS = b" \t\r\n"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; rename it over ``path`` on success.

    If the body raises (a full disk, Ctrl-C), the temporary file is removed and any previous
    file at ``path`` is left intact. The new file gets the old file's permissions, or those
    the umask gives a new file (not mkstemp's private 0600).
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        os.fchmod(fd, _new_file_mode(target))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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


def _parse_header(line: bytes, path: str) -> tuple[int, int]:
    parts = line.split()
    try:
        if len(parts) != 2:
            raise ValueError
        n, dim = int(parts[0]), int(parts[1])
        if n < 0 or dim < 1:
            raise ValueError
    except ValueError:
        raise FormatError(
            f"{path}: line 1: expected a header '<words> <dim>', got {line[:60]!r}."
        ) from None
    return n, dim


def load_word2vec_format(
    path: str | os.PathLike, *, binary: bool, limit: int | None = None
) -> tuple[list[str], np.ndarray]:
    """Read a word2vec.c text or binary file; return (words, (V, dim) float32 vectors).

    ``limit`` reads only the first ``limit`` vectors. Malformed files raise FormatError with
    the path and the line (text) or byte offset (binary) where reading failed. The binary
    reader scans the file with a compiled loop and decodes all words in one call.
    """
    p = str(path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"Vectors file not found: {p!r}.")
    if os.path.isdir(p):
        raise FormatError(f"{p}: is a folder, not a word2vec file (a native save? use load).")
    if os.path.getsize(p) == 0:
        raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found (the file is empty).")
    data = np.memmap(p, dtype=np.uint8, mode="r")
    try:
        head = bytes(data[: 1 << 16])
        nl = head.find(b"\n")
        if nl < 0:
            raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found.")
        n, dim = _parse_header(head[:nl], p)
        if limit is not None:
            n = min(n, max(0, int(limit)))
        if binary:
            return _read_binary(data, nl + 1, n, dim, p)
        return _read_text(bytes(data[nl + 1 :]), n, dim, p)
    finally:
        del data


@njit(cache=True)
def _scan_binary(buf, pos, n, dim, word_bounds):  # pragma: no cover - numba
    """Find each record's word [start, end) in ``buf``; return (records, position, error).

    error 0: fine; 1: no word + space at ``position``; 2: vector cut short at ``position``.
    """
    size = buf.shape[0]
    width = 4 * dim
    for i in range(n):
        while pos < size and (buf[pos] == 32 or buf[pos] == 10 or buf[pos] == 13 or buf[pos] == 9):
            pos += 1
        start = pos
        while pos < size and buf[pos] != 32:
            pos += 1
        if pos >= size or pos == start:
            return i, start, 1
        if pos + 1 + width > size:
            return i, pos + 1, 2
        word_bounds[i, 0] = start
        word_bounds[i, 1] = pos
        pos += 1 + width
    return n, pos, 0


@njit(cache=True)
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


def _read_binary(
    data: np.ndarray, pos: int, n: int, dim: int, path: str
) -> tuple[list[str], np.ndarray]:
    bounds = np.empty((n, 2), dtype=np.int64)
    found, where, error = _scan_binary(data, pos, n, dim, bounds)
    if error == 1:
        raise FormatError(
            f"{path}: byte {where}: expected word {found + 1} of {n} followed by a space "
            "(truncated file, wrong header, or a text file read as binary?)."
        )
    if error == 2:
        raise FormatError(
            f"{path}: byte {where}: vector {found + 1} of {n} needs {4 * dim} bytes but the "
            f"file has {len(data) - where} left (truncated file or wrong header?)."
        )
    vec_bytes, word_bytes = _gather_binary(data, bounds, dim)
    vectors = vec_bytes.view("<f4").reshape(n, dim).astype(np.float32, copy=False)
    words = word_bytes.tobytes().decode("utf-8", errors="replace").split(" ") if n else []
    return words, vectors


def _read_text(data: bytes, n: int, dim: int, path: str) -> tuple[list[str], np.ndarray]:
    # Split on b"\n" only: words may contain other Unicode line breaks (\x0c, \u2028, ...).
    words: list[str] = []
    vectors = np.empty((n, dim), dtype=np.float32)
    lines = data.split(b"\n")
    line_no = 1  # the header
    for raw in lines:
        if len(words) == n:
            break
        line_no += 1
        line = raw.decode("utf-8", errors="replace").rstrip(" \t\r")
        if not line.strip(" \t"):
            continue
        parts = line.split(" ")
        if len(parts) != dim + 1:
            raise FormatError(
                f"{path}: line {line_no}: expected a word and {dim} numbers, got "
                f"{len(parts) - 1} numbers (wrong header, or a binary file read as text?)."
            )
        try:
            vectors[len(words)] = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise FormatError(
                f"{path}: line {line_no}: cannot parse the numbers of word {parts[0]!r}."
            ) from None
        words.append(parts[0])
    if len(words) < n:
        raise FormatError(
            f"{path}: the header declares {n} vectors but the file has {len(words)} lines of "
            "vectors (truncated file or wrong header?)."
        )
    return words, vectors


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
    """Read a folder written by :func:`save_native`; ``mmap="r"`` memory-maps the vectors."""
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(f"Vectors folder not found: {str(folder)!r}.")
    meta_path = folder / _NATIVE_META
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != "w2v-keyedvectors":
            raise ValueError("wrong format tag")
        vectors = np.load(folder / "vectors.npy", mmap_mode=mmap, allow_pickle=False)
        text = (folder / "words.txt").read_bytes().decode("utf-8", errors="replace")
    except (OSError, ValueError) as exc:
        raise FormatError(f"{folder}: not a w2v vectors folder ({exc}).") from None
    words = text.split("\n") if text or meta.get("count") else []
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or len(words) != meta.get("count"):
        raise FormatError(
            f"{folder}: words.txt has {len(words)} words but vectors.npy has shape "
            f"{vectors.shape} and meta.json says {meta.get('count')}."
        )
    return words, vectors


def detect_format(path: str | os.PathLike) -> str:
    """'native' for a folder, else 'text' or 'binary' by looking at the first record."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"Vectors file not found: {str(p)!r}.")
    if p.is_dir():
        return "native"
    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
    nl = head.find(b"\n")
    if nl < 0:
        raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found.")
    _, dim = _parse_header(head[:nl], str(p))
    first = head[nl + 1 :].split(b"\n", 1)[0]
    try:
        parts = first.decode("utf-8").split()
        if len(parts) == dim + 1:
            [float(x) for x in parts[1:]]
            return "text"
    except (UnicodeDecodeError, ValueError):
        pass
    return "binary"


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
    p = str(path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"Vocabulary file not found: {p!r}.")
    words: list[str] = []
    counts: list[int] = []
    seen: set[str] = set()
    with open(p, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            parts = raw.decode("utf-8", errors="replace").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise FormatError(f"{p}: line {line_no}: expected 'word count', got {raw[:60]!r}.")
            word, count = parts
            try:
                c = int(count)
                if c < 0:
                    raise ValueError
            except ValueError:
                raise FormatError(
                    f"{p}: line {line_no}: the count of {word!r} is not a non-negative integer."
                ) from None
            if word == "</s>":
                continue
            if word in seen:
                raise FormatError(f"{p}: line {line_no}: the word {word!r} appears twice.")
            seen.add(word)
            words.append(word)
            counts.append(c)
    if not words:
        raise FormatError(f"{p}: the vocabulary file has no words.")
    return words, counts
