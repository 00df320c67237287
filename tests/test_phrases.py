"""Phrases: counting, scoring, greedy joining, bounded memory, files, CLI and real text."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

import w2v.corpus
import w2v.phrases
from w2v import CorpusError, FormatError, NotFittedError, Phrases, Word2Vec
from w2v.cli import main
from w2v.errors import ConfigError

PLANTED = [("alpha", "beta"), ("gamma", "delta"), ("new", "york")]


def planted_corpus(n_sentences: int = 3000, seed: int = 0) -> list[list[str]]:
    """Random filler sentences with planted collocations and a planted sentence boundary.

    Fillers f0..f99 follow a Zipf-like law, so frequent fillers co-occur often by chance.
    "alpha beta" and "gamma delta" are always adjacent; "new" is followed by "york" 90% of
    the time (else by a filler) and "york" also occurs alone. Every 7th sentence ends with
    "omega" and the next one starts with "psi": a strong pair, but across a sentence end.
    """
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, 101)
    p /= p.sum()
    sentences = []
    for s in range(n_sentences):
        words = [f"f{k}" for k in rng.choice(100, size=rng.integers(5, 15), p=p)]
        for _ in range(rng.integers(0, 3)):
            at = int(rng.integers(0, len(words) + 1))
            r = rng.random()
            if r < 0.3:
                ins = ["alpha", "beta"]
            elif r < 0.6:
                ins = ["gamma", "delta"]
            elif r < 0.9:
                ins = ["new", "york"] if rng.random() < 0.9 else ["new", f"f{rng.integers(100)}"]
            else:
                ins = ["york"]
            words[at:at] = ins
        if s % 7 == 0:
            words.append("omega")
        if s % 7 == 1:
            words.insert(0, "psi")
        sentences.append(words)
    return sentences


def reference_join(sentences, phrases: Phrases) -> list[list[str]]:
    """word2phrase's left-to-right loop, one token at a time, scoring with phrases.score."""
    out = []
    for sentence in sentences:
        joined, i = [], 0
        while i < len(sentence):
            if (
                i + 1 < len(sentence)
                and phrases.score(sentence[i], sentence[i + 1]) > phrases.threshold
            ):
                joined.append(sentence[i] + phrases.delimiter + sentence[i + 1])
                i += 2
            else:
                joined.append(sentence[i])
                i += 1
        out.append(joined)
    return out


def write_lines(path, sentences) -> None:
    path.write_text("".join(" ".join(s) + "\n" for s in sentences))


@pytest.fixture(scope="module")
def planted():
    corpus = planted_corpus()
    return corpus, Phrases(min_count=5, threshold=10.0).fit(corpus)


# ------------------------------------------------------------------ learning


def test_planted_collocations_are_found_and_nothing_else(planted):
    """Exactly the planted pairs score above the threshold; chance pairs and the pair across
    sentence ends do not."""
    _, phrases = planted
    found = {row[0] for row in phrases.phrase_table()}
    assert found == {"alpha_beta", "gamma_delta", "new_york"}
    # The most frequent fillers are adjacent often, yet score low.
    assert phrases.count("f0", "f0") > 100
    assert phrases.score("f0", "f0") < 5
    # "omega" ends every 7th sentence and "psi" starts the next: never counted as a pair.
    assert phrases.count("omega") > 400 and phrases.count("psi") > 400
    assert phrases.count("omega", "psi") == 0
    assert phrases.score("omega", "psi") == -np.inf


def test_counts_equal_a_counter_across_pieces_and_chunks(tmp_path, monkeypatch):
    """Word and pair counts equal collections.Counter's, also when long lines are read in
    pieces and counted in chunks of 7 tokens (pairs across chunk edges, none across lines)."""
    rng = np.random.default_rng(3)
    sentences = [
        [f"w{k}" for k in rng.integers(0, 12, rng.integers(1, 40))] for _ in range(200)
    ] + [[f"w{k}" for k in rng.integers(0, 12, 3000)]]  # one long line
    path = tmp_path / "c.txt"
    write_lines(path, sentences)
    words = Counter(w for s in sentences for w in s)
    pairs = Counter(p for s in sentences for p in zip(s, s[1:], strict=False))

    monkeypatch.setattr(w2v.corpus, "BLOCK_BYTES", 64)
    monkeypatch.setattr(w2v.phrases, "CHUNK_WORDS", 7)
    for source in (sentences, path):
        phrases = Phrases(min_count=1).fit(source)
        assert phrases.total_words == sum(words.values())
        assert {w: phrases.count(w) for w in words} == dict(words)
        assert len(phrases.pair_keys) == len(pairs)
        assert all(phrases.count(a, b) == c for (a, b), c in pairs.items())


