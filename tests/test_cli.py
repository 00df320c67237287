"""The command line: train and similar, in process and as ``python -m w2v``."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT
from planted import twin_corpus
from w2v import KeyedVectors, TrainConfig, Word2Vec
from w2v.cli import main
from w2v.config import config_fields


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in twin_corpus()) + "\n")
    return path


ARGS = [
    "--dim",
    "16",
    "--min-count",
    "1",
    "--epochs",
    "3",
    "--workers",
    "1",
    "--sample",
    "0",
    "--no-progress",
]


def test_train_writes_binary_vectors_and_model(corpus_file, tmp_path, capsys):
    """`w2v train` writes a word2vec binary file and, with --save-model, the model."""
    out, model_path = tmp_path / "v.bin", tmp_path / "m.w2v"
    rc = main(
        [
            "train",
            str(corpus_file),
            "-o",
            str(out),
            "--arch",
            "cbow",
            "--loss",
            "hs",
            "--save-model",
            str(model_path),
            *ARGS,
        ]
    )
    assert rc == 0
    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    model = Word2Vec.load(model_path)
    assert model.config.arch == "cbow" and model.config.loss == "hs" and model.config.dim == 16
    assert kv.words == model.vocab.words
    np.testing.assert_array_equal(kv.vectors, model.W_in)
    err = capsys.readouterr().err
    assert "epoch 3/3: mean loss" in err and "wrote" in err


def test_train_text_format_by_suffix(corpus_file, tmp_path):
    """A .txt output is written in the text format."""
    out = tmp_path / "v.txt"
    assert main(["train", str(corpus_file), "-o", str(out), *ARGS]) == 0
    assert out.read_text().split("\n", 1)[0].split()[1] == "16"
    assert len(KeyedVectors.load_word2vec_format(out, binary=False)) > 30


def test_cli_flags_match_config_for_every_field():
    """Every TrainConfig field has a flag, and its help shows the default."""
    from w2v.cli import _build_parser

    parser = _build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]  # type: ignore[union-attr]
    helps = {a.dest: a.help for a in train._actions}
    for f in config_fields():
        assert f.name in helps, f.name
        assert "[default:" in helps[f.name]


def test_cli_defaults_equal_library_defaults(corpus_file, tmp_path):
    """Flags left out give the library's defaults (the config saved with the model)."""
    model_path = tmp_path / "m.w2v"
    main(
        [
            "train",
            str(corpus_file),
            "-o",
            str(tmp_path / "v.bin"),
            "--save-model",
            str(model_path),
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--no-progress",
        ]
    )
    saved = Word2Vec.load(model_path).config
    assert saved == TrainConfig(min_count=1, epochs=1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "{missing}", "-o", "{out}"], "Corpus not found"),
        (["train", "{corpus}", "-o", "{out}", "--window", "0"], "'window' parameter"),
        (["train", "{corpus}", "-o", "{out}", "--min-count", "1000"], "No word reaches"),
        (["train", "{corpus}", "-o", "/nonexistent-dir/v.bin"], "Output folder"),
        (["similar", "{missing}", "king"], "not found"),
    ],
)
def test_user_mistakes_print_one_line_and_exit_2(argv, message, corpus_file, tmp_path, capsys):
    """A user mistake is one line on stderr starting 'w2v: error:' and exit status 2."""
    subs = {
        "missing": str(tmp_path / "missing.txt"),
        "out": str(tmp_path / "v.bin"),
        "corpus": str(corpus_file),
    }
    rc = main([a.format(**subs) for a in argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err.startswith("w2v: error:") and message in err
    assert len(err.splitlines()) == 1


def test_similar_prints_neighbours_and_json(corpus_file, tmp_path, capsys):
    """`w2v similar` lists neighbours; --json gives them machine-readable."""
    out = tmp_path / "v.bin"
    main(["train", str(corpus_file), "-o", str(out), *ARGS])
    capsys.readouterr()
    assert main(["similar", str(out), "twin_a", "-n", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["twin_a"][0][0] == "twin_b"
    assert main(["similar", str(out), "twin_x"]) == 2
    assert "Did you mean 'twin_" in capsys.readouterr().err


def test_python_dash_m_runs_the_cli(corpus_file, tmp_path):
    """`python -m w2v train` works as a subprocess and shows progress on stderr."""
    out = tmp_path / "v.bin"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "w2v",
            "train",
            str(corpus_file),
            "-o",
            str(out),
            "--dim",
            "8",
            "--min-count",
            "1",
            "--epochs",
            "1",
            "--progress",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "100%" in run.stderr and "lr" in run.stderr and "loss" in run.stderr
    assert out.exists()
