"""The X12 837 reader: what it maps from 837P and 837I, and what it names when it cannot."""

from __future__ import annotations

import datetime as dt
import decimal
import io
from pathlib import Path

import pytest

from passive_ig.readers import CodeSet, NotClaimsError, ReadResult, read_claims, read_x12

DAY = dt.date(2024, 3, 1)


def _read(text: str) -> list[ReadResult]:
    return list(read_x12(text.encode()))


def _professional(fixtures: Path) -> str:
    return (fixtures / "ivig-837p.x12").read_text()


def test_837p_claims_lines_and_ids(fixtures: Path) -> None:
    results = list(read_x12(fixtures / "ivig-837p.x12"))
    assert [r.claim_id for r in results] == ["PIG-0001", "PIG-0002", "PIG-0003"]
    assert all(r.ok for r in results)
    first = results[0].claim
    assert first is not None
    assert first.claim_id == "PIG-0001"
    assert first.patient_id == "MEMBER001"
    assert first.payer == "UnitedHealthcare"
    assert first.place_of_service == "11"
    assert first.diagnoses == ("D800", "D801")  # as the source gives them, qualifier removed
    assert results[0].diagnosis_code_set is CodeSet.ICD10CM
    assert results[0].position == "segment 13 CLM"
    drug, infusion, more = first.lines
    assert (drug.line_id, drug.code, drug.modifiers) == ("1", "J1459", ("JZ",))
    assert drug.units == 70
    assert type(drug.units) is int
    assert drug.place_of_service == "11"
    assert drug.date_of_service == DAY
    assert drug.service_end is None
    assert drug.diagnosis_pointers == (1, 2)
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("12345678901", 700, "ML")
    assert (infusion.code, infusion.units, infusion.diagnosis_pointers) == ("96365", 1, (1,))
    assert (more.date_of_service, more.service_end) == (DAY, dt.date(2024, 3, 2))  # RD8


def test_837p_payer_from_the_filing_indicator_and_icd9(fixtures: Path) -> None:
    *_, medicare = read_x12(fixtures / "ivig-837p.x12")
    assert medicare.claim is not None
    assert medicare.claim.payer == "Medicare"  # SBR09 MB, whatever NM1*PR says
    assert medicare.claim.patient_id == "1EG4TE5MK73"
    assert medicare.claim.diagnoses == ("27906",)
    assert medicare.diagnosis_code_set is CodeSet.ICD9CM
    assert medicare.claim.lines[0].units == decimal.Decimal("2.5")  # a fraction stays


def test_837i_with_other_separators_and_no_newlines(fixtures: Path) -> None:
    (result,) = read_x12(fixtures / "ivig-837i.x12")
    assert result.ok
    claim = result.claim
    assert claim is not None
    assert claim.payer == "Medicare"  # not the other payer of loop 2330B
    assert claim.patient_id == "1EG4TE5MK73"  # not the other subscriber of loop 2330A
    assert claim.bill_type == "131"
    assert claim.place_of_service is None
    assert claim.diagnoses == ("D800", "D801")  # BH occurrence codes are not diagnoses
    drug, infusion = claim.lines
    assert (drug.revenue_code, drug.code, drug.modifiers, drug.units) == (
        "0636",
        "J1459",
        ("JZ",),
        70,
    )
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("12345678901", 700, "ML")
    assert (infusion.revenue_code, infusion.code, infusion.line_id) == ("0260", "96365", "2")


def test_the_reader_takes_a_path_bytes_and_open_files(fixtures: Path) -> None:
    path = fixtures / "ivig-837p.x12"
    expected = [r.claim for r in read_x12(path)]
    assert [r.claim for r in read_x12(str(path))] == expected
    assert [r.claim for r in read_x12(path.read_bytes())] == expected
    with path.open("rb") as binary:
        assert [r.claim for r in read_x12(binary)] == expected
    with path.open(encoding="utf-8") as text:
        assert [r.claim for r in read_x12(text)] == expected


def test_claims_are_streamed_one_at_a_time(fixtures: Path) -> None:
    results = read_x12(io.BytesIO(_professional(fixtures).encode()))
    first = next(results)
    assert first.claim_id == "PIG-0001"
    assert next(results).claim_id == "PIG-0002"


def test_segments_split_across_chunks_read_the_same(fixtures: Path) -> None:
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:  # 7 bytes at a time, whatever is asked
            chunk, self.data = self.data[:7], self.data[7:]
            return chunk

    data = _professional(fixtures).encode()
    assert [r.claim for r in read_x12(Trickle(data))] == [r.claim for r in read_x12(data)]


