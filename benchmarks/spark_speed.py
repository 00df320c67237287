"""Benchmark: w2v.spark against Spark MLlib's Word2Vec, in Spark local mode, same data.

    python benchmarks/spark_speed.py --corpus ../shared/data/corpus.txt --bytes 6000000
    python benchmarks/spark_speed.py --partitions 1,2,4 --epochs 3 --master "local[2]"
    python benchmarks/spark_speed.py --master standalone --tools w2v-sg-ns  # 2 workers

For each partition count, trains on the first ``--bytes`` of the corpus (cut at a line end)
with the same settings — dim 100, window 5, minCount 5, ``--epochs`` passes, seed 1 — by
``pyspark.ml.feature.Word2Vec`` (skip-gram with hierarchical softmax, its only model; its
stepSize 0.025; no subsampling) and by ``w2v.spark.fit``: ``w2v-sg-hs`` is the same model,
``w2v-sg-ns`` w2v's default, both with w2v's default subsampling (sample 1e-3); a ``-s0``
suffix (``w2v-sg-hs-s0``) turns subsampling off, as MLlib has it. All read the same cached
DataFrame of token arrays. words/s = corpus tokens x epochs / fit wall seconds (vocabulary
counting included for both). Quality: WordSim-353 Spearman and 3CosAdd analogy accuracy
(restrict_vocab 30000) with w2v's evaluators on each tool's vectors.

Prints a table and writes benchmarks/results/spark_speed.json. On a shared machine the
seconds are noisy; compare tools within one run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

import numpy as np
from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"


def _quality(words: list[str], vectors: np.ndarray, eval_dir: Path) -> tuple[float, float]:
    from w2v import KeyedVectors

    kv = KeyedVectors(words, vectors)
    ws = kv.evaluate_word_pairs(eval_dir / "wordsim353.tsv").spearman
    an = kv.evaluate_analogies(eval_dir / "questions-words.txt", restrict_vocab=30_000).accuracy
    return float(ws), 100.0 * float(an)


def main() -> None:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(DATA / "corpus.txt"))
    parser.add_argument("--eval-dir", default=str(DATA / "eval"))
    parser.add_argument("--bytes", type=int, default=6_000_000, help="corpus slice [6000000]")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--partitions", default="1,2,4")
    parser.add_argument(
        "--master",
        default="local[2]",
        help="local[N], spark://HOST:PORT, ... or 'standalone': start a master and "
        "--standalone-workers workers on 127.0.0.1 (w2v.spark_cluster) and train there",
    )
    parser.add_argument("--standalone-workers", type=int, default=2)
    parser.add_argument("--tools", default="mllib,w2v-sg-hs,w2v-sg-ns")
    parser.add_argument("--sync-every", type=int, default=None)
    parser.add_argument(
        "--single",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also fit Word2Vec(workers=WORKERS) on the same sentences (one machine) before "
        "each partition count, for each w2v tool; 'x single' = Spark fit s / its mean [0: no]",
    )
    parser.add_argument("--output", default=str(RESULTS / "spark_speed.json"))
    args = parser.parse_args()
    if args.master.startswith("local") or args.master == "standalone":
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # executors on this machine

    with open(args.corpus, "rb") as fh:
        data = fh.read(args.bytes)
    data = data[: data.rfind(b"\n") + 1].decode("utf-8")
    sentences = [line.split() for line in data.splitlines() if line.strip()]
    n_tokens = sum(map(len, sentences))
    eval_dir = Path(args.eval_dir)

    with contextlib.ExitStack() as stack:
        if args.master == "standalone":
            from w2v.spark_cluster import standalone_cluster

            args.master = stack.enter_context(standalone_cluster(args.standalone_workers))
        _run(args, sentences, n_tokens, eval_dir)


def _run(args: argparse.Namespace, sentences: list, n_tokens: int, eval_dir: Path) -> None:
    from pyspark import StorageLevel
    from pyspark.ml.feature import Word2Vec as MLlibWord2Vec

    import w2v.spark

    spark = w2v.spark.session(args.master, "w2v-spark-benchmark")
    spark.sparkContext.setLogLevel("ERROR")
    rows = []
    print(
        f"{n_tokens:,} words, {args.epochs} epochs, master {args.master}; "
        f"dim 100, window 5, min_count 5",
        file=sys.stderr,
    )
    header = (
        f"{'tool':<14} {'parts':>5} {'fit s':>8} {'x single':>8} {'words/s':>10} {'WS353':>7} "
        f"{'analogy %':>9}  read (count+encode) / jobs / merge s"
    )
    print(header)
    single: dict[str, list[float]] = {}
    for parts in [int(p) for p in args.partitions.split(",")]:
        for tool in args.tools.split(",") if args.single else []:
            if tool.startswith("w2v-"):
                rows.append(_single(args, tool, sentences, n_tokens, eval_dir))
                single.setdefault(tool, []).append(rows[-1]["fit_s"])
        df = spark.createDataFrame([(s,) for s in sentences], "tokens ARRAY<STRING>")
        df = df.repartition(parts).persist(StorageLevel.MEMORY_AND_DISK)
        df.count()
        for tool in args.tools.split(","):
            t0 = time.perf_counter()
            extra: dict = {}
            if tool == "mllib":
                est = MLlibWord2Vec(
                    vectorSize=100,
                    windowSize=5,
                    minCount=5,
                    maxIter=args.epochs,
                    numPartitions=parts,
                    seed=1,
                    inputCol="tokens",
                    outputCol="vec",
                )
                fitted = est.fit(df)
                got = fitted.getVectors().collect()
                seconds = time.perf_counter() - t0
                words = [r["word"] for r in got]
                vectors = np.array([r["vector"].toArray() for r in got], dtype=np.float32)
            else:
                sync = {} if args.sync_every is None else {"sync_every": args.sync_every}
                model = w2v.spark.fit(df, "tokens", **_tool_params(tool, args.epochs), **sync)
                seconds = time.perf_counter() - t0
                words, vectors = model.vocab.words, model.W_in
                skip = ("words", "partitions")
                extra = {k: v for k, v in model.fit_seconds.items() if k not in skip}
            ws, an = _quality(words, vectors, eval_dir)
            row = dict(
                tool=tool,
                partitions=parts,
                fit_s=seconds,
                words_per_s=n_tokens * args.epochs / seconds,
                ws353=ws,
                analogy=an,
                vocab=len(words),
                **extra,
            )
            if single.get(tool):
                row["x_single"] = seconds / float(np.mean(single[tool]))
            rows.append(row)
            _print_row(row)
        df.unpersist()
    spark.stop()
    meta = {
        "corpus": args.corpus,
        "bytes": args.bytes,
        "words": n_tokens,
        "epochs": args.epochs,
        "master": args.master,
        "rows": rows,
    }
    write_results("spark_speed", meta, args.output)


def _tool_params(tool: str, epochs: int) -> dict:
    """The w2v training parameters of ``tool`` (w2v-ARCH-LOSS, or w2v-ARCH-LOSS-s0 for no
    subsampling, as MLlib)."""
    _, arch, loss, *rest = tool.split("-")
    return dict(
        arch="skipgram" if arch == "sg" else "cbow",
        loss=loss,
        dim=100,
        window=5,
        min_count=5,
        epochs=epochs,
        sample=0.0 if rest == ["s0"] else 1e-3,
        seed=1,
    )


def _single(
    args: argparse.Namespace, tool: str, sentences: list, n_tokens: int, eval_dir: Path
) -> dict:
    """One machine: Word2Vec(workers=args.single).fit on the same sentences."""
    from w2v import Word2Vec

    t0 = time.perf_counter()
    model = Word2Vec(workers=args.single, **_tool_params(tool, args.epochs)).fit(sentences)
    seconds = time.perf_counter() - t0
    ws, an = _quality(model.vocab.words, model.W_in, eval_dir)
    row = dict(
        tool=f"single-{tool[4:]}",
        partitions=0,
        workers=args.single,
        fit_s=seconds,
        words_per_s=n_tokens * args.epochs / seconds,
        ws353=ws,
        analogy=an,
        vocab=len(model.vocab),
    )
    _print_row(row)
    return row


def _print_row(row: dict) -> None:
    ratio = f"{row['x_single']:>8.2f}" if "x_single" in row else f"{'':>8}"
    parts = (
        ""
        if "jobs" not in row
        else (
            f"  {row['read']:.1f} ({row.get('count', 0):.1f}+{row.get('encode', 0):.1f}) / "
            f"{row['jobs']:.1f} / {row['merge']:.1f}"
        )
    )
    print(
        f"{row['tool']:<14} {row['partitions']:>5} {row['fit_s']:>8.1f} {ratio} "
        f"{row['words_per_s']:>10,.0f} {row['ws353']:>7.3f} {row['analogy']:>9.2f}{parts}",
        flush=True,
    )


if __name__ == "__main__":
    main()
