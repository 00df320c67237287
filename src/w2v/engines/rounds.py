"""Synchronous rounds of partitioned training, without Spark: what a partition trains in a
round, how the driver merges the partitions' rows, and an in-process cluster (the simulator).

The Spark engine (:mod:`w2v.engines.spark`) runs :func:`train_piece` on its executors and
:class:`RowAverage` / :class:`BlockMomentum` on its driver through :func:`run_rounds`;
:class:`SimulatedEngine` runs the same three in one process, the partitions one after
another, so an algorithm can be tried in seconds and Spark's vectors checked against it
(equal for the same seed with ``workers=1``).

Merges (``sync=``):

- ``"average"``: each row some partition changed becomes the mean of its new values over the
  partitions that changed it; partitions train with ``alpha`` × ``lr_scale``.
- ``"average_all"``: the mean over all P partitions, one that did not change a row counting
  its old value (W += sum of changes / P): a frequent word moves as with ``"average"``, a
  word one partition saw by 1/P of that partition's change.
- ``"bmuf"``: block momentum (Chen & Huo 2016, "blockwise model-update filtering"). Per
  row changed this round, the mean change D over the partitions that changed it feeds a
  global step G ← μ G + η D, and the row moves by G (rows not changed this round keep
  their value and their G). μ = 1 − 1/P by default, η (``block_lr``) = 1; partitions train
  with ``alpha`` × ``lr_scale`` (default 1 for bmuf: the momentum, not the rate, makes up
  for averaging, as in steady state G ≈ η D / (1 − μ) = P D).
- ``"nesterov"``: ``"average_all"``'s step D = (sum of changes) / P fed to block momentum
  with Nesterov's look-ahead (BMUF-NBM, Chen & Huo 2016): G ← μ G + η D, the global model
  W_g += G, and the next round starts from W_g + μ G. Partitions train with ``alpha`` ×
  s, s = ``lr_scale``, and μ = 1 − s / P by default: in steady state a row moves
  η D / (1 − μ) = (P / s) D per round, the sum of the P changes at rate α (one machine's
  step), while each partition's own rate stays at most 8 α (rate × 16 collapsed at 16
  partitions). The default s is P up to 4 partitions (μ = 0: ``"average_all"``'s merge
  exactly), then P / 2 within [4, 8]: μ = 0.5 from 8 to 16 partitions (measured best: at
  8, s = 8 without momentum lost 0.5-2.7 analogy points to s = 4 with μ = 0.5; at 16,
  s = 4 with μ = 0.75 lost 1.2 to s = 8 with μ = 0.5), and 1 − 8 / P beyond.

Rounds (:meth:`RoundSettings.plan`): a round is whole batches of each partition, so with
more than one partition the partitions' batches hold at most 1/8 of a partition's words
of an average round (:meth:`RoundSettings.batch_words`): with batches of 10,000 words a
partition of 394,000 words (32 partitions of the 12.6M-word corpus) had 39 batches for 62
rounds, and a third of its rounds trained nothing. ``taper`` > 1 makes the rounds shrink
toward the end of the schedule (the same number); measured, no clear gain (issue 20
notes, session 10), so the default is equal rounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numba
import numpy as np

from ..config import TrainConfig
from ..corpus import ReadStats
from ..errors import ConfigError, CorpusError
from ..kernels import kernel_matrix
from ..schedule import TrainState, piece_bounds, piece_end, plan_batches
from ..tables import Tables, build_tables
from ..vocab import ArrayCorpus, Vocabulary, build_vocab_and_encode, encode_sentences
from . import Checkpoints, EpochCallback
from .cpu import CpuEngine

#: By default all partitions together train about this many words between two
#: synchronisations (each ROUND_WORDS / P): quality fell with more (docs/spark.md)...
DEFAULT_ROUND_WORDS = 200_000
#: ...and half as many for CBOW, whose partitions drift apart faster: on the whole corpus
#: (1 epoch) 100,000 words per round gained 0.59 ± 0.23 analogy points at 8 partitions
#: (5 seeds; within the noise at 2 and 4) and left 2, 4 and 8 partitions within a point of
#: one machine (docs/spark.md).
DEFAULT_ROUND_WORDS_CBOW = 100_000
#: ...but there are at most this many rounds (each costs a Spark job and a broadcast).
DEFAULT_MAX_ROUNDS = 128
#: The largest learning-rate scale chosen by default: on the whole corpus, 16 partitions
#: at scale 16 collapsed (1.00 % analogy against 4.54 % at scale 8; docs/spark.md).
MAX_DEFAULT_LR_SCALE = 8
#: "nesterov" from 8 partitions on: scale P / 2 (momentum 0.5) between these bounds. At 8
#: partitions scale 4 with momentum 0.5 beat scale 8 without momentum by 0.46 analogy
#: points (skip-gram NS), 0.9 (CBOW NS) and 2.7 (skip-gram HS, one seed); at 16, scale 4
#: (momentum 0.75) lost 1.2 points to scale 8 (momentum 0.5); at 4, scale 2 lost 0.86 to
#: scale 4 (no momentum). Whole corpus, 1 epoch, 3 seeds (docs/spark.md).
MIN_NESTEROV_LR_SCALE = 4
#: "average" (the mean over the partitions that changed a row) keeps its old cap.
MAX_DEFAULT_LR_SCALE_AVERAGE = 4
#: With more than one partition, a partition's batches hold at most 1/8 of its words of an
#: average round, so rounds end where the taper says (rounds are cut between batches).
BATCHES_PER_ROUND = 8

Sync = Literal["average", "average_all", "bmuf", "nesterov"]
SYNC_METHODS: tuple[str, ...] = ("average", "average_all", "bmuf", "nesterov")
#: The syncs that take ``block_lr`` and ``momentum``.
MOMENTUM_SYNCS = ("bmuf", "nesterov")


@dataclass(frozen=True)
class RoundSettings:
    """How partitions are synchronised; validated once (every mistake one ConfigError line).

    ``sync_every``: words per partition between synchronisations (default: 200,000 / P,
    CBOW 100,000 / P, raised to make at most 128 rounds); ``lr_scale``: the partitions'
    learning-rate factor (default: min(P, 8) for average_all; for nesterov P up to 4
    partitions, then P / 2 within [4, 8]; min(P, 4) for average; 1 for bmuf);
    ``sync``: the merge (default nesterov); ``block_lr``, ``momentum``: the block
    momentum's η (default 1) and μ (default 1 − 1/P for bmuf, 1 − lr_scale/P, at least 0,
    for nesterov); ``taper``: round k of R ends at the fraction 1 − (1 − k/R) ** taper of
    each partition's schedule (default 1: equal rounds; > 1: short rounds at the end).
    """

    sync_every: int | None = None
    lr_scale: float | None = None
    sync: str = "nesterov"
    block_lr: float | None = None
    momentum: float | None = None
    taper: float = 1.0

    def __post_init__(self) -> None:
        value = self.sync_every
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"The 'sync_every' parameter must be an int >= 1. Got {value!r}.")
        if value is not None and value < 1:
            raise ConfigError(f"The 'sync_every' parameter must be an int >= 1. Got {value}.")
        for name in ("lr_scale", "block_lr", "taper"):
            x = getattr(self, name)
            if x is not None and (
                isinstance(x, bool)
                or not isinstance(x, int | float)
                or not math.isfinite(x)
                or x <= 0
            ):
                raise ConfigError(f"The {name!r} parameter must be a float > 0. Got {x!r}.")
        mu = self.momentum
        if mu is not None and (
            isinstance(mu, bool) or not isinstance(mu, int | float) or not 0 <= mu < 1
        ):
            raise ConfigError(f"The 'momentum' parameter must be a float in [0, 1). Got {mu!r}.")
        if self.sync not in SYNC_METHODS:
            raise ConfigError(
                f"The 'sync' parameter must be one of {', '.join(map(repr, SYNC_METHODS))}. "
                f"Got {self.sync!r}."
            )
        if self.sync not in MOMENTUM_SYNCS and (
            self.block_lr is not None or self.momentum is not None
        ):
            raise ConfigError("block_lr= and momentum= apply to sync='bmuf' or 'nesterov' only.")

    def plan(self, config: TrainConfig, n_words: int, busy: int) -> tuple[int, float]:
        """(rounds, learning-rate scale) for ``n_words`` words on ``busy`` partitions."""
        per_partition = config.epochs * n_words / busy
        if self.sync_every is None:
            words = config.epochs * n_words
            rounds = min(DEFAULT_MAX_ROUNDS, math.ceil(words / self.round_words(config)))
        else:
            rounds = math.ceil(per_partition / self.sync_every)
        return max(1, rounds), self._scale(busy)

    @staticmethod
    def round_words(config: TrainConfig) -> int:
        """Words of all partitions per round by default: 100,000 for CBOW, else 200,000."""
        return DEFAULT_ROUND_WORDS_CBOW if config.arch == "cbow" else DEFAULT_ROUND_WORDS

    def batch_words(self, config: TrainConfig, n_words: int, busy: int) -> int:
        """The partitions' ``batch_words``: ``config``'s, with more than one partition at
        most 1/8 of a partition's words in an average round (at least 100), so that rounds
        are not rounded to whole batches of 10,000 words; one partition keeps
        ``config``'s, and with it the single-machine result."""
        if busy <= 1:
            return config.batch_words
        rounds, _ = self.plan(config, n_words, busy)
        per_round = config.epochs * n_words / busy / rounds
        cap = max(100, math.ceil(per_round / BATCHES_PER_ROUND))
        return min(config.batch_words, cap)

    def _scale(self, busy: int) -> float:
        """The partitions' learning-rate scale for ``busy`` partitions."""
        if self.lr_scale is not None:
            return float(self.lr_scale)
        if self.sync == "nesterov":  # P up to 4; then P / 2 within [4, 8]
            half = min(max(busy / 2, MIN_NESTEROV_LR_SCALE), MAX_DEFAULT_LR_SCALE)
            return float(min(busy, half))
        if self.sync == "average_all":
            return float(min(busy, MAX_DEFAULT_LR_SCALE))
        if self.sync == "average":
            return float(min(busy, MAX_DEFAULT_LR_SCALE_AVERAGE))
        return 1.0

    def merge(self, busy: int) -> Callable[[np.ndarray, np.ndarray, list[PartitionUpdate]], None]:
        """The driver's merge for ``busy`` partitions (it may keep state between rounds)."""
        if self.sync == "bmuf":
            mu = 1 - 1 / busy if self.momentum is None else float(self.momentum)
            return BlockMomentum(1.0 if self.block_lr is None else self.block_lr, mu)
        if self.sync == "nesterov" and busy > 1:
            if self.momentum is None:
                mu = max(0.0, 1 - self._scale(busy) / busy)
            else:
                mu = float(self.momentum)
            eta = 1.0 if self.block_lr is None else float(self.block_lr)
            if mu > 0 or eta != 1:
                return NesterovMomentum(busy, mu, eta)
            return AverageAll(busy)  # μ = 0, η = 1: the same step, no momentum to keep
        if self.sync == "average_all" and busy > 1:  # one partition: exactly its values
            return AverageAll(busy)
        return RowAverage()


