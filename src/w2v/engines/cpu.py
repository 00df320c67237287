"""The CPU engine: the Numba kernels run batch by batch on Hogwild Python threads.

The encoded corpus is cut into batches (:func:`w2v.schedule.plan_batches`). In each epoch
``workers`` Python threads take batches in order from a shared counter and run the compiled
kernel on each with the GIL released; they update W_in and W_out without locks (Hogwild),
as word2vec.c and gensim do.

Everything a batch does is fixed by its place in the schedule (:mod:`w2v.schedule`), not by
which thread runs it or when: its random generator is seeded from (seed, epoch, batch) and
the learning rate at each word is a function of that word's global position. Each batch's
loss is stored in its own slot and the epoch's mean loss is summed in float64 in batch order.
Hence:

* ``workers=1``: bit-identical vectors and losses for the same seed, on any run.
* ``workers>1``: the same draws and learning rates; only the interleaving of the lock-free
  updates differs, so results vary slightly from run to run (as in word2vec.c and gensim).

Checkpoints. The state of a fit between batches is small: "epoch e, batches < b done" plus
the losses of those batches (:class:`~w2v.schedule.TrainState`). To reach such a point with
several threads, a checkpoint is a barrier: the workers stop taking new batches, the running
ones finish, the state is handed to ``checkpoints.save``, and training goes on. Ctrl-C
reaches the same kind of point (running batches finish) and hands the state over before
KeyboardInterrupt propagates. A resumed fit (``start=``) therefore runs exactly the batches
an uninterrupted fit would, in the same order; with ``workers=1`` it is bit-identical.
"""

from __future__ import annotations

import logging
import math
import threading
import time

import numpy as np

from .._memory import release_compiler_pages, trim_heap
from .._progress import TrainingProgress
from ..config import TrainConfig
from ..errors import CorpusError, TrainingDivergedError
from ..kernels import (
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    NO_SYNC,
    all_finite,
    kernel_matrix,
    make_hot_sync,
    publish_hot_rows,
    train_batch_cbow,
    train_batch_skipgram,
)
from ..kernels.minibatch import MINIBATCH_KERNELS
from ..schedule import TrainState, batch_seed, learning_rate, plan_batches
from ..tables import Tables, build_tables
from ..vocab import ArrayCorpus, EncodedCorpus, Vocabulary
from . import Checkpoints, EpochCallback, LockedRows

_LOSS_KIND = {"softmax": LOSS_SOFTMAX, "hs": LOSS_HS, "ns": LOSS_NS}
log = logging.getLogger("w2v")

# Rows that most examples touch (the top of the Huffman tree; the most frequent words' NS
# rows, and in CBOW their input rows) are written by all threads at once, and the cache lines
# bouncing between cores made 2 threads slower than 1 for hierarchical softmax and cost two
# CBOW NS threads ~12 %. With more than one worker, each thread trains its own copy of the
# HOT_ROWS most shared rows, publishes the top FAST_ROWS of them every SYNC_EVERY kept words
# inside a batch (twice as many at every second sync, ... FAST_TIERS times), and all of them
# after every batch (kernels.common.sync_tier).
#
# Measured (issue 26; benchmarks/issue26_notes.md): the private copies cost quality, more with
# more rows, and syncing them often wins most of it back. Training loss of the last of
# 3 epochs, 2 workers minus 1 worker, 0.5M-word slice, CBOW HS / SG HS / CBOW NS / SG NS:
# 1,024 rows synced after each 10,000-word batch +0.065 / +0.016 / +0.028 / +0.024; 64 rows
# synced every 500 kept words (16 rows; 32 every 1,000; 64 every 2,000) +0.004 / +0.003 /
# −0.001 / +0.002, at the same two-worker speed. On the vectors (2.1M-word slice, 3 epochs,
# 5 seeds paired, Google analogy points / WS353, 64 rows minus 1,024): CBOW HS +0.21 ± 0.10 /
# −0.009 ± 0.008, SG HS +0.45 ± 0.19 / −0.013 ± 0.004, CBOW NS +0.26 ± 0.08 / +0.004 ± 0.003,
# but SG NS −0.11 ± 0.05 / −0.013 ± 0.002: skip-gram NS scores better with the stale
# copies of its 1,024 most frequent output rows, so it keeps them (HOT_PLAN).
#
# Skip-gram keeps its input rows shared: with private copies of them its vectors scored
# lower (skip-gram HS on the quality slice, 5 seeds: analogy 5.74 -> 5.43 %, WS353
# 0.503 -> 0.486), and two skip-gram workers already scale ~1.9x without them.
HOT_ROWS = 64
SYNC_EVERY = 500
FAST_ROWS = 16
FAST_TIERS = 2
#: (private rows, kept words between in-batch syncs; 0: after each batch only) by (arch,
#: loss) where it differs from (HOT_ROWS, SYNC_EVERY).
HOT_PLAN = {("skipgram", "ns"): (1024, 0)}
_NO_HOT = np.zeros((0, 1), dtype=np.float32)