def test_a_truncated_file_names_the_claim_it_ends_in(fixtures: Path) -> None:
    text = _professional(fixtures)
    cut = text[: text.index("LX*3")]  # inside claim PIG-0001
    (result,) = _read(cut)
    assert result.claim is None
    assert result.claim_id == "PIG-0001"
    assert [str(p) for p in result.problems] == [
        "claim 'PIG-0001': end of file: found no SE segment after this claim; "
        "expected the transaction set to end with SE, then GE and IEA: the file is truncated"
    ]


def test_a_file_cut_inside_a_segment_says_so(fixtures: Path) -> None:
    text = _professional(fixtures)
    cut = text[: text.index("DTP*472*RD8") + 8]
    (result,) = _read(cut)
    assert result.claim is None
    messages = [str(p) for p in result.problems]
    assert messages[0] == (
        "claim 'PIG-0001': segment 25: found 'DTP*472*' with no segment terminator; "
        "expected segments ending in '~': the file is truncated"
    )


def test_a_missing_iea_after_complete_claims_is_its_own_result(fixtures: Path) -> None:
    text = _professional(fixtures)
    results = _read(text[: text.index("IEA")])
    assert [r.ok for r in results[:3]] == [True, True, True]
    last = results[3]
    assert (last.claim, last.claim_id) == (None, None)
    assert [str(p) for p in last.problems] == [
        "no claim: end of file: found no IEA segment; "
        "expected the interchange to end with IEA: the file is truncated"
    ]


def test_a_bad_claim_does_not_stop_the_others(fixtures: Path) -> None:
    text = _professional(fixtures).replace(
        "SV1*HC:96365*350.00*UN*1*11**1~\nDTP*472*D8*20240302", "SV1*HC~\nDTP*472*D8*20240302"
    )
    results = _read(text)
    assert [r.claim_id for r in results] == ["PIG-0001", "PIG-0002", "PIG-0003"]
    bad = results[1]
    assert bad.claim is None
    assert [str(p) for p in bad.problems] == [
        "claim 'PIG-0002': segment 29 SV1: found 1 elements; "
        "expected SV1 with at least SV101 to SV104 (procedure, charge, unit basis, quantity)",
        "claim 'PIG-0002': segment 26 CLM: found no service line that could be read; "
        "expected one LX with SV1 (837P) or SV2 (837I) or more",
    ]
    assert results[0].ok
    assert results[2].ok


def test_a_value_the_line_refuses_is_left_out_and_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace(
        "SV1*HC:96366*150.00*UN*2*", "SV1*HC:96366*150.00*UN*-2*"
    )
    first = _read(text)[0]
    assert first.claim is not None
    assert [line.line_id for line in first.claim.lines] == ["1", "2", "3"]
    assert first.claim.lines[2].units is None
    assert not first.ok
    assert [str(p) for p in first.problems] == [
        "claim 'PIG-0001': segment 24 SV104: found Decimal('-2'); expected unit count: a number of "
        "units, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 70"
    ]


def test_a_line_without_a_code_is_left_out_and_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace("SV1*HC:96366*", "SV1*HC*")
    first = _read(text)[0]
    assert first.claim is not None
    assert [line.line_id for line in first.claim.lines] == ["1", "2"]
    assert [str(p) for p in first.problems] == [
        "claim 'PIG-0001': segment 24 SV101: found 'HC'; expected HC and a procedure code, "
        "e.g. 'HC:90283'"
    ]


def test_a_wrong_element_count_is_named_with_its_segment(fixtures: Path) -> None:
    text = _professional(fixtures).replace("LX*2~", "LX*2*9~")
    first = _read(text)[0]
    assert first.claim is not None
    assert "segment 20 LX: found 2 elements; expected at most 1 elements in LX" in [
        f"{p.where}: found {p.found}; expected {p.expected}" for p in first.problems
    ]
    assert [line.line_id for line in first.claim.lines] == ["1", "3"]


def test_an_unknown_qualifier_is_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace("HI*ABK:D800*ABF:D801", "HI*ABK:D800*XYZ:D801")
    first = _read(text)[0]
    assert first.claim is not None
    assert first.claim.diagnoses == ("D800",)
    problem, dangling = first.problems
    assert (problem.claim_id, problem.where, problem.found) == (
        "PIG-0001",
        "segment 14 HI02",
        "qualifier 'XYZ'",
    )
    assert problem.expected.startswith("a known HI qualifier: ABK/ABF (ICD-10-CM diagnoses)")
    assert str(dangling) == (
        "claim 'PIG-0001': segment 16 SV107: found pointers (1, 2); "
        "expected pointers to the claim's 1 HI diagnoses"
    )


