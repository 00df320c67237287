"""The Spark engine: partitions train with the CPU engine, the driver merges them in rounds.

The algorithm (synchronous model averaging of the rows the partitions changed):

1. **Vocabulary.** Each partition reads its sentences once (:func:`read_partition`),
   counting its tokens and encoding them with ids of its own, cached; ``reduceByKey``
   sums the counts (and keeps each word's first position); words below ``min_count`` are
   dropped on the executors, the rest collected, sorted by descending count (ties in order
   of first appearance, as the single-machine :class:`~w2v.Vocabulary`) and broadcast.
2. **Encoding.** Each partition maps its own ids to the vocabulary's
   (:func:`encode_part`, NumPy, no second pass over the data); the encoded partitions are
   cached (4 bytes per word).
3. **Rounds.** The whole schedule — ``epochs`` passes over each partition's words — is cut
   into R rounds. In round r every partition starts from the broadcast ``W_in`` and
   ``W_out`` and trains the r-th of R pieces of *its own* schedule with
   :class:`w2v.engines.cpu.CpuEngine` (the same compiled kernels and Hogwild threads as on
   one machine; ``start``/``stop`` at :func:`w2v.schedule.piece_bounds`), with the learning
   rate of those positions in the global
   linear decay: every partition is at the same fraction of its schedule, so the averaged
   model follows the single-machine schedule. R = ceil(epochs × words per partition /
   ``sync_every``); by default all partitions together train about 200,000 words per
   round (CBOW 100,000), R = min(128, ceil(epochs × corpus words / those words)). A piece is
   whole batches, so with more than one partition the partitions' batches hold at most 1/8 of an
   average piece (:meth:`w2v.engines.rounds.RoundSettings.batch_words`) and every round
   trains about the planned words (``taper`` > 1: pieces that shrink toward the end).
4. **Synchronisation.** Each partition returns only the rows of ``W_in`` and ``W_out`` that
   it changed, with their new values. The driver merges them (``sync="average_all"``:
   each such row becomes the mean of its values over all P partitions, one that did not
   change it counting its old value; default ``"nesterov"``: that mean's change as a step
   of Nesterov block momentum 1 − lr_scale/P, none up to 4 partitions; ``"average"``: the
   mean over the partitions that changed it; ``"bmuf"``: block momentum) and broadcasts the
   rows the merge changed for the next round. Steps 3 and 4 are :mod:`w2v.engines.rounds`,
   which also runs them in one process without Spark (the simulator,
   ``w2v.spark.simulate``).

5. **Learning-rate scale.** A mean of P changes moves a word seen by every partition only
   about one partition's worth of data per round. The partitions therefore train with
   ``alpha`` and ``min_alpha`` multiplied by ``lr_scale`` (default: the number of
   partitions, at most 8; at most 4 with ``sync="average"``): a row in the linear regime
   then moves by the sum of the P changes at the single-machine rate, while a row that
   every partition moves to its optimum settles at the mean of the P estimates. The
   measurements behind the defaults (and against BMUF) are in docs/spark.md.

How a round moves data (the transport, this module only): one task per core trains its
partitions in turn (``coalesce``), so each Python worker brings its weights forward once
per round; the weights stay in the executors' Python workers between rounds
(:data:`_WEIGHTS`, by fit id and version), and each round broadcasts only the rows the last
merge changed (:class:`WeightLog`: a broadcast of both matrices, then one of changed rows
per merge until they outweigh it; a worker that missed a version reads the matrices);
with ``average_all`` each task sends back the sum of its partitions' changes
(:class:`SummedChanges`), the rows any of them changed once, instead of each partition's.

Why ``sync="average"`` takes the mean over the partitions that touched a row (the default
before issue #20; not the sum of the changes): a rare word seen by one partition keeps that
partition's full update, where a mean over all P partitions at rate × 1 would shrink it
P-fold (the accuracy loss of Spark MLlib's Word2Vec as partitions grow, SPARK-24666); and a
frequent word, changed by every partition, moves by the mean of P changes each computed from
the same starting point. The sum of the changes applies P stale steps at once: a frequent
word moves near its optimum within each partition, so the sum overshoots P-fold every round
— measured, it ruins the vectors (WordSim-353 0.01-0.13 against 0.20 on one machine, 4
partitions), and worse the more often it synchronises.

``sync_every`` trades quality for speed: smaller means more rounds, so each partition drifts
less from the others before averaging and the result is closer to single-machine training,
but every round costs a Spark job, a broadcast of the rows the last merge changed (with
negative sampling most of ``W_out``: up to V × dim × 4 bytes and a share of ``W_in``) and
the collection of the changed rows (one set per task with ``average_all``, per partition
otherwise).

With one partition, any number of rounds gives exactly the single-machine result
(bit-identical with ``workers=1``). PySpark is imported only inside the functions here.

The engine returns the trained parts (vocabulary, weights, losses); :func:`w2v.spark.fit`
builds the model from them.
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numba
import numpy as np

from ..config import TrainConfig
from ..corpus import ReadStats
from ..errors import ConfigError, CorpusError, ExecutorSetupError, W2VError, install_hint
from ..schedule import TrainState
from ..tables import Tables
from ..vocab import Vocabulary, vocab_from_counts
from . import Checkpoints, EpochCallback
from .rounds import (
    PartitionUpdate,
    RoundSettings,
    changed_rows,
    partition_config,
    run_rounds,
    sum_rows,
    train_piece,
)

if TYPE_CHECKING:  # pragma: no cover
    from pyspark import RDD

_INSTALL_HINT = f"The Spark backend needs PySpark: {install_hint('spark')}."


def import_pyspark() -> Any:
    """Import pyspark, or raise W2VError naming the extra to install."""
    try:
        import pyspark
    except ImportError:
        raise W2VError(_INSTALL_HINT) from None
    return pyspark


# -- input ----------------------------------------------------------------------------------
def _sentences(data: Any, column: str | None) -> RDD:
    """The RDD of token lists behind ``data`` (a DataFrame column or an RDD)."""
    import_pyspark()
    from pyspark import RDD
    from pyspark.sql import DataFrame
    from pyspark.sql.types import ArrayType, StringType

    if isinstance(data, RDD):
        if column is not None:
            raise CorpusError(
                f"column={column!r} applies to a DataFrame, but the data is an RDD; pass an "
                "RDD of token lists without column=, or a DataFrame with column=."
            )
        return data
    if not isinstance(data, DataFrame):
        raise CorpusError(
            "w2v.spark.fit trains on a pyspark DataFrame (with column=) or an RDD of token "
            f"lists; got {type(data).__name__}. For data on this machine use "
            "w2v.Word2Vec(...).fit(corpus)."
        )
    columns = data.columns
    if column is None:
        if len(columns) != 1:
            raise CorpusError(
                f"The DataFrame has {len(columns)} columns ({', '.join(columns)}); say which "
                "one holds the token arrays with column=."
            )
        column = columns[0]
    if column not in columns:
        raise CorpusError(
            f"The DataFrame has no column {column!r}; its columns are: {', '.join(columns)}."
        )
    dtype = data.schema[column].dataType
    if not (isinstance(dtype, ArrayType) and isinstance(dtype.elementType, StringType)):
        hint = (
            f" Split it into tokens first, e.g. df.withColumn({column!r}, "
            f"pyspark.sql.functions.split({column!r}, r'\\s+'))."
            if isinstance(dtype, StringType)
            else ""
        )
        raise CorpusError(
            f"Column {column!r} is of type {dtype.simpleString()}, but training needs an "
            f"array<string> column of tokens.{hint}"
        )
    return _token_lists(data, column)


#: Joins a DataFrame row's tokens into one string for the trip to Python (split there).
_SEP = "\x00"


def _token_lists(df: Any, column: str) -> RDD:
    """The token lists of an ``array<string>`` column as an RDD, through one string per row.

    Moving an array of strings from the JVM to Python costs about 4 times as much as one
    string of them joined (17.6 s against 3.9 s for 4.3M words in local[2]), so each row
    travels as the tokens joined by ``_SEP``, with its number of non-null tokens; a row with
    a token that holds ``_SEP`` travels as its array. Null rows stay None, null tokens are
    dropped (both as in the array)."""
    from pyspark.sql import functions as F

    col = F.col(column)
    return df.select(
        F.concat_ws(_SEP, col),
        F.size(F.filter(col, lambda x: x.isNotNull())),
        F.when(F.exists(col, lambda x: x.contains(_SEP)), col),
    ).rdd.map(_row_tokens)


def _row_tokens(row: Any) -> list[str] | None:
    """The tokens of a row made by :func:`_token_lists`."""
    joined, n, raw = row
    if raw is not None:
        return raw
    if n is None or n < 0:  # a null row
        return None
    return joined.split(_SEP) if n else []


def _contiguous(rdd: RDD, partitions: int) -> RDD:
    """``rdd`` cut into ``partitions`` consecutive slices, in order (one shuffle)."""
    with remote_errors(rdd.context):
        n = max(1, rdd.count())
    return (
        rdd.zipWithIndex()
        .map(lambda pair: (pair[1], pair[0]))
        .repartitionAndSortWithinPartitions(partitions, lambda i: i * partitions // n)
        .values()
    )


# -- executors ------------------------------------------------------------------------------
@dataclass
class LocalPart:
    """One pass over a partition's sentences (:func:`read_partition`): its distinct tokens
    in order of first appearance, their counts, and the sentences as int32 ids into
    ``words`` (``ends``: where each sentence ends, empty ones included)."""

    index: int
    words: list[Any]  # str, or None for null tokens (counted 0)
    counts: np.ndarray  # (len(words),) int64
    ids: np.ndarray  # (tokens,) int32
    ends: np.ndarray  # (sentences,) int64
    sentences: int


def read_partition(index: int, sentences: Iterable[Any]) -> Iterator[LocalPart]:
    """Partition ``index``'s sentences read once: counted and encoded with ids of its own
    (:class:`LocalPart`), so that the vocabulary and the encoding need no second pass over
    the data (:func:`encode_part` maps the ids to the vocabulary's)."""
    first: dict[Any, int] = {}
    setdefault = first.setdefault
    ids = array("i")
    ends = array("q")
    for sentence in sentences:
        if sentence is None:
            continue
        if isinstance(sentence, str):
            raise CorpusError(
                "Each sentence must be a list of tokens, but got a str "
                f"({sentence[:40]!r}...). Split it first (line.split())."
            )
        try:
            ids.extend([setdefault(w, len(first)) for w in sentence])
        except TypeError:
            raise CorpusError(
                f"Each sentence must be a list of str tokens; got a {type(sentence).__name__} "
                "holding unhashable items (an RDD of Rows? pass the DataFrame and column=)."
            ) from None
        ends.append(len(ids))
    words = list(first)
    ids_arr = np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, np.int32)
    counts = np.bincount(ids_arr, minlength=len(words)).astype(np.int64)
    for rank, word in enumerate(words):
        if word is None:  # null array elements
            counts[rank] = 0
        elif not isinstance(word, str):
            raise CorpusError(f"Tokens must be str; got {word!r} of type {type(word).__name__}.")
    ends_arr = np.frombuffer(ends, dtype=np.int64) if len(ends) else np.zeros(0, np.int64)
    yield LocalPart(index, words, counts, ids_arr, ends_arr, len(ends))


