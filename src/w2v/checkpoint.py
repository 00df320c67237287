"""Checkpoints: an unfinished fit saved atomically to one file, and read back to resume it.

A checkpoint is a NumPy ``.npz`` archive without pickled objects, written with
:func:`w2v._files.atomic_write` (a crash, a full disk or Ctrl-C while saving leaves the
previous checkpoint intact). It holds:

* ``meta`` — JSON: the config; the model's ``loss_history`` and ``epochs_trained`` from
  before this fit; the position (epoch, batch, the global word position that fixes the
  learning rate, and the losses of the epochs already finished); the random state (the seed
  and the next batch's generator seed, which follows from seed, epoch and batch); the corpus
  (path, size and mtime when it is a path, number of encoded words and sentences, and a
  BLAKE2 digest of the encoded ids and sentence ends); and ``checkpoint_every``.
* ``word_bytes``, ``word_offsets`` (see :func:`w2v.archives.pack_words`), ``counts`` — the
  vocabulary; ``W_in``, ``W_out`` — the weights;
  ``batch_loss``, ``batch_n`` — the losses of the current epoch's batches so far;
  ``points``, ``codes``, ``lengths`` — the Huffman tree (hierarchical softmax only).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._files import check_regular_file
from .archives import WORD_ARRAYS, load_npz, read_meta, save_npz, unpack_words
from .config import TrainConfig
from .corpus import CorpusLike, LineCorpus
from .errors import ConfigError, FormatError
from .huffman import HuffmanTree
from .kernels import kernel_matrix
from .schedule import TrainState
from .vocab import EncodedCorpus, Vocabulary

_FORMAT = "w2v-checkpoint"
_VERSION = 2  # 2: words as bytes + offsets (any word); version 1 (joined by newlines) is read
_UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}
_EVERY = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|sec|min|m|h|w|words)?\s*$", re.IGNORECASE)

Every = str | int


def parse_every(value: Every | None) -> tuple[int | None, float | None]:
    """``checkpoint_every`` as (words, seconds), one of them None; (None, None) for None.

    An int (or a string of digits, optionally followed by ``w``/``words``) is a number of
    trained words; ``"30s"``, ``"10min"``, ``"2h"`` are wall-clock intervals.

    Examples
    --------
    >>> parse_every("10min"), parse_every(500_000), parse_every("1.5h")
    ((None, 600.0), (500000, None), (None, 5400.0))
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        raise ConfigError(f"checkpoint_every={value!r} is not an interval.")
    if isinstance(value, int):
        if value < 1:
            raise ConfigError(f"checkpoint_every={value} words must be at least 1.")
        return value, None
    m = _EVERY.match(value) if isinstance(value, str) else None
    if m is None:
        raise ConfigError(
            f"checkpoint_every={value!r} is not understood; give a number of words (500000) "
            "or a time such as '30s', '10min' or '2h'."
        )
    number, unit = m.group(1), (m.group(2) or "w").lower()
    if unit in ("w", "words"):
        if "." in number or int(number) < 1:
            raise ConfigError(f"checkpoint_every={value!r}: a number of words is a whole >= 1.")
        return int(number), None
    seconds = float(number) * _UNITS[unit]
    if not seconds > 0:
        raise ConfigError(f"checkpoint_every={value!r} must be longer than 0 seconds.")
    return None, seconds


def describe_corpus(corpus: CorpusLike, encoded: EncodedCorpus) -> dict[str, Any]:
    """What identifies the corpus a fit trains on: path (if any), size, mtime and a digest."""
    digest = hashlib.blake2b(digest_size=16)
    step = 1 << 22
    for a in range(0, encoded.n_words, step):
        digest.update(encoded.read(a, min(a + step, encoded.n_words)).tobytes())
    digest.update(encoded.sentence_ends.astype("<i8").tobytes())
    info: dict[str, Any] = {
        "path": None,
        "kind": type(corpus).__name__,
        "n_words": encoded.n_words,
        "n_sentences": len(encoded.sentence_ends),
        "digest": digest.hexdigest(),
    }
    if isinstance(corpus, LineCorpus):
        corpus = corpus.path
    if isinstance(corpus, str | os.PathLike):
        p = Path(corpus).resolve()
        info["path"] = str(p)
        if p.is_file():
            st = p.stat()
            info["size"], info["mtime"] = st.st_size, st.st_mtime
    return info


