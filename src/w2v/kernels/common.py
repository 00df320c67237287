"""Kernel building blocks: the per-batch random generator, sigmoid, dot and axpy, noise tables.

Randomness is explicit state: a one-element uint64 array holding an xorshift64* generator,
seeded per batch from (seed, epoch, batch) by the trainer. Nothing here touches ``np.random``
(Numba's generator is separate from NumPy's and cannot be seeded per thread).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Output-layer selectors passed to the batch kernels.
LOSS_SOFTMAX = 0
LOSS_HS = 1
LOSS_NS = 2

#: LLVM fast-math flags: reassociation lets the dim loops vectorise. No 'nnan'/'ninf', so a
#: diverging run still produces NaN/inf that the trainer can detect.
FASTMATH = {"reassoc", "contract", "arcp", "nsz", "afn"}

_U64 = np.uint64
_MULT = np.uint64(0x2545F4914F6CDD1D)


@njit(nogil=True, cache=True, inline="always")
def next_u64(state: np.ndarray) -> np.uint64:  # pragma: no cover - numba
    """Advance the xorshift64* generator in ``state`` (uint64[1]); return 64 random bits."""
    x = state[0]
    x ^= x >> _U64(12)
    x ^= x << _U64(25)
    x ^= x >> _U64(27)
    state[0] = x
    return x * _MULT


@njit(nogil=True, cache=True, inline="always")
def rand_below(state: np.ndarray, n: int) -> int:  # pragma: no cover - numba
    """A uniform integer in [0, n), by Lemire's multiply-shift on the high 32 bits."""
    return int(((next_u64(state) >> _U64(32)) * _U64(n)) >> _U64(32))


@njit(nogil=True, cache=True, inline="always")
def rand_unit(state: np.ndarray) -> float:  # pragma: no cover - numba
    """A uniform float in [0, 1) with 53 random bits."""
    return float(next_u64(state) >> _U64(11)) * (1.0 / 9007199254740992.0)


@njit(nogil=True, cache=True, inline="always")
def sigmoid_and_log(x: float) -> tuple[float, float]:  # pragma: no cover - numba
    """(σ(x), log σ(x)) computed stably with one exp and one log1p."""
    if x >= 0.0:
        e = math.exp(-x)
        return 1.0 / (1.0 + e), -math.log1p(e)
    e = math.exp(x)
    return e / (1.0 + e), x - math.log1p(e)


@njit(nogil=True, cache=True, fastmath=FASTMATH, inline="always")
def dot(a: np.ndarray, b: np.ndarray) -> float:  # pragma: no cover - numba
    """a·b of two float32 vectors, accumulated in float32 (vectorised)."""
    acc = np.float32(0.0)
    for k in range(a.shape[0]):
        acc += a[k] * b[k]
    return acc


@njit(nogil=True, cache=True, fastmath=FASTMATH, inline="always")
def axpy(alpha: np.float32, x: np.ndarray, y: np.ndarray) -> None:  # pragma: no cover - numba
    """y += alpha * x over float32 vectors."""
    for k in range(x.shape[0]):
        y[k] += alpha * x[k]


@njit(nogil=True, cache=True, inline="always")
def draw_noise(prob: np.ndarray, alias: np.ndarray, state: np.ndarray) -> int:  # pragma: no cover
    """One word from the alias table (prob, alias) in O(1): two random numbers."""
    i = rand_below(state, prob.shape[0])
    if rand_unit(state) < prob[i]:
        return i
    return int(alias[i])


@njit(nogil=True, cache=True)
def draw_noise_words(
    prob: np.ndarray, alias: np.ndarray, n: int, seed: int
) -> np.ndarray:  # pragma: no cover - numba
    """``n`` independent draws from an alias table (for tests and explain). (n,) int32."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed) | np.uint64(1)
    out = np.empty(n, dtype=np.int32)
    for i in range(n):
        out[i] = draw_noise(prob, alias, state)
    return out


@njit(cache=True)
def build_alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Vose's alias method: tables to draw from distribution ``p`` (sums to 1) in O(1).

    Returns (prob float32 (V,), alias int32 (V,)): draw i uniformly, keep it with probability
    prob[i], otherwise take alias[i].
    """
    V = p.shape[0]
    scaled = p * V
    prob = np.ones(V, dtype=np.float64)
    alias = np.arange(V).astype(np.int32)
    small = np.empty(V, dtype=np.int64)
    large = np.empty(V, dtype=np.int64)
    n_small = 0
    n_large = 0
    for i in range(V):
        if scaled[i] < 1.0:
            small[n_small] = i
            n_small += 1
        else:
            large[n_large] = i
            n_large += 1
    while n_small > 0 and n_large > 0:
        n_small -= 1
        s = small[n_small]
        n_large -= 1
        g = large[n_large]
        prob[s] = scaled[s]
        alias[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            small[n_small] = g
            n_small += 1
        else:
            large[n_large] = g
            n_large += 1
    # leftovers are 1 up to rounding
    return prob.astype(np.float32), alias
