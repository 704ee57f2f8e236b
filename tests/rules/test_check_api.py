"""Checking through the registry: reports, rule selection, batches and misuse."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_cases import ADMIN, DAY, D, claim, line

from passive_ig import InvalidInputError, UnknownPayerError, registry
from passive_ig.answers import Finding, Report, Severity, Unchecked
from passive_ig.claims import Claim, ClaimLine
from passive_ig.rules import RULES


def test_a_correct_claim_is_ok() -> None:
    report = registry.check(
        claim("Aetna", line(place_of_service="11"), ADMIN, prior_authorization="A-1")
    )
    assert report.ok, report.to_text()
    assert report.warnings == ()


def test_findings_carry_paths_suggestions_and_sources() -> None:
    report = registry.check(claim("Medicare", line("90283", modifiers=("51",)), ADMIN))
    finding = next(f for f in report.findings if f.rule == "modifier.not-on-code")
    assert finding.path == "lines[0].modifiers[0]"
    assert finding.severity is Severity.ERROR
    assert finding.suggestion == "remove modifier 51"
    assert finding.sources
    assert all(s.url.startswith("http") for s in finding.sources)


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
    assert not report
    assert report.payer == "medicare"
    assert report.as_of == DAY
    assert report.data_version == registry.manifest.data_version
    assert len(report) == len(report.findings) == len(list(report))
    assert set(report.errors) | set(report.warnings) | set(report.infos) == set(report.findings)
    text = report.to_text()
    assert text.startswith("NOT OK: medicare as of 2024-03-01")
    assert "ERROR modifier.not-together at modifiers" in text
    assert "source: " in text


def test_a_report_is_truthy_exactly_when_it_is_ok() -> None:
    clean = registry.check(line(), payer="Medicare")
    warned = registry.check(line("90283"), payer="UHC")
    assert clean
    assert clean.ok
    assert warned
    assert warned.ok
    assert warned.warnings
    assert not registry.check(line(units=1), payer="UHC")


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


def test_the_old_import_paths_still_work_for_one_release() -> None:
    from passive_ig.claims import Finding as OldFinding
    from passive_ig.claims import Report as OldReport

    assert OldFinding is Finding
    assert OldReport is Report
    with pytest.warns(
        DeprecationWarning, match=r"passive_ig.checks.RULES moved to passive_ig.rules"
    ):
        from passive_ig.checks import RULES as OLD_RULES
    assert OLD_RULES is RULES
    from passive_ig import checks

    with pytest.raises(AttributeError, match=r"has no attribute 'nothing'"):
        checks.nothing  # noqa: B018


# ---------------------------------------------------------------------- selection


def test_select_takes_rule_ids_and_family_prefixes() -> None:
    broken = line("90283", modifiers=("51",), units=3)
    assert registry.check(broken, payer="Medicare", select="modifier").rules() == (
        "modifier.not-on-code",
    )
    assert registry.check(broken, payer="Medicare", select=["medicare"]).rules() == (
        "medicare.product-under-hcpcs",
    )
    assert (
        "modifier.not-on-code"
        not in registry.check(broken, payer="Medicare", ignore=["modifier.not-on-code"]).rules()
    )


def test_min_severity_drops_lower_findings() -> None:
    broken = line("90283", modifiers=("51",))
    report = registry.check(broken, payer="Medicare", min_severity="error")
    assert {f.severity for f in report.findings} == {Severity.ERROR}
    assert registry.check(broken, payer="Medicare", min_severity=Severity.WARNING).rules() == (
        "modifier.not-on-code",
        "medicare.product-under-hcpcs",
    )


def test_notes_are_one_switch_away_or_selected_by_id() -> None:
    assert registry.check(line(), payer="Medicare").findings == ()
    selected = registry.check(line(), payer="Medicare", select=["payer.site-of-care-not-available"])
    assert selected.rules() == ("payer.site-of-care-not-available",)
    # a family prefix alone does not bring the notes in
    assert registry.check(line(), payer="Medicare", select=["payer"]).findings == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"select": ["modifer"]},
            "'modifer' is not a valid rule to select: expected a rule id or family prefix "
            "from passive_ig.rules.RULES; did you mean 'modifier', 'modifier.unknown' or "
            "'modifier.malformed'?",
        ),
        (
            {"ignore": "unit.dose-mismatch"},
            "'unit.dose-mismatch' is not a valid rule to ignore: expected a rule id or family "
            "prefix from passive_ig.rules.RULES; did you mean 'units.dose-mismatch' or "
            "'units.missing'?",
        ),
        (
            {"select": 3},
            "3 is not a valid select: expected a rule id or prefix, or a list of them, "
            "e.g. ['modifier']",
        ),
        (
            {"min_severity": "fatal"},
            "'fatal' is not a valid minimum severity: expected one of 'error', 'warning', "
            "'info' (or a Severity)",
        ),
        ({"notes": "yes"}, "'yes' is not a valid notes switch: expected True or False"),
        (
            {"ignore": ["medicare.home-ivig-units"]},
            "'medicare.home-ivig-units' is not a valid rule to ignore: expected a rule in use; "
            "this one was retired in 0.2: Q2052 is billed in 15-minute increments of the visit, "
            "not one unit per infusion day, so the rule gave wrong answers",
        ),
    ],
)
def test_a_bad_selection_is_refused_clearly(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.check(line(), payer="Medicare", **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


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
    with pytest.raises(InvalidInputError, match=r"is not a valid as_of date: expected a datetime"):
        registry.check(line(), payer="Medicare", as_of=dt.datetime(2024, 1, 1))  # type: ignore[arg-type]


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


def test_check_many_takes_the_same_selection() -> None:
    lines = [line("90283", modifiers=("51",)), line(units=1)] * 3
    many = list(registry.check_many(lines, payer="Medicare", select="units", notes=True))
    assert many == [
        registry.check(item, payer="Medicare", select="units", notes=True) for item in lines
    ]


def test_check_many_takes_claims() -> None:
    claims = [claim("Aetna", line(), ADMIN), claim("Medicare", line())]
    reports = list(registry.check_many(claims))
    assert [r.payer for r in reports] == ["aetna", "medicare"]


def test_check_many_names_what_is_not_a_line_and_goes_on() -> None:
    items = [line(), ["J1459"], line()]
    first, bad, last = registry.check_many(items, payer="Medicare")  # type: ignore[arg-type]
    assert isinstance(first, Report)
    assert isinstance(last, Report)
    assert isinstance(bad, Unchecked)
    assert (bad.index, bad.error, bad.ok, bad.findings) == (1, "InvalidInputError", False, ())
    assert bad.reason == (
        "['J1459'] is not a valid thing to check: expected a ClaimLine or a Claim"
    )
    # a single check still raises for the same misuse
    with pytest.raises(InvalidInputError, match=r"is not a valid thing to check"):
        registry.check(["J1459"], payer="Medicare")  # type: ignore[arg-type]


def test_check_many_refuses_what_is_not_a_batch_at_once() -> None:
    with pytest.raises(InvalidInputError) as info:
        registry.check_many(0, payer="Medicare")  # type: ignore[arg-type]
    assert str(info.value) == (
        "0 is not a valid batch to check: expected an iterable of ClaimLine or Claim objects"
    )


def test_a_batch_that_stops_remembering_still_gives_every_report() -> None:
    # 9,000 lines that never repeat (each its own dose and day) make check_many stop
    # keeping reports; the repeats after that are checked again, to the same reports
    distinct = [
        line(units=n % 90 + 1, dose_mg=500.0 * (n % 90 + 1) + n / 1000, date_of_service=DAY)
        for n in range(9000)
    ]
    batch = distinct + distinct[:50] + [line(), line("90283")] * 20
    assert list(registry.check_many(batch, payer="Medicare")) == [
        registry.check(item, payer="Medicare") for item in batch
    ]


@settings(max_examples=100, deadline=None)
@given(
    ndc=st.none() | st.sampled_from(["12345678901", "00944270005"]),
    quantity=st.none() | st.integers(min_value=0, max_value=900),
    unit=st.none() | st.sampled_from(["ML", "UN", "GR"]),
    revenue=st.none() | st.sampled_from(["0636", "0260"]),
    end=st.none() | st.just(DAY),
    pointers=st.sampled_from([(), (1,), (1, 2)]),
    code=st.sampled_from(["J1459", "90283", "96365", "Q2052", "J1569"]),
)
def test_the_fields_no_rule_reads_change_no_report(
    ndc: str | None,
    quantity: int | None,
    unit: str | None,
    revenue: str | None,
    end: dt.date | None,
    pointers: tuple[int, ...],
    code: str,
) -> None:
    from passive_ig.rules import UNREAD_LINE_FIELDS

    assert set(UNREAD_LINE_FIELDS) == {
        "ndc", "ndc_quantity", "ndc_unit", "revenue_code", "service_end", "diagnosis_pointers"
    }  # fmt: skip
    plain = line(code, units=70, dose_mg=35000.0)
    varied = attrs.evolve(
        plain,
        ndc=ndc,
        ndc_quantity=quantity,
        ndc_unit=unit if quantity is not None else None,
        revenue_code=revenue,
        service_end=end,
        diagnosis_pointers=pointers,
    )
    assert registry.check(varied, payer="Medicare", notes=True) == registry.check(
        plain, payer="Medicare", notes=True
    )
