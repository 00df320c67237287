"""The Spark engine: partitions train with the CPU engine, the driver merges them in rounds.

The algorithm (synchronous model averaging of the rows the partitions changed):

1. **Vocabulary.** Each partition counts its tokens; ``reduceByKey`` sums the counts (and
   keeps each word's first position); words below ``min_count`` are dropped on the
   executors, the rest collected, sorted by descending count (ties in order of first
   appearance, as the single-machine :class:`~w2v.Vocabulary`) and broadcast.
2. **Encoding.** Each partition encodes its sentences to int32 ids once; the encoded
   partitions are cached (4 bytes per word).
3. **Rounds.** The whole schedule — ``epochs`` passes over each partition's words — is cut
   into R rounds. In round r every partition starts from the broadcast ``W_in`` and
   ``W_out`` and trains the r-th of R equal pieces of *its own* schedule with
   :class:`w2v.engines.cpu.CpuEngine` (the same compiled kernels and Hogwild threads as on
   one machine; ``start``/``stop`` at :func:`w2v.schedule.piece_bounds`), with the learning
   rate of those positions in the global
   linear decay: every partition is at the same fraction of its schedule, so the averaged
   model follows the single-machine schedule. R = ceil(epochs × words per partition /
   ``sync_every``); by default all partitions together train about 200,000 words per
   round, R = min(128, ceil(epochs × corpus words / 200,000)).
4. **Synchronisation.** Each partition returns only the rows of ``W_in`` and ``W_out`` that
   it changed, with their new values. The driver merges them (``sync="average_all"``:
   each such row becomes the mean of its values over all P partitions, one that did not
   change it counting its old value; default ``"nesterov"``: that mean's change as a step
   of Nesterov block momentum 1 − lr_scale/P, none up to 8 partitions; ``"average"``: the
   mean over the partitions that changed it; ``"bmuf"``: block momentum) and broadcasts the
   result for the next round. Steps 3 and 4 are :mod:`w2v.engines.rounds`, which also runs
   them in one process without Spark (the simulator, ``w2v.spark.simulate``).
5. **Learning-rate scale.** A mean of P changes moves a word seen by every partition only
   about one partition's worth of data per round. The partitions therefore train with
   ``alpha`` and ``min_alpha`` multiplied by ``lr_scale`` (default: the number of
   partitions, at most 8; at most 4 with ``sync="average"``): a row in the linear regime
   then moves by the sum of the P changes at the single-machine rate, while a row that
   every partition moves to its optimum settles at the mean of the P estimates. The
   measurements behind the defaults (and against BMUF) are in docs/spark.md.

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
but every round costs a Spark job, a broadcast of both matrices (2 × V × dim × 4 bytes) and
the collection of the changed rows.

With one partition, any number of rounds gives exactly the single-machine result
(bit-identical with ``workers=1``). PySpark is imported only inside the functions here.

The engine returns the trained parts (vocabulary, weights, losses); :func:`w2v.spark.fit`
builds the model from them.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from ..config import TrainConfig
from ..corpus import ReadStats
from ..errors import ConfigError, CorpusError, ExecutorSetupError, W2VError, install_hint
from ..schedule import TrainState
from ..tables import Tables
from ..vocab import Vocabulary, encode_sentences, vocab_from_counts
from . import Checkpoints, EpochCallback
from .rounds import (
    PartitionUpdate,
    RoundSettings,
    partition_config,
    run_rounds,
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
    return data.select(column).rdd.map(lambda row: row[0])


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
def _count_partition(index: int, sentences: Iterable[Any]) -> Iterator[tuple[Any, tuple]]:
    """(word, (count, partition, rank of first appearance)) for each word of the partition,
    and (None, (tokens, sentences, -1)) for the partition's totals."""
    counts: Counter[Any] = Counter()
    n_sentences = 0
    for sentence in sentences:
        if sentence is None:
            continue
        if isinstance(sentence, str):
            raise CorpusError(
                "Each sentence must be a list of tokens, but got a str "
                f"({sentence[:40]!r}...). Split it first (line.split())."
            )
        try:
            counts.update(sentence)
        except TypeError:
            raise CorpusError(
                f"Each sentence must be a list of str tokens; got a {type(sentence).__name__} "
                "holding unhashable items (an RDD of Rows? pass the DataFrame and column=)."
            ) from None
        n_sentences += 1
    counts.pop(None, None)  # null array elements
    for word in counts:
        if not isinstance(word, str):
            raise CorpusError(f"Tokens must be str; got {word!r} of type {type(word).__name__}.")
    yield None, (sum(counts.values()), n_sentences, -1)
    for rank, (word, count) in enumerate(counts.items()):  # Counter keeps first-seen order
        yield word, (count, index, rank)


