"""w2v: fast, exact, explainable word2vec — skip-gram and CBOW with softmax, HS and NS.

>>> from w2v import Word2Vec
>>> model = Word2Vec(arch="skipgram", loss="ns", dim=100).fit("corpus.txt")  # doctest: +SKIP
>>> model.wv.most_similar("king")  # doctest: +SKIP
"""

from .config import TrainConfig
from .corpus import LineCorpus, ReadStats
from .errors import (
    ConfigError,
    CorpusError,
    CorpusNotFoundError,
    DeviceError,
    FormatError,
    FormatWarning,
    NotFittedError,
    TrainingDivergedError,
    TrainingInterrupted,
    W2VError,
)
from .explain import explain
from .model import Word2Vec
from .phrases import Phrases
from .vectors import KeyedVectors
from .vocab import Vocabulary

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "CorpusError",
    "CorpusNotFoundError",
    "DeviceError",
    "FormatError",
    "FormatWarning",
    "KeyedVectors",
    "LineCorpus",
    "NotFittedError",
    "Phrases",
    "ReadStats",
    "TrainConfig",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "Vocabulary",
    "W2VError",
    "Word2Vec",
    "__version__",
    "explain",
]
