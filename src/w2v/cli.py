"""The ``w2v`` command line: a thin shell over the library.

Results go to stdout, progress to stderr. A user mistake prints one line and exits with
status 2; Ctrl-C exits with 130. ``w2v train`` takes one flag per TrainConfig field.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .config import ARCHS, LOSSES, TrainConfig, config_fields
from .errors import W2VError

_TEXT_SUFFIXES = {".txt", ".vec", ".text"}


class _UserError(W2VError):
    """A mistake in the command line's arguments."""


def _field_type(f: dataclasses.Field[Any]) -> str:
    return str(f.type).replace(" ", "")


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hyperparameters (TrainConfig)")
    for f in config_fields():
        names = ["--" + f.name.replace("_", "-")]
        default = "architecture's default" if f.default is None else f.default
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
        help="vectors file format; auto: text for .txt/.vec, binary otherwise [default: auto]",
    )
    train.add_argument("--save-model", metavar="PATH", help="also save the full model here")
    train.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show a progress line on stderr [default: on]",
    )
    _add_config_flags(train)

    similar = sub.add_parser("similar", help="nearest neighbours of words in a vectors file")
    similar.add_argument("vectors", help="word2vec binary or text file (.txt/.vec = text)")
    similar.add_argument("words", nargs="+", help="query words")
    similar.add_argument("-n", "--topn", type=int, default=10, help="neighbours [default: 10]")
    similar.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _is_text(path: str, fmt: str = "auto") -> bool:
    if fmt != "auto":
        return fmt == "text"
    return Path(path).suffix.lower() in _TEXT_SUFFIXES


def _cmd_train(args: argparse.Namespace) -> int:
    from .model import Word2Vec

    config = _config_from_args(args)
    out = Path(args.output)
    if not out.parent.exists():
        raise _UserError(f"Output folder {str(out.parent)!r} does not exist.")
    model = Word2Vec(config)

    def report(_model: Word2Vec, epoch: int, loss: float) -> None:
        from tqdm import tqdm  # writes above an active progress bar

        tqdm.write(f"epoch {epoch + 1}/{config.epochs}: mean loss {loss:.5f}", file=sys.stderr)

    model.fit(args.corpus, callbacks=[report], progress=args.progress)
    stats = model.read_stats
    if stats.replaced_bytes:
        print(
            f"note: {stats.replaced_bytes} undecodable byte(s) were replaced by U+FFFD",
            file=sys.stderr,
        )
    model.wv.save_word2vec_format(out, binary=not _is_text(str(out), args.format))
    if args.save_model:
        model.save(args.save_model)
    print(
        f"wrote {len(model.wv)} vectors of dim {config.dim} to {out}"
        + (f" and the model to {args.save_model}" if args.save_model else ""),
        file=sys.stderr,
    )
    return 0


def _cmd_similar(args: argparse.Namespace) -> int:
    from .vectors import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(args.vectors, binary=not _is_text(args.vectors))
    results = {}
    for word in args.words:
        try:
            results[word] = kv.most_similar(word, topn=args.topn)
        except KeyError as exc:
            raise _UserError(str(exc.args[0])) from None
    if args.json:
        print(json.dumps({w: [[n, s] for n, s in r] for w, r in results.items()}))
    else:
        for word, neighbours in results.items():
            print(word)
            for n, s in neighbours:
                print(f"  {s:7.4f}  {n}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]); return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            return _cmd_train(args)
        if args.command == "similar":
            return _cmd_similar(args)
    except (W2VError, FileNotFoundError) as exc:
        print(f"w2v: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130
    parser.error(f"unknown command {args.command!r}")
    return 2