@dataclass
class Checkpoint:
    """Everything :meth:`Word2Vec.resume` needs to finish an interrupted fit."""

    config: TrainConfig
    vocab: Vocabulary
    W_in: np.ndarray
    W_out: np.ndarray
    state: TrainState
    corpus: dict[str, Any]
    tree: HuffmanTree | None = None
    loss_history: list[float] = field(default_factory=list)  # before this fit
    epochs_trained: int = 0  # before this fit
    every: Every | None = None
    next_batch_seed: int = 0
    learning_rate: float = math.nan


def save_checkpoint(path: str | os.PathLike, ckpt: Checkpoint) -> None:
    """Write ``ckpt`` to ``path`` atomically (see the module docstring for the layout)."""
    s, cfg = ckpt.state, ckpt.config
    meta = {
        "format": _FORMAT,
        "version": _VERSION,
        "config": cfg.to_dict(),
        "loss_history": ckpt.loss_history,
        "epochs_trained": ckpt.epochs_trained,
        "position": {
            "epoch": s.epoch,
            "batch": s.batch,
            "word_position": s.word_position,
            "history": s.history,
            "learning_rate": ckpt.learning_rate,
        },
        "random": {"seed": cfg.seed, "next_batch_seed": ckpt.next_batch_seed},
        "corpus": ckpt.corpus,
        "checkpoint_every": ckpt.every,
    }
    arrays: dict[str, np.ndarray] = {
        "counts": ckpt.vocab.counts,
        "W_in": ckpt.W_in,
        "W_out": ckpt.W_out,
        "batch_loss": s.batch_loss,
        "batch_n": s.batch_n,
    }
    if ckpt.tree is not None:
        arrays.update(points=ckpt.tree.points, codes=ckpt.tree.codes, lengths=ckpt.tree.lengths)
    try:
        save_npz(path, meta, ckpt.vocab.words, **arrays)
    except OSError as exc:  # the previous checkpoint is intact: say where and why
        raise OSError(
            exc.errno, f"Cannot write the checkpoint ({exc.strerror or exc})", str(path)
        ) from exc


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`; FormatError if it is not one.

    Read with :func:`w2v.archives.load_npz` (nothing unpickled), then every array is checked
    against the vocabulary and the config before the kernels see it: they do not check
    bounds, so a damaged W_out or Huffman path must not reach them.
    """
    p = check_regular_file(path, "Checkpoint")
    z = load_npz(
        p,
        {
            "meta": ("|u1", 1),
            "words": ("|u1", 1),  # version 1
            **WORD_ARRAYS,  # version 2
            "counts": ("<i8", 1),
            "W_in": ("<f4", 2),
            "W_out": ("<f4", 2),
            "batch_loss": ("<f8", 1),
            "batch_n": ("<i8", 1),
            "points": ("<i4", 2),
            "codes": ("|i1", 2),
            "lengths": ("<i4", 1),
        },
        what="w2v checkpoint",
        optional=("words", *WORD_ARRAYS, "points", "codes", "lengths"),
    )
    try:
        meta = read_meta(z, p, _FORMAT, "w2v checkpoint")
        if meta.get("version") == 1 and "words" in z:
            words = z["words"].tobytes().decode("utf-8").split("\n")
        elif meta.get("version") == _VERSION and all(k in z for k in WORD_ARRAYS):
            words = unpack_words(z, p)
        else:
            raise ValueError(f"not a {_FORMAT} of version 1 to {_VERSION}")
        pos = meta["position"]
        state = TrainState(
            int(pos["epoch"]),
            int(pos["batch"]),
            z["batch_loss"].astype(np.float64),
            z["batch_n"].astype(np.int64),
            [float(x) for x in pos["history"]],
            int(pos["word_position"]),
        )
        config = TrainConfig.from_kwargs(**meta["config"])
        ckpt = Checkpoint(
            config=config,
            vocab=Vocabulary(words, z["counts"]),
            W_in=_trainable(z["W_in"]),
            W_out=_trainable(z["W_out"]),
            state=state,
            corpus=dict(meta["corpus"]),
            tree=_checked_tree(z, len(words), config, p),
            loss_history=[float(x) for x in meta["loss_history"]],
            epochs_trained=int(meta["epochs_trained"]),
            every=meta.get("checkpoint_every"),
            next_batch_seed=int(meta["random"]["next_batch_seed"]),
            learning_rate=float(pos["learning_rate"]),
        )
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FormatError(f"{p}: not a w2v checkpoint ({exc}).") from None
    _check_sizes(ckpt, p)
    return ckpt


def _trainable(a: np.ndarray) -> np.ndarray:
    """A stored weight matrix as the kernels want it (float32, C order, rows on cache lines)."""
    return kernel_matrix(a.shape[0], a.shape[1], source=a)


def _checked_tree(
    z: dict[str, np.ndarray], V: int, config: TrainConfig, p: str
) -> HuffmanTree | None:
    """The Huffman tree of an ``hs`` checkpoint, its paths checked to stay inside W_out."""
    loss = config.loss
    present = [k for k in ("points", "codes", "lengths") if k in z]
    if loss != "hs":
        if present:
            raise FormatError(f"{p}: a {loss} checkpoint holds a Huffman tree ({present}).")
        return None
    if len(present) != 3:
        raise FormatError(f"{p}: an hs checkpoint lacks its Huffman tree (points, codes, lengths).")
    points, codes, lengths = z["points"], z["codes"], z["lengths"]
    n_inner = config.output_rows(V)  # the inner nodes: the rows of W_out
    L = points.shape[1]
    if points.shape[0] != V or codes.shape != points.shape or lengths.shape != (V,):
        raise FormatError(
            f"{p}: the Huffman arrays do not fit {V} words: points {points.shape}, codes "
            f"{codes.shape}, lengths {lengths.shape}."
        )
    if V and (lengths.min() < 0 or lengths.max() > L):
        raise FormatError(f"{p}: a Huffman code length is outside [0, {L}].")
    used = np.arange(L) < lengths[:, None]  # (V, L) the meaningful entries
    if np.any((points < 0) & used) or np.any((points >= n_inner) & used):
        raise FormatError(f"{p}: a Huffman path points outside the {n_inner} inner nodes [0, V-1).")
    if np.any(((codes != 0) & (codes != 1)) & used):
        raise FormatError(f"{p}: a Huffman code bit is neither 0 nor 1.")
    return HuffmanTree(
        np.ascontiguousarray(points, np.int32),
        np.ascontiguousarray(codes, np.int8),
        np.ascontiguousarray(lengths, np.int32),
    )


def _check_sizes(ck: Checkpoint, p: str) -> None:
    """FormatError unless every array has the shape the vocabulary and config give it."""
    s = ck.state
    wrong = ck.config.size_mismatch(len(ck.vocab.words), len(ck.vocab.counts), ck.W_in, ck.W_out)
    if wrong is not None:
        raise FormatError(f"{p}: {wrong}")
    if s.batch_loss.shape != s.batch_n.shape or not 0 <= s.batch <= len(s.batch_n):
        raise FormatError(
            f"{p}: the position is damaged: batch {s.batch} of batch_loss "
            f"{s.batch_loss.shape} and batch_n {s.batch_n.shape}."
        )
    if not 0 <= s.epoch <= ck.config.epochs or s.word_position < 0:
        raise FormatError(
            f"{p}: the position is damaged: epoch {s.epoch} of {ck.config.epochs}, word "
            f"{s.word_position}."
        )