def tallies(buckets: int, part: LocalPart) -> Iterator[tuple[int, Any]]:
    """A partition's counts in ``buckets`` records: (b, {word: (count, partition, rank of
    first appearance)}) for the words whose stable hash falls in bucket b, and (-1,
    (tokens, sentences)) for the partition's totals.

    One record per bucket, not one per word: ``reduceByKey`` over 370,000 (word, count)
    records took 8-9 s in local[2], most of it per-record cost in PySpark's shuffle."""
    yield -1, (int(part.counts.sum()), part.sentences)
    groups: list[dict[str, tuple[int, int, int]]] = [{} for _ in range(buckets)]
    index = part.index
    for rank, (word, count) in enumerate(zip(part.words, part.counts.tolist(), strict=True)):
        if word is not None:
            groups[zlib.crc32(word.encode("utf-8", "surrogatepass")) % buckets][word] = (
                count,
                index,
                rank,
            )
    for b, group in enumerate(groups):
        if group:
            yield b, group


def merge_tallies(a: Any, b: Any) -> Any:
    """Two records of :func:`tallies` with the same key, summed (a word keeps its first
    appearance); ``a`` may be updated in place."""
    if not isinstance(a, dict):  # the totals
        return a[0] + b[0], a[1] + b[1]
    if len(a) < len(b):
        a, b = b, a
    get = a.get
    for word, (count, index, rank) in b.items():
        old = get(word)
        if old is None:
            a[word] = count, index, rank
        else:
            a[word] = old[0] + count, *min(old[1:], (index, rank))
    return a


