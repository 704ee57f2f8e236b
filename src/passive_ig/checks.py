"""Checking claim lines and claims against the data: the rules and how they run.

Use it through the registry: ``registry.check(line_or_claim, payer=..., as_of=...)``
and ``registry.check_many(lines, payer=...)``. A check never raises for a problem
in the claim; it raises only for misuse (an unknown payer, a wrong type).

Every rule has a stable id, the records it rests on (whose sources each finding
carries) and, where the sources give them, the dates it is in effect. Rules that
enforce a record of the data (a modifier's dates, a payer's site-of-care steer)
take their dates from that record. :data:`RULES` lists them all.

>>> import datetime as dt
>>> from passive_ig import registry
>>> from passive_ig.claims import ClaimLine
>>> line = ClaimLine(code="90283", modifiers=("51",), date_of_service=dt.date(2024, 5, 2))
>>> report = registry.check(line, payer="Medicare")
>>> report.ok
False
>>> "modifier.not-on-code" in report.rules()
True
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from . import codes as _codes
from .claims import Claim, ClaimLine, Finding, Report, Severity
from .errors import InvalidInputError
from .records import (
    BillingCode,
    CodeKind,
    CodeRange,
    DiagnosisList,
    Effective,
    Measure,
    NotAvailable,
    Payer,
    PayerPolicy,
    PriorAuthStatus,
    RelationKind,
    Route,
    Source,
)
from .units import billing_units

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["RULES", "Rule", "check", "check_many"]

_OPEN = Effective(start=NotAvailable(reason="the rule applies whenever its data applies"))


@attrs.frozen(kw_only=True)
class Rule:
    """A check with a stable id.

    ``payers`` limits it to those payer ids (empty: every payer). ``effective`` is
    when it applies, for rules whose dates come from the sources rather than
    from a record of the data. ``rests_on`` names the records whose sources back
    it: ``modifier:JW``, ``code:90283``, ``billing-rule:<id>``, ``coverage:<id>``,
    ``list:<id>``, or ``policy`` (the payer's policy for the code).
    """

    id: str
    title: str
    severity: Severity
    payers: tuple[str, ...] = ()
    effective: Effective = _OPEN
    rests_on: tuple[str, ...] = ()


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


RULES: tuple[Rule, ...] = (
    Rule(
        id="code.malformed",
        title="The code is not a well-formed CPT or HCPCS code",
        severity=Severity.ERROR,
    ),
    Rule(
        id="code.unknown",
        title="The code is not in the data; suggestions follow",
        severity=Severity.WARNING,
    ),
    Rule(
        id="code.not-effective",
        title="The code is not valid on the date of service",
        severity=Severity.ERROR,
    ),
    Rule(
        id="code.status-not-available",
        title="Whether the code can still be billed is unknown",
        severity=Severity.INFO,
    ),
    Rule(
        id="modifier.malformed",
        title="A modifier is not two letters or digits",
        severity=Severity.ERROR,
    ),
    Rule(
        id="modifier.unknown",
        title="A modifier is not in the data; suggestions follow",
        severity=Severity.WARNING,
    ),
    Rule(
        id="modifier.placeholder",
        title="The placeholder 00 is not a modifier",
        severity=Severity.ERROR,
        rests_on=("modifier:00",),
    ),
    Rule(
        id="modifier.not-effective",
        title="A modifier is not valid on the date of service",
        severity=Severity.ERROR,
    ),
    Rule(
        id="modifier.not-on-code",
        title="A modifier must not be reported on this code",
        severity=Severity.ERROR,
    ),
    Rule(
        id="modifier.not-for-code",
        title="A modifier is meant for other codes",
        severity=Severity.WARNING,
    ),
    Rule(
        id="modifier.not-together",
        title="Two modifiers must not be reported together",
        severity=Severity.ERROR,
    ),
    Rule(
        id="modifier.route-missing",
        title="A code that covers more than one route needs JA or JB",
        severity=Severity.ERROR,
        rests_on=("modifier:JA", "modifier:JB", "billing-rule:medicare.ja-jb-multi-route"),
    ),
    Rule(
        id="modifier.jw-amount",
        title="JW needs the discarded amount documented",
        severity=Severity.WARNING,
        rests_on=("modifier:JW",),
    ),
    Rule(
        id="modifier.jz-with-discard",
        title="JZ says nothing was discarded",
        severity=Severity.ERROR,
        rests_on=("modifier:JZ",),
    ),
    Rule(
        id="modifier.25-not-on-em",
        title="Modifier 25 belongs on the E/M line",
        severity=Severity.WARNING,
        rests_on=("modifier:25", "billing-rule:medicare.separate-em-modifier-25"),
    ),
    Rule(
        id="units.missing", title="A code billed per unit has no units", severity=Severity.WARNING
    ),
    Rule(
        id="units.dose-mismatch", title="The units do not match the dose", severity=Severity.ERROR
    ),
    Rule(
        id="units.rounding", title="The dose is not a whole number of units", severity=Severity.INFO
    ),
    Rule(
        id="units.not-available",
        title="The code's billing unit is not available",
        severity=Severity.INFO,
    ),
    Rule(
        id="diagnosis.malformed",
        title="A diagnosis is not a well-formed ICD-10-CM code",
        severity=Severity.ERROR,
    ),
    Rule(
        id="place-of-service.malformed",
        title="The place of service is not two digits",
        severity=Severity.ERROR,
    ),
    Rule(
        id="place-of-service.unknown",
        title="The place of service is not in the data",
        severity=Severity.INFO,
    ),
    Rule(id="date-of-service.missing", title="No date of service", severity=Severity.WARNING),
    Rule(
        id="payer.prior-authorization",
        title="The payer requires prior authorization",
        severity=Severity.WARNING,
        rests_on=("policy",),
    ),
    Rule(
        id="payer.policy-not-available",
        title="The data holds no policy of the payer that names this code",
        severity=Severity.INFO,
        rests_on=("policy",),
    ),
    Rule(
        id="payer.site-of-care",
        title="The payer steers this infusion to another site",
        severity=Severity.WARNING,
        rests_on=("policy",),
    ),
    Rule(
        id="medicare.product-under-hcpcs",
        title="Medicare pays the IVIG product under its product-specific HCPCS code",
        severity=Severity.WARNING,
        payers=("medicare",),
        rests_on=("billing-rule:medicare.ivig-three-part-payment",),
    ),
    Rule(
        id="medicare.jw-required",
        title="Medicare: discarded drug needs JW",
        severity=Severity.ERROR,
        payers=("medicare",),
        effective=Effective(start=_d("2017-01-01")),
        rests_on=("modifier:JW", "billing-rule:medicare.jw-required"),
    ),
    Rule(
        id="medicare.jw-jz-required",
        title="Medicare: single-dose drug lines need JW or JZ",
        severity=Severity.ERROR,
        payers=("medicare",),
        effective=Effective(start=_d("2023-07-01")),
        rests_on=(
            "modifier:JW",
            "modifier:JZ",
            "billing-rule:medicare.jw-jz-required",
            "billing-rule:medicare.jw-jz-unprocessable",
            "billing-rule:medicare.jw-jz-scope",
        ),
    ),
    Rule(
        id="medicare.home-ivig-place-of-service",
        title="Medicare: Q2052 needs a home-type place of service",
        severity=Severity.ERROR,
        payers=("medicare",),
        rests_on=("code:Q2052", "billing-rule:medicare.q2052-home-pos"),
    ),
    Rule(
        id="medicare.home-ivig-units",
        title="Medicare: Q2052 is one unit per infusion date",
        severity=Severity.ERROR,
        payers=("medicare",),
        rests_on=("code:Q2052", "billing-rule:medicare.q2052-one-unit-per-day"),
    ),
    Rule(
        id="medicare.home-ivig-diagnosis",
        title="Medicare: home IVIG is covered for primary immunodeficiency diagnoses",
        severity=Severity.WARNING,
        payers=("medicare",),
        effective=Effective(start=_d("2004-01-01")),
        rests_on=("list:medicare-home-ivig-pidd", "billing-rule:medicare.home-ivig-diagnosis-list"),
    ),
    Rule(
        id="medicare.ncd-250.3",
        title="Medicare: NCD 250.3 conditions apply",
        severity=Severity.INFO,
        payers=("medicare",),
        effective=Effective(start=_d("2002-10-01")),
        rests_on=("list:medicare-ncd-250.3", "coverage:NCD-250.3"),
    ),
    Rule(
        id="claim.product-without-administration",
        title="A product line with no administration line",
        severity=Severity.WARNING,
    ),
    Rule(
        id="claim.administration-without-product",
        title="An administration line with no product line",
        severity=Severity.WARNING,
    ),
    Rule(
        id="claim.administration-route-mismatch",
        title="The administration code does not fit the product's route",
        severity=Severity.WARNING,
    ),
    Rule(
        id="claim.em-without-25",
        title="An E/M line on an infusion day without modifier 25",
        severity=Severity.WARNING,
        rests_on=("modifier:25", "billing-rule:medicare.separate-em-modifier-25"),
    ),
    Rule(
        id="medicare.home-ivig-same-place",
        title="Medicare: the drug and Q2052 lines must carry the same place of service",
        severity=Severity.ERROR,
        payers=("medicare",),
        rests_on=("code:Q2052", "billing-rule:medicare.q2052-home-pos"),
    ),
)
RULE_BY_ID = {rule.id: rule for rule in RULES}

_PRODUCT_KINDS = (CodeKind.IMMUNE_GLOBULIN_PRODUCT, CodeKind.DRUG_PRODUCT)
_HOME_SERVICES = "Q2052"
_HOME_LIST = "medicare-home-ivig-pidd"
_NCD_LIST = "medicare-ncd-250.3"


class _Context:
    """What one check needs at hand: the registry, the payer and its policies.

    One per registry and payer (see :func:`_context`), so the sources of each
    finding are worked out once, not once per check.
    """

    def __init__(self, registry: Registry, payer: Payer) -> None:
        self.registry = registry
        self.payer = payer
        self.policies = {
            code: policy
            for policy in registry.policies
            if policy.payer == payer.id
            for code in policy.codes
        }
        # key -> (sources, record): the record is kept so its id() stays its own
        self._source_cache: dict[tuple[object, ...], tuple[tuple[Source, ...], object]] = {}
        self._nearest_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._list_codes: dict[str, frozenset[str]] = {}
        self._in_ranges: dict[tuple[str, int], bool] = {}
        self._home_ivig: dict[str, bool] = {}
        self._cleaned: dict[tuple[object, ...], str | InvalidInputError] = {}

    def clean(self, validate: Callable[[object], str], value: object) -> str:
        """``validate(value)``, kept: the validators of :mod:`passive_ig.codes` are pure
        functions of their input, and lines repeat the same codes."""
        key = (validate, type(value), value)  # the type too: 1 == True, but not as a code
        try:
            found = self._cleaned.get(key)
        except TypeError:  # an unhashable value: nothing to keep
            return validate(value)
        if found is None:
            try:
                found = validate(value)
            except InvalidInputError as exc:
                found = exc
            if len(self._cleaned) < _CACHE_LIMIT:
                self._cleaned[key] = found
        if isinstance(found, InvalidInputError):
            raise copy.copy(found)  # a copy: the kept one never holds a traceback (and its frames)
        return found

    def nearest(self, key: str, collection: str) -> tuple[str, ...]:
        """The known keys of a collection nearest to ``key`` (the same every time, so kept)."""
        found = self._nearest_cache.get((collection, key))
        if found is None:
            found = _codes.nearest(key, getattr(self.registry, collection).keys())
            if len(self._nearest_cache) < _CACHE_LIMIT:
                self._nearest_cache[collection, key] = found
        return found

    def in_ranges(self, code: str, ranges: tuple[CodeRange, ...]) -> bool:
        """Whether ``code`` falls in any of ``ranges`` (a modifier's ``not_on`` or ``applies_to``)."""
        key = (code, id(ranges))  # the ranges of a record of the registry, which outlives this
        found = self._in_ranges.get(key)
        if found is None:
            found = any(code in span for span in ranges)
            if len(self._in_ranges) < _CACHE_LIMIT:
                self._in_ranges[key] = found
        return found

    def is_home_ivig(self, code: BillingCode) -> bool:
        """Q2052, or a drug that Q2052's home infusion services go with."""
        found = self._home_ivig.get(code.code)
        if found is None:
            found = code.code == _HOME_SERVICES or any(
                r.kind is RelationKind.HOME_INFUSION_SERVICES for r in code.related
            )
            self._home_ivig[code.code] = found
        return found

    def list_codes(self, dx_list: DiagnosisList) -> frozenset[str]:
        """The codes on a diagnosis list, as a set (``code in dx_list`` scans the list)."""
        found = self._list_codes.get(dx_list.id)
        if found is None:
            found = self._list_codes[dx_list.id] = frozenset(entry.code for entry in dx_list.codes)
        return found

    def applies(self, rule: Rule, day: dt.date | None) -> bool:
        if rule.payers and self.payer.id not in rule.payers:
            return False
        return day is None or rule.effective.covers(day)

    def sources(
        self, rule: Rule, extra: Iterable[str] = (), record: object = None
    ) -> tuple[Source, ...]:
        key = (rule.id, *extra, id(record))
        cached = self._source_cache.get(key)
        if cached is None:
            ids: dict[str, None] = {}
            for ref in rule.rests_on:
                ids.update(dict.fromkeys(self._ref_sources(ref)))
            ids.update(dict.fromkeys(extra))
            if record is not None:
                ids.update(dict.fromkeys(s.id for s in self.registry.sources_of(record)))
            found = tuple(
                source
                for key_id in ids
                if (source := self.registry.sources.get(key_id)) is not None
            )
            self._source_cache[key] = (found, record)
            return found
        return cached[0]

    def _ref_sources(self, ref: str) -> tuple[str, ...]:
        kind, _, key = ref.partition(":")
        registry = self.registry
        record: object = None
        if kind == "modifier":
            record = registry.modifiers.get(key)
        elif kind == "code":
            record = registry.codes.get(key)
        elif kind == "list":
            record = registry.diagnosis_lists.get(key)
        elif kind == "coverage":
            record = registry.coverage.get(key)
        elif kind == "billing-rule":
            record = next(
                (
                    rule
                    for policy in registry.policies
                    for rule in policy.billing_rules
                    if rule.id == key
                ),
                None,
            )
        if record is None:
            return ()
        return tuple(record.sources)  # type: ignore[attr-defined]

    def finding(
        self,
        rule_id: str,
        message: str,
        path: str,
        *,
        suggestion: str | None = None,
        severity: Severity | None = None,
        sources: Iterable[str] = (),
        record: object = None,
    ) -> Finding:
        rule = RULE_BY_ID[rule_id]
        return Finding(
            rule=rule_id,
            severity=severity or rule.severity,
            message=message,
            path=path,
            suggestion=suggestion,
            sources=self.sources(rule, tuple(sources), record),
        )


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)


# ---------------------------------------------------------------------- line rules


def _line_findings(ctx: _Context, line: ClaimLine, as_of: dt.date | None) -> tuple[Finding, ...]:
    out: list[Finding] = []
    day = line.date_of_service or as_of
    if day is None:
        out.append(
            ctx.finding(
                "date-of-service.missing",
                "the line has no date of service, so every rule was applied regardless of its dates",
                "date_of_service",
                suggestion="give the date of service, or pass as_of=",
            )
        )

    code = _check_code(ctx, line, day, out)
    modifiers = _check_modifiers(ctx, line, code, day, out)
    pos = _check_place_of_service(ctx, line, out)
    diagnoses = _check_diagnoses(ctx, line, out)
    if code is None:
        return tuple(out)

    _check_units(ctx, line, code, out)
    _check_drug_modifiers(ctx, line, code, modifiers, day, out)
    _check_payer_policy(ctx, code, pos, day, out)
    if ctx.payer.id == "medicare":
        _check_medicare(ctx, line, code, modifiers, pos, diagnoses, day, out)
    return tuple(out)


def _check_code(
    ctx: _Context, line: ClaimLine, day: dt.date | None, out: list[Finding]
) -> BillingCode | None:
    try:
        clean = ctx.clean(_codes.validate_code, line.code)
    except InvalidInputError as exc:
        out.append(ctx.finding("code.malformed", str(exc), "code"))
        return None
    code = ctx.registry.codes.get(clean)
    if code is None:
        if not line.evaluation_and_management:
            suggestions = ctx.nearest(clean, "codes")
            out.append(
                ctx.finding(
                    "code.unknown",
                    f"{clean!r} is not an immune globulin code in passive_ig's data, so it was not checked",
                    "code",
                    suggestion=f"did you mean {_join(suggestions)}?" if suggestions else None,
                )
            )
        return None
    if day is not None and not code.effective.covers(day):
        replacements = [r.code for r in code.related if r.kind is RelationKind.REPLACED_BY]
        when = _period(code.effective)
        out.append(
            ctx.finding(
                "code.not-effective",
                f"{code.code} is valid {when}, not on {day}",
                "code",
                suggestion=f"bill {_join(replacements)} instead" if replacements else None,
                record=code,
            )
        )
    if isinstance(code.status, NotAvailable):
        out.append(
            ctx.finding(
                "code.status-not-available",
                f"whether {code.code} can still be billed is not available: {code.status.reason}",
                "code",
                record=code,
            )
        )
    return code


def _period(effective: Effective) -> str:
    start = effective.start if isinstance(effective.start, dt.date) else None
    end = effective.end if isinstance(effective.end, dt.date) else None
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "on dates our sources do not give"


def _check_modifiers(
    ctx: _Context,
    line: ClaimLine,
    code: BillingCode | None,
    day: dt.date | None,
    out: list[Finding],
) -> tuple[str, ...]:
    registry = ctx.registry
    clean: list[str] = []
    for index, raw in enumerate(line.modifiers):
        path = f"modifiers[{index}]"
        try:
            value = ctx.clean(_codes.validate_modifier, raw)
        except InvalidInputError as exc:
            out.append(ctx.finding("modifier.malformed", str(exc), path))
            continue
        clean.append(value)
        modifier = registry.modifiers.get(value)
        if modifier is None:
            suggestions = ctx.nearest(value, "modifiers")
            out.append(
                ctx.finding(
                    "modifier.unknown",
                    f"modifier {value!r} is not in passive_ig's data, so it was not checked",
                    path,
                    suggestion=f"did you mean {_join(suggestions)}?" if suggestions else None,
                )
            )
            continue
        if modifier.placeholder:
            out.append(
                ctx.finding(
                    "modifier.placeholder",
                    f"{value!r} is a placeholder meaning 'no modifier', not a modifier to send",
                    path,
                    suggestion="leave the modifier out",
                )
            )
            continue
        if day is not None and not modifier.effective.covers(day):
            out.append(
                ctx.finding(
                    "modifier.not-effective",
                    f"modifier {value} is valid {_period(modifier.effective)}, not on {day}",
                    path,
                    record=modifier,
                )
            )
        if code is not None:
            if ctx.in_ranges(code.code, modifier.not_on):
                spans = _join(str(span) for span in modifier.not_on)
                out.append(
                    ctx.finding(
                        "modifier.not-on-code",
                        f"modifier {value} is not reported with {code.code} (codes {spans})",
                        path,
                        suggestion=f"remove modifier {value}",
                        record=modifier,
                    )
                )
            applies = modifier.applies_to
            if isinstance(applies, tuple) and applies and not ctx.in_ranges(code.code, applies):
                out.append(
                    ctx.finding(
                        "modifier.not-for-code",
                        f"modifier {value} is meant for {_join(str(s) for s in applies)}, not {code.code}",
                        path,
                        record=modifier,
                    )
                )
    for index, first in enumerate(clean):
        modifier = registry.modifiers.get(first)
        if modifier is None:
            continue
        for second in clean[index + 1 :]:
            other = registry.modifiers.get(second)
            if second in modifier.not_with or (other is not None and first in other.not_with):
                out.append(
                    ctx.finding(
                        "modifier.not-together",
                        f"modifiers {first} and {second} must not be reported on the same line",
                        "modifiers",
                        suggestion=f"keep the one that fits: {first} ({modifier.name}) or "
                        f"{second} ({other.name if other else second})",
                        record=modifier,
                    )
                )
    return tuple(clean)


def _check_place_of_service(ctx: _Context, line: ClaimLine, out: list[Finding]) -> str | None:
    if line.place_of_service is None:
        return None
    try:
        pos = ctx.clean(_codes.validate_place_of_service, line.place_of_service)
    except InvalidInputError as exc:
        out.append(ctx.finding("place-of-service.malformed", str(exc), "place_of_service"))
        return None
    if pos not in ctx.registry.places_of_service:
        out.append(
            ctx.finding(
                "place-of-service.unknown",
                f"place of service {pos} is not in passive_ig's data; site rules could not use it",
                "place_of_service",
            )
        )
    return pos


def _check_diagnoses(ctx: _Context, line: ClaimLine, out: list[Finding]) -> tuple[str, ...]:
    clean = []
    for index, raw in enumerate(line.diagnoses):
        try:
            clean.append(ctx.clean(_codes.validate_diagnosis, raw))
        except InvalidInputError as exc:
            out.append(ctx.finding("diagnosis.malformed", str(exc), f"diagnoses[{index}]"))
    return tuple(clean)


def _check_units(ctx: _Context, line: ClaimLine, code: BillingCode, out: list[Finding]) -> None:
    unit = code.billing_unit
    if unit is None:
        return
    if isinstance(unit, NotAvailable):
        if line.dose_mg is not None:
            out.append(
                ctx.finding(
                    "units.not-available",
                    f"the billing unit of {code.code} is not available ({unit.reason}), "
                    "so the units could not be checked against the dose",
                    "units",
                    record=code,
                )
            )
        return
    if line.units is None:
        out.append(
            ctx.finding(
                "units.missing",
                f"{code.code} is billed {unit}; the line has no units",
                "units",
                record=code,
            )
        )
        return
    if line.dose_mg is None or unit.measure is not Measure.MILLIGRAM or line.dose_mg < 0:
        return
    count = billing_units(ctx.registry, code.code, dose_mg=line.dose_mg)
    if isinstance(count.units, int):
        if line.units != count.units:
            out.append(
                ctx.finding(
                    "units.dose-mismatch",
                    f"{line.dose_mg:g} mg of {code.code} ({unit}) is {count.units} units, "
                    f"not {line.units}",
                    "units",
                    suggestion=f"bill {count.units} units",
                    record=code,
                )
            )
        return
    exact = count.exact_units if count.exact_units is not None else 0
    low, high = math.floor(exact), math.ceil(exact)
    if line.units not in (low, high):
        out.append(
            ctx.finding(
                "units.dose-mismatch",
                f"{line.dose_mg:g} mg of {code.code} ({unit}) is {exact:.2f} units; "
                f"{line.units} is neither {low} nor {high}",
                "units",
                record=code,
            )
        )
    else:
        out.append(
            ctx.finding(
                "units.rounding",
                f"{line.dose_mg:g} mg of {code.code} is {exact:.2f} units; how a partial unit is "
                "rounded is not available in passive_ig's sources, so check the payer's rule",
                "units",
                record=code,
            )
        )


def _check_drug_modifiers(
    ctx: _Context,
    line: ClaimLine,
    code: BillingCode,
    modifiers: tuple[str, ...],
    day: dt.date | None,
    out: list[Finding],
) -> None:
    route_rule = RULE_BY_ID["modifier.route-missing"]
    if (
        _needs_route_modifier(ctx, code)
        and ctx.applies(route_rule, day)
        and not {"JA", "JB"} & set(modifiers)
    ):
        routes = _join(r.value for r in code.routes) if isinstance(code.routes, tuple) else ""
        out.append(
            ctx.finding(
                "modifier.route-missing",
                f"{code.code} covers more than one route ({routes}); the line must say which",
                "modifiers",
                suggestion="add JA for intravenous or JB for subcutaneous",
                record=code,
            )
        )
    if "JW" in modifiers:
        if line.discarded_mg is None:
            out.append(
                ctx.finding(
                    "modifier.jw-amount",
                    "JW reports a discarded amount; the record must document how much was discarded",
                    "discarded_mg",
                    suggestion="record the discarded amount (discarded_mg) and bill it in units",
                )
            )
        elif line.discarded_mg <= 0:
            out.append(
                ctx.finding(
                    "modifier.jw-amount",
                    "JW is on the line but the discarded amount is zero",
                    "discarded_mg",
                    suggestion="use JZ when nothing was discarded",
                    severity=Severity.ERROR,
                )
            )
    if "JZ" in modifiers and line.discarded_mg is not None and line.discarded_mg > 0:
        out.append(
            ctx.finding(
                "modifier.jz-with-discard",
                f"JZ attests that nothing was discarded, but {line.discarded_mg:g} mg was",
                "modifiers",
                suggestion="report the discarded amount on a separate line with JW",
            )
        )
    if "25" in modifiers and not line.evaluation_and_management:
        out.append(
            ctx.finding(
                "modifier.25-not-on-em",
                f"modifier 25 marks a separately identifiable E/M service; it does not go on {code.code}",
                "modifiers",
                suggestion="put 25 on the E/M line of the same day",
            )
        )


def _needs_route_modifier(ctx: _Context, code: BillingCode) -> bool:
    """A code that covers more than one route and that JA/JB are meant for."""
    if not code.is_multi_route:
        return False
    for key in ("JA", "JB"):
        modifier = ctx.registry.modifiers.get(key)
        if (
            modifier is not None
            and isinstance(modifier.applies_to, tuple)
            and any(code.code in span for span in modifier.applies_to)
        ):
            return True
    return False


def _policy_for(ctx: _Context, code: BillingCode) -> tuple[PayerPolicy | None, str]:
    """The payer's policy for ``code``, or for the generic CPT code a product-specific
    HCPCS code stands in for (a payer's immune globulin policy governs the product,
    whichever code bills it). Returns the policy and the code it was found under."""
    policy = ctx.policies.get(code.code)
    if policy is not None:
        return policy, code.code
    for link in code.related:
        if link.kind is RelationKind.GENERIC_CPT:
            policy = ctx.policies.get(link.code)
            if policy is not None:
                return policy, link.code
    return None, code.code


def _check_payer_policy(
    ctx: _Context, code: BillingCode, pos: str | None, day: dt.date | None, out: list[Finding]
) -> None:
    policy, under = _policy_for(ctx, code)
    if policy is None:
        if code.kind in _PRODUCT_KINDS:
            out.append(
                ctx.finding(
                    "payer.policy-not-available",
                    f"passive_ig's data holds no {ctx.payer.name} policy for {code.code}, so its "
                    "prior authorization and site-of-care rules could not be checked",
                    "code",
                    suggestion=f"check {ctx.payer.name}'s own policy for this product",
                )
            )
        return
    if under != code.code:
        out.append(
            ctx.finding(
                "payer.policy-not-available",
                f"{ctx.payer.name}'s policy in passive_ig's data names {under}, not {code.code}; "
                f"it is applied here because {code.code} bills the same product",
                "code",
                sources=policy.sources,
            )
        )
    pa = policy.prior_authorization
    if day is None or pa.effective.covers(day):
        status = pa.status
        message: str | None = None  # (an if chain: hashing an Enum runs Python code)
        if status is PriorAuthStatus.REQUIRED:
            message = f"{ctx.payer.name} requires prior authorization for {code.code}: {pa.detail}"
        elif status is PriorAuthStatus.VARIES_BY_PLAN:
            message = (
                f"whether {ctx.payer.name} requires prior authorization varies by plan: {pa.detail}"
            )
        elif status is PriorAuthStatus.NOT_AVAILABLE:
            message = (
                f"whether {ctx.payer.name} requires prior authorization is not available: "
                f"{pa.detail}"
            )
        if message is not None:
            out.append(
                ctx.finding(
                    "payer.prior-authorization",
                    message,
                    "code",
                    suggestion="make sure an authorization is on file before the claim goes out"
                    if status is PriorAuthStatus.REQUIRED
                    else None,
                    severity=None if status is PriorAuthStatus.REQUIRED else Severity.INFO,
                    sources=pa.sources,
                )
            )
    if pos is None:
        return
    if isinstance(policy.site_of_care, NotAvailable):
        out.append(
            ctx.finding(
                "payer.site-of-care",
                f"{ctx.payer.name}'s site-of-care policy for {code.code} is not available: "
                f"{policy.site_of_care.reason}",
                "place_of_service",
                severity=Severity.INFO,
                sources=policy.sources,
            )
        )
        return
    for rule in policy.site_of_care:
        if pos in rule.non_preferred and (day is None or rule.effective.covers(day)):
            codes = rule.preferred if isinstance(rule.preferred, tuple) else ()
            preferred = [f"{p} ({_pos_name(ctx, p)})" for p in codes] + list(
                rule.preferred_settings
            )
            out.append(
                ctx.finding(
                    "payer.site-of-care",
                    f"{ctx.payer.name} steers this infusion away from place of service {pos} "
                    f"({_pos_name(ctx, pos)}): {rule.summary}",
                    "place_of_service",
                    suggestion=(f"preferred: {_join(preferred)}" if preferred else "")
                    + (f"; exceptions: {rule.exceptions}" if rule.exceptions else "")
                    or None,
                    sources=rule.sources,
                )
            )


def _pos_name(ctx: _Context, pos: str) -> str:
    record = ctx.registry.places_of_service.get(pos)
    if record is None or isinstance(record.name, NotAvailable):
        return "name not available"
    return record.name


def _check_medicare(
    ctx: _Context,
    line: ClaimLine,
    code: BillingCode,
    cleaned: tuple[str, ...],
    pos: str | None,
    diagnoses: tuple[str, ...],
    day: dt.date | None,
    out: list[Finding],
) -> None:
    registry = ctx.registry
    modifiers = set(cleaned)
    intravenous = isinstance(code.routes, tuple) and Route.INTRAVENOUS in code.routes
    if code.kind is CodeKind.IMMUNE_GLOBULIN_PRODUCT and intravenous:
        hcpcs = [r.code for r in code.related if r.kind is RelationKind.PRODUCT_SPECIFIC_HCPCS]
        if hcpcs:
            out.append(
                ctx.finding(
                    "medicare.product-under-hcpcs",
                    f"Medicare pays the immune globulin product under its product-specific HCPCS "
                    f"code, not under CPT {code.code}",
                    "code",
                    suggestion=f"bill the product's HCPCS code ({_join(hcpcs)}) in its units",
                    record=code,
                )
            )
    if code.single_dose_container is True:
        jw_rule = RULE_BY_ID["medicare.jw-required"]
        jwjz_rule = RULE_BY_ID["medicare.jw-jz-required"]
        discarded = line.discarded_mg is not None and line.discarded_mg > 0
        if discarded and "JW" not in modifiers and ctx.applies(jw_rule, day):
            out.append(
                ctx.finding(
                    "medicare.jw-required",
                    f"{line.discarded_mg:g} mg was discarded from a single-dose container; "
                    "Medicare wants the discarded amount on its own line with JW",
                    "modifiers",
                    suggestion="add a line for the discarded units with JW",
                )
            )
        elif not {"JW", "JZ"} & modifiers and ctx.applies(jwjz_rule, day):
            out.append(
                ctx.finding(
                    "medicare.jw-jz-required",
                    f"{code.code} comes in single-dose containers; from 2023-07-01 Medicare requires "
                    "JW (amount discarded) or JZ (nothing discarded), and from 2023-10-01 such "
                    "lines may be returned as unprocessable (not for packaged OPPS drugs or "
                    "FQHC/RHC claims)",
                    "modifiers",
                    suggestion="add JZ if nothing was discarded, or JW on a line for the discarded units",
                )
            )
    home_rule = RULE_BY_ID["medicare.home-ivig-place-of-service"]
    if code.code == _HOME_SERVICES and ctx.applies(home_rule, day):
        if pos is not None:
            place = registry.places_of_service.get(pos)
            if place is not None and not place.home_type:
                homes = [p.code for p in registry.places_of_service if p.home_type]
                out.append(
                    ctx.finding(
                        "medicare.home-ivig-place-of-service",
                        f"Q2052 is for IVIG given at home; place of service {pos} is not a home",
                        "place_of_service",
                        suggestion=f"use a home-type place of service ({_join(homes)})",
                    )
                )
        if line.units is not None and line.units != 1:
            out.append(
                ctx.finding(
                    "medicare.home-ivig-units",
                    f"Q2052 is billed as one unit per infusion date, not {line.units}",
                    "units",
                    suggestion="bill 1 unit on each infusion date's line",
                )
            )
    place = registry.places_of_service.get(pos) if pos is not None else None
    is_home_ivig = ctx.is_home_ivig(code)
    home_list = registry.diagnosis_lists.get(_HOME_LIST)
    diag_rule = RULE_BY_ID["medicare.home-ivig-diagnosis"]
    if (
        is_home_ivig
        and place is not None
        and place.home_type
        and home_list is not None
        and ctx.applies(diag_rule, day)
        and ctx.list_codes(home_list).isdisjoint(diagnoses)
    ):
        out.append(
            ctx.finding(
                "medicare.home-ivig-diagnosis",
                "Medicare's home IVIG benefit covers primary immunodeficiency; none of the line's "
                "diagnoses is on its list"
                if diagnoses
                else "Medicare's home IVIG benefit covers primary immunodeficiency; the line has no diagnosis",
                "diagnoses",
                suggestion="give the primary immunodeficiency diagnosis that supports home infusion",
            )
        )
    ncd = registry.diagnosis_lists.get(_NCD_LIST)
    ncd_rule = RULE_BY_ID["medicare.ncd-250.3"]
    if ncd is not None and ctx.applies(ncd_rule, day) and code.kind in _PRODUCT_KINDS:
        ncd_codes = ctx.list_codes(ncd)
        matched = [d for d in diagnoses if d in ncd_codes]
        if matched:
            out.append(
                ctx.finding(
                    "medicare.ncd-250.3",
                    f"{_join(matched)} falls under NCD 250.3 (autoimmune blistering diseases): "
                    "covered when biopsy-proven, when conventional therapy failed, is "
                    "contraindicated or the disease progresses rapidly, and for short-term use",
                    "diagnoses",
                    suggestion="document the biopsy and the conventional therapy tried",
                )
            )


# ---------------------------------------------------------------------- claim rules


def _cleaned_modifiers(line: ClaimLine) -> set[str]:
    """The line's well-formed modifiers, cleaned (malformed ones are findings elsewhere)."""
    return {_codes.validate_modifier(m) for m in line.modifiers if _codes.is_valid_modifier(m)}


def _claim_findings(ctx: _Context, lines: tuple[ClaimLine, ...]) -> list[Finding]:
    out: list[Finding] = []
    registry = ctx.registry
    known = [(i, registry.codes.get(line.code)) for i, line in enumerate(lines)]
    products = [(i, c) for i, c in known if c is not None and c.kind in _PRODUCT_KINDS]
    admins = [(i, c) for i, c in known if c is not None and c.kind is CodeKind.ADMINISTRATION]
    home = [(i, c) for i, c in known if c is not None and c.kind is CodeKind.HOME_INFUSION_SERVICES]
    if products and not admins and not home:
        index, code = products[0]
        out.append(
            ctx.finding(
                "claim.product-without-administration",
                f"{code.code} is a product-only code and the claim has no administration line",
                f"lines[{index}].code",
                suggestion="add the administration code(s) for how the product was given",
                record=code,
            )
        )
    if admins and not products:
        index, code = admins[0]
        out.append(
            ctx.finding(
                "claim.administration-without-product",
                f"{code.code} is an administration code and the claim has no immune globulin "
                "product line",
                f"lines[{index}].code",
                suggestion="add the product line (the HCPCS or CPT product code with its units)",
                record=code,
            )
        )
    if products and admins:
        fitting = {
            r.code for _, p in products for r in p.related if r.kind is RelationKind.ADMINISTRATION
        }
        if fitting:
            for index, admin in admins:
                if admin.code not in fitting:
                    out.append(
                        ctx.finding(
                            "claim.administration-route-mismatch",
                            f"{admin.code} is not among the administration codes listed for "
                            f"{_join(p.code for _, p in products)}",
                            f"lines[{index}].code",
                            suggestion=f"one of {_join(sorted(fitting))}",
                            record=admin,
                        )
                    )
    infusion_days = {
        line.date_of_service
        for (i, c), line in zip(known, lines, strict=True)
        if c is not None and c.kind is CodeKind.ADMINISTRATION
    }
    for index, line in enumerate(lines):
        if (
            line.evaluation_and_management
            and line.date_of_service in infusion_days
            and "25" not in _cleaned_modifiers(line)
        ):
            out.append(
                ctx.finding(
                    "claim.em-without-25",
                    "an E/M service on an infusion day needs modifier 25 to be paid separately, "
                    "with the separate service documented",
                    f"lines[{index}].modifiers",
                    suggestion="add 25 if the E/M was significant and separately identifiable",
                )
            )
    if ctx.payer.id == "medicare" and home:
        places = {lines[i].place_of_service for i, _ in home}
        drug_places = {
            lines[i].place_of_service
            for i, c in products
            if any(r.kind is RelationKind.HOME_INFUSION_SERVICES for r in c.related)
        }
        if drug_places and places and drug_places != places:
            out.append(
                ctx.finding(
                    "medicare.home-ivig-same-place",
                    f"the drug line(s) say place of service {_join(sorted(p or '-' for p in drug_places))} "
                    f"and Q2052 says {_join(sorted(p or '-' for p in places))}",
                    "lines",
                    suggestion="give the drug and Q2052 lines the same home place of service",
                )
            )
    return out


# ---------------------------------------------------------------------- entry points


def _resolve_payer(registry: Registry, payer: object) -> Payer:
    if not isinstance(payer, str):
        raise InvalidInputError(
            payer, "a payer name or alias, e.g. 'Medicare' or 'UHC'", what="payer"
        )
    return registry.payers[payer]


def _with_claim_defaults(claim: Claim, line: ClaimLine) -> ClaimLine:
    changes: dict[str, object] = {}
    if line.date_of_service is None and claim.date_of_service is not None:
        changes["date_of_service"] = claim.date_of_service
    if line.place_of_service is None and claim.place_of_service is not None:
        changes["place_of_service"] = claim.place_of_service
    if not line.diagnoses and claim.diagnoses:
        changes["diagnoses"] = claim.diagnoses
    return attrs.evolve(line, **changes) if changes else line  # type: ignore[arg-type]


def check(
    registry: Registry,
    item: ClaimLine | Claim,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Check one line or claim; see :meth:`passive_ig.Registry.check`."""
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise InvalidInputError(
            as_of, "a datetime.date (not a datetime) or None", what="as_of date"
        )
    if isinstance(item, Claim):
        if (
            payer is not None
            and _resolve_payer(registry, payer).id != _resolve_payer(registry, item.payer).id
        ):
            raise InvalidInputError(
                payer, f"the claim's own payer {item.payer!r} (or no payer argument)", what="payer"
            )
        payer_record = _resolve_payer(registry, item.payer)
        ctx = _context(registry, payer_record)
        lines = tuple(_with_claim_defaults(item, line) for line in item.lines)
        findings: list[Finding] = []
        for index, line in enumerate(lines):
            for finding in _line_findings(ctx, line, as_of):
                findings.append(attrs.evolve(finding, path=f"lines[{index}].{finding.path}"))
        if item.prior_authorization:
            findings = [
                f
                for f in findings
                if not (f.rule == "payer.prior-authorization" and f.severity is Severity.WARNING)
            ]
        findings.extend(_claim_findings(ctx, lines))
    elif isinstance(item, ClaimLine):
        if payer is None:
            raise InvalidInputError(
                payer, "a payer for a single line, e.g. payer='Medicare'", what="payer"
            )
        payer_record = _resolve_payer(registry, payer)
        ctx = _context(registry, payer_record)
        findings = list(_line_findings(ctx, item, as_of))
    else:
        raise InvalidInputError(item, "a ClaimLine or a Claim", what="thing to check")
    return Report(
        payer=payer_record.id,
        findings=tuple(findings),
        data_version=registry.manifest.data_version,
        as_of=as_of,
    )


def _context(registry: Registry, payer: Payer) -> _Context:
    """The registry's check context for ``payer``, made on first use."""
    ctx = registry._contexts.get(payer.id)
    if ctx is None or ctx.payer is not payer:
        ctx = _Context(registry, payer)
        registry._contexts[payer.id] = ctx
    return ctx


_CACHE_LIMIT = 65536

# A line's field values, as one tuple: the memo key of a line in check_many. Equal
# lines have equal tuples (attrs compares the same fields), and building, hashing
# and comparing a tuple runs in C, faster than the line's own generated __hash__
# and __eq__ (which run Python code) together.
_line_values = operator.attrgetter(*(field.name for field in attrs.fields(ClaimLine)))


def check_many(
    registry: Registry,
    items: Iterable[ClaimLine | Claim],
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
) -> Iterator[Report]:
    """Check many lines or claims, one report each, in order; see :meth:`Registry.check_many`."""
    reports: dict[object, Report] = {}  # payer and as_of are the same for every item
    remembered = reports.get
    line_values, line_type = _line_values, ClaimLine
    ctx: _Context | None = None  # the payer's context, once a first line has been checked
    for item in items:
        # a line's values (9 of them) can never equal the 1-tuple of anything else
        is_line = type(item) is line_type
        key = line_values(item) if is_line else (item,)
        try:
            report = remembered(key)
        except TypeError:  # an unhashable item: not a ClaimLine or Claim
            raise InvalidInputError(item, "a ClaimLine or a Claim", what="thing to check") from None
        if report is None:
            if ctx is not None and type(item) is ClaimLine:
                # what check() does for a line, its arguments already checked
                report = Report(
                    payer=ctx.payer.id,
                    findings=_line_findings(ctx, item, as_of),
                    data_version=registry.manifest.data_version,
                    as_of=as_of,
                )
            else:
                report = check(registry, item, payer=payer, as_of=as_of)
                if is_line:
                    ctx = registry._contexts[report.payer]
            if len(reports) >= _CACHE_LIMIT:
                reports.clear()
            reports[key] = report
        yield report
