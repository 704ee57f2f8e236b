"""What each column of a table of claim lines may hold, and the errors for one that holds
something else. Each engine's ``prepare`` reads a column by its kind here and refuses,
before any rule runs, a column of a type it cannot read, and text that does not read as
the number it stands for; so a bad column gets an error that names it, its row and its
value, not one from deep inside the engine.

The expectations are worded as :func:`passive_ig.frames.check_frame` words them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import InvalidInputError

__all__ = [
    "EXPECTED",
    "KINDS",
    "NUMBER_TEXT",
    "Schema",
    "no_code",
    "number_columns",
    "readable_types",
    "wrong_values",
]

T = TypeVar("T")

Schema = Mapping[str, Any]
"""A frame's columns and their types on its engine (polars', narwhals')."""

NUMBER, FLAG, TEXTS, DAY, PLACE = "number", "flag", "texts", "day", "place"

KINDS = {
    "units": NUMBER,
    "dose_mg": NUMBER,
    "discarded_mg": NUMBER,
    "evaluation_and_management": FLAG,
    "modifiers": TEXTS,
    "diagnoses": TEXTS,
    "date_of_service": DAY,
    "place_of_service": PLACE,
}
"""The columns whose type is checked, by what they hold: numbers (or text that reads as
one), yes/no (booleans, or integers), texts (a list of text, or text), a day (a date, a
timestamp, or text), a place of service (text, or a number)."""

NUMBER_TEXT = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$"
"""Text that reads as a number, once trimmed: digits, a point, an exponent; not ``nan``,
``inf``, ``1,000`` nor ``7_0`` (each engine would read those its own way). Text that is
empty once trimmed is no number given."""

EXPECTED = {
    "units": "a number of units",
    "dose_mg": "a number of milligrams",
    "discarded_mg": "a number of milligrams",
    "evaluation_and_management": "true or false",
    "modifiers": "a list of text, or text separated by commas",
    "diagnoses": "a list of text, or text separated by commas",
    "date_of_service": "a date, or text as 'YYYY-MM-DD'",
    "place_of_service": "a place-of-service code as text, e.g. '11'",
}


def readable_types(
    types: Mapping[str, T],
    readable: Callable[[str, T], bool],
    empty: Callable[[list[str]], set[str]],
    shown: Callable[[str], str] = lambda name: "",
) -> dict[str, T]:
    """``types`` (each column's type on the engine) without the columns of a type the
    rules cannot read that hold no value at all (``empty`` says which of those it is
    given do): such a column is as good as absent, as a pandas column of NaN only is.
    Refuses the first other column of a type the rules cannot read, named by its type as
    ``shown`` gives it (default: the engine's)."""
    unread = [
        name for name, kind in KINDS.items() if name in types and not readable(kind, types[name])
    ]
    if not unread:
        return dict(types)
    blank = empty(unread)
    for name in unread:
        if name not in blank:
            type_name = shown(name) or str(types[name])
            raise InvalidInputError(
                type_name, f"a column of {EXPECTED[name]}", what=f"type of column {name!r}"
            )
    return {name: kind for name, kind in types.items() if name not in blank}


def number_columns(types: Mapping[str, T], is_text: Callable[[T], bool]) -> list[str]:
    """The columns of numbers that ``types`` gives as text: their values are checked."""
    return [
        name
        for name, kind in KINDS.items()
        if kind == NUMBER and name in types and is_text(types[name])
    ]


def wrong_values(column: str, row: int, value: object, count: int) -> InvalidInputError:
    """The error of a column of text that does not read as numbers: its first bad value,
    its row (the line's position in the table, from 0) and how many more there are."""
    more = count - 1
    rows = "" if more == 0 else f" (and {more} more row{'s' if more > 1 else ''})"
    return InvalidInputError(value, EXPECTED[column], what=f"{column} on row {row}{rows}")


def no_code(columns: list[str]) -> InvalidInputError:
    """The error of a table with no ``code`` column, naming the nearest of its columns
    (``CODE`` is nearest of all: column names are matched without case)."""
    expected = "a table with a 'code' column (and any of the others)"
    lowered = {str(name).lower(): str(name) for name in reversed(columns)}
    near = difflib.get_close_matches("code", list(lowered), n=1, cutoff=0.5)
    if near:
        expected += f"; did you mean {lowered[near[0]]!r}?"
    return InvalidInputError(columns, expected, what="claim lines")
