"""A flat CSV of findings: one row a finding, each naming its claim and line.

:func:`write_csv` writes a header, then for each :class:`~passive_ig.batch.Entry`
as it comes one row per finding (``kind`` ``finding``), one per problem its
reader met (``read-problem``: ``path`` is where in the source, ``message`` what was
found and expected; ``unread`` when the reader could not build the claim at all),
and one for a claim that could not be checked (``unchecked``: ``rule`` is empty,
``message`` the error and its reason, e.g. a payer the data does not know). A
clean claim has no row. The columns are :data:`COLUMNS`; ``sources`` holds the cited
sources' ids separated by spaces.

>>> import datetime as dt
>>> import io
>>> from passive_ig import registry
>>> from passive_ig.batch import Entry
>>> from passive_ig.claims import ClaimLine
>>> line = ClaimLine(code="90283", modifiers=("51",), line_id="1",
...                  date_of_service=dt.date(2024, 5, 2))
>>> report = registry.check(line, payer="Medicare")
>>> out = io.StringIO()
>>> write_csv([Entry(index=0, result=report)], out)
>>> print(out.getvalue().splitlines()[0])
index,claim_id,position,line,line_id,payer,kind,rule,severity,message,path,suggestion,sources
>>> out.getvalue().splitlines()[1].split(",")[:9]
['0', '', '', '', '1', 'medicare', 'finding', 'modifier.not-on-code', 'error']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from ..answers import Report
from ..batch import Entry

__all__ = ["COLUMNS", "write_csv"]

COLUMNS = (
    "index",
    "claim_id",
    "position",
    "line",
    "line_id",
    "payer",
    "kind",
    "rule",
    "severity",
    "message",
    "path",
    "suggestion",
    "sources",
)
"""The columns of the findings CSV, in order."""


def write_csv(entries: Iterable[Entry], out: IO[str]) -> None:
    """Write the header and a row per finding, read problem or unchecked claim to
    ``out``, as each entry comes."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        result = entry.result
        claim_id = result.claim_id or ""
        position = entry.position or ""
        payer = result.payer if isinstance(result, Report) else ""
        unread = not isinstance(result, Report) and result.error == "ReadError"
        for problem in entry.problems:
            writer.writerow(
                (
                    entry.index,
                    claim_id,
                    position,
                    "",
                    "",
                    payer,
                    "unread" if unread else "read-problem",
                    "",
                    "error",
                    f"found {problem.found}; expected {problem.expected}",
                    problem.where,
                    "",
                    "",
                )
            )
        if not isinstance(result, Report):
            if not (unread and entry.problems):  # else the rows above say it all
                writer.writerow(
                    (
                        entry.index,
                        claim_id,
                        position,
                        "",
                        result.line_id or "",
                        "",
                        "unread" if unread else "unchecked",
                        "",
                        "error",
                        result.reason if unread else f"{result.error}: {result.reason}",
                        "",
                        "",
                        "",
                    )
                )
            continue
        for finding in result.findings:
            writer.writerow(
                (
                    entry.index,
                    claim_id,
                    position,
                    "" if finding.line is None else finding.line,
                    finding.line_id or "",
                    payer,
                    "finding",
                    finding.rule,
                    finding.severity.value,
                    finding.message,
                    finding.path,
                    finding.suggestion or "",
                    " ".join(source.id for source in finding.sources),
                )
            )
