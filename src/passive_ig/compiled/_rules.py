"""The compiled rules: one narwhals expression per rule, over a table of claim lines.

Each rule's *gate* (the payers it applies to, the dates it is in force, whether it
needs a known code, which codes its ``codes`` predicate accepts, what the line must
give, the modifiers it asks for) is generated from its declaration and the data
(:mod:`passive_ig.compiled._plan`); its *body* is written here once, as the
condition of its Python function over the lookup tables joined in. Per-modifier and
per-diagnosis rules run over the exploded modifiers and diagnoses; claim rules are
group-by and window expressions over ``claim_id``.

The same expressions run on every engine narwhals drives (polars, DuckDB, PySpark's
API); what differs by engine (making a table, exploding a list with positions) is
the backend's (see :class:`Backend`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

import narwhals as nw

from ._plan import HOME_SERVICES, Plan, RulePlan

__all__ = ["Backend", "findings"]

# (the patterns that strip a prefix are anchored at the start, so replacing all their
# matches replaces the one, as re.sub does in passive_ig.codes)
# the separators and whitespace the compiled cleaning strips: ASCII only (a row with
# any other character goes to the Python checker, see SAFE_TEXT)
_SEP = r"[ \-:#]"
SAFE_TEXT = r"^[A-Za-z0-9 .\-:#]*$"
"""What the compiled path cleans itself; a row whose code, modifiers, place of service or
diagnoses hold any other character (a tab, a non-ASCII letter) is checked by Python."""

CPT = r"^[0-9]{4}[0-9FTU]$"
HCPCS = r"^[A-Z][0-9]{4}$"
MODIFIER = r"^[A-Z0-9]{2}$"
DIAGNOSIS = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"
POS = r"^[0-9]{2}$"

# the modifiers a rule body or a with_modifiers asks about
ASKED = ("JW", "JZ", "JA", "JB", "25")


class Backend(Protocol):
    """What an engine gives the compiled rules."""

    def table(self, columns: dict[str, list[Any]], types: dict[str, str]) -> nw.LazyFrame[Any]:
        """A small lookup table from Python columns; types are ``"str"``, ``"bool"``,
        ``"int"``, ``"float"``, ``"date"`` or ``"list[str]"``."""
        ...

    def explode(self, frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        """``(row, pos, value)``: one row per item of the list column ``column``, with its
        position from 0; rows whose list is empty or null give none."""
        ...

    def cache(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``frame``, computed once where the engine would compute it again for each use."""
        ...


def _upper(expr: nw.Expr) -> nw.Expr:
    return expr.str.strip_chars(" ").str.to_uppercase()


def _in_force(day: nw.Expr, start: dt.date | None, end: dt.date | None) -> nw.Expr:
    """``day`` is null or inside [start, end] (null bounds open); start/end are dates,
    null or expressions."""
    cond = day.is_null()
    inside = nw.lit(True)
    if start is not None:
        inside = inside & (day >= nw.lit(start))
    if end is not None:
        inside = inside & (day <= nw.lit(end))
    return cond | inside


def _covers(day: nw.Expr, start: nw.Expr, end: nw.Expr) -> nw.Expr:
    """``day`` (not null) is inside [start, end], null bounds open."""
    return (start.is_null() | (day >= start)) & (end.is_null() | (day <= end))


def _gate(rule: RulePlan) -> nw.Expr:
    """What the declaration of ``rule`` lets through, as an expression over a line."""
    cond = nw.lit(True)
    if rule.payers is not None:
        cond = cond & nw.col("payer").is_in(list(rule.payers))
    flag = nw.col(f"ok:{rule.id}") if rule.codes else nw.lit(True)
    if rule.needs_code:
        cond = cond & nw.col("known") & flag
    elif rule.codes:
        cond = cond & (~nw.col("known") | flag)
    for need in rule.needs:
        cond = cond & nw.col(need)
    from ..rules import RULE_BY_ID

    with_modifiers = sorted(RULE_BY_ID[rule.id].with_modifiers)
    if with_modifiers:
        asked = nw.lit(False)
        for modifier in with_modifiers:
            asked = asked | nw.col(f"has_{modifier}")
        cond = cond & asked
    if rule.start is not None or rule.end is not None:
        cond = cond & _in_force(nw.col("day"), rule.start, rule.end)
    return cond


def _bools(frame: nw.LazyFrame[Any], names: list[str]) -> nw.LazyFrame[Any]:
    return frame.with_columns(*(nw.col(name).fill_null(False) for name in names))


