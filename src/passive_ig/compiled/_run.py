"""Running a plan: the compiled rules on the rows they can take, the Python checker
on the rest, one findings table out."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

import narwhals as nw

from ..answers import Report, Severity
from ..claims import Claim, ClaimLine
from ..errors import InvalidInputError
from ._plan import OUTPUT_COLUMNS, Plan, plan_for
from ._rules import Backend, findings

if TYPE_CHECKING:
    from ..registry import Registry

OUTPUT_TYPES = {
    "row": "int",
    "claim_id": "str",
    "line": "int",
    "line_id": "str",
    "payer": "str",
    "rule": "str",
    "severity": "str",
    "message": "str",
    "path": "str",
    "suggestion": "str",
    "sources": "list[str]",
}

# the columns a backend's prepared table has (see Engine.prepare)
PREPARED = (
    "row",
    "claim_id",
    "line",
    "line_id",
    "payer_raw",
    "code_raw",
    "mods",
    "units",
    "pos_raw",
    "date",
    "dx",
    "dose",
    "disc",
    "em",
    "pa_raw",
    "unsafe",
)


class Engine(Backend, Protocol):
    """A backend that also reads the user's table and hands rows to Python."""

    def distinct(self, frame: nw.LazyFrame[Any], column: str) -> list[Any]: ...

    def rows(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]: ...


def run(
    prepared: nw.LazyFrame[Any],
    engine: Engine,
    registry: Registry,
    *,
    as_of: dt.date | None,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    min_severity: Severity | str | None,
    notes: bool,
) -> nw.LazyFrame[Any]:
    """The findings table of ``prepared`` (a table with the columns of PREPARED)."""
    plan = plan_for(registry, select=select, ignore=ignore, min_severity=min_severity, notes=notes)
    payers: dict[str | None, str] = {}
    for value in engine.distinct(prepared, "payer_raw"):
        if value is None:
            raise InvalidInputError(
                None, "a payer: the payer argument, or a 'payer' value on every row", what="payer"
            )
        payers[value] = registry.payers[value].id
    payer_table = engine.table(
        {"payer_raw": list(payers), "payer": list(payers.values())},
        {"payer_raw": "str", "payer": "str"},
    )
    lines = prepared.join(payer_table, on="payer_raw", how="left")
    # a claim with a row the compiled cleaning cannot take goes to Python whole
    lines = lines.with_columns(
        unsafe=nw.when(nw.col("claim_id").is_null())
        .then(nw.col("unsafe"))
        .otherwise(nw.col("unsafe").max().over("claim_id"))
    )
    safe = lines.filter(~nw.col("unsafe"))
    rules = engine.table(
        plan.rule_table,
        {"rule": "str", "rank": "int", "severity": "str", "message": "str", "sources": "list[str]"},
    )
    compiled = findings(safe, plan, engine, as_of).join(rules, on="rule", how="left")
    identity = lines.select(
        "row",
        "claim_id",
        nw.when(~nw.col("claim_id").is_null()).then(nw.col("line")).alias("line"),
        "line_id",
        "payer",
    )
    compiled = compiled.join(identity, on="row", how="left").with_columns(
        path=nw.when(nw.col("claim_id").is_null())
        .then(nw.col("rel_path"))
        .otherwise(
            nw.concat_str(
                nw.lit("lines["), nw.col("line").cast(nw.String), nw.lit("]."), nw.col("rel_path")
            )
        ),
        suggestion=nw.lit(None, nw.String),
    )
    parts = [compiled.select(*OUTPUT_COLUMNS, "rank")]
    python_rows = _python(lines, engine, registry, plan, as_of)
    if python_rows["row"]:
        types = dict(OUTPUT_TYPES, rank="int")
        parts.append(engine.table(python_rows, types).select(*OUTPUT_COLUMNS, "rank"))
    out = nw.concat(parts, how="vertical") if len(parts) > 1 else parts[0]
    return out.sort("row", "rank", "path").select(*OUTPUT_COLUMNS)


