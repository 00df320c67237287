"""Benchmark: train w2v and gensim 4.4 on the same corpus, one after the other, and compare.

    python benchmarks/train_speed.py --corpus ../shared/data/corpus.txt --epochs 1
    python benchmarks/train_speed.py --corpus ../shared/data/corpus.txt --configs sg-ns \\
        --tools w2v,gensim_file --workers 1

Each (config, tool) trains in a fresh subprocess, so peak RSS is its own. Train seconds
exclude building the vocabulary (w2v's single read-and-encode pass; gensim's build_vocab).
Tools: ``w2v`` (its per-pair kernels: ``minibatch=False``, also for skip-gram NS where
minibatch is the default); ``gensim_iter`` (gensim with LineSentence); ``gensim_file``
(gensim's faster ``corpus_file=`` mode); ``w2v_1w`` (w2v with one worker, for the 2-worker/1-worker
scaling column); ``w2v_shared`` (w2v with the opt-in ``shared_negatives``, skip-gram NS
only; ``w2v_shared_1w`` on one worker); ``w2v_mb`` and ``w2v_mb_1w`` (w2v with the
opt-in ``minibatch``, HogBatch, on the given workers and on one; sg-ns, sg-hs and
cbow-ns); ``pw2v`` (Intel's pWord2Vec, skip-gram NS only, added when the environment
variable W2V_PW2V_BIN names a ``pWord2Vec`` binary built by
``../shared/tools/pword2vec/build.sh``; run with ``-batch-size 11``, its time is its whole
run like word2vec.c's); ``w2v_c`` (word2vec.c, added when the environment variable W2V_C_BIN names a
``word2vec`` binary built by ``benchmarks/build_word2vec_c.sh``; its time is its whole run,
so its ratio compares it with w2v's read pass plus training). Settings: dim 100, window 5,
min_count 5, sample 1e-3, negative 5 (NS) or hs (HS), alpha 0.025 skip-gram / 0.05 CBOW for
every tool. The full softmax config (sg-softmax, cbow-softmax) runs w2v alone with a
10,000-word vocabulary (--softmax-vocab) on the first 2M words.

Before the fits, the peak FMA rate of this machine is measured with a float32 dot product
on in-cache data (Numba, one and ``--workers`` threads), and every w2v row gets the fraction
of that peak its negative-sampling products reach: 6·dim·(negative+1) flops per example
(scores, output and input gradients), with the examples estimated from the vocabulary's
counts (kept words = Σ count·min(1, keep probability); skip-gram: kept × (window+1) pairs;
CBOW: one example per kept word).

Prints one table (train s, raw words/s, effective words/s, peak RSS MB, analogy % with
restrict_vocab 30000, WordSim-353 Spearman, and w2v/gensim ratios) and writes the same rows
to benchmarks/results/train_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _data import count_words
from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EVAL = ROOT.parent / "shared" / "data" / "eval"

CONFIGS = ("sg-ns", "sg-hs", "cbow-ns", "cbow-hs", "sg-softmax", "cbow-softmax")

# The child: train one (config, tool) and print one JSON line.
CHILD = r"""
import json, os, resource, subprocess, sys, time

cfg, tool, corpus, epochs, workers, min_count, seed = sys.argv[1:8]
epochs, workers, min_count, seed = int(epochs), int(workers), int(min_count), int(seed)
arch, loss = cfg.split("-")
arch = "skipgram" if arch == "sg" else "cbow"
alpha = 0.05 if arch == "cbow" else 0.025
out = {"config": cfg, "tool": tool}
if tool.endswith("_1w"):  # one worker: the denominator of the thread scaling
    workers = 1
if tool.startswith("w2v") and tool != "w2v_c":
    from w2v import Word2Vec
    m = Word2Vec(arch=arch, loss=loss, dim=100, window=5, negative=5, sample=1e-3,
                 min_count=min_count, epochs=epochs, workers=workers, seed=seed, alpha=alpha,
                 shared_negatives=tool.startswith("w2v_shared"),
                 minibatch=tool.startswith("w2v_mb"))
    m.fit(corpus, progress=False)
    out.update(train_s=m.fit_seconds["train"], vocab_s=m.fit_seconds["read"],
               words=m.fit_seconds["words"] * epochs, vocab=len(m.vocab))
    import numpy as np
    counts = np.asarray(m.vocab.counts, dtype=np.float64)
    f = counts / counts.sum()
    keep = np.minimum(1.0, (np.sqrt(f / 1e-3) + 1.0) * 1e-3 / f)
    kept = float((counts * keep).sum()) * epochs
    out["examples_est"] = kept * (6 if arch == "skipgram" else 1)
    words, vectors = m.vocab.words, m.W_in
