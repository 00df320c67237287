"""Benchmark: end to end as a user times it, w2v's defaults against gensim's ``corpus_file``.

    python benchmarks/end_to_end.py --bytes 24000000 --reps 5
    python benchmarks/end_to_end.py --configs cbow-ns,sg-hs --reps 7 --workers 2

The first ``--bytes`` of the corpus (cut at a line end; 0: the whole file), 1 epoch, dim
100, window 5, min_count 5, sample 1e-3, negative 5 (NS) or hs (HS), alpha 0.025 skip-gram
/ 0.05 CBOW, ``--workers`` threads for both tools. Each fit runs in a fresh process;
w2v and gensim alternate (w2v, gensim, w2v, gensim, ...) after one uncounted warm-up pair,
so drift in the machine's speed falls on both alike. Two figures per fit:

- *read + train*: w2v's ``fit`` (its read-and-encode pass and training) against gensim's
  ``build_vocab(corpus_file=...)`` + ``train(corpus_file=...)``, timed inside the process;
- *process*: the whole process from the parent's view (interpreter start, imports, Numba's
  cache loads, the fit), what ``time w2v train ...`` would show less writing the vectors.

w2v runs with its defaults (``minibatch=None``: the minibatch kernels for skip-gram NS and
HS, per pair for CBOW). Prints per config the medians and the median [min, max] of the
per-pair ratio gensim / w2v, and writes results/end_to_end.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import DEFAULT_DATA, corpus_path, head_bytes
from _results import write_results

CONFIGS = ("sg-ns", "cbow-ns", "sg-hs", "cbow-hs")

CHILD = r"""
import json, sys, time
cfg, tool, corpus, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
arch, loss = cfg.split("-")
arch = "skipgram" if arch == "sg" else "cbow"
alpha = 0.05 if arch == "cbow" else 0.025
if tool == "w2v":
    from w2v import Word2Vec
    m = Word2Vec(arch=arch, loss=loss, dim=100, window=5, negative=5, sample=1e-3,
                 min_count=5, epochs=1, workers=workers, seed=1, alpha=alpha)
    t = time.perf_counter()
    m.fit(corpus, progress=False)
    fit_s = time.perf_counter() - t
else:
    from gensim.models import Word2Vec as G
    m = G(vector_size=100, window=5, min_count=5, sample=1e-3, sg=int(arch == "skipgram"),
          hs=int(loss == "hs"), negative=5 if loss == "ns" else 0, alpha=alpha,
          min_alpha=alpha * 1e-4, workers=workers, seed=1)
    t = time.perf_counter()
    m.build_vocab(corpus_file=corpus)
    m.train(corpus_file=corpus, total_words=m.corpus_total_words,
            total_examples=m.corpus_count, epochs=1)
    fit_s = time.perf_counter() - t
print("RESULT " + json.dumps({"fit_s": fit_s}))
"""


def run_child(cfg: str, tool: str, corpus: str, workers: int) -> dict:
    """One fit in a fresh process: its read + train seconds and the whole process's."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, cfg, tool, corpus, str(workers)],
        capture_output=True,
        text=True,
        check=False,
    )
    process_s = time.perf_counter() - t
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"{tool} {cfg} failed:\n{proc.stderr[-2000:]}")
    return {**json.loads(line[len("RESULT ") :]), "process_s": process_s}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    ap.add_argument("--corpus", default=None, help="corpus file [DATA/corpus.txt]")
    ap.add_argument("--bytes", type=int, default=24_000_000, help="first bytes; 0 = all")
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"of {', '.join(CONFIGS)}")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5, help="counted pairs per config [5]")
    ap.add_argument("--output", default=None, help="JSON path [results/end_to_end.json]")
    args = ap.parse_args()
    configs = [c for c in args.configs.split(",") if c]
    bad = [c for c in configs if c not in CONFIGS]
    if bad:
        ap.error(f"unknown config(s) {', '.join(bad)}; choose from {', '.join(CONFIGS)}")
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    src = args.corpus or corpus_path(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = src if not args.bytes else head_bytes(src, Path(tmp) / "slice.txt", args.bytes)
        for cfg in configs:
            fits: dict[str, list[dict]] = {"w2v": [], "gensim_file": []}
            for rep in range(args.reps + 1):  # rep 0: the uncounted warm-up pair
                for tool in fits:
                    r = run_child(cfg, tool, corpus, args.workers)
                    if rep:
                        fits[tool].append(r)
            row = {"config": cfg, "workers": args.workers, "reps": args.reps}
            for key in ("fit_s", "process_s"):
                ratios = [
                    g[key] / w[key] for w, g in zip(fits["w2v"], fits["gensim_file"], strict=True)
                ]
                row[key] = {
                    tool: statistics.median(r[key] for r in runs) for tool, runs in fits.items()
                }
                row[key + "_ratio"] = {
                    "median": statistics.median(ratios),
                    "min": min(ratios),
                    "max": max(ratios),
                    "all": ratios,
                }
            rows.append(row)
            f, p = row["fit_s"], row["process_s"]
            fr, pr = row["fit_s_ratio"], row["process_s_ratio"]
            print(
                f"{cfg:8s} read+train w2v {f['w2v']:6.2f} s  gensim {f['gensim_file']:6.2f} s  "
                f"ratio {fr['median']:.2f}x [{fr['min']:.2f}, {fr['max']:.2f}]   "
                f"process w2v {p['w2v']:6.2f} s  gensim {p['gensim_file']:6.2f} s  "
                f"ratio {pr['median']:.2f}x [{pr['min']:.2f}, {pr['max']:.2f}]",
                flush=True,
            )
    write_results("end_to_end", {"bytes": args.bytes, "rows": rows}, args.output)


if __name__ == "__main__":
    main()
