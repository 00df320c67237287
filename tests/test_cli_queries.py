"""Query commands: every w2v file read by every command; unknown words skipped, not fatal."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from planted import twin_corpus
from w2v import KeyedVectors, Word2Vec
from w2v.cli import main

ARGS = ["--dim", "16", "--min-count", "1", "--epochs", "3", "--workers", "1", "--sample", "0"]
ARGS += ["--seed", "5", "--no-progress"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One trained model in each of w2v's files: binary, text, native folder, model."""
    tmp = tmp_path_factory.mktemp("files")
    corpus = tmp / "corpus.txt"
    corpus.write_text("\n".join(" ".join(s) for s in twin_corpus()) + "\n")
    model = tmp / "m.w2v"
    assert (
        main(["train", str(corpus), "-o", str(tmp / "v.bin"), "--save-model", str(model), *ARGS])
        == 0
    )
    assert main(["convert", str(tmp / "v.bin"), str(tmp / "v.txt")]) == 0
    assert main(["convert", str(tmp / "v.bin"), str(tmp / "v.kv")]) == 0
    return {"binary": tmp / "v.bin", "text": tmp / "v.txt", "native": tmp / "v.kv", "model": model}


KINDS = ["binary", "text", "native", "model"]


# -- item 6: every query command reads every w2v file -----------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_similar_and_analogy_read_every_w2v_file(kind, files, capsys):
    """A saved model answers like the vectors it holds (before, `similar m.w2v` exited 2)."""
    capsys.readouterr()
    assert main(["similar", str(files[kind]), "twin_a", "pre0", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert main(["similar", str(files["binary"]), "twin_a", "pre0", "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert [n for n, _ in answers["twin_a"]] == [n for n, _ in expected["twin_a"]]
    np.testing.assert_allclose(
        [s for _, s in answers["pre0"]], [s for _, s in expected["pre0"]], atol=1e-5
    )
    assert main(["analogy", str(files[kind]), "pre0", "twin_a", "post0", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["answers"]) == 5


@pytest.mark.parametrize("kind", KINDS)
def test_info_evaluate_and_convert_read_every_w2v_file(kind, files, tmp_path, capsys):
    """info names the kind; evaluate and convert give the same vectors from every file."""
    capsys.readouterr()
    assert main(["info", str(files[kind]), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == kind and info["dim"] == 16
    pairs = tmp_path / "p.tsv"
    pairs.write_text("twin_a\ttwin_b\t10\ntwin_a\tf1\t1\nf1\tf2\t3\npre0\tpost0\t2\n")
    assert main(["evaluate", str(files[kind]), "--pairs", str(pairs), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pairs"]["pairs_used"] == 4
    out = tmp_path / "back.bin"
    assert main(["convert", str(files[kind]), str(out), "--limit", "7"]) == 0
    back, first = (KeyedVectors.load_word2vec_format(p) for p in (out, files["binary"]))
    assert back.words == first.words[:7]
    np.testing.assert_allclose(back.vectors, first.vectors[:7], atol=1e-5)


@pytest.mark.parametrize("kind", ["native", "model"])
def test_plot_reads_w2v_files(kind, files, tmp_path):
    """`w2v plot` draws from a native folder or a model, not only word2vec files."""
    pytest.importorskip("matplotlib")
    out = tmp_path / "map.png"
    assert main(["plot", str(files[kind]), "twin_a", "-o", str(out), "-n", "2"]) == 0
    assert out.stat().st_size > 1000


def test_model_info_says_how_it_was_trained(files, capsys):
    capsys.readouterr()
    assert main(["info", str(files["model"]), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["arch"], info["loss"], info["epochs"], info["epochs_trained"]) == (
        "skipgram",
        "ns",
        3,
        3,
    )


@pytest.fixture
def checkpoint(tmp_path):
    path = tmp_path / "run.ckpt"
    params = dict(dim=8, min_count=1, epochs=3, workers=1, sample=0.0, batch_words=400)
    Word2Vec(**params).fit(twin_corpus(300), checkpoint=path, checkpoint_every=1000)
    assert path.exists()
    return path


def test_info_describes_a_checkpoint(checkpoint, capsys):
    """`w2v info run.ckpt` names it a checkpoint, how far it got and how to finish it."""
    capsys.readouterr()
    assert main(["info", str(checkpoint), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "checkpoint" and info["dim"] == 8 and info["words"] > 40
    assert info["epoch"].endswith("/3") and info["done"].endswith("%")
    assert 0 < float(info["done"][:-1]) <= 100
    assert info["resume"] == f"w2v resume {checkpoint} -o vectors.bin"
    assert main(["info", str(checkpoint)]) == 0
    assert "checkpoint" in capsys.readouterr().out


def test_a_query_on_a_checkpoint_says_to_resume(checkpoint, capsys):
    assert main(["similar", str(checkpoint), "twin_a"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"w2v resume {checkpoint} -o" in err


def test_a_phrases_file_is_not_taken_for_vectors(tmp_path, capsys):
    from w2v import Phrases

    path = tmp_path / "p.npz"
    Phrases(min_count=1, threshold=0.1).fit([["a", "b"]] * 5).save(path)
    assert main(["info", str(path)]) == 2
    assert "a w2v-phrases file, not vectors" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["v.kv", "v.kv/", "folder"])
def test_train_writes_a_native_folder(name, files, tmp_path, capsys):
    """`w2v train -o v.kv` (or --format native) writes the folder `convert` writes."""
    corpus = files["binary"].parent / "corpus.txt"
    extra = ["--format", "native"] if name == "folder" else []
    assert main(["train", str(corpus), "-o", str(tmp_path) + "/" + name, *extra, *ARGS]) == 0
    kv = KeyedVectors.load(tmp_path / name.rstrip("/"))
    first = KeyedVectors.load_word2vec_format(files["binary"])
    assert kv.words == first.words and np.array_equal(kv.vectors, first.vectors)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name.rstrip("/")]


def test_train_refuses_a_folder_that_is_not_w2v_s_before_training(files, tmp_path, capsys):
    (tmp_path / "mine.kv").mkdir()
    (tmp_path / "mine.kv" / "notes.txt").write_text("keep me")
    corpus = files["binary"].parent / "corpus.txt"
    assert main(["train", str(corpus), "-o", str(tmp_path / "mine.kv"), *ARGS]) == 2
    err = capsys.readouterr().err
    assert "is not a w2v vectors folder" in err and "epoch" not in err
    assert (tmp_path / "mine.kv" / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_a_native_folder_has_its_files_permissions(umask, tmp_path):
    """Not mkdtemp's 0700: whoever may read the files may enter the folder."""
    old = os.umask(umask)
    try:
        KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(tmp_path / "v.kv")
    finally:
        os.umask(old)
    folder = stat.S_IMODE((tmp_path / "v.kv").stat().st_mode)
    files_ = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "v.kv").iterdir()}
    assert files_ == {0o666 & ~umask}
    assert folder == 0o777 & ~umask


# -- item 3: unknown query words are reported and skipped ---------------------------------------


def test_similar_answers_the_known_words_and_reports_the_others(files, capsys):
    """word2vec.c's `distance` habit: one stderr line per unknown word, the rest answered."""
    capsys.readouterr()
    assert main(["similar", str(files["binary"]), "twin_a", "qwertyzz", "pre0"]) == 0
    out, err = capsys.readouterr()
    assert [line for line in out.splitlines() if not line.startswith(" ")] == ["twin_a", "pre0"]
    assert err == "w2v: skipped: Word 'qwertyzz' is not in the vocabulary.\n"


def test_similar_json_gives_null_for_an_unknown_word(files, capsys):
    capsys.readouterr()
    assert main(["similar", str(files["binary"]), "TWIN_A", "twin_b", "--json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["TWIN_A"] is None and result["twin_b"][0][0] == "twin_a"
    assert "'TWIN_A' is not in the vocabulary. Did you mean 'twin_a'" in err


def test_similar_with_no_known_word_exits_2(files, capsys):
    capsys.readouterr()
    assert main(["similar", str(files["binary"]), "Twin_AA", "qwertyzz"]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == "" and len(lines) == 3
    assert lines[0].startswith("w2v: skipped: Word 'Twin_AA'") and "'twin_a'" in lines[0]
    assert lines[2].startswith("w2v: error: none of the query words")


def test_analogy_names_every_unknown_word_in_one_line(files, capsys):
    capsys.readouterr()
    assert main(["analogy", str(files["binary"]), "PRE0", "twin_a", "zzqq"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'PRE0' is not in the vocabulary. Did you mean 'pre0'" in err and "'zzqq'" in err


@pytest.mark.parametrize(
    ("typed", "meant"), [("Kingg", "king"), ("KING", "king"), ("Queen", "queen")]
)
def test_suggestions_ignore_case(typed, meant):
    """`Kingg` -> 'king': a spelling differing in case is the first suggestion."""
    kv = KeyedVectors(["king", "queen", "kingdom", "Kong"], np.eye(4, dtype=np.float32))
    with pytest.raises(KeyError, match=f"Did you mean '{meant}'"):
        kv.get_index(typed)
