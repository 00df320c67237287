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


@pytest.fixture
def vectors_file(corpus_file, tmp_path):
    out = tmp_path / "v.bin"
    main(["train", str(corpus_file), "-o", str(out), *ARGS])
    return out


def test_analogy_command(vectors_file, capsys):
    """`w2v analogy` prints answers; --json gives them with the question."""
    capsys.readouterr()
    assert main(["analogy", str(vectors_file), "pre0", "twin_a", "post0", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["question"] == ["pre0", "twin_a", "post0"] and len(result["answers"]) == 5
    assert main(["analogy", str(vectors_file), "pre0", "twin_a", "post0", "--cosmul"]) == 0
    assert "is to" in capsys.readouterr().out


def test_evaluate_command(vectors_file, tmp_path, capsys):
    """`w2v evaluate` reports analogy sections and pair correlations, as text and JSON."""
    q = tmp_path / "q.txt"
    q.write_text(": planted\npre0 pre1 post0 post1\ntwin_a twin_b f1 f2\n")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("twin_a\ttwin_b\t10\ntwin_a\tf1\t1\nf1\tf2\t3\npre0\tpost0\t2\n")
    capsys.readouterr()
    assert (
        main(
            ["evaluate", str(vectors_file), "--analogies", str(q), "--pairs", str(pairs), "--json"]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["analogies"]["answered"] == 2 and report["pairs"]["pairs_used"] == 4
    assert main(["evaluate", str(vectors_file), "--analogies", str(q)]) == 0
    assert "planted" in capsys.readouterr().out
    assert main(["evaluate", str(vectors_file)]) == 2
    assert "Nothing to evaluate" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["out.txt", "out.bin", "out.kv"])
def test_convert_command_round_trips(vectors_file, tmp_path, target):
    """`w2v convert` goes binary -> text / binary / native and back without loss."""
    out = tmp_path / target
    assert main(["convert", str(vectors_file), str(out)]) == 0
    back = tmp_path / "back.bin"
    assert main(["convert", str(out), str(back)]) == 0
    assert back.read_bytes() == vectors_file.read_bytes()


def test_vocab_reads_with_any_number_of_workers(corpus_file, tmp_path, capsys):
    """`w2v vocab --workers N` writes the same file for 1 and 3 threads; 0 is refused in one
    line."""
    written = []
    for workers in ("1", "3"):
        path = tmp_path / f"vocab{workers}.txt"
        assert main(["vocab", str(corpus_file), "-o", str(path), "--workers", workers]) == 0
        written.append(path.read_text())
    assert written[0] == written[1] and len(written[0].splitlines()) > 10
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["vocab", str(corpus_file), "-o", str(tmp_path / "v0.txt"), "--workers", "0"])
    err = capsys.readouterr().err
    assert "--workers" in err and "Traceback" not in err


def test_vocab_and_read_vocab(corpus_file, tmp_path):
    """`w2v vocab` writes 'word count' lines; `train --read-vocab` trains on that vocabulary."""
    vocab_path = tmp_path / "vocab.txt"
    assert main(["vocab", str(corpus_file), "-o", str(vocab_path), "--min-count", "1"]) == 0
    lines = vocab_path.read_text().splitlines()
    counts = [int(line.split()[1]) for line in lines]
    assert counts == sorted(counts, reverse=True) and len(lines) > 40
    # keep only the twins and their context words: training must use exactly this vocabulary
    kept = [line for line in lines if line.startswith(("twin", "pre", "post"))]
    vocab_path.write_text("</s> 99\n" + "\n".join(kept) + "\n")
    model_path = tmp_path / "m.w2v"
    assert (
        main(
            [
                "train",
                str(corpus_file),
                "-o",
                str(tmp_path / "v.bin"),
                "--read-vocab",
                str(vocab_path),
                "--save-model",
                str(model_path),
                *ARGS,
            ]
        )
        == 0
    )
    model = Word2Vec.load(model_path)
    assert sorted(model.vocab.words) == sorted(line.split()[0] for line in kept)


def test_info_command(vectors_file, capsys):
    """`w2v info` describes the file: format, size and dimension."""
    capsys.readouterr()
    assert main(["info", str(vectors_file), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "binary" and info["dim"] == 16 and info["words"] > 40


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "{missing}", "-o", "/nonexistent-dir/v.bin"], "Output folder"),
        (["train", "{missing}", "-o", "{dir}"], "is a folder"),
        (["train", "{missing}", "-o", "{out}", "--save-model", "/nonexistent/m"], "--save-model"),
        (["train", "{missing}", "-o", "{out}", "--checkpoint", "/nonexistent/x"], "--checkpoint"),
        (["train", "{missing}", "-o", "{out}", "--checkpoint", "{dir}"], "is a folder"),
        (["train", "{missing}", "-o", "{dir}/v.bin", "--plot-loss", "{dir}"], "is a folder"),
        (["resume", "{missing}", "-o", "{dir}"], "is a folder"),
        (["resume", "{missing}", "-o", "{out}", "--save-model", "/nonexistent/m"], "--save-model"),
        (["phrases", "{missing}", "-o", "{dir}"], "is a folder"),
        (["phrases", "{missing}", "-o", "{out}", "--table", "{dir}"], "--table"),
        (["convert", "{missing}", "/nonexistent/x.txt"], "Output folder"),
        (["convert", "{missing}", "{dir}"], "is a folder"),
        (["vocab", "{missing}", "-o", "{dir}"], "is a folder"),
    ],
)
def test_outputs_are_checked_before_any_reading(argv, message, tmp_path, capsys):
    """Every output path is checked first: the error is about it, not the missing input."""
    (tmp_path / "emptydir").mkdir()
    subs = {
        "missing": str(tmp_path / "missing.txt"),
        "out": str(tmp_path / "v.bin"),
        "dir": str(tmp_path / "emptydir"),
    }
    rc = main([a.format(**subs) for a in argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert err.startswith("w2v: error:") and message in err and len(err.splitlines()) == 1
    assert "missing.txt" not in err and ".tmp" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emptydir"]


def test_convert_to_an_existing_native_folder_is_allowed(vectors_file, tmp_path):
    """A native save replaces its own folder, so --to native accepts an existing one."""
    assert main(["convert", str(vectors_file), str(tmp_path / "v.kv")]) == 0
    assert main(["convert", str(vectors_file), str(tmp_path / "v.kv"), "--limit", "3"]) == 0
    assert len(KeyedVectors.load(tmp_path / "v.kv")) == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["convert", "{v}", "{o}", "--limit", "-1"],
        ["convert", "{v}", "{o}", "--limit", "0"],
        ["similar", "{v}", "w1", "-n", "-3"],
        ["similar", "{v}", "w1", "-n", "0"],
        ["analogy", "{v}", "a", "b", "c", "-n", "0"],
        ["evaluate", "{v}", "--pairs", "{o}", "--restrict-vocab", "0"],
        ["resume", "{v}", "-o", "{o}", "--workers", "0"],
    ],
)
def test_counts_must_be_positive(argv, tmp_path, capsys):
    """A zero or negative count is refused by argparse (exit 2), never a silent empty result."""
    subs = {"v": str(tmp_path / "v.bin"), "o": str(tmp_path / "o.txt")}
    with pytest.raises(SystemExit) as info:
        main([a.format(**subs) for a in argv])
    assert info.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err
    assert not (tmp_path / "o.txt").exists()


def test_info_reads_a_text_file_with_a_byte_order_mark(tmp_path, capsys):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf2 2\na 1 0\nb 0 1\n")
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["format"] == "text" and info["words"] == 2 and info["first_words"] == ["a", "b"]
