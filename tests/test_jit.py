"""``w2v._jit``: cached compiled code loads through Numba's runtime alone, with the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v._jit import _RuntimeOnlyCache, jit

# Trains every output layer and architecture, learns phrases and round-trips a binary file,
# so that every compiled function of w2v is loaded; prints what was loaded and the results.
# With "refresh" it first does what Numba's own cache loader does (refresh the CPU target).
CHILD = r"""
import json, sys, tempfile, os
import numpy as np
from numba.core import base
from numba.core.registry import cpu_target
refreshes = []
numbas_refresh = base.BaseContext.refresh
def counted_refresh(self):
    refreshes.append(1)
    return numbas_refresh(self)
base.BaseContext.refresh = counted_refresh
if sys.argv[1] == "refresh":
    cpu_target.target_context.refresh()
from w2v import KeyedVectors, Phrases, Word2Vec
rng = np.random.default_rng(0)
words = [f"w{i}" for i in range(40)]
corpus = [[words[j] for j in rng.integers(0, 40, 12)] for _ in range(300)]
out = {}
for arch in ("cbow", "skipgram"):
    for loss in ("ns", "hs", "softmax"):
        m = Word2Vec(arch=arch, loss=loss, dim=8, min_count=1, epochs=2, workers=1, seed=3)
        m.fit(corpus, progress=False)
        out[f"{arch}-{loss}"] = m.W_in.astype(float).tolist()
two = Word2Vec(arch="cbow", loss="ns", dim=8, min_count=1, epochs=1, workers=2, seed=3)
two.fit(corpus, progress=False)
out["two_workers_finite"] = bool(np.isfinite(two.W_in).all())
out["phrases"] = Phrases(min_count=2, threshold=-1e9).fit(corpus).phrase_table()[:5]
path = os.path.join(tempfile.mkdtemp(), "v.bin")
m.wv.save_word2vec_format(path, binary=True)
out["binary_roundtrip"] = KeyedVectors.load_word2vec_format(path, binary=True).vectors.tolist()
out["refreshes"] = len(refreshes)
out["arraymath"] = "numba.np.arraymath" in sys.modules
print(json.dumps(out, default=str))
"""


def _run(mode: str, **env: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_cached_code_loads_without_refresh_and_trains_identically():
    package = Path(w2v.__file__).parent
    if not os.access(package / "kernels", os.W_OK):
        pytest.skip("the package folder is read-only: Numba cannot cache its compiled code")
    normal = _run("refresh")  # compiles what is not cached yet; Numba's usual loading
    short = _run("short")
    assert normal["refreshes"] >= 1
    assert short["refreshes"] == 0, "a cached function was loaded with Numba's full refresh"
    # Nor does any cached function's environment import NumPy's Numba implementations (23 MB).
    assert not short["arraymath"]
    same = {k: v for k, v in normal.items() if k not in ("refreshes", "arraymath")}
    assert {k: short[k] for k in same} == same  # workers=1: bit-identical vectors
    assert short["two_workers_finite"]


def test_a_failing_short_load_falls_back_to_numbas_loader():
    @jit
    def add_one(x):  # pragma: no cover - numba
        return x + 1

    cache = add_one._cache
    assert isinstance(cache, _RuntimeOnlyCache)
    calls = []
    original = cache._load_overload

    def fails_once(sig, target_context):
        calls.append(sig)
        if len(calls) == 1:
            raise RuntimeError("internals changed")
        return original(sig, target_context)

    cache._load_overload = fails_once
    assert add_one(np.int64(41)) == 42
    assert len(calls) == 2  # the short path failed, Numba's own loader then ran


def test_jit_is_njit_with_nogil_and_cache():
    @jit(fastmath=True)
    def twice(x):  # pragma: no cover - numba
        return 2.0 * x

    assert twice(1.5) == 3.0
    assert twice.targetoptions["nogil"] is True
    assert twice.targetoptions["fastmath"] is True
    assert twice._cache is not None


def test_training_runs_as_plain_python_with_numba_disable_jit():
    """NUMBA_DISABLE_JIT=1 (stepping through a kernel in a debugger) trains every variant,
    learns phrases and writes vectors, matching the compiled code up to float rounding
    (fastmath reorders sums)."""
    pure = _run("short", NUMBA_DISABLE_JIT="1")
    compiled = _run("short")
    variants = [k for k in compiled if k.startswith(("cbow-", "skipgram-"))]
    assert len(variants) == 6
    for key in [*variants, "binary_roundtrip"]:
        np.testing.assert_allclose(pure[key], compiled[key], rtol=1e-4, atol=1e-6, err_msg=key)
    assert pure["phrases"] == compiled["phrases"] and pure["two_workers_finite"]
