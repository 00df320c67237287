"""``w2v.spark``: train on a Spark cluster (the ``w2v[spark]`` extra); PySpark loads on first use.

>>> import w2v.spark  # doctest: +SKIP
>>> model = w2v.spark.fit(df, column="tokens", arch="skipgram", loss="ns", epochs=5)

The algorithm, its ``sync_every`` trade-off and how to run it on a cluster are described in
:mod:`w2v.backends.spark` and ``docs/spark.md``.
"""

from .backends.spark import count_vocabulary, fit, fit_text, session, train_text_file

__all__ = ["count_vocabulary", "fit", "fit_text", "session", "train_text_file"]
