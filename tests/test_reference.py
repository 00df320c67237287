"""The float64 reference: its gradients agree with central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import VARIANTS
from w2v import reference as ref

V, DIM = 7, 5


def _example(arch: str, loss: str, rng: np.random.Generator):
    """Random matrices and one example (inputs, target, output tables) for a variant."""
    W_in = rng.normal(0, 0.5, (V, DIM))
    n_out = V - 1 if loss == "hs" else V
    W_out = rng.normal(0, 0.5, (n_out, DIM))
    inputs = [2] if arch == "skipgram" else [1, 3, 4, 1]  # CBOW context may repeat a word
    target = 5
    output: dict = {}
    if loss == "ns":
        output["negatives"] = [0, 6, 0]  # repeated noise word, as sampling can draw
    if loss == "hs":
        output["points"] = [5, 3, 0]
        output["codes"] = [1, 0, 1]
    return W_in, W_out, inputs, target, output


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_gradients_match_finite_differences(arch, loss, cbow_mean):
    """∂loss/∂W_in and ∂loss/∂W_out equal central differences to 1e-7 relative."""
    rng = np.random.default_rng(0)
    W_in, W_out, inputs, target, output = _example(arch, loss, rng)

    def f() -> float:
        return float(
            ref.example_forward(loss, W_in, W_out, inputs, target, cbow_mean=cbow_mean, **output)[
                "loss"
            ]
        )

    out = ref.example_forward(loss, W_in, W_out, inputs, target, cbow_mean=cbow_mean, **output)
    num_in = ref.numerical_gradient(f, W_in)
    num_out = ref.numerical_gradient(f, W_out)
    np.testing.assert_allclose(out["grad_W_in"], num_in, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(out["grad_W_out"], num_out, rtol=1e-6, atol=1e-8)
    assert np.abs(num_in).max() > 1e-3  # the check is not vacuous


def test_softmax_probabilities_sum_to_one_and_are_stable():
    """Softmax probabilities sum to 1 and stay finite for scores in the thousands."""
    v = np.array([30.0, -20.0])
    W_out = np.array([[100.0, 0.0], [-100.0, 1.0], [99.0, 0.5]])
    out = ref.output_forward("softmax", v, W_out, 2)
    assert np.isclose(out["probs"].sum(), 1.0)
    assert np.isfinite(out["loss"])
    # scores 3000, -3020, 2960: loss = logsumexp - 2960 = 40 + log(1 + e^-40 + e^-6020)
    assert out["loss"] == pytest.approx(40.0, rel=1e-12)


def test_hs_probabilities_over_tree_sum_to_one():
    """With a Huffman tree, Σ_w P_hs(w | v) = 1 for any v: HS is a proper distribution."""
    from w2v.huffman import build_huffman

    counts = np.array([9, 7, 4, 3, 2, 1])
    tree = build_huffman(counts)
    rng = np.random.default_rng(1)
    W_out = rng.normal(size=(len(counts) - 1, 3))
    v = rng.normal(size=3)
    total = 0.0
    for w in range(len(counts)):
        points, codes = tree.path(w)
        total += np.exp(-ref.output_forward("hs", v, W_out, w, points=points, codes=codes)["loss"])
    assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("loss", ["softmax", "hs", "ns"])
def test_sgd_step_is_minus_lr_times_gradient_for_skipgram(loss):
    """For skip-gram with distinct rows, the reference step is exactly −lr·∇loss."""
    rng = np.random.default_rng(2)
    W_in, W_out, inputs, target, output = _example("skipgram", loss, rng)
    if loss == "ns":
        output["negatives"] = [0, 6]
    lr = 0.1
    new_in, new_out, value = ref.sgd_step(loss, W_in, W_out, inputs, target, lr, **output)
    out = ref.example_forward(loss, W_in, W_out, inputs, target, **output)
    np.testing.assert_allclose(new_in, W_in - lr * out["grad_W_in"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(new_out, W_out - lr * out["grad_W_out"], rtol=1e-12, atol=1e-14)
    assert value == pytest.approx(out["loss"])