def prepare(
    lines: nw.LazyFrame[Any], plan: Plan, backend: Backend, as_of: dt.date | None
) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any], nw.LazyFrame[Any]]:
    """The lines with every column the rules read, and the exploded modifiers and
    diagnoses (each joined with what its rules read)."""
    t = backend.table
    codes = t(plan.codes, {name: _code_type(name) for name in plan.codes})
    payer_codes = t(
        plan.payer_codes,
        {
            "payer": "str",
            "code": "str",
            "has_policy": "bool",
            "via_generic": "bool",
            "pa_status": "str",
            "pa_start": "date",
            "pa_end": "date",
            "soc_na": "bool",
        },
    )
    places = t(dict(plan.places), {"pos": "str", "place_home": "bool"})
    day = nw.col("date")
    if as_of is not None:
        day = nw.coalesce(nw.col("date"), nw.lit(as_of))
    text = _upper(nw.col("code_raw"))
    rest = text.str.replace_all(r"^(CPT|HCPCS)" + _SEP + "*", "", literal=False).str.strip_chars(
        " "
    )
    cpt = rest.str.contains(CPT)
    hcpcs = rest.str.contains(HCPCS)
    cpt_prefix = text.str.starts_with("CPT")
    hcpcs_prefix = text.str.starts_with("HCPCS")
    valid = (
        nw.when(cpt_prefix)
        .then(cpt)
        .when(hcpcs_prefix)
        .then(cpt | hcpcs)
        .otherwise(cpt | hcpcs)
        .fill_null(False)
    )
    pos_text = _upper(nw.col("pos_raw"))
    lines = lines.with_columns(
        day=day,
        code=nw.when(valid).then(rest).otherwise(nw.lit(None, nw.String)),
        code_bad=~valid,
        pos=nw.when(pos_text.str.contains(POS)).then(pos_text).otherwise(nw.lit(None, nw.String)),
        pos_bad=~nw.col("pos_raw").is_null() & ~pos_text.str.contains(POS).fill_null(False),
        has_pos_raw=~nw.col("pos_raw").is_null(),
        has_mods_raw=nw.col("mods").list.len().fill_null(0) > 0,
        has_dx_raw=nw.col("dx").list.len().fill_null(0) > 0,
        has_units=~nw.col("units").is_null(),
        discarded=(nw.col("disc") > 0).fill_null(False),
        in_claim=~nw.col("claim_id").is_null(),
        authorized=(
            ~nw.col("claim_id").is_null()
            & (nw.col("pa_raw").str.strip_chars(" ").str.len_chars() > 0)
            .fill_null(False)
            .max()
            .over("claim_id")
        ),
    )
    lines = lines.join(codes, on="code", how="left").with_columns(known=~nw.col("kind").is_null())
    lines = _bools(lines, [name for name in plan.codes if _code_type(name) == "bool"])
    lines = lines.join(payer_codes, on=["payer", "code"], how="left").join(
        places, on="pos", how="left"
    )
    lines = _bools(lines, ["has_policy", "via_generic", "soc_na"]).with_columns(
        place_known=~nw.col("place_home").is_null(),
        place_home=nw.col("place_home").fill_null(False),
        outside=~nw.col("known") & ~nw.col("code_bad"),
    )

    # the modifiers, one row each, cleaned as validate_modifier cleans them
    mods = backend.explode(lines.select("row", "mods"), "mods")
    mtext = _upper(nw.col("value"))
    mtext = mtext.str.replace_all(r"^(MODIFIER|MOD)" + _SEP + "*|^-", "", literal=False)
    mtext = mtext.str.strip_chars(" ")
    mods = mods.with_columns(
        mod=nw.when(mtext.str.contains(MODIFIER)).then(mtext).otherwise(nw.lit(None, nw.String))
    )
    mods = backend.cache(mods).with_columns(
        first=~nw.col("mod").is_null() & (nw.col("pos") == nw.col("pos").min().over("row", "mod"))
    )
    flags = mods.group_by("row").agg(
        *(
            ((nw.col("mod") == modifier).fill_null(False)).max().alias(f"has_{modifier}")
            for modifier in ASKED
        )
    )
    lines = _bools(lines.join(flags, on="row", how="left"), [f"has_{m}" for m in ASKED])

    # the diagnoses, one row each, cleaned as validate_diagnosis cleans them
    dxs = backend.explode(lines.select("row", "dx"), "dx")
    dxs = backend.cache(dxs)
    dtext = _upper(nw.col("value"))
    dotted = (
        nw.when(~dtext.str.contains(r"\.") & (dtext.str.len_chars() > 3))
        .then(nw.concat_str(dtext.str.slice(0, 3), nw.lit("."), dtext.str.slice(3)))
        .otherwise(dtext)
    )
    dxs = dxs.with_columns(dtext=dotted).with_columns(
        dx_clean=nw.when(nw.col("dtext").str.contains(DIAGNOSIS))
        .then(nw.col("dtext"))
        .otherwise(nw.lit(None, nw.String))
    )
    diagnoses = t(plan.diagnoses, {"payer": "str", "code": "str", "dx": "str", "list": "str"})
    listed = diagnoses.filter(nw.col("list") != "complete").select(
        nw.col("dx").alias("dx_clean"), nw.col("list")
    )
    complete = diagnoses.filter(nw.col("list") == "complete").select(
        "payer", "code", nw.col("dx").alias("dx_clean"), nw.lit(True).alias("in_complete")
    )
    valid_dx = dxs.filter(~nw.col("dx_clean").is_null()).select("row", "dx_clean")
    per_list = (
        valid_dx.join(listed, on="dx_clean", how="inner")
        .group_by("row")
        .agg(
            (nw.col("list") == "pidd").max().alias("any_pidd"),
            (nw.col("list") == "ncd").max().alias("any_ncd"),
        )
    )
    in_complete = (
        valid_dx.join(lines.select("row", "payer", "code"), on="row", how="inner")
        .join(complete, on=["payer", "code", "dx_clean"], how="inner")
        .select("row", "in_complete")
        .unique(["row"])
    )
    counts = valid_dx.group_by("row").agg(nw.col("dx_clean").count().alias("n_dx"))
    lines = (
        lines.join(per_list, on="row", how="left")
        .join(in_complete, on="row", how="left")
        .join(counts, on="row", how="left")
    )
    lines = _bools(lines, ["any_pidd", "any_ncd", "in_complete"]).with_columns(
        n_dx=nw.col("n_dx").fill_null(0)
    )
    return backend.cache(lines), mods, dxs


