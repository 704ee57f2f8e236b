"""Claim checks: every rule fires on a line that breaks it and stays silent on a correct
one, on both sides of its effective dates; reports round-trip; misuse raises."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passive_ig import InvalidInputError, UnknownPayerError, registry
from passive_ig.checks import RULES
from passive_ig.claims import Claim, ClaimLine, Finding, Report, Severity

D = dt.date.fromisoformat
DAY = D("2024-03-01")


def line(code: str = "J1459", **kwargs: object) -> ClaimLine:
    defaults: dict[str, object] = {
        "modifiers": ("JZ",),
        "units": 70,
        "dose_mg": 35000.0,
        "place_of_service": "11",
        "date_of_service": DAY,
        "diagnoses": ("D80.0",),
    }
    if code != "J1459":
        defaults.update(units=None, dose_mg=None, modifiers=())
    defaults.update(kwargs)
    return ClaimLine(code=code, **defaults)  # type: ignore[arg-type]


def claim(payer: str, *lines: ClaimLine, **kwargs: object) -> Claim:
    return Claim(payer=payer, lines=lines, **kwargs)  # type: ignore[arg-type]


class Case(NamedTuple):
    rule: str
    fires: bool
    payer: str
    item: ClaimLine | Claim


ADMIN = line("96365", diagnoses=("D80.0",))

CASES: list[Case] = [
    Case("code.malformed", True, "Medicare", line("9028")),
    Case("code.malformed", False, "Medicare", line()),
    Case("code.unknown", True, "Medicare", line("90285")),
    Case("code.unknown", False, "Medicare", line("99214", evaluation_and_management=True)),
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
    Case("modifier.not-on-code", True, "UHC", line("90283", modifiers=("51",))),
    Case("modifier.not-on-code", False, "UHC", line("96365", modifiers=("51",))),
    Case("modifier.not-for-code", True, "Medicare", line("96365", modifiers=("JW",))),
    Case("modifier.not-for-code", False, "Medicare", line(modifiers=("JW",), discarded_mg=500.0)),
    Case("modifier.not-together", True, "Medicare", line(modifiers=("JW", "JZ"))),
    Case("modifier.not-together", True, "Aetna", line("96365", modifiers=("59", "XE"))),
    Case("modifier.not-together", False, "Aetna", line("96365", modifiers=("XE",))),
    Case("modifier.route-missing", True, "Medicare", line("J1569")),
    Case("modifier.route-missing", False, "Medicare", line("J1569", modifiers=("JZ", "JA"))),
    Case("modifier.route-missing", False, "Medicare", line("90375")),
    Case("modifier.jw-amount", True, "Medicare", line(modifiers=("JW",))),
    Case("modifier.jw-amount", True, "Medicare", line(modifiers=("JW",), discarded_mg=0.0)),
    Case("modifier.jw-amount", False, "Medicare", line(modifiers=("JW",), discarded_mg=500.0)),
    Case("modifier.jz-with-discard", True, "Medicare", line(discarded_mg=250.0)),
    Case("modifier.jz-with-discard", False, "Medicare", line(discarded_mg=0.0)),
    Case("modifier.25-not-on-em", True, "Medicare", line("96365", modifiers=("25",))),
    Case(
        "modifier.25-not-on-em",
        False,
        "Medicare",
        line("99214", modifiers=("25",), evaluation_and_management=True),
    ),
    Case("units.missing", True, "Aetna", line(units=None, dose_mg=None)),
    Case("units.missing", False, "Aetna", line()),
    Case("units.dose-mismatch", True, "Aetna", line(units=60)),
    Case("units.dose-mismatch", True, "Aetna", line(units=5, dose_mg=1200.0)),
    Case("units.dose-mismatch", False, "Aetna", line(units=70)),
    Case("units.rounding", True, "Aetna", line(units=3, dose_mg=1200.0)),
    Case("units.rounding", False, "Aetna", line(units=70)),
    Case(
        "units.not-available",
        True,
        "Medicare",
        line("J1552", dose_mg=1000.0, modifiers=("JZ",), date_of_service=D("2025-02-01")),
    ),
    Case("units.not-available", False, "Medicare", line()),
    Case("diagnosis.malformed", True, "Aetna", line(diagnoses=("D80.0", "80.0"))),
    Case("diagnosis.malformed", False, "Aetna", line()),
    Case("place-of-service.malformed", True, "Aetna", line(place_of_service="1")),
    Case("place-of-service.malformed", False, "Aetna", line()),
    Case("place-of-service.unknown", True, "Aetna", line(place_of_service="99")),
    Case("place-of-service.unknown", False, "Aetna", line()),
    Case("date-of-service.missing", True, "Aetna", line(date_of_service=None)),
    Case("date-of-service.missing", False, "Aetna", line()),
    Case("payer.prior-authorization", True, "UHC", line("90283", date_of_service=D("2013-04-01"))),
    Case("payer.prior-authorization", False, "UHC", line("90283", date_of_service=D("2013-03-31"))),
    Case("payer.prior-authorization", True, "BCBS", line("90283")),
    Case(
        "payer.prior-authorization",
        False,
        "UHC",
        claim("UHC", line("90283"), ADMIN, prior_authorization="PA-123"),
    ),
    Case("payer.policy-not-available", True, "Aetna", line("J1559", units=100)),
    Case("payer.policy-not-available", True, "Aetna", line()),
    Case("payer.policy-not-available", False, "Aetna", line("90283")),
    Case("payer.policy-not-available", False, "UHC", line()),
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
    Case("payer.site-of-care", True, "Cigna", line("90283", place_of_service="11")),
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
        "medicare.home-ivig-units", True, "Medicare", line("Q2052", units=2, place_of_service="12")
    ),
    Case(
        "medicare.home-ivig-units", False, "Medicare", line("Q2052", units=1, place_of_service="12")
    ),
    Case(
        "medicare.home-ivig-diagnosis",
        True,
        "Medicare",
        line(place_of_service="12", diagnoses=("D80.1",)),
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
        line(
            place_of_service="12",
            diagnoses=("D80.1",),
            date_of_service=D("2003-12-31"),
            modifiers=(),
        ),
    ),
    Case("medicare.ncd-250.3", True, "Medicare", line(diagnoses=("L10.0",))),
    Case(
        "medicare.ncd-250.3",
        False,
        "Medicare",
        line(diagnoses=("L10.0",), date_of_service=D("2002-09-30"), modifiers=()),
    ),
    Case("medicare.ncd-250.3", False, "Medicare", line()),
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


def run(case: Case) -> Report:
    if isinstance(case.item, Claim):
        return registry.check(case.item)
    return registry.check(case.item, payer=case.payer)


@pytest.mark.parametrize(
    "case",
    CASES,
    ids=[f"{c.rule}-{'fires' if c.fires else 'silent'}-{i}" for i, c in enumerate(CASES)],
)
def test_rule(case: Case) -> None:
    report = run(case)
    fired = [f for f in report.findings if f.rule == case.rule]
    if case.fires:
        assert fired, report.to_text()
        for finding in fired:
            assert finding.message
            assert finding.path
            known = {r.id: r for r in RULES}[case.rule]
            if known.rests_on and known.rests_on != ("policy",):
                assert finding.sources, f"{case.rule} cites no source"
    else:
        assert not fired, report.to_text()


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    fires = {c.rule for c in CASES if c.fires}
    silent = {c.rule for c in CASES if not c.fires}
    ids = {rule.id for rule in RULES}
    assert fires == ids
    assert silent == ids


def test_rule_ids_are_unique_and_stable_in_form() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert rule_id == rule_id.lower()
        assert "." in rule_id


def test_every_rule_reference_resolves_in_the_bundled_data() -> None:
    policies = list(registry.policies)
    billing_rules = {b.id: b for p in policies for b in p.billing_rules}
    for rule in RULES:
        for ref in rule.rests_on:
            kind, _, key = ref.partition(":")
            if kind == "modifier":
                assert key in registry.modifiers, ref
            elif kind == "code":
                assert key in registry.codes, ref
            elif kind == "list":
                assert key in registry.diagnosis_lists, ref
            elif kind == "coverage":
                assert key in registry.coverage, ref
            elif kind == "billing-rule":
                assert key in billing_rules, ref
            else:
                assert ref == "policy", ref


def test_jw_jz_rule_dates_match_the_medicare_billing_rules() -> None:
    by_id = {r.id: r for r in RULES}
    rules = {b.id: b for b in registry.policy("Medicare").billing_rules}
    assert (
        by_id["medicare.jw-required"].effective.start
        == rules["medicare.jw-required"].effective.start
    )
    assert (
        by_id["medicare.jw-jz-required"].effective.start
        == rules["medicare.jw-jz-required"].effective.start
    )


def test_a_correct_medicare_line_has_no_error_or_warning() -> None:
    report = registry.check(line(), payer="Medicare")
    assert report.ok
    assert report.errors == ()
    assert report.warnings == ()
    # what Medicare's policy leaves unknown is said, as info, not guessed
    assert {f.rule for f in report.infos} == {"payer.prior-authorization", "payer.site-of-care"}
    assert all("not available" in f.message for f in report.infos)


def test_a_correct_claim_is_ok() -> None:
    report = registry.check(
        claim("Aetna", line(place_of_service="11"), ADMIN, prior_authorization="A-1")
    )
    assert report.ok, report.to_text()
    assert report.warnings == ()


def test_findings_carry_paths_suggestions_and_source_records() -> None:
    report = registry.check(claim("Medicare", line("90283", modifiers=("51",)), ADMIN))
    finding = next(f for f in report.findings if f.rule == "modifier.not-on-code")
    assert finding.path == "lines[0].modifiers[0]"
    assert finding.severity is Severity.ERROR
    assert finding.suggestion == "remove modifier 51"
    assert finding.sources
    assert all(s.url.startswith("http") for s in finding.sources)
    hcpcs = next(f for f in report.findings if f.rule == "medicare.product-under-hcpcs")
    assert hcpcs.suggestion is not None
    assert "J1459" in hcpcs.suggestion


def test_a_product_code_is_checked_under_the_payers_policy_for_its_generic_code() -> None:
    report = registry.check(line(place_of_service="22"), payer="Aetna")
    (note,) = [f for f in report.findings if f.rule == "payer.policy-not-available"]
    assert note.message.startswith("Aetna's policy in passive_ig's data names 90283, not J1459")
    assert {"payer.prior-authorization", "payer.site-of-care"} <= set(report.rules())


def test_unknown_code_suggests_the_nearest() -> None:
    report = registry.check(line("90285"), payer="Aetna")
    (finding,) = [f for f in report.findings if f.rule == "code.unknown"]
    assert finding.suggestion is not None
    assert "90284" in finding.suggestion


def test_deleted_code_suggests_its_replacement() -> None:
    report = registry.check(line("Q4087", date_of_service=D("2010-01-01")), payer="Medicare")
    (finding,) = [f for f in report.findings if f.rule == "code.not-effective"]
    assert finding.suggestion == "bill J1568 instead"


def test_claim_defaults_fill_the_lines() -> None:
    bare = ClaimLine(code="J1459", modifiers=("JZ",), units=70, dose_mg=35000.0)
    report = registry.check(
        Claim(
            payer="Medicare",
            lines=(bare, ClaimLine(code="96365")),
            date_of_service=DAY,
            place_of_service="11",
            diagnoses=("D80.0",),
        )
    )
    assert "date-of-service.missing" not in report.rules()
    assert report.ok


def test_as_of_stands_in_for_a_missing_date_of_service() -> None:
    undated = line(modifiers=(), date_of_service=None)
    assert (
        "medicare.jw-jz-required"
        in registry.check(undated, payer="Medicare", as_of=D("2024-01-01")).rules()
    )
    assert (
        "medicare.jw-jz-required"
        not in registry.check(undated, payer="Medicare", as_of=D("2020-01-01")).rules()
    )


def test_report_properties_and_text() -> None:
    report = registry.check(line(modifiers=("JW", "JZ"), units=60), payer="Medicare", as_of=DAY)
    assert not report.ok
    assert report.payer == "medicare"
    assert report.as_of == DAY
    assert report.data_version == registry.manifest.data_version
    assert len(report) == len(report.findings) == len(list(report))
    assert set(report.errors) | set(report.warnings) | set(report.infos) == set(report.findings)
    text = report.to_text()
    assert text.startswith("NOT OK: medicare as of 2024-03-01")
    assert "ERROR modifier.not-together at modifiers" in text
    assert "source: " in text


def test_report_round_trips_through_json() -> None:
    report = registry.check(claim("Medicare", line("90283", modifiers=("51", "00")), ADMIN))
    data = json.loads(report.to_json())
    assert Report.from_dict(data) == report
    assert data["findings"][0]["sources"][0]["url"].startswith("http")


def test_reports_and_findings_pickle() -> None:
    report = registry.check(line(modifiers=()), payer="Medicare")
    assert pickle.loads(pickle.dumps(report)) == report


def test_finding_str() -> None:
    finding = Finding(rule="x.y", severity=Severity.WARNING, message="m", path="p", suggestion="s")
    assert str(finding) == "WARNING x.y at p: m Suggestion: s"


# ---------------------------------------------------------------------- misuse


def test_unknown_payer_raises() -> None:
    with pytest.raises(UnknownPayerError, match=r"^no payer 'Humana' in payers"):
        registry.check(line(), payer="Humana")


def test_a_line_needs_a_payer() -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.check(line())
    assert str(info.value) == (
        "None is not a valid payer: expected a payer for a single line, e.g. payer='Medicare'"
    )


def test_payer_must_be_a_string() -> None:
    with pytest.raises(InvalidInputError, match=r"^3 is not a valid payer: expected a payer name"):
        registry.check(line(), payer=3)  # type: ignore[arg-type]


def test_wrong_thing_to_check() -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.check({"code": "90283"}, payer="Medicare")  # type: ignore[arg-type]
    assert str(info.value) == (
        "{'code': '90283'} is not a valid thing to check: expected a ClaimLine or a Claim"
    )


def test_conflicting_payer_for_a_claim() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"^'Aetna' is not a valid payer: expected the claim's own payer 'Medicare'",
    ):
        registry.check(claim("Medicare", line()), payer="Aetna")


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(InvalidInputError, match=r"^'2024-01-01' is not a valid as_of date"):
        registry.check(line(), payer="Medicare", as_of="2024-01-01")  # type: ignore[arg-type]


def test_claim_line_from_dict_is_strict() -> None:
    parsed = ClaimLine.from_dict(
        {"code": "J1459", "modifiers": ["JZ"], "units": 70, "date_of_service": "2024-03-01"}
    )
    assert parsed == ClaimLine(code="J1459", modifiers=("JZ",), units=70, date_of_service=DAY)
    with pytest.raises(InvalidInputError) as info:
        ClaimLine.from_dict({"code": "J1459", "units": "70", "colour": "red"})
    assert str(info.value).endswith(
        "is not a valid claim line: expected a claim line in the documented format "
        "($.units: expected a number, got a string ('70'); $: unknown key(s) colour (not "
        "part of the format))"
    )


def test_claim_from_dict() -> None:
    parsed = Claim.from_dict({"payer": "UHC", "lines": [{"code": "90283"}]})
    assert parsed.lines == (ClaimLine(code="90283"),)
    with pytest.raises(InvalidInputError, match=r"\$\.lines\[0\]\.code: required key missing"):
        Claim.from_dict({"payer": "UHC", "lines": [{}]})


# ---------------------------------------------------------------------- bulk


def test_check_many_matches_one_by_one_in_order() -> None:
    lines = [line(), line("90283"), line(modifiers=("JW", "JZ")), line(), line("9028")] * 20
    one_by_one = [registry.check(item, payer="Medicare") for item in lines]
    assert list(registry.check_many(lines, payer="Medicare")) == one_by_one


def test_check_many_takes_claims() -> None:
    claims = [claim("Aetna", line(), ADMIN), claim("Medicare", line())]
    reports = list(registry.check_many(claims))
    assert [r.payer for r in reports] == ["aetna", "medicare"]


def test_check_many_rejects_what_is_not_a_line() -> None:
    with pytest.raises(InvalidInputError, match=r"is not a valid thing to check"):
        list(registry.check_many([line(), ["J1459"]], payer="Medicare"))  # type: ignore[list-item]


# ---------------------------------------------------------------------- properties

codes = st.sampled_from([*sorted(registry.codes.keys()), "90285", "99214", "J9999"])
modifiers = st.sampled_from([*sorted(registry.modifiers.keys()), "RT", "QQ"])
payers = st.sampled_from(["Aetna", "BCBS", "Cigna", "UHC", "Medicare"])
places = st.sampled_from([*sorted(registry.places_of_service.keys()), "99", "49"])
diagnoses = st.sampled_from(["D80.0", "D80.1", "L10.0", "D69.3", "G61.81", "Z00.00"])
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
amounts = st.none() | st.just(0.0) | st.floats(min_value=1e-6, max_value=200_000)


@st.composite
def claim_lines(draw: st.DrawFn) -> ClaimLine:
    return ClaimLine(
        code=draw(codes),
        modifiers=tuple(draw(st.lists(modifiers, max_size=4))),
        units=draw(st.none() | st.integers(min_value=0, max_value=500)),
        place_of_service=draw(st.none() | places),
        date_of_service=draw(st.none() | dates),
        diagnoses=tuple(draw(st.lists(diagnoses, max_size=3))),
        dose_mg=draw(amounts),
        discarded_mg=draw(amounts),
        evaluation_and_management=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(claim_lines(), payers)
def test_any_line_of_valid_parts_gives_a_report(item: ClaimLine, payer: str) -> None:
    report = registry.check(item, payer=payer)
    assert isinstance(report, Report)
    assert report.ok == (not report.errors)
    assert Report.from_dict(json.loads(report.to_json())) == report


@settings(max_examples=100, deadline=None)
@given(st.lists(claim_lines(), min_size=1, max_size=5), payers)
def test_any_claim_of_valid_parts_gives_a_report(items: list[ClaimLine], payer: str) -> None:
    report = registry.check(Claim(payer=payer, lines=tuple(items)))
    for finding in report.findings:
        assert finding.path.startswith("lines")
