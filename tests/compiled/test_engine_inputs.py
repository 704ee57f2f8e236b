"""The compiled path on the inputs users give it that the generated tables do not: a
LazyFrame whose rows come in another order on each collect, several Parquet files at
once, a DuckDB connection whose transaction was rolled back, a selection of claim rules
only, a table none of whose payers passive_ig knows, checks in several threads."""

from __future__ import annotations

import datetime as dt
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from passive_ig.compiled import FINDING_COLUMNS, check_table
from passive_ig.errors import InvalidInputError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

DAY = dt.date(2024, 3, 1)


def _claims(count: int) -> Any:
    """One-line claims: the even ones a drug line (J1459), the odd ones an
    administration (96365), so each claim rule can only be about one kind."""
    return pl.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(count)],
            "member": list(range(count)),
            "code": ["J1459" if i % 2 == 0 else "96365" for i in range(count)],
            "units": [70 if i % 2 == 0 else 1 for i in range(count)],
            "dose_mg": [35000.0 if i % 2 == 0 else None for i in range(count)],
            "date_of_service": [DAY] * count,
            "payer": ["Medicare"] * count,
        }
    )


def test_a_lazy_frame_whose_row_order_changes_keeps_each_finding_on_its_own_claim() -> None:
    claims = _claims(20_000)
    members = claims.select("member").sample(fraction=1.0, shuffle=True, seed=1)
    # a join gives its rows in no fixed order: each collect may give another
    lazy = claims.lazy().join(members.lazy(), on="member")
    found = check_table(lazy, select=["claim"]).collect()
    kinds = {row["claim_id"]: row["code"] for row in claims.iter_rows(named=True)}
    wrong = [
        (claim_id, rule)
        for claim_id, rule in found.select("claim_id", "rule").iter_rows()
        if (rule == "claim.product-without-administration") != (kinds[claim_id] == "J1459")
    ]
    assert found.height == 20_000
    assert wrong == []


def _two_line_claim(claim_id: str) -> Any:
    return pl.DataFrame(
        {
            "claim_id": [claim_id, claim_id],
            "code": ["J1459", "96365"],
            "modifiers": [[], []],
            "units": [70, 1],
            "dose_mg": [35000.0, None],
            "date_of_service": [DAY, DAY],
            "payer": ["Medicare", "Medicare"],
        }
    )


def test_several_parquet_files_are_numbered_one_after_the_other(tmp_path: Path) -> None:
    _two_line_claim("A").write_parquet(tmp_path / "a.parquet")
    _two_line_claim("B").write_parquet(tmp_path / "b.parquet")
    found = check_table(str(tmp_path / "*.parquet"), connection=duckdb.connect())
    rows = found.select("row, claim_id, line, rule, path").fetchall()
    assert rows == [
        (0, "A", 0, "medicare.jw-jz-required", "lines[0].modifiers"),
        (2, "B", 0, "medicare.jw-jz-required", "lines[0].modifiers"),
    ]


def test_the_findings_stay_when_the_file_checked_changes(tmp_path: Path) -> None:
    path = tmp_path / "lines.parquet"
    _two_line_claim("A").write_parquet(path)
    connection = duckdb.connect()
    found = check_table(str(path), connection=connection)
    _two_line_claim("Z").write_parquet(path)
    assert {row[0] for row in found.select("claim_id").fetchall()} == {"A"}


def test_a_check_after_a_rolled_back_one_on_the_same_connection_makes_its_tables_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lines.parquet"
    _two_line_claim("A").write_parquet(path)
    connection = duckdb.connect()
    connection.begin()
    check_table(str(path), connection=connection, select=["medicare"]).fetchall()
    connection.rollback()  # the tables kept for the connection went with it
    found = check_table(str(path), connection=connection, select=["medicare"])
    assert found.select("rule").fetchall() == [("medicare.jw-jz-required",)]


