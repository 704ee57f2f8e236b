"""Input cleaning and the validate / is_valid pairs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passive_ig import InvalidCodeFormat, InvalidInputError
from passive_ig.codes import (
    is_valid_code,
    is_valid_diagnosis,
    is_valid_modifier,
    is_valid_place_of_service,
    nearest,
    validate_code,
    validate_diagnosis,
    validate_modifier,
    validate_modifiers,
    validate_place_of_service,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("90283", "90283"),
        (" 90283 ", "90283"),
        ("CPT 90283", "90283"),
        ("cpt-90283", "90283"),
        ("cpt90283", "90283"),
        ("CPT: 90283", "90283"),
        ("j1459", "J1459"),
        (" HCPCS J1459", "J1459"),
        ("0001F", "0001F"),
        ("0537T", "0537T"),
    ],
)
def test_validate_code_cleans_to_canonical(raw: str, clean: str) -> None:
    assert validate_code(raw) == clean
    assert is_valid_code(raw)


@pytest.mark.parametrize(
    "raw", ["9028", "902833", "90283x", "J145", "JJ1459", "", "   ", "CPT J1459", "HCPCS"]
)
def test_malformed_code_raises_value_error_naming_value_and_form(raw: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        validate_code(raw)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == (
        f"{raw!r} is not a well-formed billing code: expected a CPT code (5 digits, or 4 "
        "digits and F, T or U, e.g. '90283') or a HCPCS Level II code (a letter and 4 "
        "digits, e.g. 'J1459')"
    )
    assert not is_valid_code(raw)


@pytest.mark.parametrize("raw", [90283, None, b"90283", ["90283"]])
def test_code_of_wrong_type_raises_naming_the_type(raw: object) -> None:
    with pytest.raises(
        InvalidInputError, match=r"is not a valid billing code: expected .* as a string"
    ):
        validate_code(raw)
    assert not is_valid_code(raw)


@pytest.mark.parametrize(
    ("raw", "clean"), [("jw", "JW"), (" 25", "25"), ("-59", "59"), ("mod XE", "XE")]
)
def test_validate_modifier(raw: str, clean: str) -> None:
    assert validate_modifier(raw) == clean
    assert is_valid_modifier(raw)


@pytest.mark.parametrize("raw", ["J", "JWZ", "J-", ""])
def test_malformed_modifier(raw: str) -> None:
    with pytest.raises(InvalidCodeFormat) as info:
        validate_modifier(raw)
    assert str(info.value) == (
        f"{raw!r} is not a well-formed modifier: expected a modifier of 2 letters or digits, "
        "e.g. 'JW' or '25'"
    )
    assert not is_valid_modifier(raw)


def test_validate_modifiers_refuses_a_bare_string() -> None:
    assert validate_modifiers(["jw", "ja"]) == ("JW", "JA")
    with pytest.raises(
        InvalidInputError, match=r"'JW' is not a valid modifier list: expected a list"
    ):
        validate_modifiers("JW")


@pytest.mark.parametrize(
    ("raw", "clean"), [("d80.0", "D80.0"), ("D800", "D80.0"), ("L1081", "L10.81"), ("D69", "D69")]
)
def test_validate_diagnosis(raw: str, clean: str) -> None:
    assert validate_diagnosis(raw) == clean
    assert is_valid_diagnosis(raw)


@pytest.mark.parametrize("raw", ["80.0", "D8", "D80.00000", "DD0.0", ""])
def test_malformed_diagnosis(raw: str) -> None:
    with pytest.raises(
        InvalidCodeFormat, match=r"is not a well-formed diagnosis code: expected an ICD-10-CM code"
    ):
        validate_diagnosis(raw)
    assert not is_valid_diagnosis(raw)


@pytest.mark.parametrize(("raw", "clean"), [("11", "11"), (" 22 ", "22"), (12, "12"), (4, "04")])
def test_validate_place_of_service(raw: object, clean: str) -> None:
    assert validate_place_of_service(raw) == clean
    assert is_valid_place_of_service(raw)


@pytest.mark.parametrize("raw", ["1", "111", "AB", 100, True])
def test_malformed_place_of_service(raw: object) -> None:
    with pytest.raises(InvalidInputError, match="place of service"):
        validate_place_of_service(raw)
    assert not is_valid_place_of_service(raw)


def test_nearest_prefers_numerically_close_codes_of_the_same_shape() -> None:
    known = ["90281", "90283", "90284", "J1459", "J1569", "96365"]
    assert nearest("90285", known) == ("90284", "90283", "90281")
    assert nearest("J1460", known)[0] == "J1459"
    assert nearest("QQ", known) == ()


@given(st.text(max_size=20))
def test_is_valid_never_raises(text: str) -> None:
    for check in (is_valid_code, is_valid_modifier, is_valid_diagnosis, is_valid_place_of_service):
        assert check(text) in (True, False)


@given(st.from_regex(r"\A[0-9]{5}\Z") | st.from_regex(r"\A[A-Z][0-9]{4}\Z"))
def test_every_well_formed_code_survives_decoration(code: str) -> None:
    for decorated in (code, f" {code} ", code.lower(), f"HCPCS {code}"):
        assert validate_code(decorated) == code
