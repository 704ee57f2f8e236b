"""Building a claim line from what a reader mapped, leaving out each value the line refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ..claims import ClaimLine
from ..errors import InvalidInputError

__all__ = ["build_line"]

_ORDER = tuple(field.name for field in attrs.fields(ClaimLine))


def build_line(
    fields: dict[str, Any], refused: Callable[[str, InvalidInputError], None]
) -> ClaimLine | None:
    """The line built from ``fields``; a value the line refuses (negative units, an
    end before the start, a revenue code of 3 digits) is left out and handed to
    ``refused`` with its field name and the error, and the line is built from the
    rest. ``None`` when the code itself is refused.

    Which value was refused is found by trying each field alone on a line, not by
    reading the error's message, so it holds whatever the messages say.
    """
    try:
        return ClaimLine(**fields)
    except InvalidInputError:
        pass
    code = fields.get("code")
    kept: dict[str, Any] = {}
    for name in sorted(fields, key=_ORDER.index):
        trial = {"code": code if isinstance(code, str) else "", name: fields[name]}
        if name == "service_end" and "date_of_service" in kept:
            trial["date_of_service"] = kept["date_of_service"]
        try:
            ClaimLine(**trial)
        except InvalidInputError as exc:
            refused(name, exc)
            continue
        kept[name] = fields[name]
    if "code" not in kept:
        return None
    return ClaimLine(**kept)
