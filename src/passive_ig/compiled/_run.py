"""Running a plan: the table's lines numbered, keyed by their signature and cleaned
(:mod:`passive_ig.compiled._clean`), the signatures' rules (:mod:`._rules`) and the
lines' (:mod:`._rows`), and one findings table out, each finding with what it says and
cites. A rule with no compiled form (none today) runs through the Python checker."""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import narwhals as nw

from ..answers import Report, Severity
from ..claims import Claim, ClaimLine
from ..codes import (
    ICD10_CM_START,
    validate_code,
    validate_modifier,
    validate_place_of_service,
)
from ..errors import UnknownPayerError
from ._clean import ICD9, ICD10, NOT_DATED, cleaning
from ._plan import OUTPUT_COLUMNS, Plan, plan_for
from ._rows import NO_DAY, Engine, claim_context, row_findings
from ._rules import ASKED, RANK, plan_table, signature_rules

if TYPE_CHECKING:
    from ..registry import Registry

OUTPUT_TYPES = {
    "row": "int",
    "claim_id": "str",
    "line": "int",
    "line_id": "str",
    "payer": "str",
    "rule": "cat",
    "severity": "cat",
    "message": "cat",
    "path": "str",
    "suggestion": "str",
    "sources": "list[cat]",
}

PREPARED = (
    "row",
    "claim_id",
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
)
"""The columns of the table each engine's ``prepare`` makes of the user's table."""


SIGNATURE = ("payer", "code_key", "mods", "pos_key", "fl")
"""What the line rules read of a line, bar its numbers, diagnoses and claim (see
:mod:`passive_ig.compiled._rules`): ``fl`` packs the line's yes/no facts and the
breakpoint interval of its day into one integer (see :data:`FLAGS`). None of these
columns is ever null."""

ROW_COLUMNS = (
    "row",
    "claim",
    "units",
    "dose",
    "disc",
    "em",
    "pa",
    "dkey",
    "in_claim",
)
"""What the rules read of a line besides its signature (``pa``: the line gives a prior
authorization, not blank)."""

FLAGS = ("units_null", "frac", "dose_null", "disc_null", "discarded", "has_dx", "in_claim", "em")
"""The bits of ``fl``, lowest first; the bits above them hold the day's interval + 1."""

NULL_TEXT = "\x00passive_ig:null\x00"
"""Stands for a missing code or place of service in a signature (a join never matches
nulls); no claim gives this text."""

_SIGNATURE_TYPES = {
    "sig": "int",
    "hash": "int",
    "payer": "str",
    "code_key": "str",
    "mods": "list[str]",
    "pos_key": "str",
    "fl": "int",
    **dict.fromkeys(FLAGS, "bool"),
    "code": "str",
    "code_bad": "bool",
    "pos": "str",
    "pos_bad": "bool",
    "has_pos_raw": "bool",
    "has_mods_raw": "bool",
    "has_dx_raw": "bool",
    "has_units": "bool",
    "day": "date",
    "pidx": "int",
    "place": "int",
    **{f"has_{modifier}": "bool" for modifier in ASKED},
}


