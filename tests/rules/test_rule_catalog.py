"""The rules as declared: every one tested both ways, dated by its records, scoped to
the payers its data names, and a property over generated claims that findings keep
to the declarations."""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
import shutil
from pathlib import Path
from unittest import mock

import pytest
import test_rules_claim
import test_rules_coverage
import test_rules_inputs
import test_rules_medicare
import test_rules_modifiers
import test_rules_payer_policy
import test_rules_units
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_cases import Case

from passive_ig import DataError, Registry, registry
from passive_ig.answers import Report
from passive_ig.claims import Claim, ClaimLine
from passive_ig.records import NotAvailable, PayerPolicy
from passive_ig.rules import RETIRED, RULES, RuleKind

ALL_CASES: list[Case] = [
    *test_rules_inputs.CASES,
    *test_rules_modifiers.CASES,
    *test_rules_units.CASES,
    *test_rules_payer_policy.CASES,
    *test_rules_coverage.CASES,
    *test_rules_claim.CASES,
    *test_rules_medicare.CASES,
]
PAYERS = ("aetna", "bcbs", "cigna", "uhc", "medicare")


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    ids = {rule.id for rule in RULES}
    assert {c.rule for c in ALL_CASES if c.fires} == ids
    assert {c.rule for c in ALL_CASES if not c.fires} == ids


def _record(ref: object) -> object:
    collection, key = ref.collection, ref.key  # type: ignore[attr-defined]
    if collection == "billing_rules":
        return next(b for p in registry.policies for b in p.billing_rules if b.id == key)
    return getattr(registry, collection)[key]


def _first_day(rule_id: str) -> dt.date | None:
    rule = next(r for r in RULES if r.id == rule_id)
    if rule.dates_from is None:
        return None
    start = _record(rule.dates_from).effective.start  # type: ignore[attr-defined]
    return start if isinstance(start, dt.date) else None


@pytest.mark.parametrize("rule", [r for r in RULES if r.dates_from is not None], ids=str)
def test_a_dated_rule_fires_from_its_first_day_and_not_the_day_before(rule: object) -> None:
    start = _first_day(rule.id)  # type: ignore[attr-defined]
    if start is None:
        pytest.skip("the record it is dated by gives no first day")
    cases = [c for c in ALL_CASES if c.rule == rule.id]  # type: ignore[attr-defined]
    assert any(c.fires and c.day is not None and c.day >= start for c in cases)
    assert any(not c.fires and c.day == start - dt.timedelta(days=1) for c in cases)


def test_dates_come_from_records_and_none_is_typed_in_rule_code() -> None:
    source = Path(__import__("passive_ig.rules", fromlist=["x"]).__file__).parent
    for module in source.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func).rpartition(".")[2]
                assert called not in ("date", "fromisoformat", "strptime"), (
                    module.name,
                    ast.unparse(node),
                )


def test_rule_ids_are_unique_and_stable_in_form() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert rule_id == rule_id.lower()
        family, _, name = rule_id.partition(".")
        assert family
        assert name


def test_ids_of_earlier_versions_are_kept() -> None:
    earlier = {
        "code.malformed", "code.unknown", "code.not-effective", "code.status-not-available",
        "modifier.malformed", "modifier.unknown", "modifier.placeholder", "modifier.not-effective",
        "modifier.not-on-code", "modifier.not-for-code", "modifier.not-together",
        "modifier.route-missing", "modifier.jw-amount", "modifier.jz-with-discard",
        "modifier.25-not-on-em", "units.missing", "units.dose-mismatch", "units.rounding",
        "units.not-available", "diagnosis.malformed", "place-of-service.malformed",
        "place-of-service.unknown", "date-of-service.missing", "payer.prior-authorization",
        "payer.policy-not-available", "payer.site-of-care", "medicare.product-under-hcpcs",
        "medicare.jw-required", "medicare.jw-jz-required", "medicare.home-ivig-place-of-service",
        "medicare.home-ivig-units", "medicare.home-ivig-diagnosis", "medicare.ncd-250.3",
        "claim.product-without-administration", "claim.administration-without-product",
        "claim.administration-route-mismatch", "claim.em-without-25",
        "medicare.home-ivig-same-place",
    }  # fmt: skip
    assert earlier <= {rule.id for rule in RULES} | set(RETIRED)
    assert not set(RETIRED) & {rule.id for rule in RULES}


def test_every_rule_says_what_triggers_it() -> None:
    for rule in RULES:
        assert rule.title, rule.id
        assert rule.description, rule.id
        assert rule.description.endswith("."), rule.id


def test_a_rule_whose_record_is_missing_is_a_data_error(tmp_path: Path) -> None:
    data = Path(__import__("passive_ig", fromlist=["x"]).__file__).parent / "data"
    target = tmp_path / "data"
    shutil.copytree(data, target)
    policies = json.loads((target / "policies.json").read_text(encoding="utf-8"))
    for policy in policies:
        policy["billing_rules"] = [
            b for b in policy["billing_rules"] if not b["id"].startswith("medicare.jw-")
        ]
    (target / "policies.json").write_text(json.dumps(policies), encoding="utf-8")
    documents = json.loads((target / "coverage.json").read_text(encoding="utf-8"))
    for document in documents:
        document["billing_rules"] = [
            key for key in document.get("billing_rules", ()) if not key.startswith("medicare.jw-")
        ]
    (target / "coverage.json").write_text(json.dumps(documents), encoding="utf-8")
    mine = Registry.from_directory(target)
    with pytest.raises(DataError) as info:
        mine.check(ClaimLine(code="J1459"), payer="Medicare")
    message = str(info.value)
    for missing in ("medicare.jw-required", "medicare.jw-jz-required", "medicare.jw-jz-scope"):
        assert f"rests on billing-rule:{missing}, which the data does not hold" in message


