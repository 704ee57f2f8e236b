"""Modifier rules: modifiers that do not fit the code, each other or the line."""

from __future__ import annotations

import pytest
from rule_cases import Case, D, assert_case, ids, line

from passive_ig import registry

CASES: list[Case] = [
    Case("modifier.not-on-code", True, "UHC", line("90283", modifiers=("51",))),
    Case("modifier.not-on-code", False, "UHC", line("96365", modifiers=("51",))),
    Case("modifier.not-for-code", True, "Medicare", line("96365", modifiers=("JW",))),
    Case("modifier.not-for-code", False, "Medicare", line(modifiers=("JW",), discarded_mg=500.0)),
    Case("modifier.not-for-code", False, "Aetna", line("96365", modifiers=("JW",))),
    Case("modifier.not-together", True, "Medicare", line(modifiers=("JW", "JZ"))),
    Case("modifier.not-together", True, "Aetna", line("96365", modifiers=("59", "XE"))),
    Case("modifier.not-together", True, "Aetna", line("96365", modifiers=("XE", "59"))),
    Case("modifier.not-together", False, "Aetna", line("96365", modifiers=("XE",))),
    Case("modifier.route-missing", True, "Medicare", line("J1569")),
    Case("modifier.route-missing", False, "Medicare", line("J1569", modifiers=("JZ", "JA"))),
    Case("modifier.route-missing", False, "Medicare", line("90375")),
    Case("modifier.route-missing", False, "Aetna", line("J1569")),
    Case("modifier.jw-amount", True, "Medicare", line(modifiers=("JW",))),
    Case("modifier.jw-amount", False, "Medicare", line(modifiers=("JW",), discarded_mg=500.0)),
    Case("modifier.jw-amount", False, "Cigna", line(modifiers=("JW",))),
    Case(
        "modifier.jw-nothing-discarded", True, "Medicare", line(modifiers=("JW",), discarded_mg=0.0)
    ),
    Case(
        "modifier.jw-nothing-discarded",
        False,
        "Medicare",
        line(modifiers=("JW",), discarded_mg=500.0),
    ),
    Case("modifier.jz-with-discard", True, "Medicare", line(discarded_mg=250.0)),
    Case("modifier.jz-with-discard", False, "Medicare", line(discarded_mg=0.0)),
    Case("modifier.25-not-on-em", True, "Medicare", line("96365", modifiers=("25",))),
    Case(
        "modifier.25-not-on-em",
        False,
        "Medicare",
        line("99214", modifiers=("25",), evaluation_and_management=True),
    ),
    Case(
        "modifier.25-not-on-em",
        True,
        "UHC",
        line("96365", modifiers=("25",), date_of_service=D("2010-01-01")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_a_misplaced_modifier_names_its_position_and_fix() -> None:
    report = registry.check(line("90283", modifiers=("JZ", "51")), payer="UHC")
    (finding,) = [f for f in report.findings if f.rule == "modifier.not-on-code"]
    assert finding.path == "modifiers[1]"
    assert finding.suggestion == "remove modifier 51"
    assert finding.severity.value == "error"


def test_each_pair_of_modifiers_is_reported_once_however_long_the_line() -> None:
    # 2,000 alternating JW and JZ once gave a million findings; one pair is one finding
    crowded = line(modifiers=("JW", "JZ") * 1000, discarded_mg=500.0)
    report = registry.check(crowded, payer="Medicare")
    assert [f.rule for f in report.findings].count("modifier.not-together") == 1
    assert len(report.findings) < 10


def test_accepted_modifier_spellings_count_as_the_modifier() -> None:
    report = registry.check(line(modifiers=("-jz",)), payer="Medicare")
    assert report.ok, report.to_text()
    assert "medicare.jw-jz-required" not in report.rules()
