"""Checked NumPy archives: .npy and .npz files read without pickle or over-allocation.

Every header is checked against the bytes that follow it before anything is allocated or
mapped, so a damaged or hostile file raises :class:`~w2v.errors.FormatError` naming the path
and member instead of allocating what it claims. w2v's own archives (models, checkpoints,
phrases) hold JSON metadata, a word list and arrays (:func:`save_npz`, :func:`read_meta`);
word lists travel as two arrays (:func:`pack_words`, :func:`unpack_words`), and the
vocabulary packs its words the same way.
"""

from __future__ import annotations

import itertools
import json
import os
import tokenize
import warnings
import zipfile
import zlib
from collections.abc import Collection, Iterable
from typing import Any, BinaryIO

import numpy as np

from ._files import atomic_write, check_regular_file
from .errors import FormatError


def _npy_header(fh: BinaryIO, where: str, data_bytes: int) -> tuple[np.dtype, tuple[int, ...]]:
    """Read a .npy header from ``fh``; check it against the ``data_bytes`` that follow it.

    Returns (dtype, shape) of a C-ordered array without Python objects, or raises FormatError.
    """
    fmt = np.lib.format
    try:
        with warnings.catch_warnings():  # a damaged header may look like a Python 2 one
            warnings.simplefilter("ignore")
            version = fmt.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(fh)
            else:
                raise ValueError(f"unsupported .npy version {version}")
    except (ValueError, SyntaxError, TypeError, EOFError, OSError, tokenize.TokenError) as exc:
        # numpy parses the header with ast and tokenize, whose errors vary with the damage
        raise FormatError(f"{where}: byte 0: expected a .npy array header ({exc}).") from None
    offset = fh.tell()
    if dtype.hasobject or fortran:
        raise FormatError(
            f"{where}: byte {offset}: expected a C-ordered numeric array, found "
            f"{'Python objects' if dtype.hasobject else 'Fortran order'} (not written by w2v)."
        )
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if expected != data_bytes - offset:
        raise FormatError(
            f"{where}: byte {offset}: the header declares a {dtype.str} array of shape {shape}, "
            f"{expected} bytes, but {data_bytes - offset} bytes follow (truncated or corrupted?)."
        )
    return dtype, shape


def _check_array(where: str, dtype: np.dtype, shape: tuple[int, ...], want: str, ndim: int) -> None:
    if dtype.str != want or len(shape) != ndim:
        raise FormatError(
            f"{where}: expected a {ndim}-D {np.dtype(want)} array, found {dtype} of shape {shape}."
        )


def read_npy(path: str | os.PathLike, dtype: str, ndim: int, mmap: str | None = None) -> np.ndarray:
    """A checked .npy file of the given dtype (e.g. ``"<f4"``) and number of dimensions.

    The header is validated against the file size before any data is read or mapped;
    ``mmap`` is passed to :class:`numpy.memmap` as its mode. FormatError on any mismatch.
    """
    p = check_regular_file(path, "Array file")
    try:
        with open(p, "rb") as fh:
            got, shape = _npy_header(fh, p, os.fstat(fh.fileno()).st_size)
            _check_array(p, got, shape, dtype, ndim)
            offset = fh.tell()
            if mmap is not None:
                if int(np.prod(shape)) == 0:
                    return np.empty(shape, dtype=got)
                return np.memmap(p, dtype=got, mode=mmap, offset=offset, shape=shape)
            return np.fromfile(fh, dtype=got, count=int(np.prod(shape))).reshape(shape)
    except OSError as exc:
        raise FormatError(f"{p}: cannot read it ({exc}).") from None