def test_a_check_drops_the_tables_it_made_on_the_way() -> None:
    connection = duckdb.connect()
    lines = connection.sql(
        "SELECT 'c1' AS claim_id, 'J1459' AS code, 70 AS units, 35000.0 AS dose_mg, "
        "DATE '2024-03-01' AS date_of_service"
    )
    check_table(lines, payer="Medicare", connection=connection)
    first = connection.sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()
    for _ in range(3):
        check_table(lines, payer="Medicare", connection=connection)
    # each check leaves its findings, and the lookup tables kept for the next checks
    after = connection.sql("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()
    assert after[0][0] == first[0][0] + 3


def test_pandas_gets_a_duckdb_findings_sources_as_their_ids() -> None:
    pytest.importorskip("pandas")
    connection = duckdb.connect()
    lines = connection.sql(
        "SELECT 'c1' AS claim_id, 'J1459' AS code, 70 AS units, 35000.0 AS dose_mg, "
        "DATE '2024-03-01' AS date_of_service"
    )
    findings = check_table(lines, payer="Medicare", connection=connection)
    wanted = [row[0] for row in findings.select("sources").fetchall()]
    assert wanted
    assert all(wanted)
    # (a list of DuckDB ENUM values reaches pandas and numpy as the values' numbers)
    assert [list(ids) for ids in findings.df()["sources"]] == wanted
    assert [list(ids) for ids in findings.fetchnumpy()["sources"]] == wanted


def _found(table: Any, engine: str, folder: Path, names: str, **options: Any) -> list[Any]:
    """The findings' ``names`` columns, as tuples, from ``table`` checked on ``engine``."""
    if engine == "polars":
        return list(check_table(table, **options).select(names.split(", ")).rows())
    path = folder / "lines.parquet"
    table.write_parquet(path)
    found = check_table(str(path), connection=duckdb.connect(), **options)
    return list(found.select(names).fetchall())


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_selection_of_claim_rules_only_is_checked(engine: str, tmp_path: Path) -> None:
    table = _two_line_claim("A").head(1)
    found = _found(table, engine, tmp_path, "rule", select=["claim"])
    assert found == [("claim.product-without-administration",)]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_table_none_of_whose_payers_is_known_gives_one_error_row_each(
    engine: str, tmp_path: Path
) -> None:
    table = pl.DataFrame(
        {"claim_id": ["a", "b"], "code": ["J1459", "J1459"], "payer": ["Foo", "Foo"]}
    )
    found = _found(table, engine, tmp_path, "row, rule, severity, path")
    assert found == [(0, None, "error", "payer"), (1, None, "error", "payer")]


def test_checks_in_threads_give_what_each_gives_alone() -> None:
    # the lookup tables a plan keeps for the process are shared by every thread

    table = pl.concat([_two_line_claim(f"c{i}") for i in range(20)])
    selections: list[dict[str, Any]] = [
        {},
        {"notes": True},
        {"select": ["claim"]},
        {"select": ["medicare"]},
        {"min_severity": "error"},
        {"ignore": ["claim"]},
    ]
    alone = [check_table(table, **options).rows() for options in selections]
    with ThreadPoolExecutor(max_workers=6) as pool:
        runs = [pool.submit(check_table, table, **options) for options in selections * 4]
        together = [run.result().rows() for run in runs]
    assert together == alone * 4


def test_a_pandas_frame_comes_back_as_a_pandas_frame_of_findings_by_position() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "claim_id": ["c1", "c1", "c2"],
            "code": ["J1459", "96365", "J1459"],
            "units": [70, 1, 70],
            "dose_mg": [35000.0, None, 35000.0],
            "date_of_service": [DAY] * 3,
        },
        index=["x", "y", "z"],
    )
    found = check_table(frame, payer="Medicare", select=["medicare.jw-jz-required"])
    assert type(found) is pd.DataFrame
    assert list(found.columns) == list(FINDING_COLUMNS)
    assert found[["row", "claim_id", "line"]].values.tolist() == [[0, "c1", 0], [2, "c2", 0]]


