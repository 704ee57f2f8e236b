"""read_claims: the format guessed from the content, the sources it takes, and what it refuses."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest

from passive_ig import InvalidInputError
from passive_ig.readers import (
    NotClaimsError,
    ReadProblem,
    ReadResult,
    guess_format,
    read_claims,
)


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("ivig-837p.x12", "x12"),
        ("ivig-837i.x12", "x12"),
        ("claim.json", "fhir"),
        ("eob-bundle.json", "fhir"),
        ("claims.ndjson", "fhir"),
        ("claim-lines.csv", "csv"),
        ("cms1500.csv", "csv"),
        ("synpuf-carrier.csv", "csv"),
    ],
)
def test_the_format_is_guessed_from_the_content(fixtures: Path, name: str, format: str) -> None:
    assert guess_format(fixtures / name) == format
    results = list(read_claims(fixtures / name))
    assert results
    assert all(isinstance(r, ReadResult) for r in results)
    assert list(read_claims(fixtures / name, format=format)) == results  # type: ignore[arg-type]


def test_a_byte_order_mark_and_leading_space_are_passed_over(fixtures: Path) -> None:
    data = b"\xef\xbb\xbf\r\n" + (fixtures / "ivig-837i.x12").read_bytes()
    assert [r.claim_id for r in read_claims(data)] == ["PIG-I-0001"]


@pytest.mark.parametrize(
    ("data", "looks"),
    [
        (b"%PDF-1.7\n", "it looks like a PDF document"),
        (b"<?xml version='1.0'?><Claim/>", "it looks like XML or HTML"),
        (b'{"claims": []}', "it is JSON without a FHIR resourceType"),
        (b"", "it is empty"),
        (b"Dear biller: please find attached", "it starts 'Dear biller: please find attached'"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "byte 0 is not UTF-8 (a binary file, or another encoding: pass encoding=...)",
        ),
    ],
)
def test_what_is_no_claims_format_is_refused_with_what_it_looked_like(
    data: bytes, looks: str
) -> None:
    with pytest.raises(NotClaimsError) as info:
        read_claims(data)
    assert str(info.value).endswith(looks)
    assert str(info.value).startswith("'<bytes>' is not a valid claims file: expected ")
    assert isinstance(info.value, InvalidInputError)
    assert isinstance(info.value, ValueError)


def test_text_with_commas_is_taken_for_csv_and_refused_for_its_columns() -> None:
    with pytest.raises(InvalidInputError) as info:
        read_claims(b"Dear biller, please find attached\n")
    assert str(info.value) == (
        "'Dear biller' is not a valid column: expected a column of the claim-lines layout; "
        "did you mean 'bill_type'?"
    )


def test_a_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotClaimsError) as info:
        read_claims(tmp_path / "none.x12")
    assert str(info.value) == (
        f"'{tmp_path / 'none.x12'}' is not a valid claims file: "
        "expected a path to an existing file (or bytes, or an open file)"
    )


def test_csv_options_with_another_format_are_refused(fixtures: Path) -> None:
    with pytest.raises(NotClaimsError) as info:
        read_claims(fixtures / "ivig-837p.x12", preset="cms1500")
    assert str(info.value) == (
        "'x12' is not a valid format: expected format 'csv' with preset or columns"
    )


def test_an_open_text_file_is_read_as_it_is(fixtures: Path) -> None:
    text = (fixtures / "claim-lines.csv").read_text()
    assert [r.claim_id for r in read_claims(io.StringIO(text))] == ["PIG-0001", "PIG-0002"]


def test_results_problems_and_errors_survive_pickle(fixtures: Path) -> None:
    result = next(read_claims(fixtures / "ivig-837p.x12"))
    assert pickle.loads(pickle.dumps(result)) == result
    problem = ReadProblem(claim_id="A1", where="segment 3 SV1", found="'x'", expected="a code")
    assert pickle.loads(pickle.dumps(problem)) == problem
    error = NotClaimsError("f.txt", "X12")
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again)) == (NotClaimsError, str(error))