def encode_part(vocab: Vocabulary, part: LocalPart) -> tuple[int, np.ndarray, np.ndarray]:
    """(index, ids int32, sentence ends int64) of a partition read by :func:`read_partition`,
    as :func:`w2v.vocab.encode_sentences` encodes its sentences: words outside ``vocab``
    dropped, and sentences left empty with them."""
    get = vocab.index.get
    lookup = np.fromiter((get(w, -1) for w in part.words), np.int32, len(part.words))
    mapped = lookup[part.ids]
    kept = mapped >= 0
    if len(part.ends) == 0:
        return part.index, mapped[kept], np.zeros(0, np.int64)
    cum = np.concatenate([[0], np.cumsum(kept, dtype=np.int64)])
    ends = np.unique(cum[part.ends])
    return part.index, mapped[kept], ends[ends > 0]


def _conf_cpus(sc: Any) -> int:
    """``spark.task.cpus`` of ``sc`` (cores each task takes)."""
    try:
        return max(1, int(sc.getConf().get("spark.task.cpus", "1")))
    except ValueError:
        return 1


def _task_cpus() -> int:
    from pyspark import TaskContext

    ctx = TaskContext.get()
    try:
        return max(1, int(ctx.cpus())) if ctx is not None else 1
    except Exception:  # older PySpark without TaskContext.cpus()
        return 1