#: The four matrices a batch trains, in the kernels' order: W_in, W_out, and the calling
#: thread's private copies hot_in (of W_in[:k_in]) and hot_out (of W_out[start:start+k_out]).
Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def hot_plan(config: TrainConfig) -> tuple[int, int]:
    """(private rows per matrix, kept words between in-batch syncs) for ``config``."""
    return HOT_PLAN.get((config.arch, config.loss), (HOT_ROWS, SYNC_EVERY))


def hot_rows(config: TrainConfig, n_in: int, n_out: int, workers: int) -> tuple[int, int, int]:
    """The rows each thread keeps a private copy of: (k_in, start, k_out) for the input rows
    W_in[:k_in] (the most frequent words; CBOW only) and the output rows
    W_out[start : start + k_out]."""
    if workers <= 1 or config.loss == "softmax":
        return 0, 0, 0
    n_hot = hot_plan(config)[0]
    k_in = min(n_hot, n_in) if config.arch == "cbow" else 0
    k_out = min(n_hot, n_out)
    # Huffman inner nodes are numbered in order of creation: the root is the last row.
    return k_in, (n_out - k_out if config.loss == "hs" else 0), k_out


def run_kernel(
    config: TrainConfig,
    ids: np.ndarray,
    ends: np.ndarray,
    rows: Rows,
    tables: tuple,
    schedule: tuple[float, float, float, float],
    seed: np.uint64,
    hot_start: int,
    hot_sync: tuple = NO_SYNC,
) -> tuple[float, int]:
    """Train one batch with the kernel of ``config.arch``; return (summed loss, examples).

    ``schedule`` is the kernels' (alpha, min_alpha, global position of ids[0], total words).
    """
    if config.use_minibatch:  # HogBatch: kernels/minibatch.py
        return MINIBATCH_KERNELS[config.arch, config.loss](
            ids, ends, *rows, tables, config.negative, config.window,
            schedule, seed, hot_start, hot_sync, int(config.cbow_mean),
        )  # fmt: skip
    kernel, last = (
        (train_batch_skipgram, int(config.shared_negatives))
        if config.arch == "skipgram"
        else (train_batch_cbow, int(config.cbow_mean))
    )
    return kernel(
        ids, ends, *rows, tables, _LOSS_KIND[config.loss], config.negative, config.window,
        schedule, seed, hot_start, hot_sync, last,
    )  # fmt: skip


#: Said (logged, and on stderr with progress) before the kernels are compiled.
COMPILE_NOTICE = (
    "compiling the training kernels (first run only, up to a minute; cached for later runs)"
)


