"""Claim rules: lines of one claim that do not fit together."""

from __future__ import annotations

import pytest
from rule_cases import ADMIN, Case, D, assert_case, claim, ids, line

CASES: list[Case] = [
    Case("claim.product-without-administration", True, "Aetna", claim("Aetna", line())),
    Case("claim.product-without-administration", False, "Aetna", claim("Aetna", line(), ADMIN)),
    Case(
        "claim.product-without-administration",
        False,
        "Medicare",
        claim(
            "Medicare", line(place_of_service="12"), line("Q2052", units=1, place_of_service="12")
        ),
    ),
    Case("claim.administration-without-product", True, "Aetna", claim("Aetna", ADMIN)),
    Case("claim.administration-without-product", False, "Aetna", claim("Aetna", line(), ADMIN)),
    # an infusion code serves any drug: beside a drug code passive_ig does not know, the
    # product may well be on the claim
    Case(
        "claim.administration-without-product",
        False,
        "Medicare",
        claim("Medicare", ADMIN, line("J9045", units=1)),
    ),
    Case(
        "claim.administration-route-mismatch",
        True,
        "UHC",
        claim("UHC", line("90283"), line("96369")),
    ),
    Case(
        "claim.administration-route-mismatch",
        False,
        "UHC",
        claim("UHC", line("90283"), line("96365")),
    ),
    Case(
        "claim.em-without-25",
        True,
        "Medicare",
        claim("Medicare", line(), ADMIN, line("99214", evaluation_and_management=True)),
    ),
    Case(
        "claim.em-without-25",
        False,
        "Medicare",
        claim(
            "Medicare",
            line(),
            ADMIN,
            line("99214", modifiers=("25",), evaluation_and_management=True),
        ),
    ),
    Case(
        "claim.em-without-25",
        False,
        "Medicare",
        claim(
            "Medicare",
            line(),
            ADMIN,
            line("99214", evaluation_and_management=True, date_of_service=D("2024-03-02")),
        ),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)
