"""The tutorial notebook runs, top to bottom, in a real Jupyter kernel, so it cannot rot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).parents[1] / "docs" / "tutorial" / "getting-started.ipynb"


@pytest.fixture(scope="module")
def executed() -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    return notebook


def _outputs(notebook: Any, source_start: str) -> list[Any]:
    """The outputs of the code cell that is ``source_start`` or starts with it."""
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for cell in cells:
        if cell.source.strip() == source_start:
            return list(cell.outputs)
    for cell in cells:
        if cell.source.startswith(source_start):
            return list(cell.outputs)
    raise AssertionError(f"no code cell starts with {source_start!r}")


def _html(outputs: list[Any]) -> str:
    return "".join(output["data"].get("text/html", "") for output in outputs if "data" in output)


def test_notebook_is_valid_and_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], "clear the outputs before committing the notebook"
            assert cell.execution_count is None


def test_every_cell_runs_without_error(executed: Any) -> None:
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert all(output.output_type != "error" for output in cell.outputs)


def test_the_bundled_data_version_is_shown(executed: Any) -> None:
    import passive_ig

    (output,) = _outputs(executed, "from passive_ig import registry")
    assert output["data"]["text/plain"] == repr(passive_ig.DATA_VERSION)


def test_records_display_as_tables_with_not_available_marked(executed: Any) -> None:
    html = _html(_outputs(executed, 'code = registry.codes["90283"]'))
    assert "<table" in html
    assert "not available:" in html  # 90283's single-dose container is not available
    assert 'href="https://' in html  # sources are links


def test_policy_workflow_and_report_display_as_tables(executed: Any) -> None:
    policy = _html(_outputs(executed, "policy"))
    assert "<table" in policy
    assert "uhc-90283" in policy
    assert "Claim submission" in _html(
        _outputs(executed, "from passive_ig.render.html import show")
    )
    report = _html(_outputs(executed, "import datetime as dt"))
    assert "modifier.not-together" in report
    assert "not ok" in report


def test_the_dataframe_cell_shows_the_codes(executed: Any) -> None:
    html = _html(_outputs(executed, "import pandas as pd"))
    assert "J1459" in html
    assert "Privigen" in html
