"""The read pass of plain-text corpus files on every worker: a compiled tokenizer and word tables.

:func:`read_files` turns a corpus's files into provisional word ids (in order of first
appearance), their counts and the sentence ends: the same result, to the id, the count and
the :class:`~w2v.corpus.ReadStats`, as the Python reader (:func:`w2v.corpus.iter_pieces`
feeding :func:`w2v.vocab._scan`), but several times faster and on ``workers`` threads.

How: a plain file is cut into chunks of about :data:`CHUNK_BYTES` at newlines (or, inside a
line longer than a block, after an ASCII space, tab, CR, VT or FF, which never splits a
token: the Python reader cuts long lines there too). Each thread
scans a chunk with :func:`_scan_chunk` (Numba, GIL released): it splits the bytes on what
Python's ``str.split()`` calls whitespace (the ASCII ones, ``\\x1c``-``\\x1f`` and the Unicode
spaces such as U+00A0 and U+3000), cuts tokens longer than ``MAX_TOKEN_CHARS`` characters,
and gives every distinct word of the chunk a local id in a hash table. The calling thread
merges the chunks in file order into one table (:class:`WordTable`), so local first
appearances become global ones and the result does not depend on the number of threads.
A sentence ends where the Python reader ends one: after a newline that follows a word, and at
the end of a file unless its long last line's tail after the reader's last cut is only
whitespace (then the sentence runs on into the next file, as it does there). Memory: about
twice :data:`CHUNK_BYTES` for each of the ``workers + 2`` chunks in flight (at most ~128 MB
in all: smaller chunks for many workers), plus the tables.

Exactness is kept by falling back, never by approximating:

* a chunk that is not valid UTF-8 is tokenized by the Python code (``_tokens``: replacement
  characters, counted) and the tokens scanned again from their clean UTF-8;
* compressed files (``.gz``, ``.bz2``, ``.xz``) are read by :func:`w2v.corpus.iter_file_pieces`
  on the calling thread, one after another, their tokens scanned the same way;
* a run of more than a block of bytes without an ASCII space, tab, LF, CR, VT or FF (one
  token of more than a megabyte) makes :func:`read_files` raise :class:`NeedsPythonReader`: the
  Python reader cuts such tokens where its blocks happen to end, and the caller reads the
  corpus again with it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from . import corpus as _corpus
from ._jit import jit
from .corpus import ReadStats
from .errors import CorpusError

#: Bytes of a plain file one thread scans at a time (chunks end at a newline after this);
#: less with more than 14 workers, so that the chunks in flight hold at most ~128 MB.
CHUNK_BYTES = 4 << 20
#: Re-encoded tokens (Python fallback, compressed files) are scanned in buffers of this size.
_TEXT_BYTES = 4 << 20

_OK, _INVALID_UTF8, _HUGE_RUN = 0, 1, 2
_MUL1 = np.uint64(0xFF51AFD7ED558CCD)  # murmur3's fmix64 constants
_MUL2 = np.uint64(0x9E3779B97F4A7C15)
_MUL3 = np.uint64(0xC4CEB9FE1A85EC53)
_CUT_BYTES = b" \t\r\x0b\x0c"  # where corpus.iter_file_pieces cuts a long line, \n aside


class NeedsPythonReader(Exception):
    """A file holds a token longer than a block: only the Python reader reproduces its cut."""


# -- compiled parts -----------------------------------------------------------------------------


@jit
def _utf8_at(buf, i, n):  # pragma: no cover - compiled
    """(length, code point) of the UTF-8 sequence starting at ``buf[i]`` (a byte >= 0x80);
    length 0 where Python's strict decoder would fail (overlong, surrogate, > U+10FFFF,
    truncated)."""
    b0 = np.int64(buf[i])
    if b0 < 0xC2:
        return 0, 0
    if b0 < 0xE0:
        if i + 1 >= n:
            return 0, 0
        b1 = np.int64(buf[i + 1])
        if (b1 & 0xC0) != 0x80:
            return 0, 0
        return 2, ((b0 & 0x1F) << 6) | (b1 & 0x3F)
    if b0 < 0xF0:
        if i + 2 >= n:
            return 0, 0
        b1 = np.int64(buf[i + 1])
        b2 = np.int64(buf[i + 2])
        lo = 0xA0 if b0 == 0xE0 else 0x80
        hi = 0x9F if b0 == 0xED else 0xBF
        if b1 < lo or b1 > hi or (b2 & 0xC0) != 0x80:
            return 0, 0
        return 3, ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)
    if b0 < 0xF5:
        if i + 3 >= n:
            return 0, 0
        b1 = np.int64(buf[i + 1])
        b2 = np.int64(buf[i + 2])
        b3 = np.int64(buf[i + 3])
        lo = 0x90 if b0 == 0xF0 else 0x80
        hi = 0x8F if b0 == 0xF4 else 0xBF
        if b1 < lo or b1 > hi or (b2 & 0xC0) != 0x80 or (b3 & 0xC0) != 0x80:
            return 0, 0
        return 4, ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F)
    return 0, 0


@jit
def _is_unicode_space(cp):  # pragma: no cover - compiled
    """Whether ``str.split()`` splits at code point ``cp`` (>= 0x80)."""
    return (
        cp == 0x85
        or cp == 0xA0
        or cp == 0x1680
        or (0x2000 <= cp <= 0x200A)
        or cp == 0x2028
        or cp == 0x2029
        or cp == 0x202F
        or cp == 0x205F
        or cp == 0x3000
    )


@jit
def _window(buf64, s):  # pragma: no cover - compiled
    """The 8 bytes from byte ``s`` of ``buf64`` (little-endian, padded by a word)."""
    q = s >> 3
    r = s & 7
    if r == 0:
        return buf64[q]
    return (buf64[q] >> np.uint64(8 * r)) | (buf64[q + 1] << np.uint64(64 - 8 * r))


@jit
def _low_bytes(word, count):  # pragma: no cover - compiled
    """The first ``count`` (< 8) bytes of ``word``, the others zero."""
    return word & ((np.uint64(1) << np.uint64(8 * count)) - np.uint64(1))


@jit
def _fmix(h):  # pragma: no cover - compiled
    """murmur3's 64-bit finaliser."""
    h ^= h >> np.uint64(33)
    h *= _MUL1
    h ^= h >> np.uint64(33)
    h *= _MUL3
    h ^= h >> np.uint64(33)
    return h