def _train_parts(
    parts: Iterable[tuple],
    *,
    config: TrainConfig,
    bc_vocab: Any,
    weights: WeightsRef,
    piece: tuple[int, int],
    summed: bool = False,
    taper: float = 1.0,
) -> Iterator[PartitionUpdate | SummedChanges]:
    """Train piece ``piece`` (cut by ``taper``) of each partition's schedule in ``parts``
    ((index, ids, ends) triples: one task trains several partitions in turn), each from the
    round's weights (:func:`weights_at`, :func:`w2v.engines.rounds.train_piece`); yield their
    updates, or with ``summed`` their losses only and then one :class:`SummedChanges` of
    them all."""
    W_in0 = W_out0 = None
    total = SummedChanges.Builder()
    clock = time.perf_counter
    for index, ids, ends in sorted(parts, key=lambda part: part[0]):  # as the simulator
        if W_in0 is None:
            t0 = clock()
            W_in0, W_out0 = weights_at(weights)
            total.seconds["weights"] += clock() - t0
        t0 = clock()
        update = train_piece(
            config,
            bc_vocab.value,
            ids,
            ends,
            W_in0,
            W_out0,
            index=index,
            piece=piece,
            workers=_task_cpus(),
            taper=taper,
        )
        total.seconds["train"] += clock() - t0
        if update is None:
            continue
        if summed:
            t0 = clock()
            total.add(update, W_in0, W_out0)
            update = losses_only(update)
            total.seconds["sum"] += clock() - t0
        yield update
    if summed and total.indices:
        yield total.build()


def losses_only(update: PartitionUpdate) -> PartitionUpdate:
    """``update`` without its rows: what :func:`w2v.engines.rounds.run_rounds` reads of it
    (losses, words) when its changes travel summed."""
    dim = update.values_in.shape[1]
    none = np.zeros(0, dtype=np.int64)
    empty = np.zeros((0, dim), dtype=np.float32)
    return PartitionUpdate(update.index, none, empty, none, empty, update.losses, update.n_words)


@dataclass
class SummedChanges:
    """The changes of several partitions that trained from the same weights, summed per
    row: all that ``sync="average_all"`` needs of them (W += sum of changes / P).

    One task sends this instead of one update per partition: the rows any of them changed,
    once, so the bytes back shrink by about the partitions per task."""

    indices: list[int]  # the partitions summed, in the order added
    rows_in: np.ndarray  # (k,) int64
    delta_in: np.ndarray  # (k, dim) float32: sum over the partitions of new - old
    rows_out: np.ndarray
    delta_out: np.ndarray
    seconds: dict[str, float] = field(default_factory=dict)  # the task's, by part

    class Builder:
        """Sums updates as they come (:meth:`add`), in float32 in the order added, as
        :class:`w2v.engines.rounds.AverageAll` sums them."""

        def __init__(self) -> None:
            self.indices: list[int] = []
            self.sums: list[np.ndarray] = []
            self.hit: list[np.ndarray] = []
            self.seconds = dict.fromkeys(("weights", "train", "sum"), 0.0)

        def add(self, update: PartitionUpdate, W_in0: np.ndarray, W_out0: np.ndarray) -> None:
            """Add ``update``'s changes from (W_in0, W_out0)."""
            if not self.indices:
                self.sums = [np.zeros_like(W_in0), np.zeros_like(W_out0)]
                self.hit = [np.zeros(len(W_in0), bool), np.zeros(len(W_out0), bool)]
            self.indices.append(update.index)
            for k, (rows, values, W0) in enumerate(
                (
                    (update.rows_in, update.values_in, W_in0),
                    (update.rows_out, update.values_out, W_out0),
                )
            ):
                add_changes(self.sums[k], self.hit[k], rows, values, W0)

        def build(self) -> SummedChanges:
            """The sums of the updates added."""
            rows = [np.flatnonzero(hit) for hit in self.hit]
            t0 = time.perf_counter()
            sums = self.sums[0][rows[0]], self.sums[1][rows[1]]
            self.seconds["sum"] += time.perf_counter() - t0
            return SummedChanges(
                self.indices, rows[0], sums[0], rows[1], sums[1], dict(self.seconds)
            )


@numba.njit(cache=True, nogil=True)
def add_changes(
    sums: np.ndarray, hit: np.ndarray, rows: np.ndarray, values: np.ndarray, W0: np.ndarray
) -> None:
    """``sums[rows] += values - W0[rows]; hit[rows] = True`` for unique ``rows``, in float32
    as NumPy computes it (no fastmath: each difference rounded, then each sum), without
    NumPy's gathered temporaries (2-7x faster on 34,000 rows of 100).

    sums, W0: (V, dim) float32; hit: (V,) bool; rows: (k,) int64; values: (k, dim) float32.
    """
    for i in range(rows.shape[0]):
        r = rows[i]
        for j in range(sums.shape[1]):
            sums[r, j] += values[i, j] - W0[r, j]
        hit[r] = True


def add_summed_changes(
    W_in: np.ndarray, W_out: np.ndarray, sums: Iterable[SummedChanges], merge: Any
) -> None:
    """A merge that needs only the sum of the changes (``merge.sums_changes``:
    ``sync="average_all"`` and ``"nesterov"``) applied to the tasks' :class:`SummedChanges`.

    Equal to ``merge`` on the partitions' updates, bit for bit when one task summed all of
    them (or each summed one); otherwise the float32 sum is taken in another order, so the
    vectors differ from the simulator's in the last bits."""
    ordered = sorted(sums, key=lambda p: p.indices[0])
    for k, W in enumerate((W_in, W_out)):
        changes = (
            (p.rows_in, p.delta_in) if k == 0 else (p.rows_out, p.delta_out) for p in ordered
        )
        merge.apply_totals(W, k, *sum_rows(W, changes))


