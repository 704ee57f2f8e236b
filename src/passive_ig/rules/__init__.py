"""Claim checks: the rules, and how a line or claim is checked against them.

Use them through the registry: ``registry.check(line_or_claim, payer=...)`` and
``registry.check_many(items, payer=...)``. A check never raises for a problem in
the claim; it raises only for misuse (an unknown payer, a wrong type, an unknown
rule in ``select``).

Every rule is one decorated function in the module of its family, whose name is
the first part of the rule's id: :mod:`~passive_ig.rules.inputs` (``code.*``,
``modifier.malformed`` ...), :mod:`~passive_ig.rules.modifiers`,
:mod:`~passive_ig.rules.units`, :mod:`~passive_ig.rules.payer_policy`
(``payer.*``, the same for every payer, driven by each payer's policy data),
:mod:`~passive_ig.rules.coverage`, :mod:`~passive_ig.rules.claim` (across the
lines of a claim) and :mod:`~passive_ig.rules.medicare` (the one payer whose rules
need code). The rules are a package, not one module as the project's style guide
first had it: one module hid the families, and a payer with its own logic is one
file here.

:data:`RULES` lists every rule in report order. Each declares its severity, the
records it rests on, where its dates come from and which payers it is limited
to; the engine (:mod:`passive_ig.rules._engine`) applies them.

>>> import datetime as dt
>>> from passive_ig import registry
>>> from passive_ig.claims import ClaimLine
>>> line = ClaimLine(code="90283", modifiers=("51",), date_of_service=dt.date(2024, 5, 2))
>>> report = registry.check(line, payer="Medicare")
>>> report.rules()
('modifier.not-on-code', 'medicare.product-under-hcpcs')
>>> registry.check(line, payer="Medicare", select=["modifier"]).rules()
('modifier.not-on-code',)
>>> RULE_BY_ID["modifier.route-missing"].title
'A code that covers more than one route needs JA or JB'
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from .. import codes as _codes
from ..answers import Report, Severity
from ..claims import Claim, ClaimLine
from ..errors import InvalidInputError

# importing the families declares their rules
from . import claim, coverage, inputs, medicare, modifiers, payer_policy, units
from ._engine import (
    RETIRED,
    Rule,
    RuleFacts,
    RuleKind,
    Selection,
    check_as_of,
    check_item,
    declared,
    engine_for,
    iterate,
    make_selection,
    rule_facts,
)
from .refs import Ref

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = [
    "RETIRED",
    "RULES",
    "RULE_BY_ID",
    "Ref",
    "Rule",
    "RuleFacts",
    "RuleKind",
    "Selection",
    "check",
    "check_many",
    "describe",
]

_REPORT_ORDER = (inputs, modifiers, units, payer_policy, coverage, medicare, claim)

RULES: tuple[Rule, ...] = tuple(
    sorted(
        declared(),
        key=lambda rule: [family.__name__ for family in _REPORT_ORDER].index(
            rule.function.__module__
        ),
    )
)
"""Every rule, in the order its findings appear in a report: by family (inputs,
modifiers, units, payer policy, coverage, Medicare, claim), then as declared."""

RULE_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
"""The rules by id."""


def describe(registry: Registry, rule: Rule | str) -> RuleFacts:
    """What ``rule`` (a :class:`Rule` or its id) is on ``registry``'s data: the payers it
    applies to, the dates it is in force and the sources it rests on.

    >>> from passive_ig import registry
    >>> facts = describe(registry, "medicare.jw-jz-required")
    >>> sorted(facts.payers), facts.start
    (['medicare'], datetime.date(2023, 7, 1))
    >>> describe(registry, "modifier.not-on-code").payers is None   # every payer
    True
    """
    if isinstance(rule, str):
        if rule not in RULE_BY_ID:
            near = _codes.nearest(rule, sorted(RULE_BY_ID))
            raise InvalidInputError(
                rule,
                "a rule id from passive_ig.rules.RULES" + (f", e.g. {near[0]!r}" if near else ""),
                what="rule",
            )
        rule = RULE_BY_ID[rule]
    if not isinstance(rule, Rule):
        raise InvalidInputError(rule, "a Rule or a rule id", what="rule")
    return rule_facts(registry, RULES, rule)


def check(
    registry: Registry,
    item: ClaimLine | Claim,
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> Report:
    """Check one line or claim; see :meth:`passive_ig.Registry.check`."""
    as_of = check_as_of(as_of)
    selection = make_selection(RULES, select, ignore, min_severity, notes)
    return check_item(registry, RULES, item, payer, as_of, selection)


# A line's field values, as one tuple: the memo key of a line in check_many. Equal
# lines have equal tuples, and building, hashing and comparing a tuple runs in C,
# faster than the line's own generated __hash__ and __eq__.
_line_values = operator.attrgetter(*(field.name for field in attrs.fields(ClaimLine)))
_MEMO_LIMIT = 65536
_MEMO_PROBE = 4096
_MEMO_WORTH = 4


def check_many(
    registry: Registry,
    items: Iterable[ClaimLine | Claim],
    *,
    payer: str | None = None,
    as_of: dt.date | None = None,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> Iterator[Report]:
    """Check many lines or claims, one report each, in order; see :meth:`Registry.check_many`."""
    as_of = check_as_of(as_of)
    selection = make_selection(RULES, select, ignore, min_severity, notes)
    iterator = iterate(items)
    return _check_many(registry, iterator, payer, as_of, selection)


def _check_many(
    registry: Registry,
    items: Iterator[object],
    payer: str | None,
    as_of: dt.date | None,
    selection: Selection,
) -> Iterator[Report]:
    reports: dict[object, Report] = {}  # payer, as_of and selection are the same for all
    remembered = reports.get
    line_values, line_type = _line_values, ClaimLine
    engine = plan = None
    # Keep reports only while it pays: a batch whose lines rarely repeat (as real lines
    # are, each with its own patient, dose and day) would only fill memory and slow the
    # collector, so after each _MEMO_PROBE new lines, keeping stops if fewer than one in
    # _MEMO_WORTH lines was found again. A report is the same either way.
    keep, found, made = True, 0, 0
    report: Report | None
    for item in items:
        is_line = type(item) is line_type
        if keep:
            key = line_values(item) if is_line else (item,)
            try:
                report = remembered(key)
            except TypeError:  # an unhashable item: not a ClaimLine or Claim
                raise InvalidInputError(
                    item, "a ClaimLine or a Claim", what="thing to check"
                ) from None
        else:
            report = None
        if report is not None:
            found += 1
        else:
            made += 1
            if is_line:
                if engine is None:
                    if payer is None:
                        raise InvalidInputError(
                            payer, "a payer for a single line, e.g. payer='Medicare'", what="payer"
                        )
                    engine = engine_for(registry, payer, RULES)
                    plan = engine.selected(selection)
                report = engine.check_line(item, selection, as_of, plan)  # type: ignore[arg-type]
            else:
                report = check_item(registry, RULES, item, payer, as_of, selection)
            if keep:
                if len(reports) >= _MEMO_LIMIT:
                    reports.clear()
                reports[key] = report
                if made % _MEMO_PROBE == 0 and found * _MEMO_WORTH < made:
                    keep = False
                    reports.clear()
        yield report
