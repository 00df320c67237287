"""README and docs name extras that exist, in install lines that work from a clone."""

from __future__ import annotations

import re
import tomllib

import pytest

from conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]


def _extras() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return set(pyproject["project"]["optional-dependencies"])


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_extra_named_in_the_docs_exists(doc):
    """`w2v[x]` and `.[x]` name extras of pyproject.toml (pip ignores an unknown one silently)."""
    named = re.findall(r"""(?:w2v|["']\.)\[([a-z,]+)\]""", doc.read_text())
    unknown = {e for group in named for e in group.split(",")} - _extras()
    assert not unknown, f"{doc.name} names extras pyproject.toml lacks: {unknown}"


def test_readme_installs_every_extra_from_a_clone():
    """w2v is on no package index: README shows `pip install -e ".[x]"` for every extra it names."""
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"w2v\[([a-z]+)\]", readme)) | {"plot"}
    for extra in sorted(named - {"test"}):
        assert f'python -m pip install -e ".[{extra}]"' in readme, extra
    assert "python -m pip install -e .  " in readme  # the library alone