def test_a_pandas_frames_columns_the_rules_do_not_read_are_left_alone() -> None:
    pd = pytest.importorskip("pandas")
    # (a column called as passive_ig's own helper column, and one that differs from a
    # column the rules read by case alone, which DuckDB would rename)
    frame = pd.DataFrame(
        {
            "__passive_ig_row": [5, 6],
            "Units": ["see note", "see note"],
            "code": ["J1459", "J1459"],
            "units": [70, 70],
            "dose_mg": [35000.0, 35000.0],
            "modifiers": ["JZ", ""],
            "date_of_service": [DAY, DAY],
        }
    )
    found = check_table(frame, payer="Medicare")
    assert found[["row", "rule"]].values.tolist() == [[1, "medicare.jw-jz-required"]]


def test_a_pandas_series_is_not_a_table_of_claim_lines() -> None:
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidInputError, match="is not a valid table of claim lines: expected"):
        check_table(pd.Series(["J1459"]), payer="Medicare")


def test_an_engine_that_is_not_installed_is_named_with_its_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pd = pytest.importorskip("pandas")
    monkeypatch.delitem(sys.modules, "passive_ig.compiled.duckdb", raising=False)
    monkeypatch.setitem(sys.modules, "duckdb", None)  # as if DuckDB were not installed
    with pytest.raises(ModuleNotFoundError) as caught:
        check_table(pd.DataFrame({"code": ["J1459"]}), payer="Medicare")
    assert str(caught.value) == (
        "checking a pandas DataFrame with the compiled rules needs duckdb, which is not "
        "installed: pip install 'passive-ig[duckdb]'"
    )
    assert caught.value.name == "duckdb"


def test_a_csv_file_without_a_place_of_service_column_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,code,units,dose_mg,date_of_service\nc1,J1459,70,35000,2024-03-01\n")
    found = check_table(str(path), payer="Medicare", connection=duckdb.connect())
    assert found.select("rule").fetchall() == [
        ("medicare.jw-jz-required",),
        ("claim.product-without-administration",),
    ]


def test_pandas_frames_checked_in_threads_give_what_each_gives_alone() -> None:
    pd = pytest.importorskip("pandas")
    frames = [
        pd.DataFrame(
            {
                "claim_id": [f"c{i}", f"c{i}"],
                "code": ["J1459", "96365" if i % 2 else "J1569"],
                "units": [70, 1],
                "dose_mg": [35000.0, None],
                "date_of_service": [DAY, DAY],
            }
        )
        for i in range(6)
    ]

    def rows(frame: Any) -> list[Any]:
        found = check_table(frame, payer="Medicare")
        return found.assign(sources=found["sources"].map(list)).values.tolist()

    alone = [rows(frame) for frame in frames]
    assert all(alone)
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(rows, frames * 4))
    assert together == alone * 4


def test_a_pandas_frames_findings_have_the_same_dtypes_whatever_they_hold() -> None:
    pd = pytest.importorskip("pandas")
    line = {"code": ["J1459"], "units": [70], "dose_mg": [35000.0], "date_of_service": [DAY]}
    frames = {
        "no finding": pd.DataFrame({**line, "modifiers": ["JZ"]}),
        "a line alone": pd.DataFrame(line),
        "a claim": pd.DataFrame({**line, "claim_id": ["c1"]}),
    }
    dtypes = {
        name: {
            column: str(dtype)
            for column, dtype in check_table(frame, payer="Medicare").dtypes.items()
        }
        for name, frame in frames.items()
    }
    assert dtypes["no finding"] == dtypes["a line alone"] == dtypes["a claim"]
    assert dtypes["a claim"]["line"] == "Int64"
    assert dtypes["a claim"]["claim_id"] == "object"