def _code_type(name: str) -> str:
    if name in ("code", "kind", "unit_kind"):
        return "str"
    if name in ("c_start", "c_end"):
        return "date"
    if name == "unit_qty":
        return "float"
    return "bool"


Hits = list[nw.LazyFrame[Any]]


def _hits(
    frame: nw.LazyFrame[Any], rule: str, cond: nw.Expr, path: nw.Expr | str
) -> nw.LazyFrame[Any]:
    path_expr = nw.lit(path) if isinstance(path, str) else path
    # (a row's own column first: a condition of literals alone would not be one per row)
    return frame.filter(~nw.col("row").is_null() & cond.fill_null(False)).select(
        "row", nw.lit(rule).alias("rule"), path_expr.alias("rel_path")
    )


def _line_bodies() -> dict[str, tuple[Callable[[], nw.Expr], str]]:
    c = nw.col
    day = c("day")
    amount = nw.when(c("has_JW")).then(c("disc")).otherwise(c("dose"))
    exact = amount / c("unit_qty")
    whole = exact == exact.floor()
    units_ready = (c("unit_kind") == "mg") & ~c("units").is_null() & ~amount.is_null()

    def authorization(status: str) -> Callable[[], nw.Expr]:
        return lambda: (
            c("has_policy")
            & ~c("authorized")
            & (c("pa_status") == status)
            & (day.is_null() | _covers(day, c("pa_start"), c("pa_end")))
        )

    return {
        "date-of-service.missing": (lambda: day.is_null(), "date_of_service"),
        "code.malformed": (lambda: c("code_bad"), "code"),
        "code.unknown": (
            lambda: (
                ~c("known")
                & ~c("code_bad")
                & ~c("em")
                & (~c("in_claim") | c("known").max().over("claim_id"))
            ),
            "code",
        ),
        "code.not-effective": (
            lambda: ~day.is_null() & ~_covers(day, c("c_start"), c("c_end")),
            "code",
        ),
        "code.status-not-available": (lambda: c("status_na"), "code"),
        "place-of-service.malformed": (lambda: c("pos_bad") & ~c("outside"), "place_of_service"),
        "place-of-service.unknown": (
            lambda: ~c("pos").is_null() & ~c("place_known"),
            "place_of_service",
        ),
        "modifier.route-missing": (
            lambda: c("route_needed") & ~c("has_JA") & ~c("has_JB"),
            "modifiers",
        ),
        "modifier.jw-amount": (lambda: c("has_JW") & c("disc").is_null(), "discarded_mg"),
        "modifier.jw-nothing-discarded": (
            lambda: c("has_JW") & ~c("disc").is_null() & (c("disc") <= 0),
            "discarded_mg",
        ),
        "modifier.jz-with-discard": (lambda: c("has_JZ") & c("discarded"), "modifiers"),
        "modifier.25-not-on-em": (lambda: c("has_25") & ~c("em"), "modifiers"),
        "units.missing": (
            lambda: c("unit_kind").is_in(["mg", "other"]) & c("units").is_null(),
            "units",
        ),
        "units.dose-mismatch": (
            lambda: (
                units_ready
                & nw.when(whole)
                .then(c("units") != exact)
                .otherwise((c("units") != exact.floor()) & (c("units") != exact.ceil()))
            ),
            "units",
        ),
        "units.rounding": (
            lambda: (
                units_ready
                & ~whole
                & ((c("units") == exact.floor()) | (c("units") == exact.ceil()))
            ),
            "units",
        ),
        "units.not-available": (
            lambda: (c("unit_kind") == "na") & ~amount.is_null(),
            "units",
        ),
        "payer.prior-authorization": (authorization("required"), "code"),
        "payer.prior-authorization-varies": (authorization("varies-by-plan"), "code"),
        "payer.prior-authorization-not-available": (authorization("not-available"), "code"),
        "payer.site-of-care-not-available": (
            lambda: c("has_policy") & ~c("pos").is_null() & c("soc_na"),
            "place_of_service",
        ),
        "payer.policy-not-available": (lambda: ~c("has_policy") & c("is_product"), "code"),
        "payer.policy-via-generic-code": (
            lambda: c("has_policy") & c("via_generic"),
            "code",
        ),
        "coverage.diagnosis-not-known": (
            lambda: c("is_product") & (c("n_dx") > 0) & ~c("in_complete"),
            "diagnoses",
        ),
        "medicare.product-under-hcpcs": (lambda: c("under_hcpcs"), "code"),
        "medicare.jw-required": (
            lambda: c("single_dose") & c("discarded") & ~c("has_JW") & ~c("wastage"),
            "modifiers",
        ),
        "medicare.jw-jz-required": (
            lambda: (
                c("single_dose") & ~c("has_JW") & ~c("has_JZ") & ~c("discarded") & ~c("wastage")
            ),
            "modifiers",
        ),
        "medicare.home-ivig-place-of-service": (
            lambda: (c("code") == HOME_SERVICES) & c("place_known") & ~c("place_home"),
            "place_of_service",
        ),
        "medicare.home-ivig-diagnosis": (
            lambda: c("home_ivig") & c("place_known") & c("place_home") & ~c("any_pidd"),
            "diagnoses",
        ),
        "medicare.ncd-250.3": (lambda: c("is_product") & c("any_ncd"), "diagnoses"),
    }


