"""KeyedVectors: word vectors by word, with cosine queries and word2vec file formats.

Queries work on unit-normalised vectors computed once and cached; batched queries are one
matrix product. Unknown words raise a KeyError naming the word and the closest spellings.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from . import formats, native, projector
from .evaluate import AnalogyResult, WordPairResult, evaluate_analogies, evaluate_word_pairs


class KeyedVectors:
    """A vocabulary of words with one float32 vector each.

    Parameters
    ----------
    words : sequence of str
        The words, in row order.
    vectors : (V, dim) array
        One row per word (converted to C-contiguous float32; shared, not copied, when it
        already is).

    Examples
    --------
    >>> kv = KeyedVectors(["king", "queen"], np.eye(2, dtype=np.float32))
    >>> kv.similarity("king", "queen")
    0.0
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.words: list[str] = list(words)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(
                f"vectors of shape {self.vectors.shape} do not match {len(self.words)} words"
            )
        self.index: dict[str, int] = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("words must be unique")
        self._normed: np.ndarray | None = None

    # -- container ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self.index

    def __getitem__(self, word: str | Sequence[str]) -> np.ndarray:
        if isinstance(word, str):
            return self.vectors[self.get_index(word)]
        return self.vectors[[self.get_index(w) for w in word]]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words, dim {self.dim})"

    @property
    def dim(self) -> int:
        """Vector dimensionality."""
        return int(self.vectors.shape[1])

    def get_index(self, word: str) -> int:
        """The row of ``word``; KeyError with the closest known spellings if it is unknown."""
        try:
            return self.index[word]
        except KeyError:
            close = difflib.get_close_matches(word, self.words[:100_000], n=3)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"Word {word!r} is not in the vocabulary.{hint}") from None

    def _rows(self, words: str | Iterable[str]) -> list[int]:
        """Rows of one word or of several (KeyError for an unknown one)."""
        return [self.get_index(w) for w in ([words] if isinstance(words, str) else words)]

    @property
    def normed(self) -> np.ndarray:
        """Unit-length copies of the vectors (zero rows stay zero), computed once."""
        if self._normed is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._normed = self.vectors / np.maximum(norms, np.finfo(np.float32).tiny)
        return self._normed

    # -- queries --------------------------------------------------------------------------
    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        n = self.normed
        return float(n[self.get_index(a)] @ n[self.get_index(b)])

    def most_similar(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """The ``topn`` words closest by cosine to Σ unit(positive) − Σ unit(negative) (3CosAdd).

        Input words are excluded from the results. ``restrict_vocab`` searches only the first
        (most frequent) words.
        """
        idx_pos, idx_neg = self._rows(positive), self._rows(negative)
        if not idx_pos and not idx_neg:
            raise ValueError("most_similar needs at least one positive or negative word")
        n = self.normed
        query = n[idx_pos].sum(axis=0) - n[idx_neg].sum(axis=0)
        return self._top(query, topn, set(idx_pos + idx_neg), restrict_vocab)

    def similar_by_vector(
        self, vector: np.ndarray, topn: int = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]]:
        """The ``topn`` words closest by cosine to ``vector``."""
        return self._top(np.asarray(vector, dtype=np.float32), topn, set(), restrict_vocab)

    def _top(
        self, query: np.ndarray, topn: int, exclude: set[int], restrict_vocab: int | None
    ) -> list[tuple[str, float]]:
        n = self.normed if restrict_vocab is None else self.normed[:restrict_vocab]
        norm = float(np.linalg.norm(query))
        sims = n @ (query / norm if norm > 0 else query)
        return self._rank_scores(sims, topn, exclude)

    def _rank_scores(
        self, scores: np.ndarray, topn: int, exclude: set[int]
    ) -> list[tuple[str, float]]:
        k = min(len(scores), topn + len(exclude))
        if k <= 0:
            return []
        best = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(self.words[i], float(scores[i])) for i in best if i not in exclude][:topn]

    def most_similar_many(
        self, words: Sequence[str], topn: int = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """Nearest neighbours of many words at once: one matrix product for all of them.

        Equivalent to ``[self.most_similar(w, topn=topn) for w in words]``.
        """
        rows = np.array([self.get_index(w) for w in words], dtype=np.int64)
        if len(rows) == 0:
            return []
        n = self.normed if restrict_vocab is None else self.normed[:restrict_vocab]
        sims = self.normed[rows] @ n.T  # (B, V)
        inside = rows < n.shape[0]
        sims[np.flatnonzero(inside), rows[inside]] = -np.inf  # a word is not its own neighbour
        k = min(topn, n.shape[0])
        if k <= 0:
            return [[] for _ in words]
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(
            top, np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable"), 1
        )
        return [
            [(self.words[j], float(sims[b, j])) for j in top[b] if sims[b, j] != -np.inf]
            for b in range(len(rows))
        ]

    def most_similar_cosmul(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]:
        """3CosMul (Levy & Goldberg 2014): Π_pos (1+cos)/2 / (Π_neg (1+cos)/2 + 1e-6).

        Input words are excluded. Usually better than 3CosAdd on analogies.
        """
        idx_pos, idx_neg = self._rows(positive), self._rows(negative)
        if not idx_pos:
            raise ValueError("most_similar_cosmul needs at least one positive word")
        n = self.normed if restrict_vocab is None else self.normed[:restrict_vocab]
        shifted_pos = (1.0 + n @ self.normed[idx_pos].T) / 2.0  # (V, P) in [0, 1]
        shifted_neg = (1.0 + n @ self.normed[idx_neg].T) / 2.0  # (V, N)
        scores = shifted_pos.prod(axis=1) / (shifted_neg.prod(axis=1) + 1e-6)
        return self._rank_scores(scores, topn, set(idx_pos + idx_neg))

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word least similar to the mean of the given words' unit vectors."""
        ws = list(words)
        if not ws:
            raise ValueError("doesnt_match needs at least one word")
        vecs = self.normed[[self.get_index(w) for w in ws]]
        mean = vecs.mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), np.finfo(np.float32).tiny)
        return ws[int(np.argmin(vecs @ mean))]

    def rank(self, a: str, b: str) -> int:
        """1 + the number of words more similar to ``a`` than ``b`` is (``a`` excluded)."""
        ia, ib = self.get_index(a), self.get_index(b)
        sims = self.normed @ self.normed[ia]
        closer = sims > sims[ib]
        closer[ia] = False
        return int(closer.sum()) + 1

    # -- evaluation -----------------------------------------------------------------------
    def evaluate_analogies(
        self,
        path: str | os.PathLike,
        restrict_vocab: int | None = 30_000,
        case_insensitive: bool = True,
    ) -> AnalogyResult:
        """Accuracy on a Google ``questions-words.txt``-style file (3CosAdd), per section.

        Reports the same counts as gensim's ``evaluate_word_analogies`` with the same
        ``restrict_vocab``. See :func:`w2v.evaluate.evaluate_analogies`.
        """
        return evaluate_analogies(self, path, restrict_vocab, case_insensitive)

    def evaluate_word_pairs(
        self,
        path: str | os.PathLike,
        restrict_vocab: int | None = 300_000,
        case_insensitive: bool = True,
    ) -> WordPairResult:
        """Spearman/Pearson against a WordSim/SimLex-style file; see
        :func:`w2v.evaluate.evaluate_word_pairs`."""
        return evaluate_word_pairs(self, path, restrict_vocab, case_insensitive)

    # -- files ----------------------------------------------------------------------------
    def save_word2vec_format(self, path: str | os.PathLike, binary: bool | None = None) -> None:
        """Save in word2vec.c's text or binary format, atomically; the name says which.

        Parameters
        ----------
        path : str or path-like
            ``.bin`` writes binary; ``.txt`` or ``.vec`` text; a final ``.gz``, ``.bz2`` or
            ``.xz`` compresses it (``vectors.bin.gz``, ``vectors.txt.xz``).
        binary : bool, optional
            True or False overrides what the name says about text or binary (compression
            still follows the name). With a name that says neither (``vectors.dat``) it is
            required: :class:`~w2v.errors.FormatError` otherwise.

        Examples
        --------
        >>> kv.save_word2vec_format("vectors.txt.gz")  # doctest: +SKIP
        """
        formats.save_word2vec_format(path, self.words, self.vectors, binary=binary)

    def save_projector(self, folder: str | os.PathLike, limit: int | None = None) -> Path:
        """Export for TensorBoard's Embedding Projector: ``vectors.tsv`` and ``metadata.tsv``.

        Parameters
        ----------
        folder : str or path-like
            Created if missing; also gets a ``projector_config.pbtxt``, so
            ``tensorboard --logdir folder`` shows the vectors. Or upload the two TSV files at
            https://projector.tensorflow.org.
        limit : int, optional
            Only the first ``limit`` words (the most frequent, in w2v's files). The projector
            runs in a browser: 10,000 to 100,000 words is comfortable.

        Returns
        -------
        Path
            The folder. See :func:`w2v.projector.save_projector`.

        Examples
        --------
        >>> kv.save_projector("projector/", limit=10_000)  # doctest: +SKIP
        """
        return projector.save_projector(folder, self.words, self.vectors, limit=limit)

    def save(self, path: str | os.PathLike) -> None:
        """Save in w2v's native format: a folder with ``vectors.npy`` and ``words.txt``.

        Written to a temporary folder and renamed into place, so a failure leaves any previous
        save intact. Load with :meth:`load`, optionally memory-mapped.
        """
        native.save_native(path, self.words, self.vectors)

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: str | None = None) -> KeyedVectors:
        """Load a folder written by :meth:`save`; ``mmap="r"`` maps the vectors read-only
        instead of reading them into memory."""
        words, vectors = native.load_native(path, mmap=mmap)
        kv = cls.__new__(cls)
        kv.vectors = vectors  # keep the memory map: no copy
        kv.words = words
        kv.index = {w: i for i, w in enumerate(words)}
        kv._normed = None
        return kv

    @classmethod
    def load_word2vec_format(
        cls,
        path: str | os.PathLike,
        binary: bool | None = None,
        limit: int | None = None,
        unicode_errors: str = "replace",
        no_header: bool | None = False,
    ) -> KeyedVectors:
        """Load a word2vec.c text or binary file, plain or compressed, e.g. one from gensim.

        Parameters
        ----------
        path : str or path-like
            ``.bin`` is read as binary, ``.txt``/``.vec`` as text, and ``.gz``/``.bz2``/``.xz``
            are decompressed as they are read (``GoogleNews-vectors-negative300.bin.gz``,
            ``cc.en.300.vec.gz``). The first record is checked too: when it disagrees with
            the name, the file is read as what it holds, with a
            :class:`~w2v.errors.FormatWarning`; a name that says neither reads what it holds.
        binary : bool, optional
            True or False reads the file as that format, whatever its name (a file of the
            other format then raises :class:`~w2v.errors.FormatError`).
        limit : int, optional
            Read only the first ``limit`` vectors.
        unicode_errors : {"replace", "strict"}
            What to do with words that are not valid UTF-8.
        no_header : bool or None, default False
            True reads GloVe's text format, which has no ``"<words> <dim>"`` first line (as
            gensim's ``no_header=True``); None detects it (a first line that is a word followed
            by numbers).

        Malformed files raise :class:`w2v.errors.FormatError` naming the path and the line or
        byte where reading failed; see :func:`w2v.formats.load_word2vec_format` for what is
        checked and what is accepted (NaN and inf values are; a word listed twice is not).

        Examples
        --------
        >>> news = KeyedVectors.load_word2vec_format("GoogleNews.bin.gz")  # doctest: +SKIP
        >>> glove = KeyedVectors.load_word2vec_format("glove.txt", no_header=True)  # doctest: +SKIP
        """
        words, vectors = formats.load_word2vec_format(
            path, binary=binary, limit=limit, unicode_errors=unicode_errors, no_header=no_header
        )
        return cls(words, vectors)
