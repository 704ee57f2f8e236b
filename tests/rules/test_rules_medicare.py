"""Medicare's rules, each on both sides of the dates its records give."""

from __future__ import annotations

import pytest
from rule_cases import ADMIN, Case, D, assert_case, claim, ids, line

from passive_ig import registry

CASES: list[Case] = [
    Case("medicare.product-under-hcpcs", True, "Medicare", line("90283")),
    Case("medicare.product-under-hcpcs", False, "UHC", line("90283")),
    Case("medicare.product-under-hcpcs", False, "Medicare", line("90284", units=10)),
    Case(
        "medicare.jw-required",
        True,
        "Medicare",
        line(modifiers=(), discarded_mg=500.0, date_of_service=D("2017-01-01")),
    ),
    Case(
        "medicare.jw-required",
        False,
        "Medicare",
        line(modifiers=(), discarded_mg=500.0, date_of_service=D("2016-12-31")),
    ),
    Case(
        "medicare.jw-required",
        False,
        "Medicare",
        claim(
            "Medicare",
            line(modifiers=(), units=68, dose_mg=34000.0, discarded_mg=1000.0),
            line(modifiers=("JW",), units=2, dose_mg=None, discarded_mg=1000.0),
            ADMIN,
        ),
    ),
    Case(
        "medicare.jw-jz-required",
        True,
        "Medicare",
        line(modifiers=(), date_of_service=D("2023-07-01")),
    ),
    Case(
        "medicare.jw-jz-required",
        False,
        "Medicare",
        line(modifiers=(), date_of_service=D("2023-06-30")),
    ),
    Case("medicare.jw-jz-required", False, "Aetna", line(modifiers=())),
    Case(
        "medicare.home-ivig-place-of-service",
        True,
        "Medicare",
        line("Q2052", units=1, place_of_service="11"),
    ),
    Case(
        "medicare.home-ivig-place-of-service",
        False,
        "Medicare",
        line("Q2052", units=1, place_of_service="12"),
    ),
    Case(
        "medicare.home-ivig-diagnosis",
        True,
        "Medicare",
        line(place_of_service="12", diagnoses=("D80.1",), date_of_service=D("2019-08-13")),
    ),
    Case(
        "medicare.home-ivig-diagnosis", True, "Medicare", line(place_of_service="12", diagnoses=())
    ),
    Case("medicare.home-ivig-diagnosis", False, "Medicare", line(place_of_service="12")),
    Case(
        "medicare.home-ivig-diagnosis",
        False,
        "Medicare",
        line(place_of_service="11", diagnoses=("D80.1",)),
    ),
    Case(
        "medicare.home-ivig-diagnosis",
        False,
        "Medicare",
        line(place_of_service="12", diagnoses=("D80.1",), date_of_service=D("2019-08-12")),
    ),
    Case(
        "medicare.ncd-250.3",
        True,
        "Medicare",
        line(diagnoses=("L10.0",), date_of_service=D("2002-10-01"), modifiers=()),
    ),
    Case(
        "medicare.ncd-250.3",
        False,
        "Medicare",
        line(diagnoses=("L10.0",), date_of_service=D("2002-09-30"), modifiers=()),
    ),
    Case("medicare.ncd-250.3", False, "Medicare", line()),
    Case(
        "medicare.home-ivig-same-place",
        True,
        "Medicare",
        claim(
            "Medicare", line(place_of_service="12"), line("Q2052", units=1, place_of_service="13")
        ),
    ),
    Case(
        "medicare.home-ivig-same-place",
        False,
        "Medicare",
        claim(
            "Medicare", line(place_of_service="12"), line("Q2052", units=1, place_of_service="12")
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_product_under_hcpcs_names_the_product_codes() -> None:
    report = registry.check(line("90283"), payer="Medicare")
    (finding,) = [f for f in report.findings if f.rule == "medicare.product-under-hcpcs"]
    assert finding.suggestion is not None
    assert "J1459" in finding.suggestion


def test_q2052_is_billed_in_fifteen_minute_units() -> None:
    # the retired medicare.home-ivig-units wanted 1 unit a day; a 2-hour visit is 8 units
    visit = line("Q2052", units=8, place_of_service="12", diagnoses=("D80.0",))
    report = registry.check(visit, payer="Medicare")
    assert report.ok, report.to_text()
    assert str(registry.codes["Q2052"].billing_unit) == "per 15 min"
