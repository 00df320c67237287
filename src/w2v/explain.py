"""The network made visible: every quantity of one word2vec training example, with numbers.

``explain("i love trucks", arch="skipgram", loss="softmax", dim=2)`` takes one training
example from a tiny text and runs the real network on it in float64: the vocabulary and
one-hot input, W and W', the projection (hidden layer), the scores, the output layer
(softmax over V, the sigmoids on the Huffman path, or the positive and negative sigmoids of
negative sampling), the loss, the exact gradients and the rows after one SGD step with the
trainer's update rule. It also shows, for skip-gram, that the C "output softmaxes" of a
window are one distribution; for CBOW, the averaging; the Huffman tree; the noise
distribution; and, with ``steps``, the loss falling over repeated steps.

Every number comes from :mod:`w2v.reference` (the float64 code the kernel tests compare
against) on the project's own :class:`~w2v.vocab.Vocabulary`, Huffman tree, noise
distribution and alias-table sampler, so what is shown is what the trainer computes.
:meth:`Explanation.render_text` prints it for an 80-column terminal,
:meth:`Explanation.to_dict` gives every number as JSON and :meth:`Explanation.save_png`
draws the network (needs the ``plot`` extra). With ``epochs`` it also walks the whole text
in the trainer's order (:mod:`w2v._explain_walk`), and :meth:`Explanation.save_html` writes
the page that steps through that walk (:mod:`w2v._explain_html`).

The example is the textbook direction: skip-gram's centre word predicts one context word.
The trainer walks each window in word2vec.c's order (the context word's row predicts the
centre word); windows are symmetric, so both orders train the same multiset of pairs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import reference as ref
from .config import TrainConfig
from .errors import W2VError
from .huffman import HuffmanTree, build_huffman
from .vocab import Vocabulary, vocab_from_counts

__all__ = ["INITS", "ExplainError", "Explanation", "explain"]

#: How W and W' start: ``random`` (both uniform in ±0.5, so the first step is not trivial)
#: or ``word2vec`` (exactly the trainer's start: W uniform in ±0.5/dim for skip-gram and
#: ±1/dim for CBOW (``TrainConfig.init_range``), W' zero).
INITS: tuple[str, ...] = ("random", "word2vec")
#: explain prints every number; beyond this many distinct words the tables are unreadable.
MAX_WORDS = 60
#: Epochs of the training walk that :meth:`Explanation.to_html` computes when none was asked.
HTML_EPOCHS = 20


class ExplainError(W2VError, ValueError):
    """The text or the chosen example cannot make a training example."""


@dataclass
class Explanation:
    """Every quantity of one training example (float64), as :func:`explain` computed it.

    Attributes are plain NumPy arrays and lists; :meth:`to_dict` is the JSON form and names
    each of them. Word ids index ``words``; rows of ``W_out`` are words (softmax, NS) or the
    Huffman tree's inner nodes (HS), labelled by ``out_labels``.
    """

    text: str
    arch: str
    loss: str
    dim: int
    window: int
    lr: float
    cbow_mean: bool
    seed: int
    init: str
    negative: int
    ns_exponent: float
    words: list[str]
    counts: np.ndarray  # (V,) int64
    sentence: list[str]  # the tokens of the example's sentence
    center_pos: int  # position of the centre word in ``sentence``
    context_pos: list[int]  # positions of the window's context words
    inputs: list[int]  # input word ids (skip-gram: [centre]; CBOW: the context words)
    target: int  # predicted word id (skip-gram: the context word; CBOW: the centre)
    W_in: np.ndarray  # (V, dim)
    W_out: np.ndarray  # (V, dim), or (V-1, dim) for HS
    out_labels: list[str]
    forward: dict[str, Any]  # reference.example_forward's dict
    distribution: np.ndarray  # (V,) p(w | h) (softmax, HS) or σ(u_w·h) (NS)
    p_target: float
    W_in_new: np.ndarray
    W_out_new: np.ndarray
    negatives: list[int] = field(default_factory=list)
    noise: np.ndarray | None = None  # (V,) noise distribution (NS)
    tree: HuffmanTree | None = None
    points: list[int] = field(default_factory=list)  # target's Huffman path (HS)
    codes: list[int] = field(default_factory=list)
    window_distributions: np.ndarray | None = None  # (C, V) skip-gram: one row per position
    window_losses: list[float] = field(default_factory=list)  # skip-gram softmax / HS
    steps: list[dict[str, float]] = field(default_factory=list)
    walk: dict[str, Any] | None = None  # the training walk (``epochs`` > 0), JSON-ready

    # -- derived ------------------------------------------------------------------------
    @property
    def V(self) -> int:
        """Vocabulary size."""
        return len(self.words)

    @property
    def one_hot(self) -> np.ndarray:
        """(n_inputs, V) one-hot rows of the inputs."""
        x = np.zeros((len(self.inputs), self.V))
        x[np.arange(len(self.inputs)), self.inputs] = 1.0
        return x

    @property
    def center(self) -> str:
        """The centre word of the example."""
        return self.sentence[self.center_pos]

    @property
    def h(self) -> np.ndarray:
        """The projection (hidden layer): the input row, or the mean/sum of the rows."""
        return np.asarray(self.forward["v"])

    def output_kwargs(self) -> dict[str, list[int]]:
        """The output-layer arguments of :mod:`w2v.reference` for this example."""
        if self.loss == "ns":
            return {"negatives": list(self.negatives)}
        if self.loss == "hs":
            return {"points": list(self.points), "codes": list(self.codes)}
        return {}

    def loss_of(self, W_in: np.ndarray, W_out: np.ndarray) -> float:
        """The example's loss for other matrices (same inputs, target and negatives)."""
        return float(
            ref.example_forward(
                self.loss,
                W_in,
                W_out,
                self.inputs,
                self.target,
                cbow_mean=self.cbow_mean,
                **self.output_kwargs(),
            )["loss"]
        )

    # -- output -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Every number as plain JSON-serialisable values (float64 in full precision)."""
        fw = self.forward
        d: dict[str, Any] = {
            "text": self.text,
            "arch": self.arch,
            "loss": self.loss,
            "dim": self.dim,
            "window": self.window,
            "lr": self.lr,
            "cbow_mean": self.cbow_mean,
            "seed": self.seed,
            "init": self.init,
            "vocab": {
                "words": list(self.words),
                "ids": list(range(self.V)),
                "counts": self.counts.tolist(),
            },
            "example": {
                "sentence": list(self.sentence),
                "center": self.center,
                "center_position": self.center_pos,
                "context_positions": list(self.context_pos),
                "context": [self.sentence[p] for p in self.context_pos],
                "inputs": list(self.inputs),
                "input_words": [self.words[i] for i in self.inputs],
                "target": self.target,
                "target_word": self.words[self.target],
            },
            "one_hot": self.one_hot.tolist(),
            "W_in": self.W_in.tolist(),
            "W_out": self.W_out.tolist(),
            "W_out_rows": list(self.out_labels),
            "projection": self.h.tolist(),
            "loss_value": float(fw["loss"]),
            "p_target": self.p_target,
            "gradients": {
                "projection": np.asarray(fw["grad_v"]).tolist(),
                "W_in": np.asarray(fw["grad_W_in"]).tolist(),
                "W_out": np.asarray(fw["grad_W_out"]).tolist(),
            },
            "update": {
                "lr": self.lr,
                "W_in": self.W_in_new.tolist(),
                "W_out": self.W_out_new.tolist(),
                "loss_after": self.loss_of(self.W_in_new, self.W_out_new),
            },
        }
        if self.loss == "softmax":
            d["output"] = {
                "scores": np.asarray(fw["scores"]).tolist(),
                "probs": np.asarray(fw["probs"]).tolist(),
            }
        else:
            rows = np.asarray(fw["rows"])
            d["output"] = {
                "rows": rows.tolist(),
                "row_labels": [self.out_labels[r] for r in rows],
                "labels": np.asarray(fw["labels"]).tolist(),
                "scores": np.asarray(fw["scores"]).tolist(),
                "sigmoids": np.asarray(fw["sigmoids"]).tolist(),
            }
        if self.loss == "hs":
            assert self.tree is not None
            d["huffman"] = {
                "points": [self.tree.path(w)[0].tolist() for w in range(self.V)],
                "codes": [self.tree.path(w)[1].tolist() for w in range(self.V)],
                "target_points": list(self.points),
                "target_codes": list(self.codes),
                "leaf_probs": self.distribution.tolist(),
            }
        if self.loss == "ns":
            assert self.noise is not None
            d["noise"] = {
                "exponent": self.ns_exponent,
                "unigram": (self.counts / self.counts.sum()).tolist(),
                "distribution": self.noise.tolist(),
                "negative": self.negative,
                "negatives": list(self.negatives),
                "negative_words": [self.words[k] for k in self.negatives],
                "sigmoids_all_words": self.distribution.tolist(),
            }
        elif self.loss == "softmax":
            d["distribution"] = self.distribution.tolist()
        if self.arch == "skipgram":
            assert self.window_distributions is not None
            d["window_outputs"] = {
                "positions": list(self.context_pos),
                "words": [self.sentence[p] for p in self.context_pos],
                "distributions": self.window_distributions.tolist(),
                "pair_losses": list(self.window_losses),
                "window_loss": float(sum(self.window_losses)) if self.window_losses else None,
            }
        else:
            d["cbow"] = {
                "context_rows": self.W_in[self.inputs].tolist(),
                "mean": self.cbow_mean,
                "projection": self.h.tolist(),
            }
        d["steps"] = [dict(s) for s in self.steps]
        if self.walk is not None:
            d["walk"] = self.walk
        return d

    def render_text(self, color: bool = False) -> str:
        """The explanation as text for an 80-column terminal (ANSI colours if ``color``)."""
        from ._explain_text import render

        return render(self, color=color)

    def save_png(self, path: str | os.PathLike[str]) -> Path:
        """Draw the network with its numbers to ``path`` (needs the ``plot`` extra).

        Written atomically; the suffix picks the format. Raises ``MissingExtraError`` without
        matplotlib and ``PlotError`` for an unusable path.
        """
        from ._explain_png import save_png

        return save_png(self, path)

    def to_html(self) -> str:
        """The interactive "watch it learn" page: one self-contained HTML document.

        It steps through :attr:`walk` (every example of the text in the trainer's order;
        ``explain(..., epochs=N)`` computes it, and a walk of :data:`HTML_EPOCHS` epochs is
        computed here when there is none). Scripts, styles and data are inline: the page
        needs no network and opens from disk. Every number it shows is one of
        :meth:`to_dict`'s, formatted as the text output formats it.
        """
        from ._explain_html import render_html

        if self.walk is None:
            from ._explain_walk import training_walk

            self.walk = training_walk(self, HTML_EPOCHS)
        return render_html(self.to_dict())

    def save_html(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_html` to ``path`` atomically; return ``path``.

        Raises ``OutputPathError`` (one line) if the folder is missing or read-only.
        """
        from ._files import atomic_write, check_output_path

        out = check_output_path(path, "Page")
        page = self.to_html().encode("utf-8")
        with atomic_write(out) as fh:
            fh.write(page)
        return out


# -- the computation ----------------------------------------------------------------------
def _sentences(text: str) -> list[list[str]]:
    """Lines are sentences, tokens are whitespace-separated (as the trainer reads a file)."""
    return [line.split() for line in text.splitlines() if line.split()]


def _pick_center(sentences: list[list[str]], center: str | None) -> tuple[int, int]:
    """(sentence, position) of the centre: the first occurrence, or the first sentence's
    middle word (position (n−1)//2)."""
    if center is None:
        longest = max(range(len(sentences)), key=lambda s: len(sentences[s]))
        first = next((s for s, toks in enumerate(sentences) if len(toks) >= 2), longest)
        return first, (len(sentences[first]) - 1) // 2
    for s, toks in enumerate(sentences):
        if center in toks:
            return s, toks.index(center)
    words = sorted({t for toks in sentences for t in toks})
    raise ExplainError(
        f"--center {center!r} is not in the text; choose one of: {', '.join(words[:20])}"
        + (" ..." if len(words) > 20 else "")
    )


def _init_weights(init: str, V: int, n_out: int, dim: int, seed: int, config: TrainConfig):
    """(W_in, W_out) in float64 for ``init`` (see :data:`INITS`)."""
    if init == "word2vec":
        from .model import init_weights

        W_in, W_out = init_weights(config, V)
        return W_in.astype(np.float64), W_out.astype(np.float64)
    rng = np.random.default_rng(seed)
    W_in = rng.uniform(-0.5, 0.5, (V, dim))
    W_out = rng.uniform(-0.5, 0.5, (n_out, dim))
    return W_in, W_out


def _draw_negatives(vocab: Vocabulary, exponent: float, k: int, target: int, seed: int):
    """k draws with the trainer's alias table and sampler (a draw equal to ``target`` is
    skipped, not redrawn, as in word2vec.c). Returns (noise distribution, negatives)."""
    from .kernels.common import build_alias_table, draw_negatives

    noise = vocab.noise_distribution(exponent)
    prob, alias = build_alias_table(noise)
    out = np.zeros((1, k + 1), dtype=np.int32)
    state = np.uint64((seed * 2 + 1) & 0xFFFFFFFFFFFFFFFF)  # any seed >= 0; odd, so nonzero
    n, _ = draw_negatives(prob, alias, k, target, out, state)
    return noise, [int(i) for i in out[0, 1 : n + 1]]


def _distribution(
    loss: str, h: np.ndarray, W_out: np.ndarray, V: int, tree: HuffmanTree | None
) -> np.ndarray:
    """p(w | h) over every word (softmax, HS: the leaf probabilities) or σ(u_w·h) (NS)."""
    if loss == "softmax":
        return np.asarray(ref.output_forward("softmax", h, W_out, 0)["probs"])
    if loss == "hs":
        assert tree is not None
        p = np.empty(V)
        for w in range(V):
            pts, cds = tree.path(w)
            out = ref.output_forward("hs", h, W_out, w, points=pts.tolist(), codes=cds.tolist())
            p[w] = np.exp(-float(out["loss"]))
        return p
    return np.asarray(ref.sigmoid(W_out @ h))


def _p_target(ex_loss: str, out: dict[str, Any], target: int) -> float:
    """p(target | h) (softmax, HS) or σ(u_target·h) (NS) from an output-layer dict."""
    if ex_loss == "softmax":
        return float(out["probs"][target])
    if ex_loss == "hs":
        return float(np.exp(-float(out["loss"])))
    return float(out["sigmoids"][0])


def explain(
    text: str,
    *,
    arch: str = "skipgram",
    loss: str = "softmax",
    dim: int = 2,
    window: int = 2,
    center: str | None = None,
    context: str | None = None,
    negative: int = 5,
    ns_exponent: float = 0.75,
    lr: float | None = None,
    cbow_mean: bool = True,
    seed: int = 1,
    init: str = "random",
    steps: int = 0,
    epochs: int = 0,
) -> Explanation:
    """Run the network on one training example of ``text`` and keep every quantity.

    Parameters
    ----------
    text : str
        A tiny corpus: whitespace-separated words, one sentence per line. Its vocabulary
        (every word, ``min_count=1``) is sorted by descending count, ties in order of first
        appearance, exactly as the trainer sorts it.
    arch : {"skipgram", "cbow"}
        Skip-gram: the centre word's row is the projection and predicts ``context``.
        CBOW: the mean (or sum) of the window's context rows predicts the centre word.
    loss : {"softmax", "hs", "ns"}
        The output layer.
    dim : int
        Vector size.
    window : int
        Radius of the window. The whole window is used; the trainer draws a radius
        uniformly in 1..window per centre word.
    center : str, optional
        The centre word (its first occurrence); default the middle word of the first
        sentence with at least two words.
    context : str, optional
        Skip-gram only: the context word to predict, within ``window`` of the centre
        (the nearest occurrence); default the word after the centre, else the one before.
    negative : int
        Noise words drawn for NS (draws equal to the target are skipped, as in the trainer).
    ns_exponent : float
        The noise distribution is count**ns_exponent, normalised.
    lr : float, optional
        Learning rate of the SGD step; default the trainer's (0.025 skip-gram, 0.05 CBOW).
    cbow_mean : bool
        CBOW's projection is the mean (True) or the sum of the context rows.
    seed : int
        Seeds the initial matrices and the negative draws.
    init : {"random", "word2vec"}
        ``random``: W and W' uniform in [−0.5, 0.5) from ``seed`` (a non-trivial first step).
        ``word2vec``: the trainer's own start for ``seed`` (W uniform in ±init_range/dim, W' zero;
        every first-step output probability is then uniform).
    steps : int
        Also repeat the same example (same negatives) for this many SGD steps and record
        the loss and the target's probability before each step and after the last.
    epochs : int
        Also walk the whole text this many times, one example at a time in the trainer's
        order (word2vec.c's; no subsampling, the whole window, constant ``lr``), starting
        from the same W and W', and keep every number of every example in ``walk``
        (:meth:`Explanation.to_html` steps through it).

    Returns
    -------
    Explanation
        Every quantity; ``render_text()``, ``to_dict()`` and ``save_png(path)`` show it.

    Raises
    ------
    ExplainError
        If the text has fewer than two distinct words or too many, or the centre or context
        word is not usable.
    ConfigError
        If a hyperparameter is out of range (the trainer's validation).

    Examples
    --------
    >>> ex = explain("i love trucks", arch="skipgram", loss="softmax", dim=2)
    >>> ex.words, ex.center, ex.words[ex.target]
    (['i', 'love', 'trucks'], 'love', 'trucks')
    >>> round(float(ex.distribution.sum()), 12)
    1.0
    """
    config = TrainConfig.from_kwargs(
        arch=arch,
        loss=loss,
        dim=dim,
        window=window,
        negative=negative,
        ns_exponent=ns_exponent,
        alpha=lr,
        cbow_mean=cbow_mean,
        seed=seed,
        min_count=1,
    )
    if init not in INITS:
        raise ExplainError(f"init {init!r} is unknown; use one of {', '.join(INITS)}.")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ExplainError(f"steps must be an integer >= 0, got {steps!r}.")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ExplainError(f"epochs must be an integer >= 0, got {epochs!r}.")
    sentences = _sentences(text)
    tokens = [t for s in sentences for t in s]
    distinct = list(dict.fromkeys(tokens))
    if len(distinct) < 2:
        raise ExplainError(
            f"The text is too short: it needs at least two different words to make a "
            f"(centre, context) example, got {len(tokens)} word(s), {len(distinct)} distinct."
        )
    if len(distinct) > MAX_WORDS:
        raise ExplainError(
            f"The text has {len(distinct)} distinct words; explain prints every number, so "
            f"give at most {MAX_WORDS} (train with `w2v train` for real corpora)."
        )
    counts = [tokens.count(w) for w in distinct]
    vocab = vocab_from_counts(distinct, counts, min_count=1)
    V = len(vocab)

    s, c_pos = _pick_center(sentences, center)
    sentence = sentences[s]
    ctx_pos = [
        p
        for p in range(c_pos - window, c_pos + window + 1)
        if p != c_pos and 0 <= p < len(sentence)
    ]
    if not ctx_pos:
        raise ExplainError(
            f"The centre word {sentence[c_pos]!r} has no context words: its sentence "
            f"({' '.join(sentence)!r}) has no other word. Choose another --center."
        )
    c_id = vocab.index[sentence[c_pos]]
    if arch == "skipgram":
        if context is None:
            o_pos = c_pos + 1 if c_pos + 1 < len(sentence) else c_pos - 1
        else:
            near = sorted((abs(p - c_pos), p) for p in ctx_pos if sentence[p] == context)
            if not near:
                raise ExplainError(
                    f"--context {context!r} is not within {window} word(s) of the centre "
                    f"{sentence[c_pos]!r}; the window holds: "
                    f"{', '.join(sentence[p] for p in ctx_pos)}."
                )
            o_pos = near[0][1]
        inputs, target = [c_id], vocab.index[sentence[o_pos]]
    else:
        if context is not None:
            raise ExplainError(
                "--context is for skip-gram; CBOW predicts the centre word from all the "
                "context words of its window (choose the centre with --center)."
            )
        inputs, target = [vocab.index[sentence[p]] for p in ctx_pos], c_id

    W_in, W_out = _init_weights(init, V, config.output_rows(V), dim, seed, config)
    tree = build_huffman(vocab.counts) if loss == "hs" else None
    out_labels = [f"n{j}" for j in range(V - 1)] if loss == "hs" else list(vocab.words)
    noise, negatives, points, codes = None, [], [], []
    if loss == "ns":
        noise, negatives = _draw_negatives(vocab, ns_exponent, negative, target, seed)
    if tree is not None:
        pts, cds = tree.path(target)
        points, codes = [int(p) for p in pts], [int(c) for c in cds]

    ex = Explanation(
        text=text,
        arch=arch,
        loss=loss,
        dim=dim,
        window=window,
        lr=config.start_alpha,
        cbow_mean=cbow_mean,
        seed=seed,
        init=init,
        negative=negative,
        ns_exponent=ns_exponent,
        words=list(vocab.words),
        counts=vocab.counts.copy(),
        sentence=list(sentence),
        center_pos=c_pos,
        context_pos=ctx_pos,
        inputs=inputs,
        target=target,
        W_in=W_in,
        W_out=W_out,
        out_labels=out_labels,
        forward={},
        distribution=np.zeros(V),
        p_target=0.0,
        W_in_new=W_in,
        W_out_new=W_out,
        negatives=negatives,
        noise=noise,
        tree=tree,
        points=points,
        codes=codes,
    )
    kw = ex.output_kwargs()
    ex.forward = ref.example_forward(loss, W_in, W_out, inputs, target, cbow_mean=cbow_mean, **kw)
    h = ex.h
    ex.distribution = _distribution(loss, h, W_out, V, tree)
    ex.p_target = _p_target(loss, ex.forward, target)
    ex.W_in_new, ex.W_out_new, _ = ref.sgd_step(
        loss, W_in, W_out, inputs, target, ex.lr, cbow_mean=cbow_mean, **kw
    )
    if arch == "skipgram":
        # One output layer per window position, each fed the same projection h = W[centre].
        rows, losses = [], []
        for p in ctx_pos:
            o = vocab.index[sentence[p]]
            rows.append(_distribution(loss, h, W_out, V, tree))
            if loss != "ns":
                losses.append(float(-np.log(rows[-1][o])))
        ex.window_distributions = np.array(rows)
        ex.window_losses = losses
    ex.steps = _train_steps(ex, steps)
    if epochs:
        from ._explain_walk import training_walk

        ex.walk = training_walk(ex, epochs)
    return ex


def _train_steps(ex: Explanation, steps: int) -> list[dict[str, float]]:
    """Repeat the example's SGD step; the loss and p(target) before each step and after."""
    if steps == 0:
        return []
    W_in, W_out = ex.W_in, ex.W_out
    kw = ex.output_kwargs()
    record = []
    for t in range(steps + 1):
        out = ref.example_forward(
            ex.loss, W_in, W_out, ex.inputs, ex.target, cbow_mean=ex.cbow_mean, **kw
        )
        record.append(
            {"step": t, "loss": float(out["loss"]), "p_target": _p_target(ex.loss, out, ex.target)}
        )
        if t < steps:
            W_in, W_out, _ = ref.sgd_step(
                ex.loss, W_in, W_out, ex.inputs, ex.target, ex.lr, cbow_mean=ex.cbow_mean, **kw
            )
    return record
