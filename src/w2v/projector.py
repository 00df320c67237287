"""Export for TensorBoard's Embedding Projector: ``vectors.tsv`` and ``metadata.tsv`` in a folder.

``vectors.tsv`` holds one vector per line, its values separated by tabs (9 significant
digits, which round-trips float32); ``metadata.tsv`` holds the words, one per line in the
same order (a single column, so no header line). Upload both at
https://projector.tensorflow.org ("Load"), or run ``tensorboard --logdir FOLDER``: the
``projector_config.pbtxt`` written beside them points TensorBoard at them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ._files import atomic_write, check_output_path
from .errors import FormatError, OutputPathError

#: The files written into the folder.
VECTORS_TSV, METADATA_TSV, CONFIG = "vectors.tsv", "metadata.tsv", "projector_config.pbtxt"
_CONFIG_TEXT = f"""embeddings {{
  tensor_name: "w2v"
  tensor_path: "{VECTORS_TSV}"
  metadata_path: "{METADATA_TSV}"
}}
"""
_ROWS = 4096  # rows per write


def save_projector(
    folder: str | os.PathLike,
    words: Sequence[str],
    vectors: np.ndarray,
    *,
    limit: int | None = None,
) -> Path:
    """Write ``folder/vectors.tsv``, ``folder/metadata.tsv`` and ``projector_config.pbtxt``.

    Parameters
    ----------
    folder : str or path-like
        Created if missing (its parent must exist); files of the same names in it are
        replaced, other files are left alone.
    words : sequence of str
        One label per row; a word holding a tab or a line break is refused
        (:class:`~w2v.errors.FormatError`), since it would break the TSV.
    vectors : (V, dim) array
    limit : int, optional
        Export only the first ``limit`` rows (the most frequent words, for w2v's files).

    Returns
    -------
    Path
        The folder.

    Each file is written atomically, and the three are renamed into place only after all
    were written, so a failure (a full disk) leaves any previous export intact.
    """
    out = check_output_path(folder, "Projector folder", folder=True)
    if out.exists() and not out.is_dir():
        raise OutputPathError(f"Projector folder {str(out)!r} is a file; give a folder name.")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive number of rows, not {limit}")
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors of shape {vectors.shape} do not match {len(words)} words")
    words, vectors = list(words[:limit]), vectors[:limit]
    for w in words:
        if any(c in w for c in "\t\n\r"):
            raise FormatError(
                f"Cannot export the word {w!r}: a word in metadata.tsv must not contain a tab "
                "or a line break."
            )
    out.mkdir(exist_ok=True)
    line = "\t".join(["%.9g"] * vectors.shape[1]) + "\n"
    with contextlib.ExitStack() as files:  # every file written before any is renamed
        fv, fm, fc = (
            files.enter_context(atomic_write(out / n)) for n in (VECTORS_TSV, METADATA_TSV, CONFIG)
        )
        for start in range(0, len(words), _ROWS):
            block = vectors[start : start + _ROWS].tolist()
            fv.write("".join(line % tuple(row) for row in block).encode())
        fm.write("".join(f"{w}\n" for w in words).encode("utf-8"))
        fc.write(_CONFIG_TEXT.encode())
    return out
