"""The docs stay true: README's table lists every hyperparameter with its default."""

from __future__ import annotations

import ast
import re

from conftest import ROOT
from w2v.config import config_fields


def test_readme_table_lists_every_config_field_with_its_default():
    """Each TrainConfig field has a README row whose default column shows the real default."""
    readme = (ROOT / "README.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", readme, re.M)}
    for f in config_fields():
        assert f.name in rows, f"README table lacks {f.name}"
        shown = re.match(r"`([^`]+)`", rows[f.name].strip())
        assert shown, f"README default of {f.name} is not a `literal`"
        assert ast.literal_eval(shown.group(1)) == f.default, (f.name, shown.group(1))


def test_readme_commands_are_the_ci_commands():
    """.ci/run runs README's install and test commands."""
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for command in ('python -m pip install -e ".[test]"', "python -m pytest"):
        assert command in readme and command in ci
