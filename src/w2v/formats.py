"""word2vec.c's text and binary vector files, read and written byte-compatibly; atomic writes.

Text:   ``"V dim\\n"`` then one line per word: ``word v1 v2 … vdim\\n``.
Binary: ``"V dim\\n"`` then per word: ``word`` + ``b" "`` + dim little-endian float32 +
        ``b"\\n"`` (word2vec.c writes the newline; gensim does not; both are read).

Text values are written with 9 significant digits, which round-trips float32 exactly.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .errors import FormatError

_WS = b" \t\r\n"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; rename it over ``path`` on success.

    If the body raises (a full disk, Ctrl-C), the temporary file is removed and any previous
    file at ``path`` is left intact.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


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
    the path and the line (text) or byte offset (binary) where reading failed.
    """
    p = str(path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"Vectors file not found: {p!r}.")
    with open(p, "rb") as fh:
        data = fh.read()
    nl = data.find(b"\n")
    if nl < 0:
        raise FormatError(f"{p}: line 1: no header line '<words> <dim>' found.")
    n, dim = _parse_header(data[:nl], p)
    if limit is not None:
        n = min(n, int(limit))
    if binary:
        return _read_binary(data, nl + 1, n, dim, p)
    return _read_text(data, nl + 1, n, dim, p)


def _read_binary(
    data: bytes, pos: int, n: int, dim: int, path: str
) -> tuple[list[str], np.ndarray]:
    words: list[str] = []
    vectors = np.empty((n, dim), dtype=np.float32)
    width = 4 * dim
    size = len(data)
    for i in range(n):
        while pos < size and data[pos] in _WS:
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or space == pos:
            raise FormatError(
                f"{path}: byte {pos}: expected word {i + 1} of {n} followed by a space "
                "(truncated file, wrong header, or a text file read as binary?)."
            )
        if space + 1 + width > size:
            raise FormatError(
                f"{path}: byte {space + 1}: vector {i + 1} of {n} needs {width} bytes but the "
                f"file has {size - space - 1} left (truncated file or wrong header?)."
            )
        words.append(data[pos:space].decode("utf-8", errors="replace"))
        vectors[i] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + width
    return words, vectors


def _read_text(data: bytes, pos: int, n: int, dim: int, path: str) -> tuple[list[str], np.ndarray]:
    # Split on b"\n" only: words may contain other Unicode line breaks (\x0c, \u2028, ...).
    words: list[str] = []
    vectors = np.empty((n, dim), dtype=np.float32)
    lines = data[pos:].split(b"\n")
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