def run(
    prepared: nw.LazyFrame[Any],
    engine: Engine,
    registry: Registry | None,
    *,
    as_of: dt.date | None,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    min_severity: Severity | str | None,
    notes: bool,
    payer: str | None = None,
) -> nw.LazyFrame[Any]:
    """The findings table of ``prepared`` (a table with the columns of PREPARED);
    ``payer`` is the payer argument the rows' payers default to; ``registry`` defaults
    to :data:`passive_ig.registry`."""
    if registry is None:
        from ..registry import registry as default

        registry = default
    plan = plan_for(registry, select=select, ignore=ignore, min_severity=min_severity, notes=notes)
    c = nw.col
    if payer is not None:
        registry.payers[payer]  # an unknown payer argument is misuse: it raises at once
    payers: dict[str | None, str] = {}
    unchecked: dict[str, str] = {}  # a row's payer text (NULL_TEXT: none) -> why not checked
    for value in engine.distinct(prepared, "payer_raw"):
        if value is None:
            unchecked[NULL_TEXT] = (
                "no payer: give the payer argument, or a 'payer' value on the row"
            )
            continue
        try:
            payers[value] = registry.payers[value].id
        except UnknownPayerError as exc:  # a row's own payer: that row's error, not the table's
            unchecked[value] = f"the row's payer: {exc}"
    day = c("date") if as_of is None else nw.coalesce(c("date"), nw.lit(as_of))
    lines = prepared.with_columns(payer=_payer_ids(payers), day=day)
    refused = _unchecked(prepared, unchecked, engine) if unchecked else None
    if unchecked:
        lines = lines.filter(~c("payer").is_null())
    given = lines
    bounds = engine.rows(
        lines.select(c("day").min().alias("lo"), c("day").max().alias("hi")), ("lo", "hi")
    )
    low, high = (bounds[0]["lo"], bounds[0]["hi"]) if bounds else (None, None)
    facts = {
        "units_null": c("units").is_null(),
        "frac": (c("units") != c("units").floor()).fill_null(False),
        "dose_null": c("dose").is_null(),
        "disc_null": c("disc").is_null(),
        "discarded": (c("disc") > 0).fill_null(False),
        "has_dx": (c("dx").list.len() > 0).fill_null(False),
        "in_claim": ~c("claim_id").is_null(),
        "em": c("em").fill_null(False),
    }
    packed: nw.Expr = (_bucket(plan.breakpoints, low, high) + 1) * (1 << len(FLAGS))
    for bit, name in enumerate(FLAGS):
        packed = packed + facts[name].cast(nw.Int64) * (1 << bit)
    code_set = (
        nw.when(c("day").is_null())
        .then(nw.lit(NOT_DATED))
        .when(c("day") < nw.lit(ICD10_CM_START))
        .then(nw.lit(ICD9))
        .otherwise(nw.lit(ICD10))
    )
    # the diagnoses, apart: most lines' are never looked at again (see _rows._diagnoses)
    diagnoses = lines.select("row", code_set.alias("cs"), "dx")
    rows = engine.share(
        engine.hashed(
            lines.with_columns(
                fl=packed,
                dkey=nw.coalesce(c("day"), nw.lit(NO_DAY)),
                in_claim=facts["in_claim"],
                claim=nw.when(facts["in_claim"]).then(c("row").min().over("claim_id")),
                pa=c("pa_raw").str.strip_chars().str.len_chars().fill_null(0) > 0,
                code_key=nw.coalesce(c("code_raw"), nw.lit(NULL_TEXT)),
                pos_key=nw.coalesce(c("pos_raw"), nw.lit(NULL_TEXT)),
            ).select(*ROW_COLUMNS, *SIGNATURE),
            SIGNATURE,
        )
    )
    # (the few distinct signatures hashed again: the hash is a function of the signature,
    # and a unique over it alone is the cheaper)
    keys = engine.rows(
        engine.hashed(engine.unique(rows.select(*SIGNATURE)), SIGNATURE), ("hash", *SIGNATURE)
    )
    sig_columns, mod_columns = _signatures(keys, plan)
    signatures = engine.table(sig_columns, {name: _SIGNATURE_TYPES[name] for name in sig_columns})
    mods = engine.table(mod_columns, {"sig": "int", "pos": "int", "mod": "str", "first": "bool"})
    hits, features, flags, claim_flags = signature_rules(signatures, mods, plan, engine)
    # a join on one integer, where the distinct signatures have distinct hashes (all but
    # always); on the signature's own columns where two share one
    on = ["hash"] if len(set(sig_columns["hash"])) == len(keys) else list(SIGNATURE)
    keyed = signatures.select(*on, "sig").join(features, on="sig", how="inner")
    given_rows = rows.drop(*(name for name in (*SIGNATURE, "hash") if name not in on))
    lines = engine.cache(given_rows.join(keyed, on=on, how="inner").drop(*on))
    context = engine.cache(claim_context(lines.filter(c("in_claim")), plan, engine.packs))
    found = engine.concat(
        row_findings(lines, diagnoses, context, hits, flags, claim_flags, plan, engine)
    )
    described = plan_table(
        engine,
        plan,
        "described",
        {
            "key": "int",
            "payer": "str",
            "rule": "cat",
            "severity": "cat",
            "message": "cat",
            "sources": "list[cat]",
        },
    )
    ranks, codes, records = plan.key_sizes
    key = ((c("pidx") * ranks + c("rank")) * codes + c("code_id") + 1) * records + c("ckey")
    # one integer to sort by: the line, then the rule's place, then the position the
    # finding is about (a modifier's or a diagnosis'; past 1023, ties keep no order)
    places = 1 << len(RANK).bit_length()
    order = (c("row") * places + c("rank")) * 1024 + nw.min_horizontal(c("at"), nw.lit(1023))
    found = (
        _renumbered(found, lines, context, engine)
        .with_columns(key=key, order=order)
        .select("row", "claim", "line", "rel_path", "key", "order")
    )
    if engine.keeps_order:  # sorted while the findings are a few integers wide
        found = found.sort("order")
    # what a finding says, its payer, and its line's ids: looked up once, on integers
    found = engine.identify(engine.lookup(found, described, "key"), prepared)
    compiled = found.with_columns(
        path=nw.when(c("claim").is_null())
        .then(c("rel_path"))
        .otherwise(
            nw.concat_str(nw.lit("lines["), c("line").cast(nw.String), nw.lit("]."), c("rel_path"))
        ),
        suggestion=nw.lit(None, nw.String),
    )
    out = compiled.select(*OUTPUT_COLUMNS, "order")
    extra = [] if refused is None else [refused.with_columns(order=order)]
    if plan.fallback:
        python_rows = _python(given, engine, registry, plan, as_of)
        if python_rows["row"]:
            types = dict(OUTPUT_TYPES, rank="int", at="int")
            table = engine.table(python_rows, types).with_columns(order=order)
            extra.append(table.select(*OUTPUT_COLUMNS, "order"))
    if extra:
        out = engine.concat([out, *(part.select(*OUTPUT_COLUMNS, "order") for part in extra)])
    if extra or not engine.keeps_order:
        out = out.sort("order")
    return out.select(*OUTPUT_COLUMNS)


