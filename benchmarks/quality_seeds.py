"""Quality over seeds: w2v against gensim, each fit in a fresh process, scored by gensim's code.

For every (config, tool, seed) one child process trains on the first ``--bytes`` of
``../shared/data/corpus.txt`` (cut at a line end; ``--bytes 0``: the whole corpus) and scores
the vectors with gensim's own ``KeyedVectors.evaluate_word_analogies`` (3CosAdd top-1,
``restrict_vocab=30000``) and ``evaluate_word_pairs`` (Spearman rho) on the Google analogy set
and WordSim-353 in ``../shared/data/eval/``, plus any ``--analogies`` / ``--pairs`` files. Then
it prints, per benchmark and config, each tool's mean ± sample std and the difference of every
other tool from gensim's iterable mode with its standard error, **paired by seed**: the mean of
the per-seed differences d_s = tool(s) − gensim(s) and SE = std(d_s) / sqrt(n). (With
``workers=2`` each run is a fresh draw even for a fixed seed, so the pairing only shares the
initial vectors; the paired SE is then close to the unpaired one.)

Tools: ``w2v`` (2 workers), ``w2v-1w`` (1 worker), ``gensim`` (iterable ``LineSentence``, 2
workers), ``gensim-cf`` (``corpus_file=``, 2 workers). Configs: ``sg-ns``, ``sg-hs``,
``cbow-ns``, ``cbow-hs`` and ``sg-ns-shared`` (w2v's ``shared_negatives=True``; gensim has no
such mode and trains plain skip-gram NS for it, fitted once for both configs).

Settings (issue 26): epochs 3, dim 100, window 5, negative 5 (NS) or hs (HS), min_count 5,
sample 1e-3, alpha 0.05 (CBOW) / 0.025 (skip-gram), each tool's default min_alpha unless
``--w2v-param`` / ``--gensim-param`` say otherwise.

A/B variants of w2v run through the same code: ``--w2v-env NAME=VALUE`` sets environment
variables in the w2v children, ``--w2v-param name=value`` passes extra ``Word2Vec`` parameters,
and ``--label`` names the variant (the tool is then reported as ``w2v[label]``). Every fit is
appended to ``--fits`` (JSON lines) and reused by later runs with the same key (``--reuse``),
so ``--compare LABEL`` can pair variants measured in separate runs::

    # the baseline table, 5 seeds, all tools and configs
    python benchmarks/quality_seeds.py --seeds 5
    # an A/B: the variant's w2v fits, then variant minus today's w2v, paired by seed
    python benchmarks/quality_seeds.py --seeds 5 --configs cbow-ns --tools w2v \\
        --label win5 --w2v-param window=6
    python benchmarks/quality_seeds.py --seeds 5 --configs cbow-ns --tools w2v --reuse \\
        --compare win5

(``--w2v-env`` serves experiment knobs that a branch reads from the environment; the issue 26
A/Bs in ``benchmarks/issue26_notes.md`` used such a branch.)

Fits run under ``nice -n 10`` (``--nice``), ``--jobs`` at a time (default 1: the fits use 2
threads each). The JSON summary goes to ``benchmarks/results/quality_seeds.json`` (or ``--out``)
through ``write_results``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _results import RESULTS, write_results  # noqa: E402

ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CORPUS = DATA / "corpus.txt"
GOOGLE = DATA / "eval" / "questions-words.txt"
WS353 = DATA / "eval" / "wordsim353.tsv"
RESTRICT = 30_000

CONFIGS = {  # name: (arch, loss, shared_negatives)
    "sg-ns": ("skipgram", "ns", False),
    "sg-hs": ("skipgram", "hs", False),
    "cbow-ns": ("cbow", "ns", False),
    "cbow-hs": ("cbow", "hs", False),
    "sg-ns-shared": ("skipgram", "ns", True),
}
TOOLS = ("w2v", "w2v-1w", "gensim", "gensim-cf")
REFERENCE = "gensim"


# -- the child: one fit, scored --------------------------------------------------------------
def _fit_w2v(spec: dict) -> tuple[list[str], object]:
    from w2v import Word2Vec

    arch, loss, shared = CONFIGS[spec["config"]]
    params = {
        "arch": arch,
        "loss": loss,
        "dim": 100,
        "window": 5,
        "negative": 5,
        "sample": 1e-3,
        "min_count": 5,
        "epochs": spec["epochs"],
        "alpha": 0.05 if arch == "cbow" else 0.025,
        "workers": 1 if spec["tool"] == "w2v-1w" else 2,
        "seed": spec["seed"],
    }
    if shared:
        params["shared_negatives"] = True
    params |= spec["w2v_params"]
    model = Word2Vec(**params).fit(spec["corpus"], progress=False)
    wv = model.wv
    return list(wv.words), wv.vectors


def _fit_gensim(spec: dict) -> tuple[list[str], object]:
    from gensim.models import Word2Vec as GensimWord2Vec
    from gensim.models.word2vec import LineSentence

    arch, loss, _ = CONFIGS[spec["config"]]
    params = {
        "vector_size": 100,
        "window": 5,
        "min_count": 5,
        "sample": 1e-3,
        "sg": int(arch == "skipgram"),
        "hs": int(loss == "hs"),
        "negative": 5 if loss == "ns" else 0,
        "alpha": 0.05 if arch == "cbow" else 0.025,
        "epochs": spec["epochs"],
        "workers": 2,
        "seed": spec["seed"],
    } | spec["gensim_params"]
    if spec["tool"] == "gensim-cf":
        model = GensimWord2Vec(corpus_file=spec["corpus"], **params)
    else:
        model = GensimWord2Vec(LineSentence(spec["corpus"]), **params)
    return list(model.wv.index_to_key), model.wv.vectors


def _score(words: list[str], vectors, spec: dict) -> dict[str, float]:
    import logging

    import numpy as np
    from gensim.models import KeyedVectors

    logging.disable(logging.WARNING)
    kv = KeyedVectors(vector_size=vectors.shape[1])
    kv.add_vectors(words, np.asarray(vectors, dtype=np.float32))
    scores = {}
    for path in spec["analogies"]:
        acc, _ = kv.evaluate_word_analogies(path, restrict_vocab=RESTRICT)
        scores[Path(path).name] = 100.0 * float(acc)
    for path in spec["pairs"]:
        rho = kv.evaluate_word_pairs(path, restrict_vocab=RESTRICT)[1][0]
        scores[Path(path).name] = float(rho)
    return scores


def child(spec: dict) -> None:
    import warnings

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    words, vectors = (_fit_w2v if spec["tool"].startswith("w2v") else _fit_gensim)(spec)
    train_s = time.perf_counter() - t0
    scores = _score(words, vectors, spec)
    print(json.dumps({"train_s": train_s, "vocab": len(words), "scores": scores}))


# -- the parent ------------------------------------------------------------------------------
def corpus_slice(nbytes: int, tmp: Path) -> Path:
    """The first ``nbytes`` of the corpus cut at its last newline (0: the whole corpus)."""
    if nbytes <= 0:
        return CORPUS
    with open(CORPUS, "rb") as fh:
        data = fh.read(nbytes)
    dest = tmp / f"slice_{nbytes}.txt"
    dest.write_bytes(data[: data.rfind(b"\n") + 1])
    return dest


def fit_key(spec: dict) -> str:
    """What identifies a fit for reuse: everything but the corpus file's temporary path."""
    keep = {k: v for k, v in spec.items() if k not in ("corpus", "analogies", "pairs")}
    keep["evals"] = sorted(Path(p).name for p in spec["analogies"] + spec["pairs"])
    return hashlib.sha1(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:16]


