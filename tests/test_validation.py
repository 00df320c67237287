"""The held-out loss: exact against the float64 reference, and honest about the model."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import VARIANTS
from w2v import ConfigError, CorpusError, Word2Vec
from w2v import reference as ref
from w2v.config import TrainConfig
from w2v.synthetic import generate_corpus
from w2v.tables import build_tables
from w2v.validation import held_out_examples, held_out_loss
from w2v.vocab import Vocabulary, encode_sentences

SENTENCES = generate_corpus(400, seed=3)


def test_examples_are_every_pair_within_the_window():
    """Skip-gram: each (context -> centre) pair within window, in the same sentence; CBOW: one
    example per centre with all its context words."""
    ids = np.array([0, 1, 2, 3, 4, 5], np.int32)
    ends = np.array([4, 6])  # sentences [0 1 2 3] and [4 5]
    sg = held_out_examples(TrainConfig(window=1, loss="hs"), ids, ends, None)
    pairs = sorted(zip(sg.inputs[:, 0].tolist(), sg.targets.tolist(), strict=True))
    assert pairs == sorted([(1, 0), (0, 1), (2, 1), (1, 2), (3, 2), (2, 3), (5, 4), (4, 5)])
    cbow = held_out_examples(TrainConfig(arch="cbow", window=2, loss="hs"), ids, ends, None)
    got = {
        t: sorted(x for x in row if x >= 0)
        for row, t in zip(cbow.inputs, cbow.targets, strict=True)
    }
    assert got == {0: [1, 2], 1: [0, 2, 3], 2: [0, 1, 3], 3: [1, 2], 4: [5], 5: [4]}


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_held_out_loss_is_the_reference_mean(arch, loss):
    """The vectorised loss equals the mean of the float64 reference's example losses (the
    reference skips nothing, so noise draws equal to the target are left out of its call)."""
    words = [f"w{i}" for i in range(12)]
    counts = np.arange(40, 28, -1)
    vocab = Vocabulary(words, counts)
    config = TrainConfig(arch=arch, loss=loss, dim=6, window=2, negative=4, seed=2)
    rng = np.random.default_rng(0)
    W_in = rng.normal(0, 0.3, (12, 6)).astype(np.float32)
    W_out = rng.normal(0, 0.3, (config.output_rows(12), 6)).astype(np.float32)
    corpus = encode_sentences([[words[i] for i in rng.integers(0, 12, 9)] for _ in range(5)], vocab)
    noise = vocab.noise_distribution(config.ns_exponent) if loss == "ns" else None
    held = held_out_examples(config, corpus.ids, corpus.sentence_ends, noise)
    tables = build_tables(config, vocab)
    tree = tables.huffman
    want = []
    for e in range(len(held)):
        inputs = [int(i) for i in held.inputs[e] if i >= 0]
        t = int(held.targets[e])
        extra: dict = {}
        if loss == "ns":
            extra["negatives"] = [int(k) for k in held.noise[e] if k != t]
        if loss == "hs":
            extra["points"] = tree.points[t, : tree.lengths[t]].tolist()
            extra["codes"] = tree.codes[t, : tree.lengths[t]].tolist()
        out = ref.example_forward(loss, W_in, W_out, inputs, t, cbow_mean=True, **extra)
        want.append(out["loss"])
    assert len(held) > 20
    got = held_out_loss(config, held, W_in, W_out, tables)
    assert got == pytest.approx(float(np.mean(want)), rel=1e-12)


def test_a_held_out_fraction_is_not_trained_on():
    """validation=0.25 trains exactly what a fit of the first 75 % of the sentences with the
    same vocabulary trains (bit-identical, workers=1), and records one loss per epoch."""
    params = dict(dim=10, min_count=1, epochs=2, workers=1, seed=4, sample=0)
    held_out = Word2Vec(**params).fit(SENTENCES, validation=0.25, progress=False)
    first = SENTENCES[:300]
    plain = Word2Vec(**params).fit(first, vocab=held_out.vocab, progress=False)
    np.testing.assert_array_equal(held_out.W_in, plain.W_in)
    assert held_out.loss_history == plain.loss_history
    assert len(held_out.validation_history) == 2
    assert all(np.isfinite(held_out.validation_history)) and not plain.validation_history


def test_it_falls_while_the_model_improves():
    """On unseen sentences of the same language the held-out loss falls epoch after epoch."""
    model = Word2Vec(loss="ns", dim=20, min_count=1, epochs=5, workers=1, seed=1, sample=0)
    model.fit(SENTENCES, validation=0.2, progress=False)
    v = model.validation_history
    assert all(b < a for a, b in zip(v, v[1:], strict=False)), v


@pytest.mark.parametrize("loss", ["hs", "ns"])
def test_it_rises_when_the_model_overfits(loss):
    """60 tiny sentences, 100 dimensions and a constant high rate: the training loss keeps
    falling while the loss on 100 other sentences passes a minimum and rises (the case the
    online loss hides)."""
    train, held = SENTENCES[:60], SENTENCES[300:400]
    model = Word2Vec(
        loss=loss, dim=100, min_count=1, epochs=30, workers=1, seed=1,
        sample=0, alpha=0.05, min_alpha=0.05,
    )  # fmt: skip
    model.fit(train, validation=held, progress=False)
    v = np.array(model.validation_history)
    best = int(np.argmin(v))
    assert best < len(v) - 5 and v[-3:].mean() > v[best] + 0.04, v
    assert model.loss_history[-1] < model.loss_history[best]


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True])
def test_bad_fractions_are_one_line_errors(bad):
    with pytest.raises(ConfigError, match="fraction of the sentences"):
        Word2Vec(min_count=1).fit(SENTENCES, validation=bad)


def test_one_sentence_cannot_be_split():
    with pytest.raises(CorpusError, match="too few to hold some out"):
        Word2Vec(min_count=1).fit([["a", "b", "c"]], validation=0.5)


def test_resume_holds_out_the_same_sentences(tmp_path):
    """A checkpointed fit with validation=0.2 resumes (same training corpus, so the corpus
    check passes) and ends where the uninterrupted fit ends."""
    params = dict(dim=8, min_count=1, epochs=2, workers=1, seed=5, sample=0, batch_words=500)
    path = tmp_path / "v.ckpt"
    full = Word2Vec(**params).fit(SENTENCES, validation=0.2, checkpoint=path, checkpoint_every=800)
    resumed = Word2Vec.resume(path, SENTENCES)
    np.testing.assert_array_equal(resumed.W_in, full.W_in)
    assert resumed.validation_history and resumed.validation_history[-1] == pytest.approx(
        full.validation_history[-1], rel=1e-12
    )
