"""Benchmark: synchronisation algorithms of w2v.spark, in the in-process simulator.

    python benchmarks/spark_sim.py --bytes 24000000 --partitions 8,16 \\
        --runs "average;average:lr_scale=16;bmuf;bmuf:sync_every=25000"

Trains one machine (``Word2Vec``, ``--workers`` threads) and, for each partition count and
each run, ``w2v.spark.simulate`` (the Spark engine's rounds in one process, one thread per
partition) on the first ``--bytes`` of the corpus, cut at a line end; skip-gram NS by
default, dim 100, window 5, negative 5, min_count 5, sample 1e-3. A run is
``SYNC[:key=value,...]`` with keys sync_every, lr_scale, block_lr, momentum; ``lr_scale=P``
means the partition count; a run that diverges is reported as such. Quality: 3CosAdd
analogy accuracy (restrict_vocab 30000) and WordSim-353 Spearman with w2v's evaluators
(equal to gensim's numbers). Prints one line per fit and writes
benchmarks/results/spark_sim.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"


def _quality(kv, eval_dir: Path) -> tuple[float, float]:
    ws = kv.evaluate_word_pairs(eval_dir / "wordsim353.tsv").spearman
    an = kv.evaluate_analogies(eval_dir / "questions-words.txt", restrict_vocab=30_000).accuracy
    return float(ws), 100.0 * float(an)


def _parse_run(text: str, parts: int) -> tuple[str, dict]:
    sync, _, rest = text.partition(":")
    options: dict = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        if value == "P":
            options[key] = parts
        elif key == "sync_every":
            options[key] = int(value)
        else:
            options[key] = float(value)
    return sync, options


def main() -> None:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(DATA / "corpus.txt"))
    parser.add_argument("--eval-dir", default=str(DATA / "eval"))
    parser.add_argument("--bytes", type=int, default=24_000_000, help="0: the whole corpus")
    parser.add_argument("--arch", default="skipgram")
    parser.add_argument("--loss", default="ns")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--partitions", default="8,16")
    parser.add_argument("--runs", default="average;bmuf")
    parser.add_argument("--workers", type=int, default=1, help="one machine's threads")
    parser.add_argument("--no-single", action="store_true", help="skip the one-machine fit")
    parser.add_argument("--output", default=str(RESULTS / "spark_sim.json"))
    args = parser.parse_args()

    import w2v.spark
    from w2v import Word2Vec
    from w2v.errors import TrainingDivergedError

    with open(args.corpus, "rb") as fh:
        data = fh.read(args.bytes) if args.bytes else fh.read()
    data = data[: data.rfind(b"\n") + 1].decode("utf-8")
    sentences = [line.split() for line in data.splitlines() if line.strip()]
    del data
    n_tokens = sum(map(len, sentences))
    eval_dir = Path(args.eval_dir)
    params = dict(arch=args.arch, loss=args.loss, epochs=args.epochs, dim=100, window=5)
    params.update(negative=5, min_count=5, sample=1e-3)
    print(f"{n_tokens:,} words; {params}", file=sys.stderr)
    rows = []

    def report(row: dict) -> None:
        rows.append(row)
        print(
            f"{row['label']:<34} P={row['partitions']:<3} seed {row['seed']} "
            f"rounds {row['rounds']:>3.0f} lr_scale {row['lr_scale']:<5g} "
            f"{row['seconds']:>6.1f} s  analogy {row['analogy']:5.2f} %  WS353 {row['ws353']:.3f}",
            flush=True,
        )

    for seed in [int(s) for s in args.seeds.split(",")]:
        if not args.no_single:
            t0 = time.perf_counter()
            model = Word2Vec(workers=args.workers, seed=seed, **params).fit(sentences)
            seconds = time.perf_counter() - t0
            ws, an = _quality(model.wv, eval_dir)
            report(
                dict(label=f"one machine ({args.workers} workers)", partitions=1, seed=seed,
                     rounds=1.0, lr_scale=1.0, seconds=seconds, analogy=an, ws353=ws)
            )  # fmt: skip
        for parts in [int(p) for p in args.partitions.split(",")]:
            for run in args.runs.split(";"):
                sync, options = _parse_run(run, parts)
                t0 = time.perf_counter()
                try:
                    model = w2v.spark.simulate(
                        sentences, parts, sync=sync, seed=seed, **options, **params
                    )
                except TrainingDivergedError as exc:
                    print(f"{run:<34} P={parts:<3} seed {seed} diverged: {exc}", flush=True)
                    rows.append(dict(label=run, partitions=parts, seed=seed, diverged=str(exc)))
                    continue
                seconds = time.perf_counter() - t0
                ws, an = _quality(model.wv, eval_dir)
                report(
                    dict(label=run, partitions=parts, seed=seed, rounds=model.fit_seconds["rounds"],
                         lr_scale=model.fit_seconds["lr_scale"], seconds=seconds, analogy=an,
                         ws353=ws)
                )  # fmt: skip
    meta = dict(corpus=args.corpus, bytes=args.bytes, words=n_tokens, params=params, rows=rows)
    write_results("spark_sim", meta, args.output)


if __name__ == "__main__":
    main()
