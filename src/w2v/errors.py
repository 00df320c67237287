"""The exceptions w2v raises for user mistakes, each one line that says what to do next."""

from __future__ import annotations


def install_hint(extra: str) -> str:
    """How to install the optional dependencies of ``extra``, from an index and from a clone."""
    return f'pip install "w2v[{extra}]" (in a clone of w2v: pip install -e ".[{extra}]")'


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


class FormatWarning(UserWarning):
    """A vectors file holds another format than its name says; it was read as what it holds."""


class OutputPathError(W2VError, ValueError):
    """An output path cannot be written: its folder is missing or read-only, or it is a folder."""


class MissingExtraError(W2VError, ImportError):
    """An optional dependency (matplotlib, scikit-learn) is not installed."""


class PlotError(W2VError, ValueError):
    """A picture cannot be drawn as asked: empty input, bad output path or suffix."""


class ExecutorSetupError(W2VError, RuntimeError):
    """Spark executors cannot run w2v: their Python lacks it or is another version."""


class NotFittedError(W2VError, AttributeError):
    """A model was queried before `fit` gave it vectors."""


class TrainingDivergedError(W2VError, FloatingPointError):
    """The training loss became NaN or infinite (the learning rate is too high)."""

    @classmethod
    def at(
        cls, alpha: float, epoch: int, what: str, *, arch: str, default_alpha: float
    ) -> TrainingDivergedError:
        """The error every engine raises when ``what`` went non-finite in epoch ``epoch``
        (0-based), naming ``alpha`` and one to try.

        Above the architecture's default (``default_alpha``, known to train), the default is
        the one to try; at or below it, a quarter of ``alpha``.
        """
        if alpha > default_alpha:
            fix = f"try alpha={default_alpha:g}, the default for arch={arch!r}"
        else:
            fix = (
                f"even the default for arch={arch!r} ({default_alpha:g}) is too high for this "
                f"run; try alpha={alpha / 4:g}"
            )
        return cls(
            f"Training diverged in epoch {epoch + 1}: {what}. "
            f"The learning rate alpha={alpha} is too high; {fix}."
        )


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a fit that had a checkpoint path; the checkpoint was written first.

    A KeyboardInterrupt (not a user mistake), so code that catches Ctrl-C still does.
    ``path`` is the checkpoint and ``fraction`` the share of the schedule done;
    ``Word2Vec.resume(path)`` finishes the fit.
    """

    def __init__(self, path: str, epoch: int, epochs: int, fraction: float) -> None:
        self.path, self.epoch, self.epochs, self.fraction = path, epoch, epochs, fraction
        super().__init__(
            f"Training interrupted in epoch {epoch + 1}/{epochs} ({100 * fraction:.1f}% done); "
            f"checkpoint saved to {path}. Resume with Word2Vec.resume({path!r})."
        )


class DeviceError(W2VError, RuntimeError):
    """The requested training device cannot be used (PyTorch missing, or no such GPU)."""


class PlotWarning(UserWarning):
    """A picture was drawn, but not all of it as asked: words no installed font can draw, or
    so many labels that they overlap."""
