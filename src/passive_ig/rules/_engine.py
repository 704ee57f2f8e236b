"""The engine: how a declared rule is run, scoped, dated and sourced.

A rule is a function decorated with :func:`line_rule` or :func:`claim_rule`. The
declaration says everything the engine needs; the function says only when the
rule fires and what to tell the biller:

* ``severity``: the one severity its findings carry (a case with another severity
  is another rule, with its own id);
* ``rests_on``: the records of the data whose sources back it (typed references,
  see :mod:`passive_ig.rules.refs`);
* ``dates_from``: the record whose effective dates bound the rule;
* ``payers``: a limit the rule declares; the engine also limits every rule to
  the payers the records it rests on name (a rule resting on modifier JA, which
  the data ties to Medicare, applies to Medicare only);
* ``note``: a note about what the data does not know, shown only on request.

The engine applies all of these: no rule body tests a payer or a date, or looks
up a source. A finding cites the sources of the records its rule rests on and,
where the rule names one, of the record it enforces, and nothing else.
"""

from __future__ import annotations

import datetime as dt
import enum
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .. import codes as _codes
from ..answers import Finding, Report, Severity
from ..claims import Claim, ClaimLine
from ..errors import DataError, DataProblem, InvalidInputError
from ..records import (
    BillingCode,
    BillingRule,
    CoverageDetermination,
    DiagnosisList,
    Modifier,
    Payer,
    Source,
)
from ._line import ClaimView, Line, Resolver
from .refs import Ref

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = [
    "Hit",
    "Rule",
    "RuleFacts",
    "RuleKind",
    "Selection",
    "claim_rule",
    "line_rule",
]


class Hit:
    """What a rule function returns when it fires: the message, the field it is
    about (``at``, relative to the line, or to the claim for a claim rule), an
    optional suggestion, the record it enforces (whose own sources the finding
    adds), and for a claim rule the index of the line it is about. A line rule's hit
    with ``claim_field=True`` is about a field of the claim the line takes (the
    claim's diagnoses): ``at`` is then relative to the claim, and the same finding
    from several lines of a claim is reported once."""

    __slots__ = ("at", "claim_field", "line", "message", "record", "suggestion")

    def __init__(
        self,
        message: str,
        at: str,
        *,
        suggestion: str | None = None,
        record: object = None,
        line: int | None = None,
        claim_field: bool = False,
    ) -> None:
        self.message = message
        self.at = at
        self.suggestion = suggestion
        self.record = record
        self.line = line
        self.claim_field = claim_field


Fired = Hit | Sequence[Hit] | None
"""A rule function returns ``None`` when silent, a :class:`Hit`, or several."""


class RuleKind(enum.Enum):
    """What a rule looks at: one line, or the claim's lines together."""

    LINE = "line"
    CLAIM = "claim"


@attrs.frozen(kw_only=True)
class Rule:
    """A declared rule: its stable id and everything the engine applies for it.

    ``payers`` is ``None`` when the rule declares no limit of its own; the payers
    it applies to are then those its data names (see :meth:`applies_to`).
    ``description`` says, in a sentence or two, what makes the rule fire.
    """

    id: str
    title: str
    severity: Severity
    kind: RuleKind
    payers: frozenset[str] | None = None
    rests_on: tuple[Ref, ...] = ()
    dates_from: Ref | None = None
    note: bool = False
    needs_code: bool = True
    needs: frozenset[str] = frozenset()
    with_modifiers: frozenset[str] = frozenset()
    codes: Callable[[BillingCode], bool] | None = attrs.field(
        default=None, repr=False, eq=False, hash=False
    )
    description: str = ""
    function: Callable[[Any], Fired] = attrs.field(repr=False, eq=False, hash=False)


FEATURES = {"modifiers": 1, "place": 2, "diagnoses": 4, "units": 8, "discarded": 16}
"""What a line may give, as bits of :attr:`Line.features <passive_ig.rules._line.Line>`."""

_DECLARED: list[Rule] = []

_F = TypeVar("_F", bound=Callable[..., Fired])


