"""``w2v.spark``: train on a Spark cluster (the ``w2v[spark]`` extra); PySpark loads on first use.

>>> import w2v.spark  # doctest: +SKIP
>>> model = w2v.spark.fit(df, column="tokens", arch="skipgram", loss="ns", epochs=5)

This module builds the model; the training itself is :class:`w2v.engines.spark.SparkEngine`,
whose docstring (and ``docs/spark.md``) describes the algorithm, its ``sync_every``
trade-off and how to run it on a cluster.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._progress import show_progress
from .config import TrainConfig
from .engines.rounds import RoundSettings, SimulatedEngine
from .engines.spark import SparkEngine, count_vocabulary, import_pyspark
from .errors import CorpusNotFoundError
from .model import Word2Vec, init_weights

if TYPE_CHECKING:  # pragma: no cover
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["count_vocabulary", "fit", "fit_text", "session", "simulate", "train_text_file"]


def fit(
    data: DataFrame | RDD,
    column: str | None = None,
    *,
    config: TrainConfig | None = None,
    partitions: int | None = None,
    sync_every: int | None = None,
    lr_scale: float | None = None,
    sync: str = "nesterov",
    block_lr: float | None = None,
    momentum: float | None = None,
    taper: float = 1.0,
    sum_in_tasks: bool = True,
    progress: bool | None = None,
    **params: Any,
) -> Word2Vec:
    """Train word2vec on a Spark DataFrame column or RDD of token lists; return the model.

    Parameters
    ----------
    data : pyspark.sql.DataFrame or pyspark.RDD
        A DataFrame with an ``array<string>`` column of tokens (one row per sentence), or
        an RDD of lists of str. Null rows and null tokens are skipped.
    column : str, optional
        The DataFrame's token column; may be left out when the DataFrame has one column.
    config : TrainConfig, optional
        All hyperparameters at once, or pass them as keywords (``arch="cbow"``, ...). ``workers``
        is the threads per partition; default: ``spark.task.cpus`` (set it to
        ``spark.executor.cores`` with one partition per executor to use every core).
    partitions : int, optional
        Train on this many partitions, cut from the data as consecutive slices in order;
        default: the data's own partitioning.
    sync_every : int, optional
        Words each partition trains between two synchronisations. Smaller is closer to
        single-machine training and costs more rounds; see :mod:`w2v.engines.spark`.
        Default: 200,000 / partitions (all partitions together train about 200,000 words
        between two synchronisations; CBOW 100,000), raised as needed to make at most 128
        rounds.
    lr_scale : float, optional
        Partitions train with ``alpha`` and ``min_alpha`` multiplied by this, to make up for
        averaging (see :mod:`w2v.engines.spark`); default, with P partitions that hold
        data: P up to 4, then P / 2 within [4, 8] (``sync="average_all"``: min(P, 8);
        ``"average"``: min(P, 4); ``"bmuf"``: 1). 1 trains each partition exactly as one
        machine would.
    sync : {"nesterov", "average_all", "average", "bmuf"}
        How the driver merges the partitions' changed rows (:mod:`w2v.engines.rounds`):
        the mean over all partitions, a partition that did not change a row counting its
        old value, fed to Nesterov block momentum 1 - lr_scale/partitions (default; with
        at most 4 partitions no momentum, i.e. ``"average_all"``; 0.5 from 8 to 16); that
        mean alone; the
        mean over the partitions that changed it; block momentum (BMUF).
    block_lr, momentum : float, optional
        The block momentum's learning rate (default 1) and momentum (default
        1 - lr_scale/partitions, at least 0, for ``"nesterov"``; 1 - 1/partitions for
        ``"bmuf"``).
    taper : float, optional
        How the rounds' lengths change along the schedule: round k of R ends at the
        fraction 1 - (1 - k/R) ** taper of each partition's words (the same number of
        rounds). Default 1: equal rounds; > 1: long rounds first, short ones at the end
        (measured at 8-32 partitions: no clear gain, docs/spark.md).
    sum_in_tasks : bool
        With ``sync="nesterov"`` or ``"average_all"``, each task (one per core) sends back
        the sum of its partitions' changes, not each partition's changed rows: fewer bytes,
        the same merge up to the order of a float32 sum (default). ``False`` gives vectors
        bit-identical to :func:`simulate`'s with ``workers=1``.
    progress : bool, optional
        Show a progress bar of the rounds on stderr; default: when stderr is a terminal.

    Returns
    -------
    Word2Vec
        A fitted model on the driver, like ``Word2Vec(...).fit(...)`` returns.
        ``fit_seconds`` has ``read`` (counting and encoding), ``train``, ``words``,
        ``rounds``, ``partitions`` and ``lr_scale``, and the parts of the fit
        (:attr:`w2v.engines.spark.SparkEngine.timings`: ``count``, ``encode``, ``jobs``,
        ``merge``, ``broadcast``, ``tasks``, ``collected_mb``, ``broadcast_mb``, ...);
        ``loss_history`` the mean loss of each epoch over all partitions.

    Examples
    --------
    >>> import w2v.spark  # doctest: +SKIP
    >>> spark = w2v.spark.session("local[4]")  # doctest: +SKIP
    >>> df = spark.read.text("c.txt").selectExpr("split(value, ' ') AS tokens")  # doctest: +SKIP
    >>> model = w2v.spark.fit(df, "tokens", loss="hs", epochs=5)  # doctest: +SKIP
    >>> model.wv.most_similar("king")  # doctest: +SKIP
    """
    config = _config(config, params)
    settings = RoundSettings(sync_every, lr_scale, sync, block_lr, momentum, taper)
    engine = SparkEngine(partitions=partitions, settings=settings, sum_in_tasks=sum_in_tasks)
    engine.check(config)
    return _fit(engine, config, progress, lambda: engine.read(data, column, config))


def simulate(
    sentences: Iterable[Sequence[str]],
    partitions: int,
    *,
    config: TrainConfig | None = None,
    sync_every: int | None = None,
    lr_scale: float | None = None,
    sync: str = "nesterov",
    block_lr: float | None = None,
    momentum: float | None = None,
    taper: float = 1.0,
    progress: bool | None = None,
    **params: Any,
) -> Word2Vec:
    """:func:`fit`'s algorithm with ``partitions`` partitions as slices of this process, no
    Spark: try a synchronisation in seconds.

    The same vocabulary, consecutive slices (as ``fit(..., partitions=P)`` cuts the data),
    per-partition training, merge and rounds as :func:`fit`
    (:class:`w2v.engines.rounds.SimulatedEngine`); partitions train one after another with
    ``workers`` threads each (default 1). With ``workers=1`` the vectors equal
    :func:`fit`'s on the same sentences and seed.

    >>> model = w2v.spark.simulate(sentences, 8, sync="bmuf", epochs=1)  # doctest: +SKIP
    """
    config = _config(config, params)
    if config.workers is None:
        config = config.replace(workers=1)
    settings = RoundSettings(sync_every, lr_scale, sync, block_lr, momentum, taper)
    engine = SimulatedEngine(partitions, settings)
    return _fit(engine, config, progress, lambda: engine.read(sentences, config))


def _config(config: TrainConfig | None, params: dict[str, Any]) -> TrainConfig:
    if config is not None:
        return config.replace(**params) if params else config
    return TrainConfig.from_kwargs(**params)


def _fit(engine: Any, config: TrainConfig, progress: bool | None, read: Any) -> Word2Vec:
    """Read, train and build the model with ``engine`` (Spark's or the simulated one)."""
    progress = show_progress(progress)
    t_start = time.perf_counter()
    with read() as corpus:
        rounds, scale = engine.plan(config, corpus)
        W_in, W_out = init_weights(config, len(corpus.vocab))
        t_train = time.perf_counter()
        history = engine.train(config, corpus.vocab, corpus, W_in, W_out, progress=progress)
    return Word2Vec.from_weights(
        config,
        corpus.vocab,
        W_in,
        W_out,
        loss_history=history,
        epochs_trained=config.epochs,
        read_stats=corpus.stats,
        fit_seconds={
            "read": t_train - t_start,
            "train": time.perf_counter() - t_train,
            "words": float(corpus.n_words),
            "rounds": float(rounds),
            "partitions": float(corpus.busy),
            "lr_scale": scale,
            **getattr(engine, "timings", {}),
        },
    )


def fit_text(
    spark: SparkSession,
    path: str,
    *,
    config: TrainConfig | None = None,
    partitions: int | None = None,
    sync_every: int | None = None,
    lr_scale: float | None = None,
    progress: bool | None = None,
    **params: Any,
) -> Word2Vec:
    """Train on a text file or folder read by Spark: one sentence per line, whitespace tokens.

    ``path`` is anything ``SparkContext.textFile`` reads (a file, a folder, a glob,
    ``hdfs://`` or ``s3a://`` URLs; ``.gz`` and ``.bz2`` are decompressed). Other parameters
    as :func:`fit`.
    """
    path = str(path)
    if "://" not in path and not any(c in path for c in "*?[{") and not os.path.exists(path):
        raise CorpusNotFoundError(f"Corpus not found: {path!r} does not exist.")
    sc = spark.sparkContext
    lines = sc.textFile(str(path), minPartitions=partitions)
    return fit(
        lines.map(str.split),
        config=config,
        partitions=partitions,
        sync_every=sync_every,
        lr_scale=lr_scale,
        progress=progress,
        **params,
    )


def train_text_file(master: str, path: str, **kwargs: Any) -> Word2Vec:
    """:func:`fit_text` on a session for ``master``, stopped afterwards if this call
    started it (the ``w2v train --spark MASTER`` command)."""
    import_pyspark()
    from pyspark.sql import SparkSession

    existing = SparkSession.getActiveSession()
    spark = session(master)
    try:
        return fit_text(spark, path, **kwargs)
    finally:
        if existing is None:
            spark.stop()


def session(master: str, app_name: str = "w2v", **conf: str) -> SparkSession:
    """A SparkSession on ``master`` (``local[4]``, ``spark://host:7077``, ``yarn``, ...).

    ``conf`` holds extra Spark settings, e.g. ``**{"spark.executor.cores": "8"}``.
    """
    import_pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in {"spark.ui.showConsoleProgress": "false", **conf}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
