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
import decimal
import math
import numbers
import operator
from typing import Any

import attrs

from .codes import nearest, validate_bill_type, validate_ndc, validate_revenue_code
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
    "line_id": "line id",
    "claim_id": "claim id",
    "patient_id": "patient id",
    "service_end": "end of the service period",
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


class _Huge:
    """Stands for an int too long to print (``repr`` of an int past 4,300 digits raises)."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __repr__(self) -> str:
        return f"<an integer of {self.bits} bits>"

    def __reduce__(self) -> tuple[object, ...]:
        return (_Huge, (self.bits,))


def _shown(value: object) -> object:
    """``value``, or a stand-in for an int whose repr would raise."""
    if isinstance(value, int) and value.bit_length() > 10_000:
        return _Huge(value.bit_length())
    return value


def _amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    what = _LABELS[attribute.name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(_shown(value), "an amount in mg as a number, 0 or more", what)
    # (the same range as passive_ig.units: past it no real dose lies, and decimal
    # arithmetic would underflow or overflow; an int past 2**1024 has no float)
    if (
        (isinstance(value, int) and abs(value) >= 2**1024)
        or not math.isfinite(value)
        or value < 0
        or (value and not 1e-6 <= value < 1e13)
    ):
        raise _invalid(_shown(value), "an amount in mg, finite and 0 or more", what)


UNITS_LIMIT = 10**9
"""The most units a line may carry; past it no real claim lies."""

_UNITS = (
    "a number of units, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 70"
)


def _number(value: object, expected: str, what: str) -> int | decimal.Decimal | None:
    """A count as an int when it is whole (X12's ``1.00`` is 1), else a Decimal."""
    if value is None:
        return None
    if not isinstance(value, (bool, int, float, decimal.Decimal)) and isinstance(
        value, numbers.Integral
    ):
        value = operator.index(value)  # a numpy or other integer type: its int value
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        raise _invalid(_shown(value), expected, what)
    if isinstance(value, int):
        if not 0 <= value <= UNITS_LIMIT:
            raise _invalid(_shown(value), expected, what)
        return value
    if isinstance(value, float):
        if not (math.isfinite(value) and 0 <= value <= UNITS_LIMIT):
            raise _invalid(value, expected, what)
        # the float as written: 0.1, not 0.1000000000000000055511151231257827
        number = decimal.Decimal(repr(value))
    else:
        number = value
    if not number.is_finite() or not 0 <= number <= UNITS_LIMIT:
        raise _invalid(value, expected, what)
    whole = number.to_integral_value()
    return int(whole) if number == whole else number


def _units(value: int | float | decimal.Decimal | None) -> int | decimal.Decimal | None:
    return _number(value, _UNITS, "unit count")


def _ndc_quantity(value: int | float | decimal.Decimal | None) -> int | decimal.Decimal | None:
    return _number(
        value,
        "a drug quantity, 0 to 1,000,000,000: an int, a decimal.Decimal or a finite float, e.g. 10",
        "NDC quantity",
    )


def _ndc(value: str | None) -> str | None:
    return None if value is None else validate_ndc(value)


def _revenue_code(value: str | None) -> str | None:
    return None if value is None else validate_revenue_code(value)


def _bill_type(value: str | None) -> str | None:
    return None if value is None else validate_bill_type(value)


NDC_UNITS = ("UN", "ML", "GR", "F2", "ME")
"""The NDC units of measure X12 (CTP05-1) and the NCPDP allow: unit, millilitre,
gram, international unit, milligram."""


# what people write for each unit, to suggest the code (never taken silently)
_NDC_UNIT_MEANING = {
    "MG": "ME",
    "MILLIGRAM": "ME",
    "IU": "F2",
    "G": "GR",
    "GM": "GR",
    "GRAM": "GR",
    "EA": "UN",
    "EACH": "UN",
    "UNIT": "UN",
    "MILLILITER": "ML",
    "MILLILITRE": "ML",
}


def _ndc_unit(value: str | None) -> str | None:
    if value is None:
        return None
    expected = "an NDC unit of measure: " + ", ".join(repr(u) for u in NDC_UNITS)
    if not isinstance(value, str):
        raise _invalid(value, expected, "NDC unit")
    text = value.strip().upper()
    if text in NDC_UNITS:
        return text
    close = _NDC_UNIT_MEANING.get(text) or next(iter(nearest(text, NDC_UNITS, limit=1)), None)
    if close:
        expected += f"; did you mean {close!r}?"
    raise _invalid(value, expected, "NDC unit")


def _pointers(value: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    expected = "a list of 1-based pointers into the claim's diagnoses, e.g. [1, 2]"
    if not isinstance(value, (list, tuple)):
        raise _invalid(value, expected, "diagnosis pointer list")
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 99:
            raise _invalid(
                _shown(item),
                "a pointer into the claim's diagnoses, 1 or more, e.g. 1",
                "diagnosis pointer",
            )
    return tuple(value)


def _service_end(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _is(dt.date, _DATE)(instance, attribute, value)
    start = instance.date_of_service
    if value is not None and start is not None and value < start:
        raise _invalid(
            value,
            f"a date on or after the date of service {start.isoformat()} (the start of the period); "
            f"did you mean {start.isoformat()}?",
            "end of the service period",
        )


_DATE = "a datetime.date (not a datetime), e.g. date(2024, 3, 1)"


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class ClaimLine(Record):
    """One service line.

    ``code`` and the other codes are taken as typed and cleaned by the check, so a
    malformed one becomes a finding, not an exception. ``dose_mg`` (the amount
    given) and ``discarded_mg`` (the amount discarded from a single-dose
    container) let the check verify units and the JW/JZ modifiers.
    ``evaluation_and_management`` marks an E/M line, for the modifier 25 rule.

    What real claims carry besides, all optional: ``line_id`` (the source's line
    number: the 837 LX, FHIR ``item.sequence``, a CSV line column); ``ndc`` with
    ``ndc_quantity`` and ``ndc_unit`` (the drug as dispensed; the NDC is normalised
    to 11 digits, see :func:`~passive_ig.codes.validate_ndc`); ``revenue_code`` (4
    digits, institutional claims); ``service_end``, the last day of a service
    period whose first is ``date_of_service``; ``diagnosis_pointers``, 1-based
    positions in the claim's ``diagnoses`` (837 SV107, FHIR ``diagnosisSequence``).

    ``units`` may be an int, a :class:`~decimal.Decimal` or a finite float: a
    whole value (``1.00``, as X12 and FHIR send it) becomes an int, a fraction
    stays a Decimal for the check to judge.

    >>> from decimal import Decimal
    >>> line = ClaimLine(code="J1459", units=Decimal("70.00"), ndc="0944-2700-03",
    ...                  ndc_quantity=700, ndc_unit="ml")
    >>> line.units, line.ndc, line.ndc_unit
    (70, '00944270003', 'ML')
    >>> ClaimLine(code="J1459", units=2.5).units
    Decimal('2.5')

    A value of the wrong type (a number for a code, a string for units, a
    ``datetime`` for a date, a negative or non-finite amount) or of the wrong
    form (an NDC, a revenue code) is refused when the line is built, with
    :class:`~passive_ig.errors.InvalidInputError`.
    """

    code: str = attrs.field(validator=_is(str, "a billing code as a string", optional=False))
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=_modifiers)
    units: int | decimal.Decimal | None = attrs.field(default=None, converter=_units)
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
    line_id: str | None = attrs.field(
        default=None, validator=_is(str, "the source's line id as a string, e.g. '1'")
    )
    ndc: str | None = attrs.field(default=None, converter=_ndc)
    ndc_quantity: int | decimal.Decimal | None = attrs.field(default=None, converter=_ndc_quantity)
    ndc_unit: str | None = attrs.field(default=None, converter=_ndc_unit)
    revenue_code: str | None = attrs.field(default=None, converter=_revenue_code)
    service_end: dt.date | None = attrs.field(default=None, validator=_service_end)
    diagnosis_pointers: tuple[int, ...] = attrs.field(default=(), converter=_pointers)


def _tuple_of_lines(value: object) -> tuple[ClaimLine, ...]:
    if not isinstance(value, (list, tuple)):
        raise _invalid(value, "a list of ClaimLine", "claim lines")
    for item in value:
        if not isinstance(item, ClaimLine):
            raise _invalid(item, "a ClaimLine", "claim line")
    return tuple(value)


def _lines_valid(
    instance: Claim, attribute: attrs.Attribute[Any], value: tuple[ClaimLine, ...]
) -> None:
    # (validators run once every field is set, so the diagnoses are there to count)
    if not value:
        raise _invalid(
            value, "at least one ClaimLine: a claim bills one service or more", "claim lines"
        )
    count = len(instance.diagnoses)
    for index, line in enumerate(value):
        for pointer in line.diagnosis_pointers:
            if pointer > count:
                expected = (
                    f"a pointer into the claim's {count} diagnoses, 1 to {count}"
                    if count
                    else "no pointer: the claim has no diagnoses to point into"
                )
                raise _invalid(pointer, expected, f"diagnosis pointer of lines[{index}]")


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Claim(Record):
    """The lines billed to one payer, with the claim-wide defaults.

    A line without its own date of service, place of service or diagnoses takes
    the claim's. ``prior_authorization`` is the authorization number on file, if any.

    ``claim_id`` and ``patient_id`` are the source's ids (837 CLM01 and the
    subscriber's member id, a FHIR resource's id, a CSV column), carried so that
    results can be matched back. ``bill_type`` is the type of bill of an
    institutional claim, 3 digits (837I CLM05-1 and CLM05-3). A claim has at
    least one line, and each line's ``diagnosis_pointers`` point into ``diagnoses``.
    """

    payer: str = attrs.field(
        validator=_is(str, "a payer name or alias, e.g. 'Medicare'", optional=False)
    )
    lines: tuple[ClaimLine, ...] = attrs.field(converter=_tuple_of_lines, validator=_lines_valid)
    date_of_service: dt.date | None = attrs.field(default=None, validator=_is(dt.date, _DATE))
    place_of_service: str | None = attrs.field(
        default=None, validator=_is(str, "a place-of-service code as a string, e.g. '11'")
    )
    diagnoses: tuple[str, ...] = attrs.field(default=(), converter=_diagnoses)
    prior_authorization: str | None = attrs.field(
        default=None, validator=_is(str, "an authorization number as a string")
    )
    claim_id: str | None = attrs.field(
        default=None, validator=_is(str, "the source's claim id as a string, e.g. 'CLM0001'")
    )
    patient_id: str | None = attrs.field(
        default=None, validator=_is(str, "the source's patient id as a string")
    )
    bill_type: str | None = attrs.field(default=None, converter=_bill_type)


# What a check returns now lives in passive_ig.answers; these names stay importable
# from here for one release (0.2), then go.
from .answers import Finding as Finding  # noqa: E402
from .answers import Report as Report  # noqa: E402
from .answers import Severity as Severity  # noqa: E402
