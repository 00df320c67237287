"""The training loop: batches, epochs, the learning-rate schedule, Hogwild threads, progress, loss.

The encoded corpus is cut into batches of about ``batch_words`` words (at sentence ends
where possible). In each epoch ``workers`` Python threads take batches in order from a
shared counter and run the compiled kernel on each with the GIL released; they update W_in
and W_out without locks (Hogwild), as word2vec.c and gensim do.

Everything a batch does is fixed by its place in the schedule, not by which thread runs it
or when: its random generator is seeded from (seed, epoch, batch index) and the learning
rate at each word is a function of that word's global position, decaying linearly from
``alpha`` to ``min_alpha`` over all epochs. Each batch's loss is stored in its own slot and
the epoch's mean loss is summed in float64 in batch order. Hence:

* ``workers=1``: bit-identical vectors and losses for the same seed, on any run.
* ``workers>1``: the same draws and learning rates; only the interleaving of the lock-free
  updates differs, so results vary slightly from run to run (as in word2vec.c and gensim).

Checkpoints. The state of a fit between batches is small: "epoch e, batches < b done" plus
the losses of those batches (:class:`TrainState`); the learning rate and random generator of
every later batch follow from it. To reach such a point with several threads, a checkpoint
is a barrier: the workers stop taking new batches, the running ones finish, the state is
handed to the ``checkpoint`` callback, and training goes on. Ctrl-C reaches the same kind of
point (running batches finish) and hands the state over before KeyboardInterrupt propagates.
A resumed fit (``start=``) therefore runs exactly the batches an uninterrupted fit would, in
the same order; with ``workers=1`` it is bit-identical.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._memory import release_compiler_pages, trim_heap
from ._progress import progress_bar
from .config import TrainConfig
from .errors import CorpusError, TrainingDivergedError
from .huffman import HuffmanTree, build_huffman
from .kernels import (
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    all_finite,
    build_alias_table,
    kernel_matrix,
    noise_codes,
    sync_hot_rows,
    train_batch_cbow,
    train_batch_skipgram,
)
from .vocab import ArrayCorpus, EncodedCorpus, Vocabulary

_LOSS_KIND = {"softmax": LOSS_SOFTMAX, "hs": LOSS_HS, "ns": LOSS_NS}
_MASK64 = (1 << 64) - 1

EpochCallback = Callable[..., object]

# Rows that most examples touch (the top of the Huffman tree; the most frequent words' NS
# rows, and in CBOW their input rows) are written by all threads at once, and the cache lines
# bouncing between cores made 2 threads slower than 1 for hierarchical softmax and cost two
# CBOW NS threads ~12 %. With more than one worker, each thread trains its own copy of these
# rows and publishes its change after every batch.
#
# Skip-gram keeps its input rows shared: with private copies of them its vectors scored
# lower (skip-gram HS on the quality slice, 5 seeds: analogy 5.74 -> 5.43 %, WS353
# 0.503 -> 0.486), and two skip-gram workers already scale ~1.9x without them.
HOT_ROWS = 1024
_NO_HOT = np.zeros((0, 1), dtype=np.float32)


def hot_rows(config: TrainConfig, n_in: int, n_out: int, workers: int) -> tuple[int, int, int]:
    """The rows each thread keeps a private copy of: (k_in, start, k_out) for the input rows
    W_in[:k_in] (the most frequent words; CBOW only) and the output rows
    W_out[start : start + k_out]."""
    if workers <= 1 or config.loss == "softmax":
        return 0, 0, 0
    k_in = min(HOT_ROWS, n_in) if config.arch == "cbow" else 0
    k_out = min(HOT_ROWS, n_out)
    # Huffman inner nodes are numbered in order of creation: the root is the last row.
    return k_in, (n_out - k_out if config.loss == "hs" else 0), k_out


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def batch_seed(seed: int, epoch: int, batch: int) -> np.uint64:
    """The nonzero generator seed of one batch, a hash of (seed, epoch, batch)."""
    h = _splitmix64(_splitmix64(_splitmix64(seed) ^ epoch) ^ batch)
    return np.uint64(h or 1)


def plan_batches(sentence_ends: np.ndarray, n_words: int, batch_words: int) -> np.ndarray:
    """Batch boundaries: (B+1,) int64 positions, cut at a sentence end near each multiple of
    ``batch_words``, or exactly at it inside a sentence longer than ``batch_words``."""
    if n_words == 0:
        return np.zeros(1, dtype=np.int64)
    targets = np.arange(batch_words, n_words, batch_words, dtype=np.int64)
    idx = np.searchsorted(sentence_ends, targets, side="left")
    snapped = sentence_ends[np.minimum(idx, len(sentence_ends) - 1)]
    cuts = np.where(snapped - targets < batch_words, snapped, targets)
    cuts = np.unique(np.concatenate(([0], cuts, [n_words])))
    return cuts[(cuts >= 0) & (cuts <= n_words)]


@dataclass(frozen=True)
class Tables:
    """Everything the kernels look up by word id, built once from the vocabulary."""

    keep_prob: np.ndarray  # (V,) float32
    noise_prob: np.ndarray  # (V,) float32 alias-table probabilities
    noise_alias: np.ndarray  # (V,) int32
    huffman: HuffmanTree
    negative: int

    def as_tuple(self) -> tuple:
        """The tables in the kernels' argument order (keep, noise, Huffman, noise codes)."""
        t = self.huffman
        return (
            self.keep_prob,
            self.noise_prob,
            self.noise_alias,
            t.points,
            t.codes,
            t.lengths,
            noise_codes(self.negative),
        )


