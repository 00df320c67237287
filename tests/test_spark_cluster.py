"""w2v.spark on a real Spark standalone cluster: a master and two workers on 127.0.0.1.

The cluster is started from the installed PySpark (``w2v.spark_cluster``), the driver runs
in this process, the executors in their own JVMs and Python workers. One training test,
kept small (a tiny corpus, dim 8): JVM start-ups are most of its time (35-240 s on the
shared 2-core machine, depending on its load). Without Java it skips with one line.
"""

from __future__ import annotations

import importlib.util
import sys
import time

import numpy as np
import pytest

from w2v import Word2Vec

if importlib.util.find_spec("pyspark") is None:
    pytest.skip("pyspark is not installed (pip install 'w2v[spark]')", allow_module_level=True)

import w2v.spark
from w2v.errors import W2VError
from w2v.spark_cluster import java_missing, standalone_cluster

TINY = [
    "the quick brown fox jumps over the lazy dog".split(),
    "the dog sleeps and the fox runs".split(),
    "a cat and a dog are friends".split(),
    "the cat sat on the mat".split(),
    "quick quick fox".split(),
] * 20

FAST_START = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def _executors(sc, want: int, timeout: float = 30.0) -> int:
    """How many executors have registered (waiting up to ``timeout`` s for ``want``)."""
    deadline = time.monotonic() + timeout
    while True:
        n = sc._jsc.sc().getExecutorMemoryStatus().size() - 1  # less the driver
        if n >= want or time.monotonic() > deadline:
            return n
        time.sleep(0.2)


def test_without_java_the_cluster_is_refused_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java here
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert java_missing() == "Spark needs Java 17+: no java on PATH and no JAVA_HOME"
    with pytest.raises(W2VError, match="^Spark needs Java 17"), standalone_cluster():
        pass


@pytest.mark.skipif(java_missing() is not None, reason=str(java_missing()))
def test_standalone_cluster_trains(monkeypatch):
    """Through spark://127.0.0.1:PORT with two workers: one partition is bit-identical to
    ``Word2Vec(workers=1).fit``, two partitions to the in-process simulator."""
    from pyspark import SparkContext

    if SparkContext._active_spark_context is not None:
        pytest.skip("another SparkContext is active in this process")
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # the executors' Python
    params = dict(dim=8, epochs=2, min_count=1, workers=1, seed=5, batch_words=50)
    with standalone_cluster(workers=2, cores=1, memory="512m") as master:
        assert master.startswith("spark://127.0.0.1:")
        spark = w2v.spark.session(
            master,
            "w2v-cluster-test",
            **{
                "spark.ui.enabled": "false",
                "spark.executor.memory": "512m",
                # short-lived JVMs: start them fast rather than run them fast
                "spark.driver.extraJavaOptions": FAST_START,
                "spark.executor.extraJavaOptions": FAST_START,
            },
        )
        try:
            sc = spark.sparkContext
            assert sc.master == master and _executors(sc, 2) == 2
            model = w2v.spark.fit(sc.parallelize(TINY, 2), partitions=1, sync_every=200, **params)
            two = w2v.spark.fit(sc.parallelize(TINY, 2), sync="bmuf", sync_every=100, **params)
        finally:
            spark.stop()
    local = Word2Vec(**params).fit(TINY)
    assert model.fit_seconds["rounds"] > 1
    np.testing.assert_array_equal(model.W_in, local.W_in)
    np.testing.assert_array_equal(model.W_out, local.W_out)
    simulated = w2v.spark.simulate(TINY, 2, sync="bmuf", sync_every=100, **params)
    assert two.fit_seconds["partitions"] == 2 and two.fit_seconds["rounds"] > 1
    np.testing.assert_array_equal(two.W_in, simulated.W_in)
    np.testing.assert_array_equal(two.W_out, simulated.W_out)
