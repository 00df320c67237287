"""TrainConfig: every hyperparameter of training in one frozen, validated dataclass.

Each field carries its help text (with the reason for its default and how it compares with
word2vec.c and gensim) in ``metadata["help"]``. The command line builds its flags from these
fields, and the README's table of hyperparameters is checked against them in the tests.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import ConfigError

Arch = Literal["skipgram", "cbow"]
Loss = Literal["softmax", "hs", "ns"]

ARCHS: tuple[str, ...] = ("skipgram", "cbow")
LOSSES: tuple[str, ...] = ("softmax", "hs", "ns")


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of word2vec training, validated once when constructed.

    Invalid values raise :class:`w2v.errors.ConfigError` naming the field, the allowed values
    and what was given. ``alpha``, ``min_alpha`` and ``workers`` accept ``None`` meaning "the
    default for this architecture / machine"; the resolved values are the properties
    :attr:`start_alpha`, :attr:`end_alpha` and :attr:`n_workers`.

    Examples
    --------
    >>> cfg = TrainConfig(arch="cbow", loss="hs", dim=50)
    >>> cfg.start_alpha
    0.05
    """

    arch: Arch = field(
        default="skipgram",
        metadata=_help(
            "architecture: 'skipgram' (the centre word predicts each context word, one "
            "(centre, context) pair at a time) or 'cbow' (the mean of the context vectors "
            "predicts the centre word)"
        ),
    )
    loss: Loss = field(
        default="ns",
        metadata=_help(
            "output layer: 'ns' negative sampling, 'hs' hierarchical softmax on a Huffman tree "
            "of the counts, 'softmax' the exact softmax over the vocabulary (O(V) per example: "
            "for learning and small vocabularies)"
        ),
    )
    dim: int = field(default=100, metadata=_help("vector dimensionality (word2vec.c -size)"))
    window: int = field(
        default=5,
        metadata=_help(
            "maximum context radius; each centre word draws its radius uniformly in 1..window "
            "(word2vec.c's dynamic window)"
        ),
    )
    negative: int = field(
        default=5,
        metadata=_help("noise words per positive example with loss='ns' (word2vec.c -negative)"),
    )
    shared_negatives: bool = field(
        default=False,
        metadata=_help(
            "skip-gram with loss='ns' only: draw the noise words once per window and share "
            "them across its pairs (Ji et al. 2016); about 1.8x faster at the same quality"
        ),
    )
    minibatch: bool | None = field(
        default=None,
        metadata=_help(
            "train each skip-gram NS window or each group of 4 CBOW NS windows spread over a "
            "sentence as small matrix products, all its updates from one snapshot, its noise "
            "words drawn once for it (HogBatch, Ji et al. 2016); skip-gram HS: each 4 pairs of "
            "a window against the centre's Huffman path as products, with the per-pair "
            "arithmetic. Skip-gram NS: ~2x the per-pair kernel at the same quality or better; "
            "skip-gram HS: the per-pair kernel's result and speed; CBOW NS: ~1.1x "
            "but ~0.1-0.3 analogy points lower (benchmarks/issue21_notes.md). None: on for "
            "skip-gram NS (unless shared_negatives) on the CPU trainer, off otherwise; "
            "False: word2vec.c's per-pair updates"
        ),
    )
    ns_exponent: float = field(
        default=0.75,
        metadata=_help("noise distribution is count**ns_exponent (0.75 as in word2vec.c)"),
    )
    sample: float = field(
        default=1e-3,
        metadata=_help(
            "subsampling threshold t: a word of frequency f is kept with probability "
            "(sqrt(f/t)+1)*t/f; 0 disables subsampling (word2vec.c's formula and default)"
        ),
    )
    min_count: int = field(
        default=5, metadata=_help("words seen fewer times are dropped from the vocabulary")
    )
    max_vocab_size: int | None = field(
        default=None,
        metadata=_help(
            "bound on the distinct words held while counting: past it, words seen at most k "
            "times so far are forgotten (k = 1, 2, ... one more each time), as word2vec.c's "
            "ReduceVocab; memory about 100 bytes + the word per entry; counts of forgotten "
            "words seen again are underestimates. None: no bound"
        ),
    )
    epochs: int = field(default=5, metadata=_help("passes over the corpus (gensim's default)"))
    alpha: float | None = field(
        default=None,
        metadata=_help(
            "starting learning rate; default 0.025 for skipgram and 0.05 for cbow, as in "
            "word2vec.c (gensim uses 0.025 for both)"
        ),
    )
    min_alpha: float | None = field(
        default=None,
        metadata=_help(
            "final learning rate, reached linearly over all epochs; default alpha*1e-4 as in "
            "word2vec.c (gensim uses 1e-4)"
        ),
    )
    cbow_mean: bool = field(
        default=True,
        metadata=_help("cbow: average the context vectors (True) or sum them (False)"),
    )
    workers: int | None = field(
        default=None,
        metadata=_help(
            "training threads (Hogwild); default: all CPU cores. workers=1 is bit-reproducible"
        ),
    )
    seed: int = field(
        default=1, metadata=_help("seed of the initial vectors and of every random draw")
    )
    batch_words: int = field(
        default=10_000,
        metadata=_help(
            "words per kernel call; a sentence longer than this is trained in pieces of this "
            "size, windows not crossing a piece boundary (word2vec.c cuts at 1,000 words)"
        ),
    )

    device: str | None = field(
        default=None,
        metadata=_help(
            "where to train: None for the Numba CPU trainer (fastest on a CPU); 'cuda' or "
            "'cuda:N' for the PyTorch backend on a GPU (pip install \"w2v[gpu]\"); 'cpu' for "
            "the PyTorch backend on the CPU (slow; tests it without a GPU). See docs/gpu.md"
        ),
    )

    def __post_init__(self) -> None:
        _check_choice("arch", self.arch, ARCHS)
        _check_choice("loss", self.loss, LOSSES)
        _check_int("dim", self.dim, 1)
        _check_int("window", self.window, 1)
        if self.negative == 0 and self.loss == "ns":
            raise ConfigError(
                "negative=0 (gensim's and word2vec.c's way to turn negative sampling off) does "
                "not apply here: to choose another output layer, use loss='hs' or loss='softmax'."
            )
        _check_int("negative", self.negative, 1 if self.loss == "ns" else 0)
        _check_float("ns_exponent", self.ns_exponent, -math.inf, math.inf)
        _check_float("sample", self.sample, 0.0, math.inf)
        if isinstance(self.min_count, int) and not isinstance(self.min_count, bool):
            if self.min_count < 1:
                raise ConfigError(
                    f"min_count={self.min_count} is not allowed; use 1 to keep every word."
                )
        _check_int("min_count", self.min_count, 1)
        if self.max_vocab_size is not None:
            _check_int("max_vocab_size", self.max_vocab_size, 1)
        _check_int("epochs", self.epochs, 1)
        if self.alpha is not None:
            _check_float("alpha", self.alpha, 0.0, math.inf, low_open=True)
        if self.min_alpha is not None:
            _check_float("min_alpha", self.min_alpha, 0.0, math.inf)
        if self.end_alpha > self.start_alpha:
            raise ConfigError(
                f"min_alpha ({self.end_alpha}) must not exceed alpha ({self.start_alpha}); "
                "the learning rate decays from alpha down to min_alpha."
            )
        if not isinstance(self.cbow_mean, bool):
            gensim = (
                f" (gensim's 0/1; use cbow_mean={self.cbow_mean == 1})"
                if isinstance(self.cbow_mean, int) and self.cbow_mean in (0, 1)
                else ""
            )
            raise ConfigError(
                f"The 'cbow_mean' parameter must be True or False. Got {self.cbow_mean!r} "
                f"instead{gensim}."
            )
        if not isinstance(self.shared_negatives, bool):
            raise ConfigError(
                "The 'shared_negatives' parameter must be True or False. "
                f"Got {self.shared_negatives!r} instead."
            )
        if self.shared_negatives and self.loss != "ns":
            raise ConfigError(
                f"shared_negatives=True shares the noise words of negative sampling, and "
                f"loss={self.loss!r} draws none; use loss='ns' or drop shared_negatives."
            )
        if self.shared_negatives and self.arch != "skipgram":
            raise ConfigError(
                f"shared_negatives=True applies to arch='skipgram' only (got arch={self.arch!r}): "
                "CBOW already draws its noise words once per window; drop shared_negatives."
            )
        if self.minibatch is not None and not isinstance(self.minibatch, bool):
            raise ConfigError(
                "The 'minibatch' parameter must be None, True or False. "
                f"Got {self.minibatch!r} instead."
            )
        if self.minibatch and self.loss == "softmax":
            raise ConfigError(
                "minibatch=True trains negative sampling or hierarchical softmax as small "
                "matrix products; loss='softmax' has no such mode. Use loss='ns' or 'hs', or "
                "drop minibatch."
            )
        if self.minibatch and self.arch == "cbow" and self.loss != "ns":
            raise ConfigError(
                f"minibatch=True with arch='cbow' trains negative sampling only (got "
                f"loss={self.loss!r}); use loss='ns', or arch='skipgram', or drop minibatch."
            )
        if self.minibatch and self.shared_negatives:
            raise ConfigError(
                "minibatch=True already draws the noise words once per window; drop "
                "shared_negatives."
            )
        if self.workers is not None:
            _check_int("workers", self.workers, 1)
        _check_int("seed", self.seed, 0)
        _check_int("batch_words", self.batch_words, 1)
        if self.device is not None and (
            not isinstance(self.device, str) or not re.fullmatch(r"cpu|cuda(:\d+)?", self.device)
        ):
            raise ConfigError(
                "The 'device' parameter must be None (the CPU trainer), 'cuda', 'cuda:N' or "
                f"'cpu' (the PyTorch backend). Got {self.device!r} instead."
            )
        if self.device is not None and self.shared_negatives:
            raise ConfigError(
                f"shared_negatives=True is an option of the CPU trainer; the PyTorch backend "
                f"(device={self.device!r}) draws fresh noise words per pair. Use device=None, "
                "or shared_negatives=False (the backend's own sharing, neg_group, is in "
                "docs/gpu.md)."
            )
        if self.device is not None and self.minibatch:
            raise ConfigError(
                f"minibatch=True is an option of the CPU trainer; the PyTorch backend "
                f"(device={self.device!r}) batches in its own way. Use device=None, or "
                "minibatch=False."
            )

    @property
    def use_minibatch(self) -> bool:
        """Whether the CPU trainer runs the minibatch (HogBatch) kernels: ``minibatch``, or
        when it is None, skip-gram NS (without ``shared_negatives``) on the CPU trainer (~2x
        faster at the same quality; skip-gram HS's products run no faster than the per-pair
        loop, whose four-units-at-a-time scores caught up with them; CBOW's groups cost
        quality)."""
        if self.minibatch is not None:
            return self.minibatch
        return (
            self.arch == "skipgram"
            and self.loss == "ns"
            and not self.shared_negatives
            and self.device is None
        )

    @property
    def start_alpha(self) -> float:
        """The starting learning rate: ``alpha`` or :attr:`default_alpha`."""
        if self.alpha is not None:
            return float(self.alpha)
        return self.default_alpha

    @property
    def default_alpha(self) -> float:
        """The architecture's default learning rate: 0.05 for cbow, 0.025 for skipgram."""
        return 0.05 if self.arch == "cbow" else 0.025

    @property
    def init_range(self) -> float:
        """W_in starts uniform in ±init_range/dim: 1.0 for CBOW (gensim 4's range), 0.5 for
        skip-gram (word2vec.c's).

        Measured for CBOW on the 2.1M-word slice, 3 epochs, 2 workers, 5 seeds paired, against
        ±0.5/dim (``benchmarks/quality_seeds.py``): Google analogy +0.37 ± 0.07 points and
        WS353 +0.011 ± 0.002 (CBOW NS), +0.31 ± 0.10 and +0.007 ± 0.007 (CBOW HS). Skip-gram
        keeps word2vec.c's range until it is measured.
        """
        return 1.0 if self.arch == "cbow" else 0.5

    @property
    def end_alpha(self) -> float:
        """The final learning rate: ``min_alpha`` or ``start_alpha * 1e-4``."""
        if self.min_alpha is not None:
            return float(self.min_alpha)
        return self.start_alpha * 1e-4

    @property
    def n_workers(self) -> int:
        """The number of training threads: ``workers`` or the number of CPU cores."""
        return self.workers if self.workers is not None else max(1, os.cpu_count() or 1)

    def output_rows(self, vocab_size: int) -> int:
        """The rows of W_out for ``vocab_size`` words: the V−1 inner nodes of the Huffman tree
        (at least 1) for hierarchical softmax, one per word otherwise."""
        return max(vocab_size - 1, 1) if self.loss == "hs" else vocab_size

    def size_mismatch(self, n_words: int, n_counts: int, W_in: Any, W_out: Any) -> str | None:
        """What disagrees between a vocabulary and weights stored for this config, or None."""
        n_out, dim = self.output_rows(n_words), self.dim
        if n_counts == n_words and W_in.shape == (n_words, dim) and W_out.shape == (n_out, dim):
            return None
        return (
            f"the vocabulary and the matrices disagree in size: {n_words} words, {n_counts} "
            f"counts, W_in {W_in.shape}, W_out {W_out.shape}; expected W_in ({n_words}, {dim}) "
            f"and W_out ({n_out}, {dim})."
        )

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (JSON-serialisable)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_kwargs(cls, **params: Any) -> TrainConfig:
        """Build a config, turning an unknown name into a ConfigError with suggestions."""
        names = [f.name for f in dataclasses.fields(cls)]
        for key in params:
            if key in _GENSIM_NAMES and key not in names:
                value = params[key]
                shown = f"={value!r}" if isinstance(value, int | float | str | None) else ""
                raise ConfigError(f"{key}{shown} is gensim's name; {_GENSIM_NAMES[key](value)}")
            if key not in names:
                close = difflib.get_close_matches(key, names, n=3)
                hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                raise ConfigError(
                    f"Unknown parameter {key!r}.{hint} Known parameters: {', '.join(names)}."
                )
        return cls(**params)

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with some fields changed (validated again)."""
        current = self.to_dict()
        current.update(changes)
        return TrainConfig.from_kwargs(**current)


def _gensim_sg(value: object) -> str:
    arch = {1: "skipgram", 0: "cbow"}.get(value)  # type: ignore[call-overload]
    if arch is None:
        return "use arch='skipgram' (sg=1) or arch='cbow' (sg=0)."
    return f"use arch={arch!r}."


def _gensim_hs(value: object) -> str:
    if value == 1:
        return "use loss='hs' (negative sampling is then off; no negative=0 needed)."
    return "leave it out: loss='ns' (negative sampling) is the default."


def corpus_in_fit(value: object) -> str:
    """How to pass ``value``, a corpus given where gensim takes it, to w2v: in ``fit``."""
    if isinstance(value, str | os.PathLike):
        return f"w2v takes the corpus in fit: Word2Vec(dim=100).fit({str(value)!r})."
    return "w2v takes the corpus in fit: Word2Vec(dim=100).fit(sentences)."


#: gensim's (and older gensim's) Word2Vec parameters that w2v names differently or does not
#: have: each maps the value given to the w2v way of saying it.
_GENSIM_NAMES: dict[str, Any] = {
    "vector_size": lambda v: f"use dim={v!r}.",
    "size": lambda v: f"use dim={v!r} (size is gensim 3's name for it).",
    "sg": _gensim_sg,
    "hs": _gensim_hs,
    "iter": lambda v: f"use epochs={v!r} (iter is gensim 3's name for it).",
    "sentences": corpus_in_fit,
    "corpus_iterable": corpus_in_fit,
    "corpus_file": corpus_in_fit,
    "callbacks": lambda v: "pass callbacks to fit: Word2Vec(...).fit(corpus, callbacks=[...]).",
    "compute_loss": lambda v: "leave it out: the loss is always computed (model.loss_history).",
    "max_final_vocab": lambda v: (
        "w2v has no final-vocabulary cap; raise min_count, or bound memory while counting "
        "with max_vocab_size."
    ),
    "trim_rule": lambda v: "w2v has no trim rule; filter the corpus, or raise min_count.",
    "sorted_vocab": lambda v: "leave it out: the vocabulary is always sorted by count.",
    "hashfxn": lambda v: "leave it out: w2v's initial vectors are drawn from seed.",
    "shrink_windows": lambda v: (
        "leave it out: each centre word always draws its window radius in 1..window."
    ),
    "null_word": lambda v: "w2v has no null word; leave it out.",
}


def config_fields() -> list[dataclasses.Field[Any]]:
    """The dataclass fields of TrainConfig, in declaration order (used by the CLI)."""
    return list(dataclasses.fields(TrainConfig))


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(
            f"The {name!r} parameter must be one of {', '.join(repr(a) for a in allowed)}. "
            f"Got {value!r} instead."
        )


def _check_int(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(
            f"The {name!r} parameter must be an int in the range [{low}, inf). "
            f"Got {value!r} ({type(value).__name__}) instead."
        )
    if value < low:
        raise ConfigError(
            f"The {name!r} parameter must be an int in the range [{low}, inf). Got {value} instead."
        )


def _check_float(name: str, value: object, low: float, high: float, low_open: bool = False) -> None:
    bracket = "(" if low_open else "["
    rng = f"{bracket}{low}, {high})"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(
            f"The {name!r} parameter must be a float in the range {rng}. "
            f"Got {value!r} ({type(value).__name__}) instead."
        )
    v = float(value)
    if not math.isfinite(v) or v < low or (low_open and v == low) or v > high:
        raise ConfigError(
            f"The {name!r} parameter must be a float in the range {rng}. Got {value} instead."
        )