def kernels_cached(config: TrainConfig) -> bool:
    """Whether the kernels a fit with ``config`` runs have machine code ready to load.

    True when each was compiled or loaded in this process or has a fresh entry in Numba's
    on-disk cache index (``__pycache__``, for this source); False means the next fit compiles
    them first. Cheap: it reads the small index files. Also True when nothing can be told
    (the JIT disabled, or another Numba's internals), so that nothing wrong is said.
    """
    functions = [train_batch_skipgram if config.arch == "skipgram" else train_batch_cbow]
    if config.use_minibatch:
        functions = [MINIBATCH_KERNELS[config.arch, config.loss]]
    if config.n_workers > 1:
        functions.append(publish_hot_rows)
    for f in functions:
        if getattr(f, "overloads", None):
            continue  # already in this process
        try:
            index = f._cache._cache_file._load_index()
        except Exception:  # NUMBA_DISABLE_JIT (a plain function) or other Numba internals
            continue
        if not index:
            return False
    return True


def load_kernels(config: TrainConfig) -> None:
    """Load (or compile) the kernels a fit with ``config`` runs, then release the compiler.

    Runs the kernel on an empty batch (and the hot-row sync on one row): this loads their
    cached code and starts Numba's runtime, the last things LLVM is needed for. Then
    :func:`w2v._memory.release_compiler_pages` gives LLVM's pages back. :meth:`Word2Vec.fit`
    calls this first (through :meth:`CpuEngine.prepare`), so that neither the corpus pass nor
    the weights share memory with the compiler's pages; :meth:`CpuEngine.train` calls it too
    (for its other callers; cheap the second time).
    """
    if not kernels_cached(config):
        log.info(COMPILE_NOTICE)
    tiny = Vocabulary(["a", "b"], np.array([2, 1], dtype=np.int64))
    tables = build_tables(config, tiny).as_tuple()
    W = kernel_matrix(2, config.dim)
    hot = W[:1].copy()
    no_ids, no_ends = np.zeros(0, np.int32), np.zeros(0, np.int64)
    no_schedule = (0.0, 0.0, 0.0, 1.0)
    sync = make_hot_sync(hot.copy(), hot.copy(), np.zeros(1, np.int64))
    rows = (W, W, hot, hot)
    run_kernel(config, no_ids, no_ends, rows, tables, no_schedule, np.uint64(1), 0, sync)
    if config.n_workers > 1:
        publish_hot_rows(*rows[:2], hot, hot, 0, sync)
    release_compiler_pages()
    trim_heap()  # what LLVM freed after compiling the runtime


class CpuEngine:
    """The Numba kernels on ``config.workers`` Hogwild threads (see the module docstring)."""

    name = "cpu"
    supports_checkpoints = True
    supports_locked_rows = True

    def check(self, config: TrainConfig) -> None:
        """Nothing to check: every config the validation accepts runs on the CPU."""

    def prepare(self, config: TrainConfig) -> None:
        """Load the kernels and release the compiler's memory (:func:`load_kernels`)."""
        load_kernels(config)

    def will_compile(self, config: TrainConfig) -> bool:
        """Whether :meth:`prepare` compiles the kernels (a cold cache) rather than loads them."""
        return not kernels_cached(config)

    def train(
        self,
        config: TrainConfig,
        vocab: Vocabulary,
        corpus: EncodedCorpus | ArrayCorpus,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        tables: Tables | None = None,
        progress: bool = False,
        on_epoch_end: EpochCallback | None = None,
        start: TrainState | None = None,
        checkpoints: Checkpoints | None = None,
        stop: int | None = None,
        locked: LockedRows | None = None,
    ) -> list[float]:
        """Train W_in and W_out in place over ``config.epochs`` epochs; return the mean losses.

        See :meth:`w2v.engines.Engine.train`. ``stop`` ends the fit before that global batch
        (``epoch * n_batches + batch``), so ``start``/``stop`` train one stretch of the
        schedule, each batch with the seed and learning rates it has in the whole fit; the
        losses and callbacks then cover the epochs the stretch touches, each the mean over the
        batches it ran. With ``workers=1``, consecutive stretches equal one whole fit (the
        Spark engine synchronises between them).

        ``locked`` rows of W_in are put back to their values after every batch that contains
        their words (a batch writes only the input rows of its own words), so they end the fit
        exactly as they started; a fit without it runs no extra code per batch.

        Raises TrainingDivergedError, naming ``alpha``, as soon as a batch's loss is NaN or
        infinite or an epoch leaves non-finite weights; CorpusError when a whole fit has no
        training example.
        """
        if tables is None:
            tables = build_tables(config, vocab)
        run = _HogwildRun(config, corpus, W_in, W_out, tables, checkpoints, locked)
        return run.run(start, stop, progress, on_epoch_end)


