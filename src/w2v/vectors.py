"""KeyedVectors: word vectors by word, with cosine queries and word2vec file formats.

Queries work on unit-normalised vectors computed once and cached; batched queries are one
matrix product. Unknown words raise a KeyError naming the word and the closest spellings.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence

import numpy as np

from . import formats
from .errors import FormatError


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
        pos = [positive] if isinstance(positive, str) else list(positive)
        neg = [negative] if isinstance(negative, str) else list(negative)
        if not pos and not neg:
            raise ValueError("most_similar needs at least one positive or negative word")
        n = self.normed
        idx_pos = [self.get_index(w) for w in pos]
        idx_neg = [self.get_index(w) for w in neg]
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
        k = min(len(sims), topn + len(exclude))
        best = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        best = best[np.argsort(-sims[best], kind="stable")]
        return [(self.words[i], float(sims[i])) for i in best if i not in exclude][:topn]

    # -- files ----------------------------------------------------------------------------
    def save_word2vec_format(self, path: str | os.PathLike, binary: bool = True) -> None:
        """Save in word2vec.c's binary (default) or text format, atomically."""
        formats.save_word2vec_format(path, self.words, self.vectors, binary=binary)

    @classmethod
    def load_word2vec_format(
        cls, path: str | os.PathLike, binary: bool = True, limit: int | None = None
    ) -> KeyedVectors:
        """Load a word2vec.c binary (default) or text file, e.g. one written by gensim."""
        words, vectors = formats.load_word2vec_format(path, binary=binary, limit=limit)
        if len(set(words)) != len(words):
            seen: set[str] = set()
            dup = next(w for w in words if w in seen or seen.add(w))  # type: ignore[func-returns-value]
            raise FormatError(f"{path}: the word {dup!r} appears more than once.")
        return cls(words, vectors)
