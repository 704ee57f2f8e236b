"""Coverage rules: what the data knows about a diagnosis."""

from __future__ import annotations

import pytest
from rule_cases import Case, assert_case, ids, line

from passive_ig import registry

CASES: list[Case] = [
    Case("coverage.diagnosis-not-known", True, "Medicare", line(diagnoses=("Z00.00",))),
    Case("coverage.diagnosis-not-known", True, "Aetna", line(diagnoses=("D80.0",))),
    Case("coverage.diagnosis-not-known", False, "Medicare", line(diagnoses=("L10.0",))),
    Case("coverage.diagnosis-not-known", False, "Medicare", line(diagnoses=())),
    Case("coverage.diagnosis-not-known", False, "Medicare", line("96365", diagnoses=("Z00.00",))),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_the_note_names_the_lists_the_data_holds_for_the_payer_and_code() -> None:
    report = registry.check(line(diagnoses=("Z00.00",)), payer="Medicare", notes=True)
    (note,) = [f for f in report.findings if f.rule == "coverage.diagnosis-not-known"]
    assert note.message.startswith("passive_ig cannot say whether Medicare covers J1459 for Z00.00")
    for dx_list in registry.diagnosis_lists:
        if dx_list.payer == "medicare" and "J1459" in dx_list.applies_to:
            assert dx_list.title in note.message


def test_the_note_says_when_the_data_holds_no_list() -> None:
    report = registry.check(line(diagnoses=("D80.0",)), payer="Cigna", notes=True)
    (note,) = [f for f in report.findings if f.rule == "coverage.diagnosis-not-known"]
    assert note.message.endswith("the data holds no diagnosis list of Cigna for J1459")
