"""Input rules: is each value of the line well formed, known, and valid on its date?

Lines whose code the data does not hold (a code that is not immune globulin, or
not related to it) are outside what passive_ig can check: they get at most one
info saying so, and a claim of such lines alone is clean.
"""

from __future__ import annotations

import datetime as dt

from ..answers import Severity
from ..records import NotAvailable, RelationKind
from ._engine import Fired, Hit, line_rule
from ._line import ICD10_START, Line
from ._text import join, period
from .refs import modifier


@line_rule(
    id="date-of-service.missing",
    title="No date of service",
    severity=Severity.WARNING,
)
def date_of_service_missing(line: Line) -> Fired:
    """The line (and its claim) gives no date of service and no ``as_of`` was passed, so
    every rule was applied regardless of its dates."""
    if line.day is not None:
        return None
    return Hit(
        "the line has no date of service, so every rule was applied regardless of its dates",
        "date_of_service",
        suggestion="give the date of service, or pass as_of=",
    )


@line_rule(
    id="code.malformed",
    title="The code is not a well-formed CPT or HCPCS code",
    severity=Severity.ERROR,
    needs_code=False,
)
def code_malformed(line: Line) -> Fired:
    """The code is not five characters of a CPT or HCPCS code (after cleaning spaces,
    dashes and a ``CPT``/``HCPCS`` prefix)."""
    if line.code_error is None:
        return None
    return Hit(str(line.code_error), "code")


@line_rule(
    id="code.unknown",
    title="The code is not in passive_ig's data, so the line was not checked",
    severity=Severity.INFO,
    needs_code=False,
)
def code_unknown(line: Line) -> Fired:
    """A well-formed code the data does not hold, on a line checked alone or on a claim
    that also bills a code the data holds. Lines marked as E/M are expected to be
    unknown and get nothing."""
    if line.code is not None or line.code_text is None or line.evaluation_and_management:
        return None
    if line.claim is not None and not line.claim.has_known_code:
        return None  # a claim of codes passive_ig does not cover: nothing to say
    # a suggestion only for a likely slip of the keyboard (one character changed, or
    # two neighbours swapped): an unrelated code is not "near" an immune globulin one
    suggestions = [
        near
        for near in line.resolver.nearest_codes(line.code_text)
        if _one_slip(line.code_text, near)
    ]
    return Hit(
        f"{line.code_text!r} is not an immune globulin code in passive_ig's data, "
        "so the line was not checked",
        "code",
        suggestion=f"if you meant an immune globulin code: {join(suggestions)}?"
        if suggestions
        else None,
    )


def _one_slip(typed: str, known: str) -> bool:
    """Whether ``typed`` is ``known`` with one character changed or two neighbours swapped."""
    if len(typed) != len(known):
        return False
    differ = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
    if len(differ) == 1:
        return True
    first, *rest = differ or [0]
    return (
        len(differ) == 2
        and rest == [first + 1]
        and typed[first] == known[first + 1]
        and typed[first + 1] == known[first]
    )


@line_rule(
    id="code.not-effective",
    title="The code is not valid on the date of service",
    severity=Severity.ERROR,
    codes=lambda code: (
        isinstance(code.effective.start, dt.date) or isinstance(code.effective.end, dt.date)
    ),
)
def code_not_effective(line: Line) -> Fired:
    """The date of service falls outside the code's effective dates in the data (a
    deleted code suggests its replacement)."""
    code = line.code
    if code is None or line.day is None or code.effective.covers(line.day):
        return None
    replacements = [r.code for r in code.related if r.kind is RelationKind.REPLACED_BY]
    return Hit(
        f"{code.code} is valid {period(code.effective)}, not on {line.day}",
        "code",
        suggestion=f"bill {join(replacements)} instead" if replacements else None,
        record=code,
    )


@line_rule(
    id="code.status-not-available",
    title="Whether the code can still be billed is not known",
    severity=Severity.INFO,
    note=True,
    codes=lambda code: isinstance(code.status, NotAvailable),
)
def code_status_not_available(line: Line) -> Fired:
    """The data marks the code's status (active or deleted) as not available."""
    code = line.code
    if code is None or not isinstance(code.status, NotAvailable):
        return None
    return Hit(
        f"whether {code.code} can still be billed is not available: {code.status.reason}",
        "code",
    )


@line_rule(
    id="modifier.malformed",
    title="A modifier is not two letters or digits",
    severity=Severity.ERROR,
    needs_code=False,
    needs=("modifiers",),
)
def modifier_malformed(line: Line) -> Fired:
    """A modifier is not two letters or digits (after cleaning a leading dash or ``mod``),
    on a line whose code the data holds or is malformed itself."""
    if not line.modifier_errors or line.outside:
        return None
    return [Hit(str(error), f"modifiers[{index}]") for index, error in line.modifier_errors]


