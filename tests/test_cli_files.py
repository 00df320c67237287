"""The command line and vector files: names decide the format, compressed and GloVe files,
the projector export (issue 19, items 2, 4, 5 and 7)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import gensim.models
import numpy as np
import pytest

from planted import twin_corpus
from w2v import KeyedVectors
from w2v.cli import main

WORDS = ["king", "queen", "man", "woman", "café"]
TRAIN = ["--dim", "8", "--min-count", "1", "--epochs", "1", "--workers", "1", "--no-progress"]


@pytest.fixture
def kv() -> KeyedVectors:
    v = np.random.default_rng(0).standard_normal((len(WORDS), 6)).astype(np.float32)
    return KeyedVectors(WORDS, v)


@pytest.fixture
def vectors_bin(kv: KeyedVectors, tmp_path: Path) -> Path:
    path = tmp_path / "v.bin"
    kv.save_word2vec_format(path)
    return path


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in twin_corpus()) + "\n")
    return path


def test_convert_to_tsv_is_refused_and_points_to_the_projector(vectors_bin, tmp_path, capsys):
    """`w2v convert v.bin top.tsv` writes no word2vec binary into a .tsv: one line, exit 2."""
    assert main(["convert", str(vectors_bin), str(tmp_path / "top.tsv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("w2v: error: Cannot tell from the name 'top.tsv'") and "\n" not in err
    assert "--to binary or --to text" in err and "--to projector" in err
    assert not (tmp_path / "top.tsv").exists()


def test_convert_to_the_projector(vectors_bin, tmp_path, kv):
    out = tmp_path / "proj"
    assert main(["convert", str(vectors_bin), str(out), "--to", "projector", "--limit", "3"]) == 0
    assert (out / "metadata.tsv").read_text(encoding="utf-8") == "king\nqueen\nman\n"
    rows = (out / "vectors.tsv").read_text().splitlines()
    got = np.array([[float(x) for x in r.split("\t")] for r in rows], np.float32)
    np.testing.assert_array_equal(got, kv.vectors[:3])
    (tmp_path / "file").write_text("")
    assert main(["convert", str(vectors_bin), str(tmp_path / "file"), "--to", "projector"]) == 2


@pytest.mark.parametrize("name", ["v.txt.gz", "v.vec.bz2", "v.bin.xz", "v.bin.gz"])
def test_convert_writes_compressed_files_by_name(vectors_bin, tmp_path, kv, name):
    """The output's name decides text/binary and compression; gensim reads the result."""
    out = tmp_path / name
    assert main(["convert", str(vectors_bin), str(out)]) == 0
    assert out.read_bytes()[:2] in (b"\x1f\x8b", b"BZ", b"\xfd7")
    g = gensim.models.KeyedVectors.load_word2vec_format(str(out), binary=".bin" in name)
    assert list(g.index_to_key) == WORDS
    np.testing.assert_array_equal(g.vectors, kv.vectors)
    back = tmp_path / "back.bin"
    assert main(["convert", str(out), str(back)]) == 0
    np.testing.assert_array_equal(KeyedVectors.load_word2vec_format(back).vectors, kv.vectors)


def test_convert_to_a_silent_name_needs_to(vectors_bin, tmp_path, capsys):
    assert main(["convert", str(vectors_bin), str(tmp_path / "vectors")]) == 2
    assert "--to binary or --to text" in capsys.readouterr().err
    assert main(["convert", str(vectors_bin), str(tmp_path / "vectors"), "--to", "text"]) == 0
    assert (tmp_path / "vectors").read_bytes().startswith(b"5 6\nking ")


def test_glove_file_is_detected(kv, tmp_path, capsys):
    """A header-less GloVe file is read by every command, and info says what it is."""
    path = tmp_path / "glove.6B.6d.txt"
    kv.save_word2vec_format(tmp_path / "v.txt")
    path.write_bytes((tmp_path / "v.txt").read_bytes().split(b"\n", 1)[1])
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "text without header" and info["words"] == 5 and info["dim"] == 6
    assert main(["similar", str(path), "king", "--json"]) == 0
    assert main(["convert", str(path), str(tmp_path / "g.bin")]) == 0
    np.testing.assert_array_equal(
        KeyedVectors.load_word2vec_format(tmp_path / "g.bin").vectors, kv.vectors
    )


def test_a_gzip_file_named_txt_gets_a_note_not_raw_bytes(kv, tmp_path, capsys):
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(tmp_path / "v.txt.gz")
    path.write_bytes((tmp_path / "v.txt.gz").read_bytes())
    assert main(["info", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["format"] == "text, gzip-compressed"
    assert captured.err.startswith("w2v: note: ") and "gzip-compressed" in captured.err
    assert "\\x1f" not in captured.err


def test_train_refuses_a_silent_output_name_before_training(corpus_file, tmp_path, capsys):
    """`w2v train -o vectors.dat` fails at once (no hours of training first), naming --format."""
    out = tmp_path / "vectors.dat"
    assert main(["train", str(tmp_path / "missing.txt"), "-o", str(out), *TRAIN]) == 2
    err = capsys.readouterr().err
    assert "Cannot tell from the name 'vectors.dat'" in err and "--format binary" in err


@pytest.mark.parametrize(("name", "fmt"), [("v.vec.gz", "auto"), ("v.txt", "binary")])
def test_train_output_follows_the_name_or_format(corpus_file, tmp_path, name, fmt):
    out = tmp_path / name
    assert main(["train", str(corpus_file), "-o", str(out), "--format", fmt, *TRAIN]) == 0
    if name.endswith(".gz"):  # gzip-compressed text: a word and 8 numbers per line
        assert gzip.decompress(out.read_bytes()).split(b"\n")[1].count(b" ") == 8
    # gensim reads it as the format asked for (it fails on text read as binary and back)
    g = gensim.models.KeyedVectors.load_word2vec_format(str(out), binary=fmt == "binary")
    assert len(g) > 30


def test_the_note_comes_before_an_error(tmp_path, capsys):
    """A damaged gzip file named .txt: the note that it is compressed, then the error."""
    path = tmp_path / "v.txt"
    path.write_bytes(gzip.compress(b"2 3\na 1 2 3\n"))
    assert main(["similar", str(path), "a"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("w2v: note: ") and "gzip-compressed" in err[0]
    assert err[1].startswith("w2v: error: ") and "line 3: expected vector 2 of the 2" in err[1]
