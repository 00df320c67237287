"""Giving memory back to the OS: the heap's free pages, and LLVM's code once it is idle.

Both matter for a fit's peak resident memory, which the benchmarks compare with gensim's
(``benchmarks/train_speed.py``): the peak comes at the end of training, so whatever is still
resident then, though no longer used, counts.
"""

from __future__ import annotations

import ctypes
import os


def trim_heap() -> None:
    """Return the C heap's free pages to the OS (glibc's ``malloc_trim``; elsewhere a no-op).

    Without it, memory that glibc got for short-lived objects (a corpus's rare tokens,
    LLVM's work while it compiles Numba's runtime) stays resident after it is freed.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory is reused, not returned
        pass


_MADV_PAGEOUT = 21  # Linux 5.4+: reclaim these pages now (clean file pages are dropped)
_COMPILER_LIBRARY = "libllvmlite"


def release_compiler_pages() -> int:
    """Ask Linux to reclaim the resident pages of LLVM's library; return the bytes advised.

    Numba's compiler is LLVM, one shared library (llvmlite, 180 MB on disk). Importing Numba
    already faults 36–40 MB of its code into memory, and starting the runtime and loading
    the cached kernels ~30 MB more; after that a fit never runs LLVM again: the kernels are
    plain machine code. Those pages are clean copies of the file, so reclaiming them loses
    nothing: if LLVM is needed later (a kernel for another configuration), they are read
    back from the file. Measured on a CBOW NS fit of the 12.6M-word corpus: peak resident
    memory 209 → 143 MB.

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