@jit
def _key(buf64, s, length):  # pragma: no cover - compiled
    """(hash, bytes 0-7, bytes 8-15) of the word of ``length`` bytes at byte ``s``, the
    bytes past its end zero: read 8 bytes at a time."""
    w0 = _window(buf64, s)
    w1 = np.uint64(0)
    if length < 8:
        w0 = _low_bytes(w0, length)
    elif length > 8:
        w1 = _window(buf64, s + 8)
        if length < 16:
            w1 = _low_bytes(w1, length - 8)
    h = _fmix((w0 * _MUL2) ^ w1 ^ np.uint64(length))
    for at in range(s + 16, s + length, 8):
        w = _window(buf64, at)
        if s + length - at < 8:
            w = _low_bytes(w, s + length - at)
        h = _fmix(h ^ (w * _MUL2))
    return h, w0, w1


@jit
def _same(a, a0, b, b0, length):  # pragma: no cover - compiled
    for k in range(length):
        if a[a0 + k] != b[b0 + k]:
            return False
    return True


@jit
def _grow(arr, size):  # pragma: no cover - compiled
    out = np.empty(max(size, 2 * len(arr)), dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


# A word table. ``rows`` (uint64, (capacity, 4)): per word id, in order of first appearance
# (so the frequent words sit together at the start), its hash, bytes 0-7 and 8-15 (see
# _key) and count << 24 | length in bytes: 32 bytes, half a cache line. ``slots`` (uint64,
# a power of two, at most half full): at the slot the hash's low bits pick (probing
# linearly), the hash's high 32 bits and id + 1 in the low 32 (0: empty), so a probe that
# misses rarely touches a row. Words longer than 16 bytes are compared in full from where
# their bytes are kept (``data[starts[id]:]``). Little-endian machines only (_window).
_LOW32 = np.uint64(0xFFFFFFFF)
_TAG = np.uint64(32)
_LEN_BITS = np.uint64(24)  # a row's count is its last field >> 24; a token has < 2**24 bytes
_LEN_MASK = np.uint64((1 << 24) - 1)
_ONE = np.uint64(1 << 24)  # one more occurrence


@jit
def _find(slots, h, w0, w1, length, rows, data, starts, buf, s):  # pragma: no cover - compiled
    """The slot holding word ``buf[s:s + length]`` (key ``h, w0, w1``: see _key), or the
    empty slot where it goes."""
    mask = len(slots) - 1
    k = np.int64(h & np.uint64(mask))
    tag = h >> _TAG
    n = np.uint64(length)
    while True:
        v = slots[k]
        if v == 0:
            return k
        if (v >> _TAG) == tag:
            w = np.int64(v & _LOW32) - 1
            if rows[w, 1] == w0 and rows[w, 2] == w1 and (rows[w, 3] & _LEN_MASK) == n:
                if length <= 16 or _same(data, starts[w] + 16, buf, s + 16, length - 16):
                    return k
        k = (k + 1) & mask


@jit
def _rehash(slots, rows):  # pragma: no cover - compiled
    """The slots in a table twice as large."""
    new = np.zeros(2 * len(slots), dtype=np.uint64)
    mask = len(new) - 1
    for v in slots:
        if v != 0:
            k = np.int64(rows[np.int64(v & _LOW32) - 1, 0] & np.uint64(mask))
            while new[k] != 0:
                k = (k + 1) & mask
            new[k] = v
    return new


@jit
def _grow_rows(rows):  # pragma: no cover - compiled
    out = np.empty((2 * len(rows), 4), dtype=np.uint64)
    out[: len(rows)] = rows
    return out


@jit
def _add(slots, k, rows, n_words, h, w0, w1, meta):  # pragma: no cover - compiled
    """Put word ``n_words`` in empty slot ``k`` and its row (``rows`` has room)."""
    rows[n_words, 0] = h
    rows[n_words, 1] = w0
    rows[n_words, 2] = w1
    rows[n_words, 3] = meta
    slots[k] = ((h >> _TAG) << _TAG) | np.uint64(n_words + 1)


@jit
def _scan_chunk(buf, buf64, max_chars, max_run):  # pragma: no cover - compiled
    """Tokenize ``buf`` (uint8) as ``str.split()`` would its UTF-8 text, line by line;
    ``buf64`` is the same memory as uint64, at least a word longer.

    Returns ``(status, ids, ends, first_nl, starts, rows, truncated)``: ``ids`` (int32) the
    local id of each token (distinct words numbered in order of first appearance); ``ends``
    (int64) the token count after each newline that follows a token since the previous such
    end; ``first_nl`` the tokens before the first newline (-1: none); word ``w`` is
    ``buf[starts[w]:]``, its key, length and count in ``rows[w]`` (see _find);
    ``truncated`` the tokens cut to ``max_chars`` characters. ``status`` is _INVALID_UTF8 or
    _HUGE_RUN (a run of more than ``max_run`` bytes without an ASCII space, tab, LF, CR, VT
    or FF) when the chunk needs another reader; then only ``status`` is meaningful.
    """
    n = len(buf)
    ids = np.empty(n // 4 + 16, dtype=np.int32)
    ends = np.empty(16, dtype=np.int64)
    # Sized for text (a distinct word per ~80 bytes) so that tables rarely grow.
    cap = 1024
    while 80 * cap < n:
        cap *= 2
    starts = np.empty(cap, dtype=np.int64)
    rows = np.empty((cap, 4), dtype=np.uint64)
    slots = np.zeros(2 * cap, dtype=np.uint64)
    n_tok = 0
    n_ends = 0
    last_end = 0
    first_nl = -1
    n_words = 0
    truncated = 0
    status = _OK
    tstart = -1  # start of the token being read
    n_chars = 0  # its characters so far
    cut_at = 0  # where its character max_chars + 1 starts
    run = 0
    i = 0
    while i <= n:
        if i < n and 32 < buf[i] < 128:  # the common case: a run of printable ASCII
            j = i + 1
            while j < n and 32 < buf[j] < 128:
                j += 1
            if tstart < 0:
                tstart = i
                n_chars = 0
            if n_chars <= max_chars < n_chars + (j - i):
                cut_at = i + (max_chars - n_chars)
            n_chars += j - i
            run += j - i
            if run > max_run:
                status = _HUGE_RUN
                break
            i = j
            continue
        sep = True
        newline = False
        step = 1
        if i < n:
            b = buf[i]
            if b < 0x80:
                if b == 32 or (9 <= b <= 13):
                    run = 0
                    newline = b == 10
                else:
                    run += 1
                    sep = 28 <= b <= 31
            else:
                step, cp = _utf8_at(buf, i, n)
                if step == 0:
                    status = _INVALID_UTF8
                    break
                run += step
                sep = _is_unicode_space(cp)
            if run > max_run:
                status = _HUGE_RUN
                break
        if not sep:
            if tstart < 0:
                tstart = i
                n_chars = 0
            n_chars += 1
            if n_chars == max_chars + 1:
                cut_at = i
        elif tstart >= 0:
            stop = i
            if n_chars > max_chars:
                stop = cut_at
                truncated += 1
            length = stop - tstart
            h, w0, w1 = _key(buf64, tstart, length)
            k = _find(slots, h, w0, w1, length, rows, buf, starts, buf, tstart)
            if slots[k] == 0:
                w = n_words
                if w == len(starts):
                    starts = _grow(starts, 0)
                    rows = _grow_rows(rows)
                starts[w] = tstart
                _add(slots, k, rows, w, h, w0, w1, _ONE | np.uint64(length))
                n_words += 1
                if 2 * n_words > len(slots):
                    slots = _rehash(slots, rows)
            else:
                w = np.int64(slots[k] & _LOW32) - 1
                rows[w, 3] += _ONE
            if n_tok == len(ids):
                ids = _grow(ids, 0)
            ids[n_tok] = w
            n_tok += 1
            tstart = -1
        if newline:
            if first_nl < 0:
                first_nl = n_tok
            if n_tok > last_end:
                if n_ends == len(ends):
                    ends = _grow(ends, 0)
                ends[n_ends] = n_tok
                n_ends += 1
                last_end = n_tok
        i += step
    if status != _OK:  # the Python fallback needs to know whether a huge run follows
        while i < n:
            b = buf[i]
            if b == 32 or (9 <= b <= 13):
                run = 0
            else:
                run += 1
                if run > max_run:
                    status = _HUGE_RUN
                    break
            i += 1
    return (
        status,
        ids[:n_tok].copy(),
        ends[:n_ends].copy(),
        first_nl,
        starts[:n_words].copy(),
        rows[:n_words].copy(),
        truncated,
    )


@jit
def _merge(
    buf, starts, rows, ids, insert, arena, used, g_starts, g_rows, n_words, slots
):  # pragma: no cover - compiled
    """Look up (and with ``insert`` add, in order) a chunk's words in the global table.

    Word ``j`` of the chunk is ``buf[starts[j]:]`` with ``rows[j]`` (see _scan_chunk);
    ``ids`` its tokens' local ids. Returns the tokens' global ids (int32, -1 for a word not
    in the table) and the table's arrays and sizes, reallocated when they grew.
    """
    mapping = np.empty(len(starts), dtype=np.int32)
    for j in range(len(starts)):
        s = starts[j]
        h = rows[j, 0]
        length = np.int64(rows[j, 3] & _LEN_MASK)
        k = _find(slots, h, rows[j, 1], rows[j, 2], length, g_rows, arena, g_starts, buf, s)
        if slots[k] == 0:
            if not insert:
                mapping[j] = -1
                continue
            w = n_words
            if w == len(g_starts):
                g_starts = _grow(g_starts, 0)
                g_rows = _grow_rows(g_rows)
            if used + length > len(arena):
                arena = _grow(arena, used + length)
            arena[used : used + length] = buf[s : s + length]
            g_starts[w] = used
            used += length
            _add(slots, k, g_rows, w, h, rows[j, 1], rows[j, 2], rows[j, 3])
            n_words += 1
            if 2 * n_words > len(slots):
                slots = _rehash(slots, g_rows)
        else:
            w = np.int64(slots[k] & _LOW32) - 1
            g_rows[w, 3] += rows[j, 3] & ~_LEN_MASK
        mapping[j] = w
    out = np.empty(len(ids), dtype=np.int32)
    for t in range(len(ids)):
        out[t] = mapping[ids[t]]
    return out, arena, used, g_starts, g_rows, n_words, slots


@jit
def _rows_of(data64, offsets):  # pragma: no cover - compiled
    """Rows (count 0) of the words ``data[offsets[w]:offsets[w + 1]]`` (``data64``: the
    bytes as uint64, a word longer); a length of 2**24 bytes or more is kept as 2**24 - 1,
    which no token has."""
    rows = np.zeros((len(offsets) - 1, 4), dtype=np.uint64)
    for w in range(len(rows)):
        length = offsets[w + 1] - offsets[w]
        h, w0, w1 = _key(data64, offsets[w], length)
        rows[w, 0] = h
        rows[w, 1] = w0
        rows[w, 2] = w1
        rows[w, 3] = min(np.uint64(length), _LEN_MASK)
    return rows


@jit
def _gather(arena, starts, rows, order):  # pragma: no cover - compiled
    """The words ``order`` as one byte array and (len(order) + 1,) offsets."""
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    for k in range(len(order)):
        offsets[k + 1] = offsets[k] + np.int64(rows[order[k], 3] & _LEN_MASK)
    out = np.empty(offsets[-1], dtype=np.uint8)
    for k in range(len(order)):
        w = order[k]
        out[offsets[k] : offsets[k + 1]] = arena[
            starts[w] : starts[w] + offsets[k + 1] - offsets[k]
        ]
    return out, offsets


# -- the global table ---------------------------------------------------------------------------


class WordTable:
    """Distinct words (UTF-8 bytes) in order of first appearance, with their counts."""

    def __init__(self) -> None:
        self.arena = np.empty(1 << 16, dtype=np.uint8)
        self.used = 0
        self.starts = np.empty(1024, dtype=np.int64)
        self.rows = np.empty((1024, 4), dtype=np.uint64)
        self.n_words = 0
        self.slots = np.zeros(4096, dtype=np.uint64)

    @classmethod
    def of_words(cls, words: dict[str, np.ndarray]) -> WordTable:
        """A table of packed words (``archives.pack_words``), ids in their order, counts 0."""
        table = cls()
        data, offsets = words["word_bytes"], words["word_offsets"]
        padded = _padded(len(data))
        padded[1][: len(data)] = data
        table.merge(data, np.ascontiguousarray(offsets[:-1]), _rows_of(padded[0], offsets))
        return table

    def merge(
        self,
        buf: np.ndarray,
        starts: np.ndarray,
        rows: np.ndarray,
        ids: np.ndarray | None = None,
        insert: bool = True,
    ) -> np.ndarray:
        """The global ids of tokens ``ids`` whose words are ``buf[starts[j]:]`` with
        ``rows[j]`` (-1: absent), adding the new words (``insert``) and the counts."""
        ids = np.zeros(0, np.int32) if ids is None else ids
        out, self.arena, self.used, self.starts, self.rows, self.n_words, self.slots = _merge(
            buf, starts, rows, ids, insert, self.arena, self.used, self.starts, self.rows,
            self.n_words, self.slots,
        )  # fmt: skip
        return out

    @property
    def counts(self) -> np.ndarray:
        """(n_words,) int64: each word's occurrences."""
        return (self.rows[: self.n_words, 3] >> _LEN_BITS).astype(np.int64)

    def packed(self, order: np.ndarray) -> dict[str, np.ndarray]:
        """Words ``order`` packed as ``archives.pack_words`` packs them."""
        data, offsets = _gather(
            self.arena, self.starts, self.rows, np.ascontiguousarray(order, dtype=np.int64)
        )
        return {"word_bytes": data, "word_offsets": offsets}


# -- chunks -------------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One scanned chunk: local ids and words (see _scan_chunk), and what the reader met."""

    buf: np.ndarray
    ids: np.ndarray
    ends: np.ndarray
    first_nl: int
    starts: np.ndarray
    rows: np.ndarray
    truncated: int = 0
    replaced: int = 0


def _padded(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A zeroed buffer of ``n`` bytes, 8-aligned and a word longer: (as uint64, as uint8)."""
    words = np.zeros(n // 8 + 2, dtype=np.uint64)
    return words, words.view(np.uint8)[:n]


def _scan(padded: tuple[np.ndarray, np.ndarray]) -> tuple[int, _Chunk]:
    """Scan a buffer made by _padded."""
    buf64, buf = padded
    status, ids, ends, first_nl, starts, rows, truncated = _scan_chunk(
        buf, buf64, _corpus.MAX_TOKEN_CHARS, _corpus.BLOCK_BYTES
    )
    return status, _Chunk(buf, ids, ends, first_nl, starts, rows, truncated)


def _scan_bytes(data: bytes) -> tuple[int, _Chunk]:
    padded = _padded(len(data))
    padded[1][:] = np.frombuffer(data, dtype=np.uint8)
    return _scan(padded)


def _scan_text(pieces: list[tuple[list[str], bool]]) -> _Chunk:
    """Scan clean tokens (no whitespace in them, at most MAX_TOKEN_CHARS characters):
    a piece that ends a sentence is followed by a newline, others by a space."""
    text = "".join(" ".join(tokens) + ("\n" if ends else " ") for tokens, ends in pieces)
    status, chunk = _scan_bytes(text.encode("utf-8"))
    assert status == _OK and chunk.truncated == 0, "tokens from the Python reader rescanned"
    return chunk


def _scan_python(raw: bytes) -> _Chunk:
    """A chunk that is not valid UTF-8, tokenized by corpus._tokens line by line."""
    stats = ReadStats()
    lines = raw.split(b"\n")
    pieces = [(_corpus._tokens(line, stats), True) for line in lines[:-1]]
    pieces.append((_corpus._tokens(lines[-1], stats), False))
    chunk = _scan_text(pieces)
    chunk.truncated, chunk.replaced = stats.truncated_tokens, stats.replaced_bytes
    return chunk


def _pread(fd: int, start: int, stop: int, path: Path) -> bytes:
    parts = []
    while start < stop:
        try:
            got = os.pread(fd, stop - start, start)
        except OSError as exc:
            raise CorpusError(f"Cannot read corpus file {str(path)!r}: {exc}.") from exc
        if not got:
            raise CorpusError(f"Cannot read corpus file {str(path)!r}: it shrank while read.")
        parts.append(got)
        start += len(got)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _scan_range(fd: int, start: int, stop: int, path: Path) -> _Chunk:
    padded = _padded(stop - start)
    view = memoryview(padded[1])
    got = 0
    while got < len(view):
        try:
            n = os.preadv(fd, [view[got:]], start + got)
        except OSError as exc:
            raise CorpusError(f"Cannot read corpus file {str(path)!r}: {exc}.") from exc
        if n == 0:
            raise CorpusError(f"Cannot read corpus file {str(path)!r}: it shrank while read.")
        got += n
    status, chunk = _scan(padded)
    if status == _INVALID_UTF8:
        return _scan_python(padded[1].tobytes())
    if status == _HUGE_RUN:
        raise NeedsPythonReader(str(path))
    return chunk


def _cut_after(fd: int, pos: int, size: int, path: Path) -> int:
    """Where a chunk starting before ``pos`` ends: after the first newline from ``pos``, or,
    if none within a block, after the first ASCII space, tab, CR, VT or FF (never inside a
    token). Raises NeedsPythonReader when a block from ``pos`` holds none of them."""
    block = _corpus.BLOCK_BYTES
    data = _pread(fd, pos, min(size, pos + block + 1), path)
    k = data.find(b"\n")
    if k < 0:
        k = min((k for k in (data.find(bytes([c])) for c in _CUT_BYTES) if k >= 0), default=-1)
    if k >= 0:
        return pos + k + 1
    if len(data) > block:  # a run of more than a block without whitespace
        raise NeedsPythonReader(str(path))
    return size


def _closes_at_eof(fd: int, size: int, path: Path) -> bool:
    """Whether corpus.iter_file_pieces ends a file with a sentence-ending piece: its tail
    after the last newline, or after the last cut of a long last line, holds a non-ASCII-
    whitespace byte. Raises NeedsPythonReader where it would cut a token."""
    block = _corpus.BLOCK_BYTES
    at, line_start = size, 0
    while at > 0:  # the last newline
        lo = max(0, at - block)
        k = _pread(fd, lo, at, path).rfind(b"\n")
        if k >= 0:
            line_start = lo + k + 1
            break
        at = lo
    tail = line_start
    end = (line_start // block + 1) * block  # the end of the block holding the line start
    while end < size + block:
        stop = min(end, size)
        if stop - tail > block:  # iter_file_pieces cuts at the last space before `stop`
            data = _pread(fd, tail, stop, path)
            cut = max(data.rfind(c) for c in (b" ", b"\t", b"\r", b"\x0b", b"\x0c"))
            if cut < 0:
                raise NeedsPythonReader(str(path))
            tail += cut + 1
        end += block
    return bool(_pread(fd, tail, size, path).strip(_corpus._WHITESPACE)) if tail < size else False


# -- the pass -----------------------------------------------------------------------------------


@dataclass
class ReadResult:
    """What :func:`read_files` found: ``n_words`` tokens, their sentence ``ends`` (int64),
    and the distinct words with counts in ``table``."""

    n_words: int
    ends: np.ndarray
    table: WordTable


def _jobs(
    paths: list[Path], skip_binary: bool, files: list[BinaryIO], chunk_bytes: int
) -> Iterator[tuple]:
    """The work in corpus order: ("chunk", path, fd, start, stop, file_start), ("eof", path,
    size, closes) and ("skip", path, bytes) for plain files; ("pieces", path) for the others."""
    block = _corpus.BLOCK_BYTES
    for path in paths:
        if path.suffix.lower() in _corpus._OPENERS:
            yield ("pieces", path)
            continue
        fh = _corpus._open_raw(path)
        files.append(fh)
        fd = fh.fileno()
        size = os.fstat(fd).st_size
        first = _pread(fd, 0, min(size, block), path)
        if _corpus._binary_first_block(path, first, True, skip_binary):
            yield ("skip", path, len(first))
            continue
        yield ("start", path)
        pos = 0
        while pos < size:
            stop = (
                size if pos + chunk_bytes >= size else _cut_after(fd, pos + chunk_bytes, size, path)
            )
            yield ("chunk", path, fd, pos, stop)
            pos = stop
        yield ("eof", path, size, _closes_at_eof(fd, size, path))


def read_files(
    paths: list[Path],
    skip_binary: bool,
    stats: ReadStats,
    write: Callable[[np.ndarray], None],
    workers: int,
    update: Callable[[], None] = lambda: None,
    table: WordTable | None = None,
) -> ReadResult:
    """Read files as corpus.iter_pieces does, with ``workers`` threads; ``write`` gets each
    chunk's global ids in order (-1 for a word not in a given lookup-only ``table``).

    Raises NeedsPythonReader (for a token longer than a block) before anything is final: the
    caller starts again with the Python reader. ``update()`` is called after every chunk.
    """
    insert = table is None
    table = WordTable() if table is None else table
    ends: list[np.ndarray] = []
    state = {"n": 0, "last_end": 0}

    def merge(chunk: _Chunk) -> None:
        n = state["n"]
        write(table.merge(chunk.buf, chunk.starts, chunk.rows, chunk.ids, insert))
        if chunk.first_nl == 0 and n > state["last_end"]:  # ends the previous chunk's sentence
            ends.append(np.array([n], dtype=np.int64))
            state["last_end"] = n
        if len(chunk.ends):
            ends.append(chunk.ends + n)
            state["last_end"] = n + int(chunk.ends[-1])
        state["n"] = n + len(chunk.ids)
        stats.tokens += len(chunk.ids)
        stats.truncated_tokens += chunk.truncated
        stats.replaced_bytes += chunk.replaced

    def run_pieces(path: Path) -> None:  # a compressed file, on this thread
        pieces: list[tuple[list[str], bool]] = []
        size = 0
        for tokens, ends_sentence in _corpus.iter_file_pieces(path, stats, skip_binary):
            if not ends_sentence and len(tokens) == 1 and tokens[0].split() != tokens:
                raise NeedsPythonReader(str(path))  # the start of a token cut at a block's end
            pieces.append((tokens, ends_sentence))
            size += len(tokens) + 1
            if size * 8 >= _TEXT_BYTES:
                merge(_scan_text(pieces))
                update()
                pieces, size = [], 0
        if pieces:
            merge(_scan_text(pieces))

    files: list[BinaryIO] = []
    file_base = 0
    queue: deque[tuple[tuple, Future | None]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="w2v-read")
    try:
        # Chunks in flight hold ~2 bytes per chunk byte: keep them under ~128 MB in all.
        chunk_bytes = min(CHUNK_BYTES, max(1 << 20, (64 << 20) // (workers + 2)))
        jobs = _jobs(paths, skip_binary, files, chunk_bytes)
        exhausted = False
        while True:
            while not exhausted and len(queue) < workers + 2:
                job = next(jobs, None)
                if job is None:
                    exhausted = True
                    break
                future = pool.submit(_scan_range, *job[2:], job[1]) if job[0] == "chunk" else None
                queue.append((job, future))
            if not queue:
                break
            job, future = queue.popleft()
            kind, path = job[0], job[1]
            if kind == "chunk":
                merge(future.result())
                stats.bytes_read = file_base + job[4]
            elif kind == "start":
                stats.files.append(str(path))
            elif kind == "eof":
                file_base += job[2]
                stats.bytes_read = file_base
                if job[3] and state["n"] > state["last_end"]:
                    ends.append(np.array([state["n"]], dtype=np.int64))
                    state["last_end"] = state["n"]
            elif kind == "skip":
                stats.skipped_files.append(str(path))
                file_base += job[2]
                stats.bytes_read = file_base
            else:  # pieces
                stats.bytes_read = file_base
                run_pieces(path)
                file_base = stats.bytes_read
            update()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # no thread reads a file closed below
        for fh in files:
            fh.close()
    all_ends = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    stats.sentences += len(all_ends)
    return ReadResult(state["n"], all_ends, table)
