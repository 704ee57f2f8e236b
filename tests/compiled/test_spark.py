"""The compiled path on Spark's DataFrame API, run by sqlframe over DuckDB (no Java):
the findings must be the Python checker's, as on the other engines.

sqlframe turns each DataFrame call into SQL through sqlglot, and one check makes a few
hundred calls: a check takes seconds whatever the number of rows. So each generated
example checks several generated tables at once (their claim ids kept apart), and the
examples are few; the expressions are the ones test_differential runs many times on
polars.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from oracle import COLUMNS, expected, got
from test_differential import as_ofs, selections, tables

from passive_ig.compiled import FINDING_COLUMNS, check_table
from passive_ig.compiled.spark import check_spark
from passive_ig.errors import InvalidInputError, UnknownPayerError

pytest.importorskip("sqlframe")
duckdb = pytest.importorskip("duckdb")

from sqlframe.duckdb import DuckDBDataFrame, DuckDBSession  # noqa: E402

SCHEMA = (
    "claim_id STRING, code STRING, modifiers ARRAY<STRING>, units BIGINT, "
    "place_of_service STRING, date_of_service DATE, diagnoses ARRAY<STRING>, "
    "dose_mg DOUBLE, discarded_mg DOUBLE, evaluation_and_management BOOLEAN, "
    "payer STRING, prior_authorization STRING"
)


@pytest.fixture(scope="module")
def spark() -> Any:
    return DuckDBSession(conn=duckdb.connect())


def _frame(spark: Any, rows: list[dict[str, Any]], schema: str = SCHEMA) -> Any:
    return spark.createDataFrame([tuple(row[name] for name in COLUMNS) for row in rows], schema)


class _Rows:
    """A Spark DataFrame as oracle.got reads a polars one."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def select(self, *names: str) -> _Rows:
        return _Rows(self.frame.select(*names))

    def rows(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.frame.collect()]


def _keys(found: Any) -> Any:
    return got(_Rows(found))


@st.composite
def batches(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Several generated tables as one, each table's claims kept apart."""
    rows = []
    for index, table in enumerate(draw(st.lists(tables(), min_size=6, max_size=6))):
        for row in table:
            claim_id = row["claim_id"]
            rows.append(row | {"claim_id": None if claim_id is None else f"t{index}{claim_id}"})
    return rows


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=batches(), options=selections, as_of=as_ofs)
def test_spark_finds_what_the_python_checker_finds(
    spark: Any, rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    want = expected(rows, as_of=as_of, **options)
    have = _keys(check_spark(_frame(spark, rows), as_of=as_of, **options))
    assert have == want, f"missing {sorted(want - have)}; extra {sorted(have - want)}"


SELECT = ["modifier", "medicare.jw-required", "medicare.jw-jz-required"]
TEXT_MODIFIERS = ["JW, JZ", "jw;25", " mod-25  51", "", None, "JW\tJZ", "ü1,JA"]


@pytest.fixture(scope="module")
def text_findings(spark: Any) -> tuple[list[dict[str, Any]], Any]:
    """A check of a table whose modifiers are text, through check_table."""
    rows = [
        dict.fromkeys(COLUMNS)
        | {
            "claim_id": f"c{index}",
            "code": "J1459",
            "modifiers": text,
            "units": 70,
            "dose_mg": 35000.0,
            "discarded_mg": 100.0 if index % 2 else None,
            "date_of_service": dt.date(2024, 3, 1),
            "payer": "Medicare",
        }
        for index, text in enumerate(TEXT_MODIFIERS)
    ]
    schema = SCHEMA.replace("modifiers ARRAY<STRING>", "modifiers STRING")
    # (the rules about modifiers and the Medicare JW/JZ rules: fewer rules, a faster check)
    return rows, check_table(_frame(spark, rows, schema), select=SELECT)


def test_text_modifiers_are_split_at_commas_semicolons_and_spaces(
    text_findings: tuple[list[dict[str, Any]], Any],
) -> None:
    rows, found = text_findings
    split = [
        row | {"modifiers": (row["modifiers"] or "").replace(";", ",").split(",")} for row in rows
    ]
    as_lists = [
        row | {"modifiers": [part for text in row["modifiers"] for part in text.split()]}
        for row in split
    ]
    assert _keys(found) == expected(as_lists, select=SELECT)


def test_the_findings_stay_a_spark_dataframe(
    text_findings: tuple[list[dict[str, Any]], Any],
) -> None:
    _rows, found = text_findings
    assert isinstance(found, DuckDBDataFrame)
    assert tuple(found.columns) == FINDING_COLUMNS
    # still a query: it takes more DataFrame calls before anything is collected
    errors = found.filter(found["severity"] == "error").select("row", "rule").collect()
    assert errors
    assert {tuple(row) for row in errors} <= {
        (row["row"], row["rule"]) for row in found.collect() if row["severity"] == "error"
    }


def test_a_table_without_a_code_column_is_refused(spark: Any) -> None:
    lines = spark.createDataFrame([("c1", "J1459")], "claim_id STRING, cpt_code STRING")
    with pytest.raises(InvalidInputError) as error:
        check_spark(lines, payer="Medicare")
    message = str(error.value)
    assert message.startswith("['claim_id', 'cpt_code'] is not a valid claim lines")
    assert "expected a table with a 'code' column" in message
    assert "did you mean 'cpt_code'?" in message


def test_an_unknown_payer_is_refused_with_the_nearest_payers(spark: Any) -> None:
    lines = spark.createDataFrame([("J1459",)], "code STRING")
    with pytest.raises(UnknownPayerError) as error:
        check_spark(lines, payer="Medicar")
    assert "no payer 'Medicar' in payers; did you mean 'Medicare'" in str(error.value)


def test_a_table_that_is_not_a_spark_dataframe_is_refused() -> None:
    with pytest.raises(InvalidInputError) as error:
        check_spark({"code": ["J1459"]}, payer="Medicare")
    assert "expected a PySpark DataFrame" in str(error.value)