def findings(
    lines: nw.LazyFrame[Any], plan: Plan, backend: Backend, as_of: dt.date | None
) -> nw.LazyFrame[Any]:
    """``(row, rule, rel_path)``: the findings of the compiled rules of ``plan``, with the
    path relative to the line."""
    lines, mods, dxs = prepare(lines, plan, backend, as_of)
    c = nw.col
    # a line of the claim billing the discarded amount of the same code and day with JW
    lines = lines.with_columns(
        wastage=c("in_claim")
        & (c("known") & c("has_JW")).max().over("claim_id", "code", "day").fill_null(False)
    )
    out: Hits = []
    bodies = _line_bodies()
    for rule in plan.line_rules():
        body = bodies.get(rule.id)
        if body is None:
            continue
        condition, path = body
        out.append(_hits(lines, rule.id, _gate(rule) & condition(), path))

    if plan.has("payer.site-of-care"):
        rule = plan.rules["payer.site-of-care"]
        soc = backend.table(
            plan.site_of_care,
            {
                "payer": "str",
                "code": "str",
                "pos": "str",
                "soc_start": "date",
                "soc_end": "date",
                "soc_index": "int",
            },
        )
        joined = lines.filter(~nw.col("row").is_null() & _gate(rule).fill_null(False)).join(
            soc, on=["payer", "code", "pos"], how="inner"
        )
        out.append(
            _hits(
                joined,
                rule.id,
                c("day").is_null() | _covers(c("day"), c("soc_start"), c("soc_end")),
                "place_of_service",
            )
        )

    out.extend(_modifier_findings(lines, mods, plan, backend))
    if plan.has("diagnosis.malformed"):
        rule = plan.rules["diagnosis.malformed"]
        gated = lines.filter(_gate(rule).fill_null(False) & ~c("outside")).select("row")
        bad = dxs.filter(c("dx_clean").is_null()).join(gated, on="row", how="inner")
        out.append(
            bad.select(
                "row",
                nw.lit("diagnosis.malformed").alias("rule"),
                nw.concat_str(nw.lit("diagnoses["), c("pos").cast(nw.String), nw.lit("]")).alias(
                    "rel_path"
                ),
            )
        )
    out.extend(_claim_findings(lines, plan, backend))
    if not out:
        return lines.select("row", nw.lit("").alias("rule"), nw.lit("").alias("rel_path")).filter(
            nw.lit(False)
        )
    return nw.concat(out, how="vertical")


