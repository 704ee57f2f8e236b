"""Wrong answers the first engine gave on everyday claims, each pinned right."""

from __future__ import annotations

from rule_cases import ADMIN, DAY, claim, line

from passive_ig import registry
from passive_ig.rules import RULES


def test_the_usual_medicare_wastage_claim_passes() -> None:
    # 68 units given, the 2 discarded units on their own JW line, and the infusion
    wastage = claim(
        "Medicare",
        line(modifiers=(), units=68, dose_mg=34000.0),
        line(modifiers=("JW",), units=2, dose_mg=None, discarded_mg=1000.0),
        ADMIN,
    )
    report = registry.check(wastage)
    assert report.ok, report.to_text()
    assert report.warnings == ()


def test_the_jw_line_is_checked_against_the_discarded_amount() -> None:
    wastage = claim(
        "Medicare",
        line(modifiers=(), units=68, dose_mg=34000.0),
        line(modifiers=("JW",), units=3, dose_mg=None, discarded_mg=1000.0),
        ADMIN,
    )
    (finding,) = registry.check(wastage).errors
    assert finding.rule == "units.dose-mismatch"
    assert finding.path == "lines[1].units"
    assert finding.message == "1000 mg discarded of J1459 (per 500 mg) is 2 units, not 3"


def test_a_wastage_line_on_another_day_does_not_speak_for_the_line() -> None:
    other_day = DAY.replace(day=2)
    wastage = claim(
        "Medicare",
        line(modifiers=(), units=68, dose_mg=34000.0),
        line(
            modifiers=("JW",), units=2, dose_mg=None, discarded_mg=1000.0, date_of_service=other_day
        ),
        ADMIN,
    )
    assert registry.check(wastage).rules()[0] == "medicare.jw-jz-required"


def test_ja_jb_apply_only_to_the_payers_the_data_ties_them_to() -> None:
    assert registry.modifiers["JA"].payers == ("medicare",)
    for payer in ("Aetna", "BCBS", "Cigna", "UHC"):
        assert "modifier.route-missing" not in registry.check(line("J1569"), payer=payer).rules()
    assert "modifier.route-missing" in registry.check(line("J1569"), payer="Medicare").rules()


def test_every_rule_declares_the_one_severity_it_emits() -> None:
    by_id = {rule.id: rule for rule in RULES}
    # each case once emitted an undeclared severity under one id; now each has its own
    checks = [
        (line(modifiers=("JW",), discarded_mg=0.0), "Medicare", "modifier.jw-nothing-discarded"),
        (line(modifiers=("JW",)), "Medicare", "modifier.jw-amount"),
        (line("90283"), "BCBS", "payer.prior-authorization-varies"),
        (line("90283"), "UHC", "payer.prior-authorization"),
        (line(), "Medicare", "payer.site-of-care-not-available"),
        (line("90283", place_of_service="22"), "Aetna", "payer.site-of-care"),
        (line("90283", place_of_service="11"), "Cigna", "payer.site-of-care-not-available"),
    ]
    for item, payer, rule_id in checks:
        report = registry.check(item, payer=payer, notes=True)
        fired = [f for f in report.findings if f.rule == rule_id]
        assert fired, (rule_id, report.to_text())
        assert all(f.severity is by_id[rule_id].severity for f in fired)


def test_a_medicare_units_error_cites_only_what_bears_on_it() -> None:
    report = registry.check(line(units=60), payer="Medicare")
    (finding,) = report.errors
    cited = {s.id for s in finding.sources}
    unit_sources = set(registry.codes["J1459"].billing_unit.sources)  # type: ignore[union-attr]
    assert cited == unit_sources
    assert not any("uhc" in s or "pos" in s for s in cited)


def test_the_site_of_care_note_cites_no_coverage_or_wastage_pages() -> None:
    report = registry.check(line(), payer="Medicare", notes=True)
    (note,) = [f for f in report.findings if f.rule == "payer.site-of-care-not-available"]
    assert note.sources == ()


def test_a_clean_medicare_line_is_quiet_by_default() -> None:
    report = registry.check(line(), payer="Medicare")
    assert report.findings == ()
    assert report.ok
    assert bool(report)
    noted = registry.check(line(), payer="Medicare", notes=True)
    assert {f.rule for f in noted.findings} == {
        "payer.prior-authorization-not-available",
        "payer.site-of-care-not-available",
    }


def test_a_diagnosis_whose_coverage_is_unknown_is_said_on_request() -> None:
    unknown = line(diagnoses=("Z00.00",))
    assert registry.check(unknown, payer="Medicare").ok
    noted = registry.check(unknown, payer="Medicare", notes=True)
    (note,) = [f for f in noted.findings if f.rule == "coverage.diagnosis-not-known"]
    assert "NCD 250.3" in note.message


def test_the_home_ivig_diagnosis_rule_is_dated_by_its_billing_rule() -> None:
    rule = next(r for r in RULES if r.id == "medicare.home-ivig-diagnosis")
    assert str(rule.dates_from) == "billing-rule:medicare.home-ivig-diagnosis-list"
    home = {"place_of_service": "12", "diagnoses": ("D80.1",)}
    before = line(date_of_service=DAY.replace(year=2019, month=8, day=12), **home)  # type: ignore[arg-type]
    on = line(date_of_service=DAY.replace(year=2019, month=8, day=13), **home)  # type: ignore[arg-type]
    assert "medicare.home-ivig-diagnosis" not in registry.check(before, payer="Medicare").rules()
    assert "medicare.home-ivig-diagnosis" in registry.check(on, payer="Medicare").rules()


def test_a_line_of_many_modifiers_gives_findings_by_distinct_modifier() -> None:
    def findings(size: int) -> int:
        crowded = line("90283", modifiers=("JW", "JZ", "51", "QQ") * size, discarded_mg=5.0)
        return len(registry.check(crowded, payer="Medicare").findings)

    # each distinct modifier and each pair once: 2,000 alternating JW/JZ once gave a
    # million findings (the time is measured in benchmarks/, not here)
    assert findings(500) == findings(5) == findings(1)