def test_min_count_drops_rare_words_and_pairs():
    """Words and pairs seen fewer than min_count times are not kept and never scored."""
    corpus = [["a", "b"]] * 4 + [["a", "c"]] * 2 + [["c", "d"]] * 2
    phrases = Phrases(min_count=3, threshold=-1e9).fit(corpus)
    assert phrases.words == ["a", "b", "c"]  # d: 2 < 3
    assert phrases.count("a", "b") == 4
    assert phrases.count("a", "c") == 0  # 2 < 3
    assert {row[0] for row in phrases.phrase_table()} == {"a_b"}


# ------------------------------------------------------------------ scoring


# counts: new 8, york 7, car 5, old 1; 21 tokens; pairs new-york 6, new-car 2, old-york 1
HAND = [["new", "york"]] * 6 + [["new", "car"]] * 2 + [["old", "york"]] + [["car"]] * 3


def test_word2vec_score_equals_hand_computation():
    """score = (count(ab) - min_count) / (count(a) count(b)) * total_words, as word2vec.c."""
    phrases = Phrases(min_count=5, threshold=0.3).fit(HAND)
    assert phrases.total_words == 21
    assert phrases.score("new", "york") == pytest.approx((6 - 5) / (8 * 7) * 21, rel=1e-12)
    assert phrases.score("new", "car") == -np.inf  # the pair is seen 2 < 5 times
    assert phrases["new york new car".split()] == ["new_york", "new", "car"]
    low = Phrases(min_count=2, threshold=-0.5).fit(HAND)
    assert low.score("new", "car") == pytest.approx((2 - 2) / (8 * 5) * 21, abs=1e-15)
    # 0.375 is not strictly greater than 0.375: not joined.
    assert len(Phrases(min_count=5, threshold=0.375).fit(HAND)) == 0


def test_npmi_score_equals_hand_computation():
    """NPMI = ln(p(ab) / (p(a) p(b))) / -ln p(ab), with p = count / total_words."""
    phrases = Phrases(min_count=5, threshold=0.6, scoring="npmi").fit(HAND)
    expected = math.log((6 / 21) / ((8 / 21) * (7 / 21))) / -math.log(6 / 21)
    assert expected == pytest.approx(math.log(2.25) / math.log(3.5), rel=1e-12)
    assert phrases.score("new", "york") == pytest.approx(expected, rel=1e-12)
    assert len(phrases) == 1
    assert len(Phrases(min_count=5, threshold=0.65, scoring="npmi").fit(HAND)) == 0


def test_scores_agree_with_gensim(planted):
    """On the planted corpus gensim 4.4 finds the same phrases with the same NPMI scores,
    and its default scores are ours times len(gensim's table) / total_words."""
    from gensim.models.phrases import Phrases as GensimPhrases

    corpus, _ = planted
    ours = Phrases(min_count=5, threshold=0.3, scoring="npmi").fit(corpus)
    theirs = GensimPhrases(corpus, min_count=5, threshold=0.3, scoring="npmi")
    expected = theirs.export_phrases()
    got = {p: s for p, _, s in ours.phrase_table()}
    assert got.keys() == expected.keys() and len(got) >= 3
    assert all(got[p] == pytest.approx(expected[p], rel=1e-9) for p in got)

    ours = Phrases(min_count=5, threshold=1.0).fit(corpus)
    theirs = GensimPhrases(corpus, min_count=5, threshold=1e-9)
    factor = len(theirs.vocab) / ours.total_words
    for phrase, _, score in ours.phrase_table():
        assert theirs.export_phrases()[phrase] == pytest.approx(score * factor, rel=1e-9)


# ------------------------------------------------------------------ applying


