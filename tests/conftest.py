"""Shared fixtures: small labelled pages written for the tests, and a tiny model trained on them."""
from __future__ import annotations

from pathlib import Path

import pytest

from boilerplate import BlockClassifier, read_pages

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def fixture_pages():
    """Three small hand-labelled pages (en, de, fr) with every class."""
    return read_pages(FIXTURES / "pages.txt")


@pytest.fixture(scope="session")
def tiny_model(fixture_pages):
    """A quickly trained two-stage model (not accurate: for contracts, not scores)."""
    return BlockClassifier(max_iter=15, min_samples_leaf=2, context_folds=2).fit(fixture_pages * 2)
