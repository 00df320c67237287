"""Download the text8 corpus once: cached, checksum-verified, resumable, unzipped atomically.

text8 is the first 10^8 bytes of a cleaned English Wikipedia dump (Matt Mahoney): one line of
17,005,207 lower-case words. :func:`fetch_text8` keeps it under the user's cache folder
(``$XDG_CACHE_HOME/w2v`` or ``~/.cache/w2v``). An interrupted download stays as
``text8.zip.part`` and is resumed with an HTTP ``Range`` request; the finished zip must match
:data:`TEXT8_SHA256` before it is unzipped. Only the standard library's ``urllib`` is used.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from .errors import W2VError

TEXT8_URL = "http://mattmahoney.net/dc/text8.zip"
# SHA-256 of text8.zip (31,344,016 bytes). mattmahoney.net publishes no checksum; this is the
# digest that several independent public projects pin for this file (we found the same value
# in each). It could not be recomputed from a fresh download here (no network), so if it is
# ever wrong the download fails loudly with "checksum mismatch" naming both digests.
TEXT8_SHA256 = "a6640522afe85d1963ad56c05b0ede0a0c000dddc9671758a6cc09b7a38e5232"

_CHUNK = 1 << 16
_TIMEOUT_S = 30.0


class DownloadError(W2VError):
    """A download failed: no network, an HTTP error, a bad checksum or a broken archive."""


def default_cache_dir() -> Path:
    """The folder for downloaded corpora: ``$XDG_CACHE_HOME/w2v``, else ``~/.cache/w2v``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "w2v"


def fetch_text8(
    cache_dir: str | os.PathLike[str] | None = None,
    url: str = TEXT8_URL,
    sha256: str = TEXT8_SHA256,
    progress: bool = True,
) -> Path:
    """Return the path of the unzipped text8 corpus, downloading it first if needed.

    Parameters
    ----------
    cache_dir : path, optional
        Where ``text8.zip`` and ``text8`` are kept; default :func:`default_cache_dir`.
    url : str
        Where to download ``text8.zip`` from (an ``http://`` or ``https://`` URL).
    sha256 : str
        The expected SHA-256 of the zip, in hex.
    progress : bool
        Show a progress bar on stderr while downloading.

    Returns
    -------
    Path
        ``<cache_dir>/text8``. When it already exists nothing is downloaded or checked again.

    Raises
    ------
    DownloadError
        The server cannot be reached or answers with an error, the zip's digest is not
        ``sha256`` (the file is then deleted), or the zip holds no ``text8``. A download cut
        off midway is kept as ``text8.zip.part`` and resumed by the next call.
    """
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / "text8"
    if target.is_file():
        return target
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"Cannot create the cache folder {str(cache)!r}: {exc}.") from None
    archive = cache / "text8.zip"
    if not (archive.is_file() and _sha256(archive) == sha256.lower()):
        download(url, archive, sha256=sha256, progress=progress)
    _extract(archive, "text8", target)
    return target


def download(url: str, dest: str | os.PathLike[str], *, sha256: str, progress: bool = True) -> Path:
    """Download ``url`` to ``dest``, resuming ``<dest>.part``, and check its SHA-256.

    The bytes go to ``<dest>.part``; when that file exists the request asks for the rest with
    ``Range: bytes=<size>-``, and a server that answers 200 (ignoring the range) is read from
    the start instead. Only a file whose digest is ``sha256`` is renamed to ``dest``; one that
    does not match is deleted and a :class:`DownloadError` names both digests.
    """
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    expected = sha256.lower()
    try:
        _fetch_to(url, part, progress)
    except _RangeNotSatisfiable:
        # The part file is already as long as the resource (or longer): it is complete if its
        # digest is right, otherwise it is stale and is fetched again from the start.
        if _sha256(part) != expected:
            part.unlink(missing_ok=True)
            _fetch_to(url, part, progress)
    actual = _sha256(part)
    if actual != expected:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"Checksum mismatch for {url}: expected sha256 {expected}, got {actual}; the "
            "file was deleted, run again to download it afresh."
        )
    os.replace(part, dest)
    return dest


class _RangeNotSatisfiable(Exception):
    """The server answered 416 to a resume request."""


def _fetch_to(url: str, part: Path, progress: bool) -> None:
    """Append the rest of ``url`` to ``part`` (or rewrite it when the server ignores Range)."""
    start = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "w2v (python urllib)"})
    if start:
        request.add_header("Range", f"bytes={start}-")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as response:
            if start and response.status == 206:
                mode = "ab"
                content_range = response.headers.get("Content-Range", "")
                if not content_range.startswith(f"bytes {start}-"):
                    raise DownloadError(
                        f"Cannot resume {url}: asked for bytes from {start}, the server sent "
                        f"{content_range or 'no Content-Range'}; delete {str(part)!r} to "
                        "start afresh."
                    )
            else:  # 200: the whole file, whether or not we asked for a range
                mode, start = "wb", 0
            length = response.headers.get("Content-Length")
            total = start + int(length) if length and length.isdigit() else None
            received = start
            with open(part, mode) as fh, _progress_bar(total, start, part.name, progress) as bar:
                while chunk := response.read(_CHUNK):
                    fh.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            if total is not None and received < total:
                # http.client's read(n) returns b"" rather than raising when cut off early
                raise DownloadError(
                    f"Cannot download {url}: the connection closed after {received} of {total} "
                    "bytes; the bytes received are kept and the next run resumes."
                )
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and start:
            raise _RangeNotSatisfiable from None
        raise DownloadError(f"Cannot download {url}: HTTP {exc.code} {exc.reason}.") from None
    except urllib.error.URLError as exc:
        raise DownloadError(
            f"Cannot download {url}: {exc.reason}. Check the network connection."
        ) from None
    except (OSError, http.client.HTTPException) as exc:  # reset, timeout, cut-off body
        kept = ""
        if part.is_file() and part.stat().st_size:
            kept = f"; the {part.stat().st_size} bytes received are kept and the next run resumes"
        raise DownloadError(f"Cannot download {url}: {type(exc).__name__}: {exc}{kept}.") from None


def _progress_bar(total: int | None, initial: int, name: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=name,
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
        mininterval=0.5,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _extract(archive: Path, member: str, target: Path) -> None:
    """Unzip ``member`` of ``archive`` to ``target`` via a temporary file and os.replace."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(archive) as zf:
            if member not in zf.namelist():
                raise DownloadError(
                    f"{str(archive)!r} holds no file named {member!r} (it holds "
                    f"{', '.join(zf.namelist()[:5]) or 'nothing'})."
                )
            with zf.open(member) as src:
                shutil.copyfileobj(src, out, _CHUNK * 16)
        os.replace(tmp, target)
    except zipfile.BadZipFile as exc:
        Path(tmp).unlink(missing_ok=True)
        archive.unlink(missing_ok=True)
        raise DownloadError(
            f"{str(archive)!r} is not a valid zip file ({exc}); deleted it."
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
