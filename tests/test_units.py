"""The units helper: units for a dose, discarded units for JW, and clear refusals."""

from __future__ import annotations

import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passive_ig import InvalidInputError, NotAvailable, UnknownCodeError, registry


def test_35_grams_of_a_per_500_mg_code_is_70_units() -> None:
    count = registry.billing_units("j1459", dose_mg=35_000)
    assert count.code == "J1459"
    assert count.units == 70
    assert count.exact_units == decimal.Decimal(70)
    assert str(count.unit) == "per 500 mg"
    assert count.discarded_units is None


def test_discarded_units_for_jw() -> None:
    count = registry.billing_units("J1569", dose_mg="9000", discarded_mg=1000)
    assert (count.units, count.discarded_units) == (18, 2)


def test_per_100_mg_code() -> None:
    assert registry.billing_units("90284", dose_mg=12_000).units == 120


def test_partial_units_are_not_guessed() -> None:
    count = registry.billing_units("J1459", dose_mg=1_200, discarded_mg=300)
    assert isinstance(count.units, NotAvailable)
    assert count.units.reason.startswith("1200 mg is 2.4 units of J1459 (per 500 mg)")
    assert count.exact_units == decimal.Decimal("2.4")
    assert isinstance(count.discarded_units, NotAvailable)


def test_unknown_unit_is_said() -> None:
    count = registry.billing_units("J1552", dose_mg=1_000)
    assert isinstance(count.units, NotAvailable)
    assert count.units.reason.startswith("the billing unit of J1552 is not available")
    assert count.exact_units is None


def test_code_without_a_mg_unit_is_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.billing_units("90283", dose_mg=1000)
    assert str(info.value) == (
        "'90283' is not a valid code for a unit count: expected a code billed per milligrams "
        "(e.g. 'J1459', per 500 mg); 90283 names no unit: bill the product supplied on one line"
    )
    with pytest.raises(InvalidInputError, match=r"Q2052 is billed per 15 min$"):
        registry.billing_units("Q2052", dose_mg=1000)


@pytest.mark.parametrize("bad", [-1, "lots", float("nan"), True, None, [500]])
def test_bad_amounts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.billing_units("J1459", dose_mg=bad)  # type: ignore[arg-type]
    assert (
        str(info.value)
        == f"{bad!r} is not a valid dose: expected an amount in mg, 0 or more, e.g. 35000"
    )


def test_unknown_code() -> None:
    with pytest.raises(
        UnknownCodeError, match=r"no billing code 'J1458' in codes; did you mean 'J1459'"
    ):
        registry.billing_units("J1458", dose_mg=500)


@given(st.integers(min_value=0, max_value=400))
def test_whole_units_round_trip(units: int) -> None:
    assert registry.billing_units("J1459", dose_mg=units * 500).units == units


@pytest.mark.parametrize("bad", ["1e999999999", "1e-999999999", 10**13])
def test_amounts_beyond_any_dose_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError, match=r"is not a valid dose: expected an amount in mg"):
        registry.billing_units("J1459", dose_mg=bad)  # type: ignore[arg-type]


def test_a_tiny_partial_unit_is_shown_as_it_is() -> None:
    count = registry.billing_units("J1459", dose_mg=0.1)
    assert isinstance(count.units, NotAvailable)
    assert count.units.reason.startswith("0.1 mg is 0.0002 units of J1459")
