"""Evaluations equal gensim's on the same vectors: analogies (counts) and word pairs."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKV

from w2v import KeyedVectors, Word2Vec
from w2v.errors import FormatError


def _to_gensim(kv: KeyedVectors) -> GensimKV:
    g = GensimKV(kv.dim)
    g.add_vectors(kv.words, kv.vectors)
    return g


@pytest.fixture(scope="module")
def trained(shared_data_module, tmp_path_factory) -> KeyedVectors:
    """Vectors trained on ~0.5M words of the shared corpus (a few seconds)."""
    with open(shared_data_module / "corpus.txt", "rb") as fh:
        head = fh.read(3_000_000)
    path = tmp_path_factory.mktemp("slice") / "slice.txt"
    path.write_bytes(head[: head.rfind(b"\n")])
    return Word2Vec(arch="cbow", loss="ns", epochs=3, workers=1, seed=3).fit(path).wv


@pytest.fixture(scope="module")
def shared_data_module():
    from conftest import SHARED_DATA

    if not (SHARED_DATA / "corpus.txt").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.mark.parametrize("restrict", [30_000, 3_000])
def test_analogy_counts_equal_gensim(trained, shared_data_module, restrict):
    """Per-section correct/incorrect counts and the skipped count equal gensim's."""
    questions = shared_data_module / "eval" / "questions-words.txt"
    ours = trained.evaluate_analogies(questions, restrict_vocab=restrict)
    score, sections = _to_gensim(trained).evaluate_word_analogies(
        str(questions), restrict_vocab=restrict
    )
    theirs = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in sections}
    assert {s.name: (s.correct, s.incorrect) for s in ours.sections} == {
        k: v for k, v in theirs.items() if k != "Total accuracy"
    }
    assert ours.accuracy == pytest.approx(score, abs=0)
    assert ours.total.total == sum(theirs["Total accuracy"])
    assert ours.total.correct > 0  # a meaningful comparison, not 0 == 0
    assert ours.questions == 19_544 and ours.skipped > 0
    assert ours.semantic.total + ours.syntactic.total == ours.total.total


def test_word_pairs_equal_gensim(trained, shared_data_module):
    """Spearman, Pearson and the OOV ratio equal gensim's evaluate_word_pairs."""
    pairs = shared_data_module / "eval" / "wordsim353.tsv"
    ours = trained.evaluate_word_pairs(pairs)
    pearson, spearman, oov = _to_gensim(trained).evaluate_word_pairs(str(pairs))
    assert ours.spearman == pytest.approx(spearman.statistic, abs=1e-9)
    assert ours.pearson == pytest.approx(pearson.statistic, abs=1e-6)
    assert ours.oov_ratio == pytest.approx(oov, abs=1e-12)
    assert ours.pairs_used + ours.oov_pairs == 353


def test_case_folding_uses_the_most_frequent_spelling(tmp_path):
    """With case folding, 'PARIS' stands for the most frequent of Paris/paris, as in gensim."""
    rng = np.random.default_rng(0)
    words = ["paris", "france", "berlin", "germany", "Paris", "rome", "italy", "x", "y", "z"]
    vecs = rng.normal(size=(len(words), 6)).astype(np.float32)
    vecs[words.index("germany")] = (
        vecs[words.index("berlin")] - vecs[words.index("paris")] + vecs[words.index("france")]
    )
    kv = KeyedVectors(words, vecs)
    qfile = tmp_path / "q.txt"
    qfile.write_text(
        ": capitals\nParis France Berlin Germany\nrome italy paris FRANCE\n"
        "berlin germany nowhere land\nbad line\n: gram-test\nx y z x\n"
    )
    ours = kv.evaluate_analogies(qfile, restrict_vocab=None)
    _, sections = _to_gensim(kv).evaluate_word_analogies(str(qfile), restrict_vocab=len(words))
    assert [(s.name, s.correct, s.incorrect) for s in ours.sections] == [
        (s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections[:-1]
    ]
    assert ours.sections[0].correct >= 1  # the planted question is answered right
    assert ours.skipped == 1 and ours.invalid_lines == 1
    assert ours.syntactic.total == 1 and ours.semantic.total == 2


def test_word_pairs_accept_spaces_and_comments(tmp_path):
    """Space-separated pairs and # comments work; malformed lines are counted."""
    vectors = np.random.default_rng(1).normal(size=(4, 5)).astype(np.float32)
    kv = KeyedVectors(["a", "b", "c", "d"], vectors)
    path = tmp_path / "pairs.txt"
    path.write_text("# comment\na b 1.0\nA c 2.0\nb d 3\nc nothere 4\nnot a number x\n")
    result = kv.evaluate_word_pairs(path)
    assert (result.pairs_used, result.oov_pairs, result.invalid_lines) == (3, 1, 1)
    assert result.oov_ratio == pytest.approx(25.0)


def test_too_few_pairs_is_a_clear_error(tmp_path):
    """A pair file with fewer than two usable pairs raises FormatError saying why."""
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "pairs.txt"
    path.write_text("a zz 1\n")
    with pytest.raises(FormatError, match=r"only 0 usable word pair\(s\) \(1 out of vocabulary"):
        kv.evaluate_word_pairs(path)


def test_question_before_section_is_an_error(tmp_path):
    """An analogy line before any ': section' header raises FormatError with the line."""
    kv = KeyedVectors(["a", "b", "c", "d"], np.eye(4, dtype=np.float32))
    path = tmp_path / "q.txt"
    path.write_text("a b c d\n")
    with pytest.raises(FormatError, match="line 1: a question before any"):
        kv.evaluate_analogies(path)
