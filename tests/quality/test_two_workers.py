"""Two workers train as well as one: the final training loss of a 2-worker HS fit is not above
the 1-worker fit's by more than a calibrated margin.

Why a loss and not analogies. Issue 26 found that the private copies of the most-shared rows
(``hot_rows`` in ``engines/cpu.py``: with ``workers > 1`` each thread trains its own copy of the top
of the Huffman tree, and in CBOW of the most frequent words' input rows, merged once per
batch) cost two-worker HS fits analogy points against one worker and gensim (CBOW HS 3.14 %
vs 3.87 %, skip-gram HS 5.71 % vs 6.19 % on the 2.1M-word slice). On analogy accuracy that
gap (0.5-0.7 points) is 2-3 sigma of one run's spread (0.2-0.3 points), so an analogy test
needs ~6 fits per side (minutes). The training loss shows the same cause with almost no noise:
it is a mean over ~10^6 examples, the learning rates and random draws are fixed by the seed
(only the interleaving of two threads differs), and the 1-worker fit is bit-reproducible. It
is the objective both fits minimise, at the same learning rates: a 2-worker fit that
ends with a higher loss has fitted the corpus worse.

Calibration (issue 26, first 3,000,000 bytes of ../shared/data/corpus.txt = 0.5M words,
3 epochs, dim 100, window 5, sample 1e-3, min_count 5, alpha 0.05 CBOW / 0.025 skip-gram,
seeds 1-3; loss of the last epoch, 2 workers minus 1 worker; 2-core machine under load)::

                                           CBOW HS                 skip-gram HS
    today (1024 private rows in and out)   +0.059 +0.060 +0.065    +0.017 +0.016 +0.017
    no private HS output rows              +0.024 +0.021 +0.021    +0.001 +0.001 +0.001
    no private rows at all                 -0.001 (seed 1)         (skip-gram has none in)
    16 private rows in and out             +0.020 (seed 1)         +0.008 (seed 1, out 16)
    4 private rows in and out              +0.006 (seed 1)         +0.005 (seed 1, out 4)
    private rows merged every 2,000 words  +0.017 (seed 1)
    merged as the mean, not the sum        +0.165 (seed 1)

The spread of the difference over seeds is ~0.003 (CBOW) and ~0.001 (skip-gram); the
1-worker loss is 6.966 (CBOW HS) and 7.301 (skip-gram HS). This test itself, on its slice
(cut at a line end): today +0.0652 (CBOW) and +0.0163 (skip-gram), both failing; with no
private rows (``W2V_EXP_HOT_IN=0 W2V_EXP_HOT_OUT=0`` on branch wt-quality) +0.0003 and
+0.0024, both passing; 55 s for both under load 12 on 2 cores. The margins, 0.015 and
0.006, are about a quarter and a third of today's gap: today fails each by >= 10 sigma, a
trainer with no private rows passes by >= 3.5 sigma. On the 2.1M-word slice the same gaps are +0.046
(CBOW HS, 3 seeds, spread 0.001) with +0.010 left without private HS output rows, and the
analogy scores follow: on that slice, 5 seeds each, paired by seed, Google analogy points
against today's 2 workers: no private HS output rows +0.58 +- 0.14 (CBOW HS) and +0.64 +- 0.09
(skip-gram HS); 4 private rows in and out +0.41 +- 0.11 and +0.45 +- 0.10, which brings both
to gensim's level (CBOW HS 3.66 %, gensim 3.64 %, 1 worker 3.87 % on seeds 1-3; skip-gram HS
6.28 %, gensim 6.32 %, 1 worker 6.19 %; measured with ``benchmarks/quality_seeds.py``, whose
``--w2v-env`` sets the knobs).

The fix (issue 26): 64 private rows, the top 16 synced every 500 kept words inside a batch,
32 every 1,000, all 64 every 2,000 and after each batch (``sync_tier`` in
``kernels/common.py``). This test then: +0.004 (CBOW) and +0.003 (skip-gram), seed 1; the
NS fits, which this test leaves out, went from +0.028 (CBOW) and +0.024 (skip-gram) to
-0.001 and +0.002.

Cost: 4 fits of 0.5M words x 3 epochs, ~15-25 s on 2 idle cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "data" / "corpus.txt"
SLICE_BYTES = 3_000_000  # ~0.5M words; cut back to the last line end
SEED = 1

#: Largest allowed (2-worker − 1-worker) loss of the last epoch; see the module docstring.
MARGINS = {"cbow": 0.015, "skipgram": 0.006}

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def small_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_file():
        pytest.skip(f"quality data not found: {CORPUS} (expected under ../shared/data/)")
    with open(CORPUS, "rb") as fh:
        data = fh.read(SLICE_BYTES)
    dest = tmp_path_factory.mktemp("two_workers") / "slice.txt"
    dest.write_bytes(data[: data.rfind(b"\n") + 1])
    return dest


def final_loss(path: Path, arch: str, workers: int) -> float:
    from w2v import Word2Vec

    model = Word2Vec(
        arch=arch,
        loss="hs",
        dim=100,
        window=5,
        sample=1e-3,
        min_count=5,
        epochs=3,
        alpha=0.05 if arch == "cbow" else 0.025,
        workers=workers,
        seed=SEED,
    ).fit(path, progress=False)
    return model.loss_history[-1]


@pytest.mark.parametrize("arch", ["cbow", "skipgram"])
def test_two_hs_workers_fit_as_well_as_one(small_slice: Path, arch: str) -> None:
    one = final_loss(small_slice, arch, workers=1)
    two = final_loss(small_slice, arch, workers=2)
    summary = f"{arch} HS last-epoch loss: 1 worker {one:.4f}, 2 workers {two:.4f}"
    print(summary)
    assert two - one <= MARGINS[arch], (
        f"{summary}: 2 workers fit worse by {two - one:.4f} > {MARGINS[arch]} "
        "(the private hot rows? see HOT_ROWS and SYNC_EVERY in src/w2v/engines/cpu.py)"
    )
