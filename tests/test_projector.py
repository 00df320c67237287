"""TensorBoard's Embedding Projector export: vectors.tsv, metadata.tsv and the config (issue
19, item 7)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import w2v
from w2v import projector
from w2v.errors import FormatError, OutputPathError

WORDS = ["the", "king", "café", "東京", "x"]


def kv(seed: int = 0) -> w2v.KeyedVectors:
    v = np.random.default_rng(seed).standard_normal((len(WORDS), 4)).astype(np.float32)
    return w2v.KeyedVectors(WORDS, v * 10.0 ** np.arange(-20, 20, 10, dtype=np.float32))


def read_tsv(folder: Path) -> tuple[list[str], np.ndarray]:
    words = (folder / "metadata.tsv").read_text(encoding="utf-8").split("\n")
    assert words[-1] == ""  # one label per line, each ended
    rows = (folder / "vectors.tsv").read_text().rstrip("\n").split("\n")
    return words[:-1], np.array([[float(x) for x in r.split("\t")] for r in rows], np.float32)


def test_export_holds_every_word_and_exact_vectors(tmp_path: Path) -> None:
    """metadata.tsv has the words in row order; vectors.tsv the vectors, float32-exact."""
    k = kv()
    out = k.save_projector(tmp_path / "proj")
    assert out == tmp_path / "proj"
    words, vectors = read_tsv(out)
    assert words == WORDS
    np.testing.assert_array_equal(vectors.view(np.uint32), k.vectors.view(np.uint32))
    config = (out / "projector_config.pbtxt").read_text()
    assert 'tensor_path: "vectors.tsv"' in config and 'metadata_path: "metadata.tsv"' in config


def test_limit_exports_the_first_words(tmp_path: Path) -> None:
    k = kv()
    words, vectors = read_tsv(k.save_projector(tmp_path / "p", limit=2))
    assert words == WORDS[:2] and vectors.shape == (2, 4)
    with pytest.raises(ValueError, match="limit must be a positive"):
        k.save_projector(tmp_path / "q", limit=0)


def test_existing_folder_keeps_other_files_and_gets_new_tsvs(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "events.out").write_text("keep me")
    kv(1).save_projector(folder)
    kv(2).save_projector(folder, limit=3)
    assert (folder / "events.out").read_text() == "keep me"
    assert read_tsv(folder)[0] == WORDS[:3]
    assert sorted(os.listdir(folder)) == [
        "events.out",
        "metadata.tsv",
        "projector_config.pbtxt",
        "vectors.tsv",
    ]


def test_a_word_that_would_break_the_tsv_is_refused(tmp_path: Path) -> None:
    bad = w2v.KeyedVectors(["ok", "a\tb"], np.zeros((2, 2), np.float32))
    with pytest.raises(FormatError, match=r"Cannot export the word 'a\\tb'"):
        bad.save_projector(tmp_path / "p")
    assert not (tmp_path / "p" / "vectors.tsv").exists()


def test_a_file_or_missing_parent_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputPathError, match="is a file"):
        kv().save_projector(tmp_path / "f")
    with pytest.raises(OutputPathError, match="does not exist"):
        kv().save_projector(tmp_path / "no" / "p")


def test_a_failed_export_leaves_the_previous_one(tmp_path: Path, monkeypatch) -> None:
    """The three files are renamed into place only after all were written."""
    folder = tmp_path / "p"
    kv(1).save_projector(folder)
    before = {n: (folder / n).read_bytes() for n in os.listdir(folder)}
    real = projector.atomic_write

    def failing(path):
        if Path(path).name == projector.CONFIG:
            raise OSError(28, "No space left on device", str(path))
        return real(path)

    monkeypatch.setattr(projector, "atomic_write", failing)
    with pytest.raises(OSError, match="No space left"):
        kv(2).save_projector(folder)
    assert {n: (folder / n).read_bytes() for n in os.listdir(folder)} == before