# -- a partition's round ----------------------------------------------------------------------
@dataclass
class PartitionUpdate:
    """What a partition sends back after a round: the rows it changed and their new values,
    its [(epoch, mean loss)] and its word count."""

    index: int
    rows_in: np.ndarray  # (k,) int64
    values_in: np.ndarray  # (k, dim) float32
    rows_out: np.ndarray
    values_out: np.ndarray
    losses: list[tuple[int, float]]
    n_words: int


#: The last tables built: [(vocabulary, key, tables)]. A Spark Python worker (or the
#: simulator) trains many pieces of one fit with one vocabulary object; building the tables
#: again for each took 57 ms (NS, 35,803 words), P times per round.
_LAST_TABLES: list[tuple[Vocabulary, tuple, Tables]] = []


def tables_for(config: TrainConfig, vocab: Vocabulary) -> Tables:
    """:func:`w2v.tables.build_tables` of ``config`` and ``vocab``, reused while both are
    the same (the tables depend only on the fields in the key)."""
    key = (config.loss, config.sample, config.ns_exponent, config.negative)
    if _LAST_TABLES and _LAST_TABLES[0][0] is vocab and _LAST_TABLES[0][1] == key:
        return _LAST_TABLES[0][2]
    tables = build_tables(config, vocab)
    _LAST_TABLES[:] = [(vocab, key, tables)]
    return tables


