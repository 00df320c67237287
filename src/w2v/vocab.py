"""Vocabulary: word counts → ids, min_count pruning, subsampling and noise probabilities.

Building the vocabulary and encoding the corpus into int32 ids happen in **one pass** over the
text: each new word gets a provisional id in order of first appearance, the provisional ids
stream to a temporary file, and once the counts are known the ids are remapped (vectorised)
to their final values — sorted by descending count, ties in order of first appearance, words
below ``min_count`` dropped, as word2vec.c and gensim drop them before windowing.
The result is independent of ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .corpus import CorpusLike, ReadStats, iter_pieces
from .errors import CorpusError

#: Provisional ids are buffered in Python lists of this many before going to the file.
_FLUSH_WORDS = 1 << 20
#: Words remapped per NumPy chunk when finalising the encoded corpus.
_REMAP_CHUNK = 1 << 24


@dataclass
class Vocabulary:
    """The trained words, sorted by descending count, with their counts.

    ``words[i]`` has id ``i`` and was seen ``counts[i]`` times in the corpus.
    """

    words: list[str]
    counts: np.ndarray  # (V,) int64, non-increasing

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
    """

    def __init__(self, path: str, n_words: int, sentence_ends: np.ndarray, tmpdir: str):
        self.path = path
        self.n_words = int(n_words)
        self.sentence_ends = np.ascontiguousarray(sentence_ends, dtype=np.int64)
        self._fd = os.open(path, os.O_RDONLY)
        self._finalizer = weakref.finalize(self, _cleanup, self._fd, tmpdir)

    def read(self, start: int, stop: int) -> np.ndarray:
        """The ids of corpus positions [start, stop) as a new int32 array."""
        n = stop - start
        buf = bytearray(4 * n)
        view = memoryview(buf)
        got = 0
        while got < 4 * n:
            chunk = os.preadv(self._fd, [view[got:]], 4 * start + got)
            if chunk == 0:
                raise OSError(f"encoded corpus {self.path!r} is shorter than expected")
            got += chunk
        return np.frombuffer(buf, dtype=np.int32)

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


def _cleanup(fd: int, tmpdir: str) -> None:
    try:
        os.close(fd)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


class _IdWriter:
    """Appends int ids to a binary file, buffering them in Python lists."""

    def __init__(self, path: str):
        self.fh = open(path, "wb")
        self.buf: list[int] = []
        self.n = 0

    def extend(self, ids: list[int]) -> None:
        self.buf.extend(ids)
        self.n += len(ids)
        if len(self.buf) >= _FLUSH_WORDS:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            np.asarray(self.buf, dtype=np.int32).tofile(self.fh)
            self.buf.clear()

    def close(self) -> None:
        self.flush()
        self.fh.close()


def _scan(
    corpus: CorpusLike, stats: ReadStats, epochs: int, lookup, tmpdir: str
) -> tuple[str, int, np.ndarray]:
    """Stream the corpus once, writing ``lookup``-mapped ids; return (file, words, ends)."""
    path = os.path.join(tmpdir, "provisional.i32")
    writer = _IdWriter(path)
    ends: list[int] = []
    last_end = 0
    try:
        for tokens, ends_sentence in iter_pieces(corpus, stats, epochs):
            if tokens:
                writer.extend(lookup(tokens))
                stats.tokens += len(tokens)
            if ends_sentence and writer.n > last_end:
                ends.append(writer.n)
                last_end = writer.n
                stats.sentences += 1
    finally:
        writer.close()
    if writer.n > last_end:  # an iterable ending without a sentence end cannot happen; be safe
        ends.append(writer.n)
    return path, writer.n, np.asarray(ends, dtype=np.int64)


