"""Benchmark: the prepared device run, each step under its own time budget, one table, one JSON.

Run it through ``benchmarks/device_check.sh``, which installs the carried wheels and
unpacks the carried corpus first (see ``docs/gpu.md``); ``--smoke`` runs here:

    bash benchmarks/device_check.sh               # on the lent GPU machine, `.device` carried
    bash benchmarks/device_check.sh --smoke       # anywhere, on a slice of ../shared/data
    bash benchmarks/device_check.sh --steps scaling --budget scaling=200

Steps, in the order given to ``--steps`` (default ``machine,gpu,scaling``):

- ``machine``: GPU name and memory, CPU model, cores, threads per core, torch and Numba
  versions (``machine.py``).
- ``gpu``: ``gpu_speed.py``, one epoch on the whole corpus with ``device="cuda"`` for
  skip-gram NS, CBOW NS and skip-gram HS (last: the first lost when the budget runs out),
  each beside the CPU trainer with 16 workers; raw words/s for training alone and end to
  end, analogy accuracy (restrict_vocab 30000) and WordSim-353. One seed: indicative quality.
- ``scaling``: ``scaling.py`` with 1, 16, 2, 4 and 8 workers (one fit each), skip-gram NS 1
  epoch and CBOW NS 3 epochs on the first 24,000,000 bytes, w2v beside gensim's
  ``corpus_file`` mode; training seconds, words/s, speed-up over the tool's own 1 worker.

Each step runs as its own process group; at its budget (``BUDGETS``, ``--budget STEP=S``,
plus whatever the steps before it left unused, so the whole run stays within the budgets'
sum, 305 s by default) the group is stopped, the step is reported as ``timed out``, the
rows it finished are kept (each benchmark appends a row the moment a fit ends) and the
next step runs. ``device_check.json`` is rewritten after every
step, so a run stopped from outside still leaves the steps done. Under the output folder
(``--out``, else ``$OUT``, else a new temporary folder) go four files: ``device_check.json``
(keys ``machine``, ``gpu``, ``scaling``, ``steps``), ``device_check.log`` (every step's
output), and the benchmarks' own ``gpu_speed.json`` and ``scaling.json``.

``--smoke`` runs every step on the first ``SMOKE_BYTES`` of the corpus, with torch on the
CPU (one thread; ``device`` recorded as ``cpu``), 1 and 2 workers and no warm-up beyond a
token one: a check that the pipeline runs, in well under a minute, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _data import DEFAULT_DATA, corpus_path, eval_dir, head_bytes
from _results import write_json
from scaling import add_speedups

HERE = Path(__file__).resolve().parent
STEPS = ("machine", "gpu", "scaling")

#: Seconds per step on the lent machine (16 cores, one H200): about 5 minutes in all.
BUDGETS = {"machine": 15.0, "gpu": 130.0, "scaling": 160.0}
SMOKE_BUDGETS = {"machine": 60.0, "gpu": 120.0, "scaling": 120.0}
SMOKE_BYTES = 150_000  # about 25,000 words

#: Seconds between the polite stop (SIGTERM) of a step that ran out and the forced one.
GRACE = 3.0


def step_commands(data: str, work: str, out: str, smoke: bool, python: str) -> dict[str, list[str]]:
    """The command line of each step."""
    corpus = corpus_path(data)
    common = [python, "-u"]
    gpu = ["--configs", "sg-ns,cbow-ns,sg-hs", "--corpus", corpus, "--eval-dir", eval_dir(data)]
    scaling = ["--corpus", corpus, "--configs", "sg-ns,cbow-ns", "--epochs", "1,3"]
    scaling += ["--tools", "w2v,gensim_file"]
    if smoke:
        gpu += ["--device", "cpu", "--threads", "1", "--cpu-workers", "2", "--warmup-words", "500"]
        scaling += ["--workers", "1,2"]
    else:
        gpu += ["--device", "cuda", "--cpu-workers", "16"]
        scaling += ["--workers", "1,16,2,4,8", "--bytes", "24000000"]
    return {
        "machine": [*common, str(HERE / "machine.py"), "--output", f"{work}/machine.json"],
        "gpu": [
            *common,
            str(HERE / "gpu_speed.py"),
            *gpu,
            "--rows",
            f"{work}/gpu.jsonl",
            "--output",
            f"{out}/gpu_speed.json",
        ],
        "scaling": [
            *common,
            str(HERE / "scaling.py"),
            *scaling,
            "--rows",
            f"{work}/scaling.jsonl",
            "--output",
            f"{out}/scaling.json",
        ],
    }


def run_step(cmd: list[str], budget: float, log) -> tuple[str, float]:
    """Run ``cmd`` with its output appended to ``log``; return (status, seconds).

    The status is ``ok``, ``timed out`` (stopped at ``budget`` seconds, with everything it
    started) or the error: the exit status and the last line the step printed.
    """
    log.flush()
    start_at = os.path.getsize(log.name)
    t = time.perf_counter()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        rc = proc.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        _stop(proc)
        return "timed out", time.perf_counter() - t
    seconds = time.perf_counter() - t
    if rc == 0:
        return "ok", seconds
    log.flush()
    with open(log.name, "rb") as fh:
        fh.seek(start_at)
        lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    return f"exit {rc}: {lines[-1] if lines else 'no output'}", seconds


def _stop(proc: subprocess.Popen) -> None:
    """Stop ``proc``'s whole process group: SIGTERM, then SIGKILL after GRACE seconds."""
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM:
                os.killpg(proc.pid, signal.SIGKILL)  # children the leader left behind
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


