"""Streaming corpus readers: files, folders and iterables of token lists, read in bounded memory.

A *sentence* is one line of a file (or one token list of an iterable); windows never cross
sentences. Files are read in blocks of bytes and cut into *pieces* of at most about one block,
so a single line of any length (text8 is one 100 MB line) never has to fit in memory and no
word is ever truncated. Tokens are the whitespace-separated strings of a line, decoded as
UTF-8; undecodable bytes are replaced by U+FFFD and counted in :class:`ReadStats`.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import CorpusError, CorpusNotFoundError

#: Bytes read from a file at a time; also the longest piece a long line is cut into.
BLOCK_BYTES = 1 << 20

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_REPLACEMENT_UTF8 = "\ufffd".encode()
_WHITESPACE = b" \t\r\n\x0b\x0c"

CorpusLike = str | os.PathLike | Iterable[list[str]]


@dataclass
class ReadStats:
    """What a pass over a corpus met: files, sentences, tokens and replaced bytes."""

    files: list[str] = field(default_factory=list)
    sentences: int = 0
    tokens: int = 0
    replaced_bytes: int = 0


def corpus_files(path: str | os.PathLike) -> list[Path]:
    """The files a corpus path stands for: the file itself, or a folder's files sorted by name.

    Hidden files (starting with ".") in a folder are skipped. Raises CorpusNotFoundError for a
    missing path and CorpusError for an empty folder.
    """
    p = Path(path)
    if not p.exists():
        raise CorpusNotFoundError(f"Corpus not found: {str(p)!r} does not exist.")
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if not f.name.startswith(".") and f.is_file())
        if not files:
            raise CorpusError(f"Corpus folder {str(p)!r} contains no files.")
        return files
    return [p]


def _open_binary(path: Path) -> BinaryIO:
    opener = _OPENERS.get(path.suffix.lower())
    try:
        if opener is not None:
            return opener(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as exc:
        raise CorpusError(f"Cannot open corpus file {str(path)!r}: {exc.strerror or exc}.") from exc


def _decode(raw: bytes, stats: ReadStats) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        stats.replaced_bytes += text.count("\ufffd") - raw.count(_REPLACEMENT_UTF8)
        return text


def _last_whitespace(buf: bytes) -> int:
    return max(buf.rfind(c) for c in (b" ", b"\t", b"\r", b"\x0b", b"\x0c"))


def iter_file_pieces(path: Path, stats: ReadStats) -> Iterator[tuple[list[str], bool]]:
    """Yield ``(tokens, ends_sentence)`` pieces of one file, a line or part of a long line."""
    stats.files.append(str(path))
    with _open_binary(path) as fh:
        tail = b""
        while True:
            try:
                block = fh.read(BLOCK_BYTES)
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise CorpusError(f"Cannot read corpus file {str(path)!r}: {exc}.") from exc
            if not block:
                break
            lines = (tail + block).split(b"\n")
            tail = lines.pop()
            for line in lines:
                yield _decode(line, stats).split(), True
            if len(tail) > BLOCK_BYTES:
                cut = _last_whitespace(tail)
                if cut > 0:
                    yield _decode(tail[:cut], stats).split(), False
                    tail = tail[cut + 1 :]
        if tail.strip(_WHITESPACE):
            yield _decode(tail, stats).split(), True


def _check_reiterable(corpus: Iterable[list[str]], epochs: int) -> None:
    if iter(corpus) is corpus and epochs > 1:  # type: ignore[comparison-overlap]
        raise CorpusError(
            f"The corpus is a one-shot iterator ({type(corpus).__name__}), but training for "
            f"{epochs} epochs needs a corpus that can be read again (to rebuild or resume "
            "training). Pass a path, a list of token lists, or an object whose __iter__ starts "
            "over, e.g. w2v.LineCorpus(path)."
        )


def iter_pieces(
    corpus: CorpusLike, stats: ReadStats, epochs: int = 1
) -> Iterator[tuple[list[str], bool]]:
    """Yield ``(tokens, ends_sentence)`` pieces of any corpus w2v accepts.

    ``corpus`` is a path (a file, ``.gz``/``.bz2``/``.xz``, or a folder of them), a
    :class:`LineCorpus`, an object with an ``iter_pieces(stats, epochs)`` method (such as
    :class:`w2v.phrases.PhrasedCorpus`), or a re-iterable of token lists. A one-shot
    iterator is refused when ``epochs > 1``.
    """
    if isinstance(corpus, LineCorpus):
        corpus = corpus.path
    if callable(getattr(corpus, "iter_pieces", None)):  # e.g. phrases.PhrasedCorpus
        yield from corpus.iter_pieces(stats, epochs)  # type: ignore[union-attr]
        return
    if isinstance(corpus, str | os.PathLike):
        for path in corpus_files(corpus):
            yield from iter_file_pieces(path, stats)
        return
    if isinstance(corpus, bytes):
        raise CorpusError("The corpus must be a path or an iterable of token lists, not bytes.")
    try:
        iter(corpus)
    except TypeError:
        raise CorpusError(
            f"The corpus must be a path or an iterable of token lists; got {type(corpus).__name__}."
        ) from None
    _check_reiterable(corpus, epochs)
    for sentence in corpus:
        if isinstance(sentence, str):
            raise CorpusError(
                "Each sentence of the corpus must be a list of tokens, but got a str "
                f"({sentence[:40]!r}...). Split it first (line.split()) or pass a file path."
            )
        yield list(sentence), True


class LineCorpus:
    """A re-iterable corpus of one sentence per line, from a file or a folder of files.

    Compressed files (``.gz``, ``.bz2``, ``.xz``) are read transparently. Iterating yields one
    list of tokens per non-empty line. Use it to pass a path to APIs that want token lists.

    Examples
    --------
    >>> corpus = LineCorpus("corpus.txt")  # doctest: +SKIP
    >>> next(iter(corpus))[:3]  # doctest: +SKIP
    ['subclass', 'n', 'one']
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        corpus_files(self.path)  # fail early on a missing path
        self.stats = ReadStats()

    def __iter__(self) -> Iterator[list[str]]:
        self.stats = ReadStats()
        sentence: list[str] = []
        for tokens, ends in iter_pieces(self.path, self.stats):
            sentence.extend(tokens)
            if ends:
                if sentence:
                    yield sentence
                sentence = []
        if sentence:
            yield sentence

    def __repr__(self) -> str:
        return f"LineCorpus({str(self.path)!r})"