def _declare(
    kind: RuleKind,
    *,
    id: str,
    title: str,
    severity: Severity,
    payers: Iterable[str] | None,
    rests_on: tuple[Ref, ...],
    dates_from: Ref | None,
    note: bool,
    needs_code: bool,
    needs: Iterable[str] = (),
    codes: Callable[[BillingCode], bool] | None = None,
    with_modifiers: Iterable[str] = (),
) -> Callable[[_F], _F]:
    unknown = set(needs) - set(FEATURES)
    if unknown:
        raise ValueError(f"rule {id!r} needs {sorted(unknown)}; a line offers {sorted(FEATURES)}")

    def decorate(function: _F) -> _F:
        if any(rule.id == id for rule in _DECLARED):
            raise ValueError(f"rule id {id!r} is declared twice")
        if dates_from is not None and dates_from not in rests_on:
            raise ValueError(f"rule {id!r}: dates_from must be one of the records it rests on")
        description = " ".join((function.__doc__ or "").split())
        _DECLARED.append(
            Rule(
                id=id,
                title=title,
                severity=severity,
                kind=kind,
                payers=frozenset(payers) if payers is not None else None,
                rests_on=rests_on,
                dates_from=dates_from,
                note=note,
                needs_code=needs_code,
                needs=frozenset(needs),
                with_modifiers=frozenset(with_modifiers),
                codes=codes,
                description=description,
                function=function,
            )
        )
        return function

    return decorate


def line_rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    payers: Iterable[str] | None = None,
    rests_on: tuple[Ref, ...] = (),
    dates_from: Ref | None = None,
    note: bool = False,
    needs_code: bool = True,
    needs: Iterable[str] = (),
    codes: Callable[[BillingCode], bool] | None = None,
    with_modifiers: Iterable[str] = (),
) -> Callable[[_F], _F]:
    """Declare a rule over one line: ``function(line: Line) -> Hit | [Hit, ...] | None``.

    ``needs_code`` (the default) runs it only on lines whose code the data knows;
    ``codes`` limits it further to the codes for which the predicate is true (say,
    single-dose drugs), and ``needs`` to lines that give ``"modifiers"``,
    ``"place"``, ``"diagnoses"``, ``"units"`` or ``"discarded"`` (an amount discarded),
    and ``with_modifiers`` to lines that carry one of those modifiers. The engine works out once per code
    and kind of line which rules can fire, so a rule costs nothing on a line it
    cannot concern.
    """
    return _declare(
        RuleKind.LINE,
        id=id,
        title=title,
        severity=severity,
        payers=payers,
        rests_on=rests_on,
        dates_from=dates_from,
        note=note,
        needs_code=needs_code,
        needs=needs,
        codes=codes,
        with_modifiers=with_modifiers,
    )


def claim_rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    payers: Iterable[str] | None = None,
    rests_on: tuple[Ref, ...] = (),
    dates_from: Ref | None = None,
    note: bool = False,
) -> Callable[[_F], _F]:
    """Declare a rule over a whole claim: ``function(claim: ClaimView) -> Hit | [...] | None``.

    Its hits name the line they are about (``Hit(..., line=index)``); a claim rule
    whose record has dates is bounded by each such line's date.
    """
    return _declare(
        RuleKind.CLAIM,
        id=id,
        title=title,
        severity=severity,
        payers=payers,
        rests_on=rests_on,
        dates_from=dates_from,
        note=note,
        needs_code=False,
    )


def declared() -> tuple[Rule, ...]:
    """Every rule declared so far, in declaration order."""
    return tuple(_DECLARED)


# ---------------------------------------------------------------------- selection