def _jsonl(path: str) -> list[dict]:
    try:
        with open(path) as fh:
            return [json.loads(line) for line in fh if line.strip()]
    except FileNotFoundError:
        return []


def collect(work: str, steps: dict[str, str]) -> dict:
    """The JSON document from what the steps left in ``work``."""
    try:
        with open(f"{work}/machine.json") as fh:
            machine = json.load(fh)
    except FileNotFoundError:
        machine = {}
    gpu = [
        {
            "config": r["config"],
            "device": r["device"],
            "train_words_per_s": r["raw_wps"],
            "end_to_end_words_per_s": r["end_to_end_wps"],
            "google": r["analogy"],
            "ws353": r["ws353"],
        }
        for r in _jsonl(f"{work}/gpu.jsonl")
    ]
    scaling = [
        {
            "tool": r["tool"],
            "config": r["config"],
            "workers": r["workers"],
            "train_seconds": r["train_seconds"],
            "words_per_s": r["words_per_s"],
            "speedup": r["speedup"],
        }
        for r in add_speedups(_jsonl(f"{work}/scaling.jsonl"))
    ]
    return {"machine": machine, "gpu": gpu, "scaling": scaling, "steps": dict(steps)}


def table(doc: dict, seconds: dict[str, float]) -> str:
    """The one table: steps, machine, then a row per GPU-step fit and per scaling fit."""
    m = doc["machine"]
    lines = [
        "steps: " + ", ".join(f"{k} {v} ({seconds[k]:.0f} s)" for k, v in doc["steps"].items())
    ]
    if m:
        gpu = "; ".join(f"{g['name']} {g['memory_mib']} MiB" for g in m["gpus"]) or "no GPU"
        lines.append(
            f"machine: {gpu}; {m['cpu_model']}, {m['cores']} cores, {m['threads_per_core']}"
            f" thread(s) per core ({m['usable_cpus']} usable); torch {m['torch']}, numba"
            f" {m['numba']}, gensim {m['gensim']}; {m['when_utc']} UTC"
        )
    lines.append(
        f"{'step':<8}{'config':<9}{'who':<17}{'workers':>7}{'train s':>9}{'M words/s':>10}"
        f"{'e2e M/s':>9}{'speed-up':>9}{'google':>8}{'ws353':>7}"
    )
    for r in doc["gpu"]:
        google = f"{100 * r['google']:.2f}%" if r["google"] is not None else "-"
        ws = f"{r['ws353']:.3f}" if r["ws353"] is not None else "-"
        lines.append(
            f"{'gpu':<8}{r['config']:<9}{r['device']:<17}{'':>7}{'':>9}"
            f"{r['train_words_per_s'] / 1e6:>10.3f}{r['end_to_end_words_per_s'] / 1e6:>9.3f}"
            f"{'':>9}{google:>8}{ws:>7}"
        )
    rows = sorted(doc["scaling"], key=lambda r: (r["config"], r["tool"], r["workers"]))
    for r in rows:
        up = f"{r['speedup']:.2f}x" if r["speedup"] is not None else "-"
        lines.append(
            f"{'scaling':<8}{r['config']:<9}{r['tool']:<17}{r['workers']:>7}"
            f"{r['train_seconds']:>9.2f}{r['words_per_s'] / 1e6:>10.3f}{'':>9}{up:>9}"
        )
    return "\n".join(lines)


