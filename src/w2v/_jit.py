"""``@jit``: how every compiled function of w2v is declared, and how its cached code is loaded.

``@jit`` is ``numba.njit(nogil=True, cache=True)``: compiled on first use, the machine code
saved next to the module (``__pycache__``) and reused by later processes; the GIL is released
while it runs, so Python threads run kernels in parallel (Hogwild).

One difference from plain ``njit``: loading the *cached* code skips Numba's target "refresh".
Before loading any cached function Numba imports and registers every implementation it has
(linear algebra, typed containers, random, polynomials, datetime, …), the same work it does
before compiling. Cached machine code needs none of it, only Numba's runtime (NRT), which it
links against. Measured on the 2-core machine (numba 0.68): the refresh took 0.36 s and
34 MB of resident memory, about a third of Numba's memory in a training process, and ran
before the first batch of every ``fit``. Here the cache loader starts only the runtime.

Nothing else changes: a cache miss (first run, edited source, other CPU) still compiles with
the full refresh, which Numba's compiler always does first; and if loading through the short
path fails for any reason, the normal loader runs instead. ``tests/test_jit.py`` checks in a
fresh interpreter that training through cached code takes the short path and gives the same
vectors as freshly compiled code.

:func:`release_compiler_pages` hands LLVM's code back to the OS while it is idle: see there.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from typing import Any

from numba import njit
from numba.core.caching import FunctionCache


class _RuntimeOnlyCache(FunctionCache):
    """A function cache whose loads start Numba's runtime instead of refreshing its target."""

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        try:
            from numba.core.runtime import rtsys

            rtsys.initialize(target_context)  # what cached code links against
            with self._guard_against_spurious_io_errors():
                return self._load_overload(sig, target_context)
        except Exception:  # a Numba whose internals differ: take the normal path
            return super().load_overload(sig, target_context)


def jit(fn: Callable | None = None, *, fastmath: bool | set[str] = False) -> Any:
    """``numba.njit(nogil=True, cache=True, fastmath=fastmath)`` with the short cache loader.

    Use as ``@jit`` or ``@jit(fastmath=FASTMATH)``.
    """

    def decorate(f: Callable) -> Any:
        dispatcher = njit(nogil=True, cache=True, fastmath=fastmath)(f)
        cache = getattr(dispatcher, "_cache", None)  # absent when NUMBA_DISABLE_JIT is set
        if type(cache) is FunctionCache:
            dispatcher._cache = _RuntimeOnlyCache(dispatcher.py_func)
        return dispatcher

    return decorate if fn is None else decorate(fn)


_MADV_PAGEOUT = 21  # Linux 5.4+: reclaim these pages now (clean file pages are dropped)
_COMPILER_LIBRARY = "libllvmlite"


def release_compiler_pages() -> int:
    """Ask Linux to reclaim the resident pages of LLVM's library; return the bytes advised.

    Numba's compiler is LLVM, one shared library (llvmlite, 180 MB on disk). Importing Numba
    already faults 36–40 MB of its code into memory, and starting the runtime and loading
    the cached kernels ~30 MB more; after that a fit never runs LLVM again: the kernels are
    plain machine code. Those pages are clean copies of the file, so reclaiming them loses
    nothing: if LLVM is needed later (a kernel for another configuration), they are read
    back from the file. Measured on a CBOW NS fit of the 12.6M-word corpus: resident memory
    during training 207 → 140 MB.

    Only the library's read-only and executable mappings are advised (``MADV_PAGEOUT``);
    pages another process also maps are left alone by the kernel. Does nothing (returns 0)
    where ``/proc/self/maps`` or ``MADV_PAGEOUT`` is missing (not Linux, or Linux < 5.4).
    """
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            ranges = []
            for line in fh:
                parts = line.split(maxsplit=5)
                if len(parts) == 6 and "w" not in parts[1]:
                    if os.path.basename(parts[5].rstrip("\n")).startswith(_COMPILER_LIBRARY):
                        start, stop = (int(x, 16) for x in parts[0].split("-"))
                        ranges.append((start, stop - start))
        libc = ctypes.CDLL(None, use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError, ValueError):
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    advised = 0
    for start, length in ranges:
        if madvise(start, length, _MADV_PAGEOUT) == 0:
            advised += length
    return advised