def _result_bytes(result: PartitionUpdate | SummedChanges) -> int:
    """Bytes of a task result's arrays."""
    return sum(a.nbytes for a in vars(result).values() if isinstance(a, np.ndarray))


# -- the weights between rounds, kept in the executors' Python workers --------------------------
@dataclass
class RowChanges:
    """The rows of ``W_in`` and ``W_out`` that changed from version ``version - 1`` to
    ``version`` of a fit's weights, with their new values."""

    version: int
    rows_in: np.ndarray  # (k,) int64
    values_in: np.ndarray  # (k, dim) float32
    rows_out: np.ndarray
    values_out: np.ndarray

    @classmethod
    def between(
        cls, version: int, old: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray]
    ) -> RowChanges:
        """The rows where ``new`` (W_in, W_out) differs from ``old`` (a NaN row counts as
        changed), with their values in ``new``."""
        rows = [changed_rows(n, o) for o, n in zip(old, new, strict=True)]
        return cls(version, rows[0], new[0][rows[0]], rows[1], new[1][rows[1]])

    def apply(self, W_in: np.ndarray, W_out: np.ndarray) -> None:
        """Make (W_in, W_out) at version ``version - 1`` the weights at ``version``."""
        W_in[self.rows_in] = self.values_in
        W_out[self.rows_out] = self.values_out

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays."""
        return sum(a.nbytes for a in (self.rows_in, self.values_in, self.rows_out, self.values_out))


@dataclass(frozen=True)
class WeightsRef:
    """How a task finds version ``version`` of fit ``fit_id``'s (W_in, W_out): the full
    matrices at version ``base_version`` (``base.value``: (W_in, W_out)), then
    ``changes[i].value``, the :class:`RowChanges` to version ``base_version + i + 1``.

    ``base`` and ``changes`` are Spark broadcasts (anything with ``.value``); PySpark reads
    a broadcast's file in a Python worker only when ``.value`` is first asked for, so a
    worker that holds the previous version reads only the last change."""

    fit_id: str
    version: int
    base_version: int
    base: Any
    changes: tuple[Any, ...] = ()


#: fit id -> (version, W_in, W_out): the weights the last round in this Python worker
#: trained from. One fit at a time (a new fit id replaces the old): each worker holds one
#: copy of the matrices, 2 x V x dim x 4 bytes.
_WEIGHTS: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}


def weights_at(
    ref: WeightsRef, cache: dict[str, tuple[int, np.ndarray, np.ndarray]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The weights ``ref`` names, from ``cache`` (default: this worker's :data:`_WEIGHTS`)
    brought forward by the changes it lacks, or from ``ref.base`` when it holds none of
    versions ``base_version..version`` (a new worker, or one that missed rounds). The
    result is kept in ``cache``; callers must not modify it."""
    cache = _WEIGHTS if cache is None else cache
    held = cache.get(ref.fit_id)
    if held is not None and ref.base_version <= held[0] <= ref.version:
        version, W_in, W_out = held
    else:
        base_in, base_out = ref.base.value
        version, W_in, W_out = ref.base_version, base_in.copy(), base_out.copy()
    for change in ref.changes[version - ref.base_version :]:
        change = change.value
        if change.version != version + 1:  # a broken log: never expected
            raise RuntimeError(f"Weights at version {version} got the change to {change.version}.")
        change.apply(W_in, W_out)
        version += 1
    cache.clear()
    cache[ref.fit_id] = (version, W_in, W_out)
    return W_in, W_out


class WeightLog:
    """The driver's side of :func:`weights_at`: a broadcast of the full matrices (the base)
    and one broadcast per merge since of the rows it changed; a new base once the changes
    hold more bytes than the base (with negative sampling most of ``W_out`` changes every
    round, so about every other round).

    ``broadcast`` makes a broadcast of a value (``SparkContext.broadcast``); ``ref()`` is
    what the next round's tasks read; :meth:`merged` records the weights after a merge."""

    def __init__(self, broadcast: Callable[[Any], Any], W_in: np.ndarray, W_out: np.ndarray):
        self._broadcast = broadcast
        self.fit_id = uuid.uuid4().hex
        self.version = 0
        self.sent = (W_in.copy(), W_out.copy())  # the weights at self.version
        self.bytes_sent = 0  # bytes broadcast (base and changes), for the profile
        self._new_base()

    def _new_base(self) -> None:
        self.close()
        self.base = self._broadcast(self.sent)
        self.base_version = self.version
        self.changes: list[Any] = []
        self._change_bytes = 0
        self.bytes_sent += self.sent[0].nbytes + self.sent[1].nbytes

    def ref(self) -> WeightsRef:
        """Where the tasks of the next round find the current weights."""
        return WeightsRef(
            self.fit_id, self.version, self.base_version, self.base, tuple(self.changes)
        )

    def merged(self, W_in: np.ndarray, W_out: np.ndarray) -> RowChanges:
        """Record (W_in, W_out) as the next version; return the rows that changed."""
        change = RowChanges.between(self.version + 1, self.sent, (W_in, W_out))
        change.apply(*self.sent)
        self.version += 1
        if self._change_bytes + change.nbytes > self.sent[0].nbytes + self.sent[1].nbytes:
            self._new_base()
        else:
            self.changes.append(self._broadcast(change))
            self._change_bytes += change.nbytes
            self.bytes_sent += change.nbytes
        return change

    def close(self) -> None:
        """Free the broadcasts."""
        for bc in [getattr(self, "base", None), *getattr(self, "changes", [])]:
            if bc is not None and hasattr(bc, "destroy"):
                bc.destroy()