def train_piece(
    config: TrainConfig,
    vocab: Vocabulary,
    ids: np.ndarray,
    ends: np.ndarray,
    W_in0: np.ndarray,
    W_out0: np.ndarray,
    *,
    index: int,
    piece: tuple[int, int],
    workers: int,
    taper: float = 1.0,
) -> PartitionUpdate | None:
    """Train piece ``piece`` = (r, R) of partition ``index``'s schedule from (W_in0, W_out0)
    (not modified), the pieces cut by ``taper`` (:func:`w2v.schedule.piece_bounds`); None
    for an empty partition.

    ``config`` is the partitions' config (learning rates already scaled); partition p trains
    with seed ``seed + p`` (partition 0 keeps the single-machine random stream) and
    ``config.workers or workers`` threads.
    """
    if len(ids) == 0:
        return None
    W_in = kernel_matrix(*W_in0.shape, source=W_in0)
    W_out = kernel_matrix(*W_out0.shape, source=W_out0)
    cfg = config.replace(workers=config.workers or workers, seed=config.seed + index)
    n_batches = len(plan_batches(ends, len(ids), cfg.batch_words)) - 1
    first, stop = piece_bounds(*piece, cfg.epochs * n_batches, taper)
    losses: list[tuple[int, float]] = []
    CpuEngine().train(
        cfg,
        vocab,
        ArrayCorpus(ids, ends),
        W_in,
        W_out,
        tables=tables_for(cfg, vocab),
        start=TrainState.at(n_batches, first),
        stop=stop,
        on_epoch_end=lambda epoch, loss, out=losses: out.append((epoch, loss)),
    )
    rows_in = changed_rows(W_in, W_in0)
    rows_out = changed_rows(W_out, W_out0)
    return PartitionUpdate(
        index, rows_in, W_in[rows_in], rows_out, W_out[rows_out], losses, len(ids)
    )


