"""Benchmark: load a word2vec binary (and text) file with w2v and gensim in the same run.

    python benchmarks/load_speed.py --words 1000000 --dim 300 [--repeat 3] [--text]

Writes a random vectors file (words "w0", "w1", ... of realistic length), then times each
loader ``--repeat`` times in alternation and reports the best time of each and the ratio
gensim/w2v. Results are printed as a table and written to benchmarks/results/load_speed.json.
The first w2v call of a process also loads the compiled scanner from Numba's cache; that
cost is included (each repeat runs in a fresh subprocess).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from _results import write_results

_LOADERS = {
    "w2v": "from w2v import KeyedVectors as K; kv = K.load_word2vec_format(p, binary=b)",
    "gensim": (
        "from gensim.models import KeyedVectors as K; kv = K.load_word2vec_format(p, binary=b)"
    ),
}


def _time_in_subprocess(tool: str, path: str, binary: bool) -> float:
    code = (
        "import sys, time; p, b = sys.argv[1], sys.argv[2] == '1'; t = time.perf_counter();"
        f"{_LOADERS[tool]}; print(time.perf_counter() - t, len(kv))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, path, "1" if binary else "0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--text", action="store_true", help="also time the text format")
    args = parser.parse_args(argv)

    from w2v.formats import save_word2vec_format

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(args.words)]
    vectors = rng.standard_normal((args.words, args.dim), dtype=np.float32)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        formats = [("binary", True)] + ([("text", False)] if args.text else [])
        for name, binary in formats:
            path = str(Path(tmp) / f"vectors.{name}")
            save_word2vec_format(path, words, vectors, binary=binary)
            size_mb = Path(path).stat().st_size / 2**20
            times: dict[str, list[float]] = {"w2v": [], "gensim": []}
            for _ in range(args.repeat):
                for tool in times:
                    times[tool].append(_time_in_subprocess(tool, path, binary))
            best = {tool: min(t) for tool, t in times.items()}
            rows.append(
                {
                    "format": name,
                    "words": args.words,
                    "dim": args.dim,
                    "file_mb": size_mb,
                    "w2v_s": best["w2v"],
                    "gensim_s": best["gensim"],
                    "speedup": best["gensim"] / best["w2v"],
                    "all_times": times,
                }
            )
    print(f"{'format':<8}{'words':>10}{'dim':>5}{'MB':>8}{'w2v s':>9}{'gensim s':>10}{'ratio':>8}")
    for r in rows:
        print(
            f"{r['format']:<8}{r['words']:>10}{r['dim']:>5}{r['file_mb']:>8.0f}"
            f"{r['w2v_s']:>9.2f}{r['gensim_s']:>10.2f}{r['speedup']:>7.1f}x"
        )
    result = {"rows": rows}
    write_results("load_speed", result)
    return result


if __name__ == "__main__":
    main()