def test_a_malformed_segment_is_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace("DTP*472*D8*20240301~\nLIN", "dtp 472~\nLIN")
    first = _read(text)[0]
    assert [str(p) for p in first.problems] == [
        "claim 'PIG-0001': segment 17: found 'dtp 472'; expected a segment id of 2 or 3 "
        "capital letters or digits: a malformed segment"
    ]
    assert first.claim is not None
    assert first.claim.lines[0].date_of_service is None


def test_a_bad_ndc_and_date_are_named_and_the_rest_kept(fixtures: Path) -> None:
    text = (
        _professional(fixtures)
        .replace("LIN**N4*12345678901", "LIN**N4*1234567890")
        .replace("DTP*472*D8*20240301~\nLIN", "DTP*472*D8*20240231~\nLIN")
    )
    first = _read(text)[0]
    assert first.claim is not None
    drug = first.claim.lines[0]
    assert (drug.code, drug.ndc, drug.date_of_service) == ("J1459", None, None)
    assert [(p.where, p.found) for p in first.problems] == [
        ("segment 17 DTP03", "'20240231'"),
        ("segment 18 LIN03", "'1234567890'"),
    ]
    assert "10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1" in first.problems[1].expected


def test_a_pointer_past_the_diagnoses_is_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace("*11**1:2~", "*11**1:5~")
    first = _read(text)[0]
    assert first.claim is not None
    assert first.claim.lines[0].diagnosis_pointers == (1,)
    assert [str(p) for p in first.problems] == [
        "claim 'PIG-0001': segment 16 SV107: found pointers (1, 5); "
        "expected pointers to the claim's 2 HI diagnoses"
    ]


def test_no_payer_means_no_claim_unless_one_is_given(fixtures: Path) -> None:
    text = _professional(fixtures).replace("NM1*PR*2*UnitedHealthcare*****PI*87726~\n", "")
    first = _read(text)[0]
    assert first.claim is None
    assert first.problems[-1].found == "no payer"
    given = next(read_x12(text.encode(), payer="Aetna"))
    assert given.claim is not None
    assert given.claim.payer == "Aetna"


def test_mixed_code_sets_are_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace("HI*ABK:D800*ABF:D801", "HI*ABK:D800*BF:27906")
    first = _read(text)[0]
    assert first.diagnosis_code_set is None
    assert first.problems[0].expected == "one code set per claim"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"%PDF-1.7\n...",
            "'<bytes>' is not a valid claims file: expected an X12 interchange starting with ISA; "
            "it looks like a PDF document",
        ),
        (
            b"ISA*00*short~",
            "'<bytes>' is not a valid claims file: expected an ISA segment of 106 characters; "
            "the file has 13 in all",
        ),
        (
            b"ISA*00*" + b" " * 120,
            "'<bytes>' is not a valid claims file: expected an ISA segment of 16 elements "
            "separated by '*' in its fixed 106 characters; found 2 separators",
        ),
    ],
)
def test_a_file_that_is_not_x12_is_refused_at_once(data: bytes, message: str) -> None:
    with pytest.raises(NotClaimsError) as info:
        read_x12(data)  # refused when called, before any claim is asked for
    assert str(info.value) == message


def test_read_claims_guesses_x12(fixtures: Path) -> None:
    results = list(read_claims(fixtures / "ivig-837i.x12"))
    assert [r.claim_id for r in results] == ["PIG-I-0001"]


def test_a_segment_count_that_does_not_match_se01_is_named(fixtures: Path) -> None:
    text = _professional(fixtures).replace(
        "LX*1~\nSV1*HC:96365*350.00*UN*1*11**1~\nDTP*472*D8*20240302~\n", ""
    )
    results = _read(text)
    assert [r.claim_id for r in results] == ["PIG-0001", "PIG-0002", "PIG-0003", None]
    loose = results[3]
    assert loose.position == "segment 37 SE"
    assert [str(p) for p in loose.problems] == [
        "no claim: segment 37 SE01: found '38' segments; expected the number of segments "
        "from ST to SE, 35: segments were lost or added"
    ]