def _python(
    lines: nw.LazyFrame[Any], engine: Engine, registry: Registry, plan: Plan, as_of: dt.date | None
) -> dict[str, list[Any]]:
    """The findings the Python checker gives: every rule on the unsafe rows' claims, and
    the rules with no compiled form on the other rows."""
    columns: dict[str, list[Any]] = {name: [] for name in (*OUTPUT_COLUMNS, "rank")}
    ranks = dict(zip(plan.rule_table["rule"], plan.rule_table["rank"], strict=True))
    wanted = ("row", "claim_id", "line", "line_id", "payer", *_RAW)
    selection = plan.selection
    batches: list[tuple[list[dict[str, Any]], dict[str, Any]]] = [
        (
            engine.rows(lines.filter(nw.col("unsafe")), wanted),
            {
                "select": list(selection.select) or None,
                "ignore": list(selection.ignore) or None,
                "min_severity": selection.min_severity,
                "notes": selection.notes,
            },
        )
    ]
    if plan.fallback:
        batches.append(
            (engine.rows(lines.filter(~nw.col("unsafe")), wanted), {"select": list(plan.fallback)})
        )
    for rows, options in batches:
        if not rows:
            continue
        for report, members in _check(registry, rows, as_of, options):
            for finding in report.findings:
                row = _row_of(finding.path, members)
                columns["row"].append(row["row"])
                columns["claim_id"].append(row["claim_id"])
                columns["line"].append(row["line"] if row["claim_id"] is not None else None)
                columns["line_id"].append(row["line_id"])
                columns["payer"].append(report.payer)
                columns["rule"].append(finding.rule)
                columns["severity"].append(finding.severity.value)
                columns["message"].append(finding.message)
                columns["path"].append(finding.path)
                columns["suggestion"].append(finding.suggestion)
                columns["sources"].append([source.id for source in finding.sources])
                columns["rank"].append(ranks[finding.rule])
    return columns


_RAW = (
    "code_raw",
    "mods",
    "units",
    "pos_raw",
    "date",
    "dx",
    "dose",
    "disc",
    "em",
    "pa_raw",
)


def _row_of(path: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    if len(members) == 1 and members[0]["claim_id"] is None:
        return members[0]
    index = int(path[len("lines[") : path.index("]")])
    return members[index]


def _units(value: object) -> object:
    if isinstance(value, float) and not value.is_integer():
        return decimal.Decimal(repr(value))
    if isinstance(value, float):
        return int(value)
    return value


def claim_line(row: dict[str, Any]) -> ClaimLine:
    """The :class:`ClaimLine` of a prepared row."""
    return ClaimLine(
        code=row["code_raw"],
        modifiers=tuple(row["mods"] or ()),
        units=_units(row["units"]),  # type: ignore[arg-type]
        place_of_service=row["pos_raw"],
        date_of_service=row["date"],
        diagnoses=tuple(row["dx"] or ()),
        dose_mg=row["dose"],
        discarded_mg=row["disc"],
        evaluation_and_management=bool(row["em"]),
        line_id=row["line_id"],
    )


def _check(
    registry: Registry,
    rows: list[dict[str, Any]],
    as_of: dt.date | None,
    options: dict[str, Any],
) -> Iterable[tuple[Report, list[dict[str, Any]]]]:
    rows = sorted(rows, key=lambda row: row["row"])
    claims: dict[str, list[dict[str, Any]]] = {}
    alone: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["claim_id"] is None:
            alone.setdefault(row["payer"], []).append(row)
        else:
            claims.setdefault(row["claim_id"], []).append(row)
    for payer, members in alone.items():
        reports = registry.check_many(
            [claim_line(row) for row in members], payer=payer, as_of=as_of, **options
        )
        for report, row in zip(reports, members, strict=True):
            yield report, [row]
    items = []
    for claim_id, members in claims.items():
        authorization = next(
            (row["pa_raw"] for row in members if row["pa_raw"] and row["pa_raw"].strip()),
            next((row["pa_raw"] for row in members if row["pa_raw"] is not None), None),
        )
        items.append(
            Claim(
                payer=members[0]["payer"],
                lines=[claim_line(row) for row in members],
                prior_authorization=authorization,
                claim_id=claim_id,
            )
        )
    for report, item in zip(
        registry.check_many(items, as_of=as_of, **options), claims.values(), strict=True
    ):
        yield report, item