# ---------------------------------------------------------------------- the property


def _data_scope(rule: object) -> frozenset[str]:
    """The payers a rule may fire for, worked out here from the data on its own."""
    scope = set(rule.payers) if rule.payers is not None else set(PAYERS)  # type: ignore[attr-defined]
    for ref in rule.rests_on:  # type: ignore[attr-defined]
        record = _record(ref)
        if ref.collection == "billing_rules":
            named = {p.payer for p in registry.policies if record in p.billing_rules}
        elif ref.collection == "modifiers":
            named = set(record.payers) or set(PAYERS)  # type: ignore[attr-defined]
        elif ref.collection == "diagnosis_lists":
            named = {record.payer} if record.payer else set(PAYERS)  # type: ignore[attr-defined]
        elif ref.collection == "coverage":
            named = {"medicare"}
        else:
            named = set(PAYERS)
        scope &= named
    return frozenset(scope)


SCOPES = {rule.id: _data_scope(rule) for rule in RULES}
RULES_BY_ID = {rule.id: rule for rule in RULES}


def _own(record: object) -> set[str]:
    return set(getattr(record, "sources", ()) or ())


def _allowed_sources(rule_id: str, claim: Claim) -> set[str]:
    """The sources a finding of ``rule_id`` on ``claim`` may cite: those of the records
    the rule rests on, and of any record it could be enforcing on this claim."""
    allowed: set[str] = set()
    for ref in RULES_BY_ID[rule_id].rests_on:
        allowed |= _own(_record(ref))
    payer = registry.payers[claim.payer].id
    for item in claim.lines:
        code = registry.codes.get(item.code)
        if code is None:
            continue
        allowed |= _own(code)
        for link in code.related:
            allowed |= _own(link)
        for modifier in item.modifiers:
            allowed |= _own(registry.modifiers.get(modifier))
        policies: list[PayerPolicy] = [p for p in registry.policies if p.payer == payer]
        for policy in policies:
            allowed |= _own(policy) | _own(policy.prior_authorization)
            if not isinstance(policy.site_of_care, NotAvailable):
                for rule in policy.site_of_care:
                    allowed |= _own(rule)
    return allowed


codes = st.sampled_from([*sorted(registry.codes.keys()), "90285", "99214", "J9999"])
modifiers = st.sampled_from([*sorted(registry.modifiers.keys()), "RT", "QQ"])
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


claims = st.builds(
    Claim,
    payer=st.sampled_from(["Aetna", "BCBS", "Cigna", "UHC", "Medicare"]),
    lines=st.lists(claim_lines(), min_size=1, max_size=4).map(tuple),
    prior_authorization=st.none() | st.just("PA-1"),
)


@settings(max_examples=250, deadline=None)
@given(claims)
def test_findings_keep_to_their_rules_declarations(claim: Claim) -> None:
    report = registry.check(claim, notes=True)
    payer = report.payer
    for finding in report.findings:
        rule = RULES_BY_ID[finding.rule]
        assert finding.severity is rule.severity, finding
        assert payer in SCOPES[rule.id], f"{rule.id} fired for {payer}"
        cited = {source.id for source in finding.sources}
        assert cited <= _allowed_sources(rule.id, claim), (finding.rule, cited)
        if rule.kind is RuleKind.CLAIM or finding.path.startswith("lines["):
            assert finding.path.startswith("lines")
    assert Report.from_dict(json.loads(report.to_json())) == report


@settings(max_examples=150, deadline=None)
@given(claims)
def test_notes_only_add_findings(claim: Claim) -> None:
    shown = registry.check(claim)
    everything = registry.check(claim, notes=True)
    assert set(shown.findings) <= set(everything.findings)
    assert all(not RULES_BY_ID[f.rule].note for f in shown.findings)


def _every_rule_on_every_line(item: Claim) -> Report:
    """The report when the engine runs every rule on every line, skipping none."""
    from passive_ig.rules import _engine

    fresh = copy.copy(registry)  # the same data, no engine yet
    with mock.patch.object(
        _engine._Bound,
        "can_fire",
        lambda self, code, features, modifiers=None: code is not None or not self.needs_code,
    ):
        return fresh.check(item, notes=True)


# the engine runs on each line only the rules whose declaration (needs=, codes=) says
# they can fire there; running every rule on every line must give the same report


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(ALL_CASES)])
def test_skipping_rules_that_cannot_fire_changes_no_case(case: Case) -> None:
    item = (
        case.item if isinstance(case.item, Claim) else Claim(payer=case.payer, lines=(case.item,))
    )
    assert _every_rule_on_every_line(item) == registry.check(item, notes=True)


@settings(max_examples=150, deadline=None)
@given(claims)
def test_skipping_rules_that_cannot_fire_changes_no_report(claim: Claim) -> None:
    assert _every_rule_on_every_line(claim) == registry.check(claim, notes=True)
