"""Standard evaluations: Google-style analogies (3CosAdd) and word-pair similarity benchmarks.

Both follow gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs`` question for
question — the same vocabulary restriction, case folding (the most frequent spelling of a
case-folded word stands for it), out-of-vocabulary skipping and choice of prediction — so the
counts and scores can be compared with published gensim figures. The work is batched: all
analogy questions of a file are answered with one matrix product per chunk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._progress import quiet_bar
from .errors import FormatError

if TYPE_CHECKING:
    from .vectors import KeyedVectors

#: Questions answered per matrix product (bounds memory to chunk × restrict_vocab floats).
_CHUNK = 1024
#: gensim looks at its top 5 answers for the first one that is not a question word.
_TOPN = 5


@dataclass
class SectionResult:
    """Correct and incorrect questions of one ``: section`` of an analogy file."""

    name: str
    correct: int = 0
    incorrect: int = 0

    @property
    def total(self) -> int:
        """Questions answered (both words in vocabulary)."""
        return self.correct + self.incorrect

    @property
    def accuracy(self) -> float:
        """correct / answered, or 0.0 when nothing was answered (as gensim)."""
        return self.correct / self.total if self.total else 0.0


@dataclass
class AnalogyResult:
    """The outcome of an analogy evaluation.

    ``sections`` are in file order; ``semantic`` and ``syntactic`` pool the sections whose
    names do not / do start with ``gram`` (the Google set's convention); ``skipped`` counts
    questions with a word outside the (restricted) vocabulary; ``invalid_lines`` counts lines
    that are not four words.
    """

    sections: list[SectionResult] = field(default_factory=list)
    skipped: int = 0
    invalid_lines: int = 0

    def _pool(self, name: str, keep) -> SectionResult:
        pooled = SectionResult(name)
        for s in self.sections:
            if keep(s):
                pooled.correct += s.correct
                pooled.incorrect += s.incorrect
        return pooled

    @property
    def total(self) -> SectionResult:
        """All sections pooled."""
        return self._pool("total", lambda s: True)

    @property
    def semantic(self) -> SectionResult:
        """Sections whose names do not start with 'gram'."""
        return self._pool("semantic", lambda s: not s.name.startswith("gram"))

    @property
    def syntactic(self) -> SectionResult:
        """Sections whose names start with 'gram'."""
        return self._pool("syntactic", lambda s: s.name.startswith("gram"))

    @property
    def accuracy(self) -> float:
        """Total accuracy over answered questions."""
        return self.total.accuracy

    @property
    def questions(self) -> int:
        """Well-formed questions in the file: answered plus skipped."""
        return self.total.total + self.skipped

    def to_dict(self) -> dict:
        """Counts and accuracies as plain data (for JSON)."""

        def row(s: SectionResult) -> dict:
            return {
                "section": s.name,
                "correct": s.correct,
                "total": s.total,
                "accuracy": s.accuracy,
            }

        return {
            "sections": [row(s) for s in self.sections],
            "semantic": row(self.semantic),
            "syntactic": row(self.syntactic),
            "total": row(self.total),
            "questions": self.questions,
            "answered": self.total.total,
            "skipped": self.skipped,
            "invalid_lines": self.invalid_lines,
        }


@dataclass
class WordPairResult:
    """Correlation of model cosine similarities with human judgements."""

    spearman: float
    spearman_pvalue: float
    pearson: float
    pearson_pvalue: float
    pairs_used: int
    oov_pairs: int
    invalid_lines: int

    @property
    def oov_ratio(self) -> float:
        """Percentage of well-formed pairs skipped for out-of-vocabulary words (as gensim)."""
        n = self.pairs_used + self.oov_pairs
        return 100.0 * self.oov_pairs / n if n else 0.0

    def to_dict(self) -> dict:
        """The figures as plain data (for JSON)."""
        return {
            "spearman": self.spearman,
            "pearson": self.pearson,
            "pairs_used": self.pairs_used,
            "oov_pairs": self.oov_pairs,
            "oov_ratio": self.oov_ratio,
            "invalid_lines": self.invalid_lines,
        }


def _ok_vocab(kv: KeyedVectors, restrict_vocab: int | None, case_insensitive: bool) -> dict:
    """Word → row for the first ``restrict_vocab`` words; with case folding the most
    frequent spelling of each upper-cased word wins (gensim's rule)."""
    words = kv.words[:restrict_vocab] if restrict_vocab is not None else kv.words
    ok: dict[str, int] = {}
    for i in range(len(words) - 1, -1, -1):  # reversed, so frequent spellings overwrite
        ok[words[i].upper() if case_insensitive else words[i]] = i
    return ok


def _read_lines(path: str | os.PathLike) -> list[str]:
    p = str(path)
    if not os.path.exists(p):
        raise FileNotFoundError(f"Evaluation file not found: {p!r}.")
    with open(p, "rb") as fh:
        return fh.read().decode("utf-8", errors="replace").split("\n")


def evaluate_analogies(
    kv: KeyedVectors,
    path: str | os.PathLike,
    restrict_vocab: int | None = 30_000,
    case_insensitive: bool = True,
    progress: bool = False,
) -> AnalogyResult:
    """Answer "a is to b as c is to ?" questions with 3CosAdd and score them.

    The answer is the word closest by cosine to unit(b) + unit(c) − unit(a) among the first
    ``restrict_vocab`` words, excluding a, b and c. Questions with any word outside those
    words are skipped (counted in ``skipped``), as gensim does by default. ``progress`` shows
    the questions answered (and the time left) on stderr, once they take over a second.
    """
    ok = _ok_vocab(kv, restrict_vocab, case_insensitive)
    result = AnalogyResult()
    questions: list[tuple[int, int, int, int, str, str, str, str]] = []
    owners: list[SectionResult] = []
    section: SectionResult | None = None
    for line_no, line in enumerate(_read_lines(path), start=1):
        if line.startswith(": "):
            section = SectionResult(line[2:].strip())
            result.sections.append(section)
            continue
        if not line.strip():
            continue
        if section is None:
            raise FormatError(f"{path}: line {line_no}: a question before any ': section' line.")
        words = [w.upper() for w in line.split()] if case_insensitive else line.split()
        if len(words) != 4:
            result.invalid_lines += 1
            continue
        if any(w not in ok for w in words):
            result.skipped += 1
            continue
        a, b, c, expected = words
        questions.append((ok[a], ok[b], ok[c], ok[expected], a, b, c, expected))
        owners.append(section)
    if not questions:
        return result
    n = kv.normed.astype(np.float64)
    limit = len(kv.words) if restrict_vocab is None else min(restrict_vocab, len(kv.words))
    search = n[:limit]
    folded = [w.upper() if case_insensitive else w for w in kv.words[:limit]]
    bar = quiet_bar(progress, desc="analogies", total=len(questions), unit="q")
    try:
        for start in range(0, len(questions), _CHUNK):
            _score_chunk(questions, owners, start, n, search, folded, ok, limit)
            if bar is not None:
                bar.update(min(_CHUNK, len(questions) - start))
    finally:
        if bar is not None:
            bar.close()
    return result


def _score_chunk(
    questions: list[tuple[int, int, int, int, str, str, str, str]],
    owners: list[SectionResult],
    start: int,
    n: np.ndarray,
    search: np.ndarray,
    folded: list[str],
    ok: dict,
    limit: int,
) -> None:
    """Answer the questions ``start .. start + _CHUNK − 1`` and count them in their sections."""
    chunk = questions[start : start + _CHUNK]
    idx = np.array([q[:3] for q in chunk])  # (B, 3)
    query = n[idx[:, 1]] + n[idx[:, 2]] - n[idx[:, 0]]  # (B, dim)
    query /= np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-300)
    sims = query @ search.T  # (B, limit)
    sims[np.arange(len(chunk))[:, None], idx] = -np.inf  # input rows are never answers
    k = min(_TOPN, limit)
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    rows = zip(chunk, top, sims, owners[start : start + _CHUNK], strict=True)
    for q, candidates, row, owner in rows:
        ignore = set(q[4:7])
        predicted = None
        for cand in candidates:
            if row[cand] == -np.inf:  # a question word (tiny vocabularies only)
                continue
            predicted = folded[cand]
            if predicted in ok and predicted not in ignore:
                break
        if predicted == q[7]:
            owner.correct += 1
        else:
            owner.incorrect += 1


def evaluate_word_pairs(
    kv: KeyedVectors,
    path: str | os.PathLike,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
) -> WordPairResult:
    """Spearman and Pearson correlation of cosine similarity with a human-rated pair file.

    Lines are ``word1 word2 score``, tab- or space-separated; lines starting with ``#`` are
    comments. Pairs with a word outside the first ``restrict_vocab`` words are skipped and
    counted.
    """
    from scipy import stats  # a runtime dependency of evaluation only

    ok = _ok_vocab(kv, restrict_vocab, case_insensitive)
    left: list[int] = []
    right: list[int] = []
    gold: list[float] = []
    oov = invalid = 0
    for line in _read_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        try:
            a, b, score = (p.strip() for p in parts)
            value = float(score)
        except ValueError:
            invalid += 1
            continue
        if case_insensitive:
            a, b = a.upper(), b.upper()
        if a not in ok or b not in ok:
            oov += 1
            continue
        left.append(ok[a])
        right.append(ok[b])
        gold.append(value)
    if len(gold) < 2:
        raise FormatError(
            f"{path}: only {len(gold)} usable word pair(s) ({oov} out of vocabulary, {invalid} "
            "malformed lines); need at least 2 to correlate."
        )
    n = kv.normed.astype(np.float64)
    model = np.einsum("ij,ij->i", n[left], n[right])
    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    return WordPairResult(
        spearman=float(spearman.statistic),
        spearman_pvalue=float(spearman.pvalue),
        pearson=float(pearson.statistic),
        pearson_pvalue=float(pearson.pvalue),
        pairs_used=len(gold),
        oov_pairs=oov,
        invalid_lines=invalid,
    )
