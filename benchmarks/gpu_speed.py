"""Benchmark: the PyTorch backend against the Numba CPU trainer, speed and quality, per variant.

    python benchmarks/gpu_speed.py --corpus ../shared/data/corpus.txt --epochs 1
    python benchmarks/gpu_speed.py --device cpu --words 200000 --configs sg-ns,cbow-ns  # smoke

For each configuration it trains the same corpus twice — with ``device=--device`` (the
PyTorch backend) and with the CPU trainer on ``--cpu-workers`` threads — and reports raw
corpus words per second (every token read, before min_count and subsampling, times epochs,
over the training time without the vocabulary pass), the speed ratio, the analogy accuracy
(questions-words, restrict_vocab 30000) and the WordSim-353 Spearman correlation of both.
Settings: dim 100, window 5, negative 5, min_count 5, sample 1e-3, word2vec.c's alphas.
The full-softmax configs train on the first ``--softmax-words`` words restricted to their
``--softmax-vocab`` most frequent (30,000); the CPU trainer, O(V) per example, gets only
the first ``--softmax-cpu-words`` of those. Backend knobs (--batch, --neg-group, --row-cap,
--chunk-words, --compile) set ``w2v.engines.torch.DEFAULT_OPTIONS``.

Prints one table and writes the rows to benchmarks/results/gpu_speed.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EVAL = ROOT.parent / "shared" / "data" / "eval"
CONFIGS = ("sg-ns", "cbow-ns", "sg-hs", "cbow-hs", "sg-softmax", "cbow-softmax")


def _slice(corpus: str, out: str, words: int | None, vocab: int | None) -> tuple[str, int]:
    """The first ``words`` words of ``corpus`` (all if None), optionally limited to its ``vocab``
    most frequent words, written to ``out``; returns (path, raw words)."""
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
    train_s = model.fit_seconds["train"]
    row = {
        "config": cfg,
        "device": device or f"cpu-numba x{args.cpu_workers}",
        "train_s": train_s,
        "raw_words": raw * args.epochs,
        "raw_wps": raw * args.epochs / train_s,
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
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "corpus.txt"))
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
    parser.add_argument("--eval-dir", default=str(EVAL))
    parser.add_argument("--output", default=str(RESULTS / "gpu_speed.json"))
    args = parser.parse_args(argv)

    from dataclasses import replace

    from w2v.engines import torch as tb

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
    with tempfile.TemporaryDirectory() as tmp:
        main_corpus, main_raw = _slice(args.corpus, os.path.join(tmp, "c.txt"), args.words, None)
        for cfg in args.configs.split(","):
            if "softmax" in cfg:
                sm = os.path.join(tmp, "softmax.txt")
                corpus, raw = _slice(args.corpus, sm, args.softmax_words, args.softmax_vocab)
                cpu_corpus, cpu_raw = _slice(
                    args.corpus, sm + ".cpu", args.softmax_cpu_words, args.softmax_vocab
                )
            else:
                corpus, raw = cpu_corpus, cpu_raw = main_corpus, main_raw
            pair = [_train(cfg, corpus, raw, args.device, args)]
            if not args.no_cpu:
                pair.append(_train(cfg, cpu_corpus, cpu_raw, None, args))
                pair[0]["speed_vs_cpu"] = pair[0]["raw_wps"] / pair[1]["raw_wps"]
            for r in pair:
                print(
                    f"  {cfg:<13}{r['device']:<16}{r['train_s']:8.1f} s "
                    f"{r['raw_wps'] / 1e6:8.3f}M w/s",
                    file=sys.stderr,
                    flush=True,
                )
            rows.extend(pair)
    print(
        f"{'config':<13}{'device':<17}{'vocab':>7}{'train s':>9}{'raw M w/s':>10}"
        f"{'x CPU':>7}{'analogy':>9}{'WS353':>7}{'loss':>8}"
    )
    for r in rows:
        ratio = f"{r['speed_vs_cpu']:.1f}" if "speed_vs_cpu" in r else ""
        print(
            f"{r['config']:<13}{r['device']:<17}{r['vocab']:>7}{r['train_s']:>9.1f}"
            f"{r['raw_wps'] / 1e6:>10.3f}{ratio:>7}{_fmt(r['analogy'], True):>9}"
            f"{_fmt(r['ws353']):>7}{r['loss']:>8.3f}"
        )
    payload = {"gpu": _gpu_name(args.device), "options": repr(tb.DEFAULT_OPTIONS), "rows": rows}
    if argv is not None:
        payload["argv"] = argv
    write_results("gpu_speed", payload, args.output)
    return rows


def _gpu_name(device: str) -> str | None:
    import torch

    if device.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(device))
    return None


if __name__ == "__main__":
    main()