@line_rule(
    id="modifier.unknown",
    title="A modifier is not in passive_ig's data, so it was not checked",
    severity=Severity.INFO,
    needs=("modifiers",),
)
def modifier_unknown(line: Line) -> Fired:
    """A well-formed modifier the data does not hold (the data holds the modifiers that
    bear on immune globulin claims; others are not checked)."""
    hits = []
    for index, value, record in line.modifier_records:
        if record is None:
            suggestions = line.resolver.nearest_modifiers(value)
            hits.append(
                Hit(
                    f"modifier {value!r} is not in passive_ig's data, so it was not checked",
                    f"modifiers[{index}]",
                    suggestion=f"if you meant one passive_ig knows: {join(suggestions)}?"
                    if suggestions
                    else None,
                )
            )
    return hits or None


@line_rule(
    id="modifier.placeholder",
    title="The placeholder 00 is not a modifier",
    severity=Severity.ERROR,
    rests_on=(modifier("00"),),
    needs=("modifiers",),
)
def modifier_placeholder(line: Line) -> Fired:
    """A modifier the data marks as a placeholder meaning "no modifier" (00) is sent."""
    hits = [
        Hit(
            f"{value!r} is a placeholder meaning 'no modifier', not a modifier to send",
            f"modifiers[{index}]",
            suggestion="leave the modifier out",
        )
        for index, value, record in line.modifier_records
        if record is not None and record.placeholder
    ]
    return hits or None


@line_rule(
    id="modifier.not-effective",
    title="A modifier is not valid on the date of service",
    severity=Severity.ERROR,
    needs=("modifiers",),
)
def modifier_not_effective(line: Line) -> Fired:
    """The date of service falls outside a modifier's effective dates in the data."""
    day = line.day
    if day is None:
        return None
    hits = [
        Hit(
            f"modifier {value} is valid {period(record.effective)}, not on {day}",
            f"modifiers[{index}]",
            record=record,
        )
        for index, value, record in line.modifier_records
        if record is not None and not record.placeholder and not record.effective.covers(day)
    ]
    return hits or None


@line_rule(
    id="place-of-service.malformed",
    title="The place of service is not two digits",
    severity=Severity.ERROR,
    needs_code=False,
    needs=("place",),
)
def place_of_service_malformed(line: Line) -> Fired:
    """The place of service is not a two-digit code."""
    if line.place_error is None or line.outside:
        return None
    return Hit(str(line.place_error), "place_of_service")


@line_rule(
    id="place-of-service.unknown",
    title="The place of service is not in passive_ig's data",
    severity=Severity.INFO,
    needs=("place",),
)
def place_of_service_unknown(line: Line) -> Fired:
    """A well-formed place of service the data does not hold, so site rules could not
    use it."""
    if line.place_of_service is None or line.place is not None:
        return None
    return Hit(
        f"place of service {line.place_of_service} is not in passive_ig's data; "
        "site rules could not use it",
        "place_of_service",
    )


@line_rule(
    id="diagnosis.malformed",
    title="A diagnosis is not a well-formed code of the code set in force",
    severity=Severity.ERROR,
    needs_code=False,
    needs=("diagnoses",),
)
def diagnosis_malformed(line: Line) -> Fired:
    """A diagnosis is in the form of no diagnosis code: not of an ICD-10-CM code on a
    line dated from 2015-10-01, not of an ICD-9-CM code on a line dated before, and of
    neither on an undated line; a code of the other set is ``diagnosis.wrong-code-set``."""
    if not line.diagnosis_errors or line.outside:
        return None
    hits = []
    for index, error in line.diagnosis_errors:
        at, of_claim = line.diagnosis_at(index)
        hits.append(Hit(str(error), at, claim_field=of_claim))
    return hits


@line_rule(
    id="diagnosis.wrong-code-set",
    title="A diagnosis is of the code set not in force on the date of service",
    severity=Severity.ERROR,
    needs_code=False,
    needs=("diagnoses",),
)
def diagnosis_wrong_code_set(line: Line) -> Fired:
    """A diagnosis is an ICD-10-CM code on a line dated before 2015-10-01, when claims
    carried ICD-9-CM, or an ICD-9-CM code on a line dated from then on."""
    if not line.diagnosis_wrong_set or line.outside:
        return None
    day = line.day
    assert day is not None  # an undated line takes either set
    hits = []
    for index, code, code_set in line.diagnosis_wrong_set:
        at, of_claim = line.diagnosis_at(index)
        hits.append(
            Hit(
                f"{code} is an {code_set} code; a line dated {day} carries {line.code_set} "
                f"diagnoses (ICD-10-CM from {ICD10_START}, ICD-9-CM before)",
                at,
                suggestion=f"give the {line.code_set} code for the diagnosis, "
                "or check the date of service",
                claim_field=of_claim,
            )
        )
    return hits
