"""Word2Vec: fit a corpus, hold the config, vocabulary, W_in and W_out; save and load them.

``W_in`` (V × dim) is the embedding — the word vectors exposed as :attr:`Word2Vec.wv`.
``W_out`` holds the output layer: V rows for softmax and negative sampling, the V−1 inner
nodes of the Huffman tree for hierarchical softmax. Both are kept so training can continue.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .config import TrainConfig
from .corpus import CorpusLike, ReadStats
from .errors import CorpusError, FormatError, NotFittedError
from .formats import atomic_write
from .trainer import train
from .vectors import KeyedVectors
from .vocab import Vocabulary, build_vocab_and_encode, encode

_FORMAT_VERSION = 1


class Word2Vec:
    """word2vec: skip-gram or CBOW with full softmax, hierarchical softmax or negative sampling.

    Parameters
    ----------
    config : TrainConfig, optional
        All hyperparameters at once. Alternatively pass them as keywords (``**params``),
        e.g. ``Word2Vec(arch="cbow", loss="hs", dim=100)``; see :class:`TrainConfig` for
        every name, its default and how it compares with word2vec.c and gensim.

    Attributes (after ``fit``)
    --------------------------
    wv : KeyedVectors
        The word vectors (rows of ``W_in``).
    vocab : Vocabulary
        Words sorted by descending count, and their counts.
    W_in, W_out : ndarray
        Input (embedding) and output matrices, float32.
    loss_history : list of float
        Mean loss per training example of each epoch trained so far.
    read_stats : ReadStats
        What the last ``fit`` read: files, sentences, tokens, replaced undecodable bytes.
    fit_seconds : dict
        Timings of the last ``fit``: ``read`` (counting and encoding the corpus), ``train``
        (all epochs) and ``words`` (in-vocabulary corpus words per epoch).

    Reproducibility
    ---------------
    With ``workers=1`` the same seed gives bit-identical vectors and losses on every run and
    for any ``PYTHONHASHSEED``. With more workers, every random draw and learning rate is
    still fixed by the seed, but the lock-free (Hogwild) updates interleave differently, so
    vectors differ slightly between runs while their quality does not.

    Examples
    --------
    >>> model = Word2Vec(arch="skipgram", loss="ns", dim=50, min_count=1, epochs=2)
    >>> model.fit([["the", "cat", "sat"], ["the", "dog", "sat"]])  # doctest: +ELLIPSIS
    Word2Vec(...)
    >>> model.wv["cat"].shape
    (50,)
    """

    def __init__(self, config: TrainConfig | None = None, **params: Any) -> None:
        if config is not None and params:
            self.config = config.replace(**params)
        elif config is not None:
            self.config = config
        else:
            self.config = TrainConfig.from_kwargs(**params)
        self.vocab: Vocabulary | None = None
        self.W_in: np.ndarray | None = None
        self.W_out: np.ndarray | None = None
        self.loss_history: list[float] = []
        self.epochs_trained = 0
        self.read_stats = ReadStats()
        self.fit_seconds: dict[str, float] = {}
        self._wv: KeyedVectors | None = None

    def __repr__(self) -> str:
        c = self.config
        state = f"{len(self.vocab)} words" if self.vocab is not None else "not fitted"
        return f"Word2Vec(arch={c.arch!r}, loss={c.loss!r}, dim={c.dim}, {state})"

    @property
    def is_fitted(self) -> bool:
        """Whether the model has vectors."""
        return self.W_in is not None

    @property
    def wv(self) -> KeyedVectors:
        """The word vectors (the input matrix W_in), as KeyedVectors."""
        if self.W_in is None or self.vocab is None:
            raise NotFittedError(
                "This Word2Vec instance is not fitted yet. Call 'fit' with a corpus before "
                "using 'wv'."
            )
        if self._wv is None:
            self._wv = KeyedVectors(self.vocab.words, self.W_in)
        return self._wv

    def fit(
        self,
        corpus: CorpusLike,
        *,
        callbacks: Sequence[Callable[[Word2Vec, int, float], object]] = (),
        progress: bool | None = None,
        tmp_dir: str | None = None,
        vocab: Vocabulary | None = None,
    ) -> Word2Vec:
        """Train on ``corpus`` and return self.

        Parameters
        ----------
        corpus : path or iterable of token lists
            A text file with one sentence per line (``.gz``, ``.bz2``, ``.xz`` too), a folder
            of such files, or a re-iterable of lists of str. A one-shot iterator (generator)
            is refused when ``epochs > 1``.
        callbacks : sequence of callables
            Each is called as ``cb(model, epoch, loss)`` after every epoch.
        progress : bool, optional
            Show a progress line on stderr; default: when stderr is a terminal.
        tmp_dir : str, optional
            Folder for the temporary encoded corpus (4 bytes per word); default: the system's.
        vocab : Vocabulary, optional
            Use this vocabulary (and its counts, for subsampling, noise and the Huffman tree)
            instead of counting the corpus, like word2vec.c's ``-read-vocab``. Only for a model
            that is not fitted yet.

        On a fitted model, ``fit`` continues training the same vectors on ``corpus`` (words
        outside the vocabulary are skipped) with a fresh learning-rate schedule.
        """
        cfg = self.config
        if progress is None:
            progress = sys.stderr.isatty()
        if vocab is not None and self.vocab is not None:
            raise CorpusError("This model already has a vocabulary; call fit without vocab=.")
        if cfg.device is not None:  # fail before reading the corpus
            from .backends.torch_backend import resolve_device

            resolve_device(cfg.device)
        stats = ReadStats()
        t_start = time.perf_counter()
        if vocab is None and self.vocab is None:
            vocab, encoded = build_vocab_and_encode(
                corpus, cfg.min_count, epochs=cfg.epochs, stats=stats, tmp_dir=tmp_dir
            )
        else:
            vocab = vocab if vocab is not None else self.vocab
            assert vocab is not None
            encoded = encode(corpus, vocab, epochs=cfg.epochs, stats=stats, tmp_dir=tmp_dir)
        try:
            if encoded.n_words == 0:
                raise CorpusError("None of the corpus words is in the model's vocabulary.")
            if self.W_in is None:
                self._init_weights(vocab)
            self.vocab = vocab
            self._wv = None
            assert self.W_in is not None and self.W_out is not None
            t_train = time.perf_counter()
            run = train
            if cfg.device is not None:  # the PyTorch backend, imported only when asked for
                from .backends.torch_backend import train as run
            history = run(
                cfg,
                vocab,
                encoded,
                self.W_in,
                self.W_out,
                progress=progress,
                on_epoch_end=callbacks,
                callback_model=self,
            )
            self.fit_seconds = {
                "read": t_train - t_start,
                "train": time.perf_counter() - t_train,
                "words": float(encoded.n_words),
            }
        finally:
            encoded.close()
            self.read_stats = stats
        self.loss_history.extend(history)
        self.epochs_trained += len(history)
        return self

    def _init_weights(self, vocab: Vocabulary) -> None:
        """W_in uniform in ±0.5/dim (word2vec.c), W_out zero; drawn from ``seed``."""
        V, dim = len(vocab), self.config.dim
        rng = np.random.default_rng(self.config.seed)
        self.W_in = (rng.random((V, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim)
        n_out = max(V - 1, 1) if self.config.loss == "hs" else V
        self.W_out = np.zeros((n_out, dim), dtype=np.float32)

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Save config, vocabulary, W_in, W_out and training state to one file, atomically.

        The file is a NumPy ``.npz`` archive with no pickled objects.
        """
        if self.W_in is None or self.vocab is None or self.W_out is None:
            raise NotFittedError("This Word2Vec instance is not fitted yet; nothing to save.")
        words = "\n".join(self.vocab.words).encode("utf-8")
        meta = {
            "format": "w2v-model",
            "version": _FORMAT_VERSION,
            "config": self.config.to_dict(),
            "loss_history": self.loss_history,
            "epochs_trained": self.epochs_trained,
        }
        with atomic_write(path) as fh:
            np.savez(
                fh,
                meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
                words=np.frombuffer(words, dtype=np.uint8),
                counts=self.vocab.counts,
                W_in=self.W_in,
                W_out=self.W_out,
            )

    @classmethod
    def load(cls, path: str | os.PathLike) -> Word2Vec:
        """Load a model written by :meth:`save`."""
        p = str(path)
        if not os.path.exists(p):
            raise FileNotFoundError(f"Model file not found: {p!r}.")
        try:
            with np.load(p, allow_pickle=False) as z:
                meta = json.loads(z["meta"].tobytes().decode())
                words = z["words"].tobytes().decode("utf-8").split("\n")
                counts, W_in, W_out = z["counts"], z["W_in"], z["W_out"]
        except (OSError, ValueError, KeyError) as exc:
            raise FormatError(f"{p}: not a w2v model file ({exc}).") from None
        if meta.get("format") != "w2v-model" or meta.get("version") != _FORMAT_VERSION:
            raise FormatError(f"{p}: not a w2v model file of version {_FORMAT_VERSION}.")
        if len(words) != len(counts) or W_in.shape[0] != len(words):
            raise FormatError(f"{p}: the vocabulary and the matrices disagree in size.")
        model = cls(TrainConfig.from_kwargs(**meta["config"]))
        model.vocab = Vocabulary(words, counts)
        model.W_in = np.ascontiguousarray(W_in, dtype=np.float32)
        model.W_out = np.ascontiguousarray(W_out, dtype=np.float32)
        model.loss_history = [float(x) for x in meta["loss_history"]]
        model.epochs_trained = int(meta["epochs_trained"])
        return model