def _remap(
    src: str, n_words: int, ends: np.ndarray, new_id: np.ndarray, dst: str
) -> tuple[int, np.ndarray]:
    """Rewrite ids through ``new_id`` (−1 = drop), returning (kept words, new sentence ends)."""
    new_ends = np.empty_like(ends)
    kept_total = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for start in range(0, n_words, _REMAP_CHUNK):
            stop = min(start + _REMAP_CHUNK, n_words)
            ids = new_id[np.fromfile(fin, dtype=np.int32, count=stop - start)]
            keep = ids >= 0
            ids[keep].astype(np.int32).tofile(fout)
            kept_before = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
            lo, hi = np.searchsorted(ends, [start, stop], side="right")
            new_ends[lo:hi] = kept_total + kept_before[ends[lo:hi] - start]
            kept_total += int(kept_before[-1])
    # Sentences that lost every word become empty; drop their duplicate ends.
    new_ends = new_ends[np.concatenate(([True], np.diff(new_ends) > 0))] if len(ends) else ends
    new_ends = new_ends[new_ends > 0]
    return kept_total, new_ends


def build_vocab_and_encode(
    corpus: CorpusLike,
    min_count: int,
    *,
    epochs: int = 1,
    stats: ReadStats | None = None,
    tmp_dir: str | None = None,
) -> tuple[Vocabulary, EncodedCorpus]:
    """Count and encode a corpus in one pass.

    Returns the vocabulary (words with ``count >= min_count`` sorted by descending count,
    ties in order of first appearance) and the corpus encoded with its ids, words outside
    the vocabulary removed. Raises CorpusError when the corpus is empty or no word reaches
    ``min_count``.
    """
    stats = stats if stats is not None else ReadStats()
    tmpdir = tempfile.mkdtemp(prefix="w2v-", dir=tmp_dir)
    try:
        provisional: defaultdict[str, int] = defaultdict()
        provisional.default_factory = provisional.__len__  # new word -> next id

        def lookup(tokens: list[str]) -> list[int]:
            return list(map(provisional.__getitem__, tokens))

        src, n_raw, ends = _scan(corpus, stats, epochs, lookup, tmpdir)
        if n_raw == 0:
            raise CorpusError(
                "The corpus contains no words (it is empty or only whitespace)"
                + (f": {', '.join(stats.files[:3])}" if stats.files else "")
                + "."
            )
        counts = np.bincount(np.fromfile(src, dtype=np.int32), minlength=len(provisional))
        first_seen_words = list(provisional)
        order = np.argsort(-counts, kind="stable")
        order = order[counts[order] >= min_count]
        if len(order) == 0:
            top = int(counts.max())
            raise CorpusError(
                f"No word reaches min_count={min_count}: the corpus has {n_raw} words, "
                f"{len(counts)} distinct, the most frequent seen {top} time(s). "
                f"Try min_count={max(1, top)} or a larger corpus."
            )
        new_id = np.full(len(counts), -1, dtype=np.int64)
        new_id[order] = np.arange(len(order))
        vocab = Vocabulary([first_seen_words[i] for i in order], counts[order])
        dst = os.path.join(tmpdir, "corpus.i32")
        n_words, new_ends = _remap(src, n_raw, ends, new_id, dst)
        os.remove(src)
        return vocab, EncodedCorpus(dst, n_words, new_ends, tmpdir)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


def encode(
    corpus: CorpusLike,
    vocab: Vocabulary,
    *,
    epochs: int = 1,
    stats: ReadStats | None = None,
    tmp_dir: str | None = None,
) -> EncodedCorpus:
    """Encode a corpus with an existing vocabulary, dropping words outside it."""
    stats = stats if stats is not None else ReadStats()
    tmpdir = tempfile.mkdtemp(prefix="w2v-", dir=tmp_dir)
    try:
        get = vocab.index.get

        def lookup(tokens: list[str]) -> list[int]:
            return list(map(get, tokens, repeat(-1)))

        src, n_raw, ends = _scan(corpus, stats, epochs, lookup, tmpdir)
        identity = np.concatenate((np.arange(len(vocab), dtype=np.int64), [-1]))
        dst = os.path.join(tmpdir, "corpus.i32")
        # id -1 indexes the last entry of `identity`, which is -1: dropped.
        n_words, new_ends = _remap(src, n_raw, ends, identity, dst)
        os.remove(src)
        return EncodedCorpus(dst, n_words, new_ends, tmpdir)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


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
