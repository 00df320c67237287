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
"""

from __future__ import annotations

import itertools
import math
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .config import TrainConfig
from .errors import TrainingDivergedError
from .huffman import HuffmanTree, build_huffman
from .kernels import (
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    build_alias_table,
    noise_codes,
    train_batch_cbow,
    train_batch_skipgram,
)
from .vocab import ArrayCorpus, EncodedCorpus, Vocabulary

_LOSS_KIND = {"softmax": LOSS_SOFTMAX, "hs": LOSS_HS, "ns": LOSS_NS}
_MASK64 = (1 << 64) - 1

EpochCallback = Callable[..., object]


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


def build_tables(config: TrainConfig, vocab: Vocabulary) -> Tables:
    """Subsampling, noise and Huffman tables for ``config`` (unused ones are tiny)."""
    keep = vocab.keep_probabilities(config.sample)
    if config.loss == "ns":
        prob, alias = build_alias_table(vocab.noise_distribution(config.ns_exponent))
    else:
        prob, alias = np.ones(1, np.float32), np.zeros(1, np.int32)
    if config.loss == "hs":
        tree = build_huffman(vocab.counts)
    else:
        tree = HuffmanTree(
            np.zeros((1, 1), np.int32), np.zeros((1, 1), np.int8), np.zeros(1, np.int32)
        )
    return Tables(keep, prob, alias, tree, config.negative)


class _Progress:
    """A tqdm progress bar on stderr: percent, words/s, learning rate, running loss, ETA."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                total=total,
                unit="w",
                unit_scale=True,
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
                bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, "
                "{rate_fmt}{postfix}]",
            )
        self.shown = 0

    def update(self, done: int, lr: float, loss: float, epoch: int) -> None:
        if self.bar is None:
            return
        self.bar.set_postfix_str(f"epoch {epoch + 1} lr {lr:.5f} loss {loss:.4f}", refresh=False)
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
    piece: tuple[int, int] | None = None,
) -> list[float]:
    """Train W_in and W_out in place over ``config.epochs`` epochs; return the mean losses.

    Each callback is called as ``cb(callback_model, epoch, loss)`` after every epoch.
    Raises TrainingDivergedError if an epoch's loss is NaN or infinite.

    ``piece=(k, K)`` trains only the k-th of K equal runs of consecutive batches of the whole
    schedule (the batches of all epochs, in order), each batch with the seed and learning
    rates it has in the whole run; losses and callbacks then cover the epochs the piece
    touches, each the mean over the batches it ran. With ``workers=1``, pieces 0..K-1 in
    turn equal one whole run. Engines that synchronise between pieces use it (``w2v.spark``).
    """
    tables = build_tables(config, vocab).as_tuple()
    bounds = plan_batches(corpus.sentence_ends, corpus.n_words, config.batch_words)
    n_batches = len(bounds) - 1
    epochs = config.epochs
    total = float(epochs * corpus.n_words)
    alpha, min_alpha = config.start_alpha, config.end_alpha
    loss_kind = _LOSS_KIND[config.loss]
    ends = corpus.sentence_ends
    skipgram = config.arch == "skipgram"
    cbow_mean = int(config.cbow_mean)
    bar = _Progress(epochs * corpus.n_words, progress)
    history: list[float] = []

    def run_batch(epoch: int, i: int, out_loss: np.ndarray, out_n: np.ndarray) -> None:
        a, b = int(bounds[i]), int(bounds[i + 1])
        ids = corpus.read(a, b)
        lo, hi = np.searchsorted(ends, [a, b], side="right")
        local_ends = ends[lo:hi] - a  # sentence ends strictly inside, or at b
        if hi == lo or ends[hi - 1] != b:  # the batch ends inside a sentence
            local_ends = np.append(local_ends, b - a)
        schedule = (alpha, min_alpha, float(epoch * corpus.n_words + a), total)
        seed = batch_seed(config.seed, epoch, i)
        if skipgram:
            loss, n = train_batch_skipgram(
                ids,
                local_ends,
                W_in,
                W_out,
                tables,
                loss_kind,
                config.negative,
                config.window,
                schedule,
                seed,
            )
        else:
            loss, n = train_batch_cbow(
                ids,
                local_ends,
                W_in,
                W_out,
                tables,
                loss_kind,
                config.negative,
                config.window,
                schedule,
                seed,
                cbow_mean,
            )
        out_loss[i] = loss
        out_n[i] = n

    def run_epoch(epoch: int, first: int, limit: int) -> tuple[np.ndarray, np.ndarray]:
        batch_loss = np.zeros(n_batches, dtype=np.float64)
        batch_n = np.zeros(n_batches, dtype=np.int64)
        counter = itertools.count(first)
        done_words = [0]
        lock = threading.Lock()
        errors: list[BaseException] = []
        stop = threading.Event()

        def worker() -> None:
            try:
                while not stop.is_set():
                    i = next(counter)  # atomic under the GIL
                    if i >= limit:
                        return
                    run_batch(epoch, i, batch_loss, batch_n)
                    with lock:
                        done_words[0] += int(bounds[i + 1] - bounds[i])
            except BaseException as exc:  # re-raised in the main thread
                errors.append(exc)
                stop.set()

        threads = [
            threading.Thread(target=worker, name=f"w2v-worker-{k}", daemon=True)
            for k in range(min(config.n_workers, max(1, limit - first)))
        ]
        for t in threads:
            t.start()
        try:
            while any(t.is_alive() for t in threads):
                for t in threads:
                    t.join(timeout=0.25)
                pos = epoch * corpus.n_words + int(bounds[first]) + done_words[0]
                running = float(batch_loss.sum() / max(1, int(batch_n.sum())))
                lr = max(min_alpha, alpha - (alpha - min_alpha) * pos / total)
                bar.update(pos, lr, running, epoch)
        except BaseException:  # Ctrl-C: let running batches finish, then propagate
            stop.set()
            for t in threads:
                t.join()
            raise
        if errors:
            raise errors[0]
        return batch_loss, batch_n

    i_piece, n_pieces = piece if piece is not None else (0, 1)
    start = i_piece * epochs * n_batches // n_pieces  # global batch index: epoch * B + batch
    end = (i_piece + 1) * epochs * n_batches // n_pieces
    try:
        for epoch in range(epochs):
            first = max(start - epoch * n_batches, 0)
            limit = min(end - epoch * n_batches, n_batches)
            if piece is not None and first >= limit:
                continue
            batch_loss, batch_n = run_epoch(epoch, first, limit)
            n_examples = int(batch_n.sum())
            epoch_loss = float(batch_loss.sum() / n_examples) if n_examples else math.nan
            if n_examples and not math.isfinite(epoch_loss):
                raise TrainingDivergedError(
                    f"Training diverged in epoch {epoch + 1}: the mean loss is {epoch_loss}. "
                    f"The learning rate alpha={alpha} is too high; try alpha={alpha / 10:g}."
                )
            history.append(epoch_loss)
            for cb in on_epoch_end:
                cb(callback_model, epoch, epoch_loss)
    finally:
        bar.close()
    return history
