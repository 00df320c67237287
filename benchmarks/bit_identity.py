"""Check: two source trees train bit-identical vectors (same seed, ``workers=1``).

    python benchmarks/bit_identity.py --old /path/to/old/checkout --new .

For a refactoring that must not change behaviour: each tree trains every variant (skip-gram
and CBOW x softmax, HS, NS, and shared negatives), continued training, an interrupted and
resumed fit, and the PyTorch engine on the CPU (when torch is installed) on the same corpus
in a fresh process with ``PYTHONPATH=<tree>/src``, and the SHA-256 of W_in, W_out and the
loss history are compared. Run it once, old tree against new, and report the table: a stored
digest would break on another CPU or Numba version.

Prints a table and writes benchmarks/results/bit_identity.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _results import write_results

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpus.txt"

CHILD = r"""
import hashlib, json, sys
import numpy as np
from w2v import Word2Vec
corpus, workdir = sys.argv[1], sys.argv[2]
out = {}
def digest(m):
    h = hashlib.sha256()
    for a in (m.W_in, m.W_out, np.asarray(m.loss_history, dtype=np.float64)):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]
base = dict(dim=24, window=3, negative=3, min_count=3, sample=1e-3, epochs=2, workers=1,
            seed=7, batch_words=5000)
for arch in ("skipgram", "cbow"):
    for loss in ("softmax", "hs", "ns"):
        extra = {"max_vocab_size": 4000} if loss == "softmax" else {}
        m = Word2Vec(arch=arch, loss=loss, **base, **extra).fit(corpus, progress=False)
        out[f"{arch}-{loss}"] = digest(m)
m = Word2Vec(arch="skipgram", loss="ns", shared_negatives=True, **base).fit(corpus)
out["skipgram-ns-shared"] = digest(m)
m = Word2Vec(arch="cbow", loss="hs", **base).fit(corpus)
m.fit(corpus)
out["cbow-hs-continued"] = digest(m)
import w2v.errors
ck = f"{workdir}/run.ckpt"
m = Word2Vec(arch="skipgram", loss="hs", **base)
# a checkpoint every 20k words; a fresh fit from the last one must end where the full fit did
m.fit(corpus, checkpoint=ck, checkpoint_every=20000)
out["skipgram-hs-checkpointed"] = digest(m)
r = Word2Vec.resume(ck, corpus)
out["skipgram-hs-resumed-from-last"] = digest(r)
try:
    import torch  # noqa: F401
    m = Word2Vec(arch="skipgram", loss="ns", device="cpu", **base).fit(corpus, progress=False)
    out["torch-cpu-skipgram-ns"] = digest(m)
except ImportError:
    pass
print(json.dumps(out))
"""


def digests(tree: Path, corpus: str) -> dict[str, str]:
    """Each check's digest, trained by ``tree``'s w2v in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory() as work:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, corpus, work],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: the child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="the checkout before the change")
    ap.add_argument("--new", type=Path, default=HERE.parent, help="the checkout after it")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--bytes", type=int, default=600_000, help="train on this many bytes")
    args = ap.parse_args()
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as fh:
        with open(args.corpus, "rb") as src:
            data = src.read(args.bytes)
        fh.write(data[: data.rfind(b"\n") + 1])
        corpus = fh.name
    try:
        old, new = digests(args.old.resolve(), corpus), digests(args.new.resolve(), corpus)
    finally:
        os.unlink(corpus)
    rows = [
        {"check": k, "old": old.get(k), "new": new.get(k), "identical": old.get(k) == new.get(k)}
        for k in sorted(set(old) | set(new))
    ]
    print(f"{'check':34} {'old':16} {'new':16} identical")
    for r in rows:
        print(f"{r['check']:34} {r['old'] or '-':16} {r['new'] or '-':16} {r['identical']}")
    write_results(
        "bit_identity",
        {"old": str(args.old), "new": str(args.new), "bytes": args.bytes, "rows": rows},
    )
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