class _HogwildRun:
    """One fit on the CPU: the batch plan, the threads, and the state they share.

    The fields below ``# shared`` are read and written by the worker threads under
    ``self.lock``; an epoch's fields are reset by :meth:`_run_epoch`.
    """

    def __init__(
        self,
        config: TrainConfig,
        corpus: EncodedCorpus | ArrayCorpus,
        W_in: np.ndarray,
        W_out: np.ndarray,
        tables: Tables,
        checkpoints: Checkpoints | None,
        locked: LockedRows | None = None,
    ):
        self.config, self.corpus, self.W_in, self.W_out = config, corpus, W_in, W_out
        self.tables = tables.as_tuple()
        self.checkpoints = checkpoints
        self.bounds = plan_batches(corpus.sentence_ends, corpus.n_words, config.batch_words)
        self.n_batches = len(self.bounds) - 1
        self.total = float(config.epochs * corpus.n_words)
        self.alpha, self.min_alpha = config.start_alpha, config.end_alpha
        # batch i's sentence ends are ends[end_index[i] : end_index[i + 1]]
        self.end_index = np.searchsorted(corpus.sentence_ends, self.bounds, side="right")
        self.n_threads = min(config.n_workers, max(1, self.n_batches))
        self.n_hot_in, self.hot_start, self.n_hot = hot_rows(
            config, W_in.shape[0], W_out.shape[0], self.n_threads
        )
        self.sync_flag = np.zeros(1, np.int64)  # the spin lock of the private rows' syncs
        self.sync_every = hot_plan(config)[1]
        self.locked = locked
        if locked is not None:
            # row -> its place in locked.rows, or -1: finds a batch's locked words in O(batch)
            self.locked_slot = np.full(W_in.shape[0], -1, dtype=np.int64)
            self.locked_slot[locked.rows] = np.arange(len(locked.rows))
            # A thread's private copy of a locked input row would carry its drift from one
            # batch into the next; locked fits keep all input rows shared.
            self.n_hot_in = 0
        # shared
        self.lock = threading.Lock()
        self.consistent = True  # False while Ctrl-C waits for running batches
        self.last_save = time.monotonic()
        self.since_words = 0  # trained since the last checkpoint, across epochs
        # the current epoch's, reset by _run_epoch
        self.next_batch = 0
        self.done_words = 0
        self.running = 0
        self.errors: list[BaseException] = []
        self.halt = threading.Event()  # set: take no new batch (error, Ctrl-C, checkpoint due)
        self.go = threading.Event()  # set once every worker of a stretch has started
        self.all_done = threading.Event()

    # -- the schedule ----------------------------------------------------------------------
    def position(self, s: TrainState) -> int:
        """The global word position of the next batch of ``s``."""
        return s.epoch * self.corpus.n_words + int(self.bounds[min(s.batch, self.n_batches)])

    def run(
        self,
        start: TrainState | None,
        stop: int | None,
        progress: bool,
        on_epoch_end: EpochCallback | None,
    ) -> list[float]:
        """Train from ``start`` (default: the beginning) up to global batch ``stop``."""
        n_batches, epochs = self.n_batches, self.config.epochs
        g_end = epochs * n_batches if stop is None else stop
        if start is None:
            start = TrainState.start(n_batches)
        elif len(start.batch_loss) != n_batches or not 0 <= start.batch <= n_batches:
            raise ValueError(
                f"the resume state has {len(start.batch_loss)} batches, the corpus {n_batches}"
            )
        state = start
        bar = TrainingProgress(epochs * self.corpus.n_words, progress, self.position(state))
        load_kernels(self.config)
        all_examples = 0
        from_the_start = state.epoch == 0 and state.batch == 0  # (state is updated in place)
        try:
            while state.epoch < epochs and state.global_batch(n_batches) < g_end:
                self._run_epoch(state, min(n_batches, g_end - state.epoch * n_batches), bar)
                n_examples = int(state.batch_n.sum())
                all_examples += n_examples
                epoch_loss = float(state.batch_loss.sum() / n_examples) if n_examples else math.nan
                if not all_finite(self.W_in, self.W_out):
                    raise self._diverged(state.epoch, "the weights are no longer finite")
                done = state.epoch
                # one assignment: a Ctrl-C sees either the finished epoch or the next one
                state = TrainState.start(n_batches, done + 1, [*state.history, epoch_loss])
                if on_epoch_end is not None:
                    bar.show(on_epoch_end(done, epoch_loss))
                if state.epoch < epochs and self._checkpoint_due():  # also a batch boundary
                    self._save(state, "every")
            if all_examples == 0 and from_the_start and stop is None:
                raise CorpusError(
                    "No training examples: no kept word has a context word (subsampling with "
                    f"sample={self.config.sample} dropped them, or every sentence has one "
                    "word). Try sample=0 or a larger corpus."
                )
        except KeyboardInterrupt:
            if self.checkpoints is not None and self.consistent:
                self._save(state, "interrupt")
            raise
        finally:
            bar.close()
        return state.history

    # -- checkpoints -----------------------------------------------------------------------
    def _diverged(self, epoch: int, what: str) -> TrainingDivergedError:
        return TrainingDivergedError.at(
            self.alpha,
            epoch,
            what,
            arch=self.config.arch,
            default_alpha=self.config.default_alpha,
        )

    def _checkpoint_due(self) -> bool:
        c = self.checkpoints
        return c is not None and (
            (c.every_words is not None and self.since_words >= c.every_words)
            or (
                c.every_seconds is not None and time.monotonic() - self.last_save >= c.every_seconds
            )
        )

    def _save(self, s: TrainState, reason: str) -> None:
        assert self.checkpoints is not None
        s.word_position = self.position(s)
        if not all_finite(self.W_in, self.W_out):
            raise self._diverged(s.epoch, "the weights are no longer finite")
        self.checkpoints.save(s, reason)
        self.last_save = time.monotonic()
        self.since_words = 0

    # -- one epoch -------------------------------------------------------------------------
    def _run_batch(self, s: TrainState, i: int, rows: Rows, hot_sync: tuple = NO_SYNC) -> None:
        """Train batch ``i`` of epoch ``s.epoch``, storing its loss in ``s``."""
        a, b = int(self.bounds[i]), int(self.bounds[i + 1])
        ids = self.corpus.read(a, b)
        # the sentence ends in (a, b]; a batch that ends inside a sentence trains its start
        ends = self.corpus.sentence_ends[self.end_index[i] : self.end_index[i + 1]] - a
        position = float(s.epoch * self.corpus.n_words + a)
        schedule = (self.alpha, self.min_alpha, position, self.total)
        seed = batch_seed(self.config.seed, s.epoch, i)
        loss, n = run_kernel(
            self.config, ids, ends, rows, self.tables, schedule, seed, self.hot_start, hot_sync
        )
        if not math.isfinite(loss):
            raise self._diverged(s.epoch, f"the loss of batch {i + 1} is {loss}")
        if self.locked is not None:
            self._restore_locked(ids)
        s.batch_loss[i] = loss
        s.batch_n[i] = n

    def _restore_locked(self, ids: np.ndarray) -> None:
        """Put back the locked rows among a batch's words (the only input rows it wrote)."""
        assert self.locked is not None
        slots = self.locked_slot[ids]
        slots = np.unique(slots[slots >= 0])
        if len(slots):
            self.W_in[self.locked.rows[slots]] = self.locked.values[slots]

    def _take(self, limit: int) -> int:
        """The next batch for a worker, or -1 when there is none to take now."""
        with self.lock:
            if self.halt.is_set() or self.next_batch >= limit:
                return -1
            i = self.next_batch
            self.next_batch += 1
            return i

    def _worker(self, s: TrainState, limit: int) -> None:
        self.go.wait()
        W_in, W_out, n_hot_in, hot_start, n_hot = (
            self.W_in, self.W_out, self.n_hot_in, self.hot_start, self.n_hot,
        )  # fmt: skip
        hot_in = W_in[:n_hot_in].copy() if n_hot_in else _NO_HOT
        hot_out = W_out[hot_start : hot_start + n_hot].copy() if n_hot else _NO_HOT
        hot_sync = make_hot_sync(
            hot_in.copy(), hot_out.copy(), self.sync_flag, self.sync_every, FAST_ROWS, FAST_TIERS
        )
        rows = (W_in, W_out, hot_in, hot_out)
        try:
            while (i := self._take(limit)) >= 0:
                if n_hot_in or n_hot:
                    self._run_batch(s, i, rows, hot_sync)
                    publish_hot_rows(W_in, W_out, hot_in, hot_out, hot_start, hot_sync)
                else:
                    self._run_batch(s, i, rows)
                words = int(self.bounds[i + 1] - self.bounds[i])
                with self.lock:
                    self.done_words += words
                    self.since_words += words
                    if self._checkpoint_due():
                        self.halt.set()
        except BaseException as exc:  # re-raised in the main thread
            self.errors.append(exc)
            self.halt.set()
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0:
                    self.all_done.set()

    def _run_epoch(self, s: TrainState, limit: int, bar: TrainingProgress) -> None:
        """Train batches ``s.batch..limit-1`` of epoch ``s.epoch``, pausing for checkpoints."""
        epoch, n_words = s.epoch, self.corpus.n_words
        self.next_batch = s.batch
        self.done_words = int(self.bounds[s.batch])
        self.errors = []
        self.halt.clear()
        # The barrier is the `running` counter, not Thread.join: a join interrupted by Ctrl-C
        # can mark a thread that is still running as stopped (CPython's bpo-45274 handling),
        # and a checkpoint must not be taken while a batch is in flight.
        while self.next_batch < limit:
            self.halt.clear()
            self.go.clear()
            self.all_done.clear()
            threads = [
                threading.Thread(
                    target=self._worker, args=(s, limit), name=f"w2v-worker-{k}", daemon=True
                )
                for k in range(min(self.config.n_workers, limit - self.next_batch))
            ]
            self.running = len(threads)
            try:
                for t in threads:
                    t.start()  # each waits for `go`: no batch runs while they start
                self.go.set()
                while True:
                    finished = self.all_done.wait(timeout=0.25)
                    pos = epoch * n_words + self.done_words
                    running_loss = float(s.batch_loss.sum() / max(1, int(s.batch_n.sum())))
                    lr = learning_rate(self.alpha, self.min_alpha, pos, self.total)
                    bar.update(pos, lr, running_loss, epoch)
                    if finished:
                        break
                # every batch taken has finished: a consistent point (set inside the try, so
                # that a Ctrl-C from here on cannot leave s.batch behind the weights)
                s.batch = self.next_batch
            except BaseException:  # Ctrl-C: let running batches finish, then propagate
                if not self.go.is_set():  # while starting the threads: no batch has run
                    self.halt.set()
                    self.go.set()  # the started ones find nothing to take and end
                    raise
                self.consistent = False
                self.halt.set()
                while not self.all_done.wait(timeout=0.25):
                    pass
                s.batch = self.next_batch
                self.consistent = not self.errors
                raise
            for t in threads:
                t.join()  # each has left its loop; this only reaps it
            if self.errors:
                raise self.errors[0]
            if s.batch < limit:  # paused because a checkpoint is due
                self._save(s, "every")
