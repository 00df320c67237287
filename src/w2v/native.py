"""The native vectors folder: ``vectors.npy``, ``words.txt`` and ``meta.json``, swapped in whole.

Faster to load than word2vec.c's files, and the vectors can be memory-mapped. A save is
built in a temporary sibling folder and renamed into place; a load checks every part before
it is used.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .archives import read_npy
from .errors import FormatError
from .formats import check_unique_words

_NATIVE_META = "meta.json"


def save_native(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray) -> None:
    """Write ``path/`` with ``vectors.npy``, ``words.txt`` (one per line) and ``meta.json``.

    Built in a temporary sibling folder and swapped in, so a failure leaves any previous
    folder at ``path`` intact. The folder gets its files' permissions (those the umask
    gives), with search (x) wherever they are readable.
    """
    target = Path(path)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(words)} words")
    if any("\n" in w for w in words):
        raise FormatError("Cannot save a word containing a newline in the native format.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent or "."))
    try:
        np.save(tmp / "vectors.npy", vectors)
        (tmp / "words.txt").write_bytes("\n".join(words).encode("utf-8"))
        meta = {
            "format": "w2v-keyedvectors",
            "version": 1,
            "count": len(words),
            "dim": int(vectors.shape[1]),
        }
        (tmp / _NATIVE_META).write_text(json.dumps(meta))
        # The folder's readers are its files' (the umask's), not mkdtemp's owner-only 0700.
        mode = (tmp / _NATIVE_META).stat().st_mode & 0o777
        os.chmod(tmp, mode | (mode & 0o444) >> 2)  # r -> r-x: a folder is entered to be read
        if target.exists():
            if not (target / _NATIVE_META).exists():
                raise FormatError(
                    f"{target}: exists and is not a w2v vectors folder; not overwriting it."
                )
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent or "."))
            os.replace(target, old / "x")
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old / "x", target)  # put the previous folder back
                old.rmdir()
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_native(path: str | os.PathLike, mmap: str | None = None) -> tuple[list[str], np.ndarray]:
    """Read a folder written by :func:`save_native`; ``mmap="r"`` memory-maps the vectors.

    Every part is checked before it is used: ``meta.json`` must be w2v's, ``vectors.npy`` a
    float32 (V, dim) array whose header matches the file's size (so a corrupted header never
    allocates what it claims), ``words.txt`` V distinct words. Anything else raises
    FormatError naming the file and what was expected.
    """
    folder = Path(path)
    if not folder.exists():
        raise FileNotFoundError(f"Vectors folder not found: {str(folder)!r}.")
    if not folder.is_dir():
        raise FormatError(
            f"{folder}: is not a folder of w2v vectors (a word2vec file? use load_word2vec_format)."
        )
    meta_path = folder / _NATIVE_META
    try:
        meta = json.loads(meta_path.read_bytes().decode("utf-8"))
        raw_words = (folder / "words.txt").read_bytes()
    except (OSError, ValueError) as exc:
        raise FormatError(f"{folder}: not a w2v vectors folder ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != "w2v-keyedvectors":
        raise FormatError(f"{meta_path}: expected w2v's meta.json, found {str(meta)[:60]!r}.")
    count = meta.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise FormatError(f"{meta_path}: expected a word count, found {count!r}.")
    vectors = read_npy(folder / "vectors.npy", "<f4", 2, mmap=mmap)
    text = raw_words.decode("utf-8", errors="replace")
    words = text.split("\n") if text or count else []
    if vectors.shape[0] != len(words) or len(words) != count:
        raise FormatError(
            f"{folder}: words.txt has {len(words)} words but vectors.npy has shape "
            f"{vectors.shape} and meta.json says {count}."
        )
    check_unique_words(words, range(1, len(words) + 1), str(folder / "words.txt"), "line")
    return words, vectors
