"""The CSV reader: its presets, a mapping you pass, and the errors for columns."""

from __future__ import annotations

import datetime as dt
import decimal
import io
from pathlib import Path

import pytest

from passive_ig import InvalidInputError
from passive_ig.readers import CodeSet, NotClaimsError, read_claims, read_csv

DAY = dt.date(2024, 3, 1)


def test_the_claim_lines_preset(fixtures: Path) -> None:
    first, second = read_csv(fixtures / "claim-lines.csv")
    assert first.ok
    assert second.ok
    assert (first.claim_id, first.position) == ("PIG-0001", "row 2")
    claim = first.claim
    assert claim is not None
    assert (claim.payer, claim.patient_id, claim.diagnoses) == (
        "UnitedHealthcare",
        "MEMBER001",
        ("D80.0", "D80.1"),
    )
    drug, infusion, more = claim.lines
    assert (drug.line_id, drug.code, drug.modifiers, drug.units) == ("1", "J1459", ("JZ",), 70)
    assert type(drug.units) is int
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("12345678901", 700, "ML")
    assert drug.diagnosis_pointers == (1, 2)
    assert (infusion.code, infusion.date_of_service) == ("96365", DAY)
    assert more.service_end == dt.date(2024, 3, 2)
    assert second.claim is not None
    assert second.claim.lines[0].units == decimal.Decimal("2.5")
    assert second.claim.lines[0].date_of_service == dt.date(2014, 6, 10)  # YYYYMMDD


def test_the_cms1500_preset(fixtures: Path) -> None:
    (result,) = read_csv(fixtures / "cms1500.csv")
    assert result.ok
    assert result.diagnosis_code_set is CodeSet.ICD10CM  # item 21's ICD Ind 0
    claim = result.claim
    assert claim is not None
    assert (claim.claim_id, claim.payer, claim.prior_authorization) == (
        "PIG-0001",
        "Aetna",
        "PA12345",
    )
    drug, infusion = claim.lines
    assert drug.diagnosis_pointers == (1, 2)  # 24E "AB"
    assert (drug.ndc, drug.ndc_unit, drug.ndc_quantity) == ("12345678901", "ML", 700)  # N4...ML700
    assert (drug.date_of_service, drug.service_end) == (DAY, None)  # 03/01/2024 to the same day
    assert infusion.diagnosis_pointers == (1,)


def test_the_synpuf_carrier_preset(fixtures: Path) -> None:
    first, second, empty = read_csv(fixtures / "synpuf-carrier.csv")
    assert first.diagnosis_code_set is CodeSet.ICD9CM
    claim = first.claim
    assert claim is not None
    assert (claim.claim_id, claim.patient_id, claim.payer) == (
        "900000000000001",
        "PIGSYN0000000001",
        "Medicare",
    )
    assert claim.diagnoses == ("27906", "V5869")
    assert [(line.line_id, line.code, line.diagnoses) for line in claim.lines] == [
        ("1", "J1566", ("27906",)),
        ("2", "96365", ("27906",)),
    ]
    assert claim.lines[0].date_of_service == dt.date(2008, 3, 1)
    assert second.claim is not None
    assert second.claim.lines[0].service_end == dt.date(2008, 4, 3)
    assert empty.claim is None
    assert [str(p) for p in empty.problems] == [
        "claim '900000000000003': row 4: found no line with a code; "
        "expected one row or column with a procedure code or more"
    ]


def test_the_synpuf_outpatient_preset(fixtures: Path) -> None:
    (result,) = read_claims(fixtures / "synpuf-outpatient.csv")  # guessed from the header
    assert result.ok
    assert result.claim is not None
    assert [line.code for line in result.claim.lines] == ["J1566", "96365"]
    assert result.claim.lines[0].date_of_service == dt.date(2009, 4, 25)  # YYYY-MM-DD too


