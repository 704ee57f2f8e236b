"""check_frame on a large polars frame goes through the compiled rules first, with the
same result as the Python checker alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pl = pytest.importorskip("polars")
pytest.importorskip("narwhals")

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from claims_batch import make_distinct_columns  # noqa: E402

from passive_ig import frames  # noqa: E402


def test_a_large_frame_gives_the_same_findings_through_the_compiled_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = make_distinct_columns(3000, seed=7).drop("claim_id", "prior_authorization")
    alone = frames.check_frame(lines, notes=True)
    calls: list[int] = []
    quiet = frames._quiet_rows

    def counted(*args: object, **kwargs: object) -> set[int]:
        found = quiet(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(len(found))
        return found

    monkeypatch.setattr(frames, "COMPILED_FROM", 1000)
    monkeypatch.setattr(frames, "_quiet_rows", counted)
    compiled = frames.check_frame(lines, notes=True)
    assert calls  # the compiled rules ran
    assert calls[0] > 0  # and spared some rows
    assert compiled.equals(alone)
