"""Refresh the ``w2v explain`` output pasted in docs/how-word2vec-works.md, and its pages.

Each ```` ```text ```` block whose first line is ``$ w2v explain ARGS`` holds that command's
output; ``# sections 0,5-6`` after the command keeps only those numbered sections (0 is the
header above section 1), with ``...`` where sections are left out. The numbers are the
tool's, never typed by hand: run ``python docs/regenerate.py`` after changing explain, and
``tests/test_explain.py`` fails while the page is stale.

It also writes the interactive pages of :data:`HTML_PAGES` (``w2v explain --html``; checked
by ``tests/test_explain_html.py``) and, where Chromium and selenium are installed, the
screenshot of one of them (:data:`SCREENSHOT`).
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
#: The "watch it learn" pages the document links to: file name -> explain's arguments.
HTML_PAGES = {
    "explain-watch-i-love-trucks.html": {"text": "i love trucks", "lr": 0.1, "epochs": 40},
    "explain-watch-the-cat-sits.html": {
        "text": "the cat sits on the mat",
        "center": "sits",
        "lr": 0.2,
        "epochs": 10,
    },
}
#: (page, example to show, picture) for the screenshot in the document.
SCREENSHOT = ("explain-watch-the-cat-sits.html", 79, "explain-watch-the-cat-sits.png")


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


def screenshot(page: Path, example: int, out: Path, width: int = 1400) -> bool:
    """Save a full-page picture of ``page`` at ``example`` with headless Chromium.

    Returns False (and changes nothing) where Chromium, its driver or selenium is absent.
    """
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return False
    if not (chromium and driver_path):
        return False
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},1000"):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        drv.get(page.resolve().as_uri())
        drv.execute_script(
            "const j = document.getElementById('jump'); j.value = arguments[0];"
            "document.getElementById('go').click();",
            example,
        )
        height = drv.execute_script("return document.documentElement.scrollHeight")
        drv.set_window_size(width, height + 140)
        drv.execute_script("document.getAnimations().forEach(a => a.finish())")
        drv.save_screenshot(str(out))
    finally:
        drv.quit()
    return True


if __name__ == "__main__":
    from w2v.explain import explain

    explain("i love trucks", steps=20, lr=0.5).save_png(PAGE.parent / "explain-i-love-trucks.png")
    for name, kwargs in HTML_PAGES.items():
        explain(**kwargs).save_html(PAGE.parent / name)
    page, example, picture = SCREENSHOT
    if not screenshot(PAGE.parent / page, example, PAGE.parent / picture):
        print(f"{picture}: not refreshed (needs chromium, chromedriver, selenium)", file=sys.stderr)
    old = PAGE.read_text()
    new = regenerate(old)
    PAGE.write_text(new)
    print(f"{PAGE}: {'updated' if new != old else 'already current'}", file=sys.stderr)
