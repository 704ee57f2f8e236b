"""A column the compiled rules cannot read is refused before any rule runs, on every
engine, with an error that names the column and what it should hold; text that does not
read as the number it stands for is refused with its first value, its row and how many
more there are. Text that does read as numbers is read."""

from __future__ import annotations

import datetime as dt
import io
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
    type_name = {
        "polars": polars_type,
        "spark": polars_type,  # (narwhals' name)
        "pandas": str(pd.Series(values).dtype),  # (the frame's own)
        "duckdb": duckdb_type,
    }[engine]
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


@pytest.mark.parametrize("engine", REFUSING)
@pytest.mark.parametrize("text", ["nan", "inf", "Infinity", "7_0", "1,000", "70 units"])
def test_text_that_each_engine_would_read_its_own_way_is_no_number(
    engine: str, text: str, tmp_path: Path
) -> None:
    columns = _lines(units=["70", text], dose_mg=[35000.0, 35000.0])
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, columns, tmp_path)
    assert (
        str(caught.value) == f"{text!r} is not a valid units on row 1: expected a number of units"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_blank_text_in_a_number_column_is_no_number_given(engine: str, tmp_path: Path) -> None:
    blank = _lines(units=["", "  ", "70"], dose_mg=[35000.0] * 3)
    missing = _lines(units=[None, None, 70], dose_mg=[35000.0] * 3)
    assert _check(engine, blank, tmp_path) == _check(engine, missing, tmp_path)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_place_of_service_that_is_no_whole_number_from_0_to_99_is_read_as_written(
    engine: str, tmp_path: Path
) -> None:
    columns = _lines(place_of_service=[11.0, 11.5, 123.0], units=[70] * 3, dose_mg=[35000.0] * 3)
    found = [(row, rule) for row, rule, _ in _check(engine, columns, tmp_path)]
    assert (0, "place-of-service.malformed") not in found
    assert (1, "place-of-service.malformed") in found
    assert (2, "place-of-service.malformed") in found


def test_a_pandas_column_of_nothing_but_nan_is_a_column_not_given() -> None:
    # (pandas reads an empty column of a CSV file as floats, all NaN)
    text = "claim_id,code,units,dose_mg,modifiers,diagnoses,date_of_service\n"
    frame = pd.read_csv(io.StringIO(text + "c1,J1459,70,35000,,,2024-03-01\n"))
    assert str(frame["modifiers"].dtype) == "float64"
    found = check_table(frame, payer="Medicare")
    assert found["rule"].tolist() == [
        "medicare.jw-jz-required",
        "claim.product-without-administration",
    ]
    assert check_table(frame.iloc[:0], payer="Medicare").empty


def test_a_date_with_a_time_zone_is_the_date_on_that_zones_clock() -> None:
    # 23:30 in Los Angeles on the last day of ICD-9-CM is already the first day of
    # ICD-10-CM in UTC
    day = pd.to_datetime(["2015-09-30 23:30"]).tz_localize("America/Los_Angeles")
    columns = {"code": ["96365"], "units": [1], "diagnoses": ["250.00"], "date_of_service": day}
    options: dict[str, Any] = {"payer": "Medicare", "select": ["diagnosis"]}
    assert check_table(pd.DataFrame(columns), **options).empty
    moment = pl.Series([dt.datetime(2015, 9, 30, 23, 30)]).dt.replace_time_zone(
        "America/Los_Angeles"
    )
    lines = pl.DataFrame({**columns, "date_of_service": moment})
    assert check_table(lines, **options).is_empty()
    # (the same moment given in UTC is on the first day of ICD-10-CM)
    utc = lines.with_columns(pl.col("date_of_service").dt.convert_time_zone("UTC"))
    assert check_table(utc, **options)["rule"].to_list() == ["diagnosis.wrong-code-set"]


def test_a_pandas_column_of_objects_typed_wrongly_by_its_first_values_is_read() -> None:
    # (DuckDB types a column of Python objects from its first thousand values)
    count = 3000
    codes = pd.Series(["96365"] * (count - 1) + ["J1459"], dtype=object)
    codes[: count - 1] = 96365
    frame = pd.DataFrame({"code": codes, "units": [1] * (count - 1) + [70]})
    frame["date_of_service"] = DAY
    found = check_table(frame, payer="Medicare", select=["medicare.jw-jz-required"])
    assert found["row"].tolist() == [count - 1]


def test_polars_columns_called_row_or_at_are_left_alone(tmp_path: Path) -> None:
    columns = _lines(units=["70", "70"], dose_mg=[35000.0] * 2, modifiers=["JZ", ""])
    plain = _check("polars", columns, tmp_path)
    assert _check("polars", {**columns, "row": [7, 8], "at": [1, 2]}, tmp_path) == plain


def test_modifiers_in_a_fixed_size_array_are_read(tmp_path: Path) -> None:
    lines = pl.DataFrame(_lines(units=[70], dose_mg=[35000.0], modifiers=[["JZ", "00"]]))
    arrays = lines.with_columns(pl.col("modifiers").cast(pl.Array(pl.String, 2)))
    found = check_table(lines, payer="Medicare").select("rule", "path").rows()
    assert found  # (00 is a placeholder, no modifier)
    assert check_table(arrays, payer="Medicare").select("rule", "path").rows() == found
    con = duckdb.connect()

    def rules(kind: str) -> list[Any]:
        relation = con.sql(
            "SELECT 'J1459' AS code, 70 AS units, 35000.0 AS dose_mg, DATE '2024-03-01' AS "
            f"date_of_service, CAST(['JZ', '00'] AS {kind}) AS modifiers"
        )
        return (
            check_table(relation, payer="Medicare", connection=con).select("rule, path").fetchall()
        )

    assert rules("VARCHAR[2]") == rules("VARCHAR[]") == found


@pytest.mark.parametrize("engine", REFUSING)
def test_a_code_column_spelled_in_capitals_is_named(engine: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"did you mean 'CODE'\?$"):
        _check(engine, {"CODE": ["J1459"], "units": [70]}, tmp_path)


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        (
            "date_of_service",
            pd.period_range("2024-03", periods=1, freq="M"),
            "a date, or text as 'YYYY-MM-DD'",
        ),
        ("dose_mg", [1 + 2j], "a number of milligrams"),
        ("claim_id", pd.to_timedelta([1], unit="D"), "text"),
    ],
)
def test_a_pandas_column_of_a_dtype_duckdb_has_no_type_for_is_named(
    column: str, values: Any, expected: str
) -> None:
    frame = pd.DataFrame({"code": ["J1459"], "units": [70], column: values})
    with pytest.raises(InvalidInputError) as caught:
        check_table(frame, payer="Medicare")
    dtype = str(frame[column].dtype)
    assert str(caught.value) == (
        f"{dtype!r} is not a valid type of column {column!r}: expected a column of {expected}"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_table_called_t_on_the_connection_changes_nothing(engine: str, tmp_path: Path) -> None:
    columns = _lines(units=["70", "70"], dose_mg=[35000.0] * 2, modifiers=["JZ", ""])
    if engine == "polars":
        pytest.skip("no DuckDB connection")
    plain = _check(engine, columns, tmp_path)
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t AS SELECT 'J1459' AS code, 70 AS units")
    if engine == "pandas":
        found = check_table(pd.DataFrame(columns), payer="Medicare", connection=connection)
        assert list(found[["row", "rule", "path"]].itertuples(index=False, name=None)) == plain
    else:
        path = tmp_path / "lines.parquet"
        pl.DataFrame(columns).write_parquet(path)
        found = check_table(str(path), payer="Medicare", connection=connection)
        assert found.select("row, rule, path").fetchall() == plain


@pytest.mark.parametrize("engine", ENGINES)
def test_a_place_of_service_that_is_nan_or_a_decimal_is_read_alike(
    engine: str, tmp_path: Path
) -> None:
    nan = _lines(place_of_service=[float("nan"), 11.0], units=[70] * 2, dose_mg=[35000.0] * 2)
    found = {(row, rule) for row, rule, _ in _check(engine, nan, tmp_path)}
    assert (1, "place-of-service.malformed") not in found
    if engine == "pandas":  # (NaN is how pandas says missing, as check_frame reads it)
        assert (0, "place-of-service.malformed") not in found
        return  # (and pandas has no decimal dtype of its own)
    assert (0, "place-of-service.malformed") in found
    decimals = pl.DataFrame(_lines(units=[70] * 2, dose_mg=[35000.0] * 2)).with_columns(
        place_of_service=pl.Series([1, 11], dtype=pl.Decimal(4, 2))
    )
    found = {
        (row, rule) for row, rule, _ in _check(engine, decimals.to_dict(as_series=False), tmp_path)
    }
    assert (1, "place-of-service.malformed") not in found


@pytest.mark.parametrize("engine", REFUSING)
@pytest.mark.parametrize("text", ["\t70", "70\r"])
def test_only_spaces_are_trimmed_from_a_text_number_on_every_engine(
    engine: str, text: str, tmp_path: Path
) -> None:
    columns = _lines(units=[text], dose_mg=[35000.0])
    with pytest.raises(InvalidInputError) as caught:
        _check(engine, columns, tmp_path)
    assert (
        str(caught.value) == f"{text!r} is not a valid units on row 0: expected a number of units"
    )


def test_a_polars_column_called_as_passive_igs_own_row_column_is_left_alone(tmp_path: Path) -> None:
    columns = _lines(units=["70", "70"], dose_mg=[35000.0] * 2, modifiers=["JZ", ""])
    plain = _check("polars", columns, tmp_path)
    assert _check("polars", {**columns, "__passive_ig_row": [7, 8]}, tmp_path) == plain


def test_a_pandas_column_of_texts_and_lists_of_texts_is_read_as_lists() -> None:
    columns = _lines(units=[70, 70], dose_mg=[35000.0] * 2, modifiers=[["JZ"], "JZ"])
    frame = pd.DataFrame(columns)
    found = check_table(frame, payer="Medicare")
    assert found["rule"].tolist() == []  # (no modifier.malformed for the text "['JZ']")


def test_a_pandas_column_of_objects_holding_numbers_is_read_as_numbers_whatever_comes_first() -> (
    None
):
    count = 3000  # (DuckDB types a column of objects from its first thousand values)
    units = pd.Series([35] * (count - 1) + [1.5], dtype=object)
    frame = pd.DataFrame(
        _lines(units=list(units), dose_mg=[17500.0] * count, modifiers=["JZ"] * count)
    )
    frame["units"] = units
    found = check_table(frame, payer="Medicare")
    assert found[["row", "rule"]].values.tolist() == [[count - 1, "units.fraction"]]
    frame["units"] = pd.Series([35] * (count - 1) + ["x"], dtype=object)
    with pytest.raises(InvalidInputError) as caught:
        check_table(frame, payer="Medicare")
    assert (
        str(caught.value)
        == f"'x' is not a valid units on row {count - 1}: expected a number of units"
    )


def test_nan_among_numbers_and_text_in_a_pandas_column_of_objects_is_missing() -> None:
    units = pd.Series([70, float("nan"), "x"], dtype=object)
    frame = pd.DataFrame(_lines(units=[70, 70, 70], dose_mg=[35000.0] * 3))
    frame["units"] = units
    with pytest.raises(InvalidInputError) as caught:
        check_table(frame, payer="Medicare")
    assert str(caught.value) == "'x' is not a valid units on row 2: expected a number of units"
