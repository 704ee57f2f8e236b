"""What you send to a check: a :class:`ClaimLine`, or a :class:`Claim` of lines.

A :class:`ClaimLine` is one line of a claim as billing software holds it; a
:class:`Claim` is the lines for one payer with what is claim-wide. What a check
gives back, the :class:`~passive_ig.answers.Report`, is in :mod:`passive_ig.answers`.

>>> import datetime as dt
>>> line = ClaimLine(code="J1459", modifiers=("JZ",), units=70, dose_mg=35000,
...                  place_of_service="11", date_of_service=dt.date(2024, 3, 1),
...                  diagnoses=("D80.0",))
>>> line.code, line.units
('J1459', 70)
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import attrs

from .errors import InvalidInputError
from .records import Record, _short_reprs

__all__ = ["Claim", "ClaimLine"]


# The input types check what a value *is* when they are built, so that a wrong type
# is refused at once with a clear error, never met later deep inside a check. What a
# value *says* (a malformed code, a modifier that does not fit) is the check's job,
# and becomes a finding.


def _invalid(value: object, expected: str, what: str) -> InvalidInputError:
    return InvalidInputError(value, expected, what=what)


def _strings(value: object, what: str, example: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, (list, tuple)):
        raise _invalid(value, f"a list of {what}s as strings, e.g. [{example!r}]", f"{what} list")
    for item in value:
        if not isinstance(item, str):
            raise _invalid(item, f"a {what} as a string, e.g. {example!r}", what)
    return tuple(value)


def _modifiers(value: object) -> tuple[str, ...]:
    return _strings(value, "modifier", "JW")


def _diagnoses(value: object) -> tuple[str, ...]:
    return _strings(value, "diagnosis", "D80.0")


_LABELS = {
    "code": "code",
    "place_of_service": "place of service",
    "date_of_service": "date of service",
    "dose_mg": "dose in mg",
    "discarded_mg": "discarded amount in mg",
    "evaluation_and_management": "evaluation_and_management flag",
    "payer": "payer",
    "prior_authorization": "prior authorization",
}


def _is(kind: type | tuple[type, ...], expected: str, *, optional: bool = True) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise _invalid(value, expected, _LABELS[attribute.name])
        if not isinstance(value, kind) or isinstance(value, dt.datetime):
            raise _invalid(value, expected, _LABELS[attribute.name])

    return check


def _amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    what = _LABELS[attribute.name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(value, "an amount in mg as a number, 0 or more", what)
    # (the same range as passive_ig.units: past it no real dose lies, and decimal
    # arithmetic would underflow or overflow)
    if not math.isfinite(value) or value < 0 or (value and not 1e-6 <= value < 1e13):
        raise _invalid(value, "an amount in mg, finite and 0 or more", what)


def _units(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(value, "a whole number of units, 0 or more", "unit count")


_DATE = "a datetime.date (not a datetime), e.g. date(2024, 3, 1)"


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class ClaimLine(Record):
    """One service line.

    ``code`` and the other codes are taken as typed and cleaned by the check, so a
    malformed one becomes a finding, not an exception. ``dose_mg`` (the amount
    given) and ``discarded_mg`` (the amount discarded from a single-dose
    container) let the check verify units and the JW/JZ modifiers.
    ``evaluation_and_management`` marks an E/M line, for the modifier 25 rule.

    A value of the wrong type (a number for a code, a string for units, a
    ``datetime`` for a date, a negative or non-finite amount) is refused when the
    line is built, with :class:`~passive_ig.errors.InvalidInputError`.
    """

    code: str = attrs.field(validator=_is(str, "a billing code as a string", optional=False))
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=_modifiers)
    units: int | None = attrs.field(default=None, validator=_units)
    place_of_service: str | None = attrs.field(
        default=None, validator=_is(str, "a place-of-service code as a string, e.g. '11'")
    )
    date_of_service: dt.date | None = attrs.field(default=None, validator=_is(dt.date, _DATE))
    diagnoses: tuple[str, ...] = attrs.field(default=(), converter=_diagnoses)
    dose_mg: float | None = attrs.field(default=None, validator=_amount)
    discarded_mg: float | None = attrs.field(default=None, validator=_amount)
    evaluation_and_management: bool = attrs.field(
        default=False, validator=_is(bool, "true or false", optional=False)
    )


def _tuple_of_lines(value: object) -> tuple[ClaimLine, ...]:
    if not isinstance(value, (list, tuple)):
        raise _invalid(value, "a list of ClaimLine", "claim lines")
    for item in value:
        if not isinstance(item, ClaimLine):
            raise _invalid(item, "a ClaimLine", "claim line")
    return tuple(value)


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Claim(Record):
    """The lines billed to one payer, with the claim-wide defaults.

    A line without its own date of service, place of service or diagnoses takes
    the claim's. ``prior_authorization`` is the authorization number on file, if any.
    """

    payer: str = attrs.field(
        validator=_is(str, "a payer name or alias, e.g. 'Medicare'", optional=False)
    )
    lines: tuple[ClaimLine, ...] = attrs.field(converter=_tuple_of_lines)
    date_of_service: dt.date | None = attrs.field(default=None, validator=_is(dt.date, _DATE))
    place_of_service: str | None = attrs.field(
        default=None, validator=_is(str, "a place-of-service code as a string, e.g. '11'")
    )
    diagnoses: tuple[str, ...] = attrs.field(default=(), converter=_diagnoses)
    prior_authorization: str | None = attrs.field(
        default=None, validator=_is(str, "an authorization number as a string")
    )


# What a check returns now lives in passive_ig.answers; these names stay importable
# from here for one release (0.2), then go.
from .answers import Finding as Finding  # noqa: E402
from .answers import Report as Report  # noqa: E402
from .answers import Severity as Severity  # noqa: E402
