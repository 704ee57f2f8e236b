"""Units rules: units against the code's billing unit and the amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_cases import Case, D, assert_case, ids, line

from passive_ig import registry

CASES: list[Case] = [
    Case("units.missing", True, "Aetna", line(units=None, dose_mg=None)),
    Case("units.missing", False, "Aetna", line()),
    Case("units.fraction", True, "Aetna", line(units=Decimal("70.5"), dose_mg=35250.0)),
    Case("units.fraction", True, "Medicare", line("96365", units=Decimal("1.5"))),
    Case("units.fraction", False, "Aetna", line(units=Decimal("70.00"))),
    Case("units.fraction", False, "Aetna", line(units=70.0)),
    Case("units.fraction", False, "Medicare", line("99999", units=Decimal("1.5"))),
    Case("units.dose-mismatch", True, "Aetna", line(units=60)),
    Case("units.dose-mismatch", True, "Aetna", line(units=5, dose_mg=1200.0)),
    Case(
        "units.dose-mismatch",
        True,
        "Medicare",
        line(modifiers=("JW",), units=3, discarded_mg=1000.0),
    ),
    Case("units.dose-mismatch", False, "Aetna", line(units=70)),
    Case(
        "units.dose-mismatch",
        False,
        "Medicare",
        line(modifiers=("JW",), units=2, discarded_mg=1000.0),
    ),
    Case("units.rounding", True, "Aetna", line(units=3, dose_mg=1200.0)),
    Case("units.rounding", False, "Aetna", line(units=70)),
    Case(
        "units.not-available",
        True,
        "Medicare",
        line("J1552", dose_mg=1000.0, modifiers=("JZ",), date_of_service=D("2025-02-01")),
    ),
    Case("units.not-available", False, "Medicare", line()),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_a_mismatch_says_the_right_count() -> None:
    report = registry.check(line(units=60), payer="UHC")
    (finding,) = [f for f in report.findings if f.rule == "units.dose-mismatch"]
    assert finding.message == "35000 mg given of J1459 (per 500 mg) is 70 units, not 60"
    assert finding.suggestion == "bill 70 units"


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=1e-6, max_value=1e11, allow_nan=False)
    | st.integers(min_value=0, max_value=10**11).map(float)
    | st.integers(min_value=1, max_value=2000).map(lambda n: n * 250.0)
)
def test_the_units_rules_count_as_billing_units_does(dose: float) -> None:
    count = registry.billing_units("J1459", dose_mg=dose)
    units = count.units if isinstance(count.units, int) else int(count.exact_units or 0)
    report = registry.check(line(units=units, dose_mg=dose), payer="Aetna")
    rules = set(report.rules())
    if isinstance(count.units, int):  # a whole number of units: billed right, nothing to say
        assert not rules & {"units.dose-mismatch", "units.rounding"}, (dose, report.to_text())
    else:  # a partial unit, billed rounded down: said, not refused
        assert "units.rounding" in rules, (dose, report.to_text())
        assert "units.dose-mismatch" not in rules, (dose, report.to_text())
