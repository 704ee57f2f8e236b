"""The input types refuse values of the wrong type when they are built, with clear errors;
what a value says (a malformed code) is left to the check, which makes it a finding."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import Any

import pytest

from passive_ig import InvalidInputError, registry
from passive_ig.claims import Claim, ClaimLine

DAY = dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": 90283}, "90283 is not a valid code: expected a billing code as a string"),
        ({"code": None}, "None is not a valid code: expected a billing code as a string"),
        (
            {"modifiers": None},
            "None is not a valid modifier list: expected a list of modifiers as strings, e.g. ['JW']",
        ),
        (
            {"modifiers": (25,)},
            "25 is not a valid modifier: expected a modifier as a string, e.g. 'JW'",
        ),
        (
            {"units": "70"},
            "'70' is not a valid unit count: expected a number of units, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 70",
        ),
        (
            {"units": -1},
            "-1 is not a valid unit count: expected a number of units, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 70",
        ),
        (
            {"units": True},
            "True is not a valid unit count: expected a number of units, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 70",
        ),
        (
            {"place_of_service": 11},
            "11 is not a valid place of service: expected a place-of-service code as a string, e.g. '11'",
        ),
        (
            {"date_of_service": "2024-03-01"},
            "'2024-03-01' is not a valid date of service: expected a datetime.date (not a datetime), e.g. date(2024, 3, 1)",
        ),
        (
            {"date_of_service": dt.datetime(2024, 3, 1)},
            "datetime.datetime(2024, 3, 1, 0, 0) is not a valid date of service: expected a datetime.date (not a datetime)",
        ),
        (
            {"diagnoses": (800,)},
            "800 is not a valid diagnosis: expected a diagnosis as a string, e.g. 'D80.0'",
        ),
        (
            {"dose_mg": "35000"},
            "'35000' is not a valid dose in mg: expected an amount in mg as a number, 0 or more",
        ),
        (
            {"dose_mg": math.nan},
            "nan is not a valid dose in mg: expected an amount in mg, finite and 0 or more",
        ),
        (
            {"discarded_mg": -5.0},
            "-5.0 is not a valid discarded amount in mg: expected an amount in mg, finite and 0 or more",
        ),
        (
            {"evaluation_and_management": "yes"},
            "'yes' is not a valid evaluation_and_management flag: expected true or false",
        ),
    ],
)
def test_a_line_refuses_values_of_the_wrong_type(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"code": "J1459", **fields}
    with pytest.raises(InvalidInputError) as info:
        ClaimLine(**values)
    assert str(info.value).startswith(message)


def test_a_single_string_is_one_modifier_or_diagnosis() -> None:
    line = ClaimLine(code="J1459", modifiers="JZ", diagnoses="D80.0")  # type: ignore[arg-type]
    assert line.modifiers == ("JZ",)
    assert line.diagnoses == ("D80.0",)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"payer": None}, "None is not a valid payer: expected a payer name or alias"),
        ({"lines": "J1459"}, "'J1459' is not a valid claim lines: expected a list of ClaimLine"),
        (
            {"lines": [ClaimLine(code="J1459"), "x"]},
            "'x' is not a valid claim line: expected a ClaimLine",
        ),
        (
            {"date_of_service": dt.datetime(2024, 3, 1)},
            "datetime.datetime(2024, 3, 1, 0, 0) is not a valid date of service",
        ),
        (
            {"prior_authorization": 123},
            "123 is not a valid prior authorization: expected an authorization number as a string",
        ),
    ],
)
def test_a_claim_refuses_values_of_the_wrong_type(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"payer": "Medicare", "lines": (ClaimLine(code="J1459"),), **fields}
    with pytest.raises(InvalidInputError) as info:
        Claim(**values)
    assert str(info.value).startswith(message)


def test_from_dict_reports_a_refused_value_with_its_path() -> None:
    with pytest.raises(InvalidInputError) as info:
        ClaimLine.from_dict({"code": "J1459", "units": -3})
    assert "$: -3 is not a valid unit count: expected a number of units, 0 to 1,000,000,000" in str(
        info.value
    )


def test_well_typed_but_malformed_values_become_findings_not_errors() -> None:
    line = ClaimLine(
        code="9O283",
        modifiers=("-JZ", "J"),
        place_of_service="1A",
        diagnoses=("80.0",),
        date_of_service=DAY,
    )
    rules = registry.check(line, payer="Medicare").rules()
    assert {
        "code.malformed",
        "modifier.malformed",
        "place-of-service.malformed",
        "diagnosis.malformed",
    } <= set(rules)


def test_accepted_modifier_spellings_count_as_the_modifier() -> None:
    line = ClaimLine(
        code="J1459",
        modifiers=("-JZ",),
        units=70,
        dose_mg=35000.0,
        place_of_service="11",
        date_of_service=DAY,
        diagnoses=("D80.0",),
    )
    assert registry.check(line, payer="Medicare").ok
    em = ClaimLine(
        code="99214", modifiers=("mod 25",), evaluation_and_management=True, date_of_service=DAY
    )
    claim = Claim(payer="Medicare", lines=(line, ClaimLine(code="96365", date_of_service=DAY), em))
    assert "claim.em-without-25" not in registry.check(claim).rules()


# ------------------------------------------------------------------ what real claims carry


def test_a_line_carries_what_real_claims_carry() -> None:
    line = ClaimLine(
        code="J1459",
        line_id="1",
        ndc="0944-2700-03",
        ndc_quantity=decimal.Decimal("700.000"),
        ndc_unit=" ml ",
        revenue_code="0636",
        date_of_service=DAY,
        service_end=dt.date(2024, 3, 2),
        diagnosis_pointers=[1, 2],
    )
    assert line.line_id == "1"
    assert (line.ndc, line.ndc_quantity, line.ndc_unit) == ("00944270003", 700, "ML")
    assert type(line.ndc_quantity) is int
    assert line.revenue_code == "0636"
    assert line.service_end == dt.date(2024, 3, 2)
    assert line.diagnosis_pointers == (1, 2)


@pytest.mark.parametrize(
    ("units", "kept"),
    [
        (70, 70),
        (decimal.Decimal("1.00"), 1),
        (1.0, 1),
        (0, 0),
        (decimal.Decimal("2.5"), decimal.Decimal("2.5")),
        (0.1, decimal.Decimal("0.1")),  # the float as written, not its binary value
        (10**9, 10**9),
    ],
)
def test_units_are_whole_or_decimal(units: Any, kept: Any) -> None:
    line = ClaimLine(code="J1459", units=units)
    assert line.units == kept
    assert type(line.units) is type(kept)


_UNITS = (
    "is not a valid unit count: expected a number of units, 0 to 1,000,000,000: an int, "
    "a decimal.Decimal or a finite float, e.g. 70"
)


@pytest.mark.parametrize(
    ("units", "shown"),
    [
        (False, "False"),
        (-1, "-1"),
        (decimal.Decimal("-0.5"), "Decimal('-0.5')"),
        (math.inf, "inf"),
        (math.nan, "nan"),
        (decimal.Decimal("NaN"), "Decimal('NaN')"),
        (decimal.Decimal("sNaN"), "Decimal('sNaN')"),
        (decimal.Decimal("Infinity"), "Decimal('Infinity')"),
        (10**9 + 1, "1000000001"),
        (1e300, "1e+300"),
        (decimal.Decimal("1E+999999"), "Decimal('1E+999999')"),
        # its repr would raise (and so would pytest's test id)
        pytest.param(10**5000, "<an integer of 16610 bits>", id="int-of-5001-digits"),
        ("1.00", "'1.00'"),
    ],
)
def test_units_out_of_range_are_refused_naming_the_field(units: Any, shown: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        ClaimLine(code="J1459", units=units)
    assert str(info.value) == f"{shown} {_UNITS}"


@pytest.mark.parametrize("amount", [2**1024, -(2**1024), 10**400])
def test_a_dose_too_big_for_a_float_is_refused(amount: int) -> None:
    with pytest.raises(InvalidInputError) as info:
        ClaimLine(code="J1459", dose_mg=amount)
    assert str(info.value).endswith(
        "is not a valid dose in mg: expected an amount in mg, finite and 0 or more"
    )
    with pytest.raises(InvalidInputError) as info:
        ClaimLine(code="J1459", discarded_mg=amount)
    assert "is not a valid discarded amount in mg" in str(info.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"ndc": "0944270003"},
            "'0944270003' is not a well-formed NDC: expected an NDC of 11 digits (5-4-2, e.g. "
            "'00944270003'), or 10 digits with hyphens as 4-4-2, 5-3-2 or 5-4-1 (e.g. "
            "'0944-2700-03'); 10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1; "
            "did you mean '00944270003' or '09442070003' or '09442700003'?",
        ),
        (
            {"ndc": 944270003},
            "944270003 is not a valid NDC: expected an NDC of 11 digits",
        ),
        (
            {"ndc_unit": "MG"},
            "'MG' is not a valid NDC unit: expected an NDC unit of measure: 'UN', 'ML', 'GR', "
            "'F2', 'ME'; did you mean 'ME'?",
        ),
        (
            {"ndc_quantity": -1},
            "-1 is not a valid NDC quantity: expected a drug quantity, 0 to 1,000,000,000",
        ),
        (
            {"revenue_code": "636"},
            "'636' is not a well-formed revenue code: expected a revenue code of 4 digits, "
            "e.g. '0636'; did you mean '0636'?",
        ),
        (
            {"line_id": 1},
            "1 is not a valid line id: expected the source's line id as a string, e.g. '1'",
        ),
        (
            {"date_of_service": DAY, "service_end": dt.date(2024, 2, 28)},
            "datetime.date(2024, 2, 28) is not a valid end of the service period: expected a date "
            "on or after the date of service 2024-03-01 (the start of the period); "
            "did you mean 2024-03-01?",
        ),
        (
            {"service_end": "2024-03-02"},
            "'2024-03-02' is not a valid end of the service period: expected a datetime.date",
        ),
        (
            {"diagnosis_pointers": 1},
            "1 is not a valid diagnosis pointer list: expected a list of 1-based pointers into "
            "the claim's diagnoses, e.g. [1, 2]",
        ),
        (
            {"diagnosis_pointers": [1, 0]},
            "0 is not a valid diagnosis pointer: expected a pointer into the claim's diagnoses, "
            "1 or more, e.g. 1",
        ),
        (
            {"diagnosis_pointers": [True]},
            "True is not a valid diagnosis pointer",
        ),
    ],
)
def test_new_line_fields_refuse_bad_values(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        ClaimLine(code="J1459", **fields)
    assert str(info.value).startswith(message)


def test_a_claim_carries_its_ids_and_bill_type() -> None:
    claim = Claim(
        payer="Medicare",
        lines=[ClaimLine(code="J1459", diagnosis_pointers=(2,))],
        diagnoses=("D80.0", "D80.1"),
        claim_id="PIG-0001",
        patient_id="1EG4TE5MK73",
        bill_type="0131",
    )
    assert (claim.claim_id, claim.patient_id, claim.bill_type) == (
        "PIG-0001",
        "1EG4TE5MK73",
        "131",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"lines": ()},
            "() is not a valid claim lines: expected at least one ClaimLine: "
            "a claim bills one service or more",
        ),
        (
            {"lines": (ClaimLine(code="J1459", diagnosis_pointers=(3,)),), "diagnoses": ("D80.0",)},
            "3 is not a valid diagnosis pointer of lines[0]: expected a pointer into the "
            "claim's 1 diagnoses, 1 to 1",
        ),
        (
            {"lines": (ClaimLine(code="J1459", diagnosis_pointers=(1,)),)},
            "1 is not a valid diagnosis pointer of lines[0]: expected no pointer: "
            "the claim has no diagnoses to point into",
        ),
        ({"claim_id": 7}, "7 is not a valid claim id: expected the source's claim id as a string"),
        ({"patient_id": 7}, "7 is not a valid patient id: expected the source's patient id"),
        (
            {"bill_type": "13"},
            "'13' is not a well-formed type of bill: expected a type of bill of 3 digits",
        ),
    ],
)
def test_a_claim_refuses_no_lines_and_stray_pointers(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"payer": "Medicare", "lines": (ClaimLine(code="J1459"),), **fields}
    with pytest.raises(InvalidInputError) as info:
        Claim(**values)
    assert str(info.value).startswith(message)


def test_new_fields_round_trip_through_dicts() -> None:
    line = ClaimLine(
        code="J1459",
        units=decimal.Decimal("2.5"),
        ndc="00944270003",
        ndc_quantity=decimal.Decimal("7.5"),
        ndc_unit="ML",
        service_end=DAY,
        diagnosis_pointers=(1,),
        line_id="1",
    )
    claim = Claim(payer="Medicare", lines=(line,), diagnoses=("D80.0",), claim_id="C1")
    data = claim.to_dict()
    assert data["lines"][0]["units"] == 2.5  # a JSON number, as the input takes it
    assert Claim.from_dict(data) == claim
    assert ClaimLine.from_dict({"code": "J1459", "units": 1.5}).units == decimal.Decimal("1.5")
    with pytest.raises(InvalidInputError) as info:
        ClaimLine.from_dict({"code": "J1459", "units": "1.5"})
    assert "($.units: expected a number, got a string ('1.5'))" in str(info.value)


def test_a_line_with_fractional_units_is_checked_not_refused() -> None:
    line = ClaimLine(
        code="J1459",
        modifiers=("JZ",),
        units=decimal.Decimal("2.5"),
        dose_mg=1250.0,
        place_of_service="11",
        date_of_service=DAY,
        diagnoses=("D80.0",),
    )
    report = registry.check(line, payer="Medicare")
    # the fraction is reported once, by its own rule, not again as a dose mismatch
    assert [f.rule for f in report.findings if f.path == "units"] == ["units.fraction"]
