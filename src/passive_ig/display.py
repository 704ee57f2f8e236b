"""Deprecated: moved to :mod:`passive_ig.render.html` and :mod:`passive_ig.render.rows`
in 0.2; these names still work for one release, with a :class:`DeprecationWarning`."""

from __future__ import annotations

import warnings
from typing import Any

_MOVED = {
    "Rendered": "html",
    "show": "html",
    "to_html": "html",
    "NOT_AVAILABLE_COLUMN": "rows",
    "to_row": "rows",
    "to_rows": "rows",
}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        module = _MOVED[name]
        warnings.warn(
            f"passive_ig.display.{name} moved to passive_ig.render.{module}.{name}; "
            "passive_ig.display goes in 0.3",
            DeprecationWarning,
            stacklevel=2,
        )
        import importlib

        return getattr(importlib.import_module(f"passive_ig.render.{module}"), name)
    raise AttributeError(f"module 'passive_ig.display' has no attribute {name!r}")
