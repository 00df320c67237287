"""Benchmark: learn phrases (count words and pairs) with w2v and gensim 4.4 in the same run.

    python benchmarks/phrases_speed.py [--corpus ../shared/data/corpus.txt] [--min-count 5]
                                      [--threshold 100] [--words N]

Times ``w2v.Phrases(...).fit(path)`` against ``gensim.models.phrases.Phrases(LineSentence(path),
...)`` (gensim's own reader, with long lines kept whole so both see the same sentences), both
on the same corpus with the same min_count and threshold, in this order, in one process
(w2v's compiled counter is loaded from Numba's cache first, outside the timing). Reports
wall and CPU seconds, words/s, the ratio, the number of phrases each finds above the
threshold and the overlap of their top-100 phrases by score. gensim's default scorer
multiplies by its table size instead of the corpus size, so its scores are a constant factor
smaller and it finds fewer phrases; the ranking is the same formula, so the top-100
should overlap almost fully.
Results are printed as a table and written to benchmarks/results/phrases_speed.json.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _results import write_results

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "corpus.txt"


def _slice(corpus: Path, words: int, tmp: str) -> Path:
    """The first lines of ``corpus`` holding about ``words`` words, in a temporary file."""
    out = Path(tmp) / "slice.txt"
    n = 0
    with open(corpus, encoding="utf-8") as fin, open(out, "w", encoding="utf-8") as fout:
        for line in fin:
            fout.write(line)
            n += len(line.split())
            if n >= words:
                break
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=100.0)
    parser.add_argument("--words", type=int, help="only the first lines, about N words")
    args = parser.parse_args(argv)

    from gensim.models.phrases import Phrases as GensimPhrases
    from gensim.models.word2vec import LineSentence

    from w2v import Phrases

    with tempfile.TemporaryDirectory() as tmp:
        corpus = _slice(args.corpus, args.words, tmp) if args.words else args.corpus
        Phrases(min_count=1).fit([["warm", "up"]])  # load the compiled counter from cache

        t, c = time.perf_counter(), time.process_time()
        ours = Phrases(min_count=args.min_count, threshold=args.threshold).fit(corpus)
        w2v_s, w2v_cpu = time.perf_counter() - t, time.process_time() - c

        t, c = time.perf_counter(), time.process_time()
        theirs = GensimPhrases(
            LineSentence(str(corpus), max_sentence_length=1 << 40),
            min_count=args.min_count,
            threshold=args.threshold,
        )
        gensim_s, gensim_cpu = time.perf_counter() - t, time.process_time() - c

    words = ours.total_words
    if theirs.corpus_word_count != words:
        raise SystemExit(f"word counts differ: w2v {words}, gensim {theirs.corpus_word_count}")
    ours_table = ours.phrase_table()
    theirs_table = sorted(theirs.export_phrases().items(), key=lambda kv: (-kv[1], kv[0]))
    top_ours = {p for p, _, _ in ours_table[:100]}
    top_theirs = {p for p, _ in theirs_table[:100]}
    result = {
        "corpus": str(args.corpus),
        "words": words,
        "min_count": args.min_count,
        "threshold": args.threshold,
        "w2v_s": w2v_s,
        "gensim_s": gensim_s,
        "w2v_words_per_s": words / w2v_s,
        "gensim_words_per_s": words / gensim_s,
        "speedup": gensim_s / w2v_s,
        "w2v_cpu_s": w2v_cpu,
        "gensim_cpu_s": gensim_cpu,
        "cpu_speedup": gensim_cpu / w2v_cpu,
        "w2v_phrases": len(ours_table),
        "gensim_phrases": len(theirs_table),
        "top100_overlap": len(top_ours & top_theirs),
    }
    print(f"phrases on {words:,} words, min_count {args.min_count}, threshold {args.threshold}")
    print("| tool | seconds | CPU seconds | words/s | phrases |\n|---|---|---|---|---|")
    for name, wall, cpu, n in (
        ("w2v", w2v_s, w2v_cpu, len(ours_table)),
        ("gensim 4.4", gensim_s, gensim_cpu, len(theirs_table)),
    ):
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {words / wall:,.0f} | {n:,} |")
    print(
        f"w2v is {result['speedup']:.2f}x gensim ({result['cpu_speedup']:.2f}x in CPU time); "
        f"top-100 phrases in common: {result['top100_overlap']}"
    )
    write_results("phrases_speed", result)
    return result


if __name__ == "__main__":
    main()