@numba.njit(cache=True, nogil=True)
def changed_rows(W: np.ndarray, W0: np.ndarray) -> np.ndarray:
    """The rows where ``W`` differs from ``W0`` (a NaN counts as a difference), ascending:
    ``np.flatnonzero((W != W0).any(axis=1))``, stopping at a row's first difference (3-4x
    faster when most rows changed, as after a round of negative sampling).

    W, W0: (V, dim) float32; returns (k,) int64.
    """
    hit = np.zeros(W.shape[0], dtype=np.bool_)
    for r in range(W.shape[0]):
        for j in range(W.shape[1]):
            if W[r, j] != W0[r, j]:
                hit[r] = True
                break
    return np.flatnonzero(hit)


# -- the driver's merge -----------------------------------------------------------------------
def average_rows(W: np.ndarray, updates: Iterable[tuple[np.ndarray, np.ndarray]]) -> int:
    """Set each row some update changed to the mean of its new values; return how many."""
    total = np.zeros_like(W)
    n = np.zeros(len(W), dtype=np.int32)
    for rows, values in updates:
        total[rows] += values  # rows are unique within one update
        n[rows] += 1
    touched = np.flatnonzero(n)
    W[touched] = total[touched] / n[touched, None].astype(np.float32)
    return len(touched)


class RowAverage:
    """Each changed row becomes the mean of its new values over the partitions that changed
    it (one partition: exactly its values)."""

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list[PartitionUpdate]):
        average_rows(W_in, ((u.rows_in, u.values_in) for u in updates))
        average_rows(W_out, ((u.rows_out, u.values_out) for u in updates))


