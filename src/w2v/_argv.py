"""The command line's words before argparse sees them: word2vec.c's flags, unknown options.

argparse alone reads ``--cbow`` as an abbreviation of ``--cbow-mean`` and ``-output x.bin``
as ``-o utput``. The parsers are built with abbreviations off (:class:`Parser`), and
:func:`prepare_argv` checks every option before parsing: an unknown one is refused in one
line naming the nearest real flag, and word2vec.c's single-dash flags (``-train c.txt
-output v.bin -cbow 1 -size 200``) are translated into ``w2v train``'s flags with
word2vec.c's meaning.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

#: word2vec.c's flags that become one w2v flag taking the same value.
W2V_C_SAME_VALUE = {
    "-output": "--output",
    "-size": "--dim",
    "-window": "--window",
    "-sample": "--sample",
    "-threads": "--workers",
    "-iter": "--epochs",
    "-min-count": "--min-count",
    "-alpha": "--alpha",
    "-read-vocab": "--read-vocab",
}
#: word2vec.c's 0/1 flags, each value as w2v flags.
W2V_C_SWITCHES = {
    "-cbow": (("--arch", "skipgram"), ("--arch", "cbow")),
    "-binary": (("--format", "text"), ("--format", "binary")),
}
#: word2vec.c's flags w2v does not take, with what to do instead.
W2V_C_REFUSED = {
    "-save-vocab": "write the vocabulary with 'w2v vocab CORPUS -o FILE'",
    "-debug": "w2v shows progress on stderr (--no-progress hides it)",
    "-classes": "w2v does not cluster the vectors into classes",
}
W2V_C_FLAGS = {"-train", "-hs", "-negative", *W2V_C_SAME_VALUE, *W2V_C_SWITCHES, *W2V_C_REFUSED}

#: Other programs' spellings (gensim, fastText, word2vec.c without its dash) -> w2v's.
_ALIASES = {
    "cbow": "--arch cbow",
    "skipgram": "--arch skipgram",
    "skip-gram": "--arch skipgram",
    "sg": "--arch skipgram",
    "hs": "--loss hs",
    "ns": "--loss ns",
    "softmax": "--loss softmax",
    "neg": "--negative",
    "size": "--dim",
    "vector-size": "--dim",
    "iter": "--epochs",
    "iterations": "--epochs",
    "epoch": "--epochs",
    "threads": "--workers",
    "thread": "--workers",
    "lr": "--alpha",
    "min-alpha": "--min-alpha",
    "mincount": "--min-count",
    "binary": "--format binary",
    "text": "--format text",
    "out": "--output",
    "train": "CORPUS (the first argument)",
}

_NUMBER = re.compile(r"^-\.?\d")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser with abbreviations off and mistakes reported in one line.

    Subparsers made by ``add_subparsers`` are of this class too (argparse's default), so
    ``allow_abbrev=False`` holds for every command.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE; see 'PROG --help'`` (one line) and exit with 2."""
        self.exit(2, f"{self.prog}: error: {message}; see '{self.prog} --help'\n")

    def fail(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE`` (one line) and exit with 2."""
        self.exit(2, f"{self.prog}: error: {message}\n")


def prepare_argv(parser: Parser, argv: Sequence[str]) -> list[str]:
    """``argv`` ready for ``parser.parse_args``, or exit 2 with one line naming the mistake.

    A command line that starts with a word2vec.c flag (``-train``) is ``w2v train``'s.
    ``train`` translates word2vec.c's flags (see :func:`translate_word2vec_c`); every other
    option, in every command, must be one of its own flags spelled in full.
    """
    args = list(argv)
    if args and args[0] in W2V_C_FLAGS:
        args.insert(0, "train")
    commands = _subcommands(parser)
    at = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
    for arg in args[:at]:  # before the command only w2v's own -h and --version
        if arg not in parser._option_string_actions:
            parser.fail(f"unknown option {arg} before the command; a command's options follow it")
    if at is None:
        return args  # no command: argparse says what is missing (or prints --help/--version)
    name = args[at]
    if name not in commands:
        near = difflib.get_close_matches(name, list(commands), n=1)
        hint = f"did you mean '{near[0]}'?" if near else "see 'w2v --help' for the commands"
        parser.fail(f"unknown command {name!r}; {hint}")
    sub = commands[name]
    rest = args[at + 1 :]
    if name == "train":
        rest = translate_word2vec_c(sub, rest)
    check_options(sub, rest)
    return [*args[:at], name, *rest]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, Parser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def check_options(parser: Parser, args: Sequence[str]) -> None:
    """Exit 2 with ``unknown option X; did you mean Y?`` for the first unknown option.

    An option is known when spelled in full (``--dim``, ``--dim=50``, ``-o``), or a short
    option with a number joined to it (``-n5``). Anything else that argparse would take for
    an option is refused, so ``-output`` is never read as ``-o utput``.
    """
    known = parser._option_string_actions
    for arg in args:
        if arg == "--":
            return
        if not arg.startswith("-") or arg == "-" or _NUMBER.match(arg) or " " in arg:
            continue
        if arg.split("=", 1)[0] in known:  # --dim=50, -o=v.bin
            continue
        short = known.get(arg[:2])
        if short is not None and short.nargs != 0 and _NUMBER.match("-" + arg[2:]):
            continue  # -n5
        parser.fail(f"unknown option {arg}; {_hint(parser, arg)}")


def _hint(parser: argparse.ArgumentParser, arg: str) -> str:
    """'did you mean --x?' naming the nearest of ``parser``'s flags, or where to look."""
    name = arg.split("=", 1)[0]
    key = name.lstrip("-").lower().replace("_", "-")
    longs = [o for o in parser._option_string_actions if o.startswith("--")]
    alias = _ALIASES.get(key)
    if alias is not None and (alias.split()[0] in longs or not alias.startswith("--")):
        return f"did you mean {alias}?"
    typed = "--" + key
    if typed in parser._option_string_actions:  # -dim, --Dim
        return f"did you mean {typed}?"
    short = parser._option_string_actions.get(name[:2])
    if not name.startswith("--") and short is not None and short.nargs != 0:
        return f"did you mean {name[:2]} {name[2:]}?"  # -ov.bin, a value joined to -o
    starting = [o for o in longs if o.startswith(typed)]
    if len(starting) == 1:
        return f"did you mean {starting[0]}?"
    near = difflib.get_close_matches(typed, longs, n=1, cutoff=0.6)
    if near:
        return f"did you mean {near[0]}?"
    return f"see '{parser.prog} --help' for the options"


def translate_word2vec_c(parser: Parser, args: Sequence[str]) -> list[str]:
    """``w2v train``'s flags for word2vec.c's, each with word2vec.c's meaning.

    ``-train FILE`` is the corpus, ``-output FILE`` the vectors, ``-size`` ``--dim``,
    ``-threads`` ``--workers``, ``-iter`` ``--epochs``; ``-window -sample -min-count -alpha
    -read-vocab`` keep their names. ``-cbow 0/1`` is ``--arch skipgram/cbow``, ``-binary
    0/1`` ``--format text/binary``; ``-hs 1 -negative 0`` is ``--loss hs`` and ``-negative
    N`` (N > 0, ``-hs 0``) ``--loss ns --negative N``. word2vec.c trains both output layers
    when given ``-hs 1`` and ``-negative N > 0``; w2v trains one, so that is refused, as are
    flags w2v has no use for (``-save-vocab``, ``-debug``, ``-classes``) and a setting given
    both ways (``-cbow 1 --arch skipgram``). Flags left out take w2v's defaults; where
    word2vec.c's differ (its ``-cbow 1``, its text output), one note on stderr says so.
    """
    out: list[str] = []
    corpus: list[str] = []
    given: dict[str, str] = {}
    origin: dict[str, str] = {}  # w2v flag -> the word2vec.c flag it came from
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out += args[i:]
            break
        if arg not in W2V_C_FLAGS:
            out.append(arg)
            i += 1
            continue
        if arg in W2V_C_REFUSED:
            parser.fail(f"word2vec.c's {arg} is not supported: {W2V_C_REFUSED[arg]}.")
        if i + 1 >= len(args):
            parser.fail(f"{arg} needs a value (word2vec.c's {arg} <value>).")
        value = args[i + 1]
        i += 2
        if arg in given:
            parser.fail(f"{arg} is given twice ({given[arg]} and {value}); give it once.")
        given[arg] = value
        if arg == "-train":
            corpus.append(value)
        elif arg in W2V_C_SAME_VALUE:
            origin[W2V_C_SAME_VALUE[arg]] = arg
        elif arg in W2V_C_SWITCHES:
            origin[W2V_C_SWITCHES[arg][0][0]] = arg
    if not given:
        return list(args)
    translated: list[str] = []
    for flag, value in given.items():
        if flag in W2V_C_SAME_VALUE:
            translated += [W2V_C_SAME_VALUE[flag], value]
        elif flag in W2V_C_SWITCHES:
            translated += W2V_C_SWITCHES[flag][_zero_or_one(parser, flag, value)]
    layer = _output_layer(parser, given)
    for flag in layer[::2]:  # --loss from -hs (else -negative), --negative from -negative
        origin[flag] = "-hs" if flag == "--loss" and "-hs" in given else "-negative"
    _refuse_both_spellings(parser, origin, out)
    _note_defaults(parser, given, out)
    return corpus + translated + layer + out


def _zero_or_one(parser: Parser, flag: str, value: str) -> int:
    if value not in ("0", "1"):
        parser.fail(f"word2vec.c's {flag} takes 0 or 1, got {value!r}.")
    return int(value)


def _output_layer(parser: Parser, given: dict[str, str]) -> list[str]:
    """word2vec.c's -hs and -negative as --loss (and --negative)."""
    if "-hs" not in given and "-negative" not in given:
        return []
    hs = _zero_or_one(parser, "-hs", given.get("-hs", "0"))
    negative = given.get("-negative", "5")  # word2vec.c's default
    if not negative.isdigit():
        parser.fail(f"word2vec.c's -negative takes a whole number, got {negative!r}.")
    if hs and int(negative) > 0:
        parser.fail(
            f"-hs 1 with -negative {negative}{'' if '-negative' in given else ' (its default)'} "
            "trains both output layers in word2vec.c; w2v "
            "trains one: give -hs 1 -negative 0 (hierarchical softmax, --loss hs) or -hs 0 "
            "(negative sampling, --loss ns)."
        )
    if hs:
        return ["--loss", "hs"]
    if int(negative) == 0:
        parser.fail(
            "-hs 0 -negative 0 leaves no output layer to train; give -hs 1 -negative 0 "
            "(hierarchical softmax) or -negative 5 (negative sampling)."
        )
    return ["--loss", "ns", *(["--negative", negative] if "-negative" in given else [])]


def _refuse_both_spellings(parser: Parser, origin: dict[str, str], rest: Sequence[str]) -> None:
    """A setting given both as a word2vec.c flag and as a w2v flag is refused, not overridden."""
    actions = parser._option_string_actions
    dests = {actions[flag].dest: w2v_c for flag, w2v_c in origin.items()}
    for arg in rest:
        if arg == "--":
            return
        action = actions.get(arg.split("=", 1)[0]) if arg.startswith("-") else None
        if action is not None and action.dest in dests:
            parser.fail(
                f"word2vec.c's {dests[action.dest]} and {arg.split('=', 1)[0]} set the same "
                "thing; give one of them."
            )


def _note_defaults(parser: Parser, given: dict[str, str], out: list[str]) -> None:
    """One stderr line when word2vec.c's defaults that w2v does not share are left to w2v."""
    differ = []
    if "-cbow" not in given and not _has(out, "--arch"):
        differ.append("skip-gram (word2vec.c's default is -cbow 1)")
    if "-binary" not in given and not _has(out, "--format"):
        differ.append("the vectors format by the output's name (word2vec.c's is -binary 0, text)")
    if differ:
        print(
            f"{parser.prog}: note: word2vec.c's flags read; for those not given w2v's "
            "defaults apply: " + "; ".join(differ),
            file=sys.stderr,
        )


def _has(args: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in args)