def tool_name(tool: str, label: str) -> str:
    return f"{tool}[{label}]" if label and tool.startswith("w2v") else tool


def run_fit(spec: dict, nice: int) -> dict:
    # one BLAS thread: the evaluation's matrix products only, and on a busy machine extra
    # BLAS threads spinning beside the fits slowed them several times
    blas = {v: "1" for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env = blas | os.environ | {"PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": "0"}
    if spec["tool"].startswith("w2v"):
        env |= spec["w2v_env"]
    cmd = [sys.executable, __file__, "--child", json.dumps(spec)]
    if nice:
        cmd = ["nice", "-n", str(nice), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"fit {spec['tool']} {spec['config']} seed {spec['seed']} failed:\n"
            + proc.stderr[-3000:]
        )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**out, "wall_s": time.perf_counter() - t0}


def load_fits(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with open(path) as fh:
        return [json.loads(line) for line in fh if line.strip()]


def mean_std(xs: list[float]) -> tuple[float, float]:
    return statistics.mean(xs), (statistics.stdev(xs) if len(xs) > 1 else math.nan)


def paired(a: dict[int, float], b: dict[int, float]) -> tuple[float, float, int]:
    """Mean and standard error of a(s) − b(s) over the seeds both have."""
    seeds = sorted(set(a) & set(b))
    d = [a[s] - b[s] for s in seeds]
    if not d:
        return math.nan, math.nan, 0
    se = statistics.stdev(d) / math.sqrt(len(d)) if len(d) > 1 else math.nan
    return statistics.mean(d), se, len(d)


def summarise(records: list[dict], benches: list[str], reference: str) -> dict:
    """Per config and benchmark: each tool's mean, std, n and its paired difference from
    ``reference``; print it as a table."""
    table: dict = {}
    configs = list(dict.fromkeys(r["config"] for r in records))
    for config in configs:
        rows = [r for r in records if r["config"] == config]
        tools = list(dict.fromkeys(r["name"] for r in rows))
        print(f"\n== {config}  ({len(rows)} fits)")
        print(
            f"{'benchmark':24s} {'tool':22s} {'mean':>8s} {'std':>7s} {'n':>3s}"
            f"   {'minus ' + reference + ' (paired) ± SE':>30s}"
        )
        table[config] = {}
        for bench in benches:
            per_tool = {
                t: {r["seed"]: r["scores"][bench] for r in rows if r["name"] == t} for t in tools
            }
            table[config][bench] = {}
            for t in tools:
                vals = list(per_tool[t].values())
                m, s = mean_std(vals)
                entry = {"mean": m, "std": s, "n": len(vals), "seeds": sorted(per_tool[t])}
                diff = ""
                if t != reference and reference in per_tool:
                    dm, dse, dn = paired(per_tool[t], per_tool[reference])
                    entry |= {"diff": dm, "diff_se": dse, "diff_n": dn}
                    diff = f"{dm:+8.3f} ± {dse:.3f} (n={dn})" if dn else "n/a"
                table[config][bench][t] = entry
                scale = "{:8.3f} {:7.3f}" if "%" not in bench else "{:8.2f} {:7.2f}"
                print(f"{bench:24s} {t:22s} " + scale.format(m, s) + f" {len(vals):3d}   {diff}")
        times = {t: statistics.mean(r["train_s"] for r in rows if r["name"] == t) for t in tools}
        print("mean train s: " + ", ".join(f"{t} {v:.1f}" for t, v in times.items()))
    return table


def parse_kv(items: list[str], what: str) -> dict:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"{what} takes NAME=VALUE, got {item!r}")
        out[name] = value
    return out


