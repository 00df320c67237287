"""TrainConfig: defaults, derived values, and one clear error per bad parameter."""

from __future__ import annotations

import pytest

from w2v import ConfigError, TrainConfig, Word2Vec


def test_defaults_follow_word2vec_c():
    """Skip-gram starts at 0.025, CBOW at 0.05, and both decay to alpha·1e-4."""
    sg, cbow = TrainConfig(), TrainConfig(arch="cbow")
    assert (sg.start_alpha, cbow.start_alpha) == (0.025, 0.05)
    assert sg.end_alpha == pytest.approx(0.025e-4)
    assert TrainConfig(alpha=0.1, min_alpha=0.01).end_alpha == 0.01
    assert TrainConfig(workers=3).n_workers == 3 and TrainConfig().n_workers >= 1


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"arch": "sg"}, r"'arch' parameter must be one of 'skipgram', 'cbow'. Got 'sg'"),
        ({"loss": "neg"}, r"'loss' parameter must be one of 'softmax', 'hs', 'ns'. Got 'neg'"),
        ({"dim": 0}, r"'dim' parameter must be an int in the range \[1, inf\). Got 0"),
        ({"dim": 10.5}, r"'dim' parameter must be an int.*Got 10.5 \(float\)"),
        ({"window": 0}, r"'window' parameter must be an int in the range \[1, inf\). Got 0"),
        ({"negative": -1}, r"'negative' parameter must be an int in the range \[1, inf\)"),
        ({"negative": 0}, r"negative=0 .* use loss='hs' or loss='softmax'"),
        ({"sample": -1e-3}, r"'sample' parameter must be a float in the range \[0.0, inf\)"),
        ({"min_count": 0}, r"min_count=0 is not allowed; use 1 to keep every word"),
        ({"epochs": 0}, r"'epochs' parameter must be an int in the range \[1, inf\)"),
        ({"alpha": 0.0}, r"'alpha' parameter must be a float in the range \(0.0, inf\)"),
        ({"alpha": float("nan")}, r"'alpha' parameter must be a float"),
        ({"alpha": 0.01, "min_alpha": 0.1}, r"min_alpha \(0.1\) must not exceed alpha \(0.01\)"),
        ({"cbow_mean": 1}, r"'cbow_mean' parameter must be True or False. Got 1"),
        ({"workers": 0}, r"'workers' parameter must be an int in the range \[1, inf\)"),
        ({"seed": -1}, r"'seed' parameter must be an int in the range \[0, inf\)"),
        ({"batch_words": True}, r"'batch_words' parameter must be an int.*\(bool\)"),
        (
            {"arch": "skipgram", "shared_negatives": True, "device": "cpu"},
            r"shared_negatives=True is an option of the CPU trainer.*device='cpu'",
        ),
    ],
)
def test_bad_parameter_raises_config_error(params, match):
    """Each invalid value names the field, the allowed values and what was given."""
    with pytest.raises(ConfigError, match=match):
        TrainConfig(**params)
    with pytest.raises(ConfigError, match=match):
        Word2Vec(**params)


def test_unknown_parameter_suggests_the_closest_name():
    """A misspelt parameter is refused with a suggestion and the list of known names."""
    with pytest.raises(ConfigError, match=r"Unknown parameter 'windw'. Did you mean 'window'"):
        Word2Vec(windw=5)


def test_negative_may_be_zero_without_negative_sampling():
    """negative=0 is fine with hs or softmax."""
    assert TrainConfig(loss="hs", negative=0).negative == 0


def test_config_is_frozen_and_replace_validates():
    """The config cannot be mutated; replace() returns a validated copy."""
    cfg = TrainConfig()
    with pytest.raises(AttributeError):
        cfg.dim = 5  # type: ignore[misc]
    assert cfg.replace(dim=5).dim == 5
    with pytest.raises(ConfigError):
        cfg.replace(dim=-5)
