"""The PyTorch engine: word2vec's recipe as batched tensor operations on a GPU (or the CPU).

Selected by ``TrainConfig.device`` ('cuda', 'cuda:N' or 'cpu') through
:func:`w2v.engines.engine_for`, which imports this module only then; torch itself is imported
inside the functions here, so ``import w2v`` never imports torch. It trains the same numpy
``W_in`` / ``W_out`` as the CPU engine, from the same vocabulary, subsampling, noise and
Huffman tables (:func:`w2v.tables.build_tables`) and the same schedule
(:mod:`w2v.schedule`), so a model trained here is saved and queried exactly like a
CPU-trained one.

One epoch, per *chunk* of ``chunk_words`` corpus words (cut at sentence ends, and at the
Numba trainer's ``batch_words`` pieces inside long sentences), all on the device:

1. subsample: keep word w with probability ``keep_prob[w]`` (one uniform draw per word);
2. draw each kept centre's radius r uniformly in 1..window and lay out its window as a
   (m, 2·window) grid of offsets, valid where |offset| ≤ r and the neighbour is in the same
   sentence; ``nonzero`` compacts it into examples, ordered by centre position as the CPU
   trainer visits them: skip-gram (input = context word, target = centre word, as
   word2vec.c), or CBOW (inputs = the centre's context words, target = the centre);
3. the learning rate of each example decays linearly with its centre's global position;
4. examples go through the output layer ``batch`` at a time: gather the rows, batched dot
   products, sigmoid (or softmax), then scatter-add (``index_add_``) the SGD steps into
   W_out and W_in.

Deliberate differences from the CPU trainer's math (docs/gpu.md discusses each):

* **Mini-batch SGD instead of one example at a time.** All examples of a batch are scored
  with the parameters from before the batch and their steps are summed into the rows
  (``index_add_``). For one example this is exactly word2vec.c's step (which uses each
  output row *before* its update); within a batch it is the Hogwild race made systematic.
* **Shared negatives (optional).** With ``neg_group`` = G > 1, G consecutive examples share
  one draw of ``negative`` noise words, turning the noise scores into a batched matrix
  product. A noise word equal to an example's target is skipped for that example, as
  word2vec.c skips it. G = 1 (the default) draws per example, as word2vec.c.
* **Exact sigmoid** (``torch.sigmoid``, ``logsigmoid``) instead of the interpolated table.
* **Random numbers** come from torch's generator, seeded per (seed, epoch, chunk): the same
  distributions as the CPU trainer, not the same draws. On CUDA, ``index_add_`` sums with
  atomics, so runs are not bit-reproducible (like ``workers > 1`` on the CPU).

Nothing in the loop synchronises the host with the device per batch: the loss accumulates
in a device float64 scalar that is read once per chunk (with progress) and once per epoch.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._progress import TrainingProgress
from ..config import TrainConfig
from ..errors import DeviceError, TrainingDivergedError, install_hint
from ..schedule import TrainState, batch_seed, learning_rate, plan_batches
from ..tables import Tables, build_tables
from ..vocab import EncodedCorpus, Vocabulary
from . import Checkpoints, EpochCallback

_INSTALL_HINT = install_hint("gpu")


def import_torch() -> Any:
    """Import torch, or raise DeviceError saying how to install it."""
    try:
        import torch
    except ImportError:
        raise DeviceError(
            f"The PyTorch backend needs PyTorch, which is not installed; run: {_INSTALL_HINT}"
        ) from None
    return torch


def resolve_device(name: str) -> Any:
    """The ``torch.device`` for a config's ``device`` string, checked to be usable."""
    torch = import_torch()
    if re.fullmatch(r"cuda(:\d+)?", name):
        if not torch.cuda.is_available():
            raise DeviceError(
                f"device={name!r}: PyTorch {torch.__version__} sees no CUDA GPU; install a "
                "CUDA build of PyTorch on a machine with an NVIDIA GPU, or use device=None "
                "(the CPU trainer)."
            )
        index = int(name.split(":")[1]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise DeviceError(
                f"device={name!r}: there are only {torch.cuda.device_count()} CUDA device(s)."
            )
    return torch.device(name)


@dataclass(frozen=True)
class TorchOptions:
    """Tuning knobs of the PyTorch backend (not hyperparameters: the math stays the same).

    chunk_words : corpus words moved to the device and turned into examples at a time.
    batch       : examples per SGD step (skip-gram pairs or CBOW centres); None: chosen
                  from the vocabulary by :func:`auto_batch`.
    max_batch, capped_share : the bounds of :func:`auto_batch`.
    neg_group   : consecutive examples that share one draw of noise words (NS only).
    softmax_rows: at most this many score entries (examples × V) per full-softmax product.
    row_cap     : per-row trust region of the summed updates (see :func:`capped_add`);
                  None: exact summed mini-batch gradients.
    compile     : wrap the step functions in ``torch.compile`` (shapes are static).
    """

    chunk_words: int = 1 << 21
    batch: int | None = None
    max_batch: int = 1 << 16
    capped_share: float = 0.1
    neg_group: int = 1
    softmax_rows: int = 1 << 24
    row_cap: float | None = 16.0
    compile: bool = False

    def batch_size(self, word_share: np.ndarray) -> int:
        """Examples per step, rounded up to a multiple of ``neg_group``."""
        b = self.batch if self.batch is not None else auto_batch(word_share, self)
        return -(-b // self.neg_group) * self.neg_group


def auto_batch(word_share: np.ndarray, opts: TorchOptions) -> int:
    """The largest power of two ≤ ``max_batch`` (and ≥ 256) at which the words that ``row_cap``
    would act on make up at most ``capped_share`` of the examples.

    ``word_share`` (V,) is each word's share of the kept words (count × keep probability,
    normalised); in a batch of B examples word w is a target about B·share[w] times. Summed
    stale updates overshoot when a row appears many times in one batch, so the batch is as
    large as the vocabulary's frequency profile allows: tiny vocabularies get small batches.
    """
    cap = opts.row_cap if opts.row_cap else 16.0
    b = 256
    while b * 2 <= opts.max_batch and word_share[word_share * (b * 2) > cap].sum() <= (
        opts.capped_share
    ):
        b *= 2
    return b


#: The options ``train`` uses when given none (as from ``Word2Vec.fit``); benchmarks/gpu_speed.py
#: replaces it to tune the backend.
DEFAULT_OPTIONS = TorchOptions()


# -- output layers: loss per example, the step for the hidden vector, W_out updated in place --


def capped_add(W, idx, src, mass, cap: float | None) -> None:
    """W[idx] += src (summed over repeated rows), each row's sum scaled to at most ``cap`` mass.

    ``mass`` (N,) is each contribution's weight, |label − σ(score)| for an output unit or 1
    for an input row. A row whose contributions in this batch weigh more than ``cap`` gets
    their sum scaled by cap / total: a per-row trust region that stops a frequent word's
    many stale contributions from overshooting, and that never acts on a row seen fewer
    than ``cap`` times (nor with cap=None): there the update is the exact summed gradient.
    """
    import torch

    if cap:
        total = torch.zeros(W.shape[0], dtype=src.dtype, device=src.device)
        total.index_add_(0, idx, mass)
        scale = cap / total.clamp_min(cap)  # (V,) in (0, 1]
        src = src * scale[idx][:, None]
    W.index_add_(0, idx, src)


def ns_output(W_out, v, targets, lr, negatives, group: int = 1, cap: float | None = None):
    """Negative sampling for a batch, with ``negatives`` shared by groups of ``group`` examples.

    W_out (V, d); v (B, d) hidden vectors; targets (B,) long; lr (B,) per-example learning
    rate (0 for padding); negatives (B // group, K) long. Returns (loss (B,), step_v (B, d))
    where step_v = −lr·∂loss/∂v, and adds −lr·∂loss/∂W_out into W_out (see
    :func:`capped_add` for ``cap``), all evaluated at the parameters from before the batch.
    A noise word equal to the example's target is skipped for that example.
    """
    import torch
    import torch.nn.functional as F

    B, d = v.shape
    n_groups, K = negatives.shape
    u_pos = W_out[targets]  # (B, d)
    s_pos = (u_pos * v).sum(1)  # (B,)
    U_neg = W_out[negatives]  # (n_groups, K, d)
    vg = v.view(n_groups, group, d)
    s_neg = torch.bmm(vg, U_neg.transpose(1, 2))  # (n_groups, group, K)
    live = (negatives.view(n_groups, 1, K) != targets.view(n_groups, group, 1)).to(v.dtype)
    loss = -F.logsigmoid(s_pos) - (F.logsigmoid(-s_neg) * live).sum(2).view(B)
    d_pos = 1.0 - torch.sigmoid(s_pos)  # (B,) = −∂loss/∂score (label 1)
    d_neg = -torch.sigmoid(s_neg) * live  # (n_groups, group, K) (label 0)
    g_pos = d_pos * lr
    g_neg = d_neg * lr.view(n_groups, group, 1)
    step_v = g_pos[:, None] * u_pos + torch.bmm(g_neg, U_neg).view(B, d)
    live_ex = (lr > 0).to(v.dtype)  # padding examples carry no mass
    capped_add(
        W_out,
        torch.cat([targets, negatives.reshape(-1)]),
        torch.cat([g_pos[:, None] * v, torch.bmm(g_neg.transpose(1, 2), vg).view(-1, d)]),
        torch.cat([d_pos * live_ex, (-d_neg * live_ex.view(n_groups, group, 1)).sum(1).view(-1)]),
        cap,
    )
    return loss, step_v


def hs_output(W_out, v, targets, lr, points, codes, lengths, cap: float | None = None):
    """Hierarchical softmax for a batch: each target's Huffman path, padded and masked.

    points (V, L) long and codes (V, L) of v's dtype are the padded Huffman paths, lengths
    (V,) long. Returns (loss (B,), step_v (B, d)); W_out (V−1, d) is updated in place.
    """
    import torch
    import torch.nn.functional as F

    d = v.shape[1]
    L = points.shape[1]
    rows = points[targets]  # (B, L) inner nodes
    label = 1.0 - codes[targets]  # (B, L)
    mask = (torch.arange(L, device=v.device) < lengths[targets][:, None]).to(v.dtype)
    U = W_out[rows]  # (B, L, d)
    s = torch.bmm(U, v[:, :, None]).squeeze(2)  # (B, L)
    loss = -(F.logsigmoid(torch.where(label > 0.5, s, -s)) * mask).sum(1)
    dscore = (label - torch.sigmoid(s)) * mask  # (B, L) = −∂loss/∂score
    g = dscore * lr[:, None]
    step_v = torch.bmm(g[:, None, :], U).squeeze(1)
    mass = (dscore.abs() * (lr > 0).to(v.dtype)[:, None]).view(-1)
    capped_add(W_out, rows.reshape(-1), (g[:, :, None] * v[:, None, :]).view(-1, d), mass, cap)
    return loss, step_v


def softmax_output(W_out, v, targets, lr, max_entries: int = 1 << 24, cap: float | None = None):
    """Full softmax for a batch, as matrix products over all V rows of W_out.

    Examples are taken ``max_entries // V`` at a time so the (rows, V) score matrix stays
    bounded; each such slice updates the whole of W_out before the next is scored.
    Returns (loss (B,), step_v (B, d)).
    """
    import torch

    B = v.shape[0]
    V = W_out.shape[0]
    step = max(1, max_entries // V)
    losses, steps = [], []
    for a in range(0, B, step):
        vb, tb, lb = v[a : a + step], targets[a : a + step], lr[a : a + step]
        logp = torch.log_softmax(vb @ W_out.T, dim=1)  # (b, V)
        losses.append(-logp.gather(1, tb[:, None]).squeeze(1))
        D = -torch.exp(logp)  # becomes −∂loss/∂score = onehot − p
        D.scatter_add_(1, tb[:, None], torch.ones_like(lb)[:, None])
        G = D * lb[:, None]  # (b, V) = −lr·∂loss/∂score
        steps.append(G @ W_out)
        if cap:
            total = (D.abs() * (lb > 0).to(D.dtype)[:, None]).sum(0)  # (V,) mass per row
            W_out.add_((G.T @ vb) * (cap / total.clamp_min(cap))[:, None])
        else:
            W_out.addmm_(G.T, vb)
    return torch.cat(losses), torch.cat(steps)


@dataclass
class DeviceTables:
    """The lookup tables on the device: subsampling, noise (alias table), Huffman paths."""

    keep_prob: Any
    noise_prob: Any
    noise_alias: Any
    points: Any
    codes: Any
    lengths: Any

    @classmethod
    def build(cls, t: Tables, device: Any, dtype: Any):
        """The engines' tables (:func:`w2v.tables.build_tables`), moved to ``device``."""
        import torch

        def to(a, dt):
            return torch.as_tensor(np.ascontiguousarray(a)).to(device=device, dtype=dt)

        return cls(
            to(t.keep_prob, dtype),
            to(t.noise_prob, dtype),
            to(t.noise_alias, torch.long),
            to(t.huffman.points, torch.long),
            to(t.huffman.codes, dtype),
            to(t.huffman.lengths, torch.long),
        )


def draw_negatives(tables: DeviceTables, shape: tuple[int, int], gen: Any):
    """Noise words from the alias table, ``shape`` of them: a uniform slot, then a biased coin."""
    import torch

    V = tables.noise_prob.shape[0]
    dev = tables.noise_prob.device
    slot = torch.randint(V, shape, generator=gen, device=dev)
    coin = torch.rand(shape, generator=gen, device=dev, dtype=tables.noise_prob.dtype)
    return torch.where(coin < tables.noise_prob[slot], slot, tables.noise_alias[slot])


def output_step(
    loss_kind: str, W_out, v, targets, lr, tables, *, negatives=None, group=1, opts=None
):
    """Dispatch to the output layer of ``loss_kind``; returns (loss (B,), step_v (B, d))."""
    cap = opts.row_cap if opts is not None else None
    if loss_kind == "ns":
        return ns_output(W_out, v, targets, lr, negatives, group, cap)
    if loss_kind == "hs":
        return hs_output(W_out, v, targets, lr, tables.points, tables.codes, tables.lengths, cap)
    rows = opts.softmax_rows if opts is not None else 1 << 24
    return softmax_output(W_out, v, targets, lr, rows, cap)


def skipgram_step(loss_kind, W_in, W_out, inputs, targets, lr, tables, **out):
    """One skip-gram batch: v = W_in[inputs] (context words), targets the centre words.

    Updates W_out and W_in in place (W_in[inputs] += step_v); returns the loss (B,).
    """
    v = W_in[inputs]  # (B, d)
    loss, step_v = output_step(loss_kind, W_out, v, targets, lr, tables, **out)
    opts = out.get("opts")
    cap = opts.row_cap if opts is not None else None
    capped_add(W_in, inputs, step_v, (lr > 0).to(v.dtype), cap)
    return loss


def cbow_step(loss_kind, W_in, W_out, context, mask, targets, lr, cbow_mean, tables, **out):
    """One CBOW batch: context (B, C) ids with mask (B, C) of valid slots, targets (B,).

    The hidden vector is the mean (or sum) of the valid context rows; every valid context
    row then gets the full step_v (undivided, as word2vec.c). Returns the loss (B,).
    """
    m = mask.to(W_in.dtype)
    rows = W_in[context]  # (B, C, d)
    h = (rows * m[:, :, None]).sum(1)  # (B, d)
    if cbow_mean:
        h = h / m.sum(1).clamp_min(1.0)[:, None]
    loss, step_v = output_step(loss_kind, W_out, h, targets, lr, tables, **out)
    d = W_in.shape[1]
    opts = out.get("opts")
    cap = opts.row_cap if opts is not None else None
    src = (step_v[:, None, :] * m[:, :, None]).view(-1, d)
    capped_add(W_in, context.reshape(-1), src, (m * (lr > 0).to(m.dtype)[:, None]).view(-1), cap)
    return loss


# -- examples from the corpus -----------------------------------------------------------------


def chunk_examples(ids, segment, tables, window: int, skipgram: bool, gen):
    """Subsample a chunk and build its examples, in corpus order, on the device.

    ids (n,) long word ids; segment (n,) long, equal for words of the same sentence piece.
    Returns (centre_pos (E,) chunk positions of the centres, inputs, mask, targets): for
    skip-gram inputs (E,) are the context words and mask is None; for CBOW inputs (E, 2W)
    are the context slots and mask (E, 2W) bool says which are valid.
    """
    import torch

    dev = ids.device
    n = ids.shape[0]
    keep = torch.rand(n, generator=gen, device=dev, dtype=tables.keep_prob.dtype)
    pos = torch.nonzero(keep < tables.keep_prob[ids]).squeeze(1)  # kept positions
    kid, kseg = ids[pos], segment[pos]
    m = pos.shape[0]
    radius = window - torch.randint(window, (m,), generator=gen, device=dev)  # 1..window
    offsets = torch.cat(
        [torch.arange(-window, 0, device=dev), torch.arange(1, window + 1, device=dev)]
    )  # (2W,)
    j = torch.arange(m, device=dev)[:, None] + offsets[None, :]  # (m, 2W)
    valid = (offsets.abs()[None, :] <= radius[:, None]) & (j >= 0) & (j < m)
    j.clamp_(0, max(m - 1, 0))
    valid &= kseg[j] == kseg[:, None]
    if skipgram:
        centre, slot = torch.nonzero(valid, as_tuple=True)
        return pos[centre], kid[j[centre, slot]], None, kid[centre]
    centre = torch.nonzero(valid.any(1)).squeeze(1)
    return pos[centre], kid[j[centre]], valid[centre], kid[centre]


def _padded(t, size: int):
    """``t`` padded with zeros along dim 0 to ``size`` rows."""
    import torch

    if t.shape[0] == size:
        return t
    pad = torch.zeros((size - t.shape[0], *t.shape[1:]), dtype=t.dtype, device=t.device)
    return torch.cat([t, pad])


class TorchEngine:
    """PyTorch on ``config.device`` (see the module docstring); no checkpoints yet."""

    name = "torch"
    supports_checkpoints = False

    def __init__(self, options: TorchOptions | None = None):
        self.options = options

    def check(self, config: TrainConfig) -> None:
        """Import torch and check that ``config.device`` exists (DeviceError naming it)."""
        assert config.device is not None
        resolve_device(config.device)

    def prepare(self, config: TrainConfig) -> None:
        """Nothing to load before the corpus: torch compiles (if asked) on the first batch."""

    def train(
        self,
        config: TrainConfig,
        vocab: Vocabulary,
        corpus: EncodedCorpus,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        tables: Tables | None = None,
        progress: bool = False,
        on_epoch_end: EpochCallback | None = None,
        start: TrainState | None = None,
        checkpoints: Checkpoints | None = None,
    ) -> list[float]:
        """Train W_in and W_out (numpy, updated in place) on ``config.device``; return the
        epoch losses.

        Same contract as :meth:`w2v.engines.Engine.train`: ``on_epoch_end`` sees W_in and
        W_out already copied back; an epoch whose mean loss is not finite raises
        TrainingDivergedError. ``start`` and ``checkpoints`` are not supported.
        """
        if start is not None or checkpoints is not None:  # Word2Vec.fit refuses them first
            raise ValueError("The PyTorch engine takes no start state or checkpoints.")
        if tables is None:
            tables = build_tables(config, vocab)
        return _train(
            config, vocab, corpus, W_in, W_out, tables, progress, on_epoch_end, self.options
        )


def _train(
    config: TrainConfig,
    vocab: Vocabulary,
    corpus: EncodedCorpus,
    W_in: np.ndarray,
    W_out: np.ndarray,
    tables: Tables,
    progress: bool,
    on_epoch_end: EpochCallback | None,
    options: TorchOptions | None,
) -> list[float]:
    torch = import_torch()
    assert config.device is not None
    device = resolve_device(config.device)
    opts = options or DEFAULT_OPTIONS
    dtype = torch.float32
    dev_tables = DeviceTables.build(tables, device, dtype)
    # on the CPU the tensors share memory with the numpy arrays; elsewhere they are copies
    Win = torch.from_numpy(W_in).to(device)
    Wout = torch.from_numpy(W_out).to(device)
    shared = Win.data_ptr() == W_in.ctypes.data

    def copy_back() -> None:
        if not shared:
            np.copyto(W_in, Win.cpu().numpy())
            np.copyto(W_out, Wout.cpu().numpy())

    ends = corpus.sentence_ends
    pieces = plan_batches(ends, corpus.n_words, config.batch_words)
    cuts = np.union1d(ends, pieces)  # every end of a sentence or of a batch_words piece
    chunks = plan_batches(cuts[cuts > 0], corpus.n_words, opts.chunk_words)
    epochs, n_words = config.epochs, corpus.n_words
    total = float(epochs * n_words)
    alpha, min_alpha = config.start_alpha, config.end_alpha
    skipgram = config.arch == "skipgram"
    kept = vocab.counts * vocab.keep_probabilities(config.sample)
    B = opts.batch_size(kept / max(kept.sum(), 1e-300))
    G = opts.neg_group if config.loss == "ns" else 1
    K = config.negative
    sg_fn, cbow_fn = skipgram_step, cbow_step
    if opts.compile:
        sg_fn = torch.compile(skipgram_step, dynamic=False)
        cbow_fn = torch.compile(cbow_step, dynamic=False)
    gen = torch.Generator(device=device)
    bar = TrainingProgress(epochs * n_words, progress)
    history: list[float] = []
    try:
        for epoch in range(epochs):
            loss_sum = torch.zeros((), dtype=torch.float64, device=device)
            n_examples = 0
            for c in range(len(chunks) - 1):
                a, b = int(chunks[c]), int(chunks[c + 1])
                gen.manual_seed(int(batch_seed(config.seed, epoch, c)) >> 1)
                ids = torch.from_numpy(corpus.read(a, b)).to(device, torch.long)
                local = cuts[(cuts > a) & (cuts < b)] - a
                seg = torch.zeros(b - a, dtype=torch.long)
                seg[torch.from_numpy(local)] = 1
                seg = seg.to(device).cumsum_(0)
                pos, inputs, mask, targets = chunk_examples(
                    ids, seg, dev_tables, config.window, skipgram, gen
                )
                E = pos.shape[0]
                n_examples += E
                if E:
                    size = -(-E // B) * B
                    where = (pos + (epoch * n_words + a)).to(torch.float64)
                    lr = learning_rate(alpha, min_alpha, where, total)
                    lr = _padded(lr.to(dtype), size)  # padding examples get lr 0
                    weight = _padded(torch.ones(E, dtype=dtype, device=device), size)
                    inputs, targets = _padded(inputs, size), _padded(targets, size)
                    if mask is not None:
                        mask = _padded(mask, size)
                    negs = None
                    if config.loss == "ns":
                        negs = draw_negatives(dev_tables, (size // G, K), gen)
                    for s in range(0, size, B):
                        out: dict[str, Any] = {"group": G, "opts": opts}
                        if negs is not None:
                            out["negatives"] = negs[s // G : (s + B) // G]
                        sl = slice(s, s + B)
                        if skipgram:
                            loss = sg_fn(
                                config.loss, Win, Wout, inputs[sl], targets[sl], lr[sl], dev_tables,
                                **out,
                            )  # fmt: skip
                        else:
                            loss = cbow_fn(
                                config.loss, Win, Wout, inputs[sl], mask[sl], targets[sl],
                                lr[sl], config.cbow_mean, dev_tables, **out,
                            )  # fmt: skip
                        loss_sum += (loss * weight[sl]).sum(dtype=torch.float64)
                if progress:
                    done = epoch * n_words + b
                    lr_now = learning_rate(alpha, min_alpha, done, total)
                    bar.update(done, lr_now, float(loss_sum) / max(1, n_examples), epoch)
            epoch_loss = float(loss_sum) / n_examples if n_examples else math.nan
            if n_examples and not math.isfinite(epoch_loss):
                raise TrainingDivergedError.at(
                    alpha,
                    epoch,
                    f"the mean loss is {epoch_loss}",
                    arch=config.arch,
                    default_alpha=config.default_alpha,
                )
            history.append(epoch_loss)
            if on_epoch_end is not None:
                copy_back()
                bar.show(on_epoch_end(epoch, epoch_loss))
    finally:
        bar.close()
    copy_back()
    return history
