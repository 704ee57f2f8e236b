"""Cleaning on distinct values: each distinct code, modifier, place of service and
diagnosis text a table holds is cleaned once, in Python, by the library's own
validators (:mod:`passive_ig.codes`), exactly as the Python checker cleans it; the
compiled rules join the results back. A table of millions of lines holds a few
hundred distinct texts, so this costs next to nothing, and the compiled path never
re-implements (and never drifts from) what a valid code is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..rules import _line
from ._plan import Plan

__all__ = ["ICD9", "ICD10", "NOT_DATED", "Clean", "cleaning", "diagnosis_elements"]

NOT_DATED, ICD9, ICD10 = 0, 1, 2
"""The diagnosis code set of a line's day, as an integer key (``cs``): no day (either set
is taken), ICD-9-CM (before 2015-10-01), ICD-10-CM (from then on)."""


Clean = Callable[[Callable[[object], str], object], "str | None"]
"""``validate(value)``, or None where the validator refuses the value."""


def cleaning(plan: Plan) -> Clean:
    """The library's validators as the Python checker runs them
    (:meth:`passive_ig.rules._line.Resolver.clean`, which keeps what repeats), each
    distinct value cleaned once; None for a value a validator refuses."""
    registry = plan.registry
    clean = _line.Resolver(registry, registry.payers[plan.payer_ids[0]]).clean

    def text(validate: Callable[[object], str], value: object) -> str | None:
        found = clean(validate, value)
        return found if type(found) is str else None

    return text


def diagnosis_elements(plan: Plan, values: Iterable[object]) -> dict[str, list[Any]]:
    """Each distinct diagnosis text of a table, for each code-set key ``cs`` (see
    :data:`NOT_DATED`), as the Python checker reads it on a line of that set: the code it
    is (``cleaned``, null when in no form), whether it is of the other set (``wrong``),
    whether it is on the home IVIG (``pidd``) or NCD 250.3 (``ncd``) list, and whether
    any of those makes it ``notable`` (a rule may speak of it)."""
    clean = cleaning(plan)
    pidd, ncd = plan.listed["pidd"], plan.listed["ncd"]
    table: dict[str, list[Any]] = {
        name: [] for name in ("value", "cs", "cleaned", "wrong", "pidd", "ncd", "notable")
    }
    for value in values:
        for code_set, name in ((NOT_DATED, None), (ICD9, _line.ICD9), (ICD10, _line.ICD10)):
            # as the Python checker reads it: passive_ig.rules._line.read_diagnosis
            found, of_other_set = _line.read_diagnosis(clean, value, name)
            code = found if type(found) is str else None
            wrong = of_other_set and code_set != NOT_DATED  # undated: either set is taken
            table["value"].append(value)
            table["cs"].append(code_set)
            table["cleaned"].append(code)
            table["wrong"].append(wrong)
            table["pidd"].append(code in pidd)
            table["ncd"].append(code in ncd)
            table["notable"].append(code is None or wrong or code in ncd)
    return table