def test_a_mapping_of_your_own_columns() -> None:
    text = "Claim #,Plan,CPT,Mod 1,Mod 2,Qty,DOS,Dx 1,Dx 2\nA1,Cigna,J1459,JZ,,70,2024-03-01,D80.0,D80.1\n"
    columns = {
        "Claim #": "claim_id",
        "Plan": "payer",
        "CPT": "code",
        "Mod 1": "modifiers",
        "Mod 2": "modifiers",
        "Qty": "units",
        "DOS": "date_of_service",
        "Dx 1": "claim_diagnoses",
        "Dx 2": "claim_diagnoses",
    }
    (result,) = read_csv(io.StringIO(text), columns=columns)
    assert result.ok
    assert result.claim is not None
    assert result.claim.diagnoses == ("D80.0", "D80.1")
    assert result.claim.lines[0].modifiers == ("JZ",)


def test_a_payer_for_files_that_name_none() -> None:
    text = "claim_id,code\nA1,J1459\n"
    (without,) = read_csv(io.StringIO(text))
    assert without.claim is None
    assert str(without.problems[0]) == (
        "claim 'A1': row 2: found no payer; expected a payer column, or read_csv(..., payer='Medicare')"
    )
    (given,) = read_csv(io.StringIO(text), payer="Medicare")
    assert given.claim is not None
    assert given.claim.payer == "Medicare"


def test_cells_that_do_not_fit_are_named_and_the_claim_goes_on() -> None:
    text = (
        "claim_id,payer,line_id,code,units,date_of_service,ndc\n"
        "A1,Aetna,1,J1459,seventy,2024-02-30,0944270003\n"
        "A1,Aetna,2,,1,2024-03-01,\n"
        "A2,Aetna,1,96365,1,2024-03-01,\n"
    )
    first, second = read_csv(io.StringIO(text))
    assert [str(p) for p in first.problems] == [
        "claim 'A1': row 2, column units: found 'seventy'; expected a number, e.g. 1 or 1.5",
        "claim 'A1': row 2, column date_of_service: found '2024-02-30'; "
        "expected a date as YYYY-MM-DD, YYYYMMDD or MM/DD/YYYY",
        "claim 'A1': row 2, column ndc: found '0944270003'; expected NDC: an NDC of 11 digits "
        "(5-4-2, e.g. '00944270003'), or 10 digits with hyphens as 4-4-2, 5-3-2 or 5-4-1 "
        "(e.g. '0944-2700-03'); 10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1; "
        "did you mean '00944270003' or '09442070003' or '09442700003'?",
        "claim 'A1': row 3, column code: found an empty cell; expected a procedure code on every line",
    ]
    assert first.claim is not None
    assert [line.code for line in first.claim.lines] == ["J1459"]
    assert second.ok


