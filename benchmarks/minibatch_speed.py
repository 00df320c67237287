"""Benchmark: the minibatch (HogBatch) kernels against the per-pair kernels, A/B in one process.

    python benchmarks/minibatch_speed.py --bytes 24000000 --configs sg-hs,cbow-ns --reps 3

The first ``--bytes`` of the corpus are read and encoded once; then each round trains one
epoch with ``minibatch=False`` and ``minibatch=True`` on each worker count, alternating, so
that drift in the machine's speed falls on both alike (fresh-process samples swing ±30 %
here). A warm-up round (compilation, page cache) is not counted. Prints, per config and
worker count, the median [min, max] over the rounds of the per-round ratio minibatch /
per-pair of training words per wall second and per CPU second of the process (CPU time is
not distorted by time spent descheduled on a shared machine), and writes
results/minibatch_speed.json. ``--against shared`` (skip-gram NS) takes the per-pair kernel
with ``shared_negatives=True`` as the baseline instead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import DEFAULT_DATA, corpus_path
from _results import write_results

ARCH = {"cbow": "cbow", "sg": "skipgram"}


def _slice(path: str, nbytes: int, tmp: Path) -> str:
    """The first ``nbytes`` of ``path``, cut at a line end (0: the whole file)."""
    if not nbytes:
        return path
    with open(path, "rb") as fh:
        data = fh.read(nbytes)
    dest = tmp / f"slice_{nbytes}.txt"
    dest.write_bytes(data[: data.rfind(b"\n") + 1])
    return str(dest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--bytes", type=int, default=24_000_000, help="first bytes; 0 = all")
    parser.add_argument("--configs", default="sg-hs", help="of sg-ns, sg-hs, cbow-ns")
    parser.add_argument("--workers", default="1,2", help="worker counts [1,2]")
    parser.add_argument("--reps", type=int, default=3, help="counted rounds [3]")
    parser.add_argument(
        "--against",
        choices=("per-pair", "shared"),
        default="per-pair",
        help="the baseline: the per-pair kernel, or (skip-gram NS) per pair with "
        "shared_negatives [per-pair]",
    )
    parser.add_argument("--output", help="JSON path [results/minibatch_speed.json]")
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",")]

    from w2v.config import TrainConfig
    from w2v.engines import cpu
    from w2v.model import init_weights
    from w2v.vocab import build_vocab_and_encode

    tmp = tempfile.TemporaryDirectory()  # kept to the end: the encoding may read from it
    path = _slice(args.corpus or corpus_path(args.data), args.bytes, Path(tmp.name))
    vocab, encoded = build_vocab_and_encode(path, 5, epochs=1)
    n_words = encoded.n_words
    print(f"{n_words:,} words, vocabulary {len(vocab):,}")
    rows = []
    print(f"{'config':<9}{'workers':>8}  {'wall ratio':<24}{'CPU ratio':<24}{'mb words/s':>12}")
    for config in args.configs.split(","):
        arch, loss = config.split("-")
        arch = ARCH[arch]
        for w in workers:
            wall: dict[bool, list[float]] = {False: [], True: []}
            cpu_s: dict[bool, list[float]] = {False: [], True: []}
            for rep in range(args.reps + 1):
                for mb in (False, True):
                    cfg = TrainConfig(
                        arch=arch,
                        loss=loss,
                        epochs=1,
                        workers=w,
                        alpha=0.05 if arch == "cbow" else 0.025,
                        minibatch=mb,
                        shared_negatives=not mb and args.against == "shared",
                        seed=rep + 1,
                    )
                    W_in, W_out = init_weights(cfg, len(vocab))
                    t, c = time.perf_counter(), time.process_time()
                    cpu.CpuEngine().train(cfg, vocab, encoded, W_in, W_out)
                    if rep:  # round 0 warms up
                        wall[mb].append(time.perf_counter() - t)
                        cpu_s[mb].append(time.process_time() - c)
            r_wall = [a / b for a, b in zip(wall[False], wall[True], strict=True)]
            r_cpu = [a / b for a, b in zip(cpu_s[False], cpu_s[True], strict=True)]

            def show(r: list[float]) -> str:
                return f"{statistics.median(r):.2f}x [{min(r):.2f}, {max(r):.2f}]"

            mb_rate = n_words / statistics.median(wall[True])
            print(f"{config:<9}{w:>8}  {show(r_wall):<24}{show(r_cpu):<24}{mb_rate:>12,.0f}")
            rows.append(
                {
                    "config": config,
                    "against": args.against,
                    "workers": w,
                    "words": n_words,
                    "wall_s": {"per_pair": wall[False], "minibatch": wall[True]},
                    "cpu_s": {"per_pair": cpu_s[False], "minibatch": cpu_s[True]},
                    "ratio_wall": r_wall,
                    "ratio_cpu": r_cpu,
                }
            )
    write_results("minibatch_speed", {"rows": rows}, args.output)
    tmp.cleanup()


if __name__ == "__main__":
    main()