@dataclass
class AverageAll:
    """Each row becomes the mean of its values over all ``partitions`` partitions, a
    partition that did not change it counting its old value: W += (sum of changes) / P."""

    partitions: int

    #: The merge needs only the sum of the partitions' changes (:meth:`apply_totals`), so a
    #: task may send its partitions' changes summed.
    sums_changes = True

    def apply_totals(self, W: np.ndarray, key: int, total: np.ndarray, touched: np.ndarray):
        """The step of matrix ``key`` (0: W_in, 1: W_out) from ``total``, the sum over the
        partitions of new value − W, on the rows some partition changed (``touched``)."""
        W[touched] += total[touched] / np.float32(self.partitions)

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list[PartitionUpdate]):
        for key, W in enumerate((W_in, W_out)):
            self.apply_totals(W, key, *summed_changes(W, key, updates))


def summed_changes(
    W: np.ndarray, key: int, updates: Iterable[PartitionUpdate]
) -> tuple[np.ndarray, np.ndarray]:
    """(sum over ``updates`` of new value − W, in float32 in their order; the rows any of
    them changed) for matrix ``key`` (0: W_in, 1: W_out)."""
    pairs = ((u.rows_in, u.values_in) if key == 0 else (u.rows_out, u.values_out) for u in updates)
    return sum_rows(W, ((rows, values - W[rows]) for rows, values in pairs))


def sum_rows(
    W: np.ndarray, changes: Iterable[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """(the ``changes`` — (unique rows, their changes) — summed in float32 in their order,
    shaped like W; the rows any of them changed)."""
    total = np.zeros_like(W)
    n = np.zeros(len(W), dtype=np.int32)
    for rows, delta in changes:
        total[rows] += delta
        n[rows] += 1
    return total, np.flatnonzero(n)


@dataclass
class BlockMomentum:
    """BMUF on the changed rows: G ← μ G + η × (mean new value − old value); W += G."""

    block_lr: float
    momentum: float
    _G: dict[int, np.ndarray] = field(default_factory=dict)

    def _step(self, W: np.ndarray, key: int, updates: Iterable[tuple[np.ndarray, np.ndarray]]):
        G = self._G.get(key)
        if G is None:
            G = self._G[key] = np.zeros_like(W)
        total = np.zeros_like(W)
        n = np.zeros(len(W), dtype=np.int32)
        for rows, values in updates:
            total[rows] += values
            n[rows] += 1
        touched = np.flatnonzero(n)
        D = total[touched] / n[touched, None].astype(np.float32) - W[touched]
        G[touched] = self.momentum * G[touched] + self.block_lr * D
        W[touched] += G[touched]

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list[PartitionUpdate]):
        self._step(W_in, 0, ((u.rows_in, u.values_in) for u in updates))
        self._step(W_out, 1, ((u.rows_out, u.values_out) for u in updates))


@dataclass
class NesterovMomentum:
    """average_all's step with Nesterov block momentum (BMUF-NBM) on the changed rows.

    W holds the point the partitions start from, W_g + μ G. Per row some partition changed:
    D = (sum over partitions of new value − W) / P; G' = μ G + η D; W_g' = W_g + G';
    W' = W_g' + μ G' = W + (1 + μ) G' − μ G. Rows no partition changed keep W and G. Only
    G is stored (W_g = W − μ G), one float32 matrix per weight matrix.
    """

    partitions: int
    momentum: float
    block_lr: float = 1.0
    _G: dict[int, np.ndarray] = field(default_factory=dict)

    #: Like :class:`AverageAll`, only the sum of the changes is needed.
    sums_changes = True

    def apply_totals(self, W: np.ndarray, key: int, total: np.ndarray, touched: np.ndarray):
        """The step of matrix ``key`` from the summed changes (see :class:`AverageAll`)."""
        G = self._G.get(key)
        if G is None:
            G = self._G[key] = np.zeros_like(W)
        mu = np.float32(self.momentum)
        G_old = G[touched]
        G_new = mu * G_old + np.float32(self.block_lr / self.partitions) * total[touched]
        G[touched] = G_new
        W[touched] += (1 + mu) * G_new - mu * G_old

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list[PartitionUpdate]):
        for key, W in enumerate((W_in, W_out)):
            self.apply_totals(W, key, *summed_changes(W, key, updates))