def _unchecked(
    prepared: nw.LazyFrame[Any], why: dict[str, str], engine: Engine
) -> nw.LazyFrame[Any]:
    """One error row for each line that could not be checked, as ``check_frame`` gives:
    a payer passive_ig does not know, or none (no rule; the reason in ``message``)."""
    c = nw.col
    count = len(why)
    reasons = engine.table(
        {
            "key": list(why),
            "rule": [None] * count,
            "severity": ["error"] * count,
            "message": list(why.values()),
            "sources": [[] for _ in range(count)],
        },
        {"key": "str", "rule": "cat", "severity": "cat", "message": "cat", "sources": "list[cat]"},
    )
    keyed = prepared.with_columns(key=nw.coalesce(c("payer_raw"), nw.lit(NULL_TEXT)))
    return keyed.join(reasons, on="key", how="inner").select(
        "row",
        "claim_id",
        nw.lit(None, nw.Int64).alias("line"),
        "line_id",
        nw.lit(None, nw.String).alias("payer"),
        "rule",
        "severity",
        "message",
        nw.lit("payer").alias("path"),
        nw.lit(None, nw.String).alias("suggestion"),
        "sources",
        nw.lit(0, nw.Int64).alias("rank"),
        nw.lit(0, nw.Int64).alias("at"),
    )


