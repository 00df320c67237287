"""Benchmark: screen candidate merges of w2v.spark's rounds in the simulator (issue 20).

    python benchmarks/spark_merge_screen.py --partitions 16 \\
        --runs "aa:s=8;nfs:s=8;aa:s=8,mu=0.5,nv=1;neff:beta=1"

Research code, not the library's merges: each run replaces the driver's merge with one of
the formulas below and otherwise runs ``w2v.engines.rounds``' simulator (the same slices,
``train_piece``, ``run_rounds`` and default rounds), skip-gram NS (``--arch cbow``: CBOW
NS), dim 100, window 5, negative 5, min_count 5, sample 1e-3, 1 epoch, one thread per
partition, on the first ``--bytes`` of the corpus. A run is ``KIND[:key=value,...]``;
per row some partition changed, with d_p = partition p's change and n = the partitions
that changed the row, the merged change is D = f × Σ_p d_p with

- ``aa``: f = 1 / P (``sync="average_all"``);
- ``pow``: f = n^-beta;
- ``neff``: f = n_eff^-beta, n_eff = (Σ |d_p|)² / Σ |d_p|² (1 for a change from one
  partition, P for P equal changes);
- ``nfs``: ``neff`` with f = n_eff^-beta / s, beta = 1 − log s / log P: a change from
  one partition is taken whole at rate α, P equal changes as ``aa`` at rate s α.

Keys: ``s`` the partitions' learning-rate scale (default 1), ``beta``, ``se``
(sync_every), ``mu`` block momentum (G ← mu G + D on the changed rows, W += G), ``nv=1``
Nesterov's look-ahead (the next round starts from W_g + mu G; ``aa:s=8,mu=M,nv=1`` is
``sync="nesterov"``), ``ma=1`` momentum on every row each round. Prints one line per run:
the last epoch's loss, analogy (3CosAdd, restrict_vocab 30000) and WS353; with ``nv=1``
also the scores of W_g (without the look-ahead).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"


class ScreenMerge:
    """One of the candidate merges (see the module docstring), state kept between rounds."""

    def __init__(self, kind: str, partitions: int, beta: float, g: float, mu: float, nv: int,
                 ma: int):  # fmt: skip
        self.kind, self.partitions, self.beta, self.g = kind, partitions, beta, g
        self.mu, self.nv, self.ma = mu, nv, ma
        self.G: dict[int, np.ndarray] = {}
        self.W_g: dict[int, np.ndarray] = {}

    def _step(self, W: np.ndarray, updates: list, key: int) -> None:
        V = len(W)
        total = np.zeros_like(W)
        n = np.zeros(V, np.int32)
        s1, s2 = np.zeros(V), np.zeros(V)
        for rows, values in updates:
            d = values - W[rows]
            total[rows] += d
            n[rows] += 1
            norm = np.sqrt((d.astype(np.float64) ** 2).sum(1))
            s1[rows] += norm
            s2[rows] += norm * norm
        t = np.flatnonzero(n)
        if self.kind == "aa":
            f = np.full(len(t), 1.0 / self.partitions)
        elif self.kind == "pow":
            f = n[t].astype(np.float64) ** -self.beta
        else:  # neff
            n_eff = np.where(s2[t] > 0, s1[t] ** 2 / np.maximum(s2[t], 1e-300), 1.0)
            f = n_eff**-self.beta
        D = total[t] * (f * self.g)[:, None].astype(np.float32)
        if self.mu == 0:
            W[t] += D
            return
        if key not in self.G:
            self.G[key], self.W_g[key] = np.zeros_like(W), W.copy()
        G, W_g = self.G[key], self.W_g[key]
        if self.ma:  # momentum on every row, as BMUF on the whole model
            G *= self.mu
            G[t] += D
            if self.nv:
                W_g += G
                W[:] = W_g + self.mu * G
            else:
                W += G
            return
        G[t] = self.mu * G[t] + D
        if self.nv:
            W_g[t] += G[t]
            W[t] = W_g[t] + self.mu * G[t]
        else:
            W[t] += G[t]

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list) -> None:
        self._step(W_in, [(u.rows_in, u.values_in) for u in updates], 0)
        self._step(W_out, [(u.rows_out, u.values_out) for u in updates], 1)


def _parse(spec: str) -> tuple[str, dict[str, float]]:
    kind, _, rest = spec.partition(":")
    options = dict(s=1.0, beta=1.0, g=1.0, mu=0.0, nv=0.0, ma=0.0, se=0.0)
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        if key not in options:
            raise SystemExit(f"unknown key {key!r} in run {spec!r}; known: {sorted(options)}")
        options[key] = float(value)
    if kind not in ("aa", "pow", "neff", "nfs"):
        raise SystemExit(f"unknown merge {kind!r} in run {spec!r}: aa, pow, neff or nfs")
    return kind, options


def _quality(kv, eval_dir: Path) -> tuple[float, float]:
    ws = kv.evaluate_word_pairs(eval_dir / "wordsim353.tsv").spearman
    an = kv.evaluate_analogies(eval_dir / "questions-words.txt", restrict_vocab=30_000).accuracy
    return 100.0 * float(an), float(ws)


def main() -> None:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(DATA / "corpus.txt"))
    parser.add_argument("--eval-dir", default=str(DATA / "eval"))
    parser.add_argument("--bytes", type=int, default=24_000_000, help="0: the whole corpus")
    parser.add_argument("--partitions", default="16")
    parser.add_argument("--runs", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--arch", default="skipgram")
    args = parser.parse_args()

    from w2v import TrainConfig, Word2Vec
    from w2v.engines.rounds import (
        RoundSettings,
        SimulatedEngine,
        partition_config,
        run_rounds,
        train_piece,
    )
    from w2v.model import init_weights

    runs = [(spec, *_parse(spec)) for spec in args.runs.split(";")]
    with open(args.corpus, "rb") as fh:
        data = fh.read(args.bytes) if args.bytes else fh.read()
    data = data[: data.rfind(b"\n") + 1].decode("utf-8")
    sentences = [line.split() for line in data.splitlines() if line.strip()]
    del data
    config = TrainConfig.from_kwargs(arch=args.arch, loss="ns", epochs=1, dim=100, window=5,
                                     negative=5, min_count=5, sample=1e-3, seed=args.seed,
                                     workers=1)  # fmt: skip
    eval_dir = Path(args.eval_dir)
    for parts in map(int, args.partitions.split(",")):
        corpus = SimulatedEngine(parts).read(sentences, config)
        P = corpus.busy
        for spec, kind, o in runs:
            t0 = time.perf_counter()
            settings = RoundSettings(sync_every=int(o["se"]) if o["se"] else None)
            rounds, _ = settings.plan(config, corpus.n_words, P)
            beta, g = o["beta"], o["g"]
            if kind == "nfs":
                kind, g, beta = "neff", 1.0 / o["s"], 1 - math.log(o["s"]) / math.log(P)
            merge = ScreenMerge(kind, P, beta, g, o["mu"], int(o["nv"]), int(o["ma"]))
            W_in, W_out = init_weights(config, len(corpus.vocab))
            cfg = partition_config(config, o["s"])

            def train_round(r: int, cfg=cfg, rounds=rounds, W_in=W_in, W_out=W_out, c=corpus):
                updates = []
                for index, (ids, ends) in enumerate(c.parts):
                    update = train_piece(cfg, c.vocab, ids, ends, W_in, W_out,
                                         index=index, piece=(r, rounds), workers=1)  # fmt: skip
                    if update is not None:
                        updates.append(update)
                return updates

            history = run_rounds(config, rounds, train_round, merge, W_in, W_out)
            line = f"P={P:<3} seed {args.seed} {spec:<34} rounds {rounds:>3} "
            line += f"loss {history[-1]:.4f} {time.perf_counter() - t0:6.1f} s "
            if not np.isfinite(W_in).all():
                print(line + "diverged: non-finite W_in", flush=True)
                continue
            model = Word2Vec.from_weights(config, corpus.vocab, W_in, W_out, epochs_trained=1)
            an, ws = _quality(model.wv, eval_dir)
            line += f"analogy {an:5.2f} %  WS353 {ws:.3f}"
            if merge.nv and merge.W_g:
                W_g = Word2Vec.from_weights(config, corpus.vocab, *merge.W_g.values())
                line += "  [W_g: {:.2f} % {:.3f}]".format(*_quality(W_g.wv, eval_dir))
            print(line, flush=True)


if __name__ == "__main__":
    main()
