"""The values every other module may use: :class:`NotAvailable`, :class:`Origin` and
:class:`Confidence`. This module imports nothing of passive_ig's, so the loader, the
renderers and the records can all build on it."""

from __future__ import annotations

import enum

import attrs

__all__ = ["Confidence", "NotAvailable", "Origin"]


@attrs.frozen(kw_only=True, repr=False)
class NotAvailable:
    """A fact our sources do not establish, with the reason.

    Distinct from an empty tuple (we know there is none) and from ``None`` (the
    field does not apply, e.g. a code whose descriptor names no unit).

    >>> NotAvailable(reason="the contractor was not retrieved")
    NotAvailable(reason='the contractor was not retrieved')
    """

    reason: str

    def __str__(self) -> str:
        return f"not available ({self.reason})"

    def __repr__(self) -> str:
        # short, as the records' reprs are: a long reason is cut
        reason = self.reason if len(self.reason) <= 60 else self.reason[:59] + "…"
        return f"NotAvailable(reason={reason!r})"

    def _repr_html_(self) -> str:
        # the hook from a value up to its renderer (see passive_ig.render)
        from .render.html import to_html

        return to_html(self)


class Origin(enum.Enum):
    """Where a record came from: the bundled data or a user's overlay."""

    BUNDLED = "bundled"
    USER = "user"


class Confidence(enum.Enum):
    """How far a source can be trusted.

    ``PRIMARY`` is the issuer's own publication (CMS, a MAC, the payer);
    ``PRIMARY_MIRROR`` is primary text read through a third-party copy;
    ``SECONDARY`` is a coding reference, aggregator or manufacturer guide.
    Unverified facts are never shipped.
    """

    PRIMARY = "primary"
    PRIMARY_MIRROR = "primary-mirror"
    SECONDARY = "secondary"