def load_npz(
    path: str,
    arrays: dict[str, tuple[str, int]],
    what: str = ".npz archive",
    optional: Collection[str] = (),
) -> dict[str, np.ndarray]:
    """Read the named arrays of a ``.npz`` archive, each checked like :func:`read_npy`.

    ``arrays`` maps each name to its dtype string and number of dimensions; every name is
    required except those in ``optional``, which are left out of the result when absent.
    Nothing is unpickled, and no array larger than its stored bytes is allocated; a damaged
    archive, a missing member or a wrong type raises FormatError naming the path and member.
    """
    out: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name, (dtype, ndim) in arrays.items():
                where = f"{path}: member {name}.npy"
                if f"{name}.npy" not in names:
                    if name in optional:
                        continue
                    raise FormatError(f"{path}: not a {what}: the archive lacks {name}.npy.")
                info = zf.getinfo(f"{name}.npy")
                with zf.open(info) as fh:
                    got, shape = _npy_header(fh, where, info.file_size)  # type: ignore[arg-type]
                    _check_array(where, got, shape, dtype, ndim)
                    buf = bytearray(info.file_size - fh.tell())
                    if fh.readinto(buf) != len(buf) or fh.read(1):
                        raise FormatError(f"{where}: shorter or longer than its header says.")
                out[name] = np.frombuffer(buf, dtype=got).reshape(shape)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError(f"{path}: not a {what} ({exc}).") from None
    return out


# -- w2v's own archives: JSON metadata, a word list and arrays ---------------------------------

#: The metadata member of :func:`save_npz`, with its dtype, for :func:`load_npz`.
META_ARRAY = {"meta": ("|u1", 1)}


def save_npz(
    path: str | os.PathLike, meta: dict[str, Any], words: Iterable[str], **arrays: np.ndarray
) -> None:
    """Write one ``.npz`` atomically: ``meta`` as JSON, ``words`` packed, then ``arrays``.

    The members are ``meta`` (the JSON's bytes), ``word_bytes`` and ``word_offsets`` (see
    :func:`pack_words`) and the arrays in the order given; nothing is pickled.
    """
    with atomic_write(path) as fh:
        np.savez(
            fh,
            meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
            **pack_words(words),
            **arrays,
        )


def read_meta(arrays: dict[str, np.ndarray], path: str, fmt: str, what: str) -> dict[str, Any]:
    """The JSON metadata of :func:`save_npz`, checked to name format ``fmt``.

    FormatError ``"<path>: not a <what> (...)."`` if it is not JSON or not ``fmt``'s.
    """
    try:
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except ValueError as exc:
        raise FormatError(f"{path}: not a {what} ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != fmt:
        raise FormatError(f"{path}: not a {what} (no {fmt} metadata).")
    return meta


# -- word lists inside .npz archives ----------------------------------------------------------

#: The members :func:`pack_words` returns, with their dtypes, for :func:`load_npz`.
WORD_ARRAYS = {"word_bytes": ("|u1", 1), "word_offsets": ("<i8", 1)}


def pack_words(words: Iterable[str]) -> dict[str, np.ndarray]:
    """Any words as two arrays: ``word_bytes`` and ``word_offsets``.

    ``word_bytes`` (uint8) holds the words' UTF-8 one after another (a lone surrogate, as
    ``surrogateescape`` decoding makes, is kept with ``surrogatepass``) and word ``i`` is
    ``word_bytes[word_offsets[i]:word_offsets[i + 1]]`` ((V + 1,) int64, from 0). No
    separator, so a word may hold any character, newlines and NULs included.
    :func:`unpack_words` reads them back.
    """
    encoded = [w.encode("utf-8", errors="surrogatepass") for w in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    return {
        "word_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "word_offsets": offsets,
    }


def unpack_words(arrays: dict[str, np.ndarray], where: str) -> list[str]:
    """The words of :func:`pack_words`' arrays (as :func:`load_npz` returns them), checked.

    FormatError naming ``where`` if the offsets do not start at 0, go backwards or end
    elsewhere than at the end of the bytes, or a word is not UTF-8.
    """
    blob, offsets = arrays["word_bytes"].tobytes(), arrays["word_offsets"]
    if (
        len(offsets) == 0
        or offsets[0] != 0
        or offsets[-1] != len(blob)
        or (len(offsets) > 1 and np.any(np.diff(offsets) < 0))
    ):
        raise FormatError(
            f"{where}: the word offsets are damaged (they must rise from 0 to the "
            f"{len(blob)} bytes of the words)."
        )
    bounds = offsets.tolist()
    try:
        return [
            blob[s:e].decode("utf-8", errors="surrogatepass") for s, e in itertools.pairwise(bounds)
        ]
    except UnicodeDecodeError as exc:
        raise FormatError(f"{where}: a word is not valid UTF-8 ({exc.reason}).") from None
