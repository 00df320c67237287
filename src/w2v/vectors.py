"""KeyedVectors: word vectors by word, with cosine queries and word2vec file formats.

Queries work on unit-normalised vectors computed once and cached; batched queries are one
matrix product. Unknown words raise a KeyError naming the word and the closest spellings.
"""

from __future__ import annotations

import difflib
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeAlias, overload

import numpy as np

from . import formats, native, projector
from .evaluate import AnalogyResult, WordPairResult, evaluate_analogies, evaluate_word_pairs

#: What ``most_similar`` takes as ``positive`` or ``negative``: a word, a vector, or a list of
#: words and vectors (or None).
Query: TypeAlias = str | np.ndarray | Iterable[str | np.ndarray] | None


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
        """The row of ``word``; KeyError with the closest known spellings if it is unknown.

        The spellings are found ignoring case (``'Kingg'`` -> ``'king'``, ``'KING'`` ->
        ``'king'``) among the 100,000 most frequent words.
        """
        try:
            return self.index[word]
        except KeyError:
            close = self._close_spellings(word)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"Word {word!r} is not in the vocabulary.{hint}") from None

    def _close_spellings(self, word: str, n: int = 3) -> list[str]:
        """Known words spelled like ``word`` ignoring case, most alike first."""
        folded: dict[str, str] = {}  # lower case -> its most frequent spelling
        for w in self.words[:100_000]:
            folded.setdefault(w.lower(), w)
        return [folded[c] for c in difflib.get_close_matches(word.lower(), list(folded), n=n)]

    def _rows(self, words: str | Iterable[str]) -> list[int]:
        """Rows of one word or of several (KeyError for an unknown one)."""
        return [self.get_index(w) for w in ([words] if isinstance(words, str) else words)]

    @property
    def normed(self) -> np.ndarray:
        """Unit-length copies of the vectors (zero rows stay zero), computed once; read-only."""
        if self._normed is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
            self._normed = self.vectors / np.maximum(norms, np.finfo(np.float32).tiny)
            self._normed.flags.writeable = False  # a cache: writing to it would go unnoticed
        return self._normed

    # -- gensim's names -------------------------------------------------------------------
    @property
    def key_to_index(self) -> dict[str, int]:
        """gensim's name for :attr:`index`: word -> row (the same dict, not a copy)."""
        return self.index

    @property
    def index_to_key(self) -> list[str]:
        """gensim's name for :attr:`words`: the words in row order (the same list)."""
        return self.words

    @property
    def vector_size(self) -> int:
        """gensim's name for :attr:`dim`."""
        return self.dim

    def has_index_for(self, word: object) -> bool:
        """Whether ``word`` has a row (gensim's name; the same as ``word in kv``)."""
        return word in self.index

    def get_vector(self, word: str, norm: bool = False) -> np.ndarray:
        """The vector of ``word`` (unit length with ``norm=True``), as a read-only view.

        KeyError naming the closest spellings for an unknown word. As in gensim, the view is
        read-only so that the cached unit vectors cannot silently go stale.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.array([[3, 4], [1, 0]], dtype=np.float32))
        >>> kv.get_vector("a", norm=True).tolist()
        [0.6000000238418579, 0.800000011920929]
        """
        row = (self.normed if norm else self.vectors)[self.get_index(word)].view()
        row.flags.writeable = False
        return row

    def get_normed_vectors(self) -> np.ndarray:
        """All vectors scaled to unit length, (V, dim) float32, read-only (gensim's name).

        Computed once and cached. A zero vector stays zero (gensim gives NaN for it).
        """
        return self.normed

    # -- queries --------------------------------------------------------------------------
    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words."""
        n = self.normed
        return float(n[self.get_index(a)] @ n[self.get_index(b)])

    def distance(self, a: str, b: str) -> float:
        """Cosine distance of two words: ``1 - similarity(a, b)`` (gensim's name)."""
        return 1.0 - self.similarity(a, b)

    def distances(
        self, word_or_vector: str | np.ndarray, other_words: Iterable[str] = ()
    ) -> np.ndarray:
        """Cosine distances (1 - cosine) from a word or vector to ``other_words``.

        With no ``other_words``, to every word in row order (the word itself included), as
        gensim's ``distances``. Returns a float32 array; KeyError for an unknown word.
        """
        v = self.get_vector(word_or_vector) if isinstance(word_or_vector, str) else word_or_vector
        u = self._unit(self._as_query_vector(v, "distances"))
        others = list(other_words)
        n = self.normed[self._rows(others)] if others else self.normed
        return (np.float32(1.0) - n @ u).astype(np.float32)

    def n_similarity(self, words_a: Iterable[str], words_b: Iterable[str]) -> float:
        """Cosine similarity of the means of two sets of words' vectors (gensim's name).

        The means are of the raw vectors, as in gensim. Unlike gensim, an unknown word is a
        KeyError (gensim silently leaves it out) and an empty set a ValueError.
        """
        rows_a, rows_b = self._rows(words_a), self._rows(words_b)
        if not rows_a or not rows_b:
            raise ValueError("n_similarity needs at least one word in each set")
        mean_a = self._unit(self.vectors[rows_a].mean(axis=0))
        mean_b = self._unit(self.vectors[rows_b].mean(axis=0))
        return float(mean_a @ mean_b)

    @overload
    def most_similar(
        self,
        positive: Query = (),
        negative: Query = (),
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]]: ...

    @overload
    def most_similar(
        self,
        positive: Query = (),
        negative: Query = (),
        *,
        topn: None,
        restrict_vocab: int | None = None,
    ) -> np.ndarray: ...

    def most_similar(
        self,
        positive: Query = (),
        negative: Query = (),
        topn: int | None = 10,
        restrict_vocab: int | None = None,
    ) -> list[tuple[str, float]] | np.ndarray:
        """The ``topn`` words closest by cosine to Σ unit(positive) − Σ unit(negative) (3CosAdd).

        Parameters
        ----------
        positive, negative : str, vector, or a list of words and vectors
            Words count by their unit vectors; a vector (a 1-D array of length ``dim``) counts
            as it is, as in gensim. ``None`` is the same as an empty list.
        topn : int or None
            How many words to return. ``None`` returns the cosine of the query with every
            word (restricted to ``restrict_vocab``) as a float32 array in row order, input
            words included, as gensim does.
        restrict_vocab : int, optional
            Search only the first (most frequent) words.

        Returns
        -------
        list of (word, cosine), best first, without the input words; or an array (topn=None).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
        >>> kv.most_similar(positive=["a", np.array([0, 1, 0], np.float32)], topn=1)
        [('b', 0.7071067690849304)]
        """
        query, exclude = self._query(positive, negative, "most_similar")
        if topn is None:
            n = self.normed if restrict_vocab is None else self.normed[:restrict_vocab]
            return n @ self._unit(query)
        return self._top(query, topn, exclude, restrict_vocab)

    def similar_by_word(
        self, word: str, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        """``most_similar(positive=[word], ...)`` (gensim's name); the word itself is left out."""
        return self.most_similar([word], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_key = similar_by_word

    def similar_by_vector(
        self, vector: np.ndarray, topn: int | None = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]] | np.ndarray:
        """The ``topn`` words closest by cosine to ``vector`` (``topn=None``: all cosines)."""
        return self.most_similar([vector], topn=topn, restrict_vocab=restrict_vocab)

    def _query(self, positive: Query, negative: Query, what: str) -> tuple[np.ndarray, set[int]]:
        """Σ unit(positive words) + Σ positive vectors − the same of ``negative``, and the rows
        of the input words (to leave out of the results)."""
        query = np.zeros(self.dim, dtype=np.float32)
        exclude: set[int] = set()
        n_items = 0
        for items, sign in ((positive, 1.0), (negative, -1.0)):
            if items is None:
                continue
            if isinstance(items, str) or (isinstance(items, np.ndarray) and items.ndim == 1):
                items = [items]
            for item in items:
                if isinstance(item, str):
                    row = self.get_index(item)
                    exclude.add(row)
                    query += np.float32(sign) * self.normed[row]
                else:
                    query += np.float32(sign) * self._as_query_vector(item, what)
                n_items += 1
        if n_items == 0:
            raise ValueError(f"{what} needs at least one positive or negative word")
        return query, exclude

    def _as_query_vector(self, item: object, what: str) -> np.ndarray:
        """``item`` as a float32 vector of length dim; TypeError/ValueError naming it if not."""
        if not isinstance(item, np.ndarray | list | tuple):
            raise TypeError(f"{what} takes words (str) or vectors (arrays); got {item!r}")
        try:
            v = np.asarray(item, dtype=np.float32)
        except (TypeError, ValueError):
            raise TypeError(
                f"{what} takes words (str) or vectors (arrays); got {item!r} (gensim's "
                "weighted (word, weight) pairs are not supported)"
            ) from None
        if v.shape != (self.dim,):
            raise ValueError(f"{what}: a query vector must have shape ({self.dim},); got {v.shape}")
        return v

    @staticmethod
    def _unit(v: np.ndarray) -> np.ndarray:
        return v / max(float(np.linalg.norm(v)), float(np.finfo(np.float32).tiny))

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
        """The word least similar to the mean of the given words' unit vectors.

        Unknown words are left out with a warning naming them, as gensim does; ValueError if
        none is known.
        """
        ws = list(words)
        known = [w for w in ws if w in self.index]
        if len(known) < len(ws):
            missing = dict.fromkeys(w for w in ws if w not in self.index)
            unknown = ", ".join(repr(w) for w in missing)
            warnings.warn(
                f"doesnt_match: leaving out words not in the vocabulary: {unknown}",
                UserWarning,
                stacklevel=2,
            )
        if not known:
            raise ValueError("doesnt_match needs at least one word of the vocabulary")
        vecs = self.normed[[self.index[w] for w in known]]
        mean = vecs.mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), np.finfo(np.float32).tiny)
        return known[int(np.argmin(vecs @ mean))]

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
        progress: bool = False,
    ) -> AnalogyResult:
        """Accuracy on a Google ``questions-words.txt``-style file (3CosAdd), per section.

        Reports the same counts as gensim's ``evaluate_word_analogies`` with the same
        ``restrict_vocab``; ``progress`` shows the questions answered on stderr. See
        :func:`w2v.evaluate.evaluate_analogies`.
        """
        return evaluate_analogies(self, path, restrict_vocab, case_insensitive, progress)

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