# -- the rounds -------------------------------------------------------------------------------
def run_rounds(
    config: TrainConfig,
    rounds: int,
    train_round: Callable[[int], list[PartitionUpdate]],
    merge: Callable[[np.ndarray, np.ndarray, list[PartitionUpdate]], None],
    W_in: np.ndarray,
    W_out: np.ndarray,
    *,
    progress: bool = False,
    on_epoch_end: EpochCallback | None = None,
    taper: float = 1.0,
) -> list[float]:
    """Run ``rounds`` rounds: ``train_round(r)`` gives the partitions' updates from the
    current (W_in, W_out), ``merge`` applies them; return the epoch losses (each the mean
    over partitions, weighted by words). ``on_epoch_end`` is called once the last round
    that trains an epoch is merged. ``taper``: the rounds' lengths, as the partitions cut
    them (:func:`w2v.schedule.piece_bounds`)."""
    from .._progress import progress_bar

    epochs = config.epochs
    loss_sum = np.zeros(epochs)
    loss_weight = np.zeros(epochs)
    reported = 0  # epochs handed to on_epoch_end
    bar = progress_bar(progress, total=rounds, unit="round", unit_scale=False)
    try:
        for r in range(rounds):
            results = train_round(r)
            merge(W_in, W_out, results)
            # Round r covers [a, b) of the schedule; epoch e covers [e/E, (e+1)/E).
            a, b = (_round_end(k, rounds, taper) for k in (r, r + 1))
            for res in results:
                for epoch, loss in res.losses:
                    share = min(b, (epoch + 1) / epochs) - max(a, epoch / epochs)
                    if math.isfinite(loss) and share > 0:
                        loss_sum[epoch] += loss * share * res.n_words
                        loss_weight[epoch] += share * res.n_words
            finished = min(epochs, piece_end(r + 1, rounds, epochs, taper))
            for epoch in range(reported, finished if on_epoch_end is not None else 0):
                on_epoch_end(epoch, _mean(loss_sum[epoch], loss_weight[epoch]))
            reported = max(reported, finished)
            if bar is not None:
                done = loss_weight.nonzero()[0]
                last = done[-1] if len(done) else 0
                loss = loss_sum[last] / max(loss_weight[last], 1e-300)
                bar.set_postfix_str(f"epoch {last + 1} loss {loss:.4f}", refresh=False)
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return [_mean(s, w) for s, w in zip(loss_sum, loss_weight, strict=True)]


def _round_end(k: int, rounds: int, taper: float) -> float:
    """The fraction of the schedule the first ``k`` rounds cover."""
    return k / rounds if taper == 1 else 1.0 - (1.0 - k / rounds) ** taper


def _mean(total: float, weight: float) -> float:
    """total / weight, NaN for no weight."""
    return float(total / weight) if weight > 0 else math.nan


def partition_config(
    config: TrainConfig, scale: float, batch_words: int | None = None
) -> TrainConfig:
    """The config partitions train with: learning rates multiplied by ``scale``, and
    ``batch_words`` if given (:meth:`RoundSettings.batch_words`)."""
    cfg = config.replace(alpha=config.start_alpha * scale, min_alpha=config.end_alpha * scale)
    return cfg if batch_words is None else cfg.replace(batch_words=batch_words)


