"""JSON Lines: one object a claim, sources by id, the source table once on request.

:func:`write_jsonl` writes each :class:`~passive_ig.batch.Entry` as it comes, so
memory stays flat however long the batch. A claim's object is :func:`entry_record`:

* ``index`` (its position in the batch, from 0), ``claim_id`` and ``position``
  (where its source has it: ``"segment 9 CLM"``, ``"row 2"``, ``"line 3"``);
* ``ok`` (read whole, checked, no error) and ``checked``;
* for a checked claim: ``payer``, ``data_version``, ``as_of`` and ``findings``, each
  with ``rule``, ``severity``, ``message``, ``path``, ``line`` (its line's position
  in the claim), ``line_id`` (the line's own id), ``suggestion`` and ``sources``
  (the ids of the sources it rests on);
* for a claim that could not be checked: ``error`` and ``reason``;
* ``read_problems``: what the reader could not map (``where``, ``found``,
  ``expected``), empty when nothing.

With ``sources=True`` a last line ``{"sources": {id: source, ...}}`` gives each
source cited above once (title, publisher, URL ...).

>>> import datetime as dt
>>> import io
>>> from passive_ig import registry
>>> from passive_ig.batch import Entry
>>> from passive_ig.claims import ClaimLine
>>> line = ClaimLine(code="90283", modifiers=("51",), line_id="1",
...                  date_of_service=dt.date(2024, 5, 2))
>>> report = registry.check(line, payer="Medicare")
>>> out = io.StringIO()
>>> write_jsonl([Entry(index=0, result=report)], out, sources=True)
>>> first, last = out.getvalue().splitlines()
>>> record = json.loads(first)
>>> record["ok"], [(f["rule"], f["line_id"]) for f in record["findings"]]
(False, [('modifier.not-on-code', '1'), ('medicare.product-under-hcpcs', '1')])
>>> cited = {key for finding in record["findings"] for key in finding["sources"]}
>>> sorted(json.loads(last)["sources"]) == sorted(cited)
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from ..answers import Finding, Report
from ..batch import Entry
from ..records import Source

__all__ = ["entry_record", "finding_record", "write_jsonl"]


def finding_record(finding: Finding, *, full_sources: bool = False) -> dict[str, Any]:
    """A finding as plain data, its sources by id (or whole, with ``full_sources``)."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "line_id": finding.line_id,
        "suggestion": finding.suggestion,
        "sources": [s.to_dict() for s in finding.sources]
        if full_sources
        else [s.id for s in finding.sources],
    }


def entry_record(entry: Entry, *, full_sources: bool = False) -> dict[str, Any]:
    """One claim of a batch as plain data (see the module's documentation)."""
    result = entry.result
    record: dict[str, Any] = {
        "index": entry.index,
        "claim_id": result.claim_id,
        "position": entry.position,
        "ok": entry.ok,
        "checked": result.checked,
    }
    if isinstance(result, Report):
        record["payer"] = result.payer
        record["data_version"] = result.data_version
        record["as_of"] = result.as_of.isoformat() if result.as_of else None
        record["findings"] = [finding_record(f, full_sources=full_sources) for f in result]
    else:
        record["error"] = result.error
        record["reason"] = result.reason
        if result.line_id is not None:
            record["line_id"] = result.line_id
    record["read_problems"] = [
        {"where": p.where, "found": p.found, "expected": p.expected} for p in entry.problems
    ]
    return record


def write_jsonl(entries: Iterable[Entry], out: IO[str], *, sources: bool = False) -> None:
    """Write one JSON line a claim to ``out``, as each comes; with ``sources``, a last
    line holding each cited source once."""
    cited: dict[str, Source] = {}
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for entry in entries:
        out.write(dumps(entry_record(entry)))
        out.write("\n")
        if sources and isinstance(entry.result, Report):
            for finding in entry.result.findings:
                for source in finding.sources:
                    cited.setdefault(source.id, source)
    if sources:
        table = {key: cited[key].to_dict() for key in sorted(cited)}
        out.write(dumps({"sources": table}))
        out.write("\n")
