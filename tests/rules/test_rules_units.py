"""Units rules: units against the code's billing unit and the amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
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
