"""Shared fixtures: the small test data set and a way to break a copy of it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MINIMAL = Path(__file__).parent / "data" / "minimal"


@pytest.fixture
def minimal_dir() -> Path:
    """The small, valid data set used by the format tests (read only)."""
    return MINIMAL


@pytest.fixture
def broken_copy(tmp_path: Path) -> Callable[..., Path]:
    """Copy the minimal data set and apply edits: ``{file: function(data) -> data}``."""

    def make(**edits: Callable[[Any], Any]) -> Path:
        target = tmp_path / "data"
        shutil.copytree(MINIMAL, target)
        for stem, edit in edits.items():
            path = target / f"{stem}.json"
            data = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(json.dumps(edit(data)), encoding="utf-8")
        return target

    return make
