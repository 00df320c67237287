"""Shared fixtures: paths to the shared data, tiny corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

VARIANTS = [(a, l) for a in ("skipgram", "cbow") for l in ("softmax", "hs", "ns")]


@pytest.fixture
def shared_data() -> Path:
    """The shared data folder (../shared/data), or skip when it is absent."""
    if not (SHARED_DATA / "corpus.txt").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
