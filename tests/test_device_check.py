"""The prepared device run (benchmarks/device_check.sh) works end to end in its --smoke form."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SHARED_DATA

SCRIPT = ROOT / "benchmarks" / "device_check.sh"
GPU_KEYS = {"config", "device", "train_words_per_s", "end_to_end_words_per_s", "google", "ws353"}
SCALING_KEYS = {"tool", "config", "workers", "train_seconds", "words_per_s", "speedup"}


def _prerequisites() -> None:
    if not (SHARED_DATA / "corpus.txt").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    for module in ("torch", "gensim"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the device check's smoke run needs {module}")


def _run(out, *args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess, dict]:
    env = dict(os.environ, PYTHON=sys.executable, OUT=str(out))
    run = subprocess.run(
        ["bash", str(SCRIPT), "--smoke", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    doc = json.loads((out / "device_check.json").read_text())
    assert set(doc) == {"machine", "gpu", "scaling", "steps"}
    return run, doc


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One smoke run of every step: (its output folder, the process, the JSON document)."""
    _prerequisites()
    out = tmp_path_factory.mktemp("device_out")
    run, doc = _run(out)
    return out, run, doc


def test_smoke_runs_every_step_and_prints_one_table(smoke):
    """Every step ends ok, and stdout holds the table with a row per fit."""
    _, run, doc = smoke
    assert doc["steps"] == {"machine": "ok", "gpu": "ok", "scaling": "ok"}
    assert run.stdout.startswith("steps: machine ok")
    rows = [ln for ln in run.stdout.splitlines() if ln.startswith(("gpu ", "scaling "))]
    assert len(rows) == len(doc["gpu"]) + len(doc["scaling"])


def test_smoke_machine_describes_this_machine(smoke):
    """The machine object has the CPU's cores and the installed torch and Numba versions."""
    import numba
    import torch

    m = smoke[2]["machine"]
    assert m["torch"] == torch.__version__ and m["numba"] == numba.__version__
    assert isinstance(m["cores"], int | None) and m["logical_cpus"] == os.cpu_count()
    assert isinstance(m["gpus"], list)


def test_smoke_gpu_rows_pair_torch_on_the_cpu_with_the_cpu_trainer(smoke):
    """Each config has a torch row recorded as device 'cpu' and a 2-worker CPU trainer row."""
    gpu = smoke[2]["gpu"]
    assert all(set(r) == GPU_KEYS for r in gpu)
    pairs = {(r["config"], r["device"]) for r in gpu}
    configs = ("sg-ns", "cbow-ns", "sg-hs")
    assert pairs == {(c, d) for c in configs for d in ("cpu", "cpu-numba x2")}
    assert len(gpu) == len(pairs)
    for r in gpu:
        # end to end adds the read pass to the training time, so it is strictly slower
        assert 0 < r["end_to_end_words_per_s"] < r["train_words_per_s"]
        assert 0 <= r["google"] <= 1 and -1 <= r["ws353"] <= 1


def test_smoke_scaling_rows_are_consistent(smoke):
    """Both tools train the same words; speed-ups are against each tool's own 1 worker."""
    scaling = smoke[2]["scaling"]
    assert all(set(r) == SCALING_KEYS for r in scaling)
    keys = {(r["tool"], r["config"], r["workers"]) for r in scaling}
    tools, configs = ("w2v", "gensim_file"), ("sg-ns", "cbow-ns")
    assert keys == {(t, c, w) for t in tools for c in configs for w in (1, 2)}
    one = {(r["tool"], r["config"]): r["train_seconds"] for r in scaling if r["workers"] == 1}
    words = {}
    for r in scaling:
        assert r["train_seconds"] > 0
        assert r["speedup"] == pytest.approx(one[r["tool"], r["config"]] / r["train_seconds"])
        words.setdefault(r["config"], set()).add(round(r["words_per_s"] * r["train_seconds"]))
    # one raw word count per config, whatever the tool; CBOW trains 3 epochs, skip-gram 1
    assert all(len(w) == 1 for w in words.values())
    assert words["cbow-ns"].pop() == 3 * words["sg-ns"].pop()


def test_smoke_output_fits_what_comes_back(smoke):
    """At most 8 files under the output folder, none deeper than OUT/a/b/file."""
    out = smoke[0]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert 0 < len(files) <= 8
    assert all(len(p.relative_to(out).parts) <= 3 for p in files)


def test_a_step_over_its_budget_is_timed_out_and_the_next_still_runs(tmp_path):
    """--steps runs the named steps in order; one that outruns its budget keeps none of its
    rows and the step after it still ends ok."""
    _prerequisites()
    t = time.perf_counter()
    _, doc = _run(tmp_path, "--steps", "gpu,machine", "--budget", "gpu=0.3")
    assert doc["steps"] == {"gpu": "timed out", "machine": "ok"}
    assert doc["gpu"] == [] and doc["scaling"] == [] and doc["machine"]["logical_cpus"] > 0
    assert time.perf_counter() - t < 60


def test_unknown_step_is_one_line_error(tmp_path):
    """A step name that does not exist stops the run before anything runs, exit status 2."""
    env = dict(os.environ, PYTHON=sys.executable, OUT=str(tmp_path))
    run = subprocess.run(
        ["bash", str(SCRIPT), "--smoke", "--steps", "gpu,tpu"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "--steps 'gpu,tpu'" in run.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "device_check.json").exists()
