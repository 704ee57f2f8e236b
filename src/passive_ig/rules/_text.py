"""Small helpers the rules share to word their messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..records import Effective, NotAvailable, PlaceOfService

__all__ = ["join", "period", "place_name"]


def join(items: Iterable[str]) -> str:
    """``"a, b, c"``."""
    return ", ".join(items)


def period(effective: Effective) -> str:
    """When a record is in effect, in words: ``"from 2024-01-01"``."""
    start = effective.start if isinstance(effective.start, dt.date) else None
    end = effective.end if isinstance(effective.end, dt.date) else None
    if start and end:
        return f"from {start} to {end}"
    if start:
        return f"from {start}"
    if end:
        return f"until {end}"
    return "on dates our sources do not give"


def place_name(place: PlaceOfService | None) -> str:
    """A place of service's name, or that it is not available."""
    if place is None or isinstance(place.name, NotAvailable):
        return "name not available"
    return place.name
