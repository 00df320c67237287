"""The command line's options: no abbreviations, unknown flags named, word2vec.c's flags."""

from __future__ import annotations

import argparse

import pytest

from planted import twin_corpus
from w2v import KeyedVectors, TrainConfig, Word2Vec
from w2v._argv import Parser, translate_word2vec_c
from w2v.cli import _build_parser, main


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in twin_corpus()) + "\n")
    return path


def _exit_2(argv: list[str], capsys) -> str:
    """Run ``main(argv)``; check it exits 2 with one stderr line and return that line."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err.strip()


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _build_parser()
    return dict(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["--cbow"], "--arch cbow"),  # was read as --cbow-mean: skip-gram trained, exit 0
        (["--neg", "3"], "--negative"),
        (["--shared"], "--shared-negatives"),
        (["--sg", "1"], "--arch skipgram"),
        (["--size", "50"], "--dim"),
        (["--iter", "3"], "--epochs"),
        (["--Dim", "50"], "--dim"),
        (["--epoch", "3"], "--epochs"),
    ],
)
def test_an_unknown_flag_is_one_line_naming_the_real_one(
    typed, meant, corpus_file, tmp_path, capsys
):
    """`--cbow` is not an abbreviation of --cbow-mean: exit 2, 'did you mean --arch cbow?'."""
    out = tmp_path / "v.bin"
    err = _exit_2(["train", str(corpus_file), "-o", str(out), *typed, "--min-count", "1"], capsys)
    assert err == f"w2v train: error: unknown option {typed[0]}; did you mean {meant}?"
    assert not out.exists()


def test_no_parser_accepts_an_abbreviation(capsys):
    """Every command refuses every long flag cut short by one letter."""
    checked = 0
    for name, sub in _subparsers().items():
        assert sub.allow_abbrev is False, name
        for option in sub._option_string_actions:
            if (
                not option.startswith("--")
                or len(option) < 5
                or option[:-1] in sub._option_string_actions
            ):
                continue
            err = _exit_2([name, option[:-1]], capsys)
            assert f"unknown option {option[:-1]}; did you mean {option}?" in err, err
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("command", ["resume", "phrases", "vocab"])
def test_single_dash_long_flags_are_never_read_as_short_ones(command, tmp_path, capsys):
    """`-output x.bin` is refused, not read as `-o utput` (which wrote a file named 'utput')."""
    err = _exit_2([command, str(tmp_path / "in"), "-output", str(tmp_path / "x.bin")], capsys)
    assert err == f"w2v {command}: error: unknown option -output; did you mean --output?"
    assert list(tmp_path.iterdir()) == []


def test_a_word_joined_to_a_short_flag_is_refused_with_the_spaced_form(tmp_path, capsys):
    """`-ov.bin` could be -o v.bin or a typo: refused, naming `-o v.bin`."""
    err = _exit_2(["train", str(tmp_path / "c.txt"), "-ov.bin"], capsys)
    assert err == "w2v train: error: unknown option -ov.bin; did you mean -o v.bin?"


def test_a_number_joined_to_a_short_flag_still_works(corpus_file, tmp_path, capsys):
    """`-n3` and `-n=3` are argparse's short forms of `-n 3`, and stay accepted."""
    out = tmp_path / "v.bin"
    args = ["--dim", "8", "--min-count", "1", "--epochs", "1", "--workers", "1", "--no-progress"]
    assert main(["train", str(corpus_file), "-o", str(out), *args]) == 0
    capsys.readouterr()
    for short in ("-n3", "-n=3"):
        assert main(["similar", str(out), "twin_a", short]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 4  # the word and 3 neighbours


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "w2v: error: the following arguments are required: COMMAND; see 'w2v --help'"),
        (["trian"], "w2v: error: unknown command 'trian'; did you mean 'train'?"),
        (["--dim", "5", "train"], "w2v: error: unknown option --dim before the command"),
        (["similar"], "w2v similar: error: the following arguments are required: vectors, words"),
        (
            ["train", "c.txt", "--arch", "cbo"],
            "w2v train: error: argument --arch: invalid choice: 'cbo'",
        ),
    ],
)
def test_argparse_mistakes_are_one_line_without_the_usage(argv, message, capsys):
    """A missing argument or bad choice is one line, not the whole usage text."""
    err = _exit_2(argv, capsys)
    assert err.startswith(message) and "usage:" not in err


