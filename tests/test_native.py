"""The native vectors folder: every part checked before use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v.errors import FormatError
from w2v.native import save_native


def test_native_folder_with_wrong_dtype_or_duplicates(tmp_path: Path) -> None:
    """A native folder whose vectors.npy is float64, or whose words repeat, is refused."""
    folder = tmp_path / "kv"
    save_native(folder, ["a", "b"], np.ones((2, 3), np.float32))
    np.save(folder / "vectors.npy", np.ones((2, 3)))
    with pytest.raises(FormatError, match=r"vectors.npy: expected a 2-D float32 array, found"):
        w2v.KeyedVectors.load(folder)
    save_native(folder, ["a", "b"], np.ones((2, 3), np.float32))
    (folder / "words.txt").write_bytes(b"a\na")
    with pytest.raises(FormatError, match=r"words.txt: line 2: the word 'a' appears again"):
        w2v.KeyedVectors.load(folder)