@attrs.frozen(cache_hash=True)
class Selection:
    """Which rules a check runs, as linters select theirs.

    ``select`` and ``ignore`` hold rule ids or family prefixes (``"modifier"``
    selects every ``modifier.*`` rule; ``"ALL"`` selects all). ``min_severity``
    drops findings below it. Notes (what the data does not know) run only when
    ``notes`` is true or when ``select`` names them by id.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_severity: Severity = Severity.INFO
    notes: bool = False

    def chooses(self, rule: Rule) -> bool:
        """Whether this selection runs ``rule``."""
        if rule.severity.rank < self.min_severity.rank:
            return False
        if any(_matches(rule.id, item) for item in self.ignore):
            return False
        if rule.note and not self.notes and rule.id not in self.select:
            return False
        return not self.select or any(_matches(rule.id, item) for item in self.select)


DEFAULT_SELECTION = Selection()


def _matches(rule_id: str, item: str) -> bool:
    return item == "ALL" or rule_id == item or rule_id.startswith(item + ".")


RETIRED: dict[str, str] = {
    "medicare.home-ivig-units": "retired in 0.2: Q2052 is billed in 15-minute increments of "
    "the visit, not one unit per infusion day, so the rule gave wrong answers",
}
"""Rule ids that are no longer used, with why; they are never given to another rule."""


def make_selection(
    rules: Sequence[Rule],
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    min_severity: Severity | str | None,
    notes: bool,
) -> Selection:
    """A :class:`Selection` from what a caller passed, every item checked."""
    if select is None and ignore is None and min_severity is None and notes is False:
        return DEFAULT_SELECTION
    if not isinstance(notes, bool):
        raise InvalidInputError(notes, "True or False", what="notes switch")
    return Selection(
        select=_selectors(rules, select, "select"),
        ignore=_selectors(rules, ignore, "ignore"),
        min_severity=_severity(min_severity),
        notes=notes,
    )


def _selectors(
    rules: Sequence[Rule], items: Iterable[str] | str | None, what: str
) -> tuple[str, ...]:
    if items is None:
        return ()
    if isinstance(items, str):
        items = (items,)
    elif not isinstance(items, (list, tuple, set, frozenset)):
        raise InvalidInputError(
            items, "a rule id or prefix, or a list of them, e.g. ['modifier']", what=what
        )
    choices = {rule.id for rule in rules}
    choices |= {rule.id.partition(".")[0] for rule in rules}
    out = []
    for item in items:
        if not isinstance(item, str):
            raise InvalidInputError(item, "a rule id or prefix as a string", what=what)
        cleaned = item.strip()
        if cleaned != "ALL":
            cleaned = cleaned.lower()
        if cleaned in RETIRED:
            raise InvalidInputError(
                item, f"a rule in use; this one was {RETIRED[cleaned]}", what=f"rule to {what}"
            )
        if cleaned != "ALL" and not any(_matches(rule.id, cleaned) for rule in rules):
            near = _codes.nearest(cleaned, sorted(choices))
            hint = f"; did you mean {_quoted(near)}?" if near else ""
            raise InvalidInputError(
                item,
                f"a rule id or family prefix from passive_ig.rules.RULES{hint}",
                what=f"rule to {what}",
            )
        out.append(cleaned)
    return tuple(out)


def _quoted(items: Sequence[str]) -> str:
    quoted = [repr(item) for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _severity(value: Severity | str | None) -> Severity:
    if value is None:
        return Severity.INFO
    if isinstance(value, Severity):
        return value
    if isinstance(value, str):
        for severity in Severity:
            if severity.value == value.strip().lower():
                return severity
    raise InvalidInputError(
        value, "one of 'error', 'warning', 'info' (or a Severity)", what="minimum severity"
    )


# ---------------------------------------------------------------------- binding


class _Bound:
    """A rule bound to one data set and payer: its sources and dates resolved."""

    __slots__ = (
        "codes",
        "dated",
        "end",
        "function",
        "id",
        "needs",
        "needs_code",
        "rule",
        "severity",
        "sources",
        "start",
        "with_modifiers",
    )

    def __init__(
        self, rule: Rule, sources: tuple[Source, ...], start: dt.date | None, end: dt.date | None
    ) -> None:
        self.rule = rule
        self.id = rule.id
        self.severity = rule.severity
        self.function = rule.function
        self.needs_code = rule.needs_code
        self.needs = sum(FEATURES[need] for need in rule.needs)
        self.codes = rule.codes
        self.with_modifiers = rule.with_modifiers
        self.sources = sources
        self.start = start
        self.end = end
        self.dated = start is not None or end is not None

    def can_fire(
        self, code: BillingCode | None, features: int, modifiers: frozenset[str] = frozenset()
    ) -> bool:
        """Whether the rule can fire on a line of ``code`` that gives ``features`` and
        carries ``modifiers`` (those of them some rule asks for)."""
        if features & self.needs != self.needs:
            return False
        if self.with_modifiers and self.with_modifiers.isdisjoint(modifiers):
            return False
        if code is None:
            return not self.needs_code
        return self.codes is None or self.codes(code)

    def in_force(self, day: dt.date | None) -> bool:
        """Whether the rule applies on ``day`` (every rule applies to an undated line)."""
        if day is None:
            return True
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)


class _Plan:
    """The rules one selection runs for one payer, and for each kind of line (its code,
    and which of modifiers, place, diagnoses and units it gives) the few of them that
    can fire on it, worked out on first sight of that kind."""

    __slots__ = ("_asked", "_by_kind", "claim", "line")

    def __init__(self, chosen: Sequence[_Bound]) -> None:
        self.line = tuple(b for b in chosen if b.rule.kind is RuleKind.LINE)
        self.claim = tuple(b for b in chosen if b.rule.kind is RuleKind.CLAIM)
        # the modifiers some rule asks for: a kind of line is told apart by these only
        self._asked = frozenset().union(*(b.with_modifiers for b in self.line))
        self._by_kind: dict[tuple[object, ...], tuple[_Bound, ...]] = {}

    def for_line(self, line: Line) -> tuple[_Bound, ...]:
        code = line.code
        asked = self._asked & line.modifier_set
        key = (code.code if code is not None else None, line.features, asked)
        found = self._by_kind.get(key)
        if found is None:
            found = tuple(b for b in self.line if b.can_fire(code, line.features, asked))
            self._by_kind[key] = found
        return found


class _Resolved:
    """The records every rule rests on, resolved once for one data set."""

    def __init__(self, registry: Registry, rules: Sequence[Rule]) -> None:
        billing_rules: dict[str, tuple[BillingRule, str]] = {}
        for policy in registry.policies:
            for billing_rule in policy.billing_rules:
                billing_rules[billing_rule.id] = (billing_rule, policy.payer)
        self.records: dict[Ref, object] = {}
        self.scopes: dict[Ref, frozenset[str] | None] = {}
        problems: list[DataProblem] = []
        for rule in rules:
            for ref in rule.rests_on:
                if ref in self.records:
                    continue
                if ref.collection == "billing_rules":
                    found = billing_rules.get(ref.key)
                    record: object = found[0] if found else None
                    scope: frozenset[str] | None = frozenset({found[1]}) if found else None
                else:
                    record = getattr(registry, ref.collection).get(ref.key)
                    scope = scope_of(record)
                if record is None:
                    problems.append(
                        DataProblem(
                            file=_FILES.get(ref.collection, ref.collection),
                            path="$",
                            message=f"rule {rule.id} rests on {ref}, which the data does not hold",
                        )
                    )
                    continue
                self.records[ref] = record
                self.scopes[ref] = scope
        if problems:
            raise DataError(problems, origin="the rules' references")


_FILES = {
    "codes": "codes.json",
    "modifiers": "modifiers.json",
    "billing_rules": "policies.json",
    "coverage": "coverage.json",
    "diagnosis_lists": "diagnosis_lists.json",
}


def scope_of(record: object) -> frozenset[str] | None:
    """The payers a record of the data is limited to, or ``None`` for every payer."""
    if isinstance(record, Modifier):
        return frozenset(record.payers) if record.payers else None
    if isinstance(record, DiagnosisList):
        return frozenset({record.payer}) if record.payer else None
    if isinstance(record, CoverageDetermination):
        return frozenset({"medicare"})  # the collection holds Medicare's documents
    return None


class Engine:
    """The rules of one data set bound to one payer, and what they keep between lines."""

    def __init__(self, registry: Registry, payer: Payer, rules: Sequence[Rule]) -> None:
        self.registry = registry
        self.payer = payer
        self.resolver = Resolver(registry, payer)
        self.data_version = registry.manifest.data_version
        self._sources = registry.sources
        self._selected: dict[Selection, _Plan] = {}
        self._merged: dict[tuple[str, int], tuple[tuple[Source, ...] | None, object]] = {}
        bound: list[_Bound] = []
        for rule in rules:
            facts = rule_facts(registry, rules, rule)
            if facts.applies_to(payer.id):
                bound.append(_Bound(rule, facts.sources, facts.start, facts.end))
        self.rules = tuple(bound)

    def _resolve(self, ids: Iterable[str]) -> tuple[Source, ...]:
        return tuple(source for key in ids if (source := self._sources.get(key)) is not None)

    def selected(self, selection: Selection) -> _Plan:
        """The rules that ``selection`` runs for this payer."""
        found = self._selected.get(selection)
        if found is None:
            found = _Plan([b for b in self.rules if selection.chooses(b.rule)])
            self._selected[selection] = found
        return found

    def sources_for(self, bound: _Bound, record: object) -> tuple[Source, ...] | None:
        """The sources of a finding of ``bound`` that enforces ``record``; ``None`` when the
        record is limited to other payers (the finding is then not this payer's)."""
        if record is None:
            return bound.sources
        key = (bound.id, id(record))
        found = self._merged.get(key)
        if found is None:
            scope = scope_of(record)
            if scope is not None and self.payer.id not in scope:
                merged: tuple[Source, ...] | None = None
            else:
                own = self._resolve(getattr(record, "sources", ()))
                by_id = {id(source): source for source in (*bound.sources, *own)}
                merged = tuple(by_id.values())
            # the record is kept with its sources, so that its id() stays its own
            found = (merged, record)
            self._merged[key] = found
        return found[0]

    # ------------------------------------------------------------------ running

    def line_findings(
        self, line: Line, plan: _Plan, prefix: str = "", index: int | None = None
    ) -> list[Finding]:
        out: list[Finding] = []
        day = line.day
        line_id = line.raw.line_id
        for bound in plan.for_line(line):
            if bound.dated and not bound.in_force(day):
                continue
            fired = bound.function(line)
            if fired is None:
                continue
            for hit in (fired,) if type(fired) is Hit else fired:  # type: ignore[union-attr]
                path = hit.at if hit.claim_field and prefix else prefix + hit.at
                finding = self._finding(bound, hit, path, index, line_id)
                if finding is not None:
                    out.append(finding)
        return out

    def claim_findings(self, claim: ClaimView, plan: _Plan) -> list[Finding]:
        out: list[Finding] = []
        for bound in plan.claim:
            fired = bound.function(claim)
            if fired is None:
                continue
            for hit in (fired,) if type(fired) is Hit else fired:  # type: ignore[union-attr]
                line_id = None
                if hit.line is not None:
                    line = claim.lines[hit.line]
                    if not bound.in_force(line.day):
                        continue
                    path = f"lines[{hit.line}].{hit.at}"
                    line_id = line.raw.line_id
                else:
                    path = hit.at
                finding = self._finding(bound, hit, path, hit.line, line_id)
                if finding is not None:
                    out.append(finding)
        return out

    def _finding(
        self, bound: _Bound, hit: Hit, path: str, index: int | None, line_id: str | None
    ) -> Finding | None:
        sources = self.sources_for(bound, hit.record)
        if sources is None:
            return None
        return Finding(
            rule=bound.id,
            severity=bound.severity,
            message=hit.message,
            path=path,
            suggestion=hit.suggestion,
            sources=sources,
            line=index,
            line_id=line_id,
        )

    def check_line(
        self,
        item: ClaimLine,
        selection: Selection,
        as_of: dt.date | None,
        plan: _Plan | None = None,
    ) -> Report:
        line = self.resolver.line(item, as_of=as_of)
        return Report(
            payer=self.payer.id,
            findings=tuple(self.line_findings(line, plan or self.selected(selection))),
            data_version=self.data_version,
            as_of=as_of,
        )

    def check_claim(self, item: Claim, selection: Selection, as_of: dt.date | None) -> Report:
        plan = self.selected(selection)
        claim = ClaimView(self.resolver, item, as_of=as_of)
        findings: list[Finding] = []
        seen: set[tuple[str, str, str]] = set()
        for index, line in enumerate(claim.lines):
            for finding in self.line_findings(line, plan, f"lines[{index}].", index):
                if not finding.path.startswith("lines["):  # about a field of the claim
                    key = (finding.rule, finding.path, finding.message)
                    if key in seen:
                        continue  # said once, for the first line that takes it
                    seen.add(key)
                findings.append(finding)
        findings.extend(self.claim_findings(claim, plan))
        return Report(
            payer=self.payer.id,
            findings=tuple(findings),
            data_version=self.data_version,
            as_of=as_of,
            claim_id=getattr(item, "claim_id", None),
        )


# ---------------------------------------------------------------------- what a rule is, on a data set


@attrs.frozen(kw_only=True)
class RuleFacts:
    """What a rule is on one data set: the payers it applies to (``None`` for every
    payer), the dates it is in force (``None`` for a bound the data does not give),
    and the sources of the records it rests on."""

    rule: Rule
    payers: frozenset[str] | None
    start: dt.date | None
    end: dt.date | None
    sources: tuple[Source, ...]

    def applies_to(self, payer_id: str) -> bool:
        """Whether the rule runs for the payer with id ``payer_id``."""
        return self.payers is None or payer_id in self.payers


def rule_facts(registry: Registry, rules: Sequence[Rule], rule: Rule) -> RuleFacts:
    """:class:`RuleFacts` of ``rule`` on ``registry``'s data."""
    resolved = _resolved(registry, rules)
    scope = rule.payers
    for ref in rule.rests_on:
        data_scope = resolved.scopes[ref]
        if data_scope is not None:
            scope = data_scope if scope is None else scope & data_scope
    ids: dict[str, None] = {}
    for ref in rule.rests_on:
        ids.update(dict.fromkeys(resolved.records[ref].sources))  # type: ignore[attr-defined]
    start = end = None
    if rule.dates_from is not None:
        effective = resolved.records[rule.dates_from].effective  # type: ignore[attr-defined]
        start = effective.start if isinstance(effective.start, dt.date) else None
        end = effective.end if isinstance(effective.end, dt.date) else None
    sources = tuple(s for key in ids if (s := registry.sources.get(key)) is not None)
    return RuleFacts(rule=rule, payers=scope, start=start, end=end, sources=sources)


def _resolved(registry: Registry, rules: Sequence[Rule]) -> _Resolved:
    resolved = _RESOLVED.get(registry)
    if resolved is None:
        resolved = _RESOLVED.setdefault(registry, _Resolved(registry, rules))
    return resolved


# ---------------------------------------------------------------------- entry points

_RESOLVED: weakref.WeakKeyDictionary[Registry, _Resolved] = weakref.WeakKeyDictionary()


def engine_for(registry: Registry, payer: object, rules: Sequence[Rule]) -> Engine:
    """The engine of ``registry`` for ``payer`` (a name or alias), made on first use."""
    if not isinstance(payer, str):
        raise InvalidInputError(
            payer, "a payer name or alias, e.g. 'Medicare' or 'UHC'", what="payer"
        )
    engines: dict[str, Engine] = registry._engines
    engine = engines.get(payer)  # by the name as given: the usual case, one dict lookup
    if engine is None:
        record = registry.payers[payer]
        engine = engines.get(record.id)
        if engine is None or engine.payer is not record:
            engine = Engine(registry, record, rules)
            engines[record.id] = engine
        if len(payer) <= 64 and len(engines) < 1024:
            engines[payer] = engine
    return engine


def check_item(
    registry: Registry,
    rules: Sequence[Rule],
    item: object,
    payer: str | None,
    as_of: dt.date | None,
    selection: Selection,
) -> Report:
    if isinstance(item, Claim):
        engine = engine_for(registry, item.payer, rules)
        if payer is not None and engine_for(registry, payer, rules).payer is not engine.payer:
            raise InvalidInputError(
                payer, f"the claim's own payer {item.payer!r} (or no payer argument)", what="payer"
            )
        return engine.check_claim(item, selection, as_of)
    if isinstance(item, ClaimLine):
        if payer is None:
            raise InvalidInputError(
                payer, "a payer for a single line, e.g. payer='Medicare'", what="payer"
            )
        return engine_for(registry, payer, rules).check_line(item, selection, as_of)
    raise InvalidInputError(item, "a ClaimLine or a Claim", what="thing to check")


def check_as_of(as_of: object) -> dt.date | None:
    """``as_of`` checked: a date (not a datetime) or None."""
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise InvalidInputError(
            as_of, "a datetime.date (not a datetime) or None", what="as_of date"
        )
    return as_of


def iterate(items: object) -> Iterator[object]:
    """``iter(items)``, or a clear error naming what was passed."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        raise InvalidInputError(
            items, "an iterable of ClaimLine or Claim objects", what="batch to check"
        )
    return iter(items)  # type: ignore[call-overload,unused-ignore]