def test_a_claim_whose_rows_are_apart_is_named() -> None:
    text = "claim_id,payer,code\nA1,Aetna,J1459\nA2,Aetna,96365\nA1,Aetna,96366\n"
    results = list(read_csv(io.StringIO(text)))
    assert [r.claim_id for r in results] == ["A1", "A2", "A1"]
    assert results[2].problems[0].expected.startswith("the rows of a claim together")


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        (
            "claim_id,payer,code,unit\n",
            {},
            "'unit' is not a valid column: expected a column of the claim-lines layout; did you mean 'units'?",
        ),
        (
            "claim_id,payer,units\n",
            {},
            "['claim_id', 'payer', 'units'] is not a valid CSV header: expected a header with "
            "the column 'code', which the claim-lines layout needs",
        ),
        (
            "DESYNPUF_ID,CLM_ID,CLM_FROM_DT,HCPCS_CD_1,LINE_ICD9_DGNS_CD1\n",
            {"preset": "synpuf-carrier"},
            "'LINE_ICD9_DGNS_CD1' is not a valid column: expected a column of the synpuf-carrier "
            "layout; did you mean 'LINE_ICD9_DGNS_CD_1'?",
        ),
        (
            "DESYNPUF_ID,CLM_ID,CLM_FROM_DT,HCPCS_CD1\n",
            {"preset": "synpuf-carrier"},
            "'HCPCS_CD1' is not a valid column: expected a column of the synpuf-carrier layout; "
            "did you mean 'HCPCS_CD_1'?",
        ),
        (
            "DESYNPUF_ID,CLM_ID,CLM_FROM_DT\n",
            {"preset": "synpuf-carrier"},
            "['DESYNPUF_ID', 'CLM_ID', 'CLM_FROM_DT'] is not a valid CSV header: expected a header "
            "with the column 'HCPCS_CD_1', which the synpuf-carrier layout needs",
        ),
        (
            "Claim,CPT\n",
            {"columns": {"Claim": "claim_id", "CPT code": "code"}},
            "'CPT code' is not a valid column: expected a column of the file's header; did you mean 'CPT'?",
        ),
        (
            "Claim,CPT\n",
            {"columns": {"Claim": "claim", "CPT": "code"}},
            "'claim' is not a valid field for column 'Claim': expected a field name; did you mean 'claim_id'?",
        ),
        (
            "claim_id,code\n",
            {"preset": "cms-1500"},
            "'cms-1500' is not a valid CSV preset: expected one of 'claim-lines', 'cms1500', "
            "'synpuf-carrier', 'synpuf-outpatient'; did you mean 'cms1500'?",
        ),
    ],
)
def test_unknown_and_missing_columns_are_refused_at_once(
    text: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInputError) as info:
        read_csv(io.StringIO(text), **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


def test_a_file_without_a_header_is_refused() -> None:
    with pytest.raises(NotClaimsError) as info:
        read_csv(io.StringIO(""))
    assert str(info.value) == (
        "'<stream>' is not a valid claims file: expected CSV with a header row; it is empty"
    )


def test_tabs_and_semicolons_are_guessed() -> None:
    text = "claim_id\tpayer\tcode\nA1\tAetna\tJ1459\n"
    (result,) = read_csv(io.StringIO(text))
    assert result.ok
    (result,) = read_csv(io.StringIO(text.replace("\t", ";")))
    assert result.ok


def test_each_refused_value_is_named_and_the_line_kept() -> None:
    text = (
        "claim_id,payer,code,units,date_of_service,service_end,revenue_code,ndc_unit\n"
        "A1,Aetna,J1459,-1,2024-03-02,2024-03-01,636,MG\n"
    )
    (result,) = read_csv(io.StringIO(text))
    assert result.claim is not None
    (line,) = result.claim.lines
    assert (line.code, line.date_of_service) == ("J1459", dt.date(2024, 3, 2))
    assert (line.units, line.service_end, line.revenue_code, line.ndc_unit) == (
        None,
        None,
        None,
        None,
    )
    assert [(p.where, p.found) for p in result.problems] == [
        ("row 2, column units", "Decimal('-1')"),
        ("row 2, column ndc_unit", "'MG'"),
        ("row 2, column revenue_code", "'636'"),
        ("row 2, column service_end", "datetime.date(2024, 3, 1)"),
    ]
    assert result.problems[1].expected.endswith("did you mean 'ME'?")


def test_an_export_in_another_encoding() -> None:
    data = "claim_id,payer,patient_id,code\nA1,Aetna,Zoë,J1459\n".encode("cp1252")
    with pytest.raises(NotClaimsError) as info:
        read_csv(data)
    assert str(info.value) == (
        "'<bytes>' is not a valid claims file: expected UTF-8 text; byte 42 is not UTF-8 "
        "(a binary file, or another encoding: pass encoding=...)"
    )

    class Trickle(io.RawIOBase):  # 5 bytes at a time: the offset is counted across blocks
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            chunk, self.data = self.data[:5], self.data[5:]
            return chunk

    utf8 = "claim_id,payer,patient_id,code\nA1,Aetna,XXZoë,J1459\n".encode()
    assert utf8[44:46] == "ë".encode()  # across the blocks 40-44 and 45-49
    broken = utf8[:45] + b"\xff" + utf8[45:]  # the second byte of "ë" is not what follows
    with pytest.raises(NotClaimsError) as info:
        list(read_csv(Trickle(broken)))
    assert "expected UTF-8 text; byte 44 is not UTF-8" in str(info.value)  # where "ë" starts
    (result,) = read_claims(data, encoding="cp1252")
    assert result.claim is not None
    assert result.claim.patient_id == "Zoë"
    with pytest.raises(NotClaimsError) as info:
        read_csv(data, encoding="klingon")
    assert str(info.value) == (
        "'klingon' is not a valid encoding: expected a text encoding Python knows, e.g. 'cp1252'"
    )
