"""File safety: atomic writes, and one-line checks of the paths w2v reads and writes.

:func:`atomic_write` writes beside the target and renames over it, so a failure leaves any
previous file intact; :func:`check_output_path` and :func:`check_regular_file` refuse a path
before any long work, with one line naming it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import FormatError, OutputPathError


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; rename it over ``path`` on success.

    If the body raises (a full disk, Ctrl-C), the temporary file is removed and any previous
    file at ``path`` is left intact. The new file gets the old file's permissions, or those
    the umask gives a new file (not mkstemp's private 0600).
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory (give a file name)", str(target))
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
        )
    except OSError as exc:  # name the file asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        os.fchmod(fd, _new_file_mode(target))
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_output_path(
    path: str | os.PathLike, what: str = "Output", *, folder: bool = False
) -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a Path.

    Its folder must exist and be writable, and ``path`` must not be a folder (unless
    ``folder=True``: an output that is itself a folder, such as a native vectors save).
    Raises :class:`~w2v.errors.OutputPathError` with one line naming the path otherwise.

    Examples
    --------
    >>> check_output_path("/nope/v.bin")
    Traceback (most recent call last):
    ...
    w2v.errors.OutputPathError: Output folder '/nope' does not exist (for /nope/v.bin).
    """
    out = Path(path)
    if not str(path) or (str(path).endswith(os.sep) and not folder):
        raise OutputPathError(f"{what} {str(path)!r} is not a file name.")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.exists():
        raise OutputPathError(f"{what} folder {str(parent)!r} does not exist (for {out}).")
    if not parent.is_dir():
        raise OutputPathError(f"{what} folder {str(parent)!r} is not a folder (for {out}).")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"{what} folder {str(parent)!r} is not writable (for {out}).")
    if out.is_dir() and not folder:
        raise OutputPathError(f"{what} {str(out)!r} is a folder; give a file name instead.")
    return out


def _new_file_mode(target: Path) -> int:
    """The permissions of the file being replaced, or 0o666 less the umask for a new one."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it straight back
        os.umask(umask)
        return 0o666 & ~umask


def check_regular_file(path: str | os.PathLike, what: str = "Vectors file") -> str:
    """Return ``str(path)`` if it is a regular file; otherwise raise a one-line error.

    FileNotFoundError for a missing path; FormatError for a folder, a FIFO, a device or a
    socket, which are refused before they are opened (opening a FIFO would block).
    """
    p = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} not found: {p!r}.") from None
    except OSError as exc:
        raise FormatError(f"{p}: cannot read it: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        if what != "Vectors file":
            raise FormatError(f"{p}: is a folder, not a {what[0].lower() + what[1:]}.")
        raise FormatError(f"{p}: is a folder, not a word2vec file (a native save? use load).")
    if not stat.S_ISREG(st.st_mode):
        raise FormatError(
            f"{p}: is a {_file_kind(st.st_mode)}, not a regular file; save the vectors to a "
            "file first."
        )
    return p


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"
