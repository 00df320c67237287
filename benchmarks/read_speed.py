"""Benchmark: the read pass (count + encode) of a corpus file, Python reader against the compiled
one on 1 and more threads, A/B in one process.

    python benchmarks/read_speed.py --corpus ../shared/data/corpus.txt --reps 3
    python benchmarks/read_speed.py --corpus /tmp/slice.txt --workers 0,1,2 --reps 5

Each round reads the corpus with every ``--workers`` value in turn (0 = the Python reader,
``corpus.iter_pieces`` into ``vocab._scan``; n >= 1 = ``w2v.fastread`` on n threads), so that
drift in the machine's speed falls on every variant alike; one process spares the fresh-process
noise (±30 % here). A first untimed read loads the compiled code and the page cache. Checks
that every variant gives the same vocabulary, ids and sentence ends; prints the median and min
wall seconds, the CPU seconds and the speed-up over the Python reader; writes
results/read_speed.json.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--workers", default="0,1,2", help="read threads, 0 = Python [0,1,2]")
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--output", help="JSON path [results/read_speed.json]")
    args = parser.parse_args()
    variants = [int(w) for w in args.workers.split(",")]

    import hashlib

    from w2v.vocab import build_vocab_and_encode

    corpus = args.corpus or corpus_path(args.data)

    def read(workers: int) -> tuple[float, float, str]:
        t, c = time.perf_counter(), time.process_time()
        vocab, enc = build_vocab_and_encode(corpus, args.min_count, workers=workers)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        digest = hashlib.sha256()
        digest.update("\n".join(vocab.words).encode() + vocab.counts.tobytes())
        digest.update(enc.read(0, enc.n_words).tobytes() + enc.sentence_ends.tobytes())
        enc.close()
        return wall, cpu, digest.hexdigest()

    for w in sorted(set(variants) | {1}):  # load the compiled code and the page cache
        read(w)
    wall: dict[int, list[float]] = {w: [] for w in variants}
    cpu: dict[int, list[float]] = {w: [] for w in variants}
    digests = set()
    for _ in range(args.reps):
        for w in variants:
            s, c, d = read(w)
            wall[w].append(s)
            cpu[w].append(c)
            digests.add(d)
    if len(digests) != 1:
        sys.exit(f"the variants read different results: {sorted(digests)}")
    base = statistics.median(wall[variants[0]])
    rows = []
    print(f"{'workers':<9}{'median s':>10}{'min s':>8}{'cpu s':>8}{'vs first':>10}")
    for w in variants:
        med = statistics.median(wall[w])
        row = {"workers": w, "median_s": med, "min_s": min(wall[w]), "runs": wall[w],
               "cpu_s": statistics.median(cpu[w]), "speedup": base / med}  # fmt: skip
        rows.append(row)
        print(f"{w:<9}{med:>10.3f}{row['min_s']:>8.3f}{row['cpu_s']:>8.3f}{row['speedup']:>9.2f}x")
    write_results("read_speed", {"corpus": str(corpus), "rows": rows}, args.output)


if __name__ == "__main__":
    main()
