"""``df.passive_ig``: check a pandas or polars DataFrame of claim lines in place.

Importing this module registers a ``passive_ig`` accessor on the DataFrames of
whichever of pandas and polars is installed (and only those; neither is a
dependency of passive_ig)::

    import passive_ig.accessors  # noqa: F401  (registers df.passive_ig)

    findings = lines.passive_ig.check(payer="Medicare")
    clean = lines[lines.passive_ig.ok(payer="Medicare")]

Registration is explicit, not done by ``import passive_ig``: registering means
importing pandas or polars, which costs more than the whole of ``import
passive_ig``, and a library that does not use DataFrames should not pay for it.
Importing the module twice registers once.

The columns of the frame and of the findings are those of
:func:`passive_ig.frames.check_frame`, which does the work. What the accessor adds
is alignment with the frame:

* with pandas, the findings frame is indexed by the **index labels** of the rows
  the findings are about (a row with two findings appears twice), so
  ``lines.join(findings, rsuffix="_finding")`` or ``findings.loc[label]`` work;
  ``ok()`` is a boolean Series with the frame's own index;
* polars has no index: the findings keep the ``line`` column, the row's position,
  and ``ok()`` is a boolean Series as long as the frame, in its order.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .frames import check_frame

if TYPE_CHECKING:
    from .answers import Severity
    from .registry import Registry

__all__ = ["NAME", "PassiveIGFrame", "register"]

NAME = "passive_ig"
"""The accessor's attribute name: ``df.passive_ig``."""

_registered: set[str] = set()


class PassiveIGFrame:
    """What ``df.passive_ig`` gives: the checks of :mod:`passive_ig.frames` for ``df``."""

    def __init__(self, frame: Any) -> None:
        self._frame = frame

    def check(
        self,
        *,
        payer: str | None = None,
        as_of: dt.date | None = None,
        registry: Registry | None = None,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        min_severity: Severity | str | None = None,
        notes: bool = False,
    ) -> Any:
        """The findings of every row, as :func:`~passive_ig.frames.check_frame` gives
        them; with pandas, indexed by the index labels of the rows they are about."""
        # check_frame already indexes a pandas result by the frame's own labels
        return check_frame(
            self._frame,
            payer=payer,
            as_of=as_of,
            registry=registry,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            notes=notes,
        )

    def ok(
        self,
        *,
        payer: str | None = None,
        as_of: dt.date | None = None,
        registry: Registry | None = None,
        select: Iterable[str] | str | None = None,
        ignore: Iterable[str] | str | None = None,
        min_severity: Severity | str | None = "error",
    ) -> Any:
        """True for each row with no finding at ``min_severity`` or above (errors by
        default), aligned to the frame: a Series with its index (pandas), or in its
        row order (polars)."""
        findings = check_frame(
            self._frame,
            payer=payer,
            as_of=as_of,
            registry=registry,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
        )
        failing = set(findings["line"].to_list())
        flags = [row not in failing for row in range(len(self._frame))]
        if _is_pandas(self._frame):
            pd = _library("pandas")
            return pd.Series(flags, index=self._frame.index, name="ok", dtype=bool)
        pl = _library("polars")
        return pl.Series("ok", flags, dtype=pl.Boolean)


def _is_pandas(frame: object) -> bool:
    return type(frame).__module__.split(".", 1)[0] == "pandas"


def register() -> tuple[str, ...]:
    """Register ``df.passive_ig`` on the installed DataFrame libraries (done on import);
    returns the libraries it is registered on, e.g. ``("pandas", "polars")``."""
    for name in ("pandas", "polars"):
        if name in _registered:
            continue
        try:
            library = _library(name)
        except ImportError:  # pragma: no cover - the library is not installed
            continue
        if name == "pandas":
            library.api.extensions.register_dataframe_accessor(NAME)(PassiveIGFrame)
        else:
            library.api.register_dataframe_namespace(NAME)(PassiveIGFrame)
        _registered.add(name)
    return tuple(sorted(_registered))


def _library(name: str) -> Any:
    # imported by name: neither library is a dependency, nor typed for mypy here
    return importlib.import_module(name)


register()
