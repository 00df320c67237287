"""File safety: atomic writes keep the old file on failure; output paths are checked early."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from w2v._files import atomic_write, check_output_path
from w2v.errors import OutputPathError


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_atomic_write_failure_keeps_old_file(tmp_path: Path, exc: type[BaseException]) -> None:
    """If the body raises half-way, the old file is byte-identical and no temp file remains."""
    path = tmp_path / "vectors.bin"
    old = b"2 3\nold bytes \x00\xff\n"
    path.write_bytes(old)
    with pytest.raises(exc), atomic_write(path) as fh:
        fh.write(b"half of the new content")
        raise exc("boom")
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["vectors.bin"]


def test_atomic_write_failure_without_old_file(tmp_path: Path) -> None:
    """If the body raises and no file existed, no file and no temp file are left behind."""
    path = tmp_path / "new.txt"
    with pytest.raises(OSError), atomic_write(path) as fh:
        fh.write(b"partial")
        raise OSError("disk full")
    assert os.listdir(tmp_path) == []


def test_atomic_write_success_replaces(tmp_path: Path) -> None:
    """On success the new content replaces the old file and no temp file remains."""
    path = tmp_path / "f"
    path.write_bytes(b"old")
    with atomic_write(path) as fh:
        fh.write(b"new")
    assert path.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["f"]


def test_atomic_write_errors_name_the_target_not_the_temp_file(tmp_path: Path) -> None:
    """A missing folder or a folder as target: one OSError naming the path asked for."""
    missing = tmp_path / "nope" / "v.bin"
    with pytest.raises(FileNotFoundError) as info, atomic_write(missing) as fh:
        fh.write(b"x")
    assert info.value.filename == str(missing) and ".tmp" not in str(info.value)
    folder = tmp_path / "emptydir"
    folder.mkdir()
    with pytest.raises(IsADirectoryError) as info, atomic_write(folder) as fh:
        fh.write(b"x")
    assert info.value.filename == str(folder) and ".tmp" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emptydir"]  # no temporary left


def test_check_output_path(tmp_path: Path) -> None:
    """The folder must exist and the path must not be a folder (unless folder=True)."""
    assert check_output_path(tmp_path / "v.bin") == tmp_path / "v.bin"
    assert check_output_path(tmp_path, folder=True) == tmp_path
    with pytest.raises(OutputPathError, match=r"^--x folder '.*nope' does not exist"):
        check_output_path(tmp_path / "nope" / "v.bin", "--x")
    with pytest.raises(OutputPathError, match="is a folder; give a file name"):
        check_output_path(tmp_path)
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputPathError, match="is not a folder"):
        check_output_path(tmp_path / "f" / "v.bin")
