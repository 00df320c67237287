"""Benchmark: how much worse two workers fit the corpus than one, as the final training loss.

    python benchmarks/two_worker_gap.py --corpus ../shared/data/corpus.txt
    python benchmarks/two_worker_gap.py --hot 1024 --every 0        # the rows before issue 26

With ``workers=1`` a fit is bit-reproducible; with 2, the threads' private copies of the most
shared rows (``HOT_ROWS`` in ``w2v/engines/cpu.py``) see each other's changes only at a sync,
and a fit whose rows are stale longer ends with a higher loss. The loss of the last epoch is a
mean over ~10^6 examples, so the difference (2 workers minus 1) is sharp: a repeat moves it by
~0.001 (HS) to ~0.003 (NS), against 0.5 analogy points per seed for the vectors' scores. It
tracked the analogy A/Bs of issue 26 (``benchmarks/issue26_notes.md``).

``--hot/--every/--fast/--tiers`` set the private rows' knobs (module globals of
``w2v.engines.cpu``; ``--hot``/``--every`` for every configuration, replacing ``HOT_PLAN``)
for the 2-worker fits, to try a sync scheme in seconds. Prints a table
and writes results/two_worker_gap.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import DEFAULT_DATA, corpus_path, head_bytes
from _results import write_results

CONFIGS = {"cbow-hs": ("cbow", "hs"), "sg-hs": ("skipgram", "hs"), "cbow-ns": ("cbow", "ns")}
CONFIGS["sg-ns"] = ("skipgram", "ns")


def final_loss(corpus: str, config: str, workers: int, epochs: int, seed: int) -> float:
    """The training loss of the last epoch of one fit (the issue's settings)."""
    from w2v import Word2Vec

    arch, loss = CONFIGS[config]
    model = Word2Vec(
        arch=arch,
        loss=loss,
        dim=100,
        window=5,
        negative=5,
        sample=1e-3,
        min_count=5,
        epochs=epochs,
        alpha=0.05 if arch == "cbow" else 0.025,
        workers=workers,
        seed=seed,
    ).fit(corpus, progress=False)
    return float(model.loss_history[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--bytes", type=int, default=3_000_000, help="first N bytes [3e6]")
    parser.add_argument("--configs", default="cbow-hs,sg-hs,cbow-ns,sg-ns")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seeds", default="1", help="comma-separated seeds [1]")
    parser.add_argument("--hot", type=int, help="private rows per matrix (HOT_ROWS)")
    parser.add_argument("--every", type=int, help="kept words between in-batch syncs (0: none)")
    parser.add_argument("--fast", type=int, help="rows at the first tier (FAST_ROWS)")
    parser.add_argument("--tiers", type=int, help="doublings of the tier (FAST_TIERS)")
    parser.add_argument("--output", help="JSON path [results/two_worker_gap.json]")
    args = parser.parse_args()
    configs = [c for c in args.configs.split(",") if c]
    unknown = sorted(set(configs) - set(CONFIGS))
    if unknown:
        parser.error(f"unknown config(s) {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")

    from w2v.engines import cpu

    knobs = {"HOT_ROWS": args.hot, "SYNC_EVERY": args.every}
    knobs |= {"FAST_ROWS": args.fast, "FAST_TIERS": args.tiers}
    for name, value in knobs.items():
        if value is not None:
            setattr(cpu, name, value)
    if args.hot is not None or args.every is not None:
        cpu.HOT_PLAN = {}  # the same rows for every configuration
    used = {name: getattr(cpu, name) for name in knobs}
    used["HOT_PLAN"] = {" ".join(k): v for k, v in cpu.HOT_PLAN.items()}

    source = args.corpus or corpus_path(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = head_bytes(source, Path(tmp) / "slice.txt", args.bytes) if args.bytes else source
        print(f"{'config':<9}{'seed':>5}{'1 worker':>10}{'2 workers':>11}{'gap':>9}{'s':>6}")
        for config in configs:
            for seed in (int(s) for s in args.seeds.split(",")):
                t = time.perf_counter()
                one = final_loss(corpus, config, 1, args.epochs, seed)
                two = final_loss(corpus, config, 2, args.epochs, seed)
                seconds = time.perf_counter() - t
                rows.append(
                    {"config": config, "seed": seed, "one": one, "two": two, "gap": two - one}
                )
                print(
                    f"{config:<9}{seed:>5}{one:>10.4f}{two:>11.4f}{two - one:>+9.4f}"
                    f"{seconds:>6.0f}",
                    flush=True,
                )
    write_results("two_worker_gap", {"knobs": used, "rows": rows}, args.output)


if __name__ == "__main__":
    main()
