"""Checked archives: word lists packed into two arrays and read back, damage refused."""

from __future__ import annotations

import numpy as np
import pytest

from w2v.archives import (
    META_ARRAY,
    WORD_ARRAYS,
    load_npz,
    pack_words,
    read_meta,
    save_npz,
    unpack_words,
)
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


def test_save_npz_round_trips_meta_words_and_arrays(tmp_path) -> None:
    """save_npz's members load back with load_npz: the metadata, the words and each array."""
    path = tmp_path / "a.npz"
    counts = np.array([3, 1], dtype=np.int64)
    save_npz(path, {"format": "w2v-test", "n": 2}, ["a\nb", "é"], counts=counts)
    z = load_npz(str(path), {**META_ARRAY, **WORD_ARRAYS, "counts": ("<i8", 1)})
    assert read_meta(z, "a.npz", "w2v-test", "test file") == {"format": "w2v-test", "n": 2}
    assert unpack_words(z, "a.npz") == ["a\nb", "é"]
    assert z["counts"].tolist() == [3, 1]


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (b"{not json", r"^a\.npz: not a test file \(Expecting property name"),
        (b"[1, 2]", r"^a\.npz: not a test file \(no w2v-test metadata\)\.$"),
        (b'{"format": "w2v-model"}', r"^a\.npz: not a test file \(no w2v-test metadata\)\.$"),
        (b"\xff", r"^a\.npz: not a test file \('utf-8' codec can't decode"),
    ],
    ids=["not json", "not a dict", "another format", "not utf-8"],
)
def test_read_meta_refuses_foreign_metadata(meta: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_meta({"meta": np.frombuffer(meta, np.uint8)}, "a.npz", "w2v-test", "test file")
