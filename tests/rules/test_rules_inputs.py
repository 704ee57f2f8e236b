"""Input rules: malformed, unknown and out-of-date values."""

from __future__ import annotations

import pytest
from rule_cases import ADMIN, Case, D, assert_case, claim, ids, line

from passive_ig import registry

# a 2015 line of J1566 (J1459 came in 2017), on the last day of ICD-9-CM, the first
# of ICD-10-CM, and undated
BEFORE: dict[str, object] = {
    "code": "J1566",
    "date_of_service": D("2015-09-30"),
    "units": None,
    "dose_mg": None,
}
FROM: dict[str, object] = {"date_of_service": D("2015-10-01")}
UNDATED: dict[str, object] = {"date_of_service": None}

CASES: list[Case] = [
    Case("date-of-service.missing", True, "Aetna", line(date_of_service=None)),
    Case("date-of-service.missing", False, "Aetna", line()),
    Case("code.malformed", True, "Medicare", line("9028")),
    Case("code.malformed", False, "Medicare", line()),
    Case("code.unknown", True, "Medicare", line("90285")),
    Case("code.unknown", True, "Aetna", claim("Aetna", line(), line("36415"), ADMIN)),
    Case("code.unknown", False, "Medicare", line("99214", evaluation_and_management=True)),
    Case("code.unknown", False, "Aetna", claim("Aetna", line("99214"), line("36415"))),
    Case("code.not-effective", True, "Medicare", line("Q4087", date_of_service=D("2008-01-01"))),
    Case("code.not-effective", False, "Medicare", line("Q4087", date_of_service=D("2007-12-31"))),
    Case("code.status-not-available", True, "Medicare", line("G0332")),
    Case("code.status-not-available", False, "Medicare", line()),
    Case("modifier.malformed", True, "Aetna", line(modifiers=("JZ", "J"))),
    Case("modifier.malformed", False, "Aetna", line()),
    Case("modifier.unknown", True, "Aetna", line(modifiers=("JZ", "QQ"))),
    Case("modifier.unknown", False, "Aetna", line()),
    Case("modifier.placeholder", True, "Cigna", line(modifiers=("JZ", "00"))),
    Case("modifier.placeholder", False, "Cigna", line()),
    Case("modifier.not-effective", True, "Medicare", line(date_of_service=D("2022-12-31"))),
    Case("modifier.not-effective", False, "Medicare", line(date_of_service=D("2023-01-01"))),
    Case("place-of-service.malformed", True, "Aetna", line(place_of_service="1")),
    Case("place-of-service.malformed", False, "Aetna", line()),
    Case("place-of-service.unknown", True, "Aetna", line(place_of_service="99")),
    Case("place-of-service.unknown", False, "Aetna", line()),
    Case("diagnosis.malformed", True, "Aetna", line(diagnoses=("D80.0", "80.0"))),
    Case("diagnosis.malformed", False, "Aetna", line()),
    # ICD-9-CM before 2015-10-01 is valid input, malformed in neither set is malformed
    Case("diagnosis.malformed", False, "Medicare", line(diagnoses=("27906",), **BEFORE)),
    Case("diagnosis.malformed", True, "Medicare", line(diagnoses=("2790.6",), **BEFORE)),
    Case("diagnosis.malformed", False, "Medicare", line(diagnoses=("27906", "D80.0"), **UNDATED)),
    Case("diagnosis.wrong-code-set", True, "Medicare", line(diagnoses=("D80.0",), **BEFORE)),
    Case("diagnosis.wrong-code-set", True, "Medicare", line(diagnoses=("279.06",))),
    Case("diagnosis.wrong-code-set", False, "Medicare", line(diagnoses=("279.06",), **BEFORE)),
    Case("diagnosis.wrong-code-set", False, "Medicare", line(diagnoses=("D80.0",), **FROM)),
    Case("diagnosis.wrong-code-set", False, "Medicare", line(diagnoses=("2790.6",))),
    Case("diagnosis.wrong-code-set", False, "Medicare", line(diagnoses=("27906",), **UNDATED)),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_rule(case: Case) -> None:
    assert_case(case)


def test_unknown_code_is_one_info_with_the_nearest_codes() -> None:
    report = registry.check(line("90285"), payer="Aetna")
    (finding,) = report.findings
    assert finding.rule == "code.unknown"
    assert finding.severity.value == "info"
    assert finding.suggestion is not None
    assert "90284" in finding.suggestion


def test_an_unrelated_code_gets_no_suggestion_but_a_slip_does() -> None:
    def suggestion(code: str) -> str | None:
        (finding,) = registry.check(line(code), payer="Aetna").findings
        return finding.suggestion

    assert suggestion("99335") is None  # a visit code, not a slip for an infusion code
    assert suggestion("83540") is None
    assert suggestion("J1495") == "if you meant an immune globulin code: J1459?"  # swapped
    assert suggestion("90285") is not None


def test_a_claim_of_codes_outside_the_data_is_clean() -> None:
    unrelated = claim(
        "Medicare",
        line("99214", evaluation_and_management=True, date_of_service=None),
        line("36415", modifiers=("QQ", "1"), place_of_service="1", diagnoses=("Z00.00",)),
    )
    assert registry.check(unrelated, notes=True).findings == ()


def test_a_deleted_code_suggests_its_replacement() -> None:
    report = registry.check(line("Q4087", date_of_service=D("2010-01-01")), payer="Medicare")
    (finding,) = [f for f in report.findings if f.rule == "code.not-effective"]
    assert finding.suggestion == "bill J1568 instead"