def parse_params(items: list[str]) -> dict:
    """name=value with value read as JSON where it parses (numbers, true/false), else a str."""
    out = {}
    for name, value in parse_kv(items, "--w2v-param/--gensim-param").items():
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError:
            out[name] = value
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    ap.add_argument("--seed-list", default=None, help="comma-separated seeds instead of 1..N")
    ap.add_argument(
        "--bytes",
        type=int,
        default=12_000_000,
        help="train on this many first bytes of corpus.txt; 0 = whole corpus",
    )
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--configs", default=",".join(CONFIGS), help=f"of {', '.join(CONFIGS)}")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"of {', '.join(TOOLS)}")
    ap.add_argument("--analogies", nargs="*", default=[], help="extra analogy files")
    ap.add_argument("--pairs", nargs="*", default=[], help="extra word-pair files")
    ap.add_argument(
        "--w2v-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="environment variable for the w2v fits (repeatable)",
    )
    ap.add_argument(
        "--w2v-param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra Word2Vec parameter, value as JSON if it parses (repeatable)",
    )
    ap.add_argument("--gensim-param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--label", default="", help="names this w2v variant: tool w2v[LABEL]")
    ap.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL",
        help="also print w2v[LABEL] minus w2v (same workers), paired by seed",
    )
    ap.add_argument("--jobs", type=int, default=1, help="fits at a time (default 1)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the fits (0: none)")
    ap.add_argument(
        "--fits",
        type=Path,
        default=RESULTS / "quality_seeds_fits.jsonl",
        help="every fit is appended here (JSON lines)",
    )
    ap.add_argument("--reuse", action="store_true", help="reuse matching fits from --fits")
    ap.add_argument("--out", type=Path, default=None, help="summary JSON path")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        child(json.loads(args.child))
        return

    seeds = (
        [int(s) for s in args.seed_list.split(",")]
        if args.seed_list
        else list(range(1, args.seeds + 1))
    )
    configs = args.configs.split(",")
    tools = args.tools.split(",")
    for c in configs:
        if c not in CONFIGS:
            raise SystemExit(f"unknown config {c!r}; choose from {', '.join(CONFIGS)}")
    for t in tools:
        if t not in TOOLS:
            raise SystemExit(f"unknown tool {t!r}; choose from {', '.join(TOOLS)}")
    for p in [*args.analogies, *args.pairs]:
        if not Path(p).is_file():
            raise SystemExit(f"evaluation file not found: {p}")
    analogies = [str(GOOGLE), *map(str, args.analogies)]
    pairs = [str(WS353), *map(str, args.pairs)]
    benches = [Path(p).name for p in analogies + pairs]
    w2v_env = parse_kv(args.w2v_env, "--w2v-env")
    w2v_params, gensim_params = parse_params(args.w2v_param), parse_params(args.gensim_param)

    def spec_of(tool: str, config: str, seed: int, label: str, env: dict, corpus: Path) -> dict:
        w2v = tool.startswith("w2v")
        # gensim has no shared negatives: its sg-ns-shared fit is its sg-ns fit
        cfg = "sg-ns" if (not w2v and config == "sg-ns-shared") else config
        return {
            "tool": tool, "config": cfg, "seed": seed, "epochs": args.epochs,
            "bytes": args.bytes, "label": label if w2v else "",
            "w2v_env": env if w2v else {}, "w2v_params": w2v_params if w2v else {},
            "gensim_params": {} if w2v else gensim_params,
            "corpus": str(corpus), "analogies": analogies, "pairs": pairs,
        }  # fmt: skip

    previous = load_fits(args.fits) if args.reuse else []
    done = {r["key"]: r for r in previous}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = corpus_slice(args.bytes, Path(tmp))
        jobs = []  # (config shown, name shown, spec)
        for config in configs:
            for tool in tools:
                for seed in seeds:
                    spec = spec_of(tool, config, seed, args.label, w2v_env, corpus)
                    jobs.append((config, tool_name(tool, args.label), spec))
        records: list[dict] = []
        todo = [j for j in jobs if fit_key(j[2]) not in done]
        print(f"{len(jobs)} fits, {len(jobs) - len(todo)} reused; corpus {corpus}", flush=True)

        def work(job: tuple) -> tuple:
            config, name, spec = job
            key = fit_key(spec)
            if key in done:
                return job, done[key]
            res = run_fit(spec, args.nice)
            rec = {"key": key, **{k: v for k, v in spec.items() if k != "corpus"}, **res}
            args.fits.parent.mkdir(parents=True, exist_ok=True)
            with open(args.fits, "a") as fh:
                fh.write(json.dumps(rec) + "\n")
            done[key] = rec
            first = benches[0]
            print(
                f"  {config:12s} {name:22s} seed {spec['seed']:2d}: "
                + " ".join(f"{b} {rec['scores'][b]:.3f}" for b in benches)
                + f"  ({rec['train_s']:.1f} s train, {first})",
                flush=True,
            )
            return job, rec

        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for (config, name, _), rec in pool.map(work, jobs):
                records.append({**rec, "config": config, "name": name})

    table = summarise(records, benches, REFERENCE)
    comparisons = {}
    for label in args.compare:  # variant minus today's w2v (same tool), from --fits
        every = load_fits(args.fits)
        for config in configs:
            for tool in (t for t in tools if t.startswith("w2v")):
                cfg = spec_of(tool, config, seeds[0], label, {}, corpus)["config"]
                print(f"\n== {config} {tool}: w2v[{label}] minus {tool} (paired by seed)")
                base = {
                    r["seed"]: r["scores"]
                    for r in every
                    if r["tool"] == tool
                    and r["config"] == cfg
                    and r["label"] == ""
                    and not r["w2v_env"]
                    and not r["w2v_params"]
                    and r["epochs"] == args.epochs
                    and r["bytes"] == args.bytes
                    and r["seed"] in seeds
                }
                var = {
                    r["seed"]: r["scores"]
                    for r in every
                    if r["tool"] == tool
                    and r["config"] == cfg
                    and r["label"] == label
                    and r["epochs"] == args.epochs
                    and r["bytes"] == args.bytes
                    and r["seed"] in seeds
                }
                comparisons[f"{config}/{tool}/{label}"] = {}
                for bench in benches:
                    a = {s: v[bench] for s, v in var.items() if bench in v}
                    b = {s: v[bench] for s, v in base.items() if bench in v}
                    dm, dse, dn = paired(a, b)
                    comparisons[f"{config}/{tool}/{label}"][bench] = {
                        "diff": dm,
                        "se": dse,
                        "n": dn,
                    }
                    print(f"{bench:24s} {dm:+8.3f} ± {dse:.3f} (n={dn})")
    write_results(
        "quality_seeds",
        {
            "settings": {
                "bytes": args.bytes, "epochs": args.epochs, "seeds": seeds,
                "w2v_env": w2v_env, "w2v_params": w2v_params, "gensim_params": gensim_params,
                "label": args.label, "restrict_vocab": RESTRICT, "difference": "paired by seed",
            },
            "table": table,
            "comparisons": comparisons,
            "fits": records,
        },
        args.out,
    )  # fmt: skip


if __name__ == "__main__":
    main()
