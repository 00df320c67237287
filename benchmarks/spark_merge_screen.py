"""Benchmark: screen candidate merges of w2v.spark's rounds in the simulator (issue 20).

    python benchmarks/spark_merge_screen.py --partitions 16 \\
        --runs "aa:s=8;nfs:s=8;aa:s=8,mu=0.5,nv=1;neff:beta=1"

Research code, not the library's merges: each run replaces the driver's merge with one of
the formulas below and otherwise runs ``w2v.engines.rounds``' simulator (the same slices,
``train_piece``'s training and default number of rounds), skip-gram NS (``--arch cbow``: CBOW
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
``sync="nesterov"``; ``la=L``: from W_g + L G instead), ``ma=1`` momentum on every row
each round, ``muw=K`` the momentum ramped up linearly from 0 over the first K rounds
(mu × min(1, (r + 1) / K)), ``rc=C`` the partitions' rate capped at C × alpha instead
of a fixed scale (round r's scale min(P, C / (1 − t_r)), t_r the fraction of the
schedule where it starts, and mu = 1 − scale / P that round).

Round sizes (the number of rounds stays the default's, or ``se``'s): ``gam=G`` ends round
k of R at the fraction 1 − (1 − k / R)^G of each partition's schedule (1: equal rounds,
the default here; 0.5: equal shares of the learning rate's decrease, short rounds first;
1.5: the library's ``taper`` default since issue 20's session 10), ``head=H,hn=N`` puts
the first fraction H of the schedule in N equal rounds and the rest in the other R − N.
``bw=B``: the partitions' batch_words (default here 10,000, the config's: a round is whole
batches, so with fewer than ~10,000 words per partition and round some rounds are empty;
the library now caps it at 1/8 of an average round). Prints one line per run: the
epoch's loss (``late``: over the last quarter of the schedule), analogy (3CosAdd,
restrict_vocab 30000) and WS353; with ``nv=1`` also the scores of W_g (without the
look-ahead).
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
                 ma: int, muw: int = 0, la: float = -1.0):  # fmt: skip
        self.kind, self.partitions, self.beta, self.g = kind, partitions, beta, g
        self.mu0, self.nv, self.ma, self.muw = mu, nv, ma, muw
        self.mu = mu
        self.la = la  # the look-ahead factor (default: mu)
        self.round = 0
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
        if self.mu0 == 0:
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
            W[t] = W_g[t] + (self.mu if self.la < 0 else self.la) * G[t]
        else:
            W[t] += G[t]

    def __call__(self, W_in: np.ndarray, W_out: np.ndarray, updates: list) -> None:
        if self.muw:
            self.mu = self.mu0 * min(1.0, (self.round + 1) / self.muw)
        self.round += 1
        self._step(W_in, [(u.rows_in, u.values_in) for u in updates], 0)
        self._step(W_out, [(u.rows_out, u.values_out) for u in updates], 1)


def _parse(spec: str) -> tuple[str, dict[str, float]]:
    kind, _, rest = spec.partition(":")
    options = dict(
        s=1.0,
        beta=1.0,
        g=1.0,
        mu=0.0,
        nv=0.0,
        ma=0.0,
        se=0.0,
        muw=0.0,
        gam=1.0,
        head=0.0,
        hn=0.0,
        bw=0.0,
        la=-1.0,
        rc=0.0,
    )
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        if key not in options:
            raise SystemExit(f"unknown key {key!r} in run {spec!r}; known: {sorted(options)}")
        options[key] = float(value)
    if kind not in ("aa", "pow", "neff", "nfs"):
        raise SystemExit(f"unknown merge {kind!r} in run {spec!r}: aa, pow, neff or nfs")
    return kind, options


def round_ends(rounds: int, o: dict[str, float]) -> np.ndarray:
    """(rounds + 1,) fractions of each partition's schedule where the rounds end."""
    k = np.arange(rounds + 1) / rounds
    if o["head"]:
        n = int(o["hn"])
        head = np.linspace(0.0, o["head"], n + 1)
        tail = np.linspace(o["head"], 1.0, rounds - n + 1)
        return np.concatenate((head, tail[1:]))
    return 1 - (1 - k) ** o["gam"]


