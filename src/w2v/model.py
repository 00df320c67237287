"""Word2Vec: fit a corpus, hold the config, vocabulary, W_in and W_out; save and load them.

``W_in`` (V × dim) is the embedding — the word vectors exposed as :attr:`Word2Vec.wv`.
``W_out`` holds the output layer: V rows for softmax and negative sampling, the V−1 inner
nodes of the Huffman tree for hierarchical softmax. Both are kept so training can continue.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import archives
from . import checkpoint as ckpt_io
from ._files import check_regular_file
from ._progress import on_terminal, show_progress
from .callbacks import TrainingHooks, as_callbacks
from .config import TrainConfig, corpus_in_fit
from .corpus import CorpusLike, ReadStats, corpus_files
from .engines import Checkpoints, Engine, LockedRows, engine_for
from .errors import (
    ConfigError,
    CorpusError,
    FormatError,
    NotFittedError,
    TrainingDivergedError,
    TrainingInterrupted,
)
from .huffman import HuffmanTree
from .kernels import all_finite, kernel_matrix
from .schedule import TrainState, batch_seed, learning_rate
from .tables import build_tables, huffman_of
from .validation import HeldOut, held_out_examples, held_out_loss, split_tail
from .vectors import KeyedVectors
from .vocab import EncodedCorpus, Vocabulary, build_vocab_and_encode, encode

#: Progress for notebooks and batch jobs: INFO records for the vocabulary, every epoch (loss,
#: speed) and the end of a fit. The library adds no handler; configure logging to see them,
#: e.g. ``logging.basicConfig(level=logging.INFO)``.
log = logging.getLogger("w2v")

#: Version 2 stores the words as UTF-8 bytes + offsets (any word saves); version 1 (the words
#: joined by newlines) is still read.
_FORMAT_VERSION = 2


class Word2Vec:
    """word2vec: skip-gram or CBOW with full softmax, hierarchical softmax or negative sampling.

    Parameters
    ----------
    config : TrainConfig, optional
        All hyperparameters at once. Alternatively pass them as keywords (``**params``),
        e.g. ``Word2Vec(arch="cbow", loss="hs", dim=100)``; see :class:`TrainConfig` for
        every name, its default and how it compares with word2vec.c and gensim. gensim's
        ``Word2Vec(sentences)`` raises ConfigError showing the w2v call (the corpus goes to
        :meth:`fit`), and gensim's parameter names raise one naming the w2v equivalent.

    Attributes (after ``fit``)
    --------------------------
    wv : KeyedVectors
        The word vectors (rows of ``W_in``).
    vocab : Vocabulary
        Words sorted by descending count, and their counts.
    W_in, W_out : ndarray
        Input (embedding) and output matrices, float32.
    loss_history : list of float
        Mean *online* training loss per example of each epoch trained so far: each example's
        loss just before its own update, while the weights and the learning rate change. It
        shows that training runs; it is not the end-of-epoch model's loss and can rise while
        the model improves, so do not stop early on it (see :mod:`w2v.validation`).
    validation_history : list of float
        With ``fit(..., validation=...)``: the exact mean loss on the held-out sentences after
        each epoch of the last fits (fixed examples and noise words; falls as the model
        improves, rises when it overfits). Not saved with the model.
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
        if config is not None and not isinstance(config, TrainConfig):
            raise ConfigError(_not_a_config(config))
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
        self.validation_history: list[float] = []
        self.epochs_trained = 0
        self.read_stats = ReadStats()
        self.fit_seconds: dict[str, float] = {}
        self._wv: KeyedVectors | None = None
        self._locked: LockedRows | None = None  # the rows fit(lock_init=True) keeps fixed

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
        corpus: CorpusLike | None = None,
        *,
        corpus_file: str | os.PathLike | None = None,
        init_vectors: KeyedVectors | None = None,
        lock_init: bool = False,
        callbacks: Sequence[object] = (),
        progress: bool | None = None,
        tmp_dir: str | None = None,
        vocab: Vocabulary | None = None,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: str | int | None = "10min",
        validation: float | CorpusLike | None = None,
    ) -> Word2Vec:
        """Train on ``corpus`` and return self.

        Parameters
        ----------
        corpus : path or iterable of token lists
            A text file with one sentence per line (``.gz``, ``.bz2``, ``.xz`` too), a folder
            of such files, or a re-iterable of lists of str. A one-shot iterator (generator)
            is refused when ``epochs > 1``.
        corpus_file : path, optional
            gensim's name for a corpus path: ``fit(corpus_file=p)`` is ``fit(p)``.
        init_vectors : KeyedVectors, optional
            Start from these vectors (w2v's or gensim's KeyedVectors, e.g. published ones) to
            fine-tune them on ``corpus``: each vocabulary word they have starts from its vector
            there; the others start as usual (:func:`init_weights`). Their ``dim`` must be the
            model's. Only for a model that is not fitted yet; the vocabulary is still counted
            from ``corpus`` (words of ``init_vectors`` absent from it are not kept).
        lock_init : bool
            With ``init_vectors``: keep the loaded vectors fixed and train only the new words
            (and W_out), like gensim's ``lockf=0``. The CPU engine puts the loaded rows back
            after every batch, so they end exactly as loaded; within one batch
            (``batch_words`` words) they move as usual, and that batch's other updates see the
            moved value (a smaller ``batch_words`` keeps them closer to fixed). Not with
            ``device=`` or ``checkpoint=`` (resume would not know which rows are locked).
        callbacks : sequence
            Functions, each called as ``cb(model, epoch, loss)`` after every epoch, and
            gensim-style objects (``gensim.models.callbacks.CallbackAny2Vec`` subclasses, or
            any object with some of ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end``,
            ``on_train_end``), whose methods are called with the model at those points.
        progress : bool, optional
            Show a progress line on stderr; default: when stderr is a terminal.
        tmp_dir : str, optional
            Folder for the temporary encoded corpus (4 bytes per word); default: the system's.
            Its files are unnamed, so nothing is left there even if the process is killed.
        vocab : Vocabulary, optional
            Use this vocabulary (and its counts, for subsampling, noise and the Huffman tree)
            instead of counting the corpus, like word2vec.c's ``-read-vocab``. Only for a model
            that is not fitted yet.
        checkpoint : path, optional
            Save the state of training to this file (atomically) every ``checkpoint_every``
            and when Ctrl-C stops training; :meth:`resume` finishes the fit from it. Ctrl-C
            then raises :class:`w2v.errors.TrainingInterrupted` (a KeyboardInterrupt) naming
            the file.
        checkpoint_every : str or int or None
            ``"30s"``, ``"10min"``, ``"2h"``, or an int number of trained words; None saves
            only on Ctrl-C. Checkpoints are taken between batches (running batches finish
            first). Ignored without ``checkpoint``.
        validation : float or path or iterable of token lists, optional
            Sentences to compute the held-out loss on after every epoch (kept in
            :attr:`validation_history`, shown by the progress bar): a fraction in (0, 1) holds
            out that share of the corpus's sentences, taken from its end, which are then not
            trained on; or a separate corpus. See :mod:`w2v.validation` for what is computed
            and why ``loss_history`` cannot serve for early stopping.

        On a fitted model, ``fit`` continues training the same vectors on ``corpus`` (words
        outside the vocabulary are skipped; see :meth:`update_vocab` to add them) with a fresh
        learning-rate schedule, from ``alpha`` down to ``min_alpha`` over ``epochs`` epochs.

        If the loss becomes NaN or infinite, :class:`w2v.errors.TrainingDivergedError` names
        ``alpha`` and no NaN weights are kept: a new model goes back to not fitted, a fitted
        one gets its weights from before this fit back (so continued training holds a copy of
        W_in and W_out).
        """
        cfg = self.config
        corpus = _the_corpus(corpus, corpus_file)
        callbacks = as_callbacks(callbacks)
        self._check_init_vectors(init_vectors, lock_init, checkpoint)
        every = ckpt_io.parse_every(checkpoint_every) if checkpoint is not None else (None, None)
        if vocab is not None and self.vocab is not None:
            raise CorpusError("This model already has a vocabulary; call fit without vocab=.")
        _check_validation(validation)
        engine = self._engine(corpus, checkpoint, progress)
        count = vocab is None and self.vocab is None

        def setup(found: Vocabulary, encoded: EncodedCorpus) -> dict[str, Any] | None:
            if encoded.n_words == 0:
                raise CorpusError("None of the corpus words is in the model's vocabulary.")
            if self.W_in is None:
                W_in, W_out = init_weights(cfg, len(found))
                if init_vectors is not None:
                    rows = _load_rows(W_in, found, init_vectors)
                    if lock_init:
                        self._locked = LockedRows(rows, W_in[rows].copy())
                self.W_in, self.W_out = W_in, W_out
            else:
                assert self.W_out is not None
                # Train copies laid out for the kernels (a loaded model's matrices are NumPy's,
                # 16 bytes past a cache line); the originals stay as the backup.
                self.W_in = kernel_matrix(*self.W_in.shape, source=self.W_in)
                self.W_out = kernel_matrix(*self.W_out.shape, source=self.W_out)
            self.vocab = found
            self._wv = None
            if checkpoint is None:
                return None
            corpus_info = ckpt_io.describe_corpus(corpus, encoded)
            # max_vocab_size also drops words from the encoded corpus: resume must count
            # the corpus again the same way to get the same encoding.
            corpus_info["max_vocab_size"] = cfg.max_vocab_size if count else None
            if isinstance(validation, float):  # resume holds out the same sentences
                corpus_info["validation"] = validation
            return corpus_info

        try:
            return self._run(
                engine,
                corpus,
                vocab=None if count else (vocab if vocab is not None else self.vocab),
                max_vocab_size=cfg.max_vocab_size,
                tmp_dir=tmp_dir,
                setup=setup,
                callbacks=callbacks,
                progress=progress,
                checkpoint=checkpoint,
                every=(checkpoint_every, *every),
                validation=validation,
            )
        finally:
            self._locked = None

    def _check_init_vectors(
        self, init_vectors: object, lock_init: object, checkpoint: object
    ) -> None:
        """Fail at once (ConfigError) if fit's ``init_vectors``/``lock_init`` cannot be used."""
        if not isinstance(lock_init, bool):
            raise ConfigError(f"lock_init must be True or False; got {lock_init!r}.")
        if init_vectors is None:
            if lock_init:
                raise ConfigError("lock_init=True locks the rows of init_vectors; pass them too.")
            return
        vectors = getattr(init_vectors, "vectors", None)
        if not hasattr(init_vectors, "key_to_index") or getattr(vectors, "ndim", 0) != 2:
            raise ConfigError(
                "init_vectors must be a KeyedVectors (w2v's or gensim's); got "
                f"{type(init_vectors).__name__}."
            )
        if self.W_in is not None:
            raise ConfigError(
                "init_vectors sets the starting vectors of a new model; this one is fitted "
                "already. Fine-tune with Word2Vec(...).fit(corpus, init_vectors=kv)."
            )
        dim = int(vectors.shape[1])
        if dim != self.config.dim:
            raise ConfigError(
                f"init_vectors has dim {dim} and this model dim {self.config.dim}; "
                f"use Word2Vec(dim={dim}, ...)."
            )
        if lock_init and self.config.device is not None:
            raise ConfigError(
                f"lock_init=True is supported by the CPU engine only (device="
                f"{self.config.device!r}); use device=None, or lock_init=False."
            )
        if lock_init and checkpoint is not None:
            raise ConfigError(
                "lock_init=True cannot be checkpointed yet (resume would not know which rows "
                "are locked); call fit without checkpoint=, or with lock_init=False."
            )

    def _engine(
        self, corpus: CorpusLike, checkpoint: object, progress: bool | None = False
    ) -> Engine:
        """The config's engine, ready to train: checked and loaded before the corpus is read
        (a wrong path or device fails at once, not after a first compile or a long read).
        With ``progress`` shown on a terminal, a first run says that it compiles the kernels."""
        engine = engine_for(self.config)
        if checkpoint is not None and not engine.supports_checkpoints:
            raise ConfigError(
                f"device={self.config.device!r}: checkpoints are not supported on the PyTorch "
                "backend yet; call fit without checkpoint=."
            )
        engine.check(self.config)
        if isinstance(corpus, str | os.PathLike):
            corpus_files(corpus)
        will_compile = getattr(engine, "will_compile", None)  # a first run's silence, explained
        shown = show_progress(progress) and on_terminal()  # (logged for batch jobs)
        if shown and will_compile is not None and will_compile(self.config):
            from .engines.cpu import COMPILE_NOTICE

            print(f"w2v: {COMPILE_NOTICE}", file=sys.stderr, flush=True)
        engine.prepare(self.config)  # (CPU: LLVM's pages go before the corpus and weights come)
        return engine

    def _run(
        self,
        engine: Engine,
        corpus: CorpusLike,
        *,
        vocab: Vocabulary | None,
        max_vocab_size: int | None,
        tmp_dir: str | None,
        setup: Callable[[Vocabulary, EncodedCorpus], dict[str, Any] | None],
        callbacks: Sequence[Callable[[Word2Vec, int, float], object]],
        progress: bool | None,
        checkpoint: str | os.PathLike | None,
        every: tuple[str | int | None, int | None, float | None],
        start: TrainState | None = None,
        tree: HuffmanTree | None = None,
        validation: float | CorpusLike | None = None,
    ) -> Word2Vec:
        """The one path of :meth:`fit` and :meth:`resume`: read the corpus, set up, train.

        Counts the corpus (``vocab`` None, pruned by ``max_vocab_size``) or encodes it with
        ``vocab``; ``setup(vocab, encoded)`` checks the result, puts the weights in place and
        returns the corpus description a checkpoint records. If setup or training raises
        TrainingDivergedError or CorpusError, the vocabulary and weights from before are put
        back, so no NaN or untrained vectors are kept. The encoded corpus is always closed.
        ``validation`` (see :meth:`fit`) splits off or encodes the held-out sentences.
        """
        stats = ReadStats()
        t_start = time.perf_counter()
        cfg = self.config
        shown = show_progress(progress)
        if vocab is None:
            vocab, encoded = build_vocab_and_encode(
                corpus,
                cfg.min_count,
                epochs=cfg.epochs,
                stats=stats,
                tmp_dir=tmp_dir,
                max_vocab_size=max_vocab_size,
                progress=shown,
                workers=cfg.n_workers,
            )
        else:
            encoded = encode(
                corpus,
                vocab,
                epochs=cfg.epochs,
                stats=stats,
                tmp_dir=tmp_dir,
                progress=shown,
                workers=cfg.n_workers,
            )
        log.info(
            "read %s words in %s sentences (%.1f s): %s words in the vocabulary, %s of the "
            "corpus words in it",
            f"{stats.tokens:,}",
            f"{stats.sentences:,}",
            time.perf_counter() - t_start,
            f"{len(vocab):,}",
            f"{encoded.n_words:,}",
        )
        backup = (self.vocab, self.W_in, self.W_out)
        try:
            held = None
            if validation is not None:
                encoded, held = _held_out(cfg, vocab, encoded, validation, tmp_dir)
            corpus_info = setup(vocab, encoded)
            self._train(
                engine,
                encoded,
                t_start,
                callbacks=callbacks,
                progress=shown,
                checkpoint=checkpoint,
                every=every,
                corpus_info=corpus_info,
                start=start,
                tree=tree,
                held=held,
            )
        except (TrainingDivergedError, CorpusError):
            self.vocab, self.W_in, self.W_out = backup
            self._wv = None
            raise
        finally:
            encoded.close()
            self.read_stats = stats
        return self

    def _train(
        self,
        engine: Engine,
        encoded: EncodedCorpus,
        t_start: float,
        *,
        callbacks: Sequence[Callable[[Word2Vec, int, float], object]],
        progress: bool,
        checkpoint: str | os.PathLike | None,
        every: tuple[str | int | None, int | None, float | None],
        corpus_info: dict[str, Any] | None,
        start: TrainState | None,
        tree: HuffmanTree | None,
        held: HeldOut | None = None,
    ) -> None:
        """Run the engine on an encoded corpus, saving checkpoints; extend loss_history (and
        validation_history with the loss on ``held`` after every epoch)."""
        cfg, vocab = self.config, self.vocab
        assert vocab is not None and self.W_in is not None and self.W_out is not None
        if cfg.loss == "hs" and tree is None:
            tree = huffman_of(vocab.counts)
        history_before, epochs_before = list(self.loss_history), self.epochs_trained
        interrupted: list[TrainState] = []
        every_value, every_words, every_seconds = every

        def save_state(state: TrainState, reason: str) -> None:
            assert checkpoint is not None and corpus_info is not None
            assert self.W_in is not None and self.W_out is not None
            total = cfg.epochs * encoded.n_words
            ckpt_io.save_checkpoint(
                checkpoint,
                ckpt_io.Checkpoint(
                    config=cfg,
                    vocab=vocab,
                    W_in=self.W_in,
                    W_out=self.W_out,
                    state=state,
                    corpus=corpus_info,
                    tree=tree,
                    loss_history=history_before,
                    epochs_trained=epochs_before,
                    every=every_value,
                    next_batch_seed=int(batch_seed(cfg.seed, state.epoch, state.batch)),
                    learning_rate=learning_rate(
                        cfg.start_alpha, cfg.end_alpha, state.word_position, total
                    ),
                ),
            )
            if reason == "interrupt":
                interrupted.append(state)

        tables = build_tables(cfg, vocab, tree)
        hooks = TrainingHooks(self, callbacks, start.epoch if start else 0, cfg.epochs)
        epoch_started = [time.perf_counter()]

        def on_epoch_end(epoch: int, loss: float) -> str | None:
            now = time.perf_counter()
            seconds, epoch_started[0] = now - epoch_started[0], now
            log.info(
                "epoch %d/%d: mean loss %.5f, %.1f s, %s words/s",
                epoch + 1,
                cfg.epochs,
                loss,
                seconds,
                f"{encoded.n_words / max(seconds, 1e-9):,.0f}",
            )
            status = None
            if held is not None:
                assert self.W_in is not None and self.W_out is not None
                value = held_out_loss(cfg, held, self.W_in, self.W_out, tables)
                self.validation_history.append(value)
                status = f"held-out {value:.4f}"
            hooks.epoch_end(epoch, loss)
            return status

        t_train = time.perf_counter()
        hooks.train_begin()
        try:
            history = engine.train(
                cfg,
                vocab,
                encoded,
                self.W_in,
                self.W_out,
                tables=tables,
                progress=progress,
                on_epoch_end=on_epoch_end,  # (always: it logs each epoch)
                start=start,
                checkpoints=(
                    Checkpoints(save_state, every_words, every_seconds)
                    if checkpoint is not None
                    else None
                ),
                **({} if self._locked is None else {"locked": self._locked}),
            )
        except KeyboardInterrupt:
            if interrupted:
                s = interrupted[-1]
                raise TrainingInterrupted(
                    str(checkpoint),
                    min(s.epoch, cfg.epochs - 1),
                    cfg.epochs,
                    s.word_position / (cfg.epochs * encoded.n_words),
                ) from None
            raise
        self.fit_seconds = {
            "read": t_train - t_start,
            "train": time.perf_counter() - t_train,
            "words": float(encoded.n_words),
        }
        log.info(
            "trained %d epoch(s) in %.1f s (read %.1f s)",
            len(history),
            self.fit_seconds["train"],
            self.fit_seconds["read"],
        )
        self.loss_history.extend(history)
        self.epochs_trained += len(history)
        hooks.train_end()

    @classmethod
    def resume(
        cls,
        path: str | os.PathLike,
        corpus: CorpusLike | None = None,
        *,
        checkpoint_every: str | int | None = "same",
        workers: int | None = None,
        callbacks: Sequence[Callable[[Word2Vec, int, float], object]] = (),
        progress: bool | None = None,
        tmp_dir: str | None = None,
    ) -> Word2Vec:
        """Finish a fit from a checkpoint written by ``fit(checkpoint=path)``; return the model.

        The resumed fit runs exactly the batches, learning rates and random draws that the
        uninterrupted fit would have run; with ``workers=1`` the result (W_in, W_out,
        loss_history) is bit-identical. It keeps saving to the same checkpoint file.

        Parameters
        ----------
        path : path
            The checkpoint file.
        corpus : path or iterable of token lists, optional
            The corpus of the interrupted fit; default: the path recorded in the checkpoint
            (an in-memory corpus must be passed again). It must encode to the same word ids
            as when the checkpoint was written, or CorpusError is raised.
        checkpoint_every : str or int or None
            Default ``"same"``: the interval the interrupted fit used.
        workers : int, optional
            Change the number of threads (bit-identity holds only with 1).
        callbacks, progress, tmp_dir
            As in :meth:`fit`; callbacks are called for the epochs still to finish.

        Examples
        --------
        >>> model = Word2Vec(epochs=5).fit("corpus.txt", checkpoint="run.ckpt")  # doctest: +SKIP
        >>> # ... interrupted; later, in a new process:
        >>> model = Word2Vec.resume("run.ckpt")  # doctest: +SKIP
        """
        callbacks = as_callbacks(callbacks)
        ck = ckpt_io.load_checkpoint(path)
        every_value = ck.every if checkpoint_every == "same" else checkpoint_every
        every = ckpt_io.parse_every(every_value)
        recorded = ck.corpus
        if corpus is None:
            if recorded.get("path") is None:
                raise CorpusError(
                    f"{path}: this checkpoint was trained on an in-memory corpus "
                    f"({recorded.get('kind')}); pass it again: "
                    f"Word2Vec.resume({str(path)!r}, corpus=...)."
                )
            corpus = recorded["path"]
        config = ck.config if workers is None else ck.config.replace(workers=workers)
        model = cls.from_weights(
            config,
            ck.vocab,
            ck.W_in,
            ck.W_out,
            loss_history=ck.loss_history,
            epochs_trained=ck.epochs_trained,
        )
        engine = model._engine(corpus, path, progress)
        counted = recorded.get("max_vocab_size") is not None

        def setup(found: Vocabulary, encoded: EncodedCorpus) -> dict[str, Any]:
            if counted and found.words != ck.vocab.words:
                raise CorpusError(
                    f"{path}: the corpus is not the one this checkpoint was trained on (its "
                    "vocabulary differs). Resume with the same corpus."
                )
            now = ckpt_io.describe_corpus(corpus, encoded)
            if now["digest"] != recorded["digest"]:
                was = recorded.get("path") or f"an in-memory {recorded.get('kind')}"
                raise CorpusError(
                    f"{path}: the corpus is not the one this checkpoint was trained on (that "
                    f"was {was} with {recorded['n_words']} vocabulary words in "
                    f"{recorded['n_sentences']} sentences; this one has {now['n_words']} in "
                    f"{now['n_sentences']}). Resume with the same corpus."
                )
            if ck.next_batch_seed != int(batch_seed(config.seed, ck.state.epoch, ck.state.batch)):
                raise FormatError(f"{path}: written by an incompatible version of w2v.")
            return recorded

        return model._run(
            engine,
            corpus,
            vocab=None if counted else ck.vocab,
            max_vocab_size=recorded.get("max_vocab_size"),
            tmp_dir=tmp_dir,
            setup=setup,
            callbacks=callbacks,
            progress=progress,
            checkpoint=path,
            every=(every_value, *every),
            start=ck.state,
            tree=ck.tree,
            validation=recorded.get("validation"),
        )

    def update_vocab(self, corpus: CorpusLike, *, tmp_dir: str | None = None) -> Word2Vec:
        """Add the words of ``corpus`` that reach ``min_count`` in it; return self.

        So that a later ``fit(corpus)`` trains them too. The ids and vectors of the words
        already known do not change; their counts grow by their counts in ``corpus``. New
        words are appended at the end (in descending count in ``corpus``), so the vocabulary
        is no longer sorted by count. Their W_in rows start as a fresh fit's do (uniform in
        ±``init_range``/dim, drawn from ``seed`` and the old vocabulary size); their W_out rows
        at zero.

        Subsampling and the noise distribution follow the new counts at the next fit. With
        hierarchical softmax the Huffman tree is rebuilt from the new counts (as gensim does),
        because every fit derives the tree from the counts and a tree of other counts would
        not be a Huffman tree; the inner nodes are renumbered, so W_out (the inner-node rows)
        restarts at zero rather than keep rows that now belong to other nodes. The word
        vectors (W_in) are kept. Negative sampling and softmax keep W_out's rows.
        """
        if self.vocab is None or self.W_in is None or self.W_out is None:
            raise NotFittedError(
                "This Word2Vec instance is not fitted yet. Call 'fit' with a corpus before "
                "using 'update_vocab'."
            )
        cfg, old = self.config, self.vocab
        found, encoded = build_vocab_and_encode(
            corpus, 1, tmp_dir=tmp_dir, max_vocab_size=cfg.max_vocab_size, workers=cfg.n_workers
        )
        encoded.close()
        counts = old.counts.copy()
        new_words: list[str] = []
        new_counts: list[int] = []
        for word, count in zip(found.words, found.counts.tolist(), strict=True):
            i = old.index.get(word)
            if i is not None:
                counts[i] += count
            elif count >= cfg.min_count:
                new_words.append(word)
                new_counts.append(count)
        vocab = Vocabulary(old.words + new_words, np.concatenate((counts, new_counts)))
        V_old, k, dim = len(old), len(new_words), cfg.dim
        W_in = kernel_matrix(V_old + k, dim)
        W_in[:V_old] = self.W_in
        _fill_uniform(np.random.default_rng([cfg.seed, V_old]), W_in[V_old:], cfg.init_range)
        self.W_in = W_in
        if cfg.loss == "hs":
            if k or not _same_tree(huffman_of(old.counts), huffman_of(vocab.counts)):
                self.W_out = kernel_matrix(cfg.output_rows(len(vocab)), dim)
        else:
            W_out = kernel_matrix(V_old + k, dim)  # the new words' rows stay zero
            W_out[:V_old] = self.W_out
            self.W_out = W_out
        self.vocab = vocab
        self._wv = None
        return self

    @classmethod
    def from_weights(
        cls,
        config: TrainConfig,
        vocab: Vocabulary,
        W_in: np.ndarray,
        W_out: np.ndarray,
        *,
        loss_history: Sequence[float] = (),
        epochs_trained: int = 0,
        read_stats: ReadStats | None = None,
        fit_seconds: dict[str, float] | None = None,
    ) -> Word2Vec:
        """A fitted model made of trained parts (as an engine such as ``w2v.spark`` returns).

        ``W_in`` is (V, dim) and ``W_out`` (``config.output_rows(V)``, dim), float32; they are
        used as they are (not copied). ValueError when the sizes disagree.
        """
        wrong = config.size_mismatch(len(vocab), len(vocab.counts), W_in, W_out)
        if wrong is not None:
            raise ValueError(wrong)
        model = cls(config)
        model.vocab, model.W_in, model.W_out = vocab, W_in, W_out
        model.loss_history = [float(x) for x in loss_history]
        model.epochs_trained = epochs_trained
        model.read_stats = read_stats if read_stats is not None else ReadStats()
        model.fit_seconds = dict(fit_seconds or {})
        return model

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Save config, vocabulary, W_in, W_out and training state to one file, atomically.

        The file is a NumPy ``.npz`` archive with no pickled objects.
        """
        if self.W_in is None or self.vocab is None or self.W_out is None:
            raise NotFittedError("This Word2Vec instance is not fitted yet; nothing to save.")
        if not all_finite(self.W_in, self.W_out):
            raise TrainingDivergedError(
                "The weights contain NaN or infinite values (training diverged?); not saving. "
                f"Refit with a smaller alpha than {self.config.start_alpha}."
            )
        meta = {
            "format": "w2v-model",
            "version": _FORMAT_VERSION,
            "config": self.config.to_dict(),
            "loss_history": self.loss_history,
            "epochs_trained": self.epochs_trained,
        }
        archives.save_npz(
            path, meta, self.vocab.words, counts=self.vocab.counts, W_in=self.W_in, W_out=self.W_out
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> Word2Vec:
        """Load a model written by :meth:`save`.

        The archive is checked before use (see :func:`w2v.archives.load_npz`): a truncated,
        corrupted or foreign file raises FormatError naming the path and what was expected.
        """
        p = check_regular_file(path, "Model file")
        meta, words, counts, W_in, W_out = _read_model_file(p)
        return cls.from_weights(
            TrainConfig.from_kwargs(**meta["config"]),
            Vocabulary(words, counts),
            np.ascontiguousarray(W_in, dtype=np.float32),
            np.ascontiguousarray(W_out, dtype=np.float32),
            loss_history=meta["loss_history"],
            epochs_trained=int(meta["epochs_trained"]),
        )


def _check_validation(validation: object) -> None:
    """ConfigError for a ``validation=`` that is neither a fraction in (0, 1) nor a corpus."""
    if isinstance(validation, bool) or (
        isinstance(validation, int | float) and not 0.0 < float(validation) < 1.0
    ):
        raise ConfigError(
            f"validation={validation!r}: give a fraction of the sentences to hold out, in "
            "(0, 1) (e.g. 0.01), or a corpus of held-out sentences."
        )
    if isinstance(validation, str | os.PathLike):
        corpus_files(validation)


def _held_out(
    config: TrainConfig,
    vocab: Vocabulary,
    encoded: EncodedCorpus,
    validation: float | CorpusLike,
    tmp_dir: str | None,
) -> tuple[EncodedCorpus, HeldOut]:
    """(the corpus to train on, the held-out examples) for ``validation``."""
    noise = vocab.noise_distribution(config.ns_exponent) if config.loss == "ns" else None
    if isinstance(validation, int | float):
        train, ids, ends = split_tail(encoded, float(validation))
        return train, held_out_examples(config, ids, ends, noise)
    other = encode(validation, vocab, epochs=1, tmp_dir=tmp_dir)
    try:
        ids, ends = other.read(0, other.n_words), other.sentence_ends
    finally:
        other.close()
    return encoded, held_out_examples(config, ids, ends, noise)


def init_weights(config: TrainConfig, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Fresh weights for a fit: (W_in, W_out), float32, each row on a cache line.

    W_in (V, dim) uniform in ±``config.init_range``/dim (skip-gram ±0.5/dim as word2vec.c,
    CBOW ±1/dim as gensim 4), drawn from ``config.seed``; W_out (``config.output_rows(V)``,
    dim) zero. Every engine starts from these.
    """
    W_in = kernel_matrix(vocab_size, config.dim)
    _fill_uniform(np.random.default_rng(config.seed), W_in, config.init_range)
    return W_in, kernel_matrix(config.output_rows(vocab_size), config.dim)