# -- driver ---------------------------------------------------------------------------------
_REMOTE_ERROR = re.compile(r"w2v\.errors\.(\w+): (.+)")
_REMOTE_IMPORT = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")
_REMOTE_VERSION = re.compile(r"Python in worker has different version:? \(?([\d.]+)\)?")


def executor_python_error(python: str, text: str) -> ExecutorSetupError | None:
    """The one-line error for an executor failure ``text`` that comes from the executors'
    Python ``python`` lacking w2v (or one of its dependencies) or being another version."""
    if found := _REMOTE_IMPORT.search(text):
        module = found[1]
        return ExecutorSetupError(
            f"The Spark executors cannot import {module!r} (their Python is {python!r}): "
            "install w2v in that Python on every executor, or set PYSPARK_PYTHON (or "
            "spark.pyspark.python) to a Python that has it, or ship a packed environment "
            "with spark.archives; see 'Running on a real cluster' in docs/spark.md."
        )
    if found := _REMOTE_VERSION.search(text):
        return ExecutorSetupError(
            f"The Spark executors run Python {found[1]} ({python!r}), the driver Python "
            f"{sys.version_info[0]}.{sys.version_info[1]}: set PYSPARK_PYTHON (or "
            "spark.pyspark.python) to the same Python version with w2v installed."
        )
    return None


@contextmanager
def remote_errors(sc: Any) -> Iterator[None]:
    """Re-raise a w2v error from an executor as itself (one line), and an executor Python
    that cannot import w2v as :class:`ExecutorSetupError`; anything else as it came."""
    from .. import errors  # the classes by name

    try:
        yield
    except Exception as exc:
        text = str(exc)
        found = _REMOTE_ERROR.findall(text)
        if found:
            name, message = found[-1]
            cls = getattr(errors, name, W2VError)
            raise cls(message) from None
        setup = executor_python_error(sc.pythonExec, text)
        if setup is not None:
            raise setup from None
        raise


def _collect(rdd: RDD) -> list:
    """``rdd.collect()`` with :func:`remote_errors`."""
    with remote_errors(rdd.context):
        return rdd.collect()


def use_driver_python_locally(sc: Any) -> None:
    """In local mode, run the Python workers with the driver's interpreter unless
    PYSPARK_PYTHON or spark.pyspark.python says otherwise.

    PySpark's default is whatever ``python3`` is on PATH, which from a virtual environment
    that is not activated is the system Python, without w2v. In local mode the workers run
    on this machine, so the driver's interpreter is the right one.
    """
    if not str(sc.master).startswith("local"):
        return
    if os.environ.get("PYSPARK_PYTHON") or sc.getConf().get("spark.pyspark.python"):
        return
    sc.pythonExec = sys.executable


def count_vocabulary(sentences: RDD, min_count: int) -> tuple[Vocabulary, ReadStats]:
    """Count an RDD of token lists distributedly; return the vocabulary and what was read.

    The vocabulary equals the single-machine one on the same sentences in the same order:
    words with ``count >= min_count``, by descending count, ties in order of first
    appearance. Raises CorpusError when there is no word or none reaches ``min_count``.
    """
    use_driver_python_locally(sentences.context)
    return _vocabulary(sentences.mapPartitionsWithIndex(read_partition), min_count)