def _budgets(items: list[str], smoke: bool, parser: argparse.ArgumentParser) -> dict:
    budgets = dict(SMOKE_BUDGETS if smoke else BUDGETS)
    for item in items:
        name, _, value = item.partition("=")
        if name not in STEPS:
            parser.error(f"--budget {item!r}: no step {name!r}; steps are {', '.join(STEPS)}")
        try:
            budgets[name] = float(value)
        except ValueError:
            parser.error(f"--budget {item!r}: give STEP=SECONDS, e.g. gpu=120")
        if budgets[name] <= 0:
            parser.error(f"--budget {item!r}: seconds must be positive")
    return budgets


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder of corpus.txt, eval/")
    parser.add_argument("--smoke", action="store_true", help="a small slice, torch on the CPU")
    parser.add_argument("--steps", default=",".join(STEPS), help="steps to run, in this order")
    parser.add_argument("--budget", action="append", default=[], help="STEP=SECONDS")
    parser.add_argument("--out", default=os.environ.get("OUT"), help="output folder [$OUT]")
    args = parser.parse_args(argv)
    steps = args.steps.split(",")
    unknown = [s for s in steps if s not in STEPS]
    if unknown or len(set(steps)) != len(steps):
        parser.error(f"--steps {args.steps!r}: name each of {', '.join(STEPS)} at most once")
    budgets = _budgets(args.budget, args.smoke, parser)
    if not os.path.isfile(corpus_path(args.data)):
        parser.error(f"no corpus.txt in {args.data}; pass --data (or unpack the bundle)")
    out = args.out or tempfile.mkdtemp(prefix="device_check.")
    os.makedirs(out, exist_ok=True)
    status: dict[str, str] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as work, open(f"{out}/device_check.log", "a") as log:
        data = args.data
        if args.smoke:  # a slice beside the real evaluation files
            data = f"{work}/data"
            os.makedirs(data)
            head_bytes(corpus_path(args.data), corpus_path(data), SMOKE_BYTES)
            os.symlink(os.path.abspath(eval_dir(args.data)), eval_dir(data))
        commands = step_commands(data, work, out, args.smoke, sys.executable)
        # a step may also use what the steps before it left unused: the run as a whole
        # stays within the sum of the budgets
        deadline = time.perf_counter() + sum(budgets[name] for name in steps)
        for i, name in enumerate(steps):
            later = sum(budgets[after] for after in steps[i + 1 :])
            allowed = max(deadline - time.perf_counter() - later, 0.1)
            print(f"{name}: running (budget {allowed:.0f} s)", file=sys.stderr, flush=True)
            log.write(f"=== {name}: {' '.join(commands[name])}\n")
            status[name], seconds[name] = run_step(commands[name], allowed, log)
            log.write(f"=== {name}: {status[name]} after {seconds[name]:.1f} s\n")
            print(f"{name}: {status[name]} ({seconds[name]:.1f} s)", file=sys.stderr, flush=True)
            doc = collect(work, status)
            write_json(f"{out}/device_check.json", doc)
    print(table(doc, seconds))
    print(f"wrote {out}/device_check.json", file=sys.stderr)
    return doc


if __name__ == "__main__":
    main()