def _not_a_config(value: object) -> str:
    """The error for ``Word2Vec(value)`` where value is not a TrainConfig (gensim's idiom
    passes the corpus there)."""
    if isinstance(value, dict):
        return "Word2Vec takes its parameters as keywords: Word2Vec(**params)."
    if isinstance(value, str | os.PathLike) or hasattr(value, "__iter__"):
        return f"Word2Vec(corpus) is gensim's idiom; {corpus_in_fit(value)}"
    return (
        "The first argument of Word2Vec is a TrainConfig (or nothing: Word2Vec(dim=100, "
        f"...)); got {type(value).__name__}."
    )


def _the_corpus(corpus: CorpusLike | None, corpus_file: str | os.PathLike | None) -> CorpusLike:
    """fit's corpus, given positionally or as gensim's ``corpus_file=``."""
    if corpus_file is not None:
        if corpus is not None:
            raise ConfigError("Give fit one corpus: fit(path) or fit(corpus_file=path), not both.")
        return corpus_file
    if corpus is None:
        raise ConfigError("fit needs a corpus: fit('corpus.txt') or fit(sentences).")
    return corpus


def _load_rows(W_in: np.ndarray, vocab: Vocabulary, kv: KeyedVectors) -> np.ndarray:
    """Copy the vectors of ``kv``'s words into their rows of ``W_in``; return those rows.

    CorpusError if no vocabulary word is in ``kv``; ConfigError if one of the copied vectors
    is not finite.
    """
    key_to_index = kv.key_to_index
    pairs = [(i, key_to_index.get(w, -1)) for i, w in enumerate(vocab.words)]
    rows = np.array([i for i, j in pairs if j >= 0], dtype=np.int64)
    if len(rows) == 0:
        sample = ", ".join(repr(w) for w in vocab.words[:3])
        raise CorpusError(
            f"None of the corpus's {len(vocab)} vocabulary words ({sample}, ...) is in "
            "init_vectors; check that both are tokenised (and cased) the same way."
        )
    src = np.array([j for _, j in pairs if j >= 0], dtype=np.int64)
    W_in[rows] = np.asarray(kv.vectors)[src]
    if not all_finite(W_in):
        raise ConfigError("init_vectors holds NaN or infinite values; they cannot be trained.")
    return rows


