"""A column the compiled rules cannot read is refused before any rule runs, on every
engine, with an error that names the column and what it should hold; text that does not
read as the number it stands for is refused with its first value, its row and how many
more there are. Text that does read as numbers is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from passive_ig.compiled import check_table
from passive_ig.errors import InvalidInputError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
pd = pytest.importorskip("pandas")

ENGINES = ["polars", "duckdb", "pandas"]
REFUSING = [*ENGINES, "spark"]
DAY = dt.date(2024, 3, 1)


def _check(engine: str, columns: dict[str, list[Any]], folder: Path) -> list[tuple[Any, ...]]:
    """The findings (row, rule, path) of a table of ``columns`` checked on ``engine``."""
    options: dict[str, Any] = {"payer": "Medicare"}
    if engine == "polars":
        found = check_table(pl.DataFrame(columns), **options)
        return list(found.select("row", "rule", "path").rows())
    if engine == "pandas":
        found = check_table(pd.DataFrame(columns), **options)
        return list(found[["row", "rule", "path"]].itertuples(index=False, name=None))
    if engine == "spark":  # (sqlframe over DuckDB; the refusals come before any rule runs)
        sqlframe = pytest.importorskip("sqlframe.duckdb")
        session = sqlframe.DuckDBSession(conn=duckdb.connect())
        frame = session.createDataFrame(pd.DataFrame(columns))
        return list(check_table(frame, **options).select("row", "rule", "path").collect())
    path = folder / "lines.parquet"
    pl.DataFrame(columns).write_parquet(path)
    relation = check_table(str(path), connection=duckdb.connect(), **options)
    return list(relation.select("row, rule, path").fetchall())


def _lines(**columns: list[Any]) -> dict[str, list[Any]]:
    count = len(next(iter(columns.values())))
    return {"code": ["J1459"] * count, "date_of_service": [DAY] * count, **columns}


@pytest.mark.parametrize("engine", REFUSING)
def test_units_given_as_text_that_is_no_number_are_refused_with_the_first_and_a_count(
    engine: str, tmp_path: Path
) -> None:
    columns = _lines(units=["70", "seventy", "70", "x"], dose_mg=[35000.0] * 4)
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, columns, tmp_path)
    assert str(caught.value) == (
        "'seventy' is not a valid units on row 1 (and 1 more row): expected a number of units"
    )


@pytest.mark.parametrize("engine", REFUSING)
def test_a_dose_given_as_text_that_is_no_number_is_refused_with_its_row(
    engine: str, tmp_path: Path
) -> None:
    columns = _lines(units=[70, 70], dose_mg=["35000", "lots"])
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, columns, tmp_path)
    assert (
        str(caught.value)
        == "'lots' is not a valid dose_mg on row 1: expected a number of milligrams"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_numbers_given_as_text_are_read_as_the_numbers(engine: str, tmp_path: Path) -> None:
    as_text = _lines(units=[" 70", "71", None], dose_mg=["35000", "35000.0", None])
    as_numbers = _lines(units=[70, 71, None], dose_mg=[35000.0, 35000.0, None])
    found = _check(engine, as_text, tmp_path)
    assert found == _check(engine, as_numbers, tmp_path)
    assert ("units.dose-mismatch" in {rule for _, rule, _ in found}) is True


TYPES = {
    # column, its values, and the name of their type on polars and on DuckDB
    "evaluation_and_management": (["yes"], "String", "VARCHAR", "true or false"),
    "diagnoses": ([5], "Int64", "BIGINT", "a list of text, or text separated by commas"),
    "date_of_service": ([20240301], "Int64", "BIGINT", "a date, or text as 'YYYY-MM-DD'"),
    "units": ([True], "Boolean", "BOOLEAN", "a number of units"),
}


@pytest.mark.parametrize("engine", REFUSING)
@pytest.mark.parametrize("column", sorted(TYPES))
def test_a_column_of_a_type_the_rules_cannot_read_is_refused_by_name(
    engine: str, column: str, tmp_path: Path
) -> None:
    values, polars_type, duckdb_type, expected = TYPES[column]
    columns = {"code": ["J1459"], "units": [70], column: values}
    type_name = polars_type if engine in ("polars", "spark") else duckdb_type
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, columns, tmp_path)
    assert str(caught.value) == (
        f"{type_name!r} is not a valid type of column {column!r}: expected a column of {expected}"
    )


def test_a_csv_file_whose_units_column_holds_a_word_names_its_row(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,code,units,dose_mg,date_of_service\n"
        "c1,J1459,70,35000,2024-03-01\n"
        "c2,J1459,seventy,35000,2024-03-01\n"
    )
    with pytest.raises(InvalidInputError) as caught:
        check_table(str(path), payer="Medicare", connection=duckdb.connect())
    assert (
        str(caught.value) == "'seventy' is not a valid units on row 1: expected a number of units"
    )


@pytest.mark.parametrize("engine", REFUSING)
def test_a_table_without_a_code_column_names_its_nearest_column(
    engine: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, {"claim_id": ["c1"], "cpt_code": ["J1459"]}, tmp_path)
    assert str(caught.value) == (
        "['claim_id', 'cpt_code'] is not a valid claim lines: expected a table with a 'code' "
        "column (and any of the others); did you mean 'cpt_code'?"
    )
