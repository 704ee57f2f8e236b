"""The input types refuse values of the wrong type when they are built, with clear errors;
what a value says (a malformed code) is left to the check, which makes it a finding."""

from __future__ import annotations

import datetime as dt
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
