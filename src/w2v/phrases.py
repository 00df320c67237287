"""Phrases: learn collocations ("new york") from bigram counts and join them into one token.

word2vec.c's ``word2phrase`` and gensim's ``Phrases``, counted in bounded memory and applied
lazily. One pass over a corpus counts every word and every pair of adjacent words in the same
sentence; a pair (a, b) becomes the phrase ``a_b`` when its score is above a threshold:

- ``scoring="word2vec"`` (word2vec.c, Mikolov et al. 2013b, eq. 6):
  ``(count(ab) - min_count) / (count(a) * count(b)) * total_words``, where ``total_words`` is
  every token of the corpus (word2vec.c's ``train_words``);
- ``scoring="npmi"`` (normalised pointwise mutual information, Bouma 2009, as gensim):
  ``ln(p(ab) / (p(a) p(b))) / -ln p(ab)`` with ``p(x) = count(x) / total_words``, in [-1, 1].

Applying the phrases joins greedily from left to right, as word2phrase does: a pair that
forms a phrase is joined and the word after it starts afresh, so one pass makes phrases of
two tokens; a second :class:`Phrases` learned on the joined corpus makes longer ones
("new_york" + "times"). No pair is counted or joined across a sentence end.

Counting maps tokens to integer ids a chunk at a time (a dict at C speed) and counts the
pairs as int64 keys ``id_a << 32 | id_b`` in a compiled open-addressing hash table.
"""

from __future__ import annotations

import io
import math
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Literal, overload

import numpy as np

from ._files import atomic_write, check_regular_file
from ._jit import jit
from ._progress import progress_bar, show_progress
from .archives import META_ARRAY, WORD_ARRAYS, load_npz, read_meta, save_npz, unpack_words
from .corpus import CorpusLike, LineCorpus, ReadStats, iter_pieces, sentences
from .errors import ConfigError, CorpusError, FormatError, NotFittedError

Scoring = Literal["word2vec", "npmi"]
SCORINGS = ("word2vec", "npmi")

#: Version written into saved files; loading refuses other versions.
FORMAT_VERSION = 1
#: Most tokens counted or joined at a time (a chunk); see :class:`Phrases` for the memory bound.
CHUNK_WORDS = 1 << 18
#: Hash table slots are grown to keep the load factor below this.
_MAX_LOAD = 0.5
_EMPTY = -1
_ID_BITS = 32


# ---------------------------------------------------------------- compiled hash table of pairs


@jit
def _slot(key: int, bits: int) -> int:
    # Fibonacci hashing: the top `bits` bits of key * 2^64/phi.
    return np.int64((np.uint64(key) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))


@jit
def _hash_add(slot_keys, slot_counts, bits, keys, counts):
    """Add ``counts[i]`` to the count of ``keys[i]`` (int64, ≥ 0); return how many keys were new.

    ``slot_keys``/``slot_counts``: (2**bits,) int64, empty slots hold -1.
    """
    mask = np.int64((1 << bits) - 1)
    new = 0
    for i in range(keys.shape[0]):
        k = keys[i]
        h = _slot(k, bits)
        while True:
            s = slot_keys[h]
            if s == k:
                slot_counts[h] += counts[i]
                break
            if s == -1:
                slot_keys[h] = k
                slot_counts[h] = counts[i]
                new += 1
                break
            h = (h + 1) & mask
    return new


@jit
def _hash_add_ones(slot_keys, slot_counts, bits, keys):
    """Count one occurrence of each ``keys[i]``; return how many keys were new."""
    mask = np.int64((1 << bits) - 1)
    new = 0
    for i in range(keys.shape[0]):
        k = keys[i]
        h = _slot(k, bits)
        while True:
            s = slot_keys[h]
            if s == k:
                slot_counts[h] += 1
                break
            if s == -1:
                slot_keys[h] = k
                slot_counts[h] = 1
                new += 1
                break
            h = (h + 1) & mask
    return new


