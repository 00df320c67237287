"""Held-out loss: the exact training objective on sentences the fit does not train on.

``Word2Vec.loss_history`` is the *online* training loss: each example's loss is taken just
before its own update, with the learning rate, subsampling, random window and noise words
of that moment, averaged over an epoch in which the weights kept changing. It is cheap and
shows that training runs, but it is not the loss of the model at the end of the epoch, and
it can rise while the model improves (the learning rate falls and frequent words are
dropped less early on, for example). For early stopping or comparing settings, use the
held-out loss computed here.

The held-out examples are fixed once, from sentences training never sees: every
(context, centre) pair within ``window`` words (skip-gram: the context word's input row
predicts the centre, as the kernels train it; CBOW: the mean or sum of all context rows
predicts the centre), without subsampling or a random radius. For negative sampling the
``negative`` noise words of each example are drawn once from the noise distribution with the
fit's seed and kept (a draw equal to the target counts for nothing), so the value changes only
when the weights do. :func:`held_out_loss` is its mean loss per example in float64.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import TrainConfig
from .errors import CorpusError
from .tables import Tables

_CHUNK = 1024  # examples scored at once (HS: ~1024 x path length x dim float64 temporaries)


@dataclass(frozen=True)
class HeldOut:
    """The held-out examples of a fit, fixed for all its epochs.

    inputs  : (E, C) int32 input word ids, padded with -1 (skip-gram: C = 1)
    targets : (E,) int32 word each example predicts
    noise   : (E, negative) int32 fixed noise words (NS); (E, 0) otherwise
    """

    inputs: np.ndarray
    targets: np.ndarray
    noise: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)


def held_out_examples(
    config: TrainConfig,
    ids: np.ndarray,
    sentence_ends: np.ndarray,
    noise_probabilities: np.ndarray | None,
) -> HeldOut:
    """The examples of the sentences ``ids`` (cut at ``sentence_ends``) for ``config``.

    ``noise_probabilities`` (V,) is the noise distribution for NS (None otherwise); the draws
    use ``config.seed``.
    """
    w = config.window
    inputs: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    start = 0
    bounds = np.asarray(sentence_ends, dtype=np.int64).tolist()
    if not bounds or bounds[-1] < len(ids):  # the words after the last end: one more sentence
        bounds.append(len(ids))
    for stop in bounds:
        sent = np.asarray(ids[start:stop], dtype=np.int32)
        start = stop
        n = len(sent)
        if n < 2:
            continue
        pos = np.arange(n)
        offsets = np.array([d for d in range(-w, w + 1) if d != 0])
        ctx = pos[:, None] + offsets[None, :]  # (n, 2w)
        valid = (ctx >= 0) & (ctx < n)
        if config.arch == "skipgram":
            centre, j = np.nonzero(valid)
            inputs.append(sent[ctx[centre, j]][:, None])
            targets.append(sent[centre])
        else:
            keep = valid.any(axis=1)
            rows = np.where(valid, sent[np.clip(ctx, 0, n - 1)], -1)[keep]
            inputs.append(rows.astype(np.int32))
            targets.append(sent[keep])
    width = 1 if config.arch == "skipgram" else 2 * w
    if not targets:
        empty = np.zeros((0, width), np.int32)
        return HeldOut(empty, np.zeros(0, np.int32), np.zeros((0, 0), np.int32))
    all_inputs = np.concatenate(inputs).astype(np.int32)
    all_targets = np.concatenate(targets).astype(np.int32)
    if config.loss == "ns" and noise_probabilities is not None:
        rng = np.random.default_rng([config.seed, 0x5EED])
        p = np.asarray(noise_probabilities, dtype=np.float64)
        noise = rng.choice(len(p), size=(len(all_targets), config.negative), p=p / p.sum())
        noise = noise.astype(np.int32)
    else:
        noise = np.zeros((len(all_targets), 0), np.int32)
    return HeldOut(all_inputs, all_targets, noise)


class FirstSentences:
    """The first sentences of an encoded corpus, with the encoded corpus's interface.

    Reads go to the whole corpus; :meth:`close` closes it.
    """

    def __init__(self, corpus: Any, n_sentences: int):
        self.corpus = corpus
        self.sentence_ends = np.ascontiguousarray(corpus.sentence_ends[:n_sentences])
        self.n_words = int(self.sentence_ends[-1]) if n_sentences else 0

    def read(self, start: int, stop: int) -> np.ndarray:
        """The ids of positions [start, stop)."""
        return self.corpus.read(start, stop)

    def close(self) -> None:
        """Close the whole corpus."""
        self.corpus.close()


def split_tail(corpus: Any, fraction: float) -> tuple[FirstSentences, np.ndarray, np.ndarray]:
    """Hold out the last ``fraction`` of the sentences of an encoded ``corpus``.

    Returns (the first sentences, to train on; the held-out ids; their sentence ends, counted
    from the first held-out word). At least one sentence goes to each side; CorpusError when
    the corpus has fewer than two.
    """
    ends = corpus.sentence_ends
    n = len(ends)
    if n < 2:
        raise CorpusError(
            f"validation={fraction}: the corpus has {n} sentence(s), too few to hold some out; "
            "pass a separate validation corpus instead."
        )
    keep = min(n - 1, max(1, round(n * (1.0 - fraction))))
    first = FirstSentences(corpus, keep)
    cut = first.n_words
    held = corpus.read(cut, int(ends[-1]))
    return first, held, ends[keep:] - cut


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def held_out_loss(
    config: TrainConfig, held: HeldOut, W_in: np.ndarray, W_out: np.ndarray, tables: Tables
) -> float:
    """The mean loss per held-out example (float64); NaN when there is none.

    The same loss the kernels minimise: −log p(target | hidden) under the full softmax,
    the Huffman path's binary units (HS) or the target and fixed noise words (NS).
    """
    if len(held) == 0:
        return float("nan")
    total = 0.0
    tree = tables.huffman
    for a in range(0, len(held), _CHUNK):
        inputs, target = held.inputs[a : a + _CHUNK], held.targets[a : a + _CHUNK]
        mask = inputs >= 0
        rows = W_in[np.where(mask, inputs, 0)].astype(np.float64)  # (B, C, dim)
        v = (rows * mask[:, :, None]).sum(axis=1)
        if config.arch == "cbow" and config.cbow_mean:
            v /= mask.sum(axis=1)[:, None]
        if config.loss == "softmax":
            scores = v @ W_out.T.astype(np.float64)  # (B, V)
            top = scores.max(axis=1)
            lse = top + np.log(np.exp(scores - top[:, None]).sum(axis=1))
            total += float((lse - scores[np.arange(len(target)), target]).sum())
        elif config.loss == "ns":
            noise = held.noise[a : a + _CHUNK]
            units = np.concatenate((target[:, None], noise), axis=1)  # (B, 1 + k)
            scores = np.einsum("bd,bkd->bk", v, W_out[units].astype(np.float64))
            signs = np.ones(units.shape)
            signs[:, 1:] = -1.0
            counted = np.ones(units.shape, dtype=bool)
            counted[:, 1:] = noise != target[:, None]  # as the kernels skip such draws
            total += float(-(_log_sigmoid(signs * scores) * counted).sum())
        else:  # hs: word2vec.c's convention, p = Π σ((1 − 2·code) · u·v)
            points, codes = tree.points[target], tree.codes[target].astype(np.float64)
            on = np.arange(points.shape[1])[None, :] < tree.lengths[target][:, None]
            scores = np.einsum("bd,bld->bl", v, W_out[np.where(on, points, 0)].astype(np.float64))
            total += float(-(_log_sigmoid((1.0 - 2.0 * codes) * scores) * on).sum())
    return total / len(held)
