"""Typed references from a rule to the records it rests on.

``rests_on=(modifier("JW"), billing_rule("medicare.jw-required"))`` names records
of the data by collection and key. The engine resolves every reference once per
data set; one that does not resolve is a :class:`~passive_ig.errors.DataError`
listing every miss, so a rule can never silently lose its sources.
"""

from __future__ import annotations

import attrs

__all__ = ["Ref", "billing_rule", "code", "coverage", "dx_list", "modifier"]


@attrs.frozen
class Ref:
    """A record of the data, by collection and key: ``Ref("modifiers", "JW")``.

    ``collection`` is a registry collection name, or ``"billing_rules"`` for the
    billing rules inside the payers' policies.
    """

    collection: str
    key: str

    def __str__(self) -> str:
        return f"{_LABELS[self.collection]}:{self.key}"


_LABELS = {
    "codes": "code",
    "modifiers": "modifier",
    "billing_rules": "billing-rule",
    "coverage": "coverage",
    "diagnosis_lists": "list",
}


def code(key: str) -> Ref:
    """A billing code: ``code("Q2052")``."""
    return Ref("codes", key)


def modifier(key: str) -> Ref:
    """A modifier: ``modifier("JW")``."""
    return Ref("modifiers", key)


def billing_rule(key: str) -> Ref:
    """A billing rule of a payer's policy: ``billing_rule("medicare.jw-required")``."""
    return Ref("billing_rules", key)


def coverage(key: str) -> Ref:
    """A Medicare coverage document: ``coverage("NCD-250.3")``."""
    return Ref("coverage", key)


def dx_list(key: str) -> Ref:
    """A diagnosis list: ``dx_list("medicare-ncd-250.3")``."""
    return Ref("diagnosis_lists", key)
