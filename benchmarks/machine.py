"""Benchmark helper: the machine a run measures (GPU, CPU, library versions) as one JSON object.

    python benchmarks/machine.py                # prints the object
    python benchmarks/machine.py --output m.json

GPUs come from ``nvidia-smi`` (name, memory, driver), the CPU from ``lscpu`` (model,
logical CPUs, cores, threads per core), versions from the installed packages. A tool or
package that is missing gives ``None`` or an empty list, never an error: the description
of a machine without a GPU is still a description.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import time

from _results import write_json


def _run(cmd: list[str]) -> str | None:
    if shutil.which(cmd[0]) is None:
        return None
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def gpus() -> list[dict]:
    """One entry per GPU that ``nvidia-smi`` lists (empty without it)."""
    query = "--query-gpu=name,memory.total,driver_version"
    out = _run(["nvidia-smi", query, "--format=csv,noheader,nounits"]) or ""
    found = []
    for line in out.strip().splitlines():
        name, memory, driver = ([*(x.strip() for x in line.split(",")), "", ""])[:3]
        try:
            mib: int | None = int(float(memory))
        except ValueError:  # "[N/A]" on some virtual GPUs
            mib = None
        found.append({"name": name, "memory_mib": mib, "driver": driver or None})
    return found


def cpu() -> dict:
    """The CPU's model, logical CPUs, physical cores and threads per core (``lscpu``)."""
    fields: dict[str, str] = {}
    for line in (_run(["lscpu"]) or "").splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()

    def number(key: str) -> int | None:
        try:
            return int(fields[key])
        except (KeyError, ValueError):
            return None

    per_socket, sockets = number("Core(s) per socket"), number("Socket(s)")
    return {
        "cpu_model": fields.get("Model name") or platform.processor() or None,
        "logical_cpus": number("CPU(s)") or os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cores": per_socket * sockets if per_socket and sockets else None,
        "threads_per_core": number("Thread(s) per core"),
    }


def version(package: str) -> str | None:
    """The installed version of ``package``, or None."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe() -> dict:
    """The whole description: when, platform, GPUs, CPU and versions."""
    info: dict = {
        "when_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "gpus": gpus(),
        **cpu(),
    }
    for package in ("torch", "numba", "numpy", "gensim"):
        info[package] = version(package)
    try:
        import torch

        info["torch_cuda"] = torch.version.cuda
        info["cuda_available"] = torch.cuda.is_available()
    except ImportError:
        info["torch_cuda"], info["cuda_available"] = None, False
    return info


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=None, help="write the object here too")
    args = parser.parse_args(argv)
    info = describe()
    print(json.dumps(info, indent=2))
    if args.output:
        write_json(args.output, info)
    return info


if __name__ == "__main__":
    main()
