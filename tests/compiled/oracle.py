"""The oracle of the compiled path: the Python checker's findings for the same table."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from passive_ig import registry
from passive_ig.claims import Claim, ClaimLine

COLUMNS = (
    "claim_id",
    "code",
    "modifiers",
    "units",
    "place_of_service",
    "date_of_service",
    "diagnoses",
    "dose_mg",
    "discarded_mg",
    "evaluation_and_management",
    "payer",
    "prior_authorization",
)

Key = tuple[Any, ...]


def _line(row: dict[str, Any]) -> ClaimLine:
    return ClaimLine(
        code=row["code"],
        modifiers=tuple(row["modifiers"] or ()),
        units=row["units"],
        place_of_service=row["place_of_service"],
        date_of_service=row["date_of_service"],
        diagnoses=tuple(row["diagnoses"] or ()),
        dose_mg=row["dose_mg"],
        discarded_mg=row["discarded_mg"],
        evaluation_and_management=bool(row["evaluation_and_management"]),
    )


UNCITED: frozenset[str] = frozenset()
"""The rules whose compiled findings cite other sources than the Python checker's
(none)."""


def _cited(key: Key, sources: Any, with_sources: bool) -> Key | None:
    if not with_sources:
        return key
    if key[3] in UNCITED:
        return None
    return (*key, frozenset(sources))


def expected(
    rows: list[dict[str, Any]],
    *,
    as_of: dt.date | None = None,
    with_sources: bool = False,
    **options: Any,
) -> Counter[Key]:
    """(row, claim_id, line, rule, severity, path) of every finding the Python checker
    gives, one claim per claim_id (lines in row order) and a line alone where it has none."""
    out: Counter[Key] = Counter()
    claims: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        if row["claim_id"] is None:
            report = registry.check(_line(row), payer=row["payer"], as_of=as_of, **options)
            for finding in report.findings:
                key = (index, None, None, finding.rule, finding.severity.value, finding.path)
                ids = [source.id for source in finding.sources]
                if (cited := _cited(key, ids, with_sources)) is not None:
                    out[cited] += 1
        else:
            claims.setdefault(row["claim_id"], []).append(index)
    for claim_id, members in claims.items():
        # the claim's authorization: the first non-blank one its rows give
        given = [rows[i]["prior_authorization"] for i in members]
        authorization = next((text for text in given if text and text.strip()), None)
        claim = Claim(
            payer=rows[members[0]]["payer"],
            lines=[_line(rows[i]) for i in members],
            prior_authorization=authorization,
            claim_id=claim_id,
        )
        for finding in registry.check(claim, as_of=as_of, **options).findings:
            line = int(finding.path[len("lines[") : finding.path.index("]")])
            key = (
                members[line],
                claim_id,
                line,
                finding.rule,
                finding.severity.value,
                finding.path,
            )
            ids = [source.id for source in finding.sources]
            if (cited := _cited(key, ids, with_sources)) is not None:
                out[cited] += 1
    return out


def got(table: Any, *, with_sources: bool = False) -> Counter[Key]:
    """The same keys from a compiled findings table (a polars DataFrame)."""
    out: Counter[Key] = Counter()
    names = ("row", "claim_id", "line", "rule", "severity", "path", "sources")
    for row in table.select(*names).rows():
        if (cited := _cited(tuple(row[:-1]), row[-1], with_sources)) is not None:
            out[cited] += 1
    return out