def _fill_uniform(rng: np.random.Generator, W: np.ndarray, init_range: float) -> None:
    """Fill W (rows of dim values) uniformly in ±init_range/dim, in place: no (V, dim)
    temporaries. (±0.5/dim gives word2vec.c's numbers exactly.)"""
    rng.random(out=W, dtype=np.float32)
    W -= np.float32(0.5)
    W /= np.float32(W.shape[1])
    if init_range != 0.5:
        W *= np.float32(init_range / 0.5)


def _same_tree(a: HuffmanTree, b: HuffmanTree) -> bool:
    return (
        a.points.shape == b.points.shape
        and np.array_equal(a.points, b.points)
        and np.array_equal(a.codes, b.codes)
        and np.array_equal(a.lengths, b.lengths)
    )


def _read_model_file(
    p: str,
) -> tuple[dict[str, Any], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The parts of a saved model, each checked; FormatError naming what is wrong."""
    z = archives.load_npz(
        p,
        {
            "meta": ("|u1", 1),
            "words": ("|u1", 1),  # version 1
            **archives.WORD_ARRAYS,  # version 2
            "counts": ("<i8", 1),
            "W_in": ("<f4", 2),
            "W_out": ("<f4", 2),
        },
        what="w2v model file",
        optional=("words", *archives.WORD_ARRAYS),
    )
    meta = archives.read_meta(z, p, "w2v-model", "w2v model file")
    version = meta.get("version")
    if version not in (1, _FORMAT_VERSION):
        raise FormatError(
            f"{p}: a w2v model file of version {version!r}; this w2v reads versions 1 to "
            f"{_FORMAT_VERSION} (written by a newer w2v?)."
        )
    if version == 1 and "words" in z:
        try:
            words = z["words"].tobytes().decode("utf-8").split("\n")
        except ValueError as exc:
            raise FormatError(f"{p}: the model's words are not UTF-8 ({exc}).") from None
    elif version != 1 and all(k in z for k in archives.WORD_ARRAYS):
        words = archives.unpack_words(z, p)
    else:
        raise FormatError(f"{p}: not a w2v model file: it lacks its words.")
    try:
        config = TrainConfig.from_kwargs(**meta["config"])
        history = [float(x) for x in meta["loss_history"]]
        epochs = meta["epochs_trained"]
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"epochs_trained={epochs!r}")
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"{p}: the model's metadata is damaged ({exc}).") from None
    counts, W_in, W_out = z["counts"], z["W_in"], z["W_out"]
    V = len(words)
    wrong = config.size_mismatch(V, len(counts), W_in, W_out)
    if wrong is not None:
        raise FormatError(f"{p}: {wrong}")
    # Counts need not be sorted: update_vocab appends new words after the old ones.
    if len(set(words)) != V or (V and counts.min() < 0):
        raise FormatError(f"{p}: the vocabulary is damaged (repeated words or negative counts).")
    meta["loss_history"], meta["epochs_trained"] = history, epochs
    return meta, words, counts, W_in, W_out
