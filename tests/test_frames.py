"""A DataFrame of claim lines, pandas or polars, checked into a DataFrame of findings."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from passive_ig import InvalidInputError, UnknownPayerError, registry
from passive_ig.claims import ClaimLine
from passive_ig.frames import FINDING_COLUMNS, check_frame

DAY = dt.date(2024, 3, 1)

# one row per line, as the column contract in passive_ig.frames describes
ROWS: dict[str, list[Any]] = {
    "code": ["J1459", "90283", "9O283", "J1569", "96365", "J1459"],
    "modifiers": [["JZ"], [], ["J Z", "25"], ["JW"], [], ["JZ"]],
    "units": [70, None, 1, 40, 1, 70],
    "place_of_service": ["11", "22", None, "12", "11", "11"],
    "date_of_service": [DAY, DAY, None, DAY, DAY, DAY],
    "diagnoses": [["D80.0"], [], ["D80"], ["G61.81"], [], ["D80.0"]],
    "dose_mg": [35000.0, None, None, 20000.0, None, 35000.0],
    "discarded_mg": [None, None, None, 1000.0, None, None],
    "evaluation_and_management": [False, False, False, False, False, False],
}


def lines(rows: dict[str, list[Any]]) -> list[ClaimLine]:
    return [
        ClaimLine(**{name: values[row] for name, values in rows.items() if name != "payer"})
        for row in range(len(rows["code"]))
    ]


def expected(rows: dict[str, list[Any]], payer: str) -> list[dict[str, Any]]:
    """The findings, one dict a row, as registry.check gives them line by line."""
    out = []
    for index, line in enumerate(lines(rows)):
        report = registry.check(line, payer=payer)
        out.extend(
            {
                "line": index,
                "payer": report.payer,
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "path": f.path,
                "suggestion": f.suggestion,
                "sources": [s.id for s in f.sources],
            }
            for f in report.findings
        )
    return out


@pytest.fixture(params=["pandas", "polars"])
def lib(request: pytest.FixtureRequest) -> ModuleType:
    return pytest.importorskip(request.param)


def frame(lib: ModuleType, rows: dict[str, list[Any]]) -> Any:
    if lib.__name__ == "polars":
        return lib.DataFrame(rows, strict=False)
    return lib.DataFrame(rows)


def records(lib: ModuleType, result: Any) -> list[dict[str, Any]]:
    if lib.__name__ == "polars":
        return list(result.to_dicts())
    return [
        {k: (None if k == "suggestion" and v is None else v) for k, v in row.items()}
        for row in result.to_dict("records")
    ]


def test_findings_match_check_line_by_line(lib: ModuleType) -> None:
    result = check_frame(frame(lib, ROWS), payer="Medicare")
    assert type(result).__module__.split(".")[0] == lib.__name__
    assert list(result.columns) == list(FINDING_COLUMNS)
    assert records(lib, result) == expected(ROWS, "Medicare")


def test_the_frame_takes_the_rule_selection(lib: ModuleType) -> None:
    result = check_frame(frame(lib, ROWS), payer="Medicare", min_severity="error")
    assert {row["severity"] for row in records(lib, result)} <= {"error"}
    noted = check_frame(frame(lib, ROWS), payer="Medicare", select="payer", notes=True)
    assert {row["rule"].split(".")[0] for row in records(lib, noted)} == {"payer"}


def test_the_result_has_its_column_types(lib: ModuleType) -> None:
    result = check_frame(frame(lib, ROWS), payer="UHC")
    if lib.__name__ == "polars":
        assert result.schema["line"] == lib.Int64
        assert result.schema["sources"] == lib.List(lib.String)
        assert result.schema["suggestion"] == lib.String
    else:
        assert str(result["line"].dtype) == "int64"


def test_a_frame_without_findings_has_the_columns_and_no_rows(lib: ModuleType) -> None:
    empty = check_frame(frame(lib, {"code": ["96365"][:0]}), payer="UHC")
    assert list(empty.columns) == list(FINDING_COLUMNS)
    assert len(empty) == 0


def test_only_code_is_required(lib: ModuleType) -> None:
    rows = {"code": ["J1459", "96365"]}
    assert records(lib, check_frame(frame(lib, rows), payer="Aetna")) == expected(rows, "Aetna")


def test_a_payer_column_sets_each_rows_payer(lib: ModuleType) -> None:
    rows = {**ROWS, "payer": ["UHC", None, "Medicare", "Cigna", None, "UHC"]}
    result = records(lib, check_frame(frame(lib, rows), payer="Aetna"))
    by_line = {row["line"]: row["payer"] for row in result}
    assert by_line[0] == "uhc"
    assert by_line[1] == "aetna"
    assert by_line[3] == "cigna"
    for index, payer in enumerate(["UHC", "Aetna", "Medicare", "Cigna", "Aetna", "UHC"]):
        single = {name: values[index : index + 1] for name, values in ROWS.items()}
        mine = [{**row, "line": index} for row in expected(single, payer)]
        assert [row for row in result if row["line"] == index] == mine


def test_csv_style_values_are_read_as_the_contract_says() -> None:
    pd = pytest.importorskip("pandas")
    rows = pd.DataFrame(
        {
            "code": ["J1459", "J1459"],
            "modifiers": ["JW, 25", None],
            "units": [18.0, float("nan")],  # a float column, because of the gap
            "place_of_service": [11, 4],  # read as numbers
            "date_of_service": ["2024-03-01", pd.NaT],
            "diagnoses": ["D80.0;G61.81", ""],
            "dose_mg": [9000, None],
        }
    )
    as_lines = {
        "code": ["J1459", "J1459"],
        "modifiers": [("JW", "25"), ()],
        "units": [18, None],
        "place_of_service": ["11", "04"],
        "date_of_service": [DAY, None],
        "diagnoses": [("D80.0", "G61.81"), ()],
        "dose_mg": [9000.0, None],
    }
    assert records(pd, check_frame(rows, payer="Medicare")) == expected(as_lines, "Medicare")


def test_timestamps_and_datetimes_are_dates(lib: ModuleType) -> None:
    rows = {"code": ["J1459"], "date_of_service": [dt.datetime(2024, 3, 1, 14, 30)]}
    dated = {"code": ["J1459"], "date_of_service": [DAY]}
    assert records(lib, check_frame(frame(lib, rows), payer="UHC")) == expected(dated, "UHC")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("units", "two", "'two' is not a valid units on row 'b': expected a number of units"),
        ("units", -1, "-1 is not a valid unit count on row 'b': expected a number of units, 0 to"),
        ("date_of_service", "03/01/2024", "'03/01/2024' is not a valid date_of_service on row 'b'"),
        ("code", 90283, "90283 is not a valid code on row 'b'"),
        ("place_of_service", 123, "123 is not a valid place_of_service on row 'b'"),
    ],
)
def test_a_value_outside_the_contract_is_its_rows_error_named_by_its_index(
    column: str, value: object, message: str
) -> None:
    pd = pytest.importorskip("pandas")
    values: dict[str, list[object]] = {"code": ["90283", "J1459", "90283"]}
    values[column] = [values.get(column, [None])[0], value, values.get(column, [None])[0]]
    values["modifiers"] = [["51"], [], ["51"]]  # rows a and c each have a finding
    rows = pd.DataFrame(values, index=["a", "b", "c"], dtype=object)
    result = check_frame(rows, payer="UHC")
    assert list(result.index.unique()) == ["a", "b", "c"]  # in row order, by label
    [error] = result.loc[["b"]].to_dict("records")
    assert (error["line"], error["rule"], error["severity"]) == (1, None, "error")
    assert error["message"].startswith(message)
    # the other rows were checked as if the bad one were not there (``line`` is the
    # position in the frame given, the index the label)
    good = check_frame(rows.drop(index="b"), payer="UHC")
    assert list(result.drop(index="b").index) == list(good.index)

    def without_line(frame: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in row.items() if k != "line"} for row in records(pd, frame)]

    assert without_line(result.drop(index="b")) == without_line(good)


def test_fractional_units_are_a_finding_not_an_error() -> None:
    pd = pytest.importorskip("pandas")
    rows = pd.DataFrame({"code": ["J1459"], "units": [70.5], "dose_mg": [35250.0]})
    result = check_frame(rows, payer="UHC")
    assert "units.fraction" in set(result["rule"])


def test_what_the_frame_and_payer_must_be(lib: ModuleType) -> None:
    with pytest.raises(InvalidInputError, match="'code' column"):
        check_frame(frame(lib, {"cpt": ["J1459"]}), payer="UHC")
    with pytest.raises(UnknownPayerError):
        check_frame(frame(lib, {"code": ["J1459"]}), payer="Humana")
    with pytest.raises(InvalidInputError, match="pandas or polars DataFrame"):
        check_frame([{"code": "J1459"}], payer="UHC")


def test_a_row_without_a_payer_or_with_an_unknown_one_is_its_rows_error(lib: ModuleType) -> None:
    rows = {"code": ["J1459", "J1459", "90283"], "payer": [None, "Humana", "UHC"]}
    result = records(lib, check_frame(frame(lib, rows)))
    errors = [r for r in result if r["rule"] is None]
    assert [(r["line"], r["severity"]) for r in errors] == [(0, "error"), (1, "error")]
    assert errors[0]["message"] == (
        "None is not a valid payer: expected a payer: the payer argument, or a 'payer' "
        "value on row 0"
    )
    assert errors[1]["message"] == "the payer on row 1: no payer 'Humana' in payers"
    assert {r["line"] for r in result if r["rule"] is not None} == {2}


def test_importing_frames_imports_neither_library() -> None:
    code = (
        "import sys, passive_ig.frames\n"
        "print(sorted(m for m in ('pandas', 'polars', 'numpy', 'pyarrow') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
