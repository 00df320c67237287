"""Benchmark: time to the first trained word, and one long line against short lines.

    python benchmarks/startup_and_lines.py --corpus ../shared/data/corpus.txt

Time to first word: a fresh Python process imports the library, builds the vocabulary of a
tiny corpus and finishes its first training batch (compiled kernels loaded from Numba's
on-disk cache, which the first of --repeats runs warms). The same is timed for gensim 4.4
(import, build_vocab, first train call), in the same run.

Long line: the first --words words of the corpus are written twice, once with the corpus's
own line breaks and once as a single line, and w2v trains skip-gram NS on each (1 epoch,
--workers workers); the ratio of their raw words/s should be about 1.

Prints a table and writes benchmarks/results/startup_and_lines.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _results import RESULTS, write_results

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "data" / "corpus.txt"

FIRST_WORD = {
    "w2v": r"""
import time
t0 = time.perf_counter()
import w2v.engines.cpu as trainer
from w2v import Word2Vec
first = []
kernel = trainer.train_batch_skipgram
def timed(*args):
    out = kernel(*args)
    first.append(time.perf_counter())
    return out
trainer.train_batch_skipgram = timed
Word2Vec(arch="skipgram", loss="ns", min_count=1, epochs=1, workers=1, sample=0).fit(
    [["the", "quick", "brown", "fox", "jumps"]] * 20, progress=False)
print(first[0] - t0)
""",
    "gensim": r"""
import time
t0 = time.perf_counter()
from gensim.models import Word2Vec
m = Word2Vec(vector_size=100, min_count=1, sg=1, negative=5, workers=1, sample=0)
sentences = [["the", "quick", "brown", "fox", "jumps"]] * 20
m.build_vocab(sentences)
m.train(sentences, total_examples=len(sentences), epochs=1)
print(time.perf_counter() - t0)
""",
}

TRAIN = r"""
import sys
from w2v import Word2Vec

m = Word2Vec(arch="skipgram", loss="ns", epochs=1, workers=int(sys.argv[2]), seed=1)
m.fit(sys.argv[1], progress=False)
print(m.fit_seconds["train"], m.fit_seconds["words"])
"""


def _python(code: str, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{run.stderr[-2000:]}")
    return run.stdout.split("\n")[-2]


def first_word_seconds(tool: str, repeats: int) -> list[float]:
    """Seconds from process start to the end of the first training batch, per run."""
    _python(FIRST_WORD[tool])  # warm Numba's cache and the OS file cache
    return [float(_python(FIRST_WORD[tool])) for _ in range(repeats)]


def write_slices(corpus: str, words: int, tmp: str) -> tuple[str, str, int]:
    """The first ``words`` words of ``corpus`` as short lines and as one line."""
    short, long = os.path.join(tmp, "short.txt"), os.path.join(tmp, "long.txt")
    n = 0
    with (
        open(corpus, encoding="utf-8", errors="replace") as fin,
        open(short, "w") as fs,
        open(long, "w") as fl,
    ):
        for line in fin:
            tokens = line.split()[: words - n]
            if not tokens:
                continue
            fs.write(" ".join(tokens) + "\n")
            fl.write((" " if n else "") + " ".join(tokens))
            n += len(tokens)
            if n >= words:
                break
        fl.write("\n")
    return short, long, n


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--words", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", default=str(RESULTS / "startup_and_lines.json"))
    args = parser.parse_args(argv)

    result: dict = {}
    for tool in ("w2v", "gensim"):
        runs = first_word_seconds(tool, args.repeats)
        result[f"first_word_s_{tool}"] = statistics.median(runs)
        result[f"first_word_runs_{tool}"] = runs
    with tempfile.TemporaryDirectory() as tmp:
        short, long, n = write_slices(args.corpus, args.words, tmp)
        result["words"] = n
        for name, path in (("short_lines", short), ("one_line", long)):
            train_s, trained = (float(x) for x in _python(TRAIN, path, str(args.workers)).split())
            result[f"{name}_train_s"] = train_s
            result[f"{name}_wps"] = n / train_s
            result[f"{name}_trained_words"] = trained
    result["one_line_vs_short_lines"] = result["one_line_wps"] / result["short_lines_wps"]

    print(f"{'measure':<38}{'value':>12}")
    print(f"{'time to first word, w2v (median)':<38}{result['first_word_s_w2v']:>11.2f}s")
    print(f"{'time to first word, gensim (median)':<38}{result['first_word_s_gensim']:>11.2f}s")
    for name in ("short_lines", "one_line"):
        label = f"sg-ns {n / 1e6:.1f}M words, {name.replace('_', ' ')}"
        print(f"{label:<38}{result[f'{name}_wps'] / 1e3:>10.0f}k w/s")
    print(f"{'one line / short lines':<38}{result['one_line_vs_short_lines']:>11.2f}x")
    write_results("startup_and_lines", result, args.output)
    return result


if __name__ == "__main__":
    main()
