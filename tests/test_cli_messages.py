"""Help and messages that are right: defaults in --help, shared noise, divergence advice."""

from __future__ import annotations

import os

import pytest

from planted import twin_corpus
from w2v import ConfigError, TrainConfig, TrainingDivergedError, Word2Vec
from w2v.cli import _build_parser, main
from w2v.config import config_fields


def _train_helps() -> dict[str, str]:
    parser = _build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]  # type: ignore[union-attr]
    return {a.dest: a.help for a in train._actions}


def test_help_states_what_every_none_default_means():
    """--workers and --max-vocab-size show their real defaults, not "architecture's default"."""
    helps = _train_helps()
    assert f"[default: all CPU cores, {os.cpu_count()} here]" in helps["workers"]
    assert "[default: no bound]" in helps["max_vocab_size"]
    assert "[default: 0.025 for skipgram, 0.05 for cbow]" in helps["alpha"]
    for f in config_fields():
        assert "architecture's default" not in helps[f.name] or f.name == "alpha", f.name


def test_every_workers_flag_shows_its_default():
    """--workers in train, resume and demo each say what leaving it out gives."""
    parser = _build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("train", "resume", "demo"):
        helps = {a.dest: a.help for a in commands[name]._actions}
        assert "[default: " in helps["workers"], name


@pytest.mark.parametrize(
    ("arch", "loss", "says", "never"),
    [
        ("skipgram", "hs", "loss='hs' draws none; use loss='ns'", "CBOW"),
        ("skipgram", "softmax", "loss='softmax' draws none", "CBOW"),
        ("cbow", "ns", "CBOW already draws its noise words once per window", "loss="),
    ],
)
def test_shared_negatives_refusal_names_the_real_reason(arch, loss, says, never):
    """--shared-negatives --loss hs is refused for its loss, not with a sentence about CBOW."""
    with pytest.raises(ConfigError) as info:
        TrainConfig(arch=arch, loss=loss, shared_negatives=True)
    assert says in str(info.value) and never not in str(info.value)


def test_cli_shared_negatives_with_hs_is_one_line(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    argv = ["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--shared-negatives"]
    assert main([*argv, "--loss", "hs"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "loss='hs' draws none" in err and "CBOW" not in err


@pytest.mark.parametrize(("arch", "default"), [("skipgram", 0.025), ("cbow", 0.05)])
def test_a_diverged_run_suggests_the_default_alpha(arch, default):
    """alpha=1e6 diverges; the advice is the architecture's default, not 1e5 (one tenth)."""
    model = Word2Vec(arch=arch, alpha=1e6, dim=8, min_count=1, epochs=1, workers=1, sample=0)
    with pytest.raises(TrainingDivergedError) as info:
        model.fit(twin_corpus()[:300])
    message = str(info.value)
    assert "alpha=1000000.0 is too high" in message
    assert f"try alpha={default:g}, the default for arch={arch!r}" in message


def test_divergence_at_the_default_alpha_suggests_a_smaller_one():
    """When even the default diverged, the advice is smaller than it (never the same value)."""
    error = TrainingDivergedError.at(0.025, 0, "loss nan", arch="skipgram", default_alpha=0.025)
    assert "try alpha=0.00625" in str(error) and "even the default" in str(error)
