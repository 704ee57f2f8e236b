"""Payer policy rules: prior authorization and site of care, from each payer's policy."""

from __future__ import annotations

import pytest
from rule_cases import ADMIN, Case, D, assert_case, claim, ids, line

from passive_ig import registry

CASES: list[Case] = [
    Case("payer.prior-authorization", True, "UHC", line("90283", date_of_service=D("2013-04-01"))),
    Case("payer.prior-authorization", False, "UHC", line("90283", date_of_service=D("2013-03-31"))),
    Case(
        "payer.prior-authorization",
        False,
        "UHC",
        claim("UHC", line("90283"), ADMIN, prior_authorization="PA-123"),
    ),
    Case(
        "payer.prior-authorization",
        True,
        "UHC",
        claim("UHC", line("90283"), ADMIN, prior_authorization="   "),
    ),
    Case("payer.prior-authorization-varies", True, "BCBS", line("90283")),
    Case(
        "payer.prior-authorization-varies",
        False,
        "BCBS",
        claim("BCBS", line("90283"), ADMIN, prior_authorization="B-1"),
    ),
    Case("payer.prior-authorization-varies", False, "UHC", line("90283")),
    Case("payer.prior-authorization-not-available", True, "Medicare", line()),
    Case("payer.prior-authorization-not-available", False, "UHC", line("90283")),
    Case("payer.policy-not-available", True, "Aetna", line("J1559", units=100)),
    Case("payer.policy-not-available", False, "Aetna", line("90283")),
    Case("payer.policy-not-available", False, "UHC", line()),
    Case("payer.policy-via-generic-code", True, "Aetna", line()),
    Case("payer.policy-via-generic-code", False, "Aetna", line("90283")),
    Case("payer.policy-via-generic-code", False, "UHC", line()),
    Case(
        "payer.site-of-care",
        True,
        "Aetna",
        line(place_of_service="22", date_of_service=D("2024-05-02")),
    ),
    Case(
        "payer.site-of-care",
        True,
        "Aetna",
        line("90283", place_of_service="22", date_of_service=D("2017-01-01")),
    ),
    Case(
        "payer.site-of-care",
        False,
        "Aetna",
        line("90283", place_of_service="22", date_of_service=D("2016-12-31")),
    ),
    Case("payer.site-of-care", False, "Aetna", line("90283", place_of_service="11")),
    Case("payer.site-of-care", False, "Cigna", line("90283", place_of_service="22")),
    Case("payer.site-of-care-not-available", True, "Medicare", line()),
    Case("payer.site-of-care-not-available", True, "Cigna", line("90283", place_of_service="11")),
    Case("payer.site-of-care-not-available", False, "Aetna", line()),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_a_product_code_is_checked_under_the_policy_for_its_generic_code() -> None:
    report = registry.check(line(place_of_service="22"), payer="Aetna", notes=True)
    (note,) = [f for f in report.findings if f.rule == "payer.policy-via-generic-code"]
    assert note.message.startswith("Aetna's policy in passive_ig's data names 90283, not J1459")
    assert {"payer.prior-authorization", "payer.site-of-care"} <= set(report.rules())


def test_prior_authorization_cites_the_payers_authorization_sources_only() -> None:
    report = registry.check(line("90283"), payer="UHC")
    (finding,) = [f for f in report.findings if f.rule == "payer.prior-authorization"]
    authorization = registry.prior_authorization("UHC")
    assert {s.id for s in finding.sources} == set(authorization.sources)
