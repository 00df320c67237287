"""Benchmark: the NS kernels of this tree against another tree's, each fit a fresh process.

    git archive cace3d4 src | tar -x -C /tmp/filing      # the kernels issue 21 measured
    python benchmarks/tree_speed.py --old /tmp/filing --rounds 5

Issue 21's item 2 sets ratios (skip-gram NS minibatch >= 2x the per-pair kernel and >= 1.3x
``shared_negatives``; CBOW NS minibatch >= 1.4x per pair) against per-pair kernels that have
since become faster. This runs one cell per comparison: a variant of this tree (A) against a
variant of this tree or of ``--old`` (B), one fit each, in turn A B A B ... (a warm-up pair
first, not counted), each fit a fresh process with ``PYTHONPATH=<tree>/src`` and a Numba cache
per tree, so the ratio is taken pair by pair and drift in the machine's speed falls on both.
Variants: ``pp`` (per pair), ``shared`` (per pair with ``shared_negatives``), ``mb``
(``minibatch=True``; this tree only); and the tree ``gensim`` with the variant ``file``
(gensim 4.4's ``corpus_file`` mode, the faster one; its vocabulary pass is not in "train").
Settings as ``train_speed.py``: dim 100, window 5, min_count 5, sample 1e-3, negative 5,
1 epoch, alpha 0.025 skip-gram / 0.05 CBOW, seed 1.

Prints, per cell and worker count, the median [min, max] of A's and B's training seconds
(``fit_seconds["train"]``) and of the paired ratio B/A (A's speed-up), and the same ratio of
whole-process wall seconds (the read pass and start-up included); writes
results/tree_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import DEFAULT_DATA, corpus_path
from _results import write_results

HERE = Path(__file__).resolve().parent

# The child: one fit; prints one JSON line. Works with trees that predate ``minibatch``.
CHILD = r"""
import dataclasses, json, sys
arch, variant, workers, corpus = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
from w2v import Word2Vec
from w2v.config import TrainConfig
kw = dict(arch="skipgram" if arch == "sg" else "cbow", loss="ns", dim=100, window=5,
          negative=5, sample=1e-3, min_count=5, epochs=1, workers=workers, seed=1,
          alpha=0.025 if arch == "sg" else 0.05)
if variant == "shared":
    kw["shared_negatives"] = True
elif variant == "mb":
    kw["minibatch"] = True
elif "minibatch" in {f.name for f in dataclasses.fields(TrainConfig)}:
    kw["minibatch"] = False
if variant == "file":  # gensim 4.4's corpus_file mode, the same settings
    import time
    from gensim.models import Word2Vec as G
    g = G(vector_size=100, window=5, min_count=5, sample=1e-3, sg=int(arch == "sg"), hs=0,
          negative=5, alpha=kw["alpha"], min_alpha=kw["alpha"] * 1e-4, workers=workers, seed=1)
    t = time.perf_counter()
    g.build_vocab(corpus_file=corpus)
    read = time.perf_counter() - t
    t = time.perf_counter()
    g.train(corpus_file=corpus, total_words=g.corpus_total_words, epochs=1)
    print(json.dumps({"train": time.perf_counter() - t, "read": read}))
    sys.exit(0)
m = Word2Vec(**kw)
m.fit(corpus, progress=False)
print(json.dumps({"train": m.fit_seconds["train"], "read": m.fit_seconds["read"]}))
"""

#: The default cells: (config, A variant, B tree, B variant); A is always this tree.
DEFAULT_CELLS = (
    "sg:mb:old:pp",
    "sg:mb:old:shared",
    "cbow:mb:old:pp",
    "sg:mb:new:shared",
    "cbow:mb:new:pp",
    "sg:mb:gensim:file",
    "cbow:mb:gensim:file",
)


def _fit(tree: Path, arch: str, variant: str, workers: int, corpus: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), NUMBA_CACHE_DIR=str(tree / ".nc"))
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, arch, variant, str(workers), corpus],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"a fit failed ({tree}, {arch} {variant}, {workers} workers):\n{done.stderr}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def _show(r: list[float]) -> str:
    return f"{statistics.median(r):.2f} [{min(r):.2f}, {max(r):.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True, help="the other source tree (holding src/w2v)")
    parser.add_argument("--new", default=str(HERE.parent), help="this tree [the repository]")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--cells", default=",".join(DEFAULT_CELLS), help="config:A:tree:B,...")
    parser.add_argument("--workers", default="1,2", help="worker counts [1,2]")
    parser.add_argument("--rounds", type=int, default=5, help="counted pairs per cell [5]")
    parser.add_argument("--output", help="JSON path [results/tree_speed.json]")
    args = parser.parse_args()
    trees = {"new": Path(args.new).resolve(), "old": Path(args.old).resolve()}
    for name, tree in trees.items():
        if not (tree / "src" / "w2v" / "__init__.py").is_file():
            sys.exit(f"--{name} {tree}: no src/w2v/__init__.py there")
    corpus = args.corpus or corpus_path(args.data)
    cells = []
    for spec in args.cells.split(","):
        parts = spec.split(":")
        if len(parts) != 4 or parts[0] not in ("sg", "cbow") or parts[2] not in (*trees, "gensim"):
            sys.exit(f"--cells: {spec!r} is not config:A:tree:B (e.g. sg:mb:old:pp)")
        if (parts[2] == "gensim") != (parts[3] == "file"):
            sys.exit(f"--cells: {spec!r}: gensim's one variant is file (sg:mb:gensim:file)")
        cells.append(parts)
    rows = []
    print(f"{'cell':<20}{'workers':>8}  {'A train s':<22}{'B train s':<22}{'B/A train':<22}"
          f"{'B/A whole process':<22}")  # fmt: skip
    for arch, a_var, b_tree, b_var in cells:
        for w in (int(x) for x in args.workers.split(",")):
            a_runs, b_runs = [], []
            for rnd in range(args.rounds + 1):  # round 0 warms the caches up
                a = _fit(trees["new"], arch, a_var, w, corpus)
                b = _fit(trees.get(b_tree, trees["new"]), arch, b_var, w, corpus)  # gensim: any
                if rnd:
                    a_runs.append(a)
                    b_runs.append(b)
            r_train = [b["train"] / a["train"] for a, b in zip(a_runs, b_runs, strict=True)]
            r_wall = [b["wall"] / a["wall"] for a, b in zip(a_runs, b_runs, strict=True)]
            name = f"{arch} {a_var} / {b_tree} {b_var}"
            print(f"{name:<20}{w:>8}  {_show([a['train'] for a in a_runs]):<22}"
                  f"{_show([b['train'] for b in b_runs]):<22}{_show(r_train):<22}"
                  f"{_show(r_wall):<22}")  # fmt: skip
            rows.append(
                {
                    "config": f"{arch}-ns",
                    "a": {"tree": "new", "variant": a_var, "runs": a_runs},
                    "b": {"tree": b_tree, "variant": b_var, "runs": b_runs},
                    "workers": w,
                    "speedup_train": r_train,
                    "speedup_whole_process": r_wall,
                }
            )
    write_results("tree_speed", {"trees": {k: str(v) for k, v in trees.items()}, "rows": rows},
                  args.output)  # fmt: skip


if __name__ == "__main__":
    main()
