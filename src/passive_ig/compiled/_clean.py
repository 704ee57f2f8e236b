"""Cleaning on distinct values: each distinct code, modifier, place of service and
diagnosis text a table holds is cleaned once, in Python, by the library's own
validators (:mod:`passive_ig.codes`), exactly as the Python checker cleans it; the
compiled rules join the results back. A table of millions of lines holds a few
hundred distinct texts, so this costs next to nothing, and the compiled path never
re-implements (and never drifts from) what a valid code is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import codes as _codes
from ..errors import InvalidInputError
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

    def diagnoses(
        self, values: Sequence[object], code_set: int
    ) -> tuple[list[str], list[int], list[int]]:
        """The cleaned diagnoses of a line (a code of the other set counts, as the
        checker counts it), the positions of those in no form, and the positions of
        those of the set not in force on the line's day."""
        if code_set == ICD9:
            expected, other = _codes.validate_icd9_diagnosis, _codes.validate_diagnosis
        else:
            expected, other = _codes.validate_diagnosis, _codes.validate_icd9_diagnosis
        cleaned: list[str] = []
        bad: list[int] = []
        wrong: list[int] = []
        for position, value in enumerate(values):
            found = self.clean(expected, value)
            if found is not None:
                cleaned.append(found)
                continue
            found = self.clean(other, value)
            if found is None:
                bad.append(position)
                continue
            cleaned.append(found)
            if code_set != NOT_DATED:
                wrong.append(position)
        return cleaned, bad, wrong


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
        for code_set in (NOT_DATED, ICD9, ICD10):
            cleaned, _, wrong = cleaner.diagnoses((value,), code_set)
            code = cleaned[0] if cleaned else None
            table["value"].append(value)
            table["cs"].append(code_set)
            table["cleaned"].append(code)
            table["wrong"].append(bool(wrong))
            table["pidd"].append(code in pidd)
            table["ncd"].append(code in ncd)
            table["notable"].append(code is None or bool(wrong) or code in ncd)
    return table
