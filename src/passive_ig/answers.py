"""What a check gives back: a :class:`Report` of :class:`Finding` objects.

A check never raises for a problem in the claim; it returns a report whose findings
each carry a severity, a stable rule id (see :data:`passive_ig.rules.RULES`), a
message, the path of the field, a suggested fix where there is one, and the sources
of the records the rule rests on. A batch (:meth:`~passive_ig.Registry.check_many`)
yields an :class:`Unchecked` in place of a report for an item it could not check,
saying why, and goes on.

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

__all__ = ["Finding", "Report", "Result", "Severity", "Unchecked"]


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

    ``line`` is the position of the line the finding is about in its claim (from 0;
    ``None`` for a line checked alone or a finding about the whole claim), and
    ``line_id`` that line's own id as the source gave it (the 837 LX number, FHIR
    ``item.sequence``: :attr:`ClaimLine.line_id <passive_ig.claims.ClaimLine.line_id>`),
    so that a finding can be matched back to its line.
    """

    rule: str
    severity: Severity
    message: str
    path: str
    suggestion: str | None = None
    sources: tuple[Source, ...] = ()
    line: int | None = None
    line_id: str | None = None

    def __str__(self) -> str:
        line = f" (line {self.line_id})" if self.line_id is not None else ""
        text = f"{self.severity.value.upper()} {self.rule} at {self.path}{line}: {self.message}"
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
    def checked(self) -> bool:
        """Always True: the item was checked (an :class:`Unchecked`'s is False)."""
        return True

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


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Unchecked(Record):
    """An item of a batch that could not be checked, and why: what a batch yields in
    place of a :class:`Report` so that one bad claim never stops the others.

    ``index`` is the item's position in the batch (from 0); ``claim_id`` and
    ``line_id`` are its own ids when it has them; ``position`` is where a reader
    found it in its source (``"segment 9 CLM"``, ``"row 12"``), when it came from
    one. ``error`` names the kind of problem (the exception a single
    :meth:`~passive_ig.Registry.check` would have raised, e.g.
    ``"UnknownPayerError"``, or ``"ReadError"`` for a claim a reader could not
    build) and ``reason`` says it in words.

    An unchecked item is never ok, and has no findings: test for it with
    ``isinstance(result, Unchecked)`` (or ``result.checked``), which also narrows
    the type for a type checker.

    >>> from passive_ig import registry
    >>> from passive_ig.claims import Claim, ClaimLine
    >>> claims = [Claim(payer="Humana", claim_id="C1", lines=[ClaimLine(code="90283")]),
    ...           Claim(payer="Medicare", claim_id="C2", lines=[ClaimLine(code="90283")])]
    >>> first, second = registry.check_many(claims)
    >>> first.ok, first.checked, first.claim_id, first.error
    (False, False, 'C1', 'UnknownPayerError')
    >>> print(first.reason)
    no payer 'Humana' in payers
    >>> second.claim_id, second.checked
    ('C2', True)
    """

    index: int | None
    claim_id: str | None
    reason: str
    error: str
    line_id: str | None = None
    position: str | None = None

    @property
    def ok(self) -> bool:
        """Always False: an item that was not checked is not known to be right."""
        return False

    @property
    def checked(self) -> bool:
        """Always False (a :class:`Report`'s is True)."""
        return False

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Always empty: nothing was checked."""
        return ()

    def __bool__(self) -> bool:
        return False

    def to_json(self, **kwargs: Any) -> str:
        """The result as a JSON string; keyword arguments go to :func:`json.dumps`."""
        return json.dumps(self.to_dict(), **kwargs)

    def to_text(self) -> str:
        """A plain-text rendering for a terminal or a log."""
        what = f"claim {self.claim_id}" if self.claim_id else "item"
        if self.line_id:
            what += f" line {self.line_id}"
        where = f" ({self.position})" if self.position else ""
        if self.index is not None:
            where += f" at #{self.index}"
        return f"NOT CHECKED: {what}{where}: {self.error}: {self.reason}"


Result = Report | Unchecked
"""What a batch yields for each item: a :class:`Report`, or an :class:`Unchecked`
saying why the item could not be checked."""
