"""The engine interface: one call for every engine, chosen once from the config."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from w2v import Word2Vec
from w2v.config import TrainConfig
from w2v.engines import engine_for
from w2v.engines.cpu import CpuEngine
from w2v.errors import ConfigError
from w2v.model import init_weights
from w2v.vocab import Vocabulary, encode_sentences

CORPUS = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "sat", "on", "a", "log"]] * 40


def test_the_config_chooses_the_engine():
    """No device: the CPU engine; a device: the PyTorch engine (torch not imported for it)."""
    assert isinstance(engine_for(TrainConfig()), CpuEngine)
    torch_engine = engine_for(TrainConfig(device="cpu"))
    assert torch_engine.name == "torch" and not torch_engine.supports_checkpoints


@pytest.mark.parametrize("loss", ["softmax", "hs", "ns"])
def test_the_engine_trains_what_fit_trains(loss):
    """Word2Vec.fit is: count, init_weights, engine.train; doing those steps by hand gives
    the same vectors and losses, to the bit (workers=1)."""
    params = dict(loss=loss, dim=8, min_count=1, epochs=2, workers=1, seed=5, sample=0)
    model = Word2Vec(**params).fit(CORPUS, progress=False)
    config = TrainConfig(**params)
    vocab = model.vocab
    W_in, W_out = init_weights(config, len(vocab))
    seen: list[tuple[int, float]] = []
    history = CpuEngine().train(
        config,
        vocab,
        encode_sentences(CORPUS, vocab),
        W_in,
        W_out,
        on_epoch_end=lambda epoch, loss: seen.append((epoch, loss)),
    )
    np.testing.assert_array_equal(W_in, model.W_in)
    np.testing.assert_array_equal(W_out, model.W_out)
    assert history == model.loss_history == [loss for _, loss in seen]
    assert [epoch for epoch, _ in seen] == [0, 1]


def test_init_weights_shapes_and_range():
    """W_in (V, dim) in ±0.5/dim from the seed, W_out zero with the output layer's rows."""
    for loss, rows in (("hs", 9), ("ns", 10), ("softmax", 10)):
        W_in, W_out = init_weights(TrainConfig(loss=loss, dim=16, seed=1), 10)
        assert W_in.shape == (10, 16) and W_out.shape == (rows, 16)
        assert np.abs(W_in).max() <= 0.5 / 16 and not W_out.any()
    cbow, _ = init_weights(TrainConfig(arch="cbow", dim=16, seed=1), 10)
    sg, _ = init_weights(TrainConfig(dim=16, seed=1), 10)
    np.testing.assert_allclose(cbow, 2 * sg, rtol=1e-6)  # the same draws, gensim 4's range
    assert np.abs(cbow).max() <= 1 / 16 and np.abs(cbow).max() > 0.9 / 16
    a, _ = init_weights(TrainConfig(dim=16, seed=1), 10)
    b, _ = init_weights(TrainConfig(dim=16, seed=2), 10)
    assert not np.array_equal(a, b)


def test_from_weights_builds_a_fitted_model_and_checks_sizes():
    """A model made of parts answers queries; parts of the wrong size are refused."""
    config = TrainConfig(dim=4, loss="hs")
    vocab = Vocabulary(["a", "b", "c"], np.array([3, 2, 1]))
    W_in, W_out = init_weights(config, 3)
    model = Word2Vec.from_weights(config, vocab, W_in, W_out, loss_history=[1.5])
    assert model.is_fitted and model.wv["b"].shape == (4,) and model.loss_history == [1.5]
    with pytest.raises(ValueError, match="disagree in size"):
        Word2Vec.from_weights(config, vocab, W_in, W_in)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_the_torch_engine_refuses_checkpoints():
    """An engine without checkpoints says so at once, before reading anything."""
    with pytest.raises(ConfigError, match="checkpoints are not supported"):
        Word2Vec(device="cpu", min_count=1).fit(CORPUS, checkpoint="x.ckpt")