elif tool.startswith("gensim"):
    from gensim.models import Word2Vec as G
    from gensim.models.word2vec import LineSentence
    kw = dict(vector_size=100, window=5, min_count=min_count, sample=1e-3,
              sg=int(arch == "skipgram"), hs=int(loss == "hs"),
              negative=5 if loss == "ns" else 0, alpha=alpha, min_alpha=alpha * 1e-4,
              workers=workers, seed=seed)
    m = G(**kw)
    t = time.perf_counter()
    if tool == "gensim_file":
        m.build_vocab(corpus_file=corpus)
    else:
        m.build_vocab(LineSentence(corpus))
    vocab_s = time.perf_counter() - t
    t = time.perf_counter()
    if tool == "gensim_file":
        m.train(corpus_file=corpus, total_words=m.corpus_total_words, total_examples=m.corpus_count,
                epochs=epochs)
    else:
        m.train(LineSentence(corpus), total_examples=m.corpus_count, epochs=epochs)
    out.update(train_s=time.perf_counter() - t, vocab_s=vocab_s, vocab=len(m.wv),
               words=float(sum(m.wv.get_vecattr(w, "count") for w in m.wv.index_to_key)) * epochs)
    words, vectors = m.wv.index_to_key, m.wv.vectors
else:  # word2vec.c, or pWord2Vec (the same flags, plus its batch size)
    exe = os.environ["W2V_PW2V_BIN" if tool == "pw2v" else "W2V_C_BIN"]
    vec = corpus + f".{cfg}.w2vc.bin"
    cmd = [exe, "-train", corpus, "-output", vec, "-size", "100", "-window", "5",
           "-sample", "1e-3", "-negative", "5" if loss == "ns" else "0",
           "-hs", "1" if loss == "hs" else "0", "-cbow", "1" if arch == "cbow" else "0",
           "-threads", str(workers), "-iter", str(epochs), "-min-count", str(min_count),
           "-alpha", str(alpha), "-binary", "1"]
    if tool == "pw2v":  # skip-gram NS only: no -hs, no -cbow; one window per minibatch
        cmd = [c for i, c in enumerate(cmd) if c not in ("-hs", "-cbow")
               and cmd[i - 1] not in ("-hs", "-cbow")] + ["-batch-size", "11"]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    out.update(train_s=time.perf_counter() - t, vocab_s=0.0)
    from w2v import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(vec, binary=True)
    os.unlink(vec)
    keep = [i for i, w in enumerate(kv.words) if w != "</s>"]
    words, vectors = [kv.words[i] for i in keep], kv.vectors[keep]
    out.update(vocab=len(words), words=None)
# Linux keeps ru_maxrss across exec: a child started by a large parent inherits the parent's
# peak. VmHWM is this process image's own peak (the benchmark's parent read the corpus).
try:
    with open("/proc/self/status") as fh:
        rss = next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if tool in ("w2v_c", "pw2v"):  # its parent (this small child) has no corpus or model
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
out["peak_rss_mb"] = rss
from w2v import KeyedVectors
kv = KeyedVectors(list(words), vectors)
ev = os.environ["W2V_EVAL"]
questions = os.path.join(ev, "questions-words.txt")
out["analogy"] = kv.evaluate_analogies(questions, restrict_vocab=30000).accuracy
out["ws353"] = kv.evaluate_word_pairs(os.path.join(ev, "wordsim353.tsv")).spearman
print("RESULT " + json.dumps(out))
"""


#: The tools the child knows (``w2v_c`` needs W2V_C_BIN and ``pw2v`` W2V_PW2V_BIN; each is
#: added when its variable is set).
TOOLS = (
    "w2v",
    "w2v_1w",
    "w2v_shared",
    "w2v_shared_1w",
    "w2v_mb",
    "w2v_mb_1w",
    "gensim_iter",
    "gensim_file",
    "w2v_c",
    "pw2v",
)
#: The per-pair runs the minibatch rows are compared with (the same worker count).
BASELINES = ("w2v", "w2v_1w", "w2v_shared", "w2v_shared_1w")
#: Tools that run only for some configs.
ONLY = {
    "w2v_shared": ("sg-ns",),
    "w2v_shared_1w": ("sg-ns",),
    "w2v_mb": ("sg-ns", "sg-hs", "cbow-ns"),
    "w2v_mb_1w": ("sg-ns", "sg-hs", "cbow-ns"),
    "pw2v": ("sg-ns",),
}

PEAK = r"""
import json, sys, threading, time
import numpy as np
from numba import njit

@njit(nogil=True, fastmath=True, cache=False)
def dots(a, b, reps):
    total = np.float32(0.0)
    for _ in range(reps):
        acc = np.float32(0.0)
        for k in range(a.shape[0]):
            acc += a[k] * b[k]
        total += acc
        a[0] = total * np.float32(1e-30)  # keeps the loop from being hoisted
    return total