def _payer_ids(payers: dict[str | None, str]) -> nw.Expr:
    """Each row's payer id, from the few distinct payer texts a table gives."""
    raw = nw.col("payer_raw")
    if not payers:  # no row's payer is one passive_ig knows
        return nw.lit(None, nw.String)
    if all(text == payer for text, payer in payers.items()):
        return raw
    expr: Any = nw
    for text, payer in payers.items():
        expr = expr.when(raw == nw.lit(text)).then(nw.lit(payer))
    return expr.otherwise(nw.lit(None, nw.String))  # type: ignore[no-any-return]


def _renumbered(
    found: nw.LazyFrame[Any],
    lines: nw.LazyFrame[Any],
    context: nw.LazyFrame[Any],
    engine: Engine,
) -> nw.LazyFrame[Any]:
    """The findings with ``line``, the place of their line in its claim (null for a line
    alone): its row less its claim's key, the claim's first row, when its rows are together in
    the table, as readers and exports give them (the claim context says); counted one
    by one for the claims whose rows are apart (usually none)."""
    c = nw.col
    found = found.with_columns(line=c("row") - c("claim"))
    apart = context.filter(~c("together")).select("claim")
    if not engine.rows(apart.head(1), ("claim",)):
        return found
    scattered = engine.rows(
        lines.join(apart, on="claim", how="semi").select("row", "claim"), ("row", "claim")
    )
    places: dict[int, int] = {}
    counted: dict[str, list[int]] = {"row": [], "counted": []}
    for item in sorted(scattered, key=lambda item: item["row"]):
        place = places.get(item["claim"], 0)
        places[item["claim"]] = place + 1
        counted["row"].append(item["row"])
        counted["counted"].append(place)
    table = engine.table(counted, {"row": "int", "counted": "int"})
    return (
        engine.lookup(found, table, "row")
        .with_columns(line=nw.coalesce(c("counted"), c("line")))
        .drop("counted")
    )


def _bucket(breakpoints: tuple[dt.date, ...], low: dt.date | None, high: dt.date | None) -> nw.Expr:
    """The breakpoint interval of each line's day: how many breakpoints fall on or before
    it (-1 for no day). Only the breakpoints between the table's first and last day are
    compared; those before the first day are one constant."""
    day = nw.col("day")
    if low is None or high is None:
        return nw.lit(-1)
    count: nw.Expr = nw.lit(bisect.bisect_right(breakpoints, low))
    for point in breakpoints:
        if low < point <= high:
            count = count + (day >= nw.lit(point)).cast(nw.Int64)
    return nw.when(day.is_null()).then(nw.lit(-1)).otherwise(count)


def _representative(breakpoints: tuple[dt.date, ...], bucket: int) -> dt.date | None:
    """A day of breakpoint interval ``bucket`` (every day of it gets the same answers)."""
    if bucket < 0:
        return None
    if bucket == 0:
        return breakpoints[0] - dt.timedelta(days=1)
    return breakpoints[bucket - 1]


