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
from .demo import add_demo_parser, cmd_demo
from .errors import W2VError
from .plot import add_plot_parser, check_output, cmd_plot, plot_loss

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

    similar = sub.add_parser("similar", help="nearest neighbours of words")
    _add_vectors_arg(similar)
    similar.add_argument("words", nargs="+", help="query words")
    similar.add_argument("-n", "--topn", type=int, default=10, help="neighbours [default: 10]")
    similar.add_argument("--json", action="store_true", help="print JSON")

    analogy = sub.add_parser("analogy", help="A is to B as C is to ? (3CosAdd)")
    _add_vectors_arg(analogy)
    analogy.add_argument("a")
    analogy.add_argument("b")
    analogy.add_argument("c")
    analogy.add_argument("-n", "--topn", type=int, default=5, help="answers [default: 5]")
    analogy.add_argument("--cosmul", action="store_true", help="use 3CosMul instead of 3CosAdd")
    analogy.add_argument("--json", action="store_true", help="print JSON")

    evaluate = sub.add_parser("evaluate", help="analogy accuracy and word-pair correlation")
    _add_vectors_arg(evaluate)
    evaluate.add_argument("--analogies", metavar="FILE", help="questions-words.txt-style file")
    evaluate.add_argument("--pairs", metavar="FILE", help="WordSim/SimLex-style pair file")
    evaluate.add_argument(
        "--restrict-vocab",
        type=int,
        default=30_000,
        metavar="N",
        help="answer analogies among the N most frequent words [default: 30000]",
    )
    evaluate.add_argument("--json", action="store_true", help="print JSON")

    convert = sub.add_parser("convert", help="convert vectors between text, binary and native")
    convert.add_argument("input", help="vectors to read (format detected)")
    convert.add_argument("output", help="vectors to write")
    convert.add_argument(
        "--to",
        choices=("auto", "binary", "text", "native"),
        default="auto",
        help="output format; auto: text for .txt/.vec, native for a path ending in / or "
        ".kv, binary otherwise [default: auto]",
    )
    convert.add_argument("--limit", type=int, metavar="N", help="only the first N vectors")

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

    add_demo_parser(sub)
    add_plot_parser(sub)

    info = sub.add_parser("info", help="describe a vectors file")
    _add_vectors_arg(info)
    info.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _add_vectors_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "vectors", help="word2vec binary or text file, or a native folder (format detected)"
    )


def _is_text(path: str, fmt: str = "auto") -> bool:
    if fmt != "auto":
        return fmt == "text"
    return Path(path).suffix.lower() in _TEXT_SUFFIXES


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
    return KeyedVectors.load_word2vec_format(path, binary=fmt == "binary", limit=limit), fmt


def _query(fn, *args, **kwargs):
    """Run a query, turning an unknown word's KeyError into a one-line user error."""
    try:
        return fn(*args, **kwargs)
    except KeyError as exc:
        raise _UserError(str(exc.args[0])) from None


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _cmd_train(args: argparse.Namespace) -> int:
    from .model import Word2Vec

    config = _config_from_args(args)
    out = Path(args.output)
    if not out.parent.exists():
        raise _UserError(f"Output folder {str(out.parent)!r} does not exist.")
    if args.plot_loss:
        check_output(args.plot_loss)  # fail now, not after hours of training
    model = Word2Vec(config)
    vocab = None
    if args.read_vocab:
        from .formats import load_vocab
        from .vocab import vocab_from_counts

        words, counts = load_vocab(args.read_vocab)
        vocab = vocab_from_counts(words, counts, min_count=config.min_count)

    def report(_model: Word2Vec, epoch: int, loss: float) -> None:
        from tqdm import tqdm  # writes above an active progress bar

        tqdm.write(f"epoch {epoch + 1}/{config.epochs}: mean loss {loss:.5f}", file=sys.stderr)

    model.fit(args.corpus, callbacks=[report], progress=args.progress, vocab=vocab)
    stats = model.read_stats
    if stats.replaced_bytes:
        print(
            f"note: {stats.replaced_bytes} undecodable byte(s) were replaced by U+FFFD",
            file=sys.stderr,
        )
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
    kv, src_fmt = _load_vectors(args.input, limit=args.limit)
    to = args.to
    if to == "auto":
        out = args.output
        if out.endswith(("/", ".kv")):
            to = "native"
        else:
            to = "text" if _is_text(out) else "binary"
    if to == "native":
        kv.save(args.output.rstrip("/"))
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
    vocab, encoded = build_vocab_and_encode(args.corpus, args.min_count)
    encoded.close()
    save_vocab(args.output, vocab.words, vocab.counts.tolist())
    print(
        f"wrote {len(vocab)} words ({vocab.total} corpus words) to {args.output}", file=sys.stderr
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


_COMMANDS = {
    "train": _cmd_train,
    "similar": _cmd_similar,
    "analogy": _cmd_analogy,
    "evaluate": _cmd_evaluate,
    "convert": _cmd_convert,
    "vocab": _cmd_vocab,
    "info": _cmd_info,
    "demo": cmd_demo,
    "plot": cmd_plot,
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
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130