def test_transform_equals_the_greedy_reference(tmp_path, monkeypatch):
    """Joining is greedy left to right (a b c with ab, bc phrases gives a_b c), never across
    sentences, and the same for lists, files read in small pieces and small chunks."""
    rng = np.random.default_rng(5)
    # Few words, so many pairs are phrases and overlapping candidates are common.
    sentences = [[f"w{k}" for k in rng.integers(0, 6, rng.integers(1, 30))] for _ in range(300)]
    sentences += [[f"w{k}" for k in rng.integers(0, 6, 2000)]]
    phrases = Phrases(min_count=2, threshold=0.0, scoring="npmi").fit(sentences)
    assert 5 <= len(phrases) <= 31
    expected = reference_join(sentences, phrases)
    assert any(len(e) < len(s) for e, s in zip(expected, sentences, strict=True))
    assert list(phrases.transform(sentences)) == expected
    assert [phrases[s] for s in sentences] == expected

    path = tmp_path / "c.txt"
    write_lines(path, sentences)
    monkeypatch.setattr(w2v.corpus, "BLOCK_BYTES", 50)
    monkeypatch.setattr(w2v.phrases, "CHUNK_WORDS", 5)
    small = Phrases.load(_saved(phrases, tmp_path))  # chunk size is read at use
    joined = small.transform(path)
    assert list(joined) == expected
    assert list(joined) == expected  # re-iterable


def _saved(phrases: Phrases, tmp_path) -> str:
    path = str(tmp_path / "p.npz")
    phrases.save(path)
    return path


def test_overlapping_candidates_take_the_leftmost():
    """With a_b and b_c both phrases, "a b c" becomes "a_b c" and "b c" becomes "b_c"."""
    corpus = [["a", "b", "c"]] * 5 + [["x"]] * 20
    phrases = Phrases(min_count=1, threshold=1.0).fit(corpus)
    assert phrases.score("a", "b") > 1 and phrases.score("b", "c") > 1
    assert phrases[["a", "b", "c", "b", "c"]] == ["a_b", "c", "b_c"]


def test_second_pass_learns_longer_phrases():
    """A Phrases learned on the joined corpus joins new_york with times."""
    rng = np.random.default_rng(2)
    corpus = []
    for _ in range(2000):
        s = [f"f{k}" for k in rng.integers(0, 50, 8)]
        s.insert(int(rng.integers(0, 9)), "new york times" if rng.random() < 0.5 else "new york")
        corpus.append(" ".join(s).split())
    first = Phrases(min_count=5, threshold=5.0).fit(corpus)
    assert first[["new", "york", "times"]] == ["new_york", "times"]
    second = Phrases(min_count=5, threshold=5.0).fit(first.transform(corpus))
    assert "new_york_times" in {row[0] for row in second.phrase_table()}
    both = list(second.transform(first.transform(corpus)))
    assert sum(s.count("new_york_times") for s in both) == sum(
        " ".join(s).count("new york times") for s in corpus
    )


def test_transform_composes_with_word2vec_fit(planted, tmp_path):
    """Word2Vec.fit trains on phrases.transform(path) and on transform(list)."""
    corpus, phrases = planted
    path = tmp_path / "c.txt"
    write_lines(path, corpus[:800])
    kwargs = dict(dim=8, min_count=1, epochs=2, workers=1, sample=0.0, seed=1)
    model = Word2Vec(**kwargs).fit(phrases.transform(path), progress=False)
    assert {"new_york", "alpha_beta", "gamma_delta"} <= set(model.wv.words)
    from_list = Word2Vec(**kwargs).fit(phrases.transform(corpus[:800]), progress=False)
    assert from_list.wv.words == model.wv.words
    assert np.array_equal(from_list.wv.vectors, model.wv.vectors)


def test_one_shot_source_is_refused_when_read_twice(planted):
    """A generator under transform() can be read once; a second reading raises."""
    _, phrases = planted
    joined = phrases.transform(iter([["new", "york"]]))
    assert list(joined) == [["new_york"]]
    with pytest.raises(CorpusError, match="one-shot"):
        list(joined)
    with pytest.raises(CorpusError, match="one-shot"):
        Word2Vec(min_count=1, epochs=2).fit(phrases.transform(iter([["new", "york"]])))


# ------------------------------------------------------------------ bounded memory