def _vocabulary(parts: RDD, min_count: int) -> tuple[Vocabulary, ReadStats]:
    """:func:`count_vocabulary` of an RDD of :class:`LocalPart`."""
    buckets = max(1, parts.getNumPartitions())
    counted = parts.flatMap(partial(tallies, buckets)).reduceByKey(merge_tallies, buckets)

    def kept_words(record: tuple[int, Any]) -> list:
        key, value = record
        if key < 0:
            return [(None, value)]
        return [(w, v) for w, v in value.items() if v[0] >= min_count]

    kept = _collect(counted.flatMap(kept_words))
    totals = next((v for k, v in kept if k is None), (0, 0))
    stats = ReadStats(sentences=int(totals[1]), tokens=int(totals[0]))
    if stats.tokens == 0:
        raise CorpusError("The corpus contains no words (it is empty or only whitespace).")
    kept = sorted((v[1], v[2], k, v[0]) for k, v in kept if k is not None)
    if not kept:
        with remote_errors(parts.context):
            top = (
                counted.filter(lambda kv: kv[0] >= 0)
                .map(lambda kv: max(v[0] for v in kv[1].values()))
                .max()
            )
        raise CorpusError(
            f"No word reaches min_count={min_count}: the corpus has {stats.tokens} words, the "
            f"most frequent seen {top} time(s). Try min_count={max(1, top)} or a larger corpus."
        )
    vocab = vocab_from_counts([k[2] for k in kept], [k[3] for k in kept], min_count)
    return vocab, stats


