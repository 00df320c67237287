"""A throwaway Spark standalone cluster on 127.0.0.1, started from the installed PySpark.

>>> from w2v.spark_cluster import standalone_cluster  # doctest: +SKIP
>>> with standalone_cluster(workers=2) as master:  # "spark://127.0.0.1:PORT"  # doctest: +SKIP
...     model = w2v.spark.train_text_file(master, "corpus.txt", partitions=2)

A master and ``workers`` workers run as ``spark-class org.apache.spark.deploy.master.Master``
and ``...worker.Worker`` (PySpark's own launcher and jars); leaving the block stops them and
their executors. For tests and benchmarks that must go through a real cluster manager, with
executors in their own processes, rather than ``local[N]``. Needs Java (``JAVA_HOME`` or
``java`` on PATH). The executors inherit this process's environment (``PYTHONPATH``, its
entries made absolute).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import W2VError

__all__ = ["java_missing", "standalone_cluster"]

_MASTER_URL = re.compile(r"Starting Spark master at (spark://\S+)")
_REGISTERED = re.compile(r"Successfully registered with master")
#: Every daemon listens on 127.0.0.1 only, on ports the system chooses.
_ON_LOCALHOST = ("--host", "127.0.0.1", "--port", "0", "--webui-port", "0")


def java_missing() -> str | None:
    """Why Spark cannot start here (one line), or None when Java is found."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").exists():
        return None
    if shutil.which("java"):
        return None
    return "Spark needs Java 17+: no java on PATH and no JAVA_HOME"


class _Daemon:
    """One spark-class process, its log read by a thread so that waiting can time out."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.proc = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own group: stopping it reaches its executors
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with open(self.log, "w") as out:
            for line in self.proc.stdout:
                out.write(line)
                with self._seen:
                    self.lines.append(line)
                    self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, pattern: re.Pattern[str], timeout: float, what: str) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        checked = 0
        with self._seen:
            while True:
                for line in self.lines[checked:]:
                    if found := pattern.search(line):
                        return found
                checked = len(self.lines)
                left = deadline - time.monotonic()
                if self.proc.poll() is not None or left <= 0:
                    tail = "".join(self.lines[-5:]).strip().replace("\n", " | ")
                    state = "exited" if self.proc.poll() is not None else "timed out"
                    raise W2VError(f"The Spark {what} {state} before it was ready ({tail}).")
                self._seen.wait(min(left, 0.5))

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._reader.join(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@contextmanager
def standalone_cluster(
    workers: int = 2,
    cores: int = 1,
    memory: str = "1g",
    *,
    timeout: float = 120.0,
) -> Iterator[str]:
    """Start a standalone master and ``workers`` workers on 127.0.0.1; yield the master URL.

    Each worker offers ``cores`` cores and ``memory`` to executors. Ports are chosen by the
    system (nothing fixed to collide with); the REST submission server is off. Raises
    W2VError with one line when Java is missing or a daemon does not start in ``timeout``
    seconds (the line quotes the end of its log).
    """
    if why := java_missing():
        raise W2VError(why + ".")
    import pyspark

    spark_home = os.environ.get("SPARK_HOME") or str(Path(pyspark.__file__).parent)
    spark_class = str(Path(spark_home, "bin", "spark-class"))
    tmp = Path(tempfile.mkdtemp(prefix="w2v-spark-cluster-"))
    # executors run in their own folders: a relative PYTHONPATH entry would mean another place
    pythonpath = os.pathsep.join(
        os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    )
    env = dict(
        os.environ,
        PYTHONPATH=pythonpath,
        SPARK_HOME=spark_home,
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(tmp),
        SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false",
        SPARK_WORKER_OPTS="-Dspark.worker.cleanup.enabled=false",
        # the daemons are short-lived: start them fast rather than run them fast
        SPARK_DAEMON_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    )
    daemons: list[_Daemon] = []
    try:
        master = _Daemon(
            [spark_class, "org.apache.spark.deploy.master.Master", *_ON_LOCALHOST],
            env,
            tmp / "master.log",
        )
        daemons.append(master)
        url = master.wait_for(_MASTER_URL, timeout, "master")[1]
        for i in range(workers):
            work_dir = tmp / f"worker{i}"
            work_dir.mkdir()
            daemons.append(
                _Daemon(
                    [
                        spark_class,
                        "org.apache.spark.deploy.worker.Worker",
                        *_ON_LOCALHOST,
                        *("--cores", str(cores), "--memory", memory),
                        *("--work-dir", str(work_dir), url),
                    ],
                    env,
                    tmp / f"worker{i}.log",
                )
            )
        for i, worker in enumerate(daemons[1:]):
            worker.wait_for(_REGISTERED, timeout, f"worker {i}")
        yield url
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        shutil.rmtree(tmp, ignore_errors=True)
