"""Where and how every benchmark writes its JSON: one record with the machine it ran on.

Each benchmark passes its own numbers; this adds what makes runs comparable later (the
benchmark's name, when, the platform, Python, CPU count and the command-line arguments) and
writes the file atomically, so an interrupted run never leaves half a JSON file behind.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(benchmark: str, payload: dict, path: str | os.PathLike | None = None) -> Path:
    """Write ``payload`` plus the run's metadata to ``path`` (default results/<name>.json)."""
    out = Path(path) if path is not None else RESULTS / f"{benchmark}.json"
    record = {
        "benchmark": benchmark,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "argv": sys.argv[1:],
        **payload,
    }
    write_json(out, record)
    print(f"wrote {out}", file=sys.stderr)
    return out


def write_json(path: str | os.PathLike, obj: object) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically (a temporary file, then a rename)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(obj, indent=2, default=str) + "\n")
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    return out


def append_row(path: str | os.PathLike | None, row: dict) -> None:
    """Append ``row`` as one JSON line to ``path`` (no-op for None), flushed at once.

    A caller that may be stopped part-way (``device_check.py`` ends a step at its time
    budget) reads back every row finished before that.
    """
    if path is None:
        return
    with open(path, "a") as fh:
        fh.write(json.dumps(row, default=str) + "\n")
