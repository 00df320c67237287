"""The ``w2v`` command line: a thin shell over the library.

Results go to stdout, progress to stderr. A user mistake prints one line and exits with
status 2; Ctrl-C exits with 130 (during ``w2v train`` after writing a checkpoint and printing
the ``w2v resume`` command that finishes the run). ``w2v train`` takes one flag per
TrainConfig field.

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
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from ._args import int_at_least
from ._files import check_output_path
from .config import ARCHS, LOSSES, TrainConfig, config_fields
from .corpus import MAX_TOKEN_CHARS, ReadStats
from .demo import CORPORA
from .errors import W2VError
from .explain import INITS, explain
from .plot import METHODS, check_output, plot_loss, plot_words


class _UserError(W2VError):
    """A mistake in the command line's arguments."""


_positive_int = int_at_least(1)  # --topn, --limit, --workers, ...
_non_negative_int = int_at_least(0)  # plot --neighbours


def _field_type(f: dataclasses.Field[Any]) -> str:
    return str(f.type).replace(" ", "")


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hyperparameters (TrainConfig)")
    for f in config_fields():
        names = ["--" + f.name.replace("_", "-")]
        default = "architecture's default" if f.default is None else f.default
        if f.name == "device":
            default = "None, the CPU trainer"
        help_text = f"{f.metadata['help']} [default: {default}]".replace("%", "%%")
        t = _field_type(f)
        if f.name == "arch":
            group.add_argument(*names, choices=ARCHS, default=None, help=help_text)
        elif f.name == "loss":
            group.add_argument(*names, choices=LOSSES, default=None, help=help_text)
        elif t == "bool":
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


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    )
    train.add_argument("corpus", help="corpus file or folder")
    train.add_argument("-o", "--output", required=True, help="vectors file to write")
    train.add_argument(
        "--format",
        choices=("auto", "binary", "text"),
        default="auto",
        help="vectors file format; auto: by the name (.bin binary; .txt, .vec text; "
        ".gz/.bz2/.xz after either compresses) [default: auto]",
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
        help="words each partition trains between synchronisations [default: 100000, "
        "raised to make at most 32 rounds]",
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
        "--format", choices=("auto", "binary", "text"), default="auto", help="as for train"
    )
    resume.add_argument("--save-model", metavar="PATH", help="also save the full model here")
    resume.add_argument("--plot-loss", metavar="PNG", help="as for train")
    resume.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=True, help="as for train"
    )
    resume.add_argument("--workers", type=_positive_int, metavar="N", help="training threads")
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

    info = sub.add_parser("info", help="describe a vectors file")
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
        "vectors", help="word2vec binary or text file, or a native folder (format detected)"
    )


def _add_demo_parser(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="train on a built-in corpus and show neighbours, analogies and accuracy",
        description="Train a word2vec model in seconds on a generated corpus with planted "
        "analogies (or on text8, downloaded once) and print nearest neighbours, analogies and "
        "the accuracy on the planted analogy questions. Results on stdout, progress on stderr.",
    )
    demo.add_argument(
        "--corpus",
        choices=CORPORA,
        default="synthetic",
        help="synthetic: generated text with planted relations, no download; text8: 17M words "
        "of Wikipedia (31 MB download, cached; falls back to synthetic without network) "
        "[default: synthetic]",
    )
    demo.add_argument(
        "--epochs", type=int, default=None, metavar="N", help="[default: synthetic 5, text8 1]"
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
    p.add_argument("vectors", help="word2vec binary or text file (.txt/.vec = text)")
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
        help="VECTORS is word2vec binary [default: by suffix]",
    )
    fmt.add_argument(
        "--text",
        dest="vectors_format",
        action="store_const",
        const="text",
        help="VECTORS is word2vec text [default: for .txt/.vec]",
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
        "(W uniform in ±0.5/dim, W' zero) [default: random]",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=0,
        metavar="N",
        help="also repeat the example for N SGD steps and show the loss [default: 0]",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="[default: text]")
    p.add_argument(
        "--png", metavar="FILE", help="also draw the network to FILE (needs the 'plot' extra)"
    )


def _is_text(path: str, fmt: str = "auto", flag: str = "--format") -> bool:
    """Whether to write word2vec text (not binary) to ``path``: ``fmt`` if not auto, else the
    name, by :func:`w2v.formats.vectors_format`; a name that says neither is a user error."""
    from .formats import vectors_format

    binary = None if fmt == "auto" else fmt == "binary"
    how = f"give {flag} binary or {flag} text"
    return not vectors_format(path, binary, required=how).binary


def _load_vectors(path: str, limit: int | None = None):
    """Load vectors in whichever format ``path`` holds."""
    from .formats import detect_format
    from .vectors import KeyedVectors

    fmt = detect_format(path)
    if fmt == "native":
        kv = KeyedVectors.load(path, mmap="r")
        if limit is not None:
            kv = KeyedVectors(kv.words[:limit], kv.vectors[:limit])
        return kv, fmt
    with _notes():
        kv = KeyedVectors.load_word2vec_format(path, limit=limit, no_header=None)
    return kv, fmt


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
    tqdm.write(f"epoch {epoch + 1}/{epochs}: mean loss {loss:.5f}", file=sys.stderr)


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
    """Run ``run()``; on Ctrl-C after a checkpoint, print how to resume and return None."""
    from .errors import TrainingInterrupted

    try:
        return run()
    except TrainingInterrupted as exc:
        print(
            f"w2v: interrupted in epoch {exc.epoch + 1}/{exc.epochs} "
            f"({100 * exc.fraction:.1f}% done); checkpoint saved to {exc.path}. "
            f"Resume with: {_resume_command(args, ckpt)}",
            file=sys.stderr,
        )
        return None


