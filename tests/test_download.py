"""The text8 downloader, against a local HTTP server on 127.0.0.1: cache, checksum, resume."""

from __future__ import annotations

import hashlib
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from w2v.download import DownloadError, default_cache_dir, download, fetch_text8
from w2v.errors import W2VError

TEXT = (" ".join(f"word{i % 977} the of and" for i in range(20_000))).encode()
CLOSED_URL = "http://127.0.0.1:1/text8.zip"  # port 1: nothing listens there


def _zip_bytes(member: str = "text8", data: bytes = TEXT) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(member, data)
    return buf.getvalue()


ZIP = _zip_bytes()
ZIP_SHA = hashlib.sha256(ZIP).hexdigest()


class _Server:
    """A one-file HTTP server on 127.0.0.1 that records the request headers it saw."""

    def __init__(
        self,
        body: bytes,
        honour_range: bool = True,
        error: int | None = None,
        cut_after: int | None = None,
    ) -> None:
        self.body = body
        self.honour_range = honour_range
        self.error = error
        self.cut_after = cut_after  # send only this many body bytes, then close
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(dict(self.headers.items()))
                if server.error is not None:
                    self.send_error(server.error)
                    return
                data, status = server.body, 200
                rng = self.headers.get("Range")
                if rng and server.honour_range:
                    start = int(rng.removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    data, status = data[start:], 206
                self.send_response(status)
                if status == 206:
                    self.send_header(
                        "Content-Range", f"bytes {start}-{len(server.body) - 1}/{len(server.body)}"
                    )
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data if server.cut_after is None else data[: server.cut_after])

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/text8.zip"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server(ZIP) as s:
        yield s


def test_fresh_download_verifies_and_unzips(server, tmp_path, capsys):
    """A fresh download is checksum-verified and unzipped to <cache>/text8, with no leftovers."""
    path = fetch_text8(tmp_path, url=server.url, sha256=ZIP_SHA, progress=True)
    bar = capsys.readouterr()
    assert bar.out == "" and "text8.zip.part" in bar.err and "100%" in bar.err
    assert path == tmp_path / "text8"
    assert path.read_bytes() == TEXT
    assert (tmp_path / "text8.zip").read_bytes() == ZIP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["text8", "text8.zip"]
    assert len(server.requests) == 1 and "Range" not in server.requests[0]


def test_cached_text8_is_returned_without_network(server, tmp_path):
    """Once text8 is unzipped, a second call returns it without contacting the server."""
    fetch_text8(tmp_path, url=server.url, sha256=ZIP_SHA, progress=False)
    again = fetch_text8(tmp_path, url=CLOSED_URL, sha256=ZIP_SHA, progress=False)
    assert again.read_bytes() == TEXT
    assert len(server.requests) == 1


def test_resumed_download_sends_range_and_completes(server, tmp_path):
    """A .part file holding the first half is resumed with a Range request and completes."""
    half = len(ZIP) // 2
    (tmp_path / "text8.zip.part").write_bytes(ZIP[:half])
    path = fetch_text8(tmp_path, url=server.url, sha256=ZIP_SHA, progress=False)
    assert path.read_bytes() == TEXT
    assert [r.get("Range") for r in server.requests] == [f"bytes={half}-"]
    assert not (tmp_path / "text8.zip.part").exists()


def test_server_ignoring_range_restarts_from_zero(tmp_path):
    """A server that answers a Range request with 200 and the whole file still gives it intact."""
    half = len(ZIP) // 2
    dest = tmp_path / "text8.zip"
    (tmp_path / "text8.zip.part").write_bytes(ZIP[:half])
    with _Server(ZIP, honour_range=False) as s:
        download(s.url, dest, sha256=ZIP_SHA, progress=False)
    assert [r.get("Range") for r in s.requests] == [f"bytes={half}-"]
    assert dest.read_bytes() == ZIP


def test_complete_part_file_answered_416_is_kept(server, tmp_path):
    """A .part file that is already complete (the server answers 416) is verified and used."""
    (tmp_path / "text8.zip.part").write_bytes(ZIP)
    path = fetch_text8(tmp_path, url=server.url, sha256=ZIP_SHA, progress=False)
    assert path.read_bytes() == TEXT
    assert [r.get("Range") for r in server.requests] == [f"bytes={len(ZIP)}-"]


def test_cut_off_download_is_kept_and_resumed_next_time(tmp_path):
    """A connection cut midway raises DownloadError, keeps the bytes, and the next call resumes."""
    cut = len(ZIP) // 3
    with _Server(ZIP, cut_after=cut) as s:
        with pytest.raises(DownloadError, match="kept and the next run resumes"):
            fetch_text8(tmp_path, url=s.url, sha256=ZIP_SHA, progress=False)
    assert (tmp_path / "text8.zip.part").read_bytes() == ZIP[:cut]
    with _Server(ZIP) as s:
        path = fetch_text8(tmp_path, url=s.url, sha256=ZIP_SHA, progress=False)
    assert [r.get("Range") for r in s.requests] == [f"bytes={cut}-"]
    assert path.read_bytes() == TEXT


def test_stale_overlong_part_file_is_fetched_again(server, tmp_path):
    """A .part longer than the file (416) with a wrong digest is discarded and fetched afresh."""
    (tmp_path / "text8.zip.part").write_bytes(ZIP + b"junk")
    path = fetch_text8(tmp_path, url=server.url, sha256=ZIP_SHA, progress=False)
    assert path.read_bytes() == TEXT
    assert [r.get("Range") for r in server.requests] == [f"bytes={len(ZIP) + 4}-", None]


def test_wrong_checksum_raises_and_leaves_no_file(server, tmp_path):
    """A digest mismatch raises DownloadError naming both digests and deletes the download."""
    wrong = "0" * 64
    with pytest.raises(DownloadError, match=f"expected sha256 {wrong}, got {ZIP_SHA}"):
        fetch_text8(tmp_path, url=server.url, sha256=wrong, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_url_raises_download_error_quickly(tmp_path):
    """A closed port raises DownloadError (a W2VError, one line) within seconds."""
    start = time.perf_counter()
    with pytest.raises(DownloadError, match="Cannot download http://127.0.0.1:1/") as info:
        fetch_text8(tmp_path, url=CLOSED_URL, progress=False)
    assert time.perf_counter() - start < 5
    assert isinstance(info.value, W2VError) and "\n" not in str(info.value)
    assert not (tmp_path / "text8").exists()


def test_http_error_raises_download_error(tmp_path):
    """An HTTP error status (404) raises DownloadError naming the status."""
    with _Server(ZIP, error=404) as s:
        with pytest.raises(DownloadError, match="HTTP 404"):
            fetch_text8(tmp_path, url=s.url, sha256=ZIP_SHA, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_zip_without_text8_member_raises(tmp_path):
    """A verified zip that holds no file named text8 raises DownloadError and leaves no text8."""
    other = _zip_bytes(member="other.txt")
    with _Server(other) as s:
        with pytest.raises(DownloadError, match="no file named 'text8'"):
            fetch_text8(
                tmp_path, url=s.url, sha256=hashlib.sha256(other).hexdigest(), progress=False
            )
    assert not (tmp_path / "text8").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_default_cache_dir_follows_xdg(monkeypatch, tmp_path):
    """The cache folder is $XDG_CACHE_HOME/w2v, else ~/.cache/w2v."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "w2v"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "w2v"