def huffman_of(counts: np.ndarray) -> HuffmanTree:
    """The Huffman tree of ``counts`` in any order (``update_vocab`` appends new words last).

    The tree is built over the counts sorted by descending count (ties in id order) and its
    rows are put back in id order, so a sorted vocabulary gets exactly ``build_huffman``'s tree.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if len(counts) < 2 or not np.any(np.diff(counts) > 0):
        return build_huffman(counts)
    order = np.argsort(-counts, kind="stable")
    tree = build_huffman(counts[order])
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return HuffmanTree(tree.points[rank], tree.codes[rank], tree.lengths[rank])


def build_tables(config: TrainConfig, vocab: Vocabulary, tree: HuffmanTree | None = None) -> Tables:
    """Subsampling, noise and Huffman tables for ``config`` (unused ones are tiny).

    ``tree`` (for ``loss="hs"``) is used instead of building the tree from the counts, e.g.
    the tree saved in a checkpoint.
    """
    keep = vocab.keep_probabilities(config.sample)
    if config.loss == "ns":
        prob, alias = build_alias_table(vocab.noise_distribution(config.ns_exponent))
    else:
        prob, alias = np.ones(1, np.float32), np.zeros(1, np.int32)
    if config.loss == "hs":
        tree = tree if tree is not None else huffman_of(vocab.counts)
    else:
        tree = HuffmanTree(
            np.zeros((1, 1), np.int32), np.zeros((1, 1), np.int8), np.zeros(1, np.int32)
        )
    return Tables(keep, prob, alias, tree, config.negative)


@dataclass
class TrainState:
    """Where a fit stands between two batches: in epoch ``epoch``, the batches ``< batch`` done.

    Everything else a resumed fit needs follows from this: the next word's learning rate is
    fixed by its global position (:attr:`word_position`) and every later batch's generator by
    :func:`batch_seed` (seed, epoch, batch).

    Attributes
    ----------
    epoch, batch : int
        The current epoch (0-based) and the first batch of it not yet trained.
    batch_loss : ndarray
        (n_batches,) float64 summed loss of each batch of this epoch (0 for batches not done).
    batch_n : ndarray
        (n_batches,) int64 number of examples of each batch of this epoch.
    history : list of float
        Mean losses of the epochs of this fit already finished.
    word_position : int
        Global corpus position of the next word, ``epoch * n_words + bounds[batch]``.
    """

    epoch: int
    batch: int
    batch_loss: np.ndarray
    batch_n: np.ndarray
    history: list[float] = field(default_factory=list)
    word_position: int = 0

    @classmethod
    def start(cls, n_batches: int, epoch: int = 0, history: Sequence[float] = ()) -> TrainState:
        """The state at the start of ``epoch``: no batch of it done."""
        return cls(
            epoch,
            0,
            np.zeros(n_batches, dtype=np.float64),
            np.zeros(n_batches, dtype=np.int64),
            list(history),
        )


#: ``checkpoint(state, reason)``; reason is "every" (periodic) or "interrupt" (Ctrl-C).
CheckpointCallback = Callable[[TrainState, str], object]


class _Progress:
    """A tqdm progress bar on stderr: percent, words/s, learning rate, running loss, ETA."""

    def __init__(self, total: int, enabled: bool, initial: int = 0):
        self.bar = progress_bar(
            enabled,
            total=total,
            initial=initial,
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
            "{rate_fmt}{postfix}]",
        )
        self.shown = initial

    def update(self, done: int, lr: float, loss: float, epoch: int) -> None:
        if self.bar is None:
            return
        self.bar.set_postfix_str(f"epoch {epoch + 1} lr {lr:.5f} loss {loss:.4f}", refresh=False)
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _diverged(alpha: float, epoch: int, what: str) -> TrainingDivergedError:
    return TrainingDivergedError(
        f"Training diverged in epoch {epoch + 1}: {what}. "
        f"The learning rate alpha={alpha} is too high; try alpha={alpha / 10:g}."
    )


#: The four matrices a batch trains, in the kernels' order: W_in, W_out, and the calling
#: thread's private copies hot_in (of W_in[:k_in]) and hot_out (of W_out[start:start+k_out]).
Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _run_kernel(
    config: TrainConfig,
    ids: np.ndarray,
    ends: np.ndarray,
    rows: Rows,
    tables: tuple,
    schedule: tuple[float, float, float, float],
    seed: np.uint64,
    hot_start: int,
) -> tuple[float, int]:
    """Train one batch with the kernel of ``config.arch``; return (summed loss, examples)."""
    kernel, last = (
        (train_batch_skipgram, int(config.shared_negatives))
        if config.arch == "skipgram"
        else (train_batch_cbow, int(config.cbow_mean))
    )
    return kernel(
        ids, ends, *rows, tables, _LOSS_KIND[config.loss], config.negative, config.window,
        schedule, seed, hot_start, last,
    )  # fmt: skip


def load_kernels(config: TrainConfig) -> None:
    """Load (or compile) the kernels a fit with ``config`` runs, then release the compiler.

    Runs the kernel on an empty batch (and the hot-row sync on one row): this loads their
    cached code and starts Numba's runtime, the last things LLVM is needed for. Then
    :func:`w2v._memory.release_compiler_pages` gives LLVM's pages back. :meth:`Word2Vec.fit`
    calls this first, so that neither the corpus pass nor the weights share memory with the
    compiler's pages; :func:`train` calls it too (for its other callers; cheap the second
    time).
    """
    tiny = Vocabulary(["a", "b"], np.array([2, 1], dtype=np.int64))
    tables = build_tables(config, tiny).as_tuple()
    W = kernel_matrix(2, config.dim)
    hot = W[:1].copy()
    no_ids, no_ends = np.zeros(0, np.int32), np.zeros(0, np.int64)
    no_schedule = (0.0, 0.0, 0.0, 1.0)
    _run_kernel(config, no_ids, no_ends, (W, W, hot, hot), tables, no_schedule, np.uint64(1), 0)
    if config.n_workers > 1:
        sync_hot_rows(W, hot, hot.copy(), 0)
    release_compiler_pages()
    trim_heap()  # what LLVM freed after compiling the runtime


def train(
    config: TrainConfig,
    vocab: Vocabulary,
    corpus: EncodedCorpus | ArrayCorpus,
    W_in: np.ndarray,
    W_out: np.ndarray,
    *,
    progress: bool = False,
    on_epoch_end: Sequence[EpochCallback] = (),
    callback_model: object = None,
    tree: HuffmanTree | None = None,
    start: TrainState | None = None,
    checkpoint: CheckpointCallback | None = None,
    every_words: int | None = None,
    every_seconds: float | None = None,
    piece: tuple[int, int] | None = None,
) -> list[float]:
    """Train W_in and W_out in place over ``config.epochs`` epochs; return the mean losses.

    Each callback is called as ``cb(callback_model, epoch, loss)`` after every epoch.
    ``start`` resumes from a :class:`TrainState` (the losses of the epochs it finished are
    part of the returned list). ``checkpoint(state, reason)`` is called at a barrier after
    ``every_words`` trained words or ``every_seconds`` seconds since the last call
    (reason ``"every"``), and on Ctrl-C once the running batches have finished (reason
    ``"interrupt"``, then KeyboardInterrupt propagates).

    ``piece=(k, K)`` trains only the k-th of K equal runs of consecutive batches of the whole
    schedule (the batches of all epochs, in order), each batch with the seed and learning
    rates it has in the whole run; the losses and callbacks then cover the epochs the piece
    touches, each the mean over the batches it ran. With ``workers=1``, pieces 0..K-1 in
    turn equal one whole run. Engines that synchronise between pieces use it (``w2v.spark``).

    Raises TrainingDivergedError, naming ``alpha``, as soon as a batch's loss is NaN or
    infinite or an epoch leaves non-finite weights.
    """
    tables = build_tables(config, vocab, tree).as_tuple()
    bounds = plan_batches(corpus.sentence_ends, corpus.n_words, config.batch_words)
    n_batches = len(bounds) - 1
    epochs = config.epochs
    total = float(epochs * corpus.n_words)
    alpha, min_alpha = config.start_alpha, config.end_alpha
    ends = corpus.sentence_ends
    end_index = np.searchsorted(ends, bounds, side="right")  # batch i: ends[ei[i] : ei[i + 1]]
    g_end = epochs * n_batches  # global batch index (epoch * n_batches + batch) to stop at
    if piece is not None:
        k, K = piece
        g_first, g_end = k * epochs * n_batches // K, (k + 1) * epochs * n_batches // K
        if start is None:
            start = TrainState.start(n_batches, g_first // n_batches)
            start.batch = g_first % n_batches
    if start is None:
        start = TrainState.start(n_batches)
    elif len(start.batch_loss) != n_batches or not 0 <= start.batch <= n_batches:
        raise ValueError(
            f"the resume state has {len(start.batch_loss)} batches, the corpus {n_batches}"
        )
    state = start

    def position(s: TrainState) -> int:
        return s.epoch * corpus.n_words + int(bounds[min(s.batch, n_batches)])

    bar = _Progress(epochs * corpus.n_words, progress, initial=position(state))
    consistent = [True]  # False while Ctrl-C waits for running batches (a second one aborts)
    last_save = [time.monotonic()]
    since_words = [0]  # trained since the last checkpoint, across epochs
    hot_lock = threading.Lock()

    def checkpoint_due() -> bool:
        return checkpoint is not None and (
            (every_words is not None and since_words[0] >= every_words)
            or (every_seconds is not None and time.monotonic() - last_save[0] >= every_seconds)
        )

    def save(s: TrainState, reason: str) -> None:
        assert checkpoint is not None
        s.word_position = position(s)
        if not all_finite(W_in, W_out):
            raise _diverged(alpha, s.epoch, "the weights are no longer finite")
        checkpoint(s, reason)
        last_save[0] = time.monotonic()
        since_words[0] = 0

    load_kernels(config)
    n_threads = min(config.n_workers, max(1, n_batches))
    n_hot_in, hot_start, n_hot = hot_rows(config, W_in.shape[0], W_out.shape[0], n_threads)

    def run_batch(epoch: int, i: int, out_loss: np.ndarray, out_n: np.ndarray, rows: Rows) -> None:
        a, b = int(bounds[i]), int(bounds[i + 1])
        ids = corpus.read(a, b)
        # the sentence ends in (a, b]; a batch that ends inside a sentence trains its start
        local_ends = ends[end_index[i] : end_index[i + 1]] - a
        schedule = (alpha, min_alpha, float(epoch * corpus.n_words + a), total)
        seed = batch_seed(config.seed, epoch, i)
        loss, n = _run_kernel(config, ids, local_ends, rows, tables, schedule, seed, hot_start)
        if not math.isfinite(loss):
            raise _diverged(alpha, epoch, f"the loss of batch {i + 1} is {loss}")
        out_loss[i] = loss
        out_n[i] = n

    def run_epoch(s: TrainState, limit: int) -> None:
        """Train batches ``s.batch..limit-1`` of epoch ``s.epoch``, pausing for checkpoints."""
        epoch, batch_loss, batch_n = s.epoch, s.batch_loss, s.batch_n
        next_batch = [s.batch]
        done_words = [int(bounds[s.batch])]
        lock = threading.Lock()
        errors: list[BaseException] = []
        halt = threading.Event()  # set: take no new batch (error, Ctrl-C or checkpoint due)

        def take() -> int:
            with lock:
                if halt.is_set() or next_batch[0] >= limit:
                    return -1
                i = next_batch[0]
                next_batch[0] += 1
                return i

        def worker() -> None:
            hot_in = W_in[:n_hot_in].copy() if n_hot_in else _NO_HOT
            hot_out = W_out[hot_start : hot_start + n_hot].copy() if n_hot else _NO_HOT
            base_in, base_out = hot_in.copy(), hot_out.copy()
            rows = (W_in, W_out, hot_in, hot_out)
            try:
                while (i := take()) >= 0:
                    run_batch(epoch, i, batch_loss, batch_n, rows)
                    if n_hot_in or n_hot:
                        with hot_lock:  # two syncs at once would lose one thread's change
                            sync_hot_rows(W_in, hot_in, base_in, 0)
                            sync_hot_rows(W_out, hot_out, base_out, hot_start)
                    words = int(bounds[i + 1] - bounds[i])
                    with lock:
                        done_words[0] += words
                        since_words[0] += words
                        if checkpoint_due():
                            halt.set()
            except BaseException as exc:  # re-raised in the main thread
                errors.append(exc)
                halt.set()
            finally:
                with lock:
                    running[0] -= 1
                    if running[0] == 0:
                        all_done.set()

        # The barrier is this counter, not Thread.join: a join interrupted by Ctrl-C can mark
        # a thread that is still running as stopped (CPython's bpo-45274 handling), and a
        # checkpoint must not be taken while a batch is in flight.
        running = [0]
        all_done = threading.Event()
        while next_batch[0] < limit:
            halt.clear()
            all_done.clear()
            threads = [
                threading.Thread(target=worker, name=f"w2v-worker-{k}", daemon=True)
                for k in range(min(config.n_workers, limit - next_batch[0]))
            ]
            running[0] = len(threads)
            for t in threads:
                t.start()
            try:
                while True:
                    finished = all_done.wait(timeout=0.25)
                    pos = epoch * corpus.n_words + done_words[0]
                    running_loss = float(batch_loss.sum() / max(1, int(batch_n.sum())))
                    lr = max(min_alpha, alpha - (alpha - min_alpha) * pos / total)
                    bar.update(pos, lr, running_loss, epoch)
                    if finished:
                        break
            except BaseException:  # Ctrl-C: let running batches finish, then propagate
                consistent[0] = False
                halt.set()
                while not all_done.wait(timeout=0.25):
                    pass
                s.batch = next_batch[0]
                consistent[0] = not errors
                raise
            for t in threads:
                t.join()  # each has left its loop; this only reaps it
            s.batch = next_batch[0]  # every batch taken has finished: a consistent point
            if errors:
                raise errors[0]
            if s.batch < limit:  # paused because a checkpoint is due
                save(s, "every")

    all_examples = 0
    from_the_start = state.epoch == 0 and state.batch == 0  # (state is updated in place)
    try:
        while state.epoch < epochs and state.epoch * n_batches + state.batch < g_end:
            run_epoch(state, min(n_batches, g_end - state.epoch * n_batches))
            n_examples = int(state.batch_n.sum())
            all_examples += n_examples
            epoch_loss = float(state.batch_loss.sum() / n_examples) if n_examples else math.nan
            if not all_finite(W_in, W_out):
                raise _diverged(alpha, state.epoch, "the weights are no longer finite")
            done = state.epoch
            # one assignment: a Ctrl-C sees either the finished epoch or the next one
            state = TrainState.start(n_batches, done + 1, [*state.history, epoch_loss])
            for cb in on_epoch_end:
                cb(callback_model, done, epoch_loss)
            if state.epoch < epochs and checkpoint_due():  # an epoch boundary is a batch boundary
                save(state, "every")
        if all_examples == 0 and from_the_start and piece is None:
            raise CorpusError(
                "No training examples: no kept word has a context word (subsampling with "
                f"sample={config.sample} dropped them, or every sentence has one word). "
                "Try sample=0 or a larger corpus."
            )
    except KeyboardInterrupt:
        if checkpoint is not None and consistent[0]:
            save(state, "interrupt")
        raise
    finally:
        bar.close()
    return state.history
