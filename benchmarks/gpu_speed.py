"""Benchmark: the PyTorch backend against the Numba CPU trainer, speed and quality, per variant.

    python benchmarks/gpu_speed.py --data ../shared/data --epochs 1
    python benchmarks/gpu_speed.py --device cpu --words 200000 --configs sg-ns,cbow-ns  # smoke

For each configuration it trains the same corpus twice — with ``device=--device`` (the
PyTorch backend) and with the CPU trainer on ``--cpu-workers`` threads — and reports raw
corpus words per second (every token read, before min_count and subsampling, times epochs,
over the training time without the vocabulary pass; and end to end, over the read pass plus
training), the speed ratio, the analogy accuracy (questions-words, restrict_vocab 30000) and
the WordSim-353 Spearman correlation of both. Before the timed fits, each configuration is
trained once on the first ``--warmup-words`` words on both devices (by default 50,000 on a
GPU, none otherwise), so CUDA's start, kernel loading and Numba's first compilation stay out
of the figures. A configuration that fails (its traceback goes to stderr) does not stop the
others; the run then exits with the failures. The data folder (``--data``, default
``../shared/data``) holds ``corpus.txt`` and ``eval/``; ``--corpus`` and ``--eval-dir``
override either.
Settings: dim 100, window 5, negative 5, min_count 5, sample 1e-3, word2vec.c's alphas.
The full-softmax configs train on the first ``--softmax-words`` words restricted to their
``--softmax-vocab`` most frequent (30,000); the CPU trainer, O(V) per example, gets only
the first ``--softmax-cpu-words`` of those. Backend knobs (--batch, --neg-group, --row-cap,
--chunk-words, --compile) set ``w2v.engines.torch.DEFAULT_OPTIONS`` (``_backend()`` is the one
place that imports the engine module itself; everything else goes through ``Word2Vec``).

Prints one table and writes the rows to benchmarks/results/gpu_speed.json; ``--rows FILE``
also appends each fit's row to FILE as one JSON line the moment it finishes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections import Counter

from _data import DEFAULT_DATA, corpus_path, count_words, eval_dir
from _results import RESULTS, append_row, write_results

CONFIGS = ("sg-ns", "cbow-ns", "sg-hs", "cbow-hs", "sg-softmax", "cbow-softmax")


def _slice(corpus: str, out: str, words: int | None, vocab: int | None) -> tuple[str, int]:
    """The first ``words`` words of ``corpus`` (all if None), optionally limited to its ``vocab``
    most frequent words, written to ``out``; returns (path, raw words)."""
    if words is None and vocab is None:  # the whole corpus: no copy, no token lists
        return corpus, count_words(corpus)
    lines, n = [], 0
    with open(corpus, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            toks = line.split()
            lines.append(toks)
            n += len(toks)
            if words is not None and n >= words:
                break
    if vocab is not None:
        keep = {w for w, _ in Counter(t for ln in lines for t in ln).most_common(vocab)}
        lines = [[t for t in ln if t in keep] for ln in lines]
    with open(out, "w", encoding="utf-8") as fh:
        for toks in lines:
            fh.write(" ".join(toks) + "\n")
    return out, sum(len(ln) for ln in lines)


def _train(cfg: str, corpus: str, raw: int, device: str | None, args) -> dict:
    from w2v import Word2Vec

    arch, loss = cfg.split("-")
    arch = "skipgram" if arch == "sg" else "cbow"
    model = Word2Vec(
        arch=arch,
        loss=loss,
        dim=args.dim,
        window=5,
        negative=5,
        sample=1e-3,
        min_count=1 if loss == "softmax" else args.min_count,
        epochs=args.epochs,
        workers=args.cpu_workers,
        seed=args.seed,
        device=device,
    )
    model.fit(corpus, progress=args.progress)
    train_s, read_s = model.fit_seconds["train"], model.fit_seconds["read"]
    row = {
        "config": cfg,
        "device": device or f"cpu-numba x{args.cpu_workers}",
        "train_s": train_s,
        "read_s": read_s,
        "raw_words": raw * args.epochs,
        "raw_wps": raw * args.epochs / train_s,
        "end_to_end_wps": raw * args.epochs / (read_s + train_s),
        "vocab": len(model.vocab),
        "loss": model.loss_history[-1],
        "analogy": None,
        "ws353": None,
    }
    if loss != "softmax":
        kv = model.wv
        row["analogy"] = kv.evaluate_analogies(
            os.path.join(args.eval_dir, "questions-words.txt"), restrict_vocab=30000
        ).accuracy
        row["ws353"] = kv.evaluate_word_pairs(
            os.path.join(args.eval_dir, "wordsim353.tsv")
        ).spearman
    return row


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * x:.2f}%" if pct else f"{x:.3f}"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder of corpus.txt, eval/")
    parser.add_argument("--corpus", default=None, help="corpus file [DATA/corpus.txt]")
    parser.add_argument("--words", type=int, default=None, help="use only the first N words")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu-workers", type=int, default=2)
    parser.add_argument("--no-cpu", action="store_true", help="skip the CPU trainer runs")
    parser.add_argument("--softmax-vocab", type=int, default=30_000)
    parser.add_argument("--softmax-words", type=int, default=1_000_000)
    parser.add_argument("--softmax-cpu-words", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=None)
    parser.add_argument("--neg-group", type=int, default=None)
    parser.add_argument("--row-cap", type=float, default=None, help="0 disables the cap")
    parser.add_argument("--chunk-words", type=int, default=None)
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--progress", action="store_true")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--warmup-words", type=int, default=None, help="[50000 on a GPU, else 0]")
    parser.add_argument("--eval-dir", default=None, help="evaluation files [DATA/eval]")
    parser.add_argument("--rows", default=None, help="append each fit's row to this JSONL file")
    parser.add_argument("--output", default=str(RESULTS / "gpu_speed.json"))
    args = parser.parse_args(argv)
    args.corpus = args.corpus or corpus_path(args.data)
    args.eval_dir = args.eval_dir or eval_dir(args.data)
    if not os.path.isfile(args.corpus):
        parser.error(f"corpus {args.corpus} not found; pass --data or --corpus")
    if args.warmup_words is None:
        args.warmup_words = 50_000 if args.device.startswith("cuda") else 0

    from dataclasses import replace

    tb = _backend()
    changes: dict = {"compile": args.compile}
    for name in ("batch", "neg_group", "chunk_words"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.row_cap is not None:
        changes["row_cap"] = args.row_cap or None
    tb.DEFAULT_OPTIONS = replace(tb.DEFAULT_OPTIONS, **changes)
    tb.resolve_device(args.device)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    rows: list[dict] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        main_corpus, main_raw = _slice(args.corpus, os.path.join(tmp, "c.txt"), args.words, None)
        if args.warmup_words:
            warm = _slice(args.corpus, os.path.join(tmp, "warm.txt"), args.warmup_words, None)[0]
        for cfg in args.configs.split(","):
            if "softmax" in cfg:
                sm = os.path.join(tmp, "softmax.txt")
                corpus, raw = _slice(args.corpus, sm, args.softmax_words, args.softmax_vocab)
                cpu_corpus, cpu_raw = _slice(
                    args.corpus, sm + ".cpu", args.softmax_cpu_words, args.softmax_vocab
                )
            else:
                corpus, raw = cpu_corpus, cpu_raw = main_corpus, main_raw
            pair: list[dict] = []
            try:
                devices = (args.device,) if args.no_cpu else (args.device, None)
                for device in devices if args.warmup_words else ():
                    # softmax is O(vocabulary) per example on the CPU: warm up on its small slice
                    _warm_up(cfg, cpu_corpus if "softmax" in cfg else warm, device, args)
                pair.append(_done(_train(cfg, corpus, raw, args.device, args), args))
                if not args.no_cpu:
                    pair.append(_done(_train(cfg, cpu_corpus, cpu_raw, None, args), args))
                    pair[0]["speed_vs_cpu"] = pair[0]["raw_wps"] / pair[1]["raw_wps"]
            except Exception as exc:  # one configuration's failure must not cost the others
                traceback.print_exc()
                failed.append(f"{cfg}: {type(exc).__name__}: {exc}")
            rows.extend(pair)
    print(
        f"{'config':<13}{'device':<17}{'vocab':>7}{'train s':>9}{'raw M w/s':>10}"
        f"{'e2e M w/s':>10}{'x CPU':>7}{'analogy':>9}{'WS353':>7}{'loss':>8}"
    )
    for r in rows:
        ratio = f"{r['speed_vs_cpu']:.1f}" if "speed_vs_cpu" in r else ""
        print(
            f"{r['config']:<13}{r['device']:<17}{r['vocab']:>7}{r['train_s']:>9.1f}"
            f"{r['raw_wps'] / 1e6:>10.3f}{r['end_to_end_wps'] / 1e6:>10.3f}{ratio:>7}"
            f"{_fmt(r['analogy'], True):>9}"
            f"{_fmt(r['ws353']):>7}{r['loss']:>8.3f}"
        )
    payload = {"gpu": _gpu_name(args.device), "options": repr(tb.DEFAULT_OPTIONS), "rows": rows}
    if argv is not None:
        payload["argv"] = argv
    write_results("gpu_speed", payload, args.output)
    if failed:  # the other configurations' rows are written; the run still failed
        raise SystemExit("failed: " + "; ".join(failed))
    return rows


def _done(row: dict, args) -> dict:
    """Append a finished fit's row to ``--rows`` at once and print its progress line."""
    append_row(args.rows, row)
    print(
        f"  {row['config']:<13}{row['device']:<16}{row['train_s']:8.1f} s "
        f"{row['raw_wps'] / 1e6:8.3f}M w/s",
        file=sys.stderr,
        flush=True,
    )
    return row


def _backend():
    """The PyTorch engine's module: the one import of its name in the benchmarks."""
    from w2v.engines import torch as torch_engine

    return torch_engine


def _warm_up(cfg: str, corpus: str, device: str | None, args) -> None:
    """One untimed fit of ``cfg`` on ``corpus`` (loads CUDA, kernels and compiled code)."""
    from w2v import Word2Vec

    arch, loss = cfg.split("-")
    Word2Vec(
        arch="skipgram" if arch == "sg" else "cbow",
        loss=loss,
        dim=args.dim,
        min_count=1,
        epochs=1,
        workers=args.cpu_workers,
        seed=args.seed,
        device=device,
    ).fit(corpus, progress=False)


def _gpu_name(device: str) -> str | None:
    import torch

    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    return None


if __name__ == "__main__":
    main()