def _signatures(
    keys: list[dict[str, Any]], plan: Plan
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The table of distinct signatures, cleaned, and their modifiers, one row each
    (made column by column: a few thousand signatures, each read once)."""
    clean = cleaning(plan)
    column = {name: [key[name] for key in keys] for name in (*SIGNATURE, "hash")}
    codes_raw = [None if text == NULL_TEXT else text for text in column["code_key"]]
    places_raw = [None if text == NULL_TEXT else text for text in column["pos_key"]]
    codes = [clean(validate_code, text) for text in codes_raw]
    places = [
        None if text is None else clean(validate_place_of_service, text) for text in places_raw
    ]
    packed = column["fl"]
    places_index: dict[str | None, int] = {None: 0}
    payer_index = {payer: index for index, payer in enumerate(plan.payer_ids)}
    table: dict[str, list[Any]] = {
        "sig": list(range(len(keys))),
        **column,
        **{name: [bool(value >> bit & 1) for value in packed] for bit, name in enumerate(FLAGS)},
        "code": codes,
        "code_bad": [code is None for code in codes],
        "pos": places,
        "pos_bad": [
            raw is not None and pos is None for raw, pos in zip(places_raw, places, strict=True)
        ],
        "has_pos_raw": [raw is not None for raw in places_raw],
        "has_mods_raw": [bool(values) for values in column["mods"]],
        "day": [_representative(plan.breakpoints, (value >> len(FLAGS)) - 1) for value in packed],
        "pidx": [payer_index[payer] for payer in column["payer"]],
        # (the cleaned place as a number, for the rows to carry: -1 for none)
        "place": [places_index.setdefault(place, len(places_index)) - 1 for place in places],
    }
    table["has_dx_raw"] = table["has_dx"]
    table["has_units"] = [not null for null in table["units_null"]]
    mods: dict[str, list[Any]] = {"sig": [], "pos": [], "mod": [], "first": []}
    asked: dict[str, list[bool]] = {modifier: [] for modifier in ASKED}
    for sig, values in enumerate(column["mods"]):
        seen: set[str] = set()
        for position, value in enumerate(values or ()):
            if value is None:  # a null item of a list column is no modifier (and is skipped)
                continue
            modifier = clean(validate_modifier, value)
            mods["sig"].append(sig)
            mods["pos"].append(position)
            mods["mod"].append(modifier)
            mods["first"].append(modifier is not None and modifier not in seen)
            if modifier is not None:
                seen.add(modifier)
        for modifier in ASKED:
            asked[modifier].append(modifier in seen)
    for modifier in ASKED:
        table[f"has_{modifier}"] = asked[modifier]
    return {name: table[name] for name in _SIGNATURE_TYPES}, mods


def _python(
    lines: nw.LazyFrame[Any], engine: Engine, registry: Registry, plan: Plan, as_of: dt.date | None
) -> dict[str, list[Any]]:
    """The findings the Python checker gives for the rules with no compiled form."""
    columns: dict[str, list[Any]] = {name: [] for name in (*OUTPUT_COLUMNS, "rank", "at")}
    ranks = dict(zip(plan.rule_table["rule"], plan.rule_table["rank"], strict=True))
    wanted = ("row", "claim_id", "line_id", "payer", *_RAW)
    rows = engine.rows(lines, wanted)
    if not rows:
        return columns
    for report, members in _check(registry, rows, as_of, {"select": list(plan.fallback)}):
        for finding in report.findings:
            row, line = _row_of(finding.path, members)
            columns["row"].append(row["row"])
            columns["claim_id"].append(row["claim_id"])
            columns["line"].append(line)
            columns["line_id"].append(row["line_id"])
            columns["payer"].append(report.payer)
            columns["rule"].append(finding.rule)
            columns["severity"].append(finding.severity.value)
            columns["message"].append(finding.message)
            columns["path"].append(finding.path)
            columns["suggestion"].append(finding.suggestion)
            columns["sources"].append([source.id for source in finding.sources])
            columns["rank"].append(ranks[finding.rule])
            columns["at"].append(_position_of(finding.path))
    return columns


_RAW = tuple(name for name in PREPARED if name not in ("row", "claim_id", "line_id", "payer_raw"))
"""What the Python checker reads of a prepared line, besides its identity."""


def _position_of(path: str) -> int:
    """The position a finding's path ends on (``modifiers[2]``: 2), else 0."""
    if not path.endswith("]"):
        return 0
    return int(path[path.rindex("[") + 1 : -1])


def _row_of(path: str, members: list[dict[str, Any]]) -> tuple[dict[str, Any], int | None]:
    """The row a finding is about, and its place in its claim (None for a line alone)."""
    if len(members) == 1 and members[0]["claim_id"] is None:
        return members[0], None
    index = int(path[len("lines[") : path.index("]")])
    return members[index], index


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
            if isinstance(report, Report):  # every line here has a payer the registry knows
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
        if isinstance(report, Report):
            yield report, item