def _position(name: str = "pos") -> nw.Expr:
    return nw.concat_str(nw.lit("modifiers["), nw.col(name).cast(nw.String), nw.lit("]"))


def _modifier_findings(
    lines: nw.LazyFrame[Any], mods: nw.LazyFrame[Any], plan: Plan, backend: Backend
) -> Hits:
    c = nw.col
    wanted = [
        rule_id
        for rule_id in (
            "modifier.malformed",
            "modifier.unknown",
            "modifier.placeholder",
            "modifier.not-effective",
            "modifier.not-on-code",
            "modifier.not-for-code",
            "modifier.not-together",
        )
        if plan.has(rule_id)
    ]
    if not wanted:
        return []
    modifiers = backend.table(
        plan.modifiers,
        {
            "payer": "str",
            "mod": "str",
            "placeholder": "bool",
            "m_start": "date",
            "m_end": "date",
            "m_in_scope": "bool",
        },
    )
    modifier_codes = backend.table(
        plan.modifier_codes, {"mod": "str", "code": "str", "not_on": "bool", "not_for": "bool"}
    )
    gates = {rule_id: _gate(plan.rules[rule_id]).fill_null(False) for rule_id in wanted}
    line_cols = lines.select(
        "row",
        "payer",
        "code",
        "day",
        "outside",
        *(~nw.col("row").is_null().alias(f"g:{rule_id}") & gates[rule_id] for rule_id in wanted),
    )
    atoms = (
        mods.join(line_cols, on="row", how="inner")
        .join(modifiers, on=["payer", "mod"], how="left")
        .join(modifier_codes, on=["mod", "code"], how="left")
    )
    atoms = _bools(atoms, ["placeholder", "m_in_scope", "not_on", "not_for"]).with_columns(
        m_known=~c("m_start").is_null() | ~c("m_end").is_null() | c("placeholder")
    )
    # (a modifier with no dates at all is still known: look it up by presence)
    present = backend.table({"mod": list(dict.fromkeys(plan.modifiers["mod"]))}, {"mod": "str"})
    atoms = atoms.join(
        present.with_columns(m_record=nw.lit(True)), on="mod", how="left"
    ).with_columns(m_known=c("m_record").fill_null(False))
    bodies: dict[str, nw.Expr] = {
        "modifier.malformed": c("mod").is_null() & ~c("outside"),
        "modifier.unknown": c("first") & ~c("m_known"),
        "modifier.placeholder": c("first") & c("m_known") & c("placeholder"),
        "modifier.not-effective": c("first")
        & c("m_known")
        & ~c("placeholder")
        & ~c("day").is_null()
        & ~_covers(c("day"), c("m_start"), c("m_end"))
        & c("m_in_scope"),
        "modifier.not-on-code": c("first") & c("not_on") & c("m_in_scope"),
        "modifier.not-for-code": c("first") & c("not_for") & c("m_in_scope"),
    }
    out: Hits = []
    for rule_id, body in bodies.items():
        if rule_id in wanted:
            out.append(_hits(atoms, rule_id, c(f"g:{rule_id}") & body, _position()))
    if "modifier.not-together" in wanted:
        pairs = backend.table(plan.pairs, {"mod_a": "str", "mod_b": "str", "payer": "str"})
        distinct = atoms.filter(c("first") & c("g:modifier.not-together")).select(
            "row", "payer", "mod"
        )
        left = distinct.select("row", "payer", c("mod").alias("mod_a"))
        right = distinct.select("row", c("mod").alias("mod_b"))
        both = left.join(right, on="row", how="inner").filter(c("mod_a") < c("mod_b"))
        hit = both.join(pairs, on=["mod_a", "mod_b", "payer"], how="inner")
        out.append(
            hit.select(
                "row",
                nw.lit("modifier.not-together").alias("rule"),
                nw.lit("modifiers").alias("rel_path"),
            )
        )
    return out


