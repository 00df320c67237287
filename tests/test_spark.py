"""w2v.spark: distributed training in PySpark's local[2] mode against the single-machine trainer.

One SparkSession serves the whole module. Exact tests: one partition gives bit-identical
vectors to ``Word2Vec(workers=1).fit`` (any number of rounds), and the distributed
vocabulary equals the single-machine one. Quality: 2 and 4 partitions score within a
calibrated margin of single-machine training on a 1M-word slice of the shared corpus.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import SHARED_DATA
from w2v import Word2Vec
from w2v.errors import ConfigError, CorpusError, CorpusNotFoundError, ExecutorSetupError
from w2v.vectors import KeyedVectors
from w2v.vocab import build_vocab_and_encode

if importlib.util.find_spec("pyspark") is None:
    pytest.skip("pyspark is not installed (pip install 'w2v[spark]')", allow_module_level=True)
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("Spark needs Java: no java on PATH and no JAVA_HOME", allow_module_level=True)

import w2v.spark

TINY = [
    "the quick brown fox jumps over the lazy dog".split(),
    "the dog sleeps and the fox runs".split(),
    "a cat and a dog are friends".split(),
    "the cat sat on the mat".split(),
    [],
    "quick quick fox".split(),
] * 20


@pytest.fixture(scope="module")
def spark():
    """A local[2] SparkSession for the module (workers run this interpreter: w2v.spark uses
    the driver's Python in local mode when PYSPARK_PYTHON is unset)."""
    session = w2v.spark.session(
        "local[2]",
        "w2v-tests",
        **{"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"},
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sc(spark):
    return spark.sparkContext


def _head_lines(path: Path, n_bytes: int) -> list[list[str]]:
    """The sentences of the first ``n_bytes`` of a file, cut back to a line end."""
    with open(path, "rb") as fh:
        data = fh.read(n_bytes)
    data = data[: data.rfind(b"\n") + 1]
    return [line.split() for line in data.decode("utf-8").splitlines() if line.strip()]


# -- exact -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("arch", "loss"), [("skipgram", "ns"), ("cbow", "hs")])
def test_one_partition_is_the_single_machine_trainer(sc, arch, loss):
    """One partition, many rounds, workers=1: bit-identical to Word2Vec(workers=1).fit."""
    params = dict(arch=arch, loss=loss, dim=20, epochs=2, min_count=2, workers=1, seed=7)
    params["batch_words"] = 50  # several batches, so that rounds cut epochs
    local = Word2Vec(**params).fit(TINY)
    model = w2v.spark.fit(sc.parallelize(TINY, 1), sync_every=300, **params)
    assert model.fit_seconds["rounds"] == 5
    assert model.vocab.words == local.vocab.words
    np.testing.assert_array_equal(model.W_in, local.W_in)
    np.testing.assert_array_equal(model.W_out, local.W_out)
    np.testing.assert_allclose(model.loss_history, local.loss_history, rtol=0.05)


@pytest.mark.parametrize(
    ("arch", "loss", "sync", "more"),
    [
        ("skipgram", "ns", "average", {}),
        ("cbow", "hs", "bmuf", {}),
        ("skipgram", "ns", "nesterov", {"momentum": 0.5}),  # the default merge, with momentum
    ],
)
def test_spark_equals_the_simulator(sc, arch, loss, sync, more):
    """Three partitions, several rounds, workers=1: the same vectors and losses as
    w2v.spark.simulate, which runs the same rounds in this process (for merges that could
    take the tasks' summed changes, with sum_in_tasks=False)."""
    params = dict(arch=arch, loss=loss, dim=12, epochs=2, min_count=2, workers=1, seed=4)
    params.update(batch_words=60, sync_every=150, sync=sync, **more)
    sentences = TINY + [None]  # a null row: skipped, but counted when slicing
    simulated = w2v.spark.simulate(sentences, 3, **params)
    exact = {"sum_in_tasks": False} if sync == "nesterov" else {}
    model = w2v.spark.fit(sc.parallelize(sentences, 2), partitions=3, **params, **exact)
    assert model.fit_seconds["rounds"] == simulated.fit_seconds["rounds"] == 3
    assert model.fit_seconds["partitions"] == 3
    assert model.vocab.words == simulated.vocab.words
    np.testing.assert_array_equal(model.W_in, simulated.W_in)
    np.testing.assert_array_equal(model.W_out, simulated.W_out)
    np.testing.assert_array_equal(model.loss_history, simulated.loss_history)
    spark_only = ("sync_every", "sync", "momentum")
    local = Word2Vec(**{k: v for k, v in params.items() if k not in spark_only})
    assert not np.array_equal(model.W_in, local.fit(TINY).W_in)  # three partitions differ


def test_average_all_summed_in_tasks_equals_the_simulator_up_to_rounding(sc):
    """Four partitions in two tasks (local[2]), average_all: each task sends its partitions'
    changes summed, which gives the simulator's vectors up to float32 rounding. (Per-partition
    updates, the other merges' path, are bit-identical: test_spark_equals_the_simulator.)"""
    params = dict(arch="skipgram", loss="ns", dim=12, epochs=1, min_count=2, workers=1, seed=5)
    params.update(batch_words=60, sync_every=150)
    simulated = w2v.spark.simulate(TINY, 4, **params)
    summed = w2v.spark.fit(sc.parallelize(TINY, 2), partitions=4, **params)
    seconds = summed.fit_seconds
    assert seconds["tasks"] == 2 and seconds["rounds"] > 1 and seconds["task_sum"] > 0
    assert seconds["collected_mb"] > 0 and seconds["broadcast_mb"] > 0
    np.testing.assert_allclose(summed.W_in, simulated.W_in, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(summed.W_out, simulated.W_out, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(summed.loss_history, simulated.loss_history, rtol=1e-5)


def test_vocabulary_equals_single_machine(sc):
    """Counts, order and ties (by first appearance) match the single-machine vocabulary."""
    words = [f"w{i % 37}" for i in range(2000)] + ["late", "tie_b", "tie_a", "tie_b", "tie_a"]
    sentences = [words[i : i + 13] for i in range(0, len(words), 13)]
    # 60 words seen once each, in every partition: ties broken across partitions
    sentences = [[f"u{j}", "common"] for j in range(60)] + sentences
    for min_count in (1, 50):
        local, enc = build_vocab_and_encode(sentences, min_count)
        enc.close()
        for parts in (3, 7):
            vocab, stats = w2v.spark.count_vocabulary(sc.parallelize(sentences, parts), min_count)
            assert vocab.words == local.words
            np.testing.assert_array_equal(vocab.counts, local.counts)
            assert stats.tokens == len(words) + 120 and stats.sentences == len(sentences)


def test_dataframe_column_and_rdd_give_the_same_model(spark, sc):
    """A DataFrame's array<string> column trains exactly as the RDD of the same lists;
    null rows and null tokens are skipped; partitions= cuts consecutive slices."""
    rows = [(i, s) for i, s in enumerate(TINY)] + [(999, None)]
    df = spark.createDataFrame(rows, "id INT, tokens ARRAY<STRING>").coalesce(1)
    params = dict(dim=10, epochs=2, min_count=1, workers=1, seed=3, sync_every=500)
    from_df = w2v.spark.fit(df, column="tokens", **params)
    from_rdd = w2v.spark.fit(sc.parallelize(TINY, 3), partitions=1, **params)
    local = Word2Vec(dim=10, epochs=2, min_count=1, workers=1, seed=3).fit(TINY)
    for model in (from_df, from_rdd):
        assert model.vocab.words == local.vocab.words
        np.testing.assert_array_equal(model.W_in, local.W_in)
    odd = [(["cat", None, "dog"],), (["dog"],), ([],), (None,), (["", "a\x00b", None],)]
    with_nulls = spark.createDataFrame(odd, "t ARRAY<STRING>")  # rows travel joined by \x00
    model = w2v.spark.fit(with_nulls, dim=4, min_count=1, epochs=1)  # the only column
    assert model.vocab.words == ["dog", "cat", "", "a\x00b"]
    assert (model.read_stats.tokens, model.read_stats.sentences) == (5, 4)


def test_several_partitions_train_and_save(sc, tmp_path):
    """Four partitions give finite vectors, a loss per epoch, and files gensim reads."""
    model = w2v.spark.fit(
        sc.parallelize(TINY, 4), dim=8, epochs=3, min_count=1, sync_every=200, seed=2
    )
    assert model.fit_seconds["partitions"] == 4 and model.fit_seconds["lr_scale"] == 4
    assert len(model.loss_history) == 3 and all(np.isfinite(model.loss_history))
    assert np.isfinite(model.W_in).all() and not np.allclose(model.W_in, 0)
    path = tmp_path / "v.bin"
    model.wv.save_word2vec_format(path, binary=True)
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    np.testing.assert_array_equal(kv.vectors, model.W_in)
    from gensim.models import KeyedVectors as GensimKV

    g = GensimKV.load_word2vec_format(str(path), binary=True)
    np.testing.assert_array_equal(g["fox"], model.wv["fox"])
    model.save(tmp_path / "m.w2v")
    assert Word2Vec.load(tmp_path / "m.w2v").vocab.words == model.vocab.words


# -- errors ----------------------------------------------------------------------------------
def test_bad_inputs_raise_one_line_errors(spark, sc):
    df = spark.createDataFrame([("a b c", ["a"])], "text STRING, tokens ARRAY<STRING>")
    with pytest.raises(CorpusError, match="no column 'words'; its columns are: text, tokens"):
        w2v.spark.fit(df, column="words")
    with pytest.raises(CorpusError, match=r"'text' is of type string.*split\('text'"):
        w2v.spark.fit(df, column="text")
    with pytest.raises(CorpusError, match="say which one"):
        w2v.spark.fit(df)
    with pytest.raises(CorpusError, match="applies to a DataFrame"):
        w2v.spark.fit(sc.parallelize(TINY), column="tokens")
    with pytest.raises(CorpusError, match="got list"):
        w2v.spark.fit(TINY)
    with pytest.raises(CorpusError, match="got a str"):
        w2v.spark.fit(sc.parallelize(["the cat sat"]), min_count=1)
    with pytest.raises(CorpusError, match="Tokens must be str; got 3"):
        w2v.spark.fit(sc.parallelize([["a", 3]]), min_count=1)
    with pytest.raises(CorpusError, match="no words"):
        w2v.spark.fit(sc.parallelize([[], []]), min_count=1)
    with pytest.raises(CorpusError, match="No word reaches min_count=5"):
        w2v.spark.fit(sc.parallelize([["a", "b"]]), min_count=5)
    with pytest.raises(ConfigError, match="'sync_every' parameter must be an int >= 1"):
        w2v.spark.fit(sc.parallelize(TINY), sync_every=0)
    with pytest.raises(ConfigError, match="'lr_scale' parameter must be a float > 0"):
        w2v.spark.fit(sc.parallelize(TINY), lr_scale=-1.0)
    with pytest.raises(ConfigError, match="Unknown parameter 'dims'"):
        w2v.spark.fit(sc.parallelize(TINY), dims=5)
    with pytest.raises(CorpusNotFoundError, match="does not exist"):
        w2v.spark.fit_text(spark, "/nonexistent/corpus.txt")


def test_local_mode_runs_the_drivers_python(sc, monkeypatch):
    """Without PYSPARK_PYTHON, local mode runs the tasks with the driver's interpreter, not
    PySpark's default ``python3`` (from a venv not activated: the system Python, no w2v)."""
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    monkeypatch.setattr(sc, "pythonExec", "python3-not-on-this-path")
    model = w2v.spark.fit(sc.parallelize(TINY, 2), dim=4, min_count=1, epochs=1)
    assert sc.pythonExec == sys.executable and np.isfinite(model.W_in).all()


def test_executors_without_w2v_fail_with_one_line(sc, tmp_path, monkeypatch):
    """Executors whose Python cannot import w2v: one line naming PYSPARK_PYTHON and
    spark.archives (not a Java stack trace)."""
    python = tmp_path / "python-without-w2v"
    # this interpreter without site-packages, and PYTHONPATH without any folder holding w2v
    python.write_text(
        "#!/bin/sh\n"
        "kept=\n"
        "IFS=:\n"
        'for p in $PYTHONPATH; do [ -e "$p/w2v/__init__.py" ] || kept="$kept:$p"; done\n'
        'export PYTHONPATH="${kept#:}"\n'
        f"exec '{sys.executable}' -S \"$@\"\n"
    )
    python.chmod(0o755)
    monkeypatch.setenv("PYSPARK_PYTHON", str(python))  # set: local mode keeps it
    monkeypatch.setattr(sc, "pythonExec", str(python))
    with pytest.raises(ExecutorSetupError) as raised:
        w2v.spark.fit(sc.parallelize(TINY, 2), min_count=1)
    message = str(raised.value)
    assert "\n" not in message
    assert f"cannot import 'w2v' (their Python is '{python}')" in message
    assert "PYSPARK_PYTHON" in message and "spark.archives" in message


def test_executor_python_of_another_version_is_named():
    from w2v.engines.spark import executor_python_error

    text = (
        "PySparkRuntimeError: [PYTHON_VERSION_MISMATCH] Python in worker has different "
        "version: 3.10 than that in driver: 3.11, PySpark cannot run with different minor"
    )
    error = executor_python_error("/usr/bin/python3", text)
    assert isinstance(error, ExecutorSetupError)
    assert "run Python 3.10 ('/usr/bin/python3')" in str(error)
    assert executor_python_error("python3", "java.lang.OutOfMemoryError") is None


def test_importing_w2v_does_not_import_pyspark():
    code = "import sys, w2v, w2v.spark, w2v.cli; sys.exit('pyspark' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=str(Path(w2v.__file__).parents[1]))
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


# -- command line -----------------------------------------------------------------------------
def test_cli_train_with_spark(spark, tmp_path, capsys):
    """``w2v train --spark local[2]`` reads the text with Spark and writes vectors."""
    from w2v.cli import main

    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in TINY) + "\n")
    out = tmp_path / "v.txt"
    args = [str(corpus), "-o", str(out), "--spark", "local[2]", "--partitions", "2"]
    args += ["--sync-every", "100", "--min-count", "1", "--dim", "6", "--no-progress"]
    assert main(["train", *args]) == 0
    kv = KeyedVectors.load_word2vec_format(out, binary=False)
    assert kv.dim == 6 and set(kv.words) == {w for s in TINY for w in s}
    assert "epoch 5/5: mean loss" in capsys.readouterr().err
    assert main(["train", str(corpus), "-o", str(out), "--partitions", "2"]) == 2
    assert "need --spark" in capsys.readouterr().err
    assert main(["train", str(corpus), "-o", str(out), "--sync", "bmuf"]) == 2
    assert "need --spark" in capsys.readouterr().err


def test_cli_train_with_spark_passes_sync_and_lr_scale(spark, tmp_path, capsys, monkeypatch):
    """``--sync`` and ``--lr-scale`` reach the rounds (the model records them), and the CLI's
    choices are the engine's merges."""
    from w2v.cli import SPARK_SYNCS, main
    from w2v.engines.rounds import SYNC_METHODS

    assert SPARK_SYNCS == SYNC_METHODS
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(" ".join(s) for s in TINY) + "\n")
    out = tmp_path / "v.txt"
    seen = {}
    real = w2v.spark.fit

    def spy(*args, **kwargs):
        model = real(*args, **kwargs)
        seen.update(kwargs)
        return model

    monkeypatch.setattr(w2v.spark, "fit", spy)
    args = [str(corpus), "-o", str(out), "--spark", "local[2]", "--partitions", "2"]
    args += ["--sync", "bmuf", "--lr-scale", "1.5", "--min-count", "1", "--dim", "6"]
    assert main(["train", *args, "--epochs", "1", "--no-progress"]) == 0
    assert seen["sync"] == "bmuf" and seen["lr_scale"] == 1.5
    with pytest.raises(SystemExit) as exit_:  # not a merge: argparse says so, in one line
        main(["train", *args[:-4], "--sync", "mean"])
    assert exit_.value.code == 2
    assert "invalid choice: 'mean'" in capsys.readouterr().err


# -- quality ----------------------------------------------------------------------------------
#: Calibration: see the table in docs/spark.md ("Quality in the tests").
QUALITY_BYTES = 6_000_000  # ~1.07M words
SYNC_EVERY = 100_000  # 15 rounds with 2 partitions, 8 with 4
WS_MARGIN = 0.06
ANALOGY_MARGIN = 0.5  # percentage points
WS_FLOOR = 0.15  # random vectors: 0.005 +- 0.072 (max 0.146 in 20 draws)
ANALOGY_FLOOR = 0.8  # random vectors: < 0.03 %


def _quality(kv) -> tuple[float, float]:
    ws = kv.evaluate_word_pairs(SHARED_DATA / "eval" / "wordsim353.tsv").spearman
    analogy = kv.evaluate_analogies(
        SHARED_DATA / "eval" / "questions-words.txt", restrict_vocab=30_000
    ).accuracy
    return ws, 100 * analogy


def test_quality_2_and_4_partitions_close_to_single_machine(sc, shared_data):
    """CBOW NS, 3 epochs on 1M words: 2 and 4 partitions within the calibrated margins of
    the single-machine trainer, and far above what random vectors score."""
    sentences = _head_lines(shared_data / "corpus.txt", QUALITY_BYTES)
    params = dict(arch="cbow", loss="ns", epochs=3, seed=1)
    local_ws, local_an = _quality(Word2Vec(workers=2, **params).fit(sentences).wv)
    assert local_ws > WS_FLOOR and local_an > ANALOGY_FLOOR
    for parts in (2, 4):
        model = w2v.spark.fit(sc.parallelize(sentences, parts), sync_every=SYNC_EVERY, **params)
        ws, an = _quality(model.wv)
        print(
            f"{parts} partitions: WS353 {ws:.3f} (one machine {local_ws:.3f}), "
            f"analogy {an:.2f}% ({local_an:.2f}%)"
        )
        assert ws > local_ws - WS_MARGIN and ws > WS_FLOOR
        assert an > local_an - ANALOGY_MARGIN and an > ANALOGY_FLOOR
