"""Streaming corpus readers: files, folders and iterables of token lists, read in bounded memory.

A *sentence* is one line of a file (or one token list of an iterable); windows never cross
sentences. Files are read in blocks of bytes and cut into *pieces* of at most about one block,
so a single line of any length (text8 is one 100 MB line) never has to fit in memory and no
word is ever truncated. Tokens are the whitespace-separated strings of a line, decoded as
UTF-8; undecodable bytes are replaced by U+FFFD and counted in :class:`ReadStats`.

Inputs from the wild: a token longer than :data:`MAX_TOKEN_CHARS` characters (a file with no
whitespace, say) is cut to that length and counted, so memory stays bounded; only regular
files are read (a FIFO, a device or a socket is refused before it is opened, since opening
a FIFO blocks); a folder's binary files (a NUL byte in their first block: images, ``.pyc``,
UTF-16 text) are skipped and listed in ``ReadStats.skipped_files``, while a binary file named
directly is an error; subfolders, hidden files and broken links in a folder are ignored.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import CorpusError, CorpusNotFoundError

#: Bytes read from a file at a time; also the longest piece a long line is cut into.
BLOCK_BYTES = 1 << 20
#: Longer tokens are cut to this many characters (word2vec.c cuts at 100 bytes; real words
#: are far shorter, and the cut bounds the memory a whitespace-free file can take).
MAX_TOKEN_CHARS = 1000

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_REPLACEMENT_UTF8 = "\ufffd".encode()
_WHITESPACE = b" \t\r\n\x0b\x0c"
_WHITESPACE_RE = re.compile(rb"[ \t\r\n\x0b\x0c]")

CorpusLike = str | os.PathLike | Iterable[list[str]]


@dataclass
class ReadStats:
    """What a pass over a corpus met: files, sentences, tokens and replaced bytes.

    ``truncated_tokens`` counts tokens cut to :data:`MAX_TOKEN_CHARS`; ``skipped_files`` lists
    binary files of a folder that were left out; ``peak_distinct_words`` is the most distinct
    words held at once while counting and ``vocab_reductions`` how often ``max_vocab_size``
    made the counter forget rare words. ``bytes_read`` counts the bytes of the files read so
    far as they are on disk (compressed files by their compressed size), for progress.
    """

    files: list[str] = field(default_factory=list)
    sentences: int = 0
    tokens: int = 0
    replaced_bytes: int = 0
    truncated_tokens: int = 0
    skipped_files: list[str] = field(default_factory=list)
    peak_distinct_words: int = 0
    vocab_reductions: int = 0
    bytes_read: int = 0


def corpus_files(path: str | os.PathLike) -> list[Path]:
    """The files a corpus path stands for: the file itself, or a folder's files sorted by name.

    Hidden files (starting with "."), subfolders and anything that is not a regular file
    (broken or looping links, FIFOs) in a folder are skipped. Raises CorpusNotFoundError for
    a missing path and CorpusError for an empty folder or a path that is not a regular file.
    """
    p = Path(path)
    mode = _stat_mode(p)
    if stat.S_ISDIR(mode):
        files = sorted(f for f in p.iterdir() if not f.name.startswith(".") and _is_regular_file(f))
        if not files:
            raise CorpusError(f"Corpus folder {str(p)!r} contains no files.")
        return files
    if not stat.S_ISREG(mode):
        kind = "named pipe (FIFO)" if stat.S_ISFIFO(mode) else "device or socket"
        raise CorpusError(
            f"Corpus {str(p)!r} is a {kind}, not a regular file; w2v reads a corpus file "
            "again to resume or continue training: save it to a file first."
        )
    return [p]


def _stat_mode(p: Path) -> int:
    try:
        return os.stat(p).st_mode
    except FileNotFoundError:
        raise CorpusNotFoundError(f"Corpus not found: {str(p)!r} does not exist.") from None
    except OSError as exc:  # a symlink loop, a permission-denied parent folder, ...
        raise CorpusError(f"Cannot read corpus {str(p)!r}: {exc.strerror or exc}.") from None


def _is_regular_file(p: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(p).st_mode)
    except OSError:
        return False


_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"))


def _compressed_as(block: bytes) -> str | None:
    """The compression whose magic number starts ``block`` (gzip, bzip2, xz), or None."""
    return next((name for magic, name in _MAGIC if block.startswith(magic)), None)


def _open_raw(path: Path) -> BinaryIO:
    """The file on disk, opened for reading bytes; CorpusError naming it if it cannot be."""
    try:
        return open(path, "rb")
    except OSError as exc:
        raise CorpusError(f"Cannot open corpus file {str(path)!r}: {exc.strerror or exc}.") from exc


def _open_binary(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """The file to read (decompressing) and the file on disk (whose position tells progress)."""
    opener = _OPENERS.get(path.suffix.lower())
    raw = _open_raw(path)  # closed by iter_file_pieces
    if opener is None:
        return raw, raw
    try:
        return opener(raw, "rb"), raw  # type: ignore[return-value]
    except OSError as exc:
        raw.close()
        raise CorpusError(f"Cannot open corpus file {str(path)!r}: {exc.strerror or exc}.") from exc


def corpus_bytes(corpus: object) -> int | None:
    """The bytes on disk of a corpus path (all its files), or None for other corpora."""
    if isinstance(corpus, LineCorpus):
        corpus = corpus.path
    if not isinstance(corpus, str | os.PathLike):
        return None
    try:
        return sum(os.stat(f).st_size for f in corpus_files(corpus))
    except (OSError, CorpusError):
        return None


def _decode(raw: bytes, stats: ReadStats) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        stats.replaced_bytes += text.count("\ufffd") - raw.count(_REPLACEMENT_UTF8)
        return text


def _last_whitespace(buf: bytes) -> int:
    return max(buf.rfind(c) for c in (b" ", b"\t", b"\r", b"\x0b", b"\x0c"))


def _cut_long_tokens(tokens: list[str], stats: ReadStats) -> list[str]:
    """Tokens cut to MAX_TOKEN_CHARS characters, the cuts counted."""
    try:
        longest = max(map(len, tokens), default=0)
    except TypeError:
        longest = -1
    if longest < 0 or not all(isinstance(t, str) for t in tokens):
        bad = next(t for t in tokens if not isinstance(t, str))
        raise CorpusError(
            f"Each token must be a str, but a sentence holds {bad!r} "
            f"({type(bad).__name__}); convert the tokens first."
        )
    if longest <= MAX_TOKEN_CHARS:
        return tokens
    stats.truncated_tokens += sum(len(t) > MAX_TOKEN_CHARS for t in tokens)
    return [t[:MAX_TOKEN_CHARS] for t in tokens]


def _tokens(raw: bytes, stats: ReadStats) -> list[str]:
    tokens = _decode(raw, stats).split()
    return _cut_long_tokens(tokens, stats) if len(raw) > MAX_TOKEN_CHARS else tokens


def _binary_first_block(path: Path, block: bytes, plain: bool, skip_binary: bool) -> bool:
    """Whether a file whose first block is ``block`` is binary and skipped (``skip_binary``).

    A NUL byte, or a compression magic number in a file not named as compressed (``plain``),
    marks a binary file: skipped in a folder, else a CorpusError saying what it is.
    """
    nul = block.find(b"\x00")
    packed = _compressed_as(block) if plain else None  # named as plain text
    if packed and not skip_binary:
        suffix = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz"}[packed]
        raise CorpusError(
            f"Corpus file {str(path)!r} is {packed}-compressed, but its name does not "
            f"end in {suffix}: rename it to {path.name}{suffix} (w2v decompresses "
            ".gz, .bz2 and .xz files by their suffix), or decompress it."
        )
    if nul >= 0 or packed:
        if skip_binary:
            return True
        raise CorpusError(
            f"Corpus file {str(path)!r} looks binary (a NUL byte at offset {nul}): "
            "w2v reads UTF-8 text (UTF-16 text must be converted first)."
        )
    return False


def iter_file_pieces(
    path: Path, stats: ReadStats, skip_binary: bool = False
) -> Iterator[tuple[list[str], bool]]:
    """Yield ``(tokens, ends_sentence)`` pieces of one file, a line or part of a long line.

    A file whose first block holds a NUL byte is binary: skipped (and listed in
    ``stats.skipped_files``) when ``skip_binary``, else a CorpusError.
    """
    fh, raw = _open_binary(path)
    done_before = stats.bytes_read  # the files read before this one
    with raw, fh:
        tail = b""
        skipping = False  # inside a token longer than a block, already yielded cut short
        first = True
        while True:
            try:
                block = fh.read(BLOCK_BYTES)
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise CorpusError(f"Cannot read corpus file {str(path)!r}: {exc}.") from exc
            stats.bytes_read = done_before + raw.tell()
            if first:
                first = False
                if _binary_first_block(path, block, fh is raw, skip_binary):
                    stats.skipped_files.append(str(path))
                    return
                stats.files.append(str(path))
            if not block:
                break
            if skipping:
                m = _WHITESPACE_RE.search(block)
                if m is None:
                    continue
                block, skipping = block[m.start() :], False
            lines = (tail + block).split(b"\n")
            tail = lines.pop()
            for line in lines:
                yield _tokens(line, stats), True
            if len(tail) > BLOCK_BYTES:
                cut = _last_whitespace(tail)
                if cut >= 0:
                    yield _tokens(tail[:cut], stats), False
                    tail = tail[cut + 1 :]
                else:  # one token longer than a block: keep its start, skip the rest
                    stats.truncated_tokens += 1
                    yield [_decode(tail[: 4 * MAX_TOKEN_CHARS], stats)[:MAX_TOKEN_CHARS]], False
                    tail, skipping = b"", True
        if tail.strip(_WHITESPACE):
            yield _tokens(tail, stats), True


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
        folder = stat.S_ISDIR(_stat_mode(Path(corpus)))
        for path in corpus_files(corpus):
            yield from iter_file_pieces(path, stats, skip_binary=folder)
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
        yield _cut_long_tokens(list(sentence), stats), True


def sentences(pieces: Iterable[tuple[list[str], bool]]) -> Iterator[list[str]]:
    """Join ``(tokens, ends_sentence)`` pieces back into whole sentences (lists of tokens)."""
    sentence: list[str] = []
    for tokens, ends in pieces:
        sentence.extend(tokens)
        if ends:
            if sentence:
                yield sentence
            sentence = []
    if sentence:
        yield sentence


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
        return sentences(iter_pieces(self.path, self.stats))

    def __repr__(self) -> str:
        return f"LineCorpus({str(self.path)!r})"
