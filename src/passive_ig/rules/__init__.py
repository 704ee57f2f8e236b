"""Claim checks: the rules, and how a line or claim is checked against them.

Use them through the registry: ``registry.check(line_or_claim, payer=...)`` and
``registry.check_many(items, payer=...)``. A check never raises for a problem in
the claim; it raises only for misuse (an unknown payer, a wrong type, an unknown
rule in ``select``). In a batch, an item that cannot be checked (a claim for an
unknown payer, a line with no payer, something that is not a line or claim)
yields an :class:`~passive_ig.answers.Unchecked` saying why, and the batch goes on.

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
from ..answers import Report, Severity, Unchecked
from ..claims import Claim, ClaimLine
from ..errors import DataError, InvalidInputError, PassiveIGError

# importing the families declares their rules
from . import claim, coverage, inputs, medicare, modifiers, payer_policy, units
from ._engine import (
    RETIRED,
    Engine,
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
    "UNREAD_LINE_FIELDS",
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


UNREAD_LINE_FIELDS = frozenset(
    {"ndc", "ndc_quantity", "ndc_unit", "revenue_code", "service_end", "diagnosis_pointers"}
)
"""The fields of a :class:`~passive_ig.claims.ClaimLine` that no rule reads when the
line is checked alone (pointers matter only inside a claim): two lines that differ
only in them get the same report. A rule that comes to read one takes it out of
this set; a test changes these fields and holds the reports equal."""

# A line's field values that a report depends on, as one tuple: the memo key of a
# line in check_many. Building, hashing and comparing a tuple runs in C, faster than
# the line's own generated __hash__ and __eq__, and the fields no rule reads are left
# out (each costs every line of a batch).
_line_values = operator.attrgetter(
    *(field.name for field in attrs.fields(ClaimLine) if field.name not in UNREAD_LINE_FIELDS)
)
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
) -> Iterator[Report | Unchecked]:
    """Check many lines or claims, one result each, in order; see :meth:`Registry.check_many`.

    The arguments are checked at once (an unknown ``payer`` argument or rule raises
    here, before any item); an item that cannot be checked yields an
    :class:`~passive_ig.answers.Unchecked` and the batch goes on.
    """
    as_of = check_as_of(as_of)
    selection = make_selection(RULES, select, ignore, min_severity, notes)
    iterator = iterate(items)
    engine = None
    if payer is not None:
        engine = engine_for(registry, payer, RULES)  # misuse of the call: raises now
    return _check_many(registry, iterator, payer, engine, as_of, selection)


def _ids(item: object) -> tuple[str | None, str | None]:
    """The claim id and line id of an item, where it has them (as text)."""
    claim_id = getattr(item, "claim_id", None)
    line_id = getattr(item, "line_id", None)
    return (
        claim_id if isinstance(claim_id, str) else None,
        line_id if isinstance(line_id, str) else None,
    )


def _unchecked(index: int, item: object, error: PassiveIGError) -> Unchecked:
    claim_id, line_id = _ids(item)
    return Unchecked(
        index=index,
        claim_id=claim_id,
        line_id=line_id,
        reason=str(error),
        error=type(error).__name__,
    )


def _check_many(
    registry: Registry,
    items: Iterator[object],
    payer: str | None,
    engine: Engine | None,
    as_of: dt.date | None,
    selection: Selection,
) -> Iterator[Report | Unchecked]:
    # payer, as_of and selection are the same for all: a line's report depends on the
    # line alone, and a claim without an id on the claim (a claim with an id is one
    # of a kind, and is not kept)
    reports: dict[object, Report] = {}
    remembered = reports.get
    line_values, line_type, claim_type = _line_values, ClaimLine, Claim
    plan = engine.selected(selection) if engine is not None else None
    # Keep reports only while it pays: a batch whose lines rarely repeat (as real lines
    # are, each with its own patient, dose and day) would only fill memory and slow the
    # collector, so after each _MEMO_PROBE new items, keeping stops if fewer than one in
    # _MEMO_WORTH items was found again. A report is the same either way.
    keep, made = True, 0  # made: the items checked in full; the others were found again
    for index, item in enumerate(items):
        kind = type(item)
        if kind is line_type and keep:  # the usual case, first: a line seen before
            key: object = line_values(item)
        elif keep and kind is claim_type and item.claim_id is None:  # type: ignore[attr-defined]
            key = (item,)
        else:
            key = None
        if key is not None:
            report = remembered(key)
            if report is not None:
                yield report
                continue
        # a new item: checked in full
        made += 1
        try:
            if kind is line_type:
                if engine is None or plan is None:
                    raise InvalidInputError(
                        payer, "a payer for a single line, e.g. payer='Medicare'", what="payer"
                    )
                report = engine.check_line(item, selection, as_of, plan)  # type: ignore[arg-type]
            else:
                report = check_item(registry, RULES, item, payer, as_of, selection)
        except DataError:
            raise  # the data set is broken: no item can be checked
        except PassiveIGError as exc:
            yield _unchecked(index, item, exc)
            continue
        if key is not None:
            if len(reports) >= _MEMO_LIMIT:
                reports.clear()
            reports[key] = report
            if made % _MEMO_PROBE == 0 and (index + 1 - made) * _MEMO_WORTH < made:
                keep = False
                reports.clear()
        yield report
