"""Modifier rules: does each modifier fit the code, the other modifiers and the line?

Each distinct modifier is checked once (at its first position), and each pair of
distinct modifiers at most once, so the work and the findings grow with the
line's size, never with its square.
"""

from __future__ import annotations

from ..answers import Severity
from ..records import Modifier
from ._engine import Fired, Hit, line_rule, scope_of
from ._line import Line
from ._text import join
from .refs import billing_rule, modifier


@line_rule(
    id="modifier.not-on-code",
    title="A modifier must not be reported on this code",
    severity=Severity.ERROR,
    needs=("modifiers",),
)
def not_on_code(line: Line) -> Fired:
    """A modifier's record in the data names code ranges it is never reported with, and
    the line's code falls in one (51 on the immune globulin product codes)."""
    code = line.code
    assert code is not None
    hits = []
    for index, value, record in line.modifier_records:
        if (
            record is not None
            and record.not_on
            and line.resolver.in_ranges(code.code, record.not_on)
        ):
            spans = join(str(span) for span in record.not_on)
            hits.append(
                Hit(
                    f"modifier {value} is not reported with {code.code} (codes {spans})",
                    f"modifiers[{index}]",
                    suggestion=f"remove modifier {value}",
                    record=record,
                )
            )
    return hits or None


@line_rule(
    id="modifier.not-for-code",
    title="A modifier is meant for other codes",
    severity=Severity.WARNING,
    needs=("modifiers",),
)
def not_for_code(line: Line) -> Fired:
    """A modifier's record lists the codes it is meant for, and the line's code is not
    among them (JW or JZ on a code that is not a single-dose drug)."""
    code = line.code
    assert code is not None
    hits = []
    for index, value, record in line.modifier_records:
        if record is None:
            continue
        applies = record.applies_to
        if (
            isinstance(applies, tuple)
            and applies
            and not line.resolver.in_ranges(code.code, applies)
        ):
            hits.append(
                Hit(
                    f"modifier {value} is meant for {join(str(s) for s in applies)}, "
                    f"not {code.code}",
                    f"modifiers[{index}]",
                    record=record,
                )
            )
    return hits or None


@line_rule(
    id="modifier.not-together",
    title="Two modifiers must not be reported together",
    severity=Severity.ERROR,
    needs=("modifiers",),
)
def not_together(line: Line) -> Fired:
    """Two distinct modifiers on the line are ones the data says never go on the same
    line (JW with JZ, JA with JB). Each pair is reported once."""
    present = line.modifier_set
    records = {value: record for _, value, record in line.modifier_records if record is not None}
    pairs: dict[frozenset[str], list[tuple[str, str, Modifier]]] = {}
    for first, record in records.items():
        for second in record.not_with:
            if second in present and second != first:
                pairs.setdefault(frozenset((first, second)), []).append((first, second, record))
    hits = []
    for sides in pairs.values():
        # the record that says so for every payer, where one does (the engine keeps
        # a record limited to some payers to those payers)
        first, second, record = min(sides, key=lambda side: scope_of(side[2]) is not None)
        other = records.get(second)
        hits.append(
            Hit(
                f"modifiers {first} and {second} must not be reported on the same line",
                "modifiers",
                suggestion=f"keep the one that fits: {first} ({record.name}) or "
                f"{second} ({other.name if other else second})",
                record=record,
            )
        )
    return hits or None


@line_rule(
    id="modifier.route-missing",
    title="A code that covers more than one route needs JA or JB",
    severity=Severity.ERROR,
    rests_on=(modifier("JA"), modifier("JB"), billing_rule("medicare.ja-jb-multi-route")),
    dates_from=billing_rule("medicare.ja-jb-multi-route"),
    codes=lambda code: code.is_multi_route,
)
def route_missing(line: Line) -> Fired:
    """A code that covers more than one route and that the JA/JB records list (J1561,
    J1569) is billed without JA (intravenous) or JB (subcutaneous)."""
    code = line.code
    assert code is not None
    if not code.is_multi_route or line.modifier_set & {"JA", "JB"}:
        return None
    if not line.resolver.route_modifier_codes(code):
        return None
    routes = join(r.value for r in code.routes) if isinstance(code.routes, tuple) else ""
    return Hit(
        f"{code.code} covers more than one route ({routes}); the line must say which",
        "modifiers",
        suggestion="add JA for intravenous or JB for subcutaneous",
        record=code,
    )


@line_rule(
    id="modifier.jw-amount",
    title="JW needs the discarded amount documented",
    severity=Severity.WARNING,
    rests_on=(modifier("JW"),),
    needs=("modifiers",),
    with_modifiers=("JW",),
)
def jw_amount(line: Line) -> Fired:
    """A line with JW gives no discarded amount (``discarded_mg``)."""
    if "JW" not in line.modifier_set or line.discarded_mg is not None:
        return None
    return Hit(
        "JW reports a discarded amount; the record must document how much was discarded",
        "discarded_mg",
        suggestion="record the discarded amount (discarded_mg) and bill it in units",
    )


@line_rule(
    id="modifier.jw-nothing-discarded",
    title="JW on a line whose discarded amount is zero",
    severity=Severity.ERROR,
    rests_on=(modifier("JW"),),
    needs=("modifiers",),
    with_modifiers=("JW",),
)
def jw_nothing_discarded(line: Line) -> Fired:
    """A line with JW says that nothing (0 mg) was discarded."""
    if "JW" not in line.modifier_set or line.discarded_mg is None or line.discarded_mg > 0:
        return None
    return Hit(
        "JW is on the line but the discarded amount is zero",
        "discarded_mg",
        suggestion="use JZ when nothing was discarded",
    )


@line_rule(
    id="modifier.jz-with-discard",
    title="JZ says nothing was discarded",
    severity=Severity.ERROR,
    rests_on=(modifier("JZ"),),
    needs=("modifiers", "discarded"),
    with_modifiers=("JZ",),
)
def jz_with_discard(line: Line) -> Fired:
    """A line with JZ (nothing discarded) gives a discarded amount above zero."""
    if "JZ" not in line.modifier_set or not line.discarded:
        return None
    return Hit(
        f"JZ attests that nothing was discarded, but {line.discarded_mg:g} mg was",
        "modifiers",
        suggestion="report the discarded amount on a separate line with JW",
    )


@line_rule(
    id="modifier.25-not-on-em",
    title="Modifier 25 belongs on the E/M line",
    severity=Severity.WARNING,
    rests_on=(modifier("25"),),
    needs=("modifiers",),
    with_modifiers=("25",),
)
def modifier_25_not_on_em(line: Line) -> Fired:
    """Modifier 25 is on a line that is not marked as an E/M service."""
    if "25" not in line.modifier_set or line.evaluation_and_management:
        return None
    code = line.code
    assert code is not None
    return Hit(
        f"modifier 25 marks a separately identifiable E/M service; it does not go on {code.code}",
        "modifiers",
        suggestion="put 25 on the E/M line of the same day",
    )
