"""w2v explain: its printed numbers are the network's, checked by an independent oracle."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

from conftest import VARIANTS
from w2v.cli import main
from w2v.config import TrainConfig
from w2v.explain import Explanation, explain
from w2v.huffman import build_huffman
from w2v.model import init_weights

CAT = "the cat sits on the mat"
TRUCKS = "i love trucks"
ANSI = re.compile(r"\x1b\[")


def _json(capsys, *args: str) -> dict:
    assert main(["explain", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


# -- an oracle written from the formulas, sharing no code with w2v.reference --------------
def _oracle_loss(d: dict, W_in: np.ndarray, W_out: np.ndarray) -> float:
    """The example's loss from the JSON's description, for any matrices."""
    ex = d["example"]
    rows = W_in[ex["inputs"]]
    h = rows.mean(axis=0) if d["cbow_mean"] else rows.sum(axis=0)
    t = ex["target"]
    if d["loss"] == "softmax":
        s = W_out @ h
        return float(np.log(np.sum(np.exp(s))) - s[t])
    if d["loss"] == "hs":
        total = 0.0
        for node, code in zip(
            d["huffman"]["target_points"], d["huffman"]["target_codes"], strict=True
        ):
            sign = 1.0 if code == 0 else -1.0
            total += np.log1p(np.exp(-sign * (W_out[node] @ h)))
        return float(total)
    total = np.log1p(np.exp(-(W_out[t] @ h)))
    for k in d["noise"]["negatives"]:
        total += np.log1p(np.exp(W_out[k] @ h))
    return float(total)


def _central_differences(f, X: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    g = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        old = X[idx]
        X[idx] = old + eps
        plus = f()
        X[idx] = old - eps
        minus = f()
        X[idx] = old
        g[idx] = (plus - minus) / (2 * eps)
    return g


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_printed_gradients_match_finite_differences(arch, loss, capsys):
    """The JSON's loss equals the oracle's and its gradients equal central differences."""
    d = _json(capsys, CAT, "--arch", arch, "--loss", loss, "--dim", "3", "--center", "sits")
    W_in, W_out = np.array(d["W_in"]), np.array(d["W_out"])
    assert d["loss_value"] == pytest.approx(_oracle_loss(d, W_in, W_out), rel=1e-12)
    num_in = _central_differences(lambda: _oracle_loss(d, W_in, W_out), W_in)
    num_out = _central_differences(lambda: _oracle_loss(d, W_in, W_out), W_out)
    np.testing.assert_allclose(d["gradients"]["W_in"], num_in, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(d["gradients"]["W_out"], num_out, rtol=1e-6, atol=1e-8)
    assert np.abs(num_in).max() > 1e-3 and np.abs(num_out).max() > 1e-3


def test_softmax_probabilities_sum_to_one_and_match_the_scores(capsys):
    """The classic walk-through: p = softmax(W' W[love]) over 3 words, summing to 1."""
    d = _json(capsys, TRUCKS, "--arch", "skipgram", "--loss", "softmax", "--dim", "2")
    assert d["vocab"]["words"] == ["i", "love", "trucks"]
    assert d["example"]["input_words"] == ["love"] and d["example"]["target_word"] == "trucks"
    assert d["one_hot"] == [[0.0, 1.0, 0.0]]
    assert np.shape(d["W_in"]) == (3, 2) and np.shape(d["W_out"]) == (3, 2)
    h = np.array(d["W_in"])[1]
    np.testing.assert_array_equal(d["projection"], h)
    s = np.array(d["W_out"]) @ h
    p = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(d["output"]["scores"], s, rtol=1e-12)
    np.testing.assert_allclose(d["output"]["probs"], p, rtol=1e-12)
    assert sum(d["output"]["probs"]) == pytest.approx(1.0, abs=1e-12)
    assert d["p_target"] == pytest.approx(p[2]) and d["loss_value"] == pytest.approx(-np.log(p[2]))


def test_hs_leaf_probabilities_sum_to_one_on_the_trainers_tree(capsys):
    """HS: the tree is build_huffman's, every word's path product sums to 1 over V."""
    d = _json(capsys, CAT, "--loss", "hs", "--dim", "3", "--center", "sits", "--context", "on")
    counts = np.array(d["vocab"]["counts"])
    tree = build_huffman(counts)
    assert d["huffman"]["codes"] == [tree.path(w)[1].tolist() for w in range(len(counts))]
    assert np.shape(d["W_out"]) == (len(counts) - 1, 3)
    leaf = np.array(d["huffman"]["leaf_probs"])
    assert leaf.sum() == pytest.approx(1.0, abs=1e-12)
    h, W_out = np.array(d["projection"]), np.array(d["W_out"])
    sig = 1 / (1 + np.exp(-(W_out @ h)))
    on = d["vocab"]["words"].index("on")
    pts, cds = tree.path(on)
    expect = np.prod([sig[n] if c == 0 else 1 - sig[n] for n, c in zip(pts, cds, strict=True)])
    assert leaf[on] == pytest.approx(expect, rel=1e-12) == d["p_target"]


def test_ns_noise_is_count_to_the_power_and_negatives_skip_the_target(capsys):
    """NS: P_n ∝ count^0.75; the draws come from the trainer's sampler and skip the target."""
    d = _json(capsys, CAT, "--loss", "ns", "--center", "sits", "--negative", "20")
    counts = np.array(d["vocab"]["counts"], dtype=float)
    np.testing.assert_allclose(d["noise"]["distribution"], counts**0.75 / (counts**0.75).sum())
    neg = d["noise"]["negatives"]
    assert 0 < len(neg) <= 20 and d["example"]["target"] not in neg
    assert d["output"]["labels"] == [1.0] + [0.0] * len(neg)
    again = _json(capsys, CAT, "--loss", "ns", "--center", "sits", "--negative", "20")
    assert again["noise"]["negatives"] == neg  # the seed fixes the draws
    other = _json(
        capsys, CAT, "--loss", "ns", "--center", "sits", "--negative", "20", "--seed", "7"
    )
    assert other["noise"]["negatives"] != neg


@pytest.mark.parametrize("loss", ["softmax", "hs", "ns"])
def test_skipgram_window_outputs_are_one_distribution(loss, capsys):
    """The C 'output layers' of the window around sits are the same numbers."""
    d = _json(capsys, CAT, "--loss", loss, "--dim", "3", "--center", "sits")
    w = d["window_outputs"]
    assert w["words"] == ["the", "cat", "on", "the"]
    D = np.array(w["distributions"])
    assert D.shape == (4, 5)
    np.testing.assert_array_equal(D, np.broadcast_to(D[0], D.shape))
    h, W_out = np.array(d["projection"]), np.array(d["W_out"])
    if loss == "softmax":
        s = W_out @ h
        np.testing.assert_allclose(D[0], np.exp(s) / np.exp(s).sum(), rtol=1e-12)
    if loss != "ns":
        assert D[0].sum() == pytest.approx(1.0, abs=1e-12)
        ids = [d["vocab"]["words"].index(x) for x in w["words"]]
        assert w["window_loss"] == pytest.approx(-np.log(D[0][ids]).sum(), rel=1e-12)
    else:
        np.testing.assert_allclose(D[0], 1 / (1 + np.exp(-(W_out @ h))), rtol=1e-12)


@pytest.mark.parametrize("mean", [True, False])
def test_cbow_projection_is_the_mean_of_the_four_context_rows(mean, capsys):
    """The classic CBOW walk-through: the, cat, on, the → sits; h is their mean (or sum)."""
    flag = "--cbow-mean" if mean else "--no-cbow-mean"
    d = _json(capsys, CAT, "--arch", "cbow", "--center", "sits", "--dim", "3", flag)
    assert d["example"]["input_words"] == ["the", "cat", "on", "the"]
    assert d["example"]["target_word"] == "sits"
    rows = np.array(d["W_in"])[[0, 1, 3, 0]]
    h = rows.mean(axis=0) if mean else rows.sum(axis=0)
    np.testing.assert_allclose(d["projection"], h, rtol=1e-12)
    assert np.array(d["one_hot"]).sum(axis=0).tolist() == [2, 1, 0, 1, 0]


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_update_is_the_trainers_rule_applied_to_the_printed_gradient(arch, loss):
    """Skip-gram's input row moves by −lr·∂L/∂W; CBOW's context rows by −lr·C·∂L/∂W
    (word2vec.c applies the undivided ∂L/∂h to each context row)."""
    ex = explain(CAT, arch=arch, loss=loss, dim=3, center="sits", lr=0.1)
    d = ex.to_dict()
    W_in, grad = np.array(d["W_in"]), np.array(d["gradients"]["W_in"])
    C = len(ex.inputs) if arch == "cbow" else 1
    np.testing.assert_allclose(d["update"]["W_in"], W_in - 0.1 * C * grad, rtol=1e-12, atol=1e-15)
    if loss == "softmax":
        expect = np.array(d["W_out"]) - 0.1 * np.array(d["gradients"]["W_out"])
        np.testing.assert_allclose(d["update"]["W_out"], expect, rtol=1e-12, atol=1e-15)
    assert d["update"]["loss_after"] < d["loss_value"]


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_steps_lower_the_loss_and_raise_the_target_probability(arch, loss):
    """--steps: the loss falls at every step and p(target) rises."""
    ex = explain(CAT, arch=arch, loss=loss, dim=3, center="sits", steps=15, lr=0.2)
    loss_curve = [s["loss"] for s in ex.steps]
    p = [s["p_target"] for s in ex.steps]
    assert len(ex.steps) == 16 and loss_curve[0] == pytest.approx(ex.to_dict()["loss_value"])
    assert all(b < a for a, b in zip(loss_curve, loss_curve[1:], strict=False))
    assert p[-1] > p[0] + 0.05


def test_word2vec_init_is_the_trainers_start():
    """--init word2vec: W is Word2Vec's initial W_in for the seed, W' zero, p uniform."""
    ex = explain(CAT, loss="softmax", dim=4, init="word2vec", seed=3)
    W_in, _ = init_weights(TrainConfig(dim=4, seed=3, loss="softmax"), len(ex.words))
    np.testing.assert_array_equal(ex.W_in, W_in.astype(np.float64))
    assert not ex.W_out.any()
    np.testing.assert_allclose(ex.distribution, np.full(5, 0.2))


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_text_fits_80_columns_without_colours_when_not_a_terminal(arch, loss, capsys):
    """Every line ≤ 80 characters; no ANSI codes when stdout is not a terminal."""
    text = CAT + "\nand a rather_extraordinarily_long_word here"
    assert (
        main(["explain", text, "--arch", arch, "--loss", loss, "--dim", "12", "--steps", "40"]) == 0
    )
    out = capsys.readouterr().out
    assert "Gradients" in out and "Loss L" in out
    assert not ANSI.search(out)
    assert max(len(line) for line in out.splitlines()) <= 80


def test_colours_only_on_a_terminal(capsys, monkeypatch):
    """On a terminal headings are coloured (unless NO_COLOR is set)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["explain", TRUCKS]) == 0
    assert ANSI.search(capsys.readouterr().out)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["explain", TRUCKS]) == 0
    assert not ANSI.search(capsys.readouterr().out)


def test_text_shows_the_tree_the_noise_and_the_window():
    """The sections the issue asks for are there, with the trainer's numbers."""
    hs = explain(CAT, loss="hs", center="sits").render_text()
    assert "Huffman tree" in hs and "code 0" in hs and "◀ target" in hs
    ns = explain(CAT, loss="ns", center="sits").render_text()
    assert "count(w)^0.75" in ns and "0.2960" in ns  # 2^0.75 / (2^0.75 + 4)
    sg = explain(CAT, loss="softmax", center="sits").render_text()
    assert "rows identical: yes" in sg


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([TRUCKS, "--center", "cars"], "'cars' is not in the text"),
        (["hello"], "too short"),
        (["hello hello"], "too short"),
        ([CAT, "--center", "the", "--context", "mat"], "not within 2 word"),
        ([CAT, "--arch", "cbow", "--context", "on"], "--context is for skip-gram"),
        ([TRUCKS, "--dim", "0"], "dim"),
        ([TRUCKS, "--steps", "-1"], "steps"),
        ([TRUCKS, "--png", "/nonexistent/x.png"], "does not exist"),
    ],
)
def test_cli_mistakes_print_one_line_and_exit_2(args, message, capsys):
    """A user mistake: one line on stderr, status 2, nothing on stdout."""
    assert main(["explain", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_png_is_written(tmp_path, capsys):
    """--png draws the network (and the steps) to a PNG file."""
    out = tmp_path / "net.png"
    assert main(["explain", CAT, "--loss", "hs", "--steps", "5", "--png", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000
    assert "wrote" in capsys.readouterr().err


def test_python_api_returns_the_result_object():
    """w2v.explain is the function; its result has to_dict and render_text."""
    import w2v

    ex = w2v.explain(TRUCKS)
    assert isinstance(ex, Explanation)
    assert json.loads(json.dumps(ex.to_dict()))["example"]["center"] == "love"


def test_docs_page_shows_the_tools_current_output():
    """docs/how-word2vec-works.md pastes real output: regenerating it changes nothing."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("regenerate", ROOT / "docs" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    regen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regen)
    page = regen.PAGE.read_text()
    assert page.count("$ w2v explain") >= 6
    assert regen.regenerate(page) == page, "run: python docs/regenerate.py"


def test_any_seed_the_config_allows_explains(capsys):
    """Seeds up to 2**64 - 1 (and beyond: TrainConfig has no upper bound) draw negatives."""
    big = explain("a b c", loss="ns", seed=2**64 - 1)
    # the draws use (2·seed + 1) mod 2**64, so seed 2**63 - 1 draws the same negatives
    assert big.negatives == explain("a b c", loss="ns", seed=2**63 - 1).negatives
    assert explain("a b c", loss="ns", seed=2**80).negatives  # masked, not an OverflowError
    assert main(["explain", "a b c", "--loss", "ns", "--seed", str(2**64 - 1)]) == 0
    assert "18446744073709551615" in capsys.readouterr().out
