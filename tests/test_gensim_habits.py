"""gensim's habits (Word2Vec(sentences), its parameter names, corpus_file=, callback objects)
either work or fail at once with the w2v spelling."""

from __future__ import annotations

import re

import numpy as np
import pytest

from w2v import ConfigError, Word2Vec

SENTENCES = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "dog", "sat", "on", "a", "log"],
] * 20


def tiny(**params) -> Word2Vec:
    return Word2Vec(**{"dim": 8, "min_count": 1, "epochs": 2, "workers": 1, **params})


@pytest.mark.parametrize(
    ("first", "shown"),
    [
        (SENTENCES, "Word2Vec(dim=100).fit(sentences)"),
        ("corpus.txt", "Word2Vec(dim=100).fit('corpus.txt')"),
        ({"dim": 10}, "Word2Vec(**params)"),
    ],
)
def test_a_corpus_given_to_the_constructor_fails_at_once(first, shown):
    """Word2Vec(sentences), gensim's idiom, raises at once and shows the w2v call."""
    with pytest.raises(ConfigError, match=re.escape(shown)):
        Word2Vec(first)


@pytest.mark.parametrize(
    ("params", "hint"),
    [
        ({"vector_size": 50}, "dim=50"),
        ({"size": 50}, "dim=50"),
        ({"sg": 1}, "arch='skipgram'"),
        ({"sg": 0}, "arch='cbow'"),
        ({"hs": 1, "negative": 0}, "loss='hs'"),
        ({"hs": 0}, "loss='ns'"),
        ({"negative": 0}, "loss='hs' or loss='softmax'"),
        ({"iter": 3}, "epochs=3"),
        ({"cbow_mean": 1}, "use cbow_mean=True"),
        ({"cbow_mean": 0}, "use cbow_mean=False"),
        ({"sentences": SENTENCES}, "Word2Vec(dim=100).fit(sentences)"),
        ({"corpus_file": "c.txt"}, "fit('c.txt')"),
        ({"callbacks": []}, "fit(corpus, callbacks=[...])"),
        ({"compute_loss": True}, "loss_history"),
        ({"max_final_vocab": 1000}, "no final-vocabulary cap"),
    ],
)
def test_gensim_parameter_names_name_the_w2v_equivalent(params, hint):
    """Each gensim name gets a ConfigError naming what to write in w2v."""
    with pytest.raises(ConfigError, match=re.escape(hint)):
        Word2Vec(**params)


def test_the_sentences_are_not_printed_back():
    """A corpus passed as a keyword is not repr'd into the message (it may be huge)."""
    with pytest.raises(ConfigError) as info:
        Word2Vec(sentences=SENTENCES)
    assert "'cat'" not in str(info.value)


def test_fit_corpus_file_trains_as_fit_path(tmp_path):
    """fit(corpus_file=p) is fit(p): the same vectors with workers=1."""
    path = tmp_path / "c.txt"
    path.write_text("\n".join(" ".join(s) for s in SENTENCES) + "\n")
    a = tiny().fit(corpus_file=str(path))
    b = tiny().fit(str(path))
    np.testing.assert_array_equal(a.W_in, b.W_in)
    with pytest.raises(ConfigError, match="not both"):
        tiny().fit(str(path), corpus_file=str(path))
    with pytest.raises(ConfigError, match="needs a corpus"):
        tiny().fit()


def test_gensim_callback_objects_and_functions_are_called_in_order():
    """A CallbackAny2Vec subclass gets every hook with the model; functions still get
    (model, epoch, loss); both in the order given."""
    callbacks = pytest.importorskip("gensim.models.callbacks")
    events: list[str] = []

    class Recorder(callbacks.CallbackAny2Vec):
        def on_train_begin(self, model):
            events.append(f"train_begin {model.is_fitted}")

        def on_epoch_begin(self, model):
            events.append("epoch_begin")

        def on_epoch_end(self, model):
            events.append(f"epoch_end {model.wv.vector_size}")

        def on_train_end(self, model):
            events.append(f"train_end {model.epochs_trained}")

    class OnlyEnd:  # not a CallbackAny2Vec: any object with the method
        def on_epoch_end(self, model):
            events.append("only_end")

    def fn(model, epoch, loss):
        events.append(f"fn {epoch} {np.isfinite(loss)}")

    model = tiny(epochs=3).fit(SENTENCES, callbacks=[Recorder(), fn, OnlyEnd()])
    assert events == [
        "train_begin True",
        "epoch_begin",
        "epoch_end 8",
        "fn 0 True",
        "only_end",
        "epoch_begin",
        "epoch_end 8",
        "fn 1 True",
        "only_end",
        "epoch_begin",
        "epoch_end 8",
        "fn 2 True",
        "only_end",
        "train_end 3",
    ]
    assert model.epochs_trained == 3


def test_a_single_callback_object_needs_no_list():
    """callbacks=obj is accepted as callbacks=[obj]."""
    seen: list[int] = []

    class Count:
        def on_epoch_end(self, model):
            seen.append(1)

    tiny(epochs=2).fit(SENTENCES, callbacks=Count())
    assert seen == [1, 1]


def test_a_callback_of_neither_kind_fails_before_reading(tmp_path):
    """A non-callback is a ConfigError at once, before the corpus is opened."""
    with pytest.raises(ConfigError, match="neither a function"):
        tiny().fit(str(tmp_path / "missing.txt"), callbacks=[42])


def test_callback_objects_follow_a_resumed_fit(tmp_path):
    """resume calls the object's hooks for the epochs it still trains, from the right one."""
    from w2v import TrainingInterrupted

    ckpt = tmp_path / "c.ckpt"

    def interrupt(_model, epoch, _loss):
        if epoch == 0:
            raise KeyboardInterrupt

    with pytest.raises(TrainingInterrupted):
        tiny(epochs=3).fit(SENTENCES, checkpoint=ckpt, checkpoint_every=None, callbacks=interrupt)
    events: list[str] = []

    class Recorder:
        def on_train_begin(self, model):
            events.append("train_begin")

        def on_epoch_begin(self, model):
            events.append("epoch_begin")

        def on_epoch_end(self, model):
            events.append("epoch_end")

        def on_train_end(self, model):
            events.append(f"train_end {model.epochs_trained}")

    Word2Vec.resume(ckpt, corpus=SENTENCES, callbacks=[Recorder()])
    assert events == [
        "train_begin",
        *["epoch_begin", "epoch_end"] * 2,  # epochs 2 and 3 of 3
        "train_end 3",
    ]
