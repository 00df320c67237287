"""Refresh the ``w2v explain`` output pasted in docs/how-word2vec-works.md.

Each ```` ```text ```` block whose first line is ``$ w2v explain ARGS`` holds that command's
output; ``# sections 0,5-6`` after the command keeps only those numbered sections (0 is the
header above section 1), with ``...`` where sections are left out. The numbers are the
tool's, never typed by hand: run ``python docs/regenerate.py`` after changing explain, and
``tests/test_explain.py`` fails while the page is stale.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parent / "how-word2vec-works.md"
BLOCK = re.compile(r"```text\n(\$ w2v explain [^\n]*)\n(.*?)```", re.S)
HEADING = re.compile(r"^(\d+)\. ")


def _sections(spec: str) -> set[int]:
    keep: set[int] = set()
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        keep.update(range(int(lo), int(hi or lo) + 1))
    return keep


def block_output(command: str) -> str:
    """The (selected sections of the) output of one ``$ w2v explain ...`` line."""
    from w2v.cli import main

    shell, _, comment = command[2:].partition(" # ")
    argv = shlex.split(shell)[1:]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if main(argv) != 0:
            raise RuntimeError(f"command failed: {command}")
    lines = out.getvalue().rstrip("\n").split("\n")
    match = re.match(r"sections ([\d,\- ]+)$", comment.strip())
    if not match:
        return "\n".join(lines) + "\n"
    keep = _sections(match.group(1))
    kept: list[str] = []
    section, last = 0, -1
    for line in lines:
        m = HEADING.match(line)
        if m:
            section = int(m.group(1))
        if section not in keep:
            continue
        if last not in (-1, section) and section != last + 1 and m:
            while kept and not kept[-1]:
                kept.pop()
            kept.append("...")
        if not line and (not kept or kept[-1] in ("", "...")):
            continue
        kept.append(line)
        last = section
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


def regenerate(text: str) -> str:
    """``text`` with every explain block's body replaced by the current output."""
    return BLOCK.sub(lambda m: f"```text\n{m.group(1)}\n{block_output(m.group(1))}```", text)


if __name__ == "__main__":
    from w2v.explain import explain

    explain("i love trucks", steps=20, lr=0.5).save_png(PAGE.parent / "explain-i-love-trucks.png")
    old = PAGE.read_text()
    new = regenerate(old)
    PAGE.write_text(new)
    print(f"{PAGE}: {'updated' if new != old else 'already current'}", file=sys.stderr)