def _merge_counts(a: tuple, b: tuple) -> tuple:
    if a[2] < 0:  # the totals
        return a[0] + b[0], a[1] + b[1], -1
    return a[0] + b[0], *min(a[1:], b[1:])


def _encode_partition(bc_vocab: Any, sentences: Iterable[Any]) -> Iterator[tuple]:
    enc = encode_sentences((s for s in sentences if s is not None), bc_vocab.value)
    yield enc.ids, enc.sentence_ends


def _task_cpus() -> int:
    from pyspark import TaskContext

    ctx = TaskContext.get()
    try:
        return max(1, int(ctx.cpus())) if ctx is not None else 1
    except Exception:  # older PySpark without TaskContext.cpus()
        return 1


def _train_partition(
    index: int,
    parts: Iterable[tuple],
    *,
    config: TrainConfig,
    bc_vocab: Any,
    bc_weights: Any,
    piece: tuple[int, int],
) -> Iterator[PartitionUpdate]:
    """Train piece ``piece`` of this partition's schedule from the broadcast weights
    (:func:`w2v.engines.rounds.train_piece`); yield its update."""
    for ids, ends in parts:
        W_in0, W_out0 = bc_weights.value
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
        )
        if update is not None:
            yield update


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
    counted = sentences.mapPartitionsWithIndex(_count_partition).reduceByKey(_merge_counts)
    kept = _collect(counted.filter(lambda kv: kv[0] is None or kv[1][0] >= min_count))
    totals = next((v for k, v in kept if k is None), (0, 0, -1))
    stats = ReadStats(sentences=int(totals[1]), tokens=int(totals[0]))
    if stats.tokens == 0:
        raise CorpusError("The corpus contains no words (it is empty or only whitespace).")
    kept = sorted((v[1], v[2], k, v[0]) for k, v in kept if k is not None)
    if not kept:
        with remote_errors(sentences.context):
            top = counted.filter(lambda kv: kv[0] is not None).map(lambda kv: kv[1][0]).max()
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

    encoded: RDD  # one (ids int32, sentence_ends int64) pair per partition, cached
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
        vocab, stats = count_vocabulary(sentences, config.min_count)
        bc_vocab = sc.broadcast(vocab)
        encoded = sentences.mapPartitions(partial(_encode_partition, bc_vocab)).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        corpus = SparkCorpus(encoded, vocab, bc_vocab, stats, 0, 0)
        try:
            sizes = _collect(encoded.map(lambda part: len(part[0])))
            corpus.n_words = sum(sizes)
            if corpus.n_words == 0:
                raise CorpusError("None of the corpus words is in the vocabulary.")
            corpus.busy = sum(1 for s in sizes if s > 0)
        except BaseException:
            corpus.close()
            raise
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
        cfg = partition_config(config, scale)
        sc = corpus.encoded.context

        def train_round(r: int) -> list[PartitionUpdate]:
            bc_weights = sc.broadcast((W_in, W_out))
            job = corpus.encoded.mapPartitionsWithIndex(
                partial(
                    _train_partition,
                    config=cfg,
                    bc_vocab=corpus.bc_vocab,
                    bc_weights=bc_weights,
                    piece=(r, rounds),
                )
            )
            try:
                return _collect(job)
            finally:
                bc_weights.destroy()

        return run_rounds(
            config,
            rounds,
            train_round,
            self.settings.merge(corpus.busy),
            W_in,
            W_out,
            progress=progress,
            on_epoch_end=on_epoch_end,
        )
