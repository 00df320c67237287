"""Benchmark: two workers against one, as alternating pairs of fits in fresh processes.

    python benchmarks/scaling.py --corpus ../shared/data/corpus.txt --configs cbow-ns --pairs 6

One (1 worker, 2 workers) sample, as `train_speed.py` takes it, moves by ±0.1 on a shared
machine whose speed drifts 10-20 % over minutes. Here each pair runs the two fits back to
back (in alternating order, so drift favours neither), each in its own process with the
benchmark's settings (dim 100, window 5, min_count 5, sample 1e-3, negative 5, 1 epoch), and
the ratio of their training words/s is taken per pair; the table gives the median and range.

Prints a table and writes benchmarks/results/scaling.json.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpus.txt"

CHILD = r"""
import sys
from w2v import Word2Vec
arch, loss, workers, corpus = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
m = Word2Vec(arch=arch, loss=loss, dim=100, window=5, negative=5, sample=1e-3, min_count=5,
             epochs=1, workers=workers, seed=1, alpha=0.05 if arch == "cbow" else 0.025)
m.fit(corpus, progress=False)
print(m.fit_seconds["words"] / m.fit_seconds["train"])
"""


def words_per_second(config: str, workers: int, corpus: str) -> float:
    """Training words/s of one fit in a fresh process."""
    arch, loss = config.split("-")
    arch = "skipgram" if arch == "sg" else "cbow"
    run = subprocess.run(
        [sys.executable, "-c", CHILD, arch, loss, str(workers), corpus],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"{config} with {workers} worker(s) failed:\n{run.stderr[-2000:]}")
    return float(run.stdout.split()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--configs", default="cbow-ns,cbow-hs,sg-ns,sg-hs")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--output", default=str(RESULTS / "scaling.json"))
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    results = {}
    for config in args.configs.split(","):
        pairs = []
        for i in range(args.pairs):
            order = (1, 2) if i % 2 == 0 else (2, 1)
            speed = {w: words_per_second(config, w, args.corpus) for w in order}
            pairs.append({"one": speed[1], "two": speed[2], "ratio": speed[2] / speed[1]})
            print(
                f"  {config:<8} pair {i + 1}: {speed[1] / 1e3:7.0f}k -> {speed[2] / 1e3:7.0f}k "
                f"words/s, {speed[2] / speed[1]:.2f}x",
                file=sys.stderr,
                flush=True,
            )
        ratios = [p["ratio"] for p in pairs]
        results[config] = {
            "pairs": pairs,
            "median": statistics.median(ratios),
            "min": min(ratios),
            "max": max(ratios),
        }
    print(f"{'config':<10}{'pairs':>6}{'median 2w/1w':>14}{'range':>14}")
    for config, r in results.items():
        print(
            f"{config:<10}{len(r['pairs']):>6}{r['median']:>13.2f}x{r['min']:>8.2f}-{r['max']:.2f}x"
        )
    write_results("scaling", {"configs": results}, args.output)
    return results


if __name__ == "__main__":
    main()
