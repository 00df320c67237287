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

``w2v._memory.release_compiler_pages`` hands LLVM's code back to the OS while it is idle.
"""

from __future__ import annotations

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