n, reps = 1024, 200_000
out = {}
for threads in sorted({1, int(sys.argv[1])}):
    data = [(np.ones(n, np.float32), np.ones(n, np.float32)) for _ in range(threads)]
    dots(*data[0], 10)
    best = 0.0
    for _ in range(3):
        ts = [threading.Thread(target=dots, args=(a, b, reps)) for a, b in data]
        t = time.perf_counter()
        for th in ts:
            th.start()
        for th in ts:
            th.join()
        best = max(best, threads * 2.0 * n * reps / (time.perf_counter() - t))
    out[threads] = best
print("PEAK " + json.dumps(out))
"""


def fma_peak(workers: int) -> dict[int, float]:
    """The dot-product kernel's float32 flops/s on 1 and ``workers`` threads (best of 3)."""
    run = subprocess.run(
        [sys.executable, "-c", PEAK, str(workers)], capture_output=True, text=True, check=True
    )
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("PEAK "))
    return {int(k): v for k, v in json.loads(line[5:]).items()}


def _softmax_corpus(corpus: str, tmp: str, vocab_size: int, words: int) -> str:
    """The first ``words`` words of the corpus, limited to its ``vocab_size`` most frequent."""
    from collections import Counter

    with open(corpus, encoding="utf-8", errors="replace") as fh:
        lines, n = [], 0
        for line in fh:
            toks = line.split()
            lines.append(toks)
            n += len(toks)
            if n >= words:
                break
    keep = {w for w, _ in Counter(t for ln in lines for t in ln).most_common(vocab_size)}
    path = os.path.join(tmp, "softmax.txt")
    with open(path, "w") as fh:
        for toks in lines:
            fh.write(" ".join(t for t in toks if t in keep) + "\n")
    return path


