"""Fixtures for the reader tests: the project's own small claim files."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of synthetic claim files written for these tests."""
    return FIXTURES
