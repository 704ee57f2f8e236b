"""The codes real claims carry besides the billing code: NDC, ICD-9-CM, revenue code, type of bill."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passive_ig.codes import (
    is_valid_bill_type,
    is_valid_icd9_diagnosis,
    is_valid_ndc,
    is_valid_revenue_code,
    validate_bill_type,
    validate_icd9_diagnosis,
    validate_ndc,
    validate_revenue_code,
)
from passive_ig.errors import InvalidCodeFormat, InvalidInputError


@pytest.mark.parametrize(
    ("given_ndc", "canonical"),
    [
        ("00944270003", "00944270003"),
        ("00944-2700-03", "00944270003"),  # 5-4-2
        ("0944-2700-03", "00944270003"),  # 4-4-2: a zero before the labeler
        ("12345-678-90", "12345067890"),  # 5-3-2: a zero before the product
        ("12345-6789-0", "12345678900"),  # 5-4-1: a zero before the package
        (" 0944-2700-03 ", "00944270003"),
    ],
)
def test_ndcs_are_normalised_to_11_digits(given_ndc: str, canonical: str) -> None:
    assert validate_ndc(given_ndc) == canonical
    assert is_valid_ndc(given_ndc)


@pytest.mark.parametrize(
    ("value", "tail"),
    [
        (
            "0944270003",
            "10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1; "
            "did you mean '00944270003' or '09442070003' or '09442700003'?",
        ),
        ("009442-700-03", "did you mean '00944270003'?"),  # 11 digits, hyphens misplaced
        ("000000000", "(e.g. '0944-2700-03')"),
        ("1234-567-89", "(e.g. '0944-2700-03')"),  # 4-3-2 is no NDC layout
        ("N400944270003", "(e.g. '0944-2700-03')"),
    ],
)
def test_ndcs_of_another_form_are_refused(value: str, tail: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        validate_ndc(value)
    assert str(info.value).startswith(
        f"{value!r} is not a well-formed NDC: expected an NDC of 11 digits"
    )
    assert str(info.value).endswith(tail)
    assert not is_valid_ndc(value)


def test_an_ndc_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_ndc(944270003)
    assert str(info.value).endswith("as a string")
    assert not is_valid_ndc(None)


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        ("279", "279"),
        ("2790", "279.0"),
        ("27906", "279.06"),
        ("279.06", "279.06"),
        ("v5869", "V58.69"),
        ("V58.6", "V58.6"),
        ("V02", "V02"),
        ("E8490", "E849.0"),
        ("E849", "E849"),
        ("e849.0", "E849.0"),
        ("03591", "035.91"),
    ],
)
def test_icd9_codes_take_their_dotted_form(code: str, canonical: str) -> None:
    assert validate_icd9_diagnosis(code) == canonical
    assert is_valid_icd9_diagnosis(code)


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("2790.6", "; did you mean '279.06'?"),
        ("E84.90", "; did you mean 'E849.0'?"),
        ("27", ""),
        ("279061", ""),
        ("E84901", ""),
        ("D80.0", ""),  # ICD-10-CM, not ICD-9-CM
        ("V5", ""),
        ("", ""),
    ],
)
def test_icd9_codes_of_another_form_are_refused(code: str, suggestion: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        validate_icd9_diagnosis(code)
    message = str(info.value)
    assert message.startswith(
        f"{code!r} is not a well-formed ICD-9-CM diagnosis code: expected an ICD-9-CM diagnosis code"
    )
    assert message.endswith(f"with or without the dot{suggestion}")
    assert not is_valid_icd9_diagnosis(code)


def test_revenue_codes_and_types_of_bill() -> None:
    assert validate_revenue_code("0636") == "0636"
    assert not is_valid_revenue_code("636")
    assert not is_valid_revenue_code("06360")
    assert not is_valid_revenue_code(636)
    assert validate_bill_type("131") == "131"
    assert validate_bill_type(" 0131 ") == "131"
    assert not is_valid_bill_type("13")
    assert not is_valid_bill_type("1131")
    with pytest.raises(InvalidCodeFormat) as info:
        validate_revenue_code("1")
    assert str(info.value).endswith("did you mean '0001'?")


@given(st.text(max_size=15))
def test_the_is_valid_functions_never_raise(text: str) -> None:
    for check in (is_valid_ndc, is_valid_icd9_diagnosis, is_valid_revenue_code, is_valid_bill_type):
        assert check(text) in (True, False)


@given(st.from_regex(r"\A[0-9]{5}-[0-9]{4}-[0-9]{2}\Z"))
def test_a_5_4_2_ndc_keeps_its_digits(ndc: str) -> None:
    assert validate_ndc(ndc) == ndc.replace("-", "")
