"""The training schedule every engine follows: batches, per-batch seeds, the learning rate.

A fit's work is fixed by its place in the schedule, never by which thread, device or
partition does it or when:

* the encoded corpus is cut into batches of about ``batch_words`` words
  (:func:`plan_batches`), and batch ``b`` of epoch ``e`` is *global batch*
  ``e * n_batches + b``;
* each batch's random generator is seeded from ``(seed, epoch, batch)`` (:func:`batch_seed`);
* the learning rate at a word is a function of that word's global position in all epochs,
  decaying linearly from ``alpha`` to ``min_alpha`` (:func:`learning_rate`; the kernels use
  its compiled twin, ``w2v.kernels.common.learning_rate``, and a test pins them equal);
* the point a fit has reached between two batches is a :class:`TrainState`, which is all a
  checkpoint needs to resume it exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

_MASK64 = (1 << 64) - 1

Rate = TypeVar("Rate")


def learning_rate(alpha: float, min_alpha: float, position: Rate, total: float) -> Rate:
    """The learning rate at global word ``position`` of ``total`` (= epochs × words).

    Linear decay from ``alpha`` at position 0 to ``min_alpha`` at ``total``, never below
    ``min_alpha``. ``position`` may be a number or an array/tensor of positions (anything
    with ``.clip``).
    """
    lr = alpha - (alpha - min_alpha) * position / total
    if isinstance(lr, float | int):
        return lr if lr > min_alpha else min_alpha  # type: ignore[return-value]
    return lr.clip(min=min_alpha)  # type: ignore[attr-defined,no-any-return]


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


def piece_bounds(piece: int, pieces: int, n_global: int, taper: float = 1.0) -> tuple[int, int]:
    """Global batches ``[first, end)`` of the ``piece``-th of ``pieces`` runs of consecutive
    batches of a schedule of ``n_global`` global batches.

    With ``taper`` 1 the runs are equal; otherwise run k ends at the fraction
    1 − (1 − (k + 1) / pieces) ** taper of the schedule (rounded down), so with ``taper``
    > 1 the runs shrink toward the schedule's end (:func:`piece_end`).
    """
    return piece_end(piece, pieces, n_global, taper), piece_end(piece + 1, pieces, n_global, taper)


def piece_end(k: int, pieces: int, n: int, taper: float = 1.0) -> int:
    """Where the first ``k`` of ``pieces`` runs of ``n`` units end: ``k * n // pieces``
    with ``taper`` 1, else ⌊n (1 − (1 − k / pieces) ** taper)⌋ (0 at k = 0, n at k =
    ``pieces``)."""
    if taper == 1 or k in (0, pieces):
        return k * n // pieces
    return math.floor(n * (1.0 - (1.0 - k / pieces) ** taper))


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

    @classmethod
    def at(cls, n_batches: int, global_batch: int) -> TrainState:
        """The state just before global batch ``global_batch`` (= epoch × n_batches + batch),
        with no loss of its epoch recorded."""
        state = cls.start(n_batches, global_batch // n_batches)
        state.batch = global_batch % n_batches
        return state

    def global_batch(self, n_batches: int) -> int:
        """The global index of the next batch: ``epoch * n_batches + batch``."""
        return self.epoch * n_batches + self.batch
