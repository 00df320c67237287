"""Benchmark: two-worker training speed of the private hot rows' plans, A/B in one process.

    python benchmarks/hot_rows_speed.py --corpus ../shared/data/corpus.txt --configs cbow-hs
    python benchmarks/hot_rows_speed.py --plans 1024:0,64:500,16:700 --reps 4

The corpus is read once; then, for each config, ``--reps`` rounds train one epoch with each
plan (private rows per matrix : kept words between in-batch syncs, 0 = after each batch
only; ``HOT_PLAN`` in ``w2v/engines/cpu.py``) on 2 workers, and once on 1 worker, in
alternation, so that drift in the machine's speed falls on every plan alike. One process
spares the fresh-process noise (start-up, page cache) that made single samples move by
±30 % here. Prints the median and min training seconds and the scaling over 1 worker, and
writes results/hot_rows_speed.json. Every config trains per pair (``minibatch=False``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import DEFAULT_DATA, corpus_path
from _results import write_results

ARCH = {"cbow": "cbow", "sg": "skipgram"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--configs", default="cbow-hs,cbow-ns,sg-hs")
    parser.add_argument("--plans", default="1024:0,64:500", help="rows:every,... [1024:0,64:500]")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--output", help="JSON path [results/hot_rows_speed.json]")
    args = parser.parse_args()
    try:
        plans = [tuple(int(x) for x in p.split(":")) for p in args.plans.split(",")]
        if any(len(p) != 2 for p in plans):
            raise ValueError
    except ValueError:
        parser.error(f"--plans takes rows:every pairs, e.g. 1024:0,64:500 (got {args.plans!r})")

    from w2v.config import TrainConfig
    from w2v.engines import cpu
    from w2v.model import init_weights
    from w2v.vocab import build_vocab_and_encode

    vocab, encoded = build_vocab_and_encode(args.corpus or corpus_path(args.data), 5, epochs=1)
    rows = []
    print(f"{'config':<9}{'plan':<12}{'median s':>10}{'min s':>8}{'scaling':>9}")
    for config in args.configs.split(","):
        arch, loss = config.split("-")
        arch = ARCH[arch]
        runs: dict[str, list[float]] = {f"{r}:{e}": [] for r, e in plans} | {"1 worker": []}
        for _ in range(args.reps):
            for name in runs:
                if name != "1 worker":
                    rows_, every = (int(x) for x in name.split(":"))
                    cpu.HOT_PLAN = {(arch, loss): (rows_, every)}
                cfg = TrainConfig(
                    arch=arch,
                    loss=loss,
                    epochs=1,
                    workers=1 if name == "1 worker" else 2,
                    alpha=0.05 if arch == "cbow" else 0.025,
                    minibatch=False,
                )
                W_in, W_out = init_weights(cfg, len(vocab))
                t = time.perf_counter()
                cpu.CpuEngine().train(cfg, vocab, encoded, W_in, W_out)
                runs[name].append(time.perf_counter() - t)
        one = statistics.median(runs["1 worker"])
        for name, seconds in runs.items():
            median = statistics.median(seconds)
            rows.append({"config": config, "plan": name, "seconds": seconds})
            print(f"{config:<9}{name:<12}{median:>10.2f}{min(seconds):>8.2f}{one / median:>8.2f}x")
    write_results("hot_rows_speed", {"rows": rows}, args.output)


if __name__ == "__main__":
    main()
