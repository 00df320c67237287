"""``w2v._memory``: LLVM's pages leave memory once the kernels are loaded, changing nothing."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from w2v._memory import release_compiler_pages


def _resident_kb(path: str) -> int:
    """Resident kB of this process's mappings of ``path`` (from /proc/self/smaps)."""
    kb, name = 0, ""
    with open("/proc/self/smaps") as fh:
        for line in fh:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                name = parts[5] if len(parts) > 5 else ""
            elif line.startswith("Rss:") and name == path:
                kb += int(line.split()[1])
    return kb


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="MADV_PAGEOUT is Linux's")
def test_release_compiler_pages_reclaims_the_librarys_pages(tmp_path):
    """The pages of a read-only mapping of a file named like LLVM's library leave memory."""
    import mmap

    path = tmp_path / "libllvmlite_probe.so"  # only this process maps it: reclaimable
    path.write_bytes(np.random.default_rng(0).bytes(8 << 20))
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, prot=mmap.PROT_READ) as m:
        assert sum(m[i] for i in range(0, len(m), mmap.PAGESIZE)) >= 0  # fault every page in
        before = _resident_kb(str(path))
        advised = release_compiler_pages()
        after = _resident_kb(str(path))
        if advised == 0:
            pytest.skip("this kernel has no MADV_PAGEOUT (Linux < 5.4)")
        assert before >= 8 << 10
        assert after < before / 8, (before, after)
    # Numba's own LLVM library is found too (its text alone is tens of MB).
    assert advised > (8 << 20) + (20 << 20)


def test_fits_after_releasing_the_compiler_give_the_same_vectors(monkeypatch):
    """Releasing LLVM's pages changes no result, and compiling afterwards still works."""
    from numba import njit

    import w2v.engines.cpu

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(40)]
    corpus = [[words[j] for j in rng.integers(0, 40, 12)] for _ in range(300)]
    params = dict(arch="cbow", loss="ns", dim=8, min_count=1, epochs=2, workers=1, seed=3)
    released = w2v.Word2Vec(**params).fit(corpus, progress=False).W_in
    monkeypatch.setattr(w2v.engines.cpu, "release_compiler_pages", lambda: 0)
    kept = w2v.Word2Vec(**params).fit(corpus, progress=False).W_in
    np.testing.assert_array_equal(released, kept)
    release_compiler_pages()
    assert njit(lambda x: x * 3 + 1)(4) == 13  # LLVM's pages come back from the file
