"""Deprecated: the rules moved to :mod:`passive_ig.rules` in 0.2.

``passive_ig.checks.RULES``, ``check`` and ``check_many`` still work for one
release, with a :class:`DeprecationWarning`; import them from
:mod:`passive_ig.rules` instead.
"""

from __future__ import annotations

import warnings
from typing import Any

_MOVED = ("RULES", "Rule", "check", "check_many")


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        warnings.warn(
            f"passive_ig.checks.{name} moved to passive_ig.rules.{name}; "
            "passive_ig.checks goes in 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        from . import rules

        return getattr(rules, name)
    raise AttributeError(f"module 'passive_ig.checks' has no attribute {name!r}")