def test_counting_memory_stays_bounded(monkeypatch):
    """With many distinct tokens, the table never holds more than max_vocab_size plus two
    chunks of entries, and frequent words and pairs keep their exact counts."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 10**9, 60_000)
    corpus = []
    for k in range(0, len(noise), 20):
        corpus.append([f"n{x}" for x in noise[k : k + 20]] + ["alpha", "beta"])
    phrases = Phrases(min_count=5, threshold=10.0, max_vocab_size=4000)
    assert phrases.chunk_words == 1024
    phrases.fit(corpus)
    assert phrases._peak_entries <= 4000 + 2 * 1024
    assert phrases._peak_entries > 4000  # pruning was needed
    assert phrases.prune_level >= 1
    assert phrases.count("alpha") == phrases.count("beta") == len(corpus)
    assert phrases.count("alpha", "beta") == len(corpus)
    assert {row[0] for row in phrases.phrase_table()} == {"alpha_beta"}
    unbounded = Phrases(min_count=1, max_vocab_size=10**9).fit(corpus)
    assert unbounded._peak_entries > 60_000 and unbounded.prune_level == 0


# ------------------------------------------------------------------ files


def test_save_load_round_trip_and_export(planted, tmp_path):
    """A loaded model has the same parameters, counts, scores and output; the TSV export lists
    the phrase table by descending score."""
    corpus, phrases = planted
    path = tmp_path / "p.npz"
    phrases.save(path)
    loaded = Phrases.load(path)
    assert repr(loaded) == repr(phrases)
    assert loaded.words == phrases.words and loaded.total_words == phrases.total_words
    assert loaded.phrase_table() == phrases.phrase_table()
    assert list(loaded.transform(corpus[:200])) == list(phrases.transform(corpus[:200]))

    tsv = tmp_path / "table.tsv"
    assert phrases.export_phrases(tsv) == 3
    lines = tsv.read_text().splitlines()
    assert lines[0] == "phrase\tcount\tscore"
    rows = [line.split("\t") for line in lines[1:]]
    assert [(p, int(c), float(s)) for p, c, s in rows] == phrases.phrase_table()
    assert [float(s) for _, _, s in rows] == sorted((float(s) for _, _, s in rows), reverse=True)


def test_load_rejects_other_files(tmp_path):
    """A missing file, a text file and an npz of another kind raise clear errors."""
    with pytest.raises(FileNotFoundError, match="not found"):
        Phrases.load(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_text("hello")
    with pytest.raises(FormatError, match="not a w2v phrases file"):
        Phrases.load(bad)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(FormatError, match="not a w2v phrases file"):
        Phrases.load(other)


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_count": 0}, "use 1"),
        ({"min_count": 2.5}, "min_count must be an int"),
        ({"scoring": "pmi"}, "scoring must be one of"),
        ({"scoring": "npmi", "threshold": 10.0}, r"outside \[-1, 1\]"),
        ({"threshold": "high"}, "threshold must be a number"),
        ({"delimiter": " "}, "delimiter"),
        ({"delimiter": ""}, "delimiter"),
        ({"max_vocab_size": 3}, "too small"),
    ],
)
def test_bad_parameters_raise_config_error(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Phrases(**kwargs)


def test_unfitted_and_empty_corpus_errors():
    with pytest.raises(NotFittedError, match="not fitted"):
        Phrases().phrase_table()
    with pytest.raises(NotFittedError, match="not fitted"):
        Phrases().transform([["a"]])
    with pytest.raises(CorpusError, match="no words"):
        Phrases().fit([[], []])


# ------------------------------------------------------------------ command line


def test_cli_writes_the_joined_corpus_and_table(planted, tmp_path, capsys):
    """`w2v phrases --passes 2` writes the same lines as two transforms, and the table."""
    corpus, _ = planted
    src, out, table = tmp_path / "c.txt", tmp_path / "out.txt", tmp_path / "t.tsv"
    write_lines(src, corpus)
    args = ["--min-count", "5", "--threshold", "10", "--no-progress"]
    rc = main(["phrases", str(src), "-o", str(out), "--passes", "2", "--table", str(table), *args])
    assert rc == 0
    first = Phrases(min_count=5, threshold=10.0).fit(src)
    second = Phrases(min_count=5, threshold=10.0).fit(first.transform(src))
    expected = list(second.transform(first.transform(src)))
    assert [line.split() for line in out.read_text().splitlines()] == expected
    rows = [line.split("\t") for line in table.read_text().splitlines()]
    assert rows[0] == ["phrase", "count", "score", "pass"]
    assert {r[0] for r in rows[1:] if r[3] == "1"} == {"alpha_beta", "gamma_delta", "new_york"}
    assert "wrote" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra",
    [
        ["--passes", "0"],
        ["--min-count", "0"],
        ["--scoring", "npmi", "--threshold", "5"],
        ["-o", "/nonexistent-folder/out.txt"],
    ],
)
def test_cli_user_errors_exit_2_with_one_line(tmp_path, capsys, extra):
    src = tmp_path / "c.txt"
    write_lines(src, [["a", "b"]] * 10)
    rc = main(["phrases", str(src), "-o", str(tmp_path / "o.txt"), "--no-progress", *extra])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("w2v: error:") and err.count("\n") == 1
    assert not (tmp_path / "o.txt").exists()


def test_cli_missing_corpus_exits_2(tmp_path, capsys):
    rc = main(["phrases", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.txt")])
    assert rc == 2
    assert "not found" in capsys.readouterr().err


# ------------------------------------------------------------------ real text

# Collocations among the 500 highest-scoring of the ~1,400 phrases (threshold 100) of the
# first 1.6M words of the shared corpus; each ranks between 1 and ~410 there.
REAL = [
    "united_states",
    "new_york",
    "san_francisco",
    "los_angeles",
    "hong_kong",
    "sri_lanka",
    "puerto_rico",
    "per_cent",
    "prime_minister",
    "roman_catholic",
    "rhode_island",
    "supreme_court",
    "great_britain",
    "soviet_union",
    "vice_president",
    "new_zealand",
    "middle_ages",
]


def test_real_collocations_rank_high_on_the_shared_corpus(shared_data, tmp_path):
    """On 1.6M words of real text the top phrases include well-known collocations, and
    frequent but free combinations ("of the") are not phrases."""
    path = tmp_path / "slice.txt"
    n = 0
    with open(shared_data / "corpus.txt", encoding="utf-8") as fin, open(path, "w") as fout:
        for line in fin:
            fout.write(line)
            n += len(line.split())
            if n >= 1_600_000:
                break
    phrases = Phrases().fit(path)
    table = phrases.phrase_table()
    assert 1000 < len(table) < 2000
    top = {row[0] for row in table[:500]}
    assert set(REAL) <= top, sorted(set(REAL) - top)
    assert phrases.count("of", "the") > 10_000
    assert phrases.score("of", "the") < 10
    found = {row[0] for row in table}
    assert not {"of_the", "in_the", "to_the", "and_the", "it_is"} & found


def test_a_string_is_not_a_sentence():
    """phrases["new york"] raises (it used to read a file named "new york"), naming the fix."""
    phrases = Phrases(min_count=1, threshold=1.0).fit([["new", "york"]] * 5 + [["x"]] * 20)
    with pytest.raises(TypeError, match=r"""phrases\['new york'\.split\(\)\]"""):
        phrases["new york"]
    assert phrases["new york".split()] == ["new_york"]
    assert phrases[("new", "york")] == ["new_york"]


def _rewrite(src, dst, meta_change=None, **arrays):
    import json

    with np.load(src) as z:
        out = {k: z[k] for k in z.files}
    meta = json.loads(out["meta"].tobytes())
    if meta_change:
        meta_change(meta)
    out["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    out.update(arrays)
    with open(dst, "wb") as fh:
        np.savez(fh, **out)
    return dst


def test_load_refuses_damaged_files_with_one_line(tmp_path):
    """Missing keys, damaged pairs, a text file: FormatError naming the path, never KeyError."""
    phrases = Phrases(min_count=1, threshold=1.0).fit([["new", "york", "x"]] * 5 + [["x"]] * 20)
    assert len(phrases.pair_keys) == 2
    good = _saved(phrases, tmp_path)
    bad = tmp_path / "bad.npz"
    keys = phrases.pair_keys
    cases = [
        ({"meta_change": lambda m: m.pop("min_count")}, "metadata lacks 'min_count'"),
        ({"meta_change": lambda m: m.update(scoring="pmi")}, "metadata is damaged"),
        ({"meta_change": lambda m: m.update(total_words=-1)}, "metadata is damaged"),
        ({"pair_keys": keys + (7 << 32)}, "pairs are damaged"),
        ({"pair_keys": keys[::-1].copy()}, "pairs are damaged"),
        ({"word_counts": phrases.word_counts[:-1]}, "arrays differ in length"),
        ({"pair_keys": keys.astype(np.int32)}, "member pair_keys.npy: expected"),
    ]
    for change, message in cases:
        _rewrite(good, bad, **change)
        with pytest.raises(FormatError, match=message) as info:
            Phrases.load(bad)
        assert str(bad) in str(info.value) and "\n" not in str(info.value)
    text = tmp_path / "c.txt"
    text.write_text("new york\n")
    with pytest.raises(FormatError, match="not a w2v phrases file") as info:
        Phrases.load(text)
    assert "pickle" not in str(info.value)
