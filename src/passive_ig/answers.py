"""What a check gives back: a :class:`Report` of :class:`Finding` objects.

A check never raises for a problem in the claim; it returns a report whose findings
each carry a severity, a stable rule id (see :data:`passive_ig.rules.RULES`), a
message, the path of the field, a suggested fix where there is one, and the sources
of the records the rule rests on.

>>> import datetime as dt
>>> from passive_ig import registry
>>> from passive_ig.claims import ClaimLine
>>> line = ClaimLine(code="90283", modifiers=("51",), date_of_service=dt.date(2024, 5, 2))
>>> report = registry.check(line, payer="Medicare")
>>> report.ok, report.rules()
(False, ('modifier.not-on-code', 'medicare.product-under-hcpcs'))
>>> bool(report)   # a report is truthy when it is ok, as a test result is
False
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator
from typing import Any

import attrs

from .records import Record, Source, _short_reprs

__all__ = ["Finding", "Report", "Severity"]


class Severity(enum.Enum):
    """How serious a finding is.

    An error will be denied or returned as it stands; a warning risks it or needs an
    action before the claim goes out; an info is something to know.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for an error, 1 for a warning, 0 for an info: compare severities with it."""
        return _RANK[self.value]


_RANK = {"error": 2, "warning": 1, "info": 0}


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Finding(Record):
    """One thing a check found.

    ``rule`` is a stable id (see :data:`passive_ig.rules.RULES`); ``path`` names the
    field, e.g. ``lines[0].modifiers[1]``; ``sources`` are the sources of the records
    the rule rests on and of the record it enforces, and nothing else.
    """

    rule: str
    severity: Severity
    message: str
    path: str
    suggestion: str | None = None
    sources: tuple[Source, ...] = ()

    def __str__(self) -> str:
        text = f"{self.severity.value.upper()} {self.rule} at {self.path}: {self.message}"
        if self.suggestion:
            text += f" Suggestion: {self.suggestion}"
        return text


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Report(Record):
    """Everything a check found, for one line or claim and one payer.

    ``ok`` is True when there is no error (warnings and infos may remain), and a
    report is truthy exactly when it is ok. ``claim_id`` is the claim's own id,
    when it has one, so that a report can be matched back to its claim.
    """

    payer: str
    findings: tuple[Finding, ...]
    data_version: str
    as_of: dt.date | None
    claim_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings of severity error."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings of severity warning."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        """The findings of severity info."""
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    def rules(self) -> tuple[str, ...]:
        """The rule ids that fired, each once, in order."""
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def to_json(self, **kwargs: Any) -> str:
        """The report as a JSON string; keyword arguments go to :func:`json.dumps`."""
        return json.dumps(self.to_dict(), **kwargs)

    def to_text(self) -> str:
        """A plain-text rendering for a terminal or a log."""
        when = f" as of {self.as_of}" if self.as_of else ""
        claim = f" claim {self.claim_id}," if self.claim_id else ""
        status = "OK" if self.ok else "NOT OK"
        counts = (
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s), {len(self.infos)} info"
        )
        lines = [f"{status}:{claim} {self.payer}{when}, data {self.data_version}: {counts}"]
        for finding in self.findings:
            lines.append(f"- {finding}")
            lines.extend(f"    source: {s.title} <{s.url}>" for s in finding.sources)
        return "\n".join(lines)