def test_word2vec_c_flags_train_with_word2vec_c_meaning(corpus_file, tmp_path, capsys):
    """word2vec.c's command line (no 'train', single dashes) trains what word2vec.c would."""
    out, model = tmp_path / "v.bin", tmp_path / "m.w2v"
    argv = [
        *("-train", str(corpus_file), "-output", str(out), "-cbow", "1", "-size", "12"),
        *("-window", "3", "-negative", "0", "-hs", "1", "-sample", "0", "-threads", "1"),
        *("-iter", "2", "-min-count", "2", "-alpha", "0.04", "-binary", "1"),
        *("--save-model", str(model), "--no-progress"),
    ]
    assert main(argv) == 0
    expected = TrainConfig(
        arch="cbow", loss="hs", dim=12, window=3, sample=0.0, workers=1, epochs=2,
        min_count=2, alpha=0.04,
    )  # fmt: skip
    assert Word2Vec.load(model).config == expected
    assert len(KeyedVectors.load_word2vec_format(out, binary=True)) > 10
    assert "note:" not in capsys.readouterr().err  # every differing default was given


@pytest.mark.parametrize(
    ("w2v_c", "w2v"),
    [
        (["-cbow", "0"], ["--arch", "skipgram"]),
        (["-cbow", "1"], ["--arch", "cbow"]),
        (["-binary", "0"], ["--format", "text"]),
        (["-binary", "1"], ["--format", "binary"]),
        (["-hs", "1", "-negative", "0"], ["--loss", "hs"]),
        (["-negative", "15"], ["--loss", "ns", "--negative", "15"]),
        (["-hs", "0"], ["--loss", "ns"]),
        (["-size", "300", "-threads", "4"], ["--dim", "300", "--workers", "4"]),
        (["-iter", "3", "-min-count", "2"], ["--epochs", "3", "--min-count", "2"]),
        (["-train", "c.txt", "-read-vocab", "v"], ["c.txt", "--read-vocab", "v"]),
    ],
)
def test_each_word2vec_c_flag_translates(w2v_c, w2v):
    """Each word2vec.c flag becomes the w2v flag of the same meaning; w2v's flags pass through."""
    train = _subparsers()["train"]
    assert isinstance(train, Parser)
    got = translate_word2vec_c(train, [*w2v_c, "--window", "4"])
    assert sorted(got) == sorted([*w2v, "--window", "4"])
    assert got[-2:] == ["--window", "4"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-hs", "1"], "-hs 1 with -negative 5 (its default) trains both output layers"),
        (["-hs", "1", "-negative", "3"], "give -hs 1 -negative 0"),
        (["-hs", "0", "-negative", "0"], "leaves no output layer"),
        (["-cbow", "2"], "word2vec.c's -cbow takes 0 or 1, got '2'"),
        (["-cbow", "1", "--arch", "skipgram"], "-cbow and --arch set the same thing"),
        (["-size", "50", "--dim=60"], "-size and --dim set the same thing"),
        (["-save-vocab", "v.txt"], "write the vocabulary with 'w2v vocab"),
        (["-size"], "-size needs a value"),
        (["-iter", "2", "-iter", "3"], "-iter is given twice"),
    ],
)
def test_word2vec_c_flags_w2v_cannot_honour_are_refused(argv, message, tmp_path, capsys):
    """Both output layers at once, contradictions and unsupported flags: one line, exit 2."""
    out = tmp_path / "v.bin"
    err = _exit_2(["-train", str(tmp_path / "c.txt"), "-output", str(out), *argv], capsys)
    assert err.startswith("w2v train: error:") and message in err, err
    assert not out.exists()


def test_left_out_word2vec_c_defaults_are_named_once(corpus_file, tmp_path, capsys):
    """word2vec.c's flags without -cbow / -binary: a note says which w2v defaults apply."""
    out = tmp_path / "v.txt"
    argv = ["-train", str(corpus_file), "-output", str(out), "-size", "8", "-iter", "1"]
    assert main([*argv, "-min-count", "1", "--no-progress"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert len(notes) == 1 and "-cbow 1" in notes[0] and "-binary 0" in notes[0]
    assert len(KeyedVectors.load_word2vec_format(out, binary=False)) > 10


def test_train_help_documents_the_word2vec_c_flags(capsys):
    """`w2v train --help` says word2vec.c's flags are accepted and how they map."""
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "word2vec.c's flags are accepted" in text and "-cbow 0/1 (--arch skipgram/cbow)" in text
