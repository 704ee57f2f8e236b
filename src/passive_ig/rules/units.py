"""Units rules: do the units fit the code's billing unit and the amount given?

A line's units are checked against its dose, and a JW line's (the discarded
amount, billed on its own line) against its discarded amount.
"""

from __future__ import annotations

import decimal
import math

from ..answers import Severity
from ..records import BillingCode, BillingUnit, Measure, NotAvailable
from ._engine import Fired, Hit, line_rule
from ._line import Line


def _per_milligram(code: BillingCode) -> bool:
    unit = code.billing_unit
    return isinstance(unit, BillingUnit) and unit.measure is Measure.MILLIGRAM


def _unit_record(code: BillingCode) -> object:
    """What a units finding enforces: the billing unit where the data gives its own
    sources, else the code."""
    unit = code.billing_unit
    if isinstance(unit, BillingUnit) and unit.sources:
        return unit
    return code


def _amount(line: Line) -> tuple[float | None, str]:
    """The amount the line's units bill, and what it is called."""
    if "JW" in line.modifier_set:
        return line.discarded_mg, "discarded"
    return line.dose_mg, "given"


@line_rule(
    id="units.missing",
    title="A code billed per unit has no units",
    severity=Severity.WARNING,
    codes=lambda code: isinstance(code.billing_unit, BillingUnit),
)
def units_missing(line: Line) -> Fired:
    """The code has a billing unit in the data and the line gives no units."""
    code = line.code
    assert code is not None
    unit = code.billing_unit
    if unit is None or isinstance(unit, NotAvailable) or line.units is not None:
        return None
    return Hit(
        f"{code.code} is billed {unit}; the line has no units", "units", record=_unit_record(code)
    )


@line_rule(
    id="units.fraction",
    title="The units are a fraction",
    severity=Severity.ERROR,
    needs=("units",),
)
def units_fraction(line: Line) -> Fired:
    """The line bills a fraction of a unit (say 2.5) of a code the data holds; claims
    bill whole units of these codes (``1.00`` as X12 and FHIR send it is whole)."""
    units = line.units
    if type(units) is not decimal.Decimal:  # a whole count is an int
        return None
    code = line.code
    assert code is not None
    unit = code.billing_unit
    per = f" ({unit})" if isinstance(unit, BillingUnit) else ""
    low, high = math.floor(units), math.ceil(units)
    return Hit(
        f"{units} units of {code.code}{per}: units are billed as whole numbers",
        "units",
        suggestion=f"bill {low} or {high} units, as the amount and the payer's rounding say",
    )


def _whole(line: Line) -> bool:
    """Whether the line's units are whole (a fraction is ``units.fraction``'s alone)."""
    return type(line.units) is not decimal.Decimal


_NONE = (None,)


def _count(line: Line) -> tuple[float, object, int | None, float] | None:
    """The amount, the unit, the whole units (None when partial) and the exact units;
    worked out once per line (two rules need it)."""
    found = line.unit_count
    if found is None:
        found = line.unit_count = _work_out(line) or _NONE
    return None if found is _NONE else found  # type: ignore[return-value]


def _work_out(line: Line) -> tuple[float, object, int | None, float] | None:
    code = line.code
    assert code is not None
    unit = code.billing_unit
    amount, _ = _amount(line)
    if (
        unit is None
        or isinstance(unit, NotAvailable)
        or unit.measure is not Measure.MILLIGRAM
        or line.units is None
        or amount is None
        or not _whole(line)
    ):
        return None
    # An amount is a float or an int the line refused unless finite, 0 or more and
    # below 1e13 mg; for those, float remainder and floor division are exact, so
    # "a whole number of units" is decided exactly, as passive_ig.units decides it.
    quantity = unit.quantity
    whole = int(amount // quantity) if amount % quantity == 0 else None
    return amount, unit, whole, amount / quantity


@line_rule(
    id="units.dose-mismatch",
    title="The units do not match the amount",
    severity=Severity.ERROR,
    needs=("units",),
    codes=_per_milligram,
)
def dose_mismatch(line: Line) -> Fired:
    """The units differ from the amount divided by the code's unit (the dose given, or on
    a JW line the amount discarded), or from both whole numbers around it."""
    found = _count(line)
    if found is None:
        return None
    amount, unit, whole, exact = found
    code = line.code
    assert code is not None
    _, what = _amount(line)
    if whole is not None:
        if line.units == whole:
            return None
        return Hit(
            f"{amount:g} mg {what} of {code.code} ({unit}) is {whole} units, not {line.units}",
            "units",
            suggestion=f"bill {whole} units",
            record=_unit_record(code),
        )
    low, high = math.floor(exact), math.ceil(exact)
    if line.units in (low, high):
        return None
    return Hit(
        f"{amount:g} mg {what} of {code.code} ({unit}) is {exact:.2f} units; "
        f"{line.units} is neither {low} nor {high}",
        "units",
        record=_unit_record(code),
    )


@line_rule(
    id="units.rounding",
    title="The amount is not a whole number of units",
    severity=Severity.INFO,
    needs=("units",),
    codes=_per_milligram,
)
def rounding(line: Line) -> Fired:
    """The amount is between two whole numbers of units and the line bills one of them;
    how a partial unit is rounded is not in passive_ig's sources."""
    found = _count(line)
    if found is None:
        return None
    amount, _, whole, exact = found
    if whole is not None or line.units not in (math.floor(exact), math.ceil(exact)):
        return None
    code = line.code
    assert code is not None
    return Hit(
        f"{amount:g} mg of {code.code} is {exact:.2f} units; how a partial unit is "
        "rounded is not available in passive_ig's sources, so check the payer's rule",
        "units",
        record=_unit_record(code),
    )


@line_rule(
    id="units.not-available",
    title="The code's billing unit is not known, so the units were not checked",
    severity=Severity.INFO,
    note=True,
    codes=lambda code: isinstance(code.billing_unit, NotAvailable),
)
def unit_not_available(line: Line) -> Fired:
    """The line gives an amount, and the data marks the code's billing unit as not
    available."""
    code = line.code
    assert code is not None
    unit = code.billing_unit
    amount, _ = _amount(line)
    if not isinstance(unit, NotAvailable) or amount is None:
        return None
    return Hit(
        f"the billing unit of {code.code} is not available ({unit.reason}), "
        "so the units could not be checked against the amount",
        "units",
    )
