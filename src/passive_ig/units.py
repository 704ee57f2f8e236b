"""Billing units for a dose of a product code, and the discarded units for JW.

>>> from passive_ig import registry
>>> count = registry.billing_units("J1459", dose_mg=35_000)       # 35 g at 500 mg a unit
>>> count.units
70
>>> count = registry.billing_units("J1459", dose_mg=9_000, discarded_mg=1_000)
>>> count.units, count.discarded_units                          # the JW line bills 2 units
(18, 2)
>>> print(registry.billing_units("J1459", dose_mg=1_200).units.reason)
1200 mg is 2.4 units of J1459 (per 500 mg); how a partial unit is rounded is not in passive_ig's sources: check the payer's rule
"""

from __future__ import annotations

import decimal
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import attrs

from .errors import InvalidInputError
from .records import BillingUnit, Measure, NotAvailable, Record, _short_reprs

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["UnitCount", "billing_units"]


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class UnitCount(Record):
    """The units to bill for a dose (and for the amount discarded, for a JW line).

    ``units`` and ``discarded_units`` are whole numbers of billing units, or
    :class:`~passive_ig.records.NotAvailable` when the amount is not a whole number
    of units (how to round a partial unit is payer policy our sources do not give)
    or the code's unit is unknown. ``exact_units`` keeps the unrounded quotient.
    """

    code: str
    unit: BillingUnit | NotAvailable
    dose_mg: decimal.Decimal
    exact_units: decimal.Decimal | None
    units: int | NotAvailable
    discarded_mg: decimal.Decimal | None = None
    discarded_units: int | NotAvailable | None = None


_EXPECTED = "an amount in mg, 0 or more, e.g. 35000"

AMOUNT_DIGITS = 40
"""The most significant digits an amount may have (a dose in mg is a handful)."""

# The library's own arithmetic never depends on the caller's decimal context (its
# precision, rounding or traps): every operation runs in a copy of this one, whose
# precision holds any amount accepted here divided by any unit exactly enough.
_CONTEXT = decimal.Context(
    prec=120,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    flags=[],
)


def arithmetic() -> AbstractContextManager[decimal.Context]:
    """A local decimal context for the library's arithmetic (see ``_CONTEXT``)."""
    return decimal.localcontext(_CONTEXT)


def _amount(value: object, what: str) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal, str)):
        raise InvalidInputError(value, _EXPECTED, what=what)
    # beyond a millionth of a mg or a million tonnes, no real dose lies
    if isinstance(value, int) and not -(10**13) < value < 10**13:
        raise InvalidInputError(value, _EXPECTED, what=what)  # before any conversion
    if isinstance(value, str) and len(value) > 2 * AMOUNT_DIGITS:
        raise InvalidInputError(
            value, f"an amount in mg of at most {AMOUNT_DIGITS} digits, e.g. 35000", what=what
        )
    with arithmetic():
        try:
            if isinstance(value, float):
                amount = decimal.Decimal(repr(value))  # 0.1, not its binary expansion
            elif isinstance(value, decimal.Decimal):
                amount = value
            else:
                amount = decimal.Decimal(value)
        except (decimal.InvalidOperation, ValueError):
            raise InvalidInputError(value, _EXPECTED, what=what) from None
        if not amount.is_finite() or amount < 0 or (amount and not -6 <= amount.adjusted() <= 12):
            raise InvalidInputError(value, _EXPECTED, what=what)
        if len(amount.as_tuple().digits) > AMOUNT_DIGITS:
            raise InvalidInputError(
                value, f"an amount in mg of at most {AMOUNT_DIGITS} significant digits", what=what
            )
        if amount.is_zero():
            amount = amount.copy_abs()  # -0.0 is 0.0: one answer, one message
        return amount


def _whole(
    amount: decimal.Decimal, code: str, unit: BillingUnit
) -> tuple[decimal.Decimal, int | NotAvailable]:
    if unit.quantity < 1:  # refused when the data is loaded; never divide by it
        raise InvalidInputError(
            unit.quantity, "a billing unit of 1 or more", what=f"billing unit of {code}"
        )
    with arithmetic():
        exact = amount / unit.quantity
        if amount % unit.quantity == 0:  # exact: no rounding, whatever the digits
            return exact, int(exact)
        shown = f"{float(exact):.6g}"
        if float(shown).is_integer():  # 6 digits would hide that it is not whole
            shown = format(exact, f".{AMOUNT_DIGITS}g")
        reason = (
            f"{amount.normalize():f} mg is {shown} units of {code} ({unit}); how a partial "
            "unit is rounded is not in passive_ig's sources: check the payer's rule"
        )
    return exact, NotAvailable(reason=reason)


def billing_units(
    registry: Registry,
    code: str,
    *,
    dose_mg: object,
    discarded_mg: object = None,
) -> UnitCount:
    """Count the billing units of ``code`` for ``dose_mg`` (and ``discarded_mg``).

    Raises :class:`~passive_ig.errors.UnknownCodeError` for an unknown code and
    :class:`~passive_ig.errors.InvalidInputError` for a negative or non-numeric
    amount, or for a code that is not billed in milligram units.
    """
    record = registry.codes[code]
    dose = _amount(dose_mg, "dose")
    discarded = None if discarded_mg is None else _amount(discarded_mg, "discarded amount")
    unit = record.billing_unit
    if isinstance(unit, NotAvailable):
        missing = NotAvailable(
            reason=f"the billing unit of {record.code} is not available: {unit.reason}"
        )
        return UnitCount(
            code=record.code,
            unit=unit,
            dose_mg=dose,
            exact_units=None,
            units=missing,
            discarded_mg=discarded,
            discarded_units=None if discarded is None else missing,
        )
    if unit is None or unit.measure is not Measure.MILLIGRAM:
        described = (
            "names no unit: bill the product supplied on one line"
            if unit is None
            else f"is billed {unit}"
        )
        raise InvalidInputError(
            record.code,
            f"a code billed per milligrams (e.g. 'J1459', per 500 mg); {record.code} {described}",
            what="code for a unit count",
        )
    exact, units = _whole(dose, record.code, unit)
    discarded_units: int | NotAvailable | None = None
    if discarded is not None:
        discarded_units = _whole(discarded, record.code, unit)[1]
    return UnitCount(
        code=record.code,
        unit=unit,
        dose_mg=dose,
        exact_units=exact,
        units=units,
        discarded_mg=discarded,
        discarded_units=discarded_units,
    )
