"""Checked archives: word lists packed into two arrays and read back, damage refused."""

from __future__ import annotations

import numpy as np
import pytest

from w2v.archives import pack_words, unpack_words
from w2v.errors import FormatError

ODD_WORDS = ["a\nb", "", "\udcff", "x\x00y", "é\r", "\u2028", "plain"]


def test_pack_words_round_trips_any_word() -> None:
    """Newlines, NULs, empty words and lone surrogates survive pack_words/unpack_words."""
    arrays = pack_words(ODD_WORDS)
    assert arrays["word_offsets"].dtype == np.int64 and arrays["word_bytes"].dtype == np.uint8
    assert unpack_words(arrays, "x.npz") == ODD_WORDS
    assert unpack_words(pack_words([]), "x.npz") == []


@pytest.mark.parametrize(
    "offsets",
    [[1, 3, 5], [0, 4, 2], [0, 2, 9], []],
    ids=["not from 0", "backwards", "past the end", "empty"],
)
def test_unpack_words_refuses_damaged_offsets(offsets: list[int]) -> None:
    arrays = {"word_bytes": np.frombuffer(b"abcde", np.uint8), "word_offsets": np.array(offsets)}
    with pytest.raises(FormatError, match=r"^x\.npz: the word offsets are damaged"):
        unpack_words(arrays, "x.npz")


def test_unpack_words_refuses_bad_utf8() -> None:
    arrays = {"word_bytes": np.frombuffer(b"\xff", np.uint8), "word_offsets": np.array([0, 1])}
    with pytest.raises(FormatError, match="not valid UTF-8"):
        unpack_words(arrays, "x.npz")
