"""The exceptions w2v raises for user mistakes, each one line that says what to do next."""

from __future__ import annotations


class W2VError(Exception):
    """Base class of every error caused by input the user can fix.

    The command line prints these as one line and exits with status 2; anything else is a bug
    and keeps its traceback.
    """


class ConfigError(W2VError, ValueError):
    """A hyperparameter is unknown, of the wrong type or out of its allowed range."""


class CorpusError(W2VError, ValueError):
    """The corpus cannot be read or yields nothing to train on."""


class CorpusNotFoundError(W2VError, FileNotFoundError):
    """A corpus path does not exist."""


class FormatError(W2VError, ValueError):
    """A vectors or model file is malformed: the message names the path and the position."""


class NotFittedError(W2VError, AttributeError):
    """A model was queried before `fit` gave it vectors."""


class TrainingDivergedError(W2VError, FloatingPointError):
    """The training loss became NaN or infinite (the learning rate is too high)."""


class DeviceError(W2VError, RuntimeError):
    """The requested training device cannot be used (PyTorch missing, or no such GPU)."""
