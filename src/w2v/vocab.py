"""Vocabulary: word counts → ids, min_count pruning, subsampling and noise probabilities.

Building the vocabulary and encoding the corpus into int32 ids happen in **one pass** over the
text: each new word gets a provisional id in order of first appearance, the provisional ids
stream to a temporary file, and once the counts are known the ids are remapped (vectorised)
to their final values — sorted by descending count, ties in order of first appearance, words
below ``min_count`` dropped, as word2vec.c and gensim drop them before windowing.
The result is independent of ``PYTHONHASHSEED``.

With ``max_vocab_size`` the counting memory is bounded as in word2vec.c's ``ReduceVocab``:
whenever more than ``max_vocab_size`` distinct words are held, the words seen at most
``level`` times so far are forgotten (``level`` = 1, then 2, 3, … one more at each reduction).
A forgotten word's occurrences so far become "dropped" in the id stream already written, via a
table per reduction, so one pass still suffices.
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import os
import stat
import sys
import tempfile
import weakref
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ._memory import trim_heap
from ._progress import ReadProgress
from .archives import pack_words, unpack_words
from .corpus import (
    CorpusLike,
    LineCorpus,
    ReadStats,
    _stat_mode,
    corpus_bytes,
    corpus_files,
    iter_pieces,
)
from .errors import CorpusError
from .fastread import NeedsPythonReader, WordTable, read_files

#: Provisional ids are buffered in Python lists of this many before going to the file.
_FLUSH_WORDS = 1 << 20
#: Words remapped per NumPy chunk when finalising the encoded corpus.
_REMAP_CHUNK = 1 << 18  # ids per step of the passes over the id file: ~3 MB of temporaries


@dataclass
class Vocabulary:
    """The trained words, sorted by descending count, with their counts.

    ``words[i]`` has id ``i`` and was seen ``counts[i]`` times in the corpus. After
    ``Word2Vec.update_vocab`` the new words follow the old ones, so the counts are then no
    longer sorted.
    """

    words: list[str]
    counts: np.ndarray  # (V,) int64, non-increasing until update_vocab appends words

    def __post_init__(self) -> None:
        self.counts = np.ascontiguousarray(self.counts, dtype=np.int64)
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.words)}

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    @property
    def total(self) -> int:
        """The number of corpus words that are in the vocabulary (word2vec.c's train_words)."""
        return int(self.counts.sum())

    def keep_probabilities(self, sample: float) -> np.ndarray:
        """word2vec.c's subsampling: P(keep w) = min(1, (sqrt(f/t) + 1) * t / f).

        With f = count/total and t = ``sample``; ``sample == 0`` keeps every word.
        Returns (V,) float32.
        """
        if sample <= 0 or len(self) == 0:
            return np.ones(len(self), dtype=np.float32)
        threshold = sample * self.total  # t * total, in counts
        c = self.counts.astype(np.float64)
        keep = (np.sqrt(c / threshold) + 1.0) * threshold / c
        return np.minimum(keep, 1.0).astype(np.float32)

    def noise_distribution(self, exponent: float) -> np.ndarray:
        """The negative-sampling distribution count**exponent, normalised. (V,) float64."""
        weights = self.counts.astype(np.float64) ** exponent
        return weights / weights.sum()


class EncodedCorpus:
    """The corpus as int32 word ids in a temporary file, plus the sentence boundaries.

    ``sentence_ends[k]`` is the position one past the last word of sentence k (non-decreasing,
    no empty sentences). Ids are read back a range at a time with ``os.pread`` so that
    several threads can read at once and only the ranges in use are in memory.

    The file is unnamed (:func:`_temp_file`): it is gone once :meth:`close` is called, the
    object is garbage-collected or the process ends, even when the process is killed.
    """

    def __init__(self, file: BinaryIO, n_words: int, sentence_ends: np.ndarray):
        self.n_words = int(n_words)
        self.sentence_ends = np.ascontiguousarray(sentence_ends, dtype=np.int64)
        self._fd = file.fileno()
        self._finalizer = weakref.finalize(self, file.close)

    def read(self, start: int, stop: int) -> np.ndarray:
        """The ids of corpus positions [start, stop) as a new int32 array."""
        return _read_ids(self._fd, start, stop - start)

    def close(self) -> None:
        """Delete the temporary file."""
        self._finalizer()


class ArrayCorpus:
    """An encoded corpus held in memory, with :class:`EncodedCorpus`'s interface.

    ``ids`` is (n_words,) int32 and ``sentence_ends`` (n_sentences,) int64, as in
    EncodedCorpus. Engines that receive their corpus in pieces (``w2v.spark``) use it.
    """

    def __init__(self, ids: np.ndarray, sentence_ends: np.ndarray):
        self.ids = np.require(ids, np.int32, ["C", "W"])  # the kernels are compiled for these
        self.n_words = len(self.ids)
        self.sentence_ends = np.ascontiguousarray(sentence_ends, dtype=np.int64)

    def read(self, start: int, stop: int) -> np.ndarray:
        """The ids of corpus positions [start, stop) (a view)."""
        return self.ids[start:stop]

    def close(self) -> None:
        """Nothing to release; present for EncodedCorpus's interface."""


def encode_sentences(sentences: Iterable[Iterable[str]], vocab: Vocabulary) -> ArrayCorpus:
    """Encode token lists in memory with ``vocab``, as :func:`encode` does on disk.

    Words outside the vocabulary are dropped, and sentences left empty with them.
    """
    get = vocab.index.get
    ids = array("i")
    ends = array("q")
    for sentence in sentences:
        ids.extend(i for i in map(get, sentence) if i is not None)
        if len(ids) > (ends[-1] if ends else 0):
            ends.append(len(ids))
    return ArrayCorpus(np.frombuffer(ids, dtype=np.int32), np.frombuffer(ends, dtype=np.int64))


def _temp_file(tmp_dir: str | None) -> BinaryIO:
    """A new temporary file in ``tmp_dir`` for reading and writing, with no name.

    On POSIX systems it never has a name in the folder (``O_TMPFILE``, or unlinked as soon as
    it is created), so nothing is left behind whatever ends the process: SIGKILL, the OOM
    killer, a power cut. Elsewhere the system deletes it when it is closed.
    """
    return tempfile.TemporaryFile(dir=tmp_dir, prefix="w2v-")


def _write_ids(fh: BinaryIO, ids: np.ndarray, tmp_dir: str | None) -> None:
    """Append ``ids`` as int32 to a temporary file; a full disk is one line naming the folder.

    Written through the file object (not ``ndarray.tofile``, whose short write reads
    ``535775 requested and 339968 written``), so a full disk raises OSError with its errno.
    """
    try:
        fh.write(memoryview(np.ascontiguousarray(ids, dtype=np.int32)).cast("B"))
    except OSError as exc:
        raise _temp_space_error(exc, tmp_dir) from None


def _temp_space_error(exc: OSError, tmp_dir: str | None) -> OSError:
    """``exc`` with a message saying what the temporary files need and where to put them."""
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return exc
    folder = tmp_dir if tmp_dir is not None else tempfile.gettempdir()
    return OSError(
        exc.errno,
        f"{exc.strerror} for the temporary encoded corpus (4 bytes per corpus word) in "
        f"{folder}; point tmp_dir= (for the w2v command: the TMPDIR variable) to a folder "
        "with room",
        folder,
    )


def _read_ids(fd: int, start: int, count: int) -> np.ndarray:
    """Ids ``start .. start + count − 1`` of an int32 id file as a new array.

    ``os.pread`` uses no shared file position, so several threads may read at once.
    """
    out = np.empty(count, dtype=np.int32)
    view = memoryview(out).cast("B")
    got = 0
    while got < len(view):
        n = os.preadv(fd, [view[got:]], 4 * start + got)
        if n == 0:
            raise OSError(f"a temporary id file ended at id {start + got // 4}, expected more")
        got += n
    return out


class _IdWriter:
    """Appends int ids to a temporary file, buffering them in Python lists."""

    def __init__(self, fh: BinaryIO, tmp_dir: str | None = None):
        self.fh = fh
        self.tmp_dir = tmp_dir  # for the message of a full disk
        self.buf: list[int] = []
        self.n = 0

    def extend(self, ids: list[int]) -> None:
        self.buf.extend(ids)
        self.n += len(ids)
        if len(self.buf) >= _FLUSH_WORDS:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            _write_ids(self.fh, np.asarray(self.buf, dtype=np.int32), self.tmp_dir)
            self.buf.clear()

    def finish(self) -> None:
        """Write out everything buffered, so that it can be read back."""
        self.flush()
        try:
            self.fh.flush()
        except OSError as exc:
            raise _temp_space_error(exc, self.tmp_dir) from None


def _scan(
    corpus: CorpusLike,
    stats: ReadStats,
    epochs: int,
    add,
    writer: _IdWriter,
    progress: bool = False,
) -> tuple[int, np.ndarray]:
    """Stream the corpus once, calling ``add(tokens)`` per piece; return (words, ends).

    ``progress`` shows the bytes read (with the time left) and the words on stderr."""
    ends = array("q")  # not a list: millions of int objects would fragment the heap
    last_end = 0
    bar = ReadProgress(corpus_bytes(corpus) if progress else None, progress)
    try:
        for tokens, ends_sentence in iter_pieces(corpus, stats, epochs):
            if tokens:
                add(tokens)
                stats.tokens += len(tokens)
            if ends_sentence and writer.n > last_end:
                ends.append(writer.n)
                last_end = writer.n
                stats.sentences += 1
            if progress:
                bar.update(stats.bytes_read, stats.tokens)
    finally:
        bar.close(stats.bytes_read, stats.tokens)
        writer.finish()
    if writer.n > last_end:  # an iterable ending without a sentence end cannot happen; be safe
        ends.append(writer.n)
    return writer.n, np.frombuffer(ends, dtype=np.int64).copy()


def _checked_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ValueError(f"workers must be an int >= 0 (0: the Python reader), got {workers!r}")
    return workers


def _plain_files(corpus: CorpusLike) -> tuple[list[Path], bool] | None:
    """A path corpus's files and whether it is a folder, else None (read by iter_pieces).

    Raises the errors iter_pieces raises for a missing path or an empty folder."""
    if isinstance(corpus, LineCorpus):
        corpus = corpus.path
    if callable(getattr(corpus, "iter_pieces", None)) or not isinstance(corpus, str | os.PathLike):
        return None  # as iter_pieces, which asks for iter_pieces first
    if sys.byteorder != "little":  # fastread reads words 8 bytes at a time, little-endian
        return None
    folder = stat.S_ISDIR(_stat_mode(Path(corpus)))
    return corpus_files(corpus), folder


def _scan_files(
    files: tuple[list[Path], bool],
    stats: ReadStats,
    workers: int,
    writer: _IdWriter,
    corpus: CorpusLike,
    progress: bool,
    table: WordTable | None = None,
) -> tuple[int, np.ndarray, WordTable]:
    """:func:`_scan` for a corpus of files, on ``workers`` threads (w2v.fastread); ``stats``
    is changed only when it succeeds. Returns (words, sentence ends, word table)."""
    local = ReadStats()
    bar = ReadProgress(corpus_bytes(corpus) if progress else None, progress)

    def write(ids: np.ndarray) -> None:
        _write_ids(writer.fh, ids, writer.tmp_dir)
        writer.n += len(ids)

    try:
        result = read_files(
            files[0],
            files[1],
            local,
            write,
            workers,
            lambda: bar.update(local.bytes_read, local.tokens),
            table,
        )
    finally:
        bar.close(local.bytes_read, local.tokens)
    writer.finish()
    ends = result.ends
    if result.n_words > (ends[-1] if len(ends) else 0):  # as _scan ends the last sentence
        ends = np.append(ends, np.int64(result.n_words))
    for f in dataclasses.fields(ReadStats):
        mine, theirs = getattr(local, f.name), getattr(stats, f.name)
        if isinstance(theirs, list):
            theirs.extend(mine)
        elif f.name == "peak_distinct_words":
            setattr(stats, f.name, max(mine, theirs))
        else:
            setattr(stats, f.name, theirs + mine)
    return result.n_words, ends, result.table


def _count_ids(fd: int, start: int, stop: int, n_ids: int) -> np.ndarray:
    """Occurrences of each id 0..n_ids−1 at positions [start, stop) of an int32 id file,
    read in bounded chunks."""
    counts = np.zeros(n_ids, dtype=np.int64)
    for a in range(start, stop, _REMAP_CHUNK):
        counts += np.bincount(_read_ids(fd, a, min(_REMAP_CHUNK, stop - a)), minlength=n_ids)
    return counts


def _remap(
    src: int,
    ends: np.ndarray,
    tables: list[tuple[int, np.ndarray]],
    dst: BinaryIO,
    tmp_dir: str | None = None,
) -> tuple[int, np.ndarray]:
    """Rewrite ids through tables (−1 = drop), returning (kept words, new sentence ends).

    ``src`` is the id file's descriptor and ``dst`` the file the kept ids are written to.
    ``tables`` holds ``(stop, new_id)`` in stream order: ids at positions from the previous
    ``stop`` up to this one map through this int32 ``new_id``; the last ``stop`` is the
    number of ids in ``src``.
    """
    new_ends = np.empty_like(ends)
    kept_total = 0
    start = 0
    for segment_stop, new_id in tables:
        while start < segment_stop:
            stop = min(start + _REMAP_CHUNK, segment_stop)
            ids = new_id[_read_ids(src, start, stop - start)]
            keep = ids >= 0
            _write_ids(dst, ids[keep], tmp_dir)
            kept_upto = np.cumsum(keep, dtype=np.int32)  # kept_upto[p]: kept among 0..p
            lo, hi = np.searchsorted(ends, [start, stop], side="right")
            new_ends[lo:hi] = kept_total + kept_upto[ends[lo:hi] - start - 1]  # ends > start
            kept_total += int(kept_upto[-1])
            start = stop
    try:
        dst.flush()
    except OSError as exc:
        raise _temp_space_error(exc, tmp_dir) from None
    # Sentences that lost every word become empty; drop their duplicate ends.
    new_ends = new_ends[np.concatenate(([True], np.diff(new_ends) > 0))] if len(ends) else ends
    new_ends = new_ends[new_ends > 0]
    return kept_total, new_ends


class _BoundedCounter:
    """Provisional ids for at most ``max_size`` (+1) distinct words, pruned as word2vec.c does.

    Ids are dict positions, so they stay dense and in order of first appearance. Counts are
    not kept per token: at a reduction (and at the end) the ids written since the last count
    are read back from the id file and counted with ``np.bincount``. Each reduction writes a
    table (old id → new id or −1) to disk; :meth:`tables` composes them for :func:`_remap`.
    """

    def __init__(self, max_size: int, writer: _IdWriter, tmp_dir: str | None, stats: ReadStats):
        self.max_size = max_size
        self.writer = writer
        self.table_file = _temp_file(tmp_dir)  # every reduction's table, one after another
        self.tmp_dir = tmp_dir
        self.stats = stats
        self.ids: defaultdict[str, int] = defaultdict()
        self.ids.default_factory = self.ids.__len__  # new word -> next id
        self.counts = np.zeros(0, dtype=np.int64)  # of the ids written before `counted_to`
        self.counted_to = 0
        self.level = 1  # word2vec.c's min_reduce: forget words seen at most this often
        self.segments: list[tuple[int, int, int]] = []  # (stream stop, table start, length)

    def add(self, tokens: list[str]) -> None:
        """Write the ids of ``tokens``, reducing whenever the words held exceed the bound."""
        ids, writer, i = self.ids, self.writer, 0
        while i < len(tokens):
            # At most `room` new words fit before the bound is exceeded by one.
            room = max(self.max_size - len(ids) + 1, 1)
            chunk = tokens if i == 0 and room >= len(tokens) else tokens[i : i + room]
            writer.extend(list(map(ids.__getitem__, chunk)))
            i += room
            if len(ids) > self.max_size:
                self._reduce()
                ids = self.ids

    def _count(self) -> np.ndarray:
        """Counts of the current ids, including everything written so far."""
        self.writer.finish()
        n = self.writer.n
        counts = _count_ids(self.writer.fh.fileno(), self.counted_to, n, len(self.ids))
        counts[: len(self.counts)] += self.counts
        self.counts, self.counted_to = counts, n
        return counts

    def _reduce(self) -> None:
        """word2vec.c's ReduceVocab: forget words seen at most ``level`` times; level += 1."""
        self.stats.peak_distinct_words = max(self.stats.peak_distinct_words, len(self.ids))
        counts = self._count()
        keep = counts > self.level
        new_id = np.where(keep, np.cumsum(keep) - 1, -1).astype(np.int32)
        start = self.segments[-1][1] + self.segments[-1][2] if self.segments else 0
        _write_ids(self.table_file, new_id, self.tmp_dir)
        self.segments.append((self.writer.n, start, len(new_id)))
        words = list(self.ids)  # in id order
        for word in compress(words, (~keep).tolist()):
            del self.ids[word]
        for word, i in zip(compress(words, keep.tolist()), range(len(self.ids)), strict=True):
            self.ids[word] = i  # dense again, in the same order
        self.counts = counts[keep]
        self.level += 1
        self.stats.vocab_reductions += 1

    def tables(self, final_id: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """The remap tables per stream segment, composing every later reduction's table."""
        self.table_file.flush()
        out = [(self.writer.n, final_id)]
        later = final_id
        for stop, start, length in reversed(self.segments):
            table = _read_ids(self.table_file.fileno(), start, length)
            later = np.append(later, np.int32(-1))[table]  # id -1 picks the appended -1: dropped
            out.append((stop, later))
        self.table_file.close()
        return out[::-1]


#: A Python scan of at least this many tokens runs the garbage collector afterwards.
_COLLECT_TOKENS = 1_000_000


def _give_back_memory(collect: bool = True) -> None:
    """Return freed heap pages to the OS (glibc only), e.g. a corpus's rare tokens
    (``collect``: run the garbage collector first)."""
    if collect:
        gc.collect()
    trim_heap()


def build_vocab_and_encode(
    corpus: CorpusLike,
    min_count: int,
    *,
    epochs: int = 1,
    stats: ReadStats | None = None,
    tmp_dir: str | None = None,
    max_vocab_size: int | None = None,
    progress: bool = False,
    workers: int = 1,
) -> tuple[Vocabulary, EncodedCorpus]:
    """Count and encode a corpus in one pass (``progress``: show it on stderr).

    Returns the vocabulary (words with ``count >= min_count`` sorted by descending count,
    ties in order of first appearance) and the corpus encoded with its ids, words outside
    the vocabulary removed. Raises CorpusError when the corpus is empty or no word reaches
    ``min_count``.

    ``max_vocab_size`` bounds the distinct words held while counting (word2vec.c's
    ReduceVocab, see the module docstring); ``None`` holds every distinct word. Memory is then
    about ``max_vocab_size`` × (100 bytes + the word's length) for the words and their ids,
    plus 8 bytes per word for the counts during a reduction, plus fixed buffers of about
    20 MB; the id stream (4 bytes per corpus word) and one table per reduction (4 bytes per
    held word) go to ``tmp_dir``. A word forgotten at a reduction and seen again starts from
    zero: its count is an underestimate, as in word2vec.c and gensim, and its occurrences
    before the reduction are also left out of the encoded corpus (word2vec.c, which reads
    the corpus a second time to train, still trains on them). ``stats.peak_distinct_words``
    and ``stats.vocab_reductions`` report what happened.

    ``workers`` threads read a corpus of plain-text files (:mod:`w2v.fastread`: a compiled
    tokenizer, the same result as the Python reader); compressed files, iterables of token
    lists and ``max_vocab_size`` are read on one thread. ``workers=0`` reads with the Python
    reader alone (the reference the compiled one is tested against; ~2.5x slower on one
    thread).
    """
    stats = stats if stats is not None else ReadStats()
    tokens_before = stats.tokens
    packed, counts, encoded, made_strings = _count_and_encode(
        corpus,
        min_count,
        epochs,
        stats,
        tmp_dir,
        max_vocab_size,
        progress,
        _checked_workers(workers),
    )
    # Every token string of a Python scan is garbage now; the compiled one makes none. A
    # collection walks the whole heap (~0.1 s beside PyTorch and gensim), worth it only when
    # the scan made many strings.
    _give_back_memory(collect=made_strings and stats.tokens - tokens_before >= _COLLECT_TOKENS)
    return Vocabulary(unpack_words(packed, "the counted vocabulary"), counts), encoded


def _count_and_encode(
    corpus: CorpusLike,
    min_count: int,
    epochs: int,
    stats: ReadStats,
    tmp_dir: str | None,
    max_vocab_size: int | None,
    progress: bool = False,
    workers: int = 0,
) -> tuple[dict[str, np.ndarray], np.ndarray, EncodedCorpus, bool]:
    """The kept words (packed), their counts, the encoded corpus, and whether the Python
    reader made the token strings."""
    src = _temp_file(tmp_dir)  # the provisional ids, in corpus order
    dst: BinaryIO | None = None
    counter: _BoundedCounter | None = None
    try:
        files = _plain_files(corpus) if workers and max_vocab_size is None else None
        writer = _IdWriter(src, tmp_dir)
        table = None
        if files is not None:
            try:
                n_raw, ends, table = _scan_files(files, stats, workers, writer, corpus, progress)
            except NeedsPythonReader:  # start again with the Python reader
                src.close()
                src = _temp_file(tmp_dir)
                writer = _IdWriter(src, tmp_dir)
        if table is not None:
            counts = table.counts
            provisional = range(len(counts))  # for len(); the words stay in the table
        elif max_vocab_size is None:
            provisional: defaultdict[str, int] = defaultdict()
            provisional.default_factory = provisional.__len__  # new word -> next id

            def add(tokens: list[str]) -> None:
                writer.extend(list(map(provisional.__getitem__, tokens)))

            n_raw, ends = _scan(corpus, stats, epochs, add, writer, progress)
            counts = _count_ids(src.fileno(), 0, n_raw, len(provisional))
        else:
            counter = _BoundedCounter(max_vocab_size, writer, tmp_dir, stats)
            n_raw, ends = _scan(corpus, stats, epochs, counter.add, writer, progress)
            provisional = counter.ids
            counts = counter._count()
        stats.peak_distinct_words = max(stats.peak_distinct_words, len(provisional))
        if n_raw == 0:
            raise CorpusError(
                "The corpus contains no words (it is empty or only whitespace)"
                + (f": {', '.join(stats.files[:3])}" if stats.files else "")
                + (
                    f"; skipped {len(stats.skipped_files)} binary file(s): "
                    + ", ".join(stats.skipped_files[:3])
                    if stats.skipped_files
                    else ""
                )
                + "."
            )
        first_seen_words = list(provisional) if table is None else []
        order = np.argsort(-counts, kind="stable")
        order = order[counts[order] >= min_count]
        if len(counts) == 0:
            raise CorpusError(
                f"max_vocab_size={max_vocab_size} forgot every word of the corpus ({n_raw} "
                "words); use a larger max_vocab_size."
            )
        if len(order) == 0:
            top = int(counts.max())
            raise CorpusError(
                f"No word reaches min_count={min_count}: the corpus has {n_raw} words, "
                f"{len(counts)} distinct, the most frequent seen {top} time(s). "
                f"Try min_count={max(1, top)} or a larger corpus."
            )
        new_id = np.full(len(counts), -1, dtype=np.int32)
        new_id[order] = np.arange(len(order))
        # The scan's token strings are spread over the whole small-object heap, and a heap
        # page is returned only when every object on it is free. Packing the kept words into
        # one block (outside that heap) lets every scan string go before the kept ones are
        # made again.
        if table is None:
            kept = pack_words(first_seen_words[i] for i in order)
        else:
            kept = table.packed(order)
        kept_counts = counts[order]
        tables = [(n_raw, new_id)] if counter is None else counter.tables(new_id)
        dst = _temp_file(tmp_dir)
        n_words, new_ends = _remap(src.fileno(), ends, tables, dst, tmp_dir)
        return kept, kept_counts, EncodedCorpus(dst, n_words, new_ends), table is None
    except BaseException:
        for f in (dst, counter.table_file if counter is not None else None):
            if f is not None:
                f.close()
        raise
    finally:
        src.close()


def encode(
    corpus: CorpusLike,
    vocab: Vocabulary,
    *,
    epochs: int = 1,
    stats: ReadStats | None = None,
    tmp_dir: str | None = None,
    progress: bool = False,
    workers: int = 1,
) -> EncodedCorpus:
    """Encode a corpus with an existing vocabulary, dropping words outside it
    (``progress``: show it on stderr; ``workers`` as in :func:`build_vocab_and_encode`)."""
    stats = stats if stats is not None else ReadStats()
    _checked_workers(workers)
    src = _temp_file(tmp_dir)
    dst: BinaryIO | None = None
    try:
        files = _plain_files(corpus) if workers else None
        get = vocab.index.get
        writer = _IdWriter(src, tmp_dir)

        def add(tokens: list[str]) -> None:
            writer.extend(list(map(get, tokens, repeat(-1))))

        scanned = None
        if files is not None:
            table = WordTable.of_words(pack_words(vocab.words))
            try:
                scanned = _scan_files(files, stats, workers, writer, corpus, progress, table)[:2]
            except NeedsPythonReader:  # start again with the Python reader
                src.close()
                src = _temp_file(tmp_dir)
                writer = _IdWriter(src, tmp_dir)
        n_raw, ends = scanned or _scan(corpus, stats, epochs, add, writer, progress)
        identity = np.concatenate((np.arange(len(vocab), dtype=np.int64), [-1]))
        dst = _temp_file(tmp_dir)
        # id -1 indexes the last entry of `identity`, which is -1: dropped.
        n_words, new_ends = _remap(src.fileno(), ends, [(n_raw, identity)], dst, tmp_dir)
        return EncodedCorpus(dst, n_words, new_ends)
    except BaseException:
        if dst is not None:
            dst.close()
        raise
    finally:
        src.close()


def vocab_from_counts(
    words: Iterable[str], counts: Iterable[int], min_count: int = 1
) -> Vocabulary:
    """A Vocabulary from given words and counts (e.g. a word2vec.c vocabulary file).

    Words below ``min_count`` are dropped and the rest sorted by descending count, ties
    keeping their given order. Raises CorpusError when no word remains.
    """
    words = list(words)
    arr = np.asarray(list(counts), dtype=np.int64)
    if len(words) != len(arr):
        raise ValueError("words and counts differ in length")
    order = np.argsort(-arr, kind="stable")
    order = order[arr[order] >= min_count]
    if len(order) == 0:
        raise CorpusError(
            f"No word of the vocabulary reaches min_count={min_count}; "
            f"the largest count is {int(arr.max()) if len(arr) else 0}."
        )
    return Vocabulary([words[i] for i in order], arr[order])