def _write_outputs(model: Any, args: argparse.Namespace) -> int:
    out = Path(args.output)
    config = model.config
    _print_read_notes(model.read_stats)
    model.wv.save_word2vec_format(out, binary=not _is_text(str(out), args.format))
    if args.save_model:
        model.save(args.save_model)
    if args.plot_loss:
        plot_loss(model.loss_history, args.plot_loss, title=f"w2v {config.arch} {config.loss}")
    print(
        f"wrote {len(model.wv)} vectors of dim {config.dim} to {out}"
        + (f" and the model to {args.save_model}" if args.save_model else ""),
        file=sys.stderr,
    )
    return 0


def _check_outputs(*outputs: tuple[str, str | None], folder: bool = False) -> None:
    """Fail now, not after hours of training, if an output (label, path) cannot be written."""
    for what, path in outputs:
        if path is not None:
            check_output_path(path, what, folder=folder)


def _check_train_outputs(args: argparse.Namespace, checkpoint: str | None) -> None:
    """The outputs of ``train`` and ``resume``: vectors, model, checkpoint, loss plot."""
    _check_outputs(
        ("Output", args.output),
        ("--save-model", args.save_model),
        ("--checkpoint", checkpoint),
        ("--plot-loss", args.plot_loss),
    )
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
    ckpt = None if elsewhere else args.checkpoint or f"{args.output}.ckpt"
    _check_train_outputs(args, ckpt)
    every = _every(args.checkpoint_every)
    if args.checkpoint and args.checkpoint_every is None:
        every = "10min"
    parse_every(every)  # a bad interval fails before reading the corpus
    if args.spark:
        return _write_outputs(_train_spark(args, config), args)
    if args.partitions is not None or args.sync_every is not None:
        raise _UserError("--partitions and --sync-every need --spark MASTER.")
    model = Word2Vec(config)
    vocab = None
    if args.read_vocab:
        from .formats import load_vocab
        from .vocab import vocab_from_counts

        words, counts = load_vocab(args.read_vocab)
        vocab = vocab_from_counts(words, counts, min_count=config.min_count)

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
        ),
    )
    return 130 if fitted is None else _write_outputs(model, args)


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
    return 130 if model is None else _write_outputs(model, args)


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
    model = spark.train_text_file(
        args.spark,
        args.corpus,
        config=config,
        partitions=args.partitions,
        sync_every=args.sync_every,
        progress=args.progress,
    )
    for epoch, loss in enumerate(model.loss_history):
        print(f"epoch {epoch + 1}/{config.epochs}: mean loss {loss:.5f}", file=sys.stderr)
    return model


def _cmd_similar(args: argparse.Namespace) -> int:
    kv, _ = _load_vectors(args.vectors)
    results = _query(kv.most_similar_many, args.words, topn=args.topn)
    if args.json:
        _print_json({w: [[n, s] for n, s in r] for w, r in zip(args.words, results, strict=True)})
    else:
        for word, neighbours in zip(args.words, results, strict=True):
            print(word)
            for n, s in neighbours:
                print(f"  {s:7.4f}  {n}")
    return 0


def _cmd_analogy(args: argparse.Namespace) -> int:
    kv, _ = _load_vectors(args.vectors)
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
            args.analogies, restrict_vocab=args.restrict_vocab
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
        args.corpus, args.min_count, max_vocab_size=args.max_vocab_size, stats=stats
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
    import numpy as np

    kv, fmt = _load_vectors(args.vectors)
    norms = np.linalg.norm(kv.vectors, axis=1) if len(kv) else np.zeros(1)
    info = {
        "path": args.vectors,
        "format": fmt,
        "words": len(kv),
        "dim": kv.dim,
        "first_words": kv.words[:10],
        "norm_min": float(norms.min()),
        "norm_mean": float(norms.mean()),
        "norm_max": float(norms.max()),
    }
    if args.json:
        _print_json(info)
    else:
        for key, value in info.items():
            shown = " ".join(value) if isinstance(value, list) else value
            print(f"{key:<12} {shown}")
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
    binary = None if args.vectors_format is None else args.vectors_format == "binary"
    with _notes():
        kv = KeyedVectors.load_word2vec_format(args.vectors, binary=binary)
    written = _query(
        plot_words,
        kv,
        args.words,
        args.output,
        neighbours=args.neighbours,
        method=args.method,
        title=args.title,
        seed=args.seed,
    )
    print(written)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    if args.png:
        check_output(args.png)  # fail before computing
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
    )
    if args.format == "json":
        print(json.dumps(ex.to_dict(), ensure_ascii=False))
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(ex.render_text(color=color))
    if args.png:
        written = ex.save_png(args.png)
        print(f"wrote {written}", file=sys.stderr)
    return 0


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
    """Run the command line with ``argv`` (default: sys.argv[1:]); return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (W2VError, FileNotFoundError) as exc:
        print(f"w2v: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the system's refusal (full disk, permissions): not a traceback
        where = f": {exc.filename}" if exc.filename else ""
        print(f"w2v: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130