@jit
def _hash_items(slot_keys, slot_counts, new_id, min_count):
    """The entries with count ≥ ``min_count`` whose both ids survive ``new_id`` (−1 = gone),
    remapped to the new ids: (keys, counts), int64."""
    n = 0
    for h in range(slot_keys.shape[0]):
        if slot_keys[h] != -1 and slot_counts[h] >= min_count:
            n += 1
    keys = np.empty(n, dtype=np.int64)
    counts = np.empty(n, dtype=np.int64)
    m = 0
    for h in range(slot_keys.shape[0]):
        k = slot_keys[h]
        if k == -1 or slot_counts[h] < min_count:
            continue
        a = new_id[k >> 32]
        b = new_id[k & 0xFFFFFFFF]
        if a < 0 or b < 0:
            continue
        keys[m] = (a << 32) | b
        counts[m] = slot_counts[h]
        m += 1
    return keys[:m], counts[:m]


class _PairTable:
    """Counts of int64 pair keys in a compiled hash table that grows by doubling."""

    def __init__(self, capacity: int = 1 << 16):
        self.bits = max(4, int(capacity - 1).bit_length())
        self.keys = np.full(1 << self.bits, _EMPTY, dtype=np.int64)
        self.counts = np.zeros(1 << self.bits, dtype=np.int64)
        self.size = 0

    def _reserve(self, extra: int) -> None:
        need = self.size + extra
        if need <= _MAX_LOAD * len(self.keys):
            return
        bits = self.bits
        while need > _MAX_LOAD * (1 << bits):
            bits += 1
        old_keys, old_counts = self._items()
        self.bits = bits
        self.keys = np.full(1 << bits, _EMPTY, dtype=np.int64)
        self.counts = np.zeros(1 << bits, dtype=np.int64)
        self.size = _hash_add(self.keys, self.counts, self.bits, old_keys, old_counts)

    def _items(self) -> tuple[np.ndarray, np.ndarray]:
        used = self.keys != _EMPTY
        return self.keys[used], self.counts[used]

    def add(self, keys: np.ndarray) -> None:
        """Count one occurrence of each key."""
        self._reserve(len(keys))
        self.size += _hash_add_ones(self.keys, self.counts, self.bits, keys)

    def extract(self, new_id: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray]:
        """Entries with count ≥ min_count, ids remapped through ``new_id``; see ``_hash_items``."""
        return _hash_items(self.keys, self.counts, new_id, min_count)

    def replace(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Empty the table and fill it with these (distinct) keys and counts."""
        self.bits = max(4, int(2 * len(keys)).bit_length())
        self.keys = np.full(1 << self.bits, _EMPTY, dtype=np.int64)
        self.counts = np.zeros(1 << self.bits, dtype=np.int64)
        self.size = _hash_add(self.keys, self.counts, self.bits, keys, counts)


# ---------------------------------------------------------------- chunks of a corpus


def _chunks(
    pieces: Iterable[tuple[list[str], bool]], chunk_words: int
) -> Iterator[list[tuple[list[str], bool]]]:
    """Group ``(tokens, ends_sentence)`` pieces into lists of about ``chunk_words`` tokens.

    A piece longer than ``chunk_words`` is cut into parts that continue the sentence.
    """
    group: list[tuple[list[str], bool]] = []
    n = 0
    for tokens, ends in pieces:
        while len(tokens) > chunk_words:
            group.append((tokens[:chunk_words], False))
            tokens = tokens[chunk_words:]
            yield group
            group, n = [], 0
        group.append((tokens, ends))
        n += len(tokens)
        if n >= chunk_words:
            yield group
            group, n = [], 0
    if group:
        yield group


def _flatten(
    group: list[tuple[list[str], bool]], carry: str | None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Concatenate a group's tokens after ``carry`` (the unfinished sentence's last token).

    Returns (flat tokens, piece end offsets in flat (k,) int64, pair_ok (n-1,) bool): pair_ok[i]
    says tokens i and i+1 are in the same sentence.
    """
    flat: list[str] = [] if carry is None else [carry]
    lengths = []
    for tokens, _ in group:
        flat.extend(tokens)
        lengths.append(len(tokens))
    ends = (0 if carry is None else 1) + np.cumsum(np.asarray(lengths, dtype=np.int64))
    pair_ok = np.ones(max(len(flat) - 1, 0), dtype=bool)
    sentence_ends = ends[np.fromiter((e for _, e in group), dtype=bool, count=len(group))]
    cut = sentence_ends[(sentence_ends > 0) & (sentence_ends < len(flat))] - 1
    pair_ok[cut] = False
    return flat, ends, pair_ok


def _greedy(candidate: np.ndarray) -> np.ndarray:
    """Left-to-right greedy choice among candidate pairs: pair i is taken unless i-1 was.

    In a run of consecutive candidates starting at s, the pairs s, s+2, s+4, ... are taken.
    """
    n = len(candidate)
    if n == 0:
        return candidate.copy()
    idx = np.arange(n)
    run_start = candidate & ~np.concatenate(([False], candidate[:-1]))
    start_of = np.maximum.accumulate(np.where(run_start, idx, 0))
    return candidate & ((idx - start_of) % 2 == 0)


# ---------------------------------------------------------------- the model


class Phrases:
    """Collocation detector: word2vec.c's word2phrase / gensim's Phrases.

    Parameters
    ----------
    min_count : int, default 5
        A pair is a candidate only when it and both its words occur at least this often
        (word2vec.c drops rarer words and pairs before scoring); it also discounts the pair
        count in the ``word2vec`` score.
    threshold : float, default 100.0
        A pair is joined when its score is strictly greater. word2phrase's default (100);
        for ``scoring="npmi"`` it must be in [-1, 1] (gensim users often take 0.5).
    scoring : {"word2vec", "npmi"}, default "word2vec"
        ``word2vec``: ``(count(ab) - min_count) / (count(a) count(b)) * total_words`` as
        word2vec.c computes it, with ``total_words`` the number of tokens of the corpus.
        gensim's ``"default"`` scorer multiplies by the number of distinct unigrams and
        bigrams in its table instead, which depends on pruning; we follow word2vec.c and the
        paper. ``npmi``: ``ln(p(ab)/(p(a)p(b))) / -ln p(ab)``, ``p = count / total_words``.
    delimiter : str, default "_"
        Joins the words of a phrase: ``new`` + ``york`` → ``new_york``. Not whitespace.
    max_vocab_size : int, default 40_000_000
        Bound on memory while counting. The counts table holds distinct words and distinct
        pairs; whenever after a chunk of at most ``chunk_words`` tokens it holds more than
        ``max_vocab_size`` entries, every entry seen at most ``r`` times is dropped and ``r``
        raised by one (word2vec.c's ``ReduceVocab``, gensim's ``prune_vocab``; ``r`` starts
        at 1), until it fits. So at most ``max_vocab_size + 2 * chunk_words`` entries are ever
        held, where ``chunk_words = min(262144, max(1024, max_vocab_size // 4))`` (one chunk
        adds at most one word and one pair per token): at most 1.5 × ``max_vocab_size`` when
        it is ≥ 4096. An entry costs about 100 bytes for a word (its string and dict slot)
        and 16-48 bytes for a pair, so the default is a few GB at worst; word counts near the
        pruning level become approximate, as in word2vec.c and gensim.

    Attributes
    ----------
    total_words : int
        After :meth:`fit`: tokens in the corpus (word2vec.c's ``train_words``).
    words : list of str
        The words seen at least ``min_count`` times, in order of first appearance.
    word_counts : numpy.ndarray
        (len(words),) int64, their counts.
    pair_keys, pair_counts : numpy.ndarray
        The pairs seen at least ``min_count`` times as sorted int64 keys
        ``index_a << 32 | index_b`` (indices into ``words``), and their counts.
    prune_level : int
        0 if nothing was pruned while counting, else the last ``r`` used.

    Notes
    -----
    Where this differs from word2vec.c's word2phrase: a pair across a line end is never
    counted (word2phrase counts it, though it never joins across lines; gensim does not count
    it either); scores are computed in float64 (word2phrase: float32); words are never
    truncated (word2phrase cuts them at 59 bytes). A pair whose words and count reach
    ``min_count`` is scored as word2phrase scores it, and joined on the same condition.

    Examples
    --------
    >>> from w2v import Phrases, Word2Vec
    >>> phrases = Phrases(min_count=5, threshold=100.0).fit("corpus.txt")  # doctest: +SKIP
    >>> phrases[["in", "new", "york", "city"]]  # doctest: +SKIP
    ['in', 'new_york', 'city']
    >>> longer = Phrases().fit(phrases.transform("corpus.txt"))  # doctest: +SKIP
    >>> model = Word2Vec().fit(longer.transform(phrases.transform("corpus.txt")))  # doctest: +SKIP
    """

    def __init__(
        self,
        min_count: int = 5,
        threshold: float = 100.0,
        scoring: Scoring = "word2vec",
        delimiter: str = "_",
        max_vocab_size: int = 40_000_000,
    ) -> None:
        if isinstance(min_count, bool) or not isinstance(min_count, int | np.integer):
            raise ConfigError(f"min_count must be an int >= 1; got {min_count!r}.")
        if min_count < 1:
            raise ConfigError(f"min_count={min_count} is not allowed; use 1 to count every pair.")
        if scoring not in SCORINGS:
            raise ConfigError(
                f"scoring must be one of {', '.join(map(repr, SCORINGS))}; got {scoring!r}."
            )
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            raise ConfigError(f"threshold must be a number; got {threshold!r}.") from None
        if math.isnan(threshold):
            raise ConfigError("threshold must be a number; got nan.")
        if scoring == "npmi" and not -1.0 <= threshold <= 1.0:
            raise ConfigError(
                f"threshold={threshold} is outside [-1, 1], the range of NPMI scores; "
                "try 0.5 with scoring='npmi'."
            )
        if not isinstance(delimiter, str) or not delimiter or any(c.isspace() for c in delimiter):
            raise ConfigError(
                f"delimiter must be a non-empty string without whitespace; got {delimiter!r}."
            )
        if isinstance(max_vocab_size, bool) or not isinstance(max_vocab_size, int | np.integer):
            raise ConfigError(f"max_vocab_size must be an int >= 16; got {max_vocab_size!r}.")
        if max_vocab_size < 16:
            raise ConfigError(f"max_vocab_size={max_vocab_size} is too small; use at least 16.")
        self.min_count = int(min_count)
        self.threshold = threshold
        self.scoring: Scoring = scoring
        self.delimiter = delimiter
        self.max_vocab_size = int(max_vocab_size)
        self._fitted = False
        # Largest number of table entries held at once during the last fit (for tests).
        self._peak_entries = 0

    # ------------------------------------------------------------ learning

    @property
    def chunk_words(self) -> int:
        """Tokens counted at a time: min(262144, max(1024, max_vocab_size // 4))."""
        return min(CHUNK_WORDS, max(1024, self.max_vocab_size // 4))

    def fit(self, corpus: CorpusLike, *, progress: bool | str | None = None) -> Phrases:
        """Count the words and adjacent pairs of ``corpus`` in one pass; return self.

        Parameters
        ----------
        corpus : path or iterable of token lists
            A text file with one sentence per line (``.gz``, ``.bz2``, ``.xz`` too), a folder
            of such files, a :class:`~w2v.LineCorpus`, the output of another
            :meth:`transform`, or an iterable of lists of str. Read once.
        progress : bool or str, optional
            Show a progress line (words counted, words/s) on stderr, labelled with the string
            if one is given; default: when stderr is a terminal.

        Returns
        -------
        Phrases
            self, fitted: counts of words and pairs seen at least ``min_count`` times.
        """
        progress = show_progress(progress)
        stats = ReadStats()
        index: defaultdict[str, int] = defaultdict()
        index.default_factory = index.__len__  # new word -> next id
        counts = np.zeros(1 << 16, dtype=np.int64)
        pairs = _PairTable()
        total = 0
        level = 0
        peak = 0
        carry: str | None = None
        desc = progress if isinstance(progress, str) else "counting"
        bar = progress_bar(bool(progress), desc=desc)
        try:
            for group in _chunks(iter_pieces(corpus, stats), self.chunk_words):
                if carry is not None and carry not in index:
                    carry = None  # pruned since: the pair across the chunk edge is lost
                flat, _, pair_ok = _flatten(group, carry)
                skip = 0 if carry is None else 1
                ids = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat))
                if len(index) >= 1 << _ID_BITS:
                    raise CorpusError("More than 2**32 distinct words; lower max_vocab_size.")
                if len(index) > len(counts):
                    counts = np.concatenate(
                        (counts, np.zeros(max(len(index), 2 * len(counts)) - len(counts), np.int64))
                    )
                counts[: len(index)] += np.bincount(ids[skip:], minlength=len(index))
                total += len(flat) - skip
                keys = (ids[:-1] << _ID_BITS) | ids[1:]
                pairs.add(keys[pair_ok])
                carry = flat[-1] if flat and not group[-1][1] else None
                entries = len(index) + pairs.size
                peak = max(peak, entries)
                while entries > self.max_vocab_size:
                    level += 1
                    index, counts = self._prune(index, counts, pairs, level)
                    entries = len(index) + pairs.size
                if bar is not None:
                    bar.update(len(flat) - skip)
        finally:
            if bar is not None:
                bar.close()
        if total == 0:
            raise CorpusError(
                "The corpus contains no words (it is empty or only whitespace)"
                + (f": {', '.join(stats.files[:3])}" if stats.files else "")
                + "."
            )
        words = list(index)
        counts = counts[: len(words)]
        keep = np.flatnonzero(counts >= self.min_count)
        new_id = np.full(len(words), -1, dtype=np.int64)
        new_id[keep] = np.arange(len(keep))
        keys, pair_counts = pairs.extract(new_id, self.min_count)
        order = np.argsort(keys, kind="stable")
        self._set_state(
            [words[i] for i in keep], counts[keep], keys[order], pair_counts[order], total, level
        )
        self._peak_entries = peak
        self.read_stats = stats
        return self

    @staticmethod
    def _prune(index, counts, pairs: _PairTable, level: int):
        """Drop words and pairs seen at most ``level`` times; return the new (index, counts)."""
        n = len(index)
        keep = np.flatnonzero(counts[:n] > level)
        new_id = np.full(n, -1, dtype=np.int64)
        new_id[keep] = np.arange(len(keep))
        keys, pair_counts = pairs.extract(new_id, level + 1)
        pairs.replace(keys, pair_counts)
        words = list(index)
        new_index: defaultdict[str, int] = defaultdict()
        new_index.default_factory = new_index.__len__
        new_index.update(zip([words[i] for i in keep.tolist()], range(len(keep)), strict=True))
        new_counts = np.zeros(max(1 << 16, 2 * len(keep)), dtype=np.int64)
        new_counts[: len(keep)] = counts[keep]
        return new_index, new_counts

    def _set_state(self, words, counts, pair_keys, pair_counts, total, level) -> None:
        self.words: list[str] = list(words)
        self.word_counts = np.ascontiguousarray(counts, dtype=np.int64)
        self.pair_keys = np.ascontiguousarray(pair_keys, dtype=np.int64)  # sorted
        self.pair_counts = np.ascontiguousarray(pair_counts, dtype=np.int64)
        self.total_words = int(total)
        self.prune_level = int(level)
        self._index = {w: i for i, w in enumerate(self.words)}
        scores = self._score_arrays(
            self.word_counts[self.pair_keys >> _ID_BITS],
            self.word_counts[self.pair_keys & 0xFFFFFFFF],
            self.pair_counts,
        )
        chosen = scores > self.threshold
        self._phrase_keys = self.pair_keys[chosen]  # sorted, since pair_keys is
        self._phrase_scores = scores[chosen]
        self._phrase_counts = self.pair_counts[chosen]
        self._fitted = True

    def _score_arrays(self, ca: np.ndarray, cb: np.ndarray, cab: np.ndarray) -> np.ndarray:
        """Scores (float64) of pairs with counts ca, cb, cab; -inf where one is < min_count."""
        ca, cb, cab = (np.asarray(x, dtype=np.float64) for x in (ca, cb, cab))
        n = float(self.total_words)
        ok = (ca >= self.min_count) & (cb >= self.min_count) & (cab >= self.min_count)
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.scoring == "word2vec":
                score = (cab - self.min_count) / ca / cb * n
            else:
                pab = cab / n
                score = np.log(pab / ((ca / n) * (cb / n))) / -np.log(pab)
        return np.where(ok, score, -np.inf)

    # ------------------------------------------------------------ queries

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise NotFittedError(
                "This Phrases instance is not fitted yet. Call 'fit' with a corpus first."
            )

    def count(self, word_a: str, word_b: str | None = None) -> int:
        """How often ``word_a`` (or the pair ``word_a word_b``) occurred; 0 when below min_count.

        Examples
        --------
        >>> phrases.count("new"), phrases.count("new", "york")  # doctest: +SKIP
        (1312, 457)
        """
        self._check_fitted()
        a = self._index.get(word_a, -1)
        if word_b is None:
            return int(self.word_counts[a]) if a >= 0 else 0
        b = self._index.get(word_b, -1)
        if a < 0 or b < 0:
            return 0
        key = (a << _ID_BITS) | b
        pos = int(np.searchsorted(self.pair_keys, key))
        if pos < len(self.pair_keys) and self.pair_keys[pos] == key:
            return int(self.pair_counts[pos])
        return 0

    def score(self, word_a: str, word_b: str) -> float:
        """The score of the pair ``word_a word_b``; -inf when it or a word is below min_count.

        The pair is joined by :meth:`transform` when the score is greater than ``threshold``.
        """
        self._check_fitted()
        s = self._score_arrays(
            [self.count(word_a)], [self.count(word_b)], [self.count(word_a, word_b)]
        )
        return float(s[0])

    def __len__(self) -> int:
        """The number of phrases (pairs scoring above the threshold)."""
        self._check_fitted()
        return len(self._phrase_keys)

    def phrase_table(self) -> list[tuple[str, int, float]]:
        """Every phrase as ``(joined phrase, pair count, score)``, highest score first.

        Ties are broken by higher count, then alphabetically.
        """
        self._check_fitted()
        d = self.delimiter
        rows = [
            (self.words[k >> _ID_BITS] + d + self.words[k & 0xFFFFFFFF], int(c), float(s))
            for k, c, s in zip(
                self._phrase_keys.tolist(),
                self._phrase_counts.tolist(),
                self._phrase_scores.tolist(),
                strict=True,
            )
        ]
        rows.sort(key=lambda r: (-r[2], -r[1], r[0]))
        return rows

    def export_phrases(self, path: str | os.PathLike) -> int:
        """Write the phrase table as TSV (``phrase``, ``count``, ``score``, with a header line),
        highest score first, atomically; return the number of phrases."""

        rows = self.phrase_table()
        with atomic_write(path) as fh:
            text = io.TextIOWrapper(fh, encoding="utf-8", newline="\n")
            text.write("phrase\tcount\tscore\n")
            for phrase, count, score in rows:
                text.write(f"{phrase}\t{count}\t{score!r}\n")
            text.flush()
            text.detach()
        return len(rows)

    # ------------------------------------------------------------ applying

    def transform(self, corpus: CorpusLike) -> PhrasedCorpus:
        """The corpus with its phrases joined, read lazily: a :class:`PhrasedCorpus`.

        It is re-iterable when ``corpus`` is (a path always is) and can be given to
        ``Word2Vec.fit``, to another ``Phrases.fit`` (for longer phrases) or to ``transform``.
        """
        self._check_fitted()
        return PhrasedCorpus(self, corpus)

    @overload
    def __getitem__(self, item: list[str] | tuple[str, ...]) -> list[str]: ...

    @overload
    def __getitem__(self, item: CorpusLike) -> PhrasedCorpus: ...

    def __getitem__(
        self, item: list[str] | tuple[str, ...] | CorpusLike
    ) -> list[str] | PhrasedCorpus:
        """``phrases[sentence]`` joins one list of tokens; ``phrases[corpus]`` is
        ``transform(corpus)``.

        A ``str`` is refused (TypeError): ``phrases["new york"]`` is neither a sentence nor,
        by accident, a file; use ``phrases["new york".split()]`` or ``transform(path)``.
        """
        if isinstance(item, str):
            raise TypeError(
                f"phrases[{item[:40]!r}]: a string is not a sentence; pass a list of tokens, "
                f"e.g. phrases[{item[:40]!r}.split()], or read a file with "
                "phrases.transform(path)."
            )
        if isinstance(item, list | tuple) and all(isinstance(t, str) for t in item):
            self._check_fitted()
            out: list[str] = []
            for tokens, _ in self._apply([(list(item), True)]):
                out.extend(tokens)
            return out
        return self.transform(item)

    def _apply(self, pieces: Iterable[tuple[list[str], bool]]) -> Iterator[tuple[list[str], bool]]:
        """Join the phrases of ``(tokens, ends_sentence)`` pieces, greedily left to right."""
        get = self._index.get
        phrase_keys = self._phrase_keys
        d = self.delimiter
        carry: str | None = None
        for group in _chunks(pieces, self.chunk_words):
            flat, piece_ends, pair_ok = _flatten(group, carry)
            n = len(flat)
            if len(phrase_keys) and n > 1:
                ids = np.fromiter(map(get, flat, repeat(-1)), dtype=np.int64, count=n)
                a, b = ids[:-1], ids[1:]
                keys = (a << _ID_BITS) | b
                pos = np.minimum(np.searchsorted(phrase_keys, keys), len(phrase_keys) - 1)
                candidate = pair_ok & (a >= 0) & (b >= 0) & (phrase_keys[pos] == keys)
                taken = _greedy(candidate)
            else:
                taken = np.zeros(max(n - 1, 0), dtype=bool)
            where = np.flatnonzero(taken).tolist()
            if where:
                out: list[str] = []
                prev = 0
                for i in where:
                    out.extend(flat[prev:i])
                    out.append(flat[i] + d + flat[i + 1])
                    prev = i + 2
                out.extend(flat[prev:])
                # A piece ending at e keeps e - (pairs taken before e) tokens.
                taken_before = np.concatenate(([0], np.cumsum(taken, dtype=np.int64)))
                taken_before = np.append(taken_before, taken_before[-1])  # (n + 1,)
                ends = piece_ends - taken_before[piece_ends]
            else:
                out, ends = flat, piece_ends
            # Hold back the last token of an unfinished sentence unless it closed a phrase:
            # it may pair with the next chunk's first token.
            carry = None
            if not group[-1][1] and n and not (n > 1 and taken[-1]):
                carry = out.pop()
                ends = np.minimum(ends, len(out))
            start = 0
            for (_, ends_sentence), end in zip(group, ends.tolist(), strict=True):
                yield out[start:end], ends_sentence
                start = end
        if carry is not None:
            yield [carry], True

    # ------------------------------------------------------------ files

    def save(self, path: str | os.PathLike) -> None:
        """Save the parameters and counts to one ``.npz`` file (no pickle), atomically.

        Only words and pairs seen at least ``min_count`` times are kept after fitting, so
        the file holds exactly what scoring needs.
        """

        self._check_fitted()
        meta = {
            "format": "w2v-phrases",
            "version": FORMAT_VERSION,
            "min_count": self.min_count,
            "threshold": self.threshold,
            "scoring": self.scoring,
            "delimiter": self.delimiter,
            "max_vocab_size": self.max_vocab_size,
            "total_words": self.total_words,
            "prune_level": self.prune_level,
        }
        save_npz(
            path,
            meta,
            self.words,
            word_counts=self.word_counts,
            pair_keys=self.pair_keys,
            pair_counts=self.pair_counts,
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> Phrases:
        """Load a model written by :meth:`save`.

        Read with :func:`w2v.archives.load_npz` (nothing unpickled) and checked: FormatError
        naming the path for another file, a missing or damaged part, or a pair of words
        that are not in the file's vocabulary.
        """

        p = check_regular_file(path, "Phrases file")
        z = load_npz(
            p,
            {
                **META_ARRAY,
                **WORD_ARRAYS,
                "word_counts": ("<i8", 1),
                "pair_keys": ("<i8", 1),
                "pair_counts": ("<i8", 1),
            },
            what="w2v phrases file",
        )
        meta = read_meta(z, p, "w2v-phrases", "w2v phrases file")
        if meta.get("version") != FORMAT_VERSION:
            raise FormatError(
                f"{p}: has phrases format version {meta.get('version')!r}; this w2v "
                f"reads version {FORMAT_VERSION}."
            )
        words = unpack_words(z, p)
        counts, keys, pair_counts = z["word_counts"], z["pair_keys"], z["pair_counts"]
        V = len(words)
        if len(counts) != V or len(keys) != len(pair_counts):
            raise FormatError(
                f"{p}: its arrays differ in length: {V} words, {len(counts)} counts, "
                f"{len(keys)} pairs, {len(pair_counts)} pair counts."
            )
        a, b = keys >> _ID_BITS, keys & 0xFFFFFFFF
        if len(keys) and (
            a.min() < 0 or a.max() >= V or b.max() >= V or np.any(np.diff(keys) <= 0)
        ):
            raise FormatError(f"{p}: its pairs are damaged (a word id out of range, or unsorted).")
        try:
            model = cls(
                min_count=meta["min_count"],
                threshold=meta["threshold"],
                scoring=meta["scoring"],
                delimiter=meta["delimiter"],
                max_vocab_size=meta["max_vocab_size"],
            )
            total, level = meta["total_words"], meta["prune_level"]
            if not all(isinstance(x, int) and x >= 0 for x in (total, level)):
                raise ValueError(f"total_words={total!r}, prune_level={level!r}")
        except KeyError as exc:
            raise FormatError(f"{p}: the phrases metadata lacks {exc}.") from None
        except (ConfigError, TypeError, ValueError) as exc:
            raise FormatError(f"{p}: the phrases metadata is damaged ({exc}).") from None
        model._set_state(words, counts, keys, pair_counts, total, level)
        return model

    def __repr__(self) -> str:
        state = f", {len(self)} phrases from {self.total_words} words" if self._fitted else ""
        return (
            f"Phrases(min_count={self.min_count}, threshold={self.threshold}, "
            f"scoring={self.scoring!r}, delimiter={self.delimiter!r}{state})"
        )


class PhrasedCorpus:
    """A corpus with a :class:`Phrases` model's phrases joined, read lazily.

    Iterating yields one list of tokens per sentence. ``Word2Vec.fit``, ``Phrases.fit`` and
    :meth:`Phrases.transform` read it piece by piece through :meth:`iter_pieces`, so a long
    line is never held whole. Re-iterable when the source corpus is.
    """

    def __init__(self, phrases: Phrases, corpus: CorpusLike) -> None:
        if isinstance(corpus, bytes):
            raise CorpusError("The corpus must be a path or an iterable of token lists, not bytes.")
        self.phrases = phrases
        self.corpus = corpus
        self._one_shot = False
        if not isinstance(corpus, str | os.PathLike | LineCorpus | PhrasedCorpus):
            try:
                self._one_shot = iter(corpus) is corpus  # type: ignore[call-overload]
            except TypeError:
                raise CorpusError(
                    "The corpus must be a path or an iterable of token lists; "
                    f"got {type(corpus).__name__}."
                ) from None
        self._used = False
        self.stats = ReadStats()

    def iter_pieces(self, stats: ReadStats, epochs: int = 1) -> Iterator[tuple[list[str], bool]]:
        """Yield ``(tokens, ends_sentence)`` pieces of the joined corpus, as corpus.iter_pieces."""
        if self._one_shot and (epochs > 1 or self._used):
            raise CorpusError(
                "The corpus under these phrases is a one-shot iterator and was already read "
                "(or must be read more than once). Pass a path, a list of token lists or a "
                "w2v.LineCorpus to transform()."
            )
        self._used = True
        yield from self.phrases._apply(iter_pieces(self.corpus, stats, epochs))

    def __iter__(self) -> Iterator[list[str]]:
        self.stats = ReadStats()
        return sentences(self.iter_pieces(self.stats))

    def __repr__(self) -> str:
        return f"PhrasedCorpus({self.phrases!r}, {self.corpus!r})"


def write_corpus(
    corpus: CorpusLike, path: str | os.PathLike, *, progress: bool | None = None
) -> tuple[int, int]:
    """Write a corpus (e.g. a :class:`PhrasedCorpus`) as text, one sentence per line, atomically.

    A file's lines stay lines (blank lines included) and a long line is written piece by
    piece, never held whole. Returns (lines, tokens) written.
    """

    progress = show_progress(progress)
    lines = words = 0
    bar = progress_bar(progress, desc="writing")
    try:
        with atomic_write(path) as fh:
            out = io.TextIOWrapper(fh, encoding="utf-8", errors="surrogatepass", newline="\n")
            open_line = False  # tokens written on the current line
            for tokens, ends in iter_pieces(corpus, ReadStats()):
                if tokens:
                    if open_line:
                        out.write(" ")
                    out.write(" ".join(tokens))
                    open_line = True
                    words += len(tokens)
                    if bar is not None:
                        bar.update(len(tokens))
                if ends:
                    out.write("\n")
                    lines += 1
                    open_line = False
            if open_line:
                out.write("\n")
                lines += 1
            out.flush()
            out.detach()
    finally:
        if bar is not None:
            bar.close()
    return lines, words
