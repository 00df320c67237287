"""The demo: train a real model in seconds and show what it learned.

By default the corpus is the generated text of :mod:`w2v.synthetic`, whose planted relations
(capital/country, male/female, singular/plural) a skip-gram model recovers: the demo prints
nearest neighbours, a few analogies ("man is to king as woman is to ?") and its accuracy on all
the planted analogy questions, scored here with 3CosAdd, top-1, the question words excluded.
``--corpus text8`` downloads text8 (17M words of Wikipedia, once, to the cache folder) and
trains one epoch on it instead, falling back to the synthetic corpus when there is no network.

Results go to stdout, progress and notes to stderr. The command is ``w2v demo`` (in :mod:`w2v.cli`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import Any, TextIO

from .errors import ConfigError
from .model import Word2Vec
from .synthetic import analogy_questions, generate_corpus
from .vectors import KeyedVectors

CORPORA: tuple[str, ...] = ("synthetic", "text8")

#: Synthetic corpus size: 100,000 sentences are about 820,000 words, 294 of them distinct.
SYNTHETIC_SENTENCES = 100_000

#: Settings per corpus. The synthetic corpus is small, so several epochs of a small model; text8
#: (17M words) gets word2vec.c's text8 recipe for one quick epoch (sample=1e-4, dim 100).
_SETTINGS: dict[str, dict[str, Any]] = {
    "synthetic": {
        "arch": "skipgram",
        "loss": "ns",
        "dim": 50,
        "window": 5,
        "negative": 5,
        "sample": 1e-3,
        "min_count": 5,
        "epochs": 5,
    },
    "text8": {
        "arch": "skipgram",
        "loss": "ns",
        "dim": 100,
        "window": 5,
        "negative": 5,
        "sample": 1e-4,
        "min_count": 5,
        "epochs": 1,
    },
}

_NEIGHBOUR_WORDS = {"synthetic": ("king", "paris", "cats"), "text8": ("king", "paris", "computer")}
#: (a, b, c, expected d): "a is to b as c is to d".
_EXAMPLES: tuple[tuple[str, str, str, str], ...] = (
    ("man", "king", "woman", "queen"),
    ("france", "paris", "germany", "berlin"),
    ("cat", "cats", "dog", "dogs"),
    ("actor", "actress", "prince", "princess"),
)
_TOPN = 5


def score_analogies(kv: KeyedVectors, lines: Iterable[str]) -> dict[str, dict[str, int]]:
    """Score analogy questions with 3CosAdd, top-1, the three question words excluded.

    ``lines`` are in the Google ``questions-words.txt`` format: ``": section"`` headers, then
    ``"a b c d"`` lines, each right when ``kv.most_similar(positive=[b, c], negative=[a])``
    ranks ``d`` first. Returns ``{section: {"correct", "total", "skipped"}}`` in file order;
    a question with a word missing from ``kv`` is skipped (counted in ``skipped``, not in
    ``total``).
    """
    sections: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(":"):
            current = sections.setdefault(
                line[1:].strip(), {"correct": 0, "total": 0, "skipped": 0}
            )
            continue
        if current is None:
            current = sections.setdefault("questions", {"correct": 0, "total": 0, "skipped": 0})
        a, b, c, d = line.lower().split()
        if not all(w in kv for w in (a, b, c, d)):
            current["skipped"] += 1
            continue
        answer = kv.most_similar(positive=[b, c], negative=[a], topn=1)
        current["total"] += 1
        current["correct"] += int(bool(answer) and answer[0][0] == d)
    return sections


def run_demo(
    corpus: str = "synthetic",
    *,
    epochs: int | None = None,
    workers: int | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    cache_dir: str | None = None,
    url: str | None = None,
    n_sentences: int = SYNTHETIC_SENTENCES,
    seed: int = 1,
) -> dict[str, Any]:
    """Train a model on the demo corpus, print what it learned, and return the numbers.

    Parameters
    ----------
    corpus : {"synthetic", "text8"}
        The generated planted-analogy corpus (default), or text8, downloaded once to
        ``cache_dir``; without network the synthetic corpus is used instead (said on ``err``).
    epochs, workers : int, optional
        Override the corpus's epochs (synthetic 5, text8 1) and the number of threads
        (default: all cores).
    out, err : text streams, optional
        Where the results and the progress notes go; default ``sys.stdout``/``sys.stderr``
        at the time of the call.
    cache_dir, url : str, optional
        Passed to :func:`w2v.download.fetch_text8` for ``corpus="text8"``.
    n_sentences, seed : int
        Size and seed of the synthetic corpus (``seed`` also seeds the training).

    Returns
    -------
    dict
        ``corpus`` (the one used), ``requested_corpus``, ``fell_back``, ``sentences``,
        ``words``, ``vocab_size``, ``config``, ``train_seconds``, ``total_seconds``,
        ``neighbours`` ({word: [[neighbour, cosine], ...]}), ``analogies`` (list of dicts),
        ``sections`` ({section: {correct, total, skipped, accuracy}}), ``correct``,
        ``questions``, ``skipped`` and ``accuracy`` (planted analogies answered right,
        0..1). JSON-serialisable.

    Examples
    --------
    >>> result = run_demo(n_sentences=20_000, epochs=3)  # doctest: +SKIP
    >>> result["accuracy"] > 0.9  # doctest: +SKIP
    True
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    if corpus not in CORPORA:
        raise ConfigError(
            f"Unknown demo corpus {corpus!r}; use one of {', '.join(repr(c) for c in CORPORA)}."
        )

    def make_model(name: str) -> Word2Vec:
        params = dict(_SETTINGS[name], seed=seed)
        if epochs is not None:
            params["epochs"] = epochs
        if workers is not None:
            params["workers"] = workers
        return Word2Vec(**params)  # validates: a bad value fails before any download

    t_start = time.perf_counter()
    model = make_model(corpus)
    requested, fell_back = corpus, False
    text8_path = None
    if corpus == "text8":
        from .download import TEXT8_URL, DownloadError, fetch_text8

        try:
            text8_path = fetch_text8(cache_dir, url=url or TEXT8_URL, progress=_is_tty(err))
        except DownloadError as exc:
            print(
                f"w2v demo: cannot download text8 ({exc}) - no network? "
                "Using the synthetic corpus instead.",
                file=err,
            )
            corpus, fell_back = "synthetic", True
            model = make_model(corpus)
    cfg = model.config

    if corpus == "synthetic":
        print(f"w2v demo: generating {n_sentences:,} synthetic sentences (seed {seed})", file=err)
        data: Any = generate_corpus(n_sentences, seed=seed)
        source = f"synthetic corpus of {n_sentences:,} sentences (seed {seed})"
    else:
        data = str(text8_path)
        source = f"text8 ({text8_path})"

    print(f"w2v demo: training on {source}", file=err)
    t0 = time.perf_counter()
    model.fit(data, progress=_is_tty(err) and err is sys.stderr)
    train_seconds = time.perf_counter() - t0
    kv = model.wv
    stats = model.read_stats
    n_words = stats.tokens

    print(f"w2v demo - {source}", file=out)
    print(
        f"{n_words:,} words, {len(kv):,} in the vocabulary (min_count {cfg.min_count}); "
        f"{_describe(cfg)}",
        file=out,
    )

    neighbours: dict[str, list[list[Any]]] = {}
    print("\nnearest neighbours (cosine)", file=out)
    for word in _NEIGHBOUR_WORDS[corpus]:
        if word not in kv:
            continue
        near = kv.most_similar(word, topn=_TOPN)
        neighbours[word] = [[n, round(s, 4)] for n, s in near]
        print(f"  {word:<8} " + ", ".join(f"{n} {s:.2f}" for n, s in near), file=out)

    analogies: list[dict[str, Any]] = []
    print("\nanalogies: a is to b as c is to ?  (3CosAdd: b - a + c)", file=out)
    for a, b, c, expected in _EXAMPLES:
        if not all(w in kv for w in (a, b, c)):
            continue
        ranked = kv.most_similar(positive=[b, c], negative=[a], topn=3)
        answer, score = ranked[0]
        analogies.append(
            {
                "a": a,
                "b": b,
                "c": c,
                "expected": expected,
                "answer": answer,
                "score": round(score, 4),
                "top": [[n, round(s, 4)] for n, s in ranked],
            }
        )
        verdict = "right" if answer == expected else f"expected {expected}"
        others = ", ".join(n for n, _ in ranked[1:])
        print(
            f"  {a} is to {b} as {c} is to {answer} ({score:.2f}; {verdict}; then {others})",
            file=out,
        )

    scores = score_analogies(kv, analogy_questions())
    sections = {
        name: dict(s, accuracy=s["correct"] / s["total"] if s["total"] else 0.0)
        for name, s in scores.items()
    }
    correct = sum(s["correct"] for s in scores.values())
    questions = sum(s["total"] for s in scores.values())
    skipped = sum(s["skipped"] for s in scores.values())
    accuracy = correct / questions if questions else 0.0
    print("\nplanted analogy questions (3CosAdd, top-1, question words excluded)", file=out)
    for name, s in sections.items():
        note = f"  ({s['skipped']} skipped: words not in the vocabulary)" if s["skipped"] else ""
        print(
            f"  {name:<16} {s['correct']:>4}/{s['total']:<4} {100 * s['accuracy']:5.1f}%{note}",
            file=out,
        )
    print(f"  {'total':<16} {correct:>4}/{questions:<4} {100 * accuracy:5.1f}%", file=out)
    total_seconds = time.perf_counter() - t_start
    print(
        f"\ntraining time {train_seconds:.1f} s (vocabulary, kernels compiled on first use, "
        f"{cfg.epochs} epoch{'s' if cfg.epochs != 1 else ''}); demo total {total_seconds:.1f} s",
        file=out,
    )

    return {
        "corpus": corpus,
        "requested_corpus": requested,
        "fell_back": fell_back,
        "sentences": stats.sentences,
        "words": n_words,
        "vocab_size": len(kv),
        "config": cfg.to_dict(),
        "train_seconds": train_seconds,
        "total_seconds": total_seconds,
        "neighbours": neighbours,
        "analogies": analogies,
        "sections": sections,
        "correct": correct,
        "questions": questions,
        "skipped": skipped,
        "accuracy": accuracy,
    }


def _describe(cfg: Any) -> str:
    arch = "skip-gram" if cfg.arch == "skipgram" else "CBOW"
    loss = {
        "ns": f"negative sampling ({cfg.negative})",
        "hs": "hierarchical softmax",
        "softmax": "full softmax",
    }[cfg.loss]
    return (
        f"{arch}, {loss}, dim {cfg.dim}, window {cfg.window}, {cfg.epochs} epoch"
        f"{'s' if cfg.epochs != 1 else ''}, {cfg.n_workers} worker"
        f"{'s' if cfg.n_workers != 1 else ''}, seed {cfg.seed}"
    )


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


__all__ = ["run_demo", "score_analogies"]