def train_span(config, vocab, ids, ends, W_in0, W_out0, *, index, span, losses):
    """``w2v.engines.rounds.train_piece`` for the fractions ``span`` = (a, b) of the
    partition's schedule (whole batches); appends (summed loss, words) to ``losses``."""
    from w2v.engines.cpu import CpuEngine
    from w2v.engines.rounds import PartitionUpdate, changed_rows, tables_for
    from w2v.kernels import kernel_matrix
    from w2v.schedule import TrainState, plan_batches
    from w2v.vocab import ArrayCorpus

    if len(ids) == 0:
        return None
    W_in = kernel_matrix(*W_in0.shape, source=W_in0)
    W_out = kernel_matrix(*W_out0.shape, source=W_out0)
    cfg = config.replace(workers=1, seed=config.seed + index)
    bounds = plan_batches(ends, len(ids), cfg.batch_words)
    n_batches = len(bounds) - 1
    first, stop = (math.floor(x * n_batches + 1e-9) for x in span)  # one epoch, as piece_bounds
    out: list = []
    CpuEngine().train(cfg, vocab, ArrayCorpus(ids, ends), W_in, W_out,
                      tables=tables_for(cfg, vocab), start=TrainState.at(n_batches, first),
                      stop=stop, on_epoch_end=lambda e, loss: out.append(loss))  # fmt: skip
    words = int(bounds[stop] - bounds[first])
    if out and words and np.isfinite(out[0]):
        losses.append((out[0] * words, words, span[0]))
    rows_in = changed_rows(W_in, W_in0)
    rows_out = changed_rows(W_out, W_out0)
    return PartitionUpdate(index, rows_in, W_in[rows_in], rows_out, W_out[rows_out], [],
                           len(ids))  # fmt: skip


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
    from w2v.engines.rounds import RoundSettings, SimulatedEngine, partition_config
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
            merge = ScreenMerge(kind, P, beta, g, o["mu"], int(o["nv"]), int(o["ma"]),
                                int(o["muw"]), o["la"])  # fmt: skip
            W_in, W_out = init_weights(config, len(corpus.vocab))
            cfg = partition_config(config, o["s"])
            if o["bw"]:
                cfg = cfg.replace(batch_words=int(o["bw"]))
            ends_at = round_ends(rounds, o)
            losses: list = []
            for r in range(rounds):
                if o["rc"]:  # the partitions' rate capped at rc × alpha, not their scale
                    s_r = min(float(P), o["rc"] / max(1e-9, 1.0 - ends_at[r]))
                    cfg = partition_config(config, s_r)
                    if o["bw"]:
                        cfg = cfg.replace(batch_words=int(o["bw"]))
                    merge.mu = merge.mu0 = max(0.0, 1.0 - s_r / P) or 1e-12
                updates = []
                for index, (ids, ends) in enumerate(corpus.parts):
                    span = (ends_at[r], ends_at[r + 1])
                    update = train_span(cfg, corpus.vocab, ids, ends, W_in, W_out, index=index,
                                        span=span, losses=losses)  # fmt: skip
                    if update is not None:
                        updates.append(update)
                merge(W_in, W_out, updates)
            loss = sum(x for x, _, _ in losses) / max(1, sum(w for _, w, _ in losses))
            late = [(x, w) for x, w, a in losses if a >= 0.75 - 1e-9]  # the last quarter
            late_loss = sum(x for x, _ in late) / max(1, sum(w for _, w in late))
            history = [loss]
            line = f"P={P:<3} seed {args.seed} {spec:<34} rounds {rounds:>3} "
            line += f"loss {history[-1]:.4f} late {late_loss:.4f} "
            line += f"{time.perf_counter() - t0:6.1f} s "
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
