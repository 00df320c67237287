"""Benchmark: how training speed grows with workers, for w2v and gensim's corpus_file mode.

    python benchmarks/scaling.py --corpus ../shared/data/corpus.txt --configs cbow-ns --pairs 6
    python benchmarks/scaling.py --data ../shared/data --bytes 24000000 --workers 1,2,4,8,16 \\
        --configs sg-ns,cbow-ns --epochs 1,3 --tools w2v,gensim_file

Every fit runs in its own process with the benchmark's settings (dim 100, window 5,
min_count 5, sample 1e-3, negative 5 or hierarchical softmax, alpha 0.025 skip-gram / 0.05
CBOW, seed 1). Training seconds leave out the vocabulary pass (w2v's read-and-encode pass,
gensim's ``build_vocab``); words/s are raw corpus words (every token, times epochs) over
training seconds. Tools: ``w2v`` and ``gensim_file`` (gensim 4.4 with ``corpus_file=``,
its fastest mode, ``workers`` threads).

Pairs (the default): one (1 worker, 2 workers) sample moves by ±0.1 on a shared machine
whose speed drifts 10-20 % over minutes, so each pair runs the two fits back to back (in
alternating order, so drift favours neither) and takes the ratio of their words/s; the
table gives the median and range over ``--pairs`` pairs.

Worker list (``--workers 1,2,4,8,16``): one fit per (config, tool, workers), the worker
counts in the order given, each for every config and tool before the next
(``device_check.py`` runs 1 and 16 first, so a run stopped early keeps the headline
ratios), reporting training seconds, words/s and each tool's speed-up over its own 1 worker.
A tool whose fit fails is not run again; the others finish, and the run then exits with
the failure.

Prints a table and writes benchmarks/results/scaling.json; ``--rows FILE`` also appends
each fit's row to FILE as one JSON line the moment it finishes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from _data import DEFAULT_DATA, corpus_path, count_words, head_bytes
from _results import RESULTS, append_row, write_results

TOOLS = ("w2v", "gensim_file")

# The child: one fit; prints one JSON line with its training seconds.
CHILD = r"""
import json, sys, time
tool, arch, loss, workers, epochs, corpus = sys.argv[1:7]
workers, epochs = int(workers), int(epochs)
alpha = 0.05 if arch == "cbow" else 0.025
if tool == "w2v":
    from w2v import Word2Vec
    m = Word2Vec(arch=arch, loss=loss, dim=100, window=5, negative=5, sample=1e-3, min_count=5,
                 epochs=epochs, workers=workers, seed=1, alpha=alpha)
    m.fit(corpus, progress=False)
    train_s = m.fit_seconds["train"]
else:
    from gensim.models import Word2Vec as G
    m = G(vector_size=100, window=5, min_count=5, sample=1e-3, sg=int(arch == "skipgram"),
          hs=int(loss == "hs"), negative=5 if loss == "ns" else 0, alpha=alpha,
          min_alpha=alpha * 1e-4, workers=workers, seed=1)
    m.build_vocab(corpus_file=corpus)
    t = time.perf_counter()
    m.train(corpus_file=corpus, total_words=m.corpus_total_words,
            total_examples=m.corpus_count, epochs=epochs)
    train_s = time.perf_counter() - t
