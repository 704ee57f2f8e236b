"""The rules on the rows: the signatures' answers joined back to the lines, and what a
signature cannot settle, finished on the lines themselves: the units against the
amount, the diagnoses, and everything that reads the claim (one group-by over the claim
id gives what is claim-wide; the rules that compare lines of one claim, such as "an
administration on the same day", join only the few lines a signature flagged)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import narwhals as nw

from ._clean import diagnosis_elements
from ._plan import Plan
from ._rules import RANK, Backend, feature, plan_table

__all__ = ["IDENTITY", "Engine", "JoinsSortLast", "claim_context", "row_findings"]

IDENTITY = ("row", "claim", "pidx", "code_id")
"""What a finding keeps of its line: its row, its claim's key (the row of the claim's
first line: an integer to join on, where the claim id is text; null for a line alone),
its payer's and code's places in the plan. The claim id, line id and payer are joined
in once, at the end."""

NO_DAY = dt.date(1, 1, 1)
"""The day key of an undated line, so that undated lines of a claim share a day, as
they do for the Python checker."""


class Engine(Backend, Protocol):
    """A backend that also reads the user's table and hands small tables to Python."""

    def distinct(self, frame: nw.LazyFrame[Any], column: str) -> list[Any]: ...

    def rows(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]: ...

    def unique(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The distinct rows of ``frame``, in no order."""
        ...

    keeps_order: bool
    """Whether a frame keeps the order of its rows through :meth:`lookup` and
    :meth:`identify` (polars): the findings are sorted while they are a few integers
    wide. Where it does not (SQL), they are sorted last."""

    def lookup(
        self, frame: nw.LazyFrame[Any], table: nw.LazyFrame[Any], on: str
    ) -> nw.LazyFrame[Any]:
        """``frame`` with the other columns of ``table`` (one row per ``on``; nulls where
        none), in ``frame``'s order where the engine :attr:`keeps_order`."""
        ...

    def identify(self, frame: nw.LazyFrame[Any], prepared: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``frame`` with the ``claim_id`` and ``line_id`` of its ``row`` in ``prepared``,
        in ``frame``'s order where the engine :attr:`keeps_order`."""
        ...

    def hashed(self, frame: nw.LazyFrame[Any], columns: tuple[str, ...]) -> nw.LazyFrame[Any]:
        """``frame`` with ``hash``, a 64-bit (or narrower) signed integer hash of
        ``columns``: equal values give equal hashes; the run checks that the distinct
        values it meets give distinct hashes before it joins on the hash alone."""
        ...


Frame = nw.LazyFrame[Any]


class JoinsSortLast:
    """:meth:`Engine.lookup` and :meth:`Engine.identify` as plain joins, for the engines
    whose frames keep no order (SQL): their findings are sorted last."""

    keeps_order = False

    def lookup(self, frame: Frame, table: Frame, on: str) -> Frame:
        return frame.join(table, on=on, how="left")

    def identify(self, frame: Frame, prepared: Frame) -> Frame:
        return frame.join(prepared.select("row", "claim_id", "line_id"), on="row", how="inner")


def _emit(frame: Frame, rule: str, path: str | nw.Expr, at: nw.Expr | None = None) -> Frame:
    """The finding of ``rule`` on each row of ``frame``, with the row's identity."""
    path_expr = nw.lit(path) if isinstance(path, str) else path
    return frame.select(
        *IDENTITY,
        nw.lit(RANK[rule], nw.Int64).alias("rank"),
        path_expr.alias("rel_path"),
        (nw.lit(0, nw.Int64) if at is None else at).alias("at"),
        nw.lit(0, nw.Int64).alias("ckey"),
    )


def row_findings(
    rows: Frame,
    given: Frame,
    context: Frame,
    sig_hits: Frame,
    flags: list[str],
    claim_flags: list[str],
    plan: Plan,
    engine: Engine,
) -> list[Frame]:
    """The findings of the rows, in parts, each with its line's identity:
    ``(*IDENTITY, rank, rel_path, at, ckey)`` (``ckey``: the record a finding enforces,
    see :attr:`Plan.described`)."""
    c = feature(engine.packs)
    out: list[Frame] = [
        rows.select(*IDENTITY, "sig")
        .join(sig_hits, on="sig", how="inner")
        .select(*IDENTITY, "rank", "rel_path", "at", "ckey")
    ]
    chosen = {name[2:] for name in flags}
    claims = rows.filter(c("in_claim"))

    if "code.unknown" in chosen:
        found = rows.filter(c("f:code.unknown"))
        known = context.filter(c("any_known")).select("claim")
        out.append(_emit(found.filter(~c("in_claim")), "code.unknown", "code"))
        out.append(
            _emit(
                found.filter(c("in_claim")).join(known, on="claim", how="semi"),
                "code.unknown",
                "code",
            )
        )
    for rule in sorted(chosen & _AUTHORIZATION):
        found = rows.filter(c(f"f:{rule}"))
        authorized = context.filter(c("authorized")).select("claim")
        out.append(_emit(found.filter(~c("in_claim")), rule, "code"))
        out.append(
            _emit(
                found.filter(c("in_claim")).join(authorized, on="claim", how="anti"),
                rule,
                "code",
            )
        )
    wastage_rules = sorted(chosen & {"medicare.jw-required", "medicare.jw-jz-required"})
    if wastage_rules:
        wastage = engine.unique(
            claims.filter(c("known") & c("has_JW")).select("claim", "code_id", "dkey")
        )
        for rule in wastage_rules:
            found = rows.filter(c(f"f:{rule}"))
            out.append(_emit(found.filter(~c("in_claim")), rule, "modifiers"))
            out.append(
                _emit(
                    found.filter(c("in_claim")).join(
                        wastage, on=["claim", "code_id", "dkey"], how="anti"
                    ),
                    rule,
                    "modifiers",
                )
            )
    out.extend(_units(rows, chosen, c))
    out.extend(_diagnoses(rows, given, chosen, plan, engine, c))
    if claim_flags:
        chosen_claim = {name[2:] for name in claim_flags}
        out.extend(_claim_rules(rows, claims, context, chosen_claim, plan, engine))
    return out


_AUTHORIZATION = frozenset(
    {
        "payer.prior-authorization",
        "payer.prior-authorization-varies",
        "payer.prior-authorization-not-available",
    }
)


def claim_context(claims: Frame, plan: Plan, packed: bool) -> Frame:
    """What is claim-wide, one row per claim (``claim``, its key), from one group-by:
    what the claim rules read (a claim has a product line when ``first_product`` is
    not null, an administration when ``first_admin`` is not), and whether its rows are
    ``together``."""
    c = feature(packed)
    service = plan.home_services_id
    return (
        claims.with_columns(
            prow=nw.when(c("is_product")).then(c("row")),
            arow=nw.when(c("is_admin")).then(c("row")),
            srow=nw.when(c("code_id") == service).then(c("row")),
            linked=nw.when(c("is_product") & c("has_admin_links")).then(c("code_id")),
        )
        .group_by("claim")
        .agg(
            c("row").max().alias("last"),
            c("row").count().alias("count"),
            c("known").max().alias("any_known"),
            c("outside").max().alias("any_outside"),
            c("pa").max().alias("authorized"),
            c("is_admin_or_home").max().alias("any_admin_or_home"),
            c("linked").min().alias("linked_low"),
            c("linked").max().alias("linked_high"),
            c("home_drug").max().alias("any_drug"),
            c("prow").min().alias("first_product"),
            c("arow").min().alias("first_admin"),
            c("srow").min().alias("first_service"),
        )
        # (a claim's key is its first row: its rows are together when they run from it
        # to its last row)
        .with_columns(together=c("last") - c("claim") + 1 == c("count"))
        .drop("last", "count")
    )


def _units(rows: Frame, chosen: set[str], c: Any) -> list[Frame]:
    """The units against the amount (the amount discarded on a JW line, else the dose):
    the signature flagged the lines whose code is billed per milligrams and that give
    whole units and an amount."""
    wanted = [rule for rule in ("units.dose-mismatch", "units.rounding") if rule in chosen]
    if not wanted:
        return []
    amount = nw.when(c("has_JW")).then(c("disc")).otherwise(c("dose"))
    exact = amount / c("unit_qty")
    whole = exact == exact.floor()
    found = rows.filter(nw.any_horizontal(*(c(f"f:{rule}") for rule in wanted), ignore_nulls=True))
    found = found.with_columns(exact=exact, whole=whole)
    e = c("exact")
    out = []
    if "units.dose-mismatch" in wanted:
        cond = c("f:units.dose-mismatch") & (
            nw.when(c("whole"))
            .then(c("units") != e)
            .otherwise((c("units") != e.floor()) & (c("units") != e.ceil()))
        )
        out.append(_emit(found.filter(cond.fill_null(False)), "units.dose-mismatch", "units"))
    if "units.rounding" in wanted:
        cond = (
            c("f:units.rounding")
            & ~c("whole")
            & ((c("units") == e.floor()) | (c("units") == e.ceil()))
        )
        out.append(_emit(found.filter(cond.fill_null(False)), "units.rounding", "units"))
    return out


_DIAGNOSIS_RULES = (
    "coverage.diagnosis-not-known",
    "medicare.home-ivig-diagnosis",
    "medicare.ncd-250.3",
    "diagnosis.malformed",
    "diagnosis.wrong-code-set",
)


def _diagnoses(
    rows: Frame, given: Frame, chosen: set[str], plan: Plan, engine: Engine, c: Any
) -> list[Frame]:
    """The diagnosis rules. Each line's diagnoses (from ``given``: ``row``, ``cs``,
    ``dx``) one row each; each distinct text cleaned once by the library's validators for
    each code set (see :func:`passive_ig.compiled._clean.diagnosis_elements`). Most
    diagnoses are well-formed codes of the set in force and on no list a rule reads:
    only the others (``notable``) meet their line's flags, unless the coverage note is
    asked for."""
    wanted = [rule for rule in _DIAGNOSIS_RULES if rule in chosen]
    if not wanted:
        return []
    flags = [f"f:{rule}" for rule in wanted]
    kept = ["m"] if engine.packs else flags
    # (each line's diagnoses, one row each, made once: four readers below)
    items = engine.cache(engine.explode(given.select("row", "cs", "dx"), "dx"))
    table = diagnosis_elements(plan, engine.distinct(items, "value"))
    elements = engine.table(
        table,
        {
            "value": "str",
            "cs": "int",
            "cleaned": "str",
            "wrong": "bool",
            "pidd": "bool",
            "ncd": "bool",
            "notable": "bool",
        },
    )
    notable = engine.cache(
        items.join(elements.filter(c("notable")), on=["value", "cs"], how="inner")
        .select("row", "pos", "cleaned", "wrong", "ncd")
        .join(rows.select(*IDENTITY, *kept), on="row", how="inner")
    )
    out = []
    position = nw.concat_str(nw.lit("diagnoses["), c("pos").cast(nw.String), nw.lit("]"))
    if "diagnosis.malformed" in wanted:
        bad = notable.filter(c("f:diagnosis.malformed") & c("cleaned").is_null())
        out.append(_emit(bad, "diagnosis.malformed", position, nw.col("pos")))
    if "diagnosis.wrong-code-set" in wanted:
        wrong = notable.filter(c("f:diagnosis.wrong-code-set") & c("wrong"))
        out.append(_emit(wrong, "diagnosis.wrong-code-set", position, nw.col("pos")))
    if "medicare.ncd-250.3" in wanted:
        listed = engine.unique(
            notable.filter(c("f:medicare.ncd-250.3") & c("ncd")).select(*IDENTITY)
        )
        out.append(_emit(listed, "medicare.ncd-250.3", "diagnoses"))
    if "medicare.home-ivig-diagnosis" in wanted:
        home = rows.filter(c("f:medicare.home-ivig-diagnosis")).select(*IDENTITY)
        theirs = items.join(home.select("row"), on="row", how="semi")
        listed = theirs.join(elements.filter(c("pidd")), on=["value", "cs"], how="semi")
        out.append(
            _emit(
                home.join(listed.select("row"), on="row", how="anti"),
                "medicare.home-ivig-diagnosis",
                "diagnoses",
            )
        )
    if "coverage.diagnosis-not-known" in wanted:
        asked = rows.filter(c("f:coverage.diagnosis-not-known")).select(*IDENTITY, "pc")
        valid = (
            items.join(elements.filter(~c("cleaned").is_null()), on=["value", "cs"], how="inner")
            .select("row", "cleaned")
            .join(asked, on="row", how="inner")
        )
        complete = plan_table(engine, plan, "complete_table", {"pc": "int", "cleaned": "str"})
        named = valid.join(complete, on=["pc", "cleaned"], how="semi").select("row")
        given_rows = engine.unique(valid.select(*IDENTITY))
        out.append(
            _emit(
                given_rows.join(named, on="row", how="anti"),
                "coverage.diagnosis-not-known",
                "diagnoses",
            )
        )
    return out


def _claim_rules(
    rows: Frame, claims: Frame, context: Frame, chosen: set[str], plan: Plan, engine: Engine
) -> list[Frame]:
    c = feature(engine.packs)
    out: list[Frame] = []

    def at_row(first: Frame, rule: str, path: str) -> Frame:
        """The finding of ``rule`` on the line ``first.row``, where its gate lets it."""
        flag = "m" if engine.packs else f"g:{rule}"
        lines = first.join(rows.select(*IDENTITY, flag), on="row", how="inner")
        return _emit(lines.filter(c(f"g:{rule}")), rule, path)

    rule = "claim.product-without-administration"
    if rule in chosen:
        first = context.filter(~c("first_product").is_null() & ~c("any_admin_or_home"))
        out.append(at_row(first.select(c("first_product").alias("row")), rule, "code"))
    rule = "claim.administration-without-product"
    if rule in chosen:
        first = context.filter(
            c("first_product").is_null() & ~c("any_outside") & ~c("first_admin").is_null()
        )
        out.append(at_row(first.select(c("first_admin").alias("row")), rule, "code"))
    rule = "claim.administration-route-mismatch"
    if rule in chosen:
        # the administration codes that fit are those linked to any product of the claim:
        # most claims bill one product code (lowest == highest), looked up directly
        linked = context.filter(~c("linked_low").is_null()).select(
            "claim", "linked_low", "linked_high"
        )
        admins = (
            claims.filter(c("is_admin") & c(f"g:{rule}"))
            .select(*IDENTITY, c("code_id").alias("admin_id"))
            .join(linked, on="claim", how="inner")
        )
        fits = plan_table(engine, plan, "fits", {"product_id": "int", "admin_id": "int"})
        single = admins.filter(c("linked_low") == c("linked_high")).with_columns(
            product_id=c("linked_low")
        )
        out.append(
            _emit(single.join(fits, on=["product_id", "admin_id"], how="anti"), rule, "code")
        )
        several = admins.filter(c("linked_low") != c("linked_high"))
        products = engine.unique(
            claims.filter(c("is_product") & c("has_admin_links"))
            .join(engine.unique(several.select("claim")), on="claim", how="semi")
            .select("claim", c("code_id").alias("product_id"))
        )
        fitting = engine.unique(
            several.select("row", "claim", "admin_id")
            .join(products, on="claim", how="inner")
            .join(fits, on=["product_id", "admin_id"], how="semi")
            .select("row")
        )
        out.append(_emit(several.join(fitting, on="row", how="anti"), rule, "code"))
    rule = "claim.em-without-25"
    if rule in chosen:
        asked = claims.filter(c("em") & ~c("has_25") & c(f"g:{rule}"))
        # (only the claims of the few E/M lines without 25 are looked at)
        their = engine.unique(asked.select("claim"))
        days = engine.unique(
            claims.filter(c("is_admin")).join(their, on="claim", how="semi").select("claim", "dkey")
        )
        out.append(_emit(asked.join(days, on=["claim", "dkey"], how="semi"), rule, "modifiers"))
    rule = "medicare.home-ivig-same-place"
    if rule in chosen:
        both = context.filter(~c("first_service").is_null() & c("any_drug"))
        service = plan.home_services_id
        keyed = (
            claims.filter((c("code_id") == service) | c("home_drug"))
            .join(both.select("claim"), on="claim", how="semi")
            .with_columns(
                place_key=c("place"),
                is_service=c("code_id") == service,
            )
        )
        per_place = keyed.group_by("claim", "place_key").agg(
            c("is_service").max().alias("s"), c("home_drug").max().alias("d")
        )
        differ = (
            per_place.group_by("claim")
            .agg((c("s") != c("d")).max().alias("differ"))
            .filter(c("differ"))
        )
        first = both.join(differ, on="claim", how="semi").select(c("first_service").alias("row"))
        out.append(at_row(first, rule, "place_of_service"))
    return out
