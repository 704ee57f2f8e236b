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

from .. import codes as _codes
from ..errors import InvalidInputError
from ..rules import _line
from ._plan import Plan

__all__ = ["ICD9", "ICD10", "NOT_DATED", "Cleaner", "diagnosis_elements"]

NOT_DATED, ICD9, ICD10 = 0, 1, 2
"""The diagnosis code set of a line's day, as an integer key (``cs``): no day (either set
is taken), ICD-9-CM (before 2015-10-01), ICD-10-CM (from then on)."""


class Cleaner:
    """The library's validators on distinct values, each value cleaned once."""

    def __init__(self) -> None:
        self._memo: dict[tuple[Callable[[object], str], object], str | None] = {}

    def clean(self, validate: Callable[[object], str], value: object) -> str | None:
        """``validate(value)``, or None when it refuses the value."""
        key = (validate, value)
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:  # pragma: no cover - an unhashable value is not text
            return None
        try:
            found: str | None = validate(value)
        except InvalidInputError:
            found = None
        self._memo[key] = found
        return found

    def code(self, value: object) -> str | None:
        return self.clean(_codes.validate_code, value)

    def modifier(self, value: object) -> str | None:
        return self.clean(_codes.validate_modifier, value)

    def place(self, value: object) -> str | None:
        return self.clean(_codes.validate_place_of_service, value)


def diagnosis_elements(plan: Plan, values: Iterable[object]) -> dict[str, list[Any]]:
    """Each distinct diagnosis text of a table, for each code-set key ``cs`` (see
    :data:`NOT_DATED`), as the Python checker reads it on a line of that set: the code it
    is (``cleaned``, null when in no form), whether it is of the other set (``wrong``),
    whether it is on the home IVIG (``pidd``) or NCD 250.3 (``ncd``) list, and whether
    any of those makes it ``notable`` (a rule may speak of it)."""
    cleaner = Cleaner()
    pidd, ncd = plan.listed["pidd"], plan.listed["ncd"]
    table: dict[str, list[Any]] = {
        name: [] for name in ("value", "cs", "cleaned", "wrong", "pidd", "ncd", "notable")
    }
    for value in values:
        for code_set, name in ((NOT_DATED, None), (ICD9, _line.ICD9), (ICD10, _line.ICD10)):
            # as the Python checker reads it: passive_ig.rules._line.read_diagnosis
            found, of_other_set = _line.read_diagnosis(cleaner.clean, value, name)
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
