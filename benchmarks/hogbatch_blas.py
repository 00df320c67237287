"""Benchmark: a HogBatch window's three products in Numba loops against SciPy's BLAS sgemm.

    python benchmarks/hogbatch_blas.py [--units 6] [--contexts 8] [--dim 112]

One thread, the shapes of one skip-gram NS window (issue 21): S = U Xᵀ (units × contexts),
ΔU = S X, ΔX = Sᵀ U, with U (units × dim) and X (contexts × dim) in cache. The Numba side
is the kernel's register-blocked loops (tiles of 2 × 4; units even, contexts a multiple of
4); the BLAS side calls ``scipy.linalg.cython_blas.sgemm`` through ctypes (Fortran
interface). Prints nanoseconds per window and Gflop/s of each, best of 5 (CPU time of the
process, so a BLAS that wakes helper threads pays for them). Set OPENBLAS_NUM_THREADS=1 to
keep OpenBLAS on the calling thread.
"""

from __future__ import annotations

import argparse
import ctypes
import time

import numpy as np
from numba import njit
from numba.extending import get_cython_function_address

_VP = ctypes.c_void_p
_SGEMM = ctypes.CFUNCTYPE(None, *([_VP] * 13))(
    get_cython_function_address("scipy.linalg.cython_blas", "sgemm")
)
FASTMATH = {"reassoc", "contract", "arcp", "nsz", "afn"}


@njit(nogil=True)
def blas_window(U, X, S, dU, dX, reps):  # type: ignore[no-untyped-def]
    """The three products by sgemm (column-major: row-major U is Uᵀ to BLAS)."""
    nu, dp = U.shape
    nb = X.shape[0]
    chars = np.array([ord("T"), ord("N")], np.uint8)
    ints = np.array([nu, nb, dp], np.int32)
    one = np.ones(1, np.float32)
    zero = np.zeros(1, np.float32)
    T, N = chars[0:].ctypes, chars[1:].ctypes
    n_u, n_b, d = ints[0:].ctypes, ints[1:].ctypes, ints[2:].ctypes
    for _ in range(reps):
        # Sᵀ (nb × nu) = Xᵀᵀ Uᵀ: S = U Xᵀ
        _SGEMM(T, N, n_b, n_u, d, one.ctypes, X.ctypes, d, U.ctypes, d, zero.ctypes, S.ctypes, n_b)
        # ΔUᵀ (dp × nu) = Xᵀ Sᵀ: ΔU = S X
        _SGEMM(N, N, d, n_u, n_b, one.ctypes, X.ctypes, d, S.ctypes, n_b, zero.ctypes, dU.ctypes, d)
        # ΔXᵀ (dp × nb) = Uᵀ S: ΔX = Sᵀ U
        _SGEMM(N, T, d, n_b, n_u, one.ctypes, U.ctypes, d, S.ctypes, n_b, zero.ctypes, dX.ctypes, d)
        U[0, 0] += S[0, 0] * np.float32(1e-30)  # a dependency: nothing is hoisted
    return S[0, 0]


@njit(nogil=True, fastmath=FASTMATH)
def numba_window(U, X, S, dU, dX, reps):  # type: ignore[no-untyped-def]
    """The kernel's loops: scores in 2 × 4 tiles, ΔU four and ΔX two rows per pass."""
    nu, dp = U.shape
    nb = X.shape[0]
    for _ in range(reps):
        for o in range(0, nu, 2):
            for j in range(0, nb, 4):
                s00 = s01 = s02 = s03 = s10 = s11 = s12 = s13 = np.float32(0.0)
                for k in range(dp):
                    u0, u1 = U[o, k], U[o + 1, k]
                    x0, x1, x2, x3 = X[j, k], X[j + 1, k], X[j + 2, k], X[j + 3, k]
                    s00 += u0 * x0
                    s01 += u0 * x1
                    s02 += u0 * x2
                    s03 += u0 * x3
                    s10 += u1 * x0
                    s11 += u1 * x1
                    s12 += u1 * x2
                    s13 += u1 * x3
                S[o, j], S[o, j + 1], S[o, j + 2], S[o, j + 3] = s00, s01, s02, s03
                S[o + 1, j], S[o + 1, j + 1], S[o + 1, j + 2], S[o + 1, j + 3] = s10, s11, s12, s13
        for o in range(nu):
            for k in range(dp):
                dU[o, k] = 0.0
            for j in range(0, nb, 4):
                g0, g1, g2, g3 = S[o, j], S[o, j + 1], S[o, j + 2], S[o, j + 3]
                for k in range(dp):
                    dU[o, k] += (g0 * X[j, k] + g1 * X[j + 1, k]) + (
                        g2 * X[j + 2, k] + g3 * X[j + 3, k]
                    )
        for j in range(nb):
            for k in range(dp):
                dX[j, k] = 0.0
            for o in range(0, nu, 2):
                g0, g1 = S[o, j], S[o + 1, j]
                for k in range(dp):
                    dX[j, k] += g0 * U[o, k] + g1 * U[o + 1, k]
        U[0, 0] += S[0, 0] * np.float32(1e-30)
    return S[0, 0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=6, help="k + 1 output rows (even)")
    parser.add_argument("--contexts", type=int, default=8, help="context rows (multiple of 4)")
    parser.add_argument("--dim", type=int, default=112)
    parser.add_argument("--reps", type=int, default=200_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    U = (rng.normal(size=(args.units, args.dim)) * 0.01).astype(np.float32)
    X = (rng.normal(size=(args.contexts, args.dim)) * 0.01).astype(np.float32)
    out = {}
    for name, f in (("blas", blas_window), ("numba", numba_window)):
        S = np.zeros((args.units, args.contexts), np.float32)
        dU, dX = np.zeros_like(U), np.zeros_like(X)
        f(U.copy(), X, S, dU, dX, 1)
        out[name] = (S, dU, dX)
    same = all(np.allclose(a, b, rtol=1e-4, atol=1e-7) for a, b in zip(*out.values(), strict=True))
    print(f"same results: {same}")
    S = np.zeros((args.units, args.contexts), np.float32)
    dU, dX = np.zeros_like(U), np.zeros_like(X)
    best = {"blas": np.inf, "numba": np.inf}
    for _ in range(5):
        for name, f in (("blas", blas_window), ("numba", numba_window)):
            t = time.process_time()
            f(U, X, S, dU, dX, args.reps)
            best[name] = min(best[name], time.process_time() - t)
    flops = 3 * 2 * args.units * args.contexts * args.dim
    for name, secs in best.items():
        print(
            f"{name:6s} {1e9 * secs / args.reps:6.0f} ns per window "
            f"({flops * args.reps / secs / 1e9:.1f} Gflop/s)"
        )


if __name__ == "__main__":
    main()
