"""The PyTorch backend: its batch math equals the float64 reference, and it trains on the CPU."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, VARIANTS
from planted import twin_corpus
from w2v import ConfigError, DeviceError, Word2Vec, reference
from w2v.cli import main
from w2v.huffman import build_huffman

torch = pytest.importorskip("torch")
tb = pytest.importorskip("w2v.engines.torch")


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """One intra-op thread: on a small, shared CI machine torch's OpenMP threads mostly spin."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")

V, DIM, LR = 9, 6, 0.1


def _matrices(loss: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_out = V - 1 if loss == "hs" else V
    return rng.normal(0, 0.5, (V, DIM)), rng.normal(0, 0.5, (n_out, DIM))


def _tables(counts: np.ndarray) -> tb.DeviceTables:
    tree = build_huffman(counts)
    f64 = torch.float64
    return tb.DeviceTables(
        keep_prob=torch.ones(V, dtype=f64),
        noise_prob=torch.ones(V, dtype=f64),
        noise_alias=torch.arange(V),
        points=torch.as_tensor(tree.points, dtype=torch.long),
        codes=torch.as_tensor(tree.codes, dtype=f64),
        lengths=torch.as_tensor(tree.lengths, dtype=torch.long),
    )


COUNTS = np.array([40, 20, 12, 9, 7, 5, 3, 2, 1])
TREE = build_huffman(COUNTS)
# three examples with distinct targets and inputs; negatives chosen so one equals a target
SG_INPUTS, TARGETS = [4, 5, 6], [1, 2, 3]
NEGATIVES = [[0, 7], [8, 2], [0, 6]]  # per example; example 1's noise word 2 is its target
CBOW_CONTEXT = [[4, 5, 0], [6, 7, 8], [5, 0, 0]]
CBOW_MASK = [[1, 1, 0], [1, 1, 1], [1, 0, 0]]


def _reference_steps(loss, W_in, W_out, examples, negatives, cbow_mean=True):
    """The summed SGD steps of independent examples, each from w2v.reference (float64)."""
    d_in, d_out, total = np.zeros_like(W_in), np.zeros_like(W_out), 0.0
    for k, (inputs, target) in enumerate(examples):
        extra = {}
        if loss == "ns":
            extra["negatives"] = [w for w in negatives[k] if w != target]  # skipped, as word2vec.c
        elif loss == "hs":
            extra["points"], extra["codes"] = TREE.path(target)
        new_in, new_out, value = reference.sgd_step(
            loss, W_in, W_out, inputs, target, LR, cbow_mean=cbow_mean, **extra
        )
        d_in += new_in - W_in
        d_out += new_out - W_out
        total += value
    return d_in, d_out, total


def _run_backend(arch, loss, W_in, W_out, negatives, group, cbow_mean=True):
    Win, Wout = torch.tensor(W_in), torch.tensor(W_out)
    tables = _tables(COUNTS)
    lr = torch.full((3,), LR, dtype=torch.float64)
    targets = torch.tensor(TARGETS)
    out = {"negatives": torch.tensor(negatives), "group": group, "opts": tb.TorchOptions()}
    if arch == "skipgram":
        loss_b = tb.skipgram_step(
            loss, Win, Wout, torch.tensor(SG_INPUTS), targets, lr, tables, **out
        )
    else:
        loss_b = tb.cbow_step(
            loss, Win, Wout, torch.tensor(CBOW_CONTEXT), torch.tensor(CBOW_MASK, dtype=torch.bool),
            targets, lr, cbow_mean, tables, **out,
        )  # fmt: skip
    return Win.numpy() - W_in, Wout.numpy() - W_out, float(loss_b.sum())


def _examples(arch):
    if arch == "skipgram":
        return [([i], t) for i, t in zip(SG_INPUTS, TARGETS, strict=True)]
    return [
        ([c for c, m in zip(ctx, mask, strict=True) if m], t)
        for ctx, mask, t in zip(CBOW_CONTEXT, CBOW_MASK, TARGETS, strict=True)
    ]


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_batch_step_equals_the_float64_reference(arch, loss):
    """One batch of three examples moves W_in and W_out by the sum of the reference's steps."""
    W_in, W_out = _matrices(loss)
    d_in, d_out, value = _run_backend(arch, loss, W_in, W_out, NEGATIVES, 1)
    r_in, r_out, r_value = _reference_steps(loss, W_in, W_out, _examples(arch), NEGATIVES)
    np.testing.assert_allclose(d_in, r_in, atol=1e-12)
    np.testing.assert_allclose(d_out, r_out, atol=1e-12)
    assert value == pytest.approx(r_value, rel=1e-12)
    assert np.abs(d_in).max() > 1e-3 and np.abs(d_out).max() > 1e-3  # something moved


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_shared_negatives_equal_the_reference_with_the_group_draw(arch):
    """With neg_group=3 every example of the group is trained against the same noise words."""
    W_in, W_out = _matrices("ns", seed=1)
    shared = [[0, 2]]  # 2 is example 1's target: skipped for it only
    d_in, d_out, value = _run_backend(arch, "ns", W_in, W_out, shared, 3)
    r_in, r_out, r_value = _reference_steps("ns", W_in, W_out, _examples(arch), shared * 3)
    np.testing.assert_allclose(d_in, r_in, atol=1e-12)
    np.testing.assert_allclose(d_out, r_out, atol=1e-12)
    assert value == pytest.approx(r_value, rel=1e-12)


def test_cbow_sum_equals_the_reference():
    """cbow_mean=False sums the context rows, as the reference does."""
    W_in, W_out = _matrices("hs", seed=2)
    d_in, d_out, _ = _run_backend("cbow", "hs", W_in, W_out, NEGATIVES, 1, cbow_mean=False)
    r_in, r_out, _ = _reference_steps("hs", W_in, W_out, _examples("cbow"), NEGATIVES, False)
    np.testing.assert_allclose(d_in, r_in, atol=1e-12)
    np.testing.assert_allclose(d_out, r_out, atol=1e-12)


def test_row_cap_scales_only_rows_over_the_cap():
    """capped_add sums repeated rows exactly up to the cap and scales a heavier row down to it."""
    W = torch.zeros(3, 2, dtype=torch.float64)
    idx = torch.tensor([0, 0, 0, 0, 1])
    src = torch.ones(5, 2, dtype=torch.float64)
    tb.capped_add(W, idx, src, torch.ones(5, dtype=torch.float64), cap=2.0)
    assert W[:, 0].tolist() == [2.0, 1.0, 0.0]  # row 0: 4 contributions scaled by 2/4
    W.zero_()
    tb.capped_add(W, idx, src, torch.ones(5, dtype=torch.float64), cap=None)
    assert W[:, 0].tolist() == [4.0, 1.0, 0.0]


def test_noise_words_follow_the_alias_table():
    """draw_negatives reproduces count^0.75 within sampling error."""
    from w2v.kernels import build_alias_table

    p = COUNTS**0.75 / (COUNTS**0.75).sum()
    prob, alias = build_alias_table(p)
    tables = _tables(COUNTS)
    tables.noise_prob = torch.as_tensor(prob, dtype=torch.float64)
    tables.noise_alias = torch.as_tensor(alias, dtype=torch.long)
    gen = torch.Generator().manual_seed(3)
    draws = tb.draw_negatives(tables, (100_000, 2), gen).numpy().ravel()
    freq = np.bincount(draws, minlength=V) / draws.size
    np.testing.assert_allclose(freq, p, atol=0.004)


def test_examples_respect_radius_sentences_and_subsampling():
    """Skip-gram pairs stay inside sentences and radii; CBOW centres list the same contexts."""
    tables = _tables(COUNTS)
    tables.keep_prob = torch.tensor([0.0] + [1.0] * (V - 1), dtype=torch.float64)  # drop word 0
    ids = torch.tensor([1, 2, 0, 3, 4, 5, 6, 7, 8, 1])
    seg = torch.tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    gen = torch.Generator().manual_seed(0)
    pos, inputs, _, targets = tb.chunk_examples(ids, seg, tables, 2, True, gen)
    gen.manual_seed(0)
    c_pos, ctx, c_mask, c_targets = tb.chunk_examples(ids, seg, tables, 2, False, gen)
    assert 2 not in pos.tolist() and 0 not in inputs.tolist() + targets.tolist()
    kept = [p for p in range(10) if p != 2]
    for p, i, t in zip(pos.tolist(), inputs.tolist(), targets.tolist(), strict=True):
        assert ids[p] == t
        q = [k for k in kept if ids[k] == i and seg[k] == seg[p]]
        assert q and min(abs(kept.index(k) - kept.index(p)) for k in q) <= 2
    pairs = sorted(zip(pos.tolist(), inputs.tolist(), strict=True))
    from_cbow = sorted(
        (p, c)
        for p, row, m in zip(c_pos.tolist(), ctx.tolist(), c_mask.tolist(), strict=True)
        for c, ok in zip(row, m, strict=True)
        if ok
    )
    assert pairs == from_cbow  # the same draws give the same windows
    assert torch.equal(c_targets, ids[c_pos])


CORPUS = twin_corpus()
SMALL = dict(dim=20, min_count=1, epochs=5, sample=0.0, seed=1, device="cpu")


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_planted_twins_and_falling_loss_on_the_cpu(arch, loss):
    """device='cpu' trains all six variants: finite, falling loss and the planted neighbours."""
    model = Word2Vec(arch=arch, loss=loss, **SMALL).fit(CORPUS)
    history = model.loss_history
    assert len(history) == 5 and all(np.isfinite(history))
    assert history[-1] < history[0] - 0.02
    assert model.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"
    assert model.wv.most_similar("twin_b", topn=1)[0][0] == "twin_a"
    assert model.wv.similarity("twin_a", "twin_b") > 0.8


def test_saved_and_loaded_like_a_cpu_model(tmp_path):
    """A torch-trained model saves, loads and answers queries like a CPU-trained one."""
    model = Word2Vec(**dict(SMALL, epochs=2)).fit(CORPUS)
    path = tmp_path / "m.w2v"
    model.save(path)
    back = Word2Vec.load(path)
    assert back.config.device == "cpu"
    np.testing.assert_array_equal(back.W_in, model.W_in)
    assert back.wv.most_similar("twin_a", topn=3) == model.wv.most_similar("twin_a", topn=3)


def test_callbacks_see_the_vectors_of_each_epoch():
    """Callbacks run after every epoch with the model's W_in already updated."""
    seen = []
    model = Word2Vec(**dict(SMALL, epochs=2))
    model.fit(CORPUS, callbacks=[lambda m, e, l: seen.append((e, l, m.W_in.copy()))])
    assert [e for e, _, _ in seen] == [0, 1]
    assert [l for _, l, _ in seen] == model.loss_history
    assert not np.array_equal(seen[0][2], seen[1][2])


def test_cli_trains_with_device_cpu(tmp_path, capsys):
    """w2v train --device cpu writes vectors."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in CORPUS[:300]))
    out = tmp_path / "v.txt"
    code = main(["train", str(corpus), "-o", str(out), "--device", "cpu", "--min-count", "1"])
    header = out.read_text().split("\n", 1)[0].split()
    assert code == 0 and int(header[0]) > 40 and header[1] == "100"


def test_bad_device_is_a_config_error():
    """An unknown device name is refused when the config is built."""
    with pytest.raises(ConfigError, match=r"'device' parameter must be None .*Got 'gpu'"):
        Word2Vec(device="gpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_is_one_line(tmp_path, capsys):
    """device='cuda' with a CPU-only PyTorch fails before reading the corpus, in one line."""
    with pytest.raises(DeviceError, match="sees no CUDA GPU"):
        Word2Vec(device="cuda").fit(tmp_path / "does-not-exist.txt")
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    assert main(["train", str(corpus), "-o", str(tmp_path / "v.bin"), "--device", "cuda"]) == 2
    err = capsys.readouterr().err.strip()
    assert "sees no CUDA GPU" in err and "\n" not in err


def test_without_torch_the_error_says_how_to_install(monkeypatch):
    """When torch cannot be imported, device='cuda' says: pip install "w2v[gpu]"."""
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(DeviceError, match=r'pip install "w2v\[gpu\]"') as info:
        Word2Vec(device="cuda").fit([["a", "b"]])
    assert "\n" not in str(info.value)


def test_importing_w2v_does_not_import_torch():
    """torch is imported only when a model is trained with a device."""
    code = "import sys, w2v, w2v.cli; print('torch' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.strip() == "False", run.stderr


@needs_cuda
@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_planted_twins_on_cuda(arch, loss):
    """On a GPU all six variants find the planted neighbours with a falling loss."""
    model = Word2Vec(arch=arch, loss=loss, **dict(SMALL, device="cuda")).fit(CORPUS)
    assert model.loss_history[-1] < model.loss_history[0] - 0.02
    assert model.wv.most_similar("twin_a", topn=1)[0][0] == "twin_b"


@needs_cuda
@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_cuda_step_equals_the_float64_reference(arch, loss):
    """The batch step on the GPU (float64) equals the reference, as on the CPU."""
    W_in, W_out = _matrices(loss)
    Win, Wout = torch.tensor(W_in, device="cuda"), torch.tensor(W_out, device="cuda")
    tables = _tables(COUNTS)
    for name in ("keep_prob", "noise_prob", "noise_alias", "points", "codes", "lengths"):
        setattr(tables, name, getattr(tables, name).cuda())
    lr = torch.full((3,), LR, dtype=torch.float64, device="cuda")
    targets = torch.tensor(TARGETS, device="cuda")
    out = {"negatives": torch.tensor(NEGATIVES, device="cuda"), "group": 1}
    if arch == "skipgram":
        tb.skipgram_step(
            loss, Win, Wout, torch.tensor(SG_INPUTS, device="cuda"), targets, lr, tables, **out
        )
    else:
        ctx = torch.tensor(CBOW_CONTEXT, device="cuda")
        mask = torch.tensor(CBOW_MASK, dtype=torch.bool, device="cuda")
        tb.cbow_step(loss, Win, Wout, ctx, mask, targets, lr, True, tables, **out)
    r_in, r_out, _ = _reference_steps(loss, W_in, W_out, _examples(arch), NEGATIVES)
    np.testing.assert_allclose(Win.cpu().numpy() - W_in, r_in, atol=1e-12)
    np.testing.assert_allclose(Wout.cpu().numpy() - W_out, r_out, atol=1e-12)


def test_dynamic_window_draws_each_radius_uniformly():
    """Pairs at distance d occur in proportion to P(radius ≥ d) = (W − d + 1) / W."""
    tables = _tables(COUNTS)
    n, W = 20_000, 4
    ids = torch.arange(n) % V
    gen = torch.Generator().manual_seed(1)
    pos, inputs, _, _ = tb.chunk_examples(
        ids, torch.zeros(n, dtype=torch.long), tables, W, True, gen
    )
    # recover each pair's distance from the ids (ids cycle with period V > 2W)
    dist = ((inputs - ids[pos]) % V).numpy()
    dist = np.minimum(dist, V - dist)
    counts = np.bincount(dist, minlength=W + 1)[1:]
    np.testing.assert_allclose(
        counts / counts[0], [(W - d + 1) / W for d in range(1, W + 1)], atol=0.03
    )