def _claim_findings(lines: nw.LazyFrame[Any], plan: Plan, backend: Backend) -> Hits:
    c = nw.col
    claim_rules = [rule for rule in plan.rules.values() if rule.kind.value == "claim"]
    if not claim_rules:
        return []
    claims = lines.filter(c("in_claim"))

    def payer_ok(rule: RulePlan) -> nw.Expr:
        cond = nw.lit(True)
        if rule.payers is not None:
            cond = c("payer").is_in(list(rule.payers))
        if rule.start is not None or rule.end is not None:
            cond = cond & _in_force(c("day"), rule.start, rule.end)
        return cond

    out: Hits = []
    is_product = c("known") & c("is_product")
    is_admin = c("known") & c("is_admin")
    claims = claims.with_columns(
        any_product=is_product.max().over("claim_id"),
        any_admin_or_home=(c("known") & c("is_admin_or_home")).max().over("claim_id"),
        any_admin=is_admin.max().over("claim_id"),
        first_product=c("line")
        == nw.when(is_product).then(c("line")).otherwise(nw.lit(None)).min().over("claim_id"),
        first_admin=c("line")
        == nw.when(is_admin).then(c("line")).otherwise(nw.lit(None)).min().over("claim_id"),
    )
    rule = plan.rules.get("claim.product-without-administration")
    if rule is not None:
        cond = c("any_product") & ~c("any_admin_or_home") & is_product & c("first_product")
        out.append(_hits(claims, rule.id, payer_ok(rule) & cond, "code"))
    rule = plan.rules.get("claim.administration-without-product")
    if rule is not None:
        cond = ~c("any_product") & is_admin & c("first_admin")
        out.append(_hits(claims, rule.id, payer_ok(rule) & cond, "code"))
    rule = plan.rules.get("claim.administration-route-mismatch")
    if rule is not None:
        fits = backend.table(plan.fits, {"product_code": "str", "admin_code": "str"})
        products = (
            claims.filter(is_product).select("claim_id", c("code").alias("product_code")).unique()
        )
        admins = claims.filter(
            is_admin
            & payer_ok(rule)
            & (c("known") & c("has_admin_links") & c("is_product")).max().over("claim_id")
        ).select("row", "claim_id", c("code").alias("admin_code"))
        fitting = (
            admins.join(products, on="claim_id", how="inner")
            .join(fits, on=["product_code", "admin_code"], how="inner")
            .select("row")
            .unique()
        )
        mismatched = admins.join(fitting, on="row", how="anti")
        out.append(_hits(mismatched, rule.id, nw.lit(True), "code"))
    rule = plan.rules.get("claim.em-without-25")
    if rule is not None:
        cond = c("em") & ~c("has_25") & is_admin.max().over("claim_id", "day")
        out.append(_hits(claims, rule.id, payer_ok(rule) & cond, "modifiers"))
    rule = plan.rules.get("medicare.home-ivig-same-place")
    if rule is not None:
        services = c("known") & (c("code") == HOME_SERVICES)
        drugs = c("known") & c("home_drug")
        keyed = claims.with_columns(
            place_key=nw.coalesce(c("pos"), nw.lit("-")),
            is_service=services,
            is_drug=drugs,
        )
        per_place = (
            keyed.filter(c("is_service") | c("is_drug"))
            .group_by("claim_id", "place_key")
            .agg(c("is_service").max().alias("s"), c("is_drug").max().alias("d"))
        )
        per_claim = per_place.group_by("claim_id").agg(
            c("s").max().alias("some_service"),
            c("d").max().alias("some_drug"),
            (c("s") != c("d")).max().alias("differ"),
        )
        first_service = (
            keyed.filter(c("is_service"))
            .with_columns(first=c("line") == c("line").min().over("claim_id"))
            .filter(c("first"))
        )
        hit = first_service.join(per_claim, on="claim_id", how="inner")
        cond = c("some_service") & c("some_drug") & c("differ")
        out.append(_hits(hit, rule.id, payer_ok(rule) & cond, "place_of_service"))
    return out
