"""Where benchmarks find their data, and the corpus slices and word counts they train on.

A data folder holds ``corpus.txt`` and ``eval/`` (``questions-words.txt``,
``wordsim353.tsv``), as ``../shared/data`` does beside the repository and as
``benchmarks/device_check.sh`` unpacks it on the GPU machine, where ``../shared`` does not
travel.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The shared data folder beside the repository (``../shared/data``).
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

_SEPARATORS = (b" ", b"\n", b"\t", b"\r")


def corpus_path(data: str | os.PathLike) -> str:
    """The corpus file of the data folder ``data``."""
    return str(Path(data) / "corpus.txt")


def eval_dir(data: str | os.PathLike) -> str:
    """The folder of evaluation files in the data folder ``data``."""
    return str(Path(data) / "eval")


def count_words(path: str | os.PathLike) -> int:
    """Raw words (whitespace-separated tokens) in the file at ``path``, read in 1 MB blocks."""
    n, tail = 0, b""
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            block = tail + block
            cut = max(block.rfind(c) for c in _SEPARATORS)
            if cut < 0:
                tail = block
                continue
            n += len(block[:cut].split())
            tail = block[cut:]
    return n + len(tail.split())


def head_bytes(src: str | os.PathLike, dst: str | os.PathLike, n_bytes: int) -> str:
    """Write the first ``n_bytes`` of ``src`` to ``dst``, cut after its last whole word.

    Returns ``dst`` as a string. The corpus has lines of 200,000 words, so the cut is at a
    word, not a line: the slice's last line is simply shorter.
    """
    with open(src, "rb") as fh:
        block = fh.read(n_bytes)
    if len(block) == n_bytes:  # the file goes on: drop a word the cut may have split
        cut = max(block.rfind(c) for c in _SEPARATORS)
        block = block[: cut + 1] if cut >= 0 else b""
    with open(dst, "wb") as fh:
        fh.write(block.rstrip() + b"\n")
    return str(dst)