def run_one(cfg: str, tool: str, corpus: str, args: argparse.Namespace) -> dict | None:
    env = dict(os.environ, W2V_EVAL=str(args.eval_dir))
    cmd = [
        sys.executable,
        "-c",
        CHILD,
        cfg,
        tool,
        corpus,
        str(args.epochs),
        str(args.workers),
        "1" if "softmax" in cfg else str(args.min_count),
        str(args.seed),
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    for line in run.stdout.splitlines():
        if line.startswith("RESULT "):
            row = json.loads(line[7:])
            row["raw_words"] = args.raw_words[corpus] * args.epochs
            row["raw_wps"] = row["raw_words"] / row["train_s"]
            row["effective_wps"] = (row["words"] or row["raw_words"]) / row["train_s"]
            return row
    print(f"{cfg} {tool} failed:\n{run.stderr[-2000:]}", file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "corpus.txt"))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--configs", default="sg-ns,sg-hs,cbow-ns,cbow-hs,sg-softmax")
    parser.add_argument("--tools", default="w2v,w2v_1w,gensim_iter,gensim_file")
    parser.add_argument("--softmax-vocab", type=int, default=10_000)
    parser.add_argument("--softmax-words", type=int, default=20_000)
    parser.add_argument("--eval-dir", default=str(EVAL))
    parser.add_argument("--output", default=str(RESULTS / "train_speed.json"))
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:  # an unknown name would otherwise fall through to the word2vec.c branch
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    if "w2v_c" in tools and not os.environ.get("W2V_C_BIN"):
        parser.error("--tools w2v_c needs W2V_C_BIN (see benchmarks/build_word2vec_c.sh)")
    if os.environ.get("W2V_C_BIN") and "w2v_c" not in tools:
        tools.append("w2v_c")
    if "pw2v" in tools and not os.environ.get("W2V_PW2V_BIN"):
        parser.error("--tools pw2v needs W2V_PW2V_BIN (see ../shared/tools/pword2vec/build.sh)")
    if os.environ.get("W2V_PW2V_BIN") and "pw2v" not in tools:
        tools.append("pw2v")
    peak = fma_peak(args.workers)
    rates = ", ".join(f"{t} thread(s) {v / 1e9:.1f} Gflop/s" for t, v in peak.items())
    print(
        f"  peak FMA (dot product): {rates}",
        file=sys.stderr,
    )
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        args.raw_words = {args.corpus: count_words(args.corpus)}
        for cfg in args.configs.split(","):
            corpus = args.corpus
            cfg_tools = [t for t in tools if cfg in ONLY.get(t, (cfg,))]
            if "softmax" in cfg:
                corpus = _softmax_corpus(args.corpus, tmp, args.softmax_vocab, args.softmax_words)
                args.raw_words[corpus] = count_words(corpus)
                cfg_tools = ["w2v"]
            for tool in cfg_tools:
                row = run_one(cfg, tool, corpus, args)
                if row:
                    rows.append(row)
                    print(
                        f"  {cfg:<12} {tool:<12} {row['train_s']:8.1f} s "
                        f"{row['raw_wps'] / 1e3:8.0f}k w/s",
                        file=sys.stderr,
                        flush=True,
                    )
    by = {(r["config"], r["tool"]): r for r in rows}
    for r in rows:
        if r.get("examples_est") and "-ns" in r["config"]:
            w = 1 if r["tool"].endswith("_1w") else args.workers
            flops = 6 * 100 * (5 + 1) * r["examples_est"]
            r["fma_fraction"] = flops / r["train_s"] / peak[w]
        base = by.get((r["config"], "w2v_mb" if r["tool"] == "w2v_mb_1w" else "w2v_1w"))
        if r["tool"] == "w2v_mb_1w" and base:
            r["scaling_vs_1_worker"] = base["raw_wps"] / r["raw_wps"]
        for other in BASELINES:  # the minibatch kernel against the others, same workers
            o = by.get((r["config"], other))
            if (
                r["tool"].startswith("w2v_mb")
                and o
                and other.endswith("_1w") == r["tool"].endswith("_1w")
            ):
                r[f"speed_vs_{other}"] = r["raw_wps"] / o["raw_wps"]
        one = by.get((r["config"], "w2v_1w"))
        if r["tool"] == "w2v" and one:
            r["scaling_vs_1_worker"] = r["raw_wps"] / one["raw_wps"]
        for ref in ("gensim_file", "gensim_iter"):
            g = by.get((r["config"], ref))
            if r["tool"] in ("w2v", "w2v_shared", "w2v_mb") and g:
                r[f"speed_vs_{ref}"] = r["raw_wps"] / g["raw_wps"]
                r[f"rss_vs_{ref}"] = r["peak_rss_mb"] / g["peak_rss_mb"]
                r[f"analogy_minus_{ref}"] = r["analogy"] - g["analogy"]
                r[f"ws353_minus_{ref}"] = r["ws353"] - g["ws353"]
        p = by.get((r["config"], "pw2v"))
        if r["tool"] in ("w2v", "w2v_shared", "w2v_mb") and p:
            r["speed_vs_pw2v_end_to_end"] = p["train_s"] / (r["vocab_s"] + r["train_s"])
        c = by.get((r["config"], "w2v_c"))
        if r["tool"] in ("w2v", "w2v_shared", "w2v_mb") and c:
            # word2vec.c's time is its whole run (counting, its tables, training), so compare
            # it with w2v's read-and-encode pass plus training.
            r["speed_vs_w2v_c_end_to_end"] = c["train_s"] / (r["vocab_s"] + r["train_s"])
            r["analogy_minus_w2v_c"] = r["analogy"] - c["analogy"]
            r["ws353_minus_w2v_c"] = r["ws353"] - c["ws353"]
    head = (
        f"{'config':<13}{'tool':<12}{'train s':>8}{'raw w/s':>10}{'eff w/s':>10}"
        f"{'RSS MB':>8}{'analogy':>9}{'WS353':>7}{'scale':>7}  w2v/gensim_file  w2v/gensim_iter"
        + ("  w2v/word2vec.c (end to end)" if any(r["tool"] == "w2v_c" for r in rows) else "")
    )
    print(head)
    for r in rows:
        ratio = "".join(
            f"  {r[f'speed_vs_{ref}']:5.2f}x spd {r[f'rss_vs_{ref}']:4.2f}x rss"
            if f"speed_vs_{ref}" in r
            else ""
            for ref in ("gensim_file", "gensim_iter")
        )
        if "speed_vs_w2v_c_end_to_end" in r:
            ratio += f"  {r['speed_vs_w2v_c_end_to_end']:5.2f}x"
        for other in BASELINES:
            if f"speed_vs_{other}" in r:
                ratio += f"  {r[f'speed_vs_{other}']:4.2f}x {other}"
        if "speed_vs_pw2v_end_to_end" in r:
            ratio += f"  {r['speed_vs_pw2v_end_to_end']:4.2f}x pWord2Vec (end to end)"
        if "fma_fraction" in r:
            ratio += f"  {100 * r['fma_fraction']:4.1f}% of peak FMA"
        one = r.get("scaling_vs_1_worker")
        scale = f"{one:>6.2f}x" if one else " " * 7
        print(
            f"{r['config']:<13}{r['tool']:<12}{r['train_s']:>8.1f}{r['raw_wps'] / 1e3:>9.0f}k"
            f"{r['effective_wps'] / 1e3:>9.0f}k{r['peak_rss_mb']:>8.0f}{100 * r['analogy']:>8.2f}%"
            f"{r['ws353']:>7.3f}{scale}{ratio}"
        )
    write_results("train_speed", {"rows": rows, "peak_flops": peak}, args.output)
    return rows


if __name__ == "__main__":
    main()