print("RESULT " + json.dumps({"train_s": train_s}))
"""


def train_seconds(tool: str, config: str, workers: int, epochs: int, corpus: str) -> float:
    """Training seconds of one fit in a fresh process; SystemExit with one line if it fails."""
    arch, loss = config.split("-")
    arch = "skipgram" if arch == "sg" else "cbow"
    run = subprocess.run(
        [sys.executable, "-c", CHILD, tool, arch, loss, str(workers), str(epochs), corpus],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in run.stdout.splitlines():
        if line.startswith("RESULT "):
            return float(json.loads(line[7:])["train_s"])
    print(run.stderr[-2000:], file=sys.stderr)
    last = (run.stderr.strip().splitlines() or ["no output"])[-1]
    raise SystemExit(f"{tool} {config} with {workers} worker(s) failed: {last}")


def add_speedups(rows: list[dict]) -> list[dict]:
    """Set each row's ``speedup``: its tool's 1-worker training seconds over its own (or None)."""
    one = {(r["tool"], r["config"]): r["train_seconds"] for r in rows if r["workers"] == 1}
    for r in rows:
        base = one.get((r["tool"], r["config"]))
        r["speedup"] = base / r["train_seconds"] if base is not None else None
    return rows


def _ints(text: str, name: str, parser: argparse.ArgumentParser) -> list[int]:
    try:
        values = [int(x) for x in text.split(",")]
    except ValueError:
        parser.error(f"--{name} takes comma-separated whole numbers, got {text!r}")
    if any(v < 1 for v in values):
        parser.error(f"--{name} values must be at least 1, got {text!r}")
    return values


def _pairs(args, configs, epochs, raw) -> dict:
    results = {}
    for tool in args.tools:
        for config in configs:
            pairs = []
            for i in range(args.pairs):
                order = (1, 2) if i % 2 == 0 else (2, 1)
                n = epochs[config]
                speed = {w: raw * n / train_seconds(tool, config, w, n, args.corpus) for w in order}
                pairs.append({"one": speed[1], "two": speed[2], "ratio": speed[2] / speed[1]})
                print(
                    f"  {tool:<12}{config:<8} pair {i + 1}: {speed[1] / 1e3:7.0f}k -> "
                    f"{speed[2] / 1e3:7.0f}k words/s, {speed[2] / speed[1]:.2f}x",
                    file=sys.stderr,
                    flush=True,
                )
            ratios = [p["ratio"] for p in pairs]
            key = config if tool == "w2v" else f"{tool}:{config}"
            results[key] = {
                "pairs": pairs,
                "median": statistics.median(ratios),
                "min": min(ratios),
                "max": max(ratios),
            }
    print(f"{'config':<20}{'pairs':>6}{'median 2w/1w':>14}{'range':>14}")
    for key, r in results.items():
        print(f"{key:<20}{len(r['pairs']):>6}{r['median']:>13.2f}x{r['min']:>8.2f}-{r['max']:.2f}x")
    return {"configs": results}


def _worker_list(args, configs, epochs, raw) -> dict:
    rows: list[dict] = []
    failed: dict[str, str] = {}  # a tool that fails once (gensim missing) is not run again
    for workers in args.workers:  # each worker count for every config before the next
        for config in configs:
            for tool in args.tools:
                if tool in failed:
                    continue
                try:
                    seconds = train_seconds(tool, config, workers, epochs[config], args.corpus)
                except SystemExit as exc:
                    failed[tool] = str(exc)
                    continue
                row = {
                    "tool": tool,
                    "config": config,
                    "epochs": epochs[config],
                    "workers": workers,
                    "raw_words": raw * epochs[config],
                    "train_seconds": seconds,
                    "words_per_s": raw * epochs[config] / seconds,
                }
                append_row(args.rows, row)
                rows.append(row)
                print(
                    f"  {tool:<12}{config:<8}{workers:>3} workers {seconds:8.2f} s "
                    f"{row['words_per_s'] / 1e3:8.0f}k words/s",
                    file=sys.stderr,
                    flush=True,
                )
    add_speedups(rows)
    rows.sort(key=lambda r: (configs.index(r["config"]), args.tools.index(r["tool"]), r["workers"]))
    print(f"{'config':<9}{'tool':<13}{'workers':>8}{'train s':>9}{'words/s':>10}{'speed-up':>10}")
    for r in rows:
        up = f"{r['speedup']:.2f}x" if r["speedup"] is not None else "-"
        print(
            f"{r['config']:<9}{r['tool']:<13}{r['workers']:>8}{r['train_seconds']:>9.2f}"
            f"{r['words_per_s'] / 1e3:>9.0f}k{up:>10}"
        )
    return {"rows": rows, "failed": failed}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder holding corpus.txt")
    parser.add_argument("--corpus", default=None, help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--bytes", type=int, default=None, help="use only the first N bytes")
    parser.add_argument("--configs", default="cbow-ns,cbow-hs,sg-ns,sg-hs")
    parser.add_argument("--epochs", default="1", help="one per config, or one for all [1]")
    parser.add_argument("--tools", default="w2v", help=f"from {', '.join(TOOLS)} [w2v]")
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--workers", default=None, help="worker list, e.g. 1,2,4,8,16")
    parser.add_argument("--rows", default=None, help="append each fit's row to this JSONL file")
    parser.add_argument("--output", default=str(RESULTS / "scaling.json"))
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")
    configs = args.configs.split(",")
    epoch_list = _ints(args.epochs, "epochs", parser)
    if len(epoch_list) not in (1, len(configs)):
        parser.error(f"--epochs gives {len(epoch_list)} values for {len(configs)} configs")
    if len(epoch_list) == 1:
        epoch_list = epoch_list * len(configs)
    epochs = dict(zip(configs, epoch_list, strict=True))
    args.tools = args.tools.split(",")
    unknown = [t for t in args.tools if t not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    if args.workers is not None:
        args.workers = _ints(args.workers, "workers", parser)
    args.corpus = args.corpus or corpus_path(args.data)
    if not os.path.isfile(args.corpus):
        parser.error(f"corpus {args.corpus} not found; pass --data or --corpus")
    with tempfile.TemporaryDirectory() as tmp:
        if args.bytes is not None:
            args.corpus = head_bytes(args.corpus, os.path.join(tmp, "slice.txt"), args.bytes)
        raw = count_words(args.corpus)
        run = _worker_list if args.workers is not None else _pairs
        payload = run(args, configs, epochs, raw)
    payload["raw_words"] = raw
    write_results("scaling", payload, args.output)
    if payload.get("failed"):  # the other tools' rows are written; the run still failed
        raise SystemExit("; ".join(payload["failed"].values()))
    return payload


if __name__ == "__main__":
    main()