# -- the simulator ----------------------------------------------------------------------------
def slice_bounds(n: int, partitions: int) -> list[int]:
    """Sentence bounds of ``partitions`` consecutive slices of ``n`` sentences: sentence i
    goes to slice i × P // n, as ``SparkEngine(partitions=P)`` cuts an RDD."""
    return [-(-p * n // partitions) for p in range(partitions + 1)]  # ceil(p n / P)


@dataclass
class SimulatedCorpus:
    """Each partition's encoded sentences, in this process."""

    parts: list[tuple[np.ndarray, np.ndarray]]  # (ids int32, sentence_ends int64)
    vocab: Vocabulary
    stats: ReadStats
    n_words: int
    busy: int

    def close(self) -> None:
        """Nothing to free (the Spark corpus's twin)."""

    def __enter__(self) -> SimulatedCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SimulatedEngine:
    """The Spark engine's rounds with P partitions as slices of one process, no Spark.

    Same vocabulary, partitions (consecutive slices), per-partition training
    (:func:`train_piece`), merge and rounds as :class:`w2v.engines.spark.SparkEngine`; with
    ``workers=1`` the vectors equal Spark's for the same seed. Partitions train one after
    another, each with ``config.workers`` threads (default 1).
    """

    name = "spark-simulated"
    supports_checkpoints = False

    def __init__(self, partitions: int, settings: RoundSettings | None = None):
        if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
            raise ConfigError(
                f"The 'partitions' parameter must be an int >= 1. Got {partitions!r}."
            )
        self.partitions = partitions
        self.settings = settings or RoundSettings()

    def check(self, config: TrainConfig) -> None:
        """Nothing to check: no Spark."""

    def prepare(self, config: TrainConfig) -> None:
        """Nothing to load ahead: the CPU engine loads its kernels."""

    def read(self, sentences: Sequence[Sequence[str]], config: TrainConfig) -> SimulatedCorpus:
        """Count the vocabulary of all ``sentences`` and encode each partition's slice."""
        sentences = list(sentences)
        bounds = slice_bounds(len(sentences), self.partitions)  # null rows count, as in Spark
        kept = [s for s in sentences if s is not None]
        vocab, encoded = build_vocab_and_encode(kept, config.min_count)
        encoded.close()
        stats = ReadStats(sentences=len(kept), tokens=sum(len(s) for s in kept))
        parts = []
        for p in range(self.partitions):
            part = [s for s in sentences[bounds[p] : bounds[p + 1]] if s is not None]
            enc = encode_sentences(part, vocab)
            parts.append((enc.ids, enc.sentence_ends))
        n_words = sum(len(ids) for ids, _ in parts)
        if n_words == 0:
            raise CorpusError("None of the corpus words is in the vocabulary.")
        busy = sum(1 for ids, _ in parts if len(ids) > 0)
        return SimulatedCorpus(parts, vocab, stats, n_words, busy)

    def plan(self, config: TrainConfig, corpus: SimulatedCorpus) -> tuple[int, float]:
        """(rounds, learning-rate scale) of a fit of ``corpus`` with ``config``."""
        return self.settings.plan(config, corpus.n_words, corpus.busy)

    def train(
        self,
        config: TrainConfig,
        vocab: Vocabulary,
        corpus: SimulatedCorpus,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        tables: Tables | None = None,
        progress: bool = False,
        on_epoch_end: EpochCallback | None = None,
        start: TrainState | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> list[float]:
        """Run the rounds in this process, updating W_in and W_out; return the epoch losses."""
        if start is not None or checkpoints is not None or tables is not None:
            raise ValueError("The simulated engine takes no checkpoints, start state or tables.")
        rounds, scale = self.plan(config, corpus)
        batch_words = self.settings.batch_words(config, corpus.n_words, corpus.busy)
        cfg = partition_config(config, scale, batch_words)
        taper = float(self.settings.taper)

        def train_round(r: int) -> list[PartitionUpdate]:
            updates = []
            for index, (ids, ends) in enumerate(corpus.parts):
                update = train_piece(
                    cfg,
                    vocab,
                    ids,
                    ends,
                    W_in,
                    W_out,
                    index=index,
                    piece=(r, rounds),
                    workers=1,
                    taper=taper,
                )
                if update is not None:
                    updates.append(update)
            return updates

        merge = self.settings.merge(corpus.busy)
        return run_rounds(
            config,
            rounds,
            train_round,
            merge,
            W_in,
            W_out,
            progress=progress,
            on_epoch_end=on_epoch_end,
            taper=taper,
        )