# -- the engine -----------------------------------------------------------------------------
@dataclass
class SparkCorpus:
    """A corpus counted and encoded on the executors: each partition's ids, cached there.

    Made by :meth:`SparkEngine.read`; :meth:`close` (or leaving a ``with`` block) frees the
    cached partitions and the broadcast vocabulary.
    """

    encoded: RDD  # one (index, ids int32, sentence_ends int64) per partition, cached
    vocab: Vocabulary
    bc_vocab: Any  # the vocabulary, broadcast to the executors
    stats: ReadStats
    n_words: int  # in-vocabulary words, all partitions
    busy: int  # partitions that hold at least one word

    def close(self) -> None:
        """Free the cached partitions and the broadcast vocabulary."""
        self.encoded.unpersist()
        self.bc_vocab.destroy()

    def __enter__(self) -> SparkCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SparkEngine:
    """Partitions on a Spark cluster, synchronised in rounds (see the module docstring).

    Parameters
    ----------
    partitions : int, optional
        Train on this many partitions, cut from the data as consecutive slices in order;
        default: the data's own partitioning.
    sync_every, lr_scale : optional
        Shorthands for ``settings=RoundSettings(sync_every=..., lr_scale=...)``.
    sum_in_tasks : bool
        With ``sync="nesterov"`` or ``"average_all"`` and more partitions than tasks (one
        task per core), each task sends the sum of its partitions' changes instead of each
        partition's changed rows (default): about partitions / cores times fewer bytes
        back, and the same merge, but the float32 sum is taken in another order, so the
        vectors differ from :func:`w2v.spark.simulate`'s in the last bits. ``False``:
        bit-identical to it.
    settings : RoundSettings, optional
        How the partitions are synchronised (:class:`w2v.engines.rounds.RoundSettings`:
        words per round, learning-rate scale, merge); default: ``RoundSettings()``.
    """

    name = "spark"
    supports_checkpoints = False

    def __init__(
        self,
        partitions: int | None = None,
        sync_every: int | None = None,
        lr_scale: float | None = None,
        *,
        settings: RoundSettings | None = None,
        sum_in_tasks: bool = True,
    ):
        if partitions is not None and (
            isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1
        ):
            raise ConfigError(
                f"The 'partitions' parameter must be an int >= 1. Got {partitions!r}."
            )
        if settings is None:
            settings = RoundSettings(sync_every=sync_every, lr_scale=lr_scale)
        elif sync_every is not None or lr_scale is not None:
            raise ValueError("Pass sync_every and lr_scale in settings=, not beside it.")
        self.partitions, self.settings = partitions, settings
        self.sum_in_tasks = bool(sum_in_tasks)
        #: The last read and fit by part: seconds of ``count`` and ``encode`` (read),
        #: ``jobs`` (the rounds' Spark jobs: training and transfers), ``merge`` (the
        #: driver's merges) and ``broadcast`` (finding the changed rows, broadcasting them);
        #: ``tasks`` per round, ``collected_mb`` and ``broadcast_mb`` over the fit; with
        #: summed changes the tasks' own seconds, summed over tasks: ``task_weights``
        #: (bringing the weights forward), ``task_train``, ``task_sum``.
        self.timings: dict[str, float] = {}

    def _timed(self, key: str, fn: Any) -> Any:
        """``fn`` adding its seconds to ``self.timings[key]``."""

        def timed(*args: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.timings[key] += time.perf_counter() - t0

        return timed

    def check(self, config: TrainConfig) -> None:
        """Import pyspark (W2VError naming the extra when it is missing)."""
        import_pyspark()

    def prepare(self, config: TrainConfig) -> None:
        """Nothing to load: the executors load the CPU engine's kernels."""

    def read(self, data: Any, column: str | None, config: TrainConfig) -> SparkCorpus:
        """Count the vocabulary of ``data`` (a DataFrame column or an RDD of token lists) and
        encode its partitions on the executors, cached there."""
        sentences = _sentences(data, column)
        from pyspark import StorageLevel

        sc = sentences.context
        use_driver_python_locally(sc)
        if self.partitions is not None and sentences.getNumPartitions() != self.partitions:
            sentences = _contiguous(sentences, self.partitions)
        t0 = time.perf_counter()
        # One pass over the data: each partition counted and encoded with ids of its own,
        # cached until the vocabulary's ids replace them.
        local = sentences.mapPartitionsWithIndex(read_partition).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        try:
            vocab, stats = _vocabulary(local, config.min_count)
            t1 = time.perf_counter()
            bc_vocab = sc.broadcast(vocab)
            encoded = local.map(lambda part: encode_part(bc_vocab.value, part)).persist(
                StorageLevel.MEMORY_AND_DISK
            )
            corpus = SparkCorpus(encoded, vocab, bc_vocab, stats, 0, 0)
            try:
                sizes = _collect(encoded.map(lambda part: len(part[1])))
                corpus.n_words = sum(sizes)
                if corpus.n_words == 0:
                    raise CorpusError("None of the corpus words is in the vocabulary.")
                corpus.busy = sum(1 for s in sizes if s > 0)
                self.timings.update(count=t1 - t0, encode=time.perf_counter() - t1)
            except BaseException:
                corpus.close()
                raise
        finally:
            local.unpersist()
        return corpus

    def plan(self, config: TrainConfig, corpus: SparkCorpus) -> tuple[int, float]:
        """(rounds, learning-rate scale) of a fit of ``corpus`` with ``config``."""
        return self.settings.plan(config, corpus.n_words, corpus.busy)

    def train(
        self,
        config: TrainConfig,
        vocab: Vocabulary,
        corpus: SparkCorpus,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        tables: Tables | None = None,
        progress: bool = False,
        on_epoch_end: EpochCallback | None = None,
        start: TrainState | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> list[float]:
        """Run the synchronisation rounds, updating W_in and W_out; return the epoch losses.

        ``on_epoch_end`` is called once the last round that trains an epoch is averaged.
        The partitions build their own tables from the broadcast vocabulary (``tables``
        must be None); ``start`` and ``checkpoints`` are not supported.
        """
        if start is not None or checkpoints is not None or tables is not None:
            raise ValueError("The Spark engine takes no checkpoints, start state or tables.")
        rounds, scale = self.plan(config, corpus)
        batch_words = self.settings.batch_words(config, corpus.n_words, corpus.busy)
        cfg = partition_config(config, scale, batch_words)
        taper = float(self.settings.taper)
        sc = corpus.encoded.context
        # One task per core trains its partitions in turn: fewer tasks, and each Python
        # worker brings its weights forward once per round.
        parts = corpus.encoded.getNumPartitions()
        tasks = min(parts, max(1, sc.defaultParallelism // _conf_cpus(sc)))
        grouped = corpus.encoded.coalesce(tasks) if tasks < parts else corpus.encoded
        log = WeightLog(sc.broadcast, W_in, W_out)
        merge = self.settings.merge(corpus.busy)
        # average_all and nesterov need only the sum of the changes: each task sends its
        # partitions' summed (the rows any of them changed, once), not one update each.
        summed = self.sum_in_tasks and tasks < parts and getattr(merge, "sums_changes", False)
        sums: list[SummedChanges] = []

        def train_round(r: int) -> list[PartitionUpdate]:
            job = grouped.mapPartitions(
                partial(
                    _train_parts,
                    config=cfg,
                    bc_vocab=corpus.bc_vocab,
                    weights=log.ref(),
                    piece=(r, rounds),
                    summed=summed,
                    taper=taper,
                )
            )
            results = _collect(job)
            self.timings["collected_mb"] += sum(map(_result_bytes, results)) / 1e6
            sums[:] = [x for x in results if isinstance(x, SummedChanges)]
            for part in sums:  # the tasks' own seconds, summed over tasks
                for key, seconds in part.seconds.items():
                    self.timings[f"task_{key}"] += seconds
            updates = [x for x in results if isinstance(x, PartitionUpdate)]
            return sorted(updates, key=lambda update: update.index)  # as the simulator

        timed_merge = self._timed("merge", merge)
        timed_sums = self._timed("merge", add_summed_changes)
        record = self._timed("broadcast", log.merged)

        def merge_and_log(W_in: np.ndarray, W_out: np.ndarray, updates: list) -> None:
            if summed:
                timed_sums(W_in, W_out, sums, merge)
            else:
                timed_merge(W_in, W_out, updates)
            record(W_in, W_out)

        self.timings.update(jobs=0.0, merge=0.0, broadcast=0.0, collected_mb=0.0)
        self.timings.update(task_weights=0.0, task_train=0.0, task_sum=0.0)
        self.timings["tasks"] = float(tasks)
        try:
            return run_rounds(
                config,
                rounds,
                self._timed("jobs", train_round),
                merge_and_log,
                W_in,
                W_out,
                progress=progress,
                on_epoch_end=on_epoch_end,
                taper=taper,
            )
        finally:
            log.close()
            self.timings["broadcast_mb"] = log.bytes_sent / 1e6
