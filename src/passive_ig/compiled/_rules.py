"""The line rules as narwhals expressions over the table of distinct line *signatures*.

A signature is what the line rules read of a line, bar its numbers, diagnoses and
claim: payer, code, modifiers, place of service, E/M flag, which of the data's
breakpoint intervals its day falls in, whether it is part of a claim, and which of its
amounts are given. Millions of distinct lines share a few thousand signatures, so the
rules run on that small table; :mod:`passive_ig.compiled._rows` joins their answers
back to the lines and finishes the rules that also read a line's numbers, diagnoses or
claim.

Each rule's *gate* (the payers it applies to, the dates it is in force, whether it
needs a known code, which codes its ``codes`` predicate accepts, what the line must
give, the modifiers it asks for) is generated from its declaration and the data
(:mod:`passive_ig.compiled._plan`); its *body* is written here once, as the condition
of its Python function over the lookup tables joined in.

The same expressions run on every engine narwhals drives (polars, DuckDB, the PySpark
API); what differs by engine (making a table, exploding a list with positions) is the
backend's (see :class:`Backend`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Protocol

import narwhals as nw

from ..rules import RULES
from ._plan import HOME_SERVICES, MODIFIER_CITED, Plan, RulePlan, ok_column

__all__ = [
    "ASKED",
    "BITS",
    "PARTS",
    "RANK",
    "Backend",
    "Columns",
    "Key",
    "feature",
    "plan_table",
    "signature_rules",
]

RANK: dict[str, int] = {rule.id: rank for rank, rule in enumerate(RULES)}
"""Each rule's place in :data:`passive_ig.rules.RULES`: a finding carries it (a small
integer, where the rule's id, title and sources are joined in once, at the end)."""

# the modifiers a rule body or a with_modifiers asks about
ASKED = ("JW", "JZ", "JA", "JB", "25")

PARTS: tuple[str, ...] = (
    "code.unknown",  # and: a line alone, or a claim with a known code
    "payer.prior-authorization",  # and: no authorization on the claim
    "payer.prior-authorization-varies",
    "payer.prior-authorization-not-available",
    "medicare.jw-required",  # and: no JW line of the code and day on the claim
    "medicare.jw-jz-required",
    "units.dose-mismatch",  # and: the units against the amount
    "units.rounding",
    "coverage.diagnosis-not-known",  # and: the diagnoses
    "medicare.home-ivig-diagnosis",
    "medicare.ncd-250.3",
    "diagnosis.malformed",
    "diagnosis.wrong-code-set",
)
"""The line rules whose answer also reads the line's numbers, diagnoses or claim: on a
signature they give a flag (``f:<rule>``, the rest of the condition holds), and the
rows finish them (see :mod:`passive_ig.compiled._rows`)."""


Key = tuple[int, str]
"""A kept lookup table's key: its plan's token and its name (see :meth:`Backend.kept`)."""

Columns = Callable[[], dict[str, list[Any]]]
"""What makes a kept lookup table's columns, called only when the table is made."""


class Backend(Protocol):
    """What an engine gives the compiled rules."""

    def table(self, columns: dict[str, list[Any]], types: dict[str, str]) -> nw.LazyFrame[Any]:
        """A lookup table from Python columns; types are ``"str"``, ``"bool"``,
        ``"int"``, ``"float"``, ``"date"``, ``"list[str]"`` or ``"list[int]"``."""
        ...

    def kept(self, key: Key, columns: Columns, types: dict[str, str]) -> nw.LazyFrame[Any]:
        """A lookup table of a plan's data (``key``: the plan's token and the table's
        name), made by :meth:`table` the first time and kept, where the engine can keep
        it, for the later checks of the same plan: on polars for the process, on DuckDB
        for the connection."""
        ...

    packs: bool
    """Whether the rows keep their yes/no features as the bits of one integer column
    (where each column of a large table costs, as in DuckDB) or as columns (polars)."""

    def explode(self, frame: nw.LazyFrame[Any], column: str) -> nw.LazyFrame[Any]:
        """One row per non-null item of the list column ``column`` (as ``value``, with its
        position from 0 as ``pos``), with the frame's other columns; rows whose list is
        empty or null give none."""
        ...

    def cache(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``frame``, computed once where the engine would compute it again for each use."""
        ...

    def concat(self, frames: list[nw.LazyFrame[Any]]) -> nw.LazyFrame[Any]:
        """The rows of ``frames``, which have the same columns in the same order."""
        ...

    def share(self, frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """``frame``, the lines with their keys, read two or three times: computed once
        where that is cheaper than computing it again (polars, DuckDB: the claims' keys
        come from a window over all the lines), or left to be read again (Spark)."""
        ...


def plan_table(backend: Backend, plan: Plan, name: str, types: dict[str, str]) -> nw.LazyFrame[Any]:
    """The plan's lookup table ``name`` (an attribute of :class:`Plan`), made once and
    kept by the engine (see :meth:`Backend.kept`)."""
    return backend.kept((plan.token, name), lambda: dict(getattr(plan, name)), types)


def _in_force(day: nw.Expr, start: dt.date | None, end: dt.date | None) -> nw.Expr:
    """``day`` is null or inside [start, end] (null bounds open)."""
    inside = nw.lit(True)
    if start is not None:
        inside = inside & (day >= nw.lit(start))
    if end is not None:
        inside = inside & (day <= nw.lit(end))
    return day.is_null() | inside


def _covers(day: nw.Expr, start: nw.Expr, end: nw.Expr) -> nw.Expr:
    """``day`` (not null) is inside [start, end], null bounds open."""
    return (start.is_null() | (day >= start)) & (end.is_null() | (day <= end))


def gate(rule: RulePlan) -> nw.Expr:
    """What the declaration of ``rule`` lets through, as an expression over a signature."""
    from ..rules import RULE_BY_ID

    cond = nw.lit(True)
    if rule.payers is not None:
        cond = cond & nw.col("payer").is_in(list(rule.payers))
    flag = nw.col(ok_column(rule.id)) if rule.codes else nw.lit(True)
    if rule.needs_code:
        cond = cond & nw.col("known") & flag
    elif rule.codes:
        cond = cond & (~nw.col("known") | flag)
    for need in rule.needs:
        cond = cond & nw.col(need)
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


def _code_type(name: str) -> str:
    if name in ("code", "kind", "unit_kind"):
        return "str"
    if name in ("c_start", "c_end"):
        return "date"
    if name == "unit_qty":
        return "float"
    if name == "code_id":
        return "int"
    return "bool"


def _prepare(signatures: nw.LazyFrame[Any], plan: Plan, backend: Backend) -> nw.LazyFrame[Any]:
    """The signatures with every column the rules read, from the lookup tables."""

    t = functools.partial(plan_table, backend, plan)
    codes = t("codes", {name: _code_type(name) for name in plan.codes})
    payer_codes = t(
        "payer_codes",
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
    pcs = t("pcs", {"payer": "str", "code": "str", "pc": "int"})
    places = t("places", {"pos": "str", "place_home": "bool"})
    lines = signatures.join(codes, on="code", how="left").with_columns(
        known=~nw.col("kind").is_null()
    )
    lines = _bools(lines, [name for name in plan.codes if _code_type(name) == "bool"])
    lines = (
        lines.join(payer_codes, on=["payer", "code"], how="left")
        .join(pcs, on=["payer", "code"], how="left")
        .join(places, on="pos", how="left")
    )
    return _bools(lines, ["has_policy", "via_generic", "soc_na"]).with_columns(
        place_known=~nw.col("place_home").is_null(),
        place_home=nw.col("place_home").fill_null(False),
        outside=~nw.col("known") & ~nw.col("code_bad"),
        pc=nw.col("pc").fill_null(-1),
        code_id=nw.col("code_id").fill_null(-1),
    )


def _bodies() -> dict[str, tuple[Callable[[], nw.Expr], str]]:
    """Each line rule's condition on a signature, and the field it is about (for the
    rules of :data:`PARTS`, the part of the condition a signature settles)."""
    c = nw.col
    day = c("day")
    amount_given = nw.when(c("has_JW")).then(~c("disc_null")).otherwise(~c("dose_null"))

    def authorization(status: str) -> Callable[[], nw.Expr]:
        return lambda: (
            c("has_policy")
            & (c("pa_status") == status)
            & (day.is_null() | _covers(day, c("pa_start"), c("pa_end")))
        )

    units_ready = (c("unit_kind") == "mg") & c("has_units") & amount_given & ~c("frac")
    return {
        "date-of-service.missing": (lambda: day.is_null(), "date_of_service"),
        "code.malformed": (lambda: c("code_bad"), "code"),
        "code.unknown": (lambda: ~c("known") & ~c("code_bad") & ~c("em"), "code"),
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
        "modifier.jw-amount": (lambda: c("has_JW") & c("disc_null"), "discarded_mg"),
        "modifier.jw-nothing-discarded": (
            lambda: c("has_JW") & ~c("disc_null") & ~c("discarded"),
            "discarded_mg",
        ),
        "modifier.jz-with-discard": (lambda: c("has_JZ") & c("discarded"), "modifiers"),
        "modifier.25-not-on-em": (lambda: c("has_25") & ~c("em"), "modifiers"),
        "units.missing": (
            lambda: c("unit_kind").is_in(["mg", "other"]) & ~c("has_units"),
            "units",
        ),
        "units.fraction": (lambda: c("has_units") & c("frac"), "units"),
        "units.dose-mismatch": (lambda: units_ready, "units"),
        "units.rounding": (lambda: units_ready, "units"),
        "units.not-available": (lambda: (c("unit_kind") == "na") & amount_given, "units"),
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
        "coverage.diagnosis-not-known": (lambda: c("is_product"), "diagnoses"),
        "medicare.product-under-hcpcs": (lambda: c("under_hcpcs"), "code"),
        "medicare.jw-required": (
            lambda: c("single_dose") & c("discarded") & ~c("has_JW"),
            "modifiers",
        ),
        "medicare.jw-jz-required": (
            lambda: c("single_dose") & ~c("has_JW") & ~c("has_JZ") & ~c("discarded"),
            "modifiers",
        ),
        "medicare.home-ivig-place-of-service": (
            lambda: (c("code") == HOME_SERVICES) & c("place_known") & ~c("place_home"),
            "place_of_service",
        ),
        "medicare.home-ivig-diagnosis": (
            lambda: c("home_ivig") & c("place_known") & c("place_home"),
            "diagnoses",
        ),
        "medicare.ncd-250.3": (lambda: c("is_product"), "diagnoses"),
        "diagnosis.malformed": (lambda: ~c("outside"), "diagnoses"),
        "diagnosis.wrong-code-set": (lambda: ~c("outside"), "diagnoses"),
    }


YES_NO = (
    "known",
    "outside",
    "is_product",
    "is_admin",
    "is_admin_or_home",
    "home_drug",
    "has_admin_links",
    "has_JW",
    "has_25",
)
"""The yes/no features of :data:`FEATURES`."""

FEATURES = ("sig", "pidx", "code_id", "place", *YES_NO, "unit_qty", "pc")
"""What the rows read of their signature, besides the flags of :data:`PARTS` (``f:``)
and of the claim rules (``g:``)."""

BITS: dict[str, int] = {
    name: index
    for index, name in enumerate(
        (
            *YES_NO,
            *(f"f:{rule}" for rule in PARTS),
            "g:claim.product-without-administration",
            "g:claim.administration-without-product",
            "g:claim.administration-route-mismatch",
            "g:claim.em-without-25",
            "g:medicare.home-ivig-same-place",
        )
    )
}
"""Where an engine that keeps few columns (:attr:`Backend.packs`) keeps the yes/no
features and flags of a line: the bit of one integer column ``m``."""


def feature(packed: bool) -> Callable[[str], nw.Expr]:
    """How the rows read a feature or flag by name: its own column, or its bit of ``m``
    when the engine packs them (any other name is its column)."""

    def read(name: str) -> nw.Expr:
        index = BITS.get(name) if packed else None
        if index is None:
            return nw.col(name)
        # (a remainder and a comparison: what every engine does fast with integers)
        return nw.col("m") % (2 << index) >= (1 << index)

    return read


def signature_rules(
    signatures: nw.LazyFrame[Any], mods: nw.LazyFrame[Any], plan: Plan, backend: Backend
) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any], list[str], list[str]]:
    """The findings of the rules a signature settles, ``(sig, rank, rel_path, at)`` (``at``:
    the modifier's position, for a finding about one, else 0); the
    features the rows read (``FEATURES``, the flags ``f:<rule>`` of the chosen rules of
    :data:`PARTS` and ``g:<rule>`` of the chosen claim rules); and the names of those
    two kinds of flags."""
    lines = backend.cache(_prepare(signatures, plan, backend))
    hits: list[nw.LazyFrame[Any]] = []
    flags: dict[str, nw.Expr] = {}
    settled: dict[str, tuple[nw.Expr, str]] = {}
    bodies = _bodies()
    for rule in plan.line_rules():
        body = bodies.get(rule.id)
        if body is None:
            continue
        condition, path = body
        cond = (gate(rule) & condition()).fill_null(False)
        if rule.id in PARTS:
            flags[f"f:{rule.id}"] = cond
        else:
            settled[rule.id] = (cond, path)
    hits.extend(_unfold(lines, ("sig",), settled, backend, plan.token))
    claim_flags: dict[str, nw.Expr] = {}
    for rule in plan.rules.values():
        if rule.kind.value == "claim":
            claim_flags[f"g:{rule.id}"] = _claim_gate(rule)
    if plan.has("payer.site-of-care"):
        hits.append(_site_of_care(lines, plan, backend))
    hits.extend(_modifier_findings(lines, mods, plan, backend))
    if backend.packs:
        named = {name: nw.col(name) for name in YES_NO} | flags | claim_flags
        mask: nw.Expr = nw.lit(0, nw.Int64)
        for name, expr in named.items():
            mask = mask + expr.fill_null(False).cast(nw.Int64) * (1 << BITS[name])
        features = lines.with_columns(m=mask).select(
            *(name for name in FEATURES if name not in YES_NO), "m"
        )
    else:
        features = lines.select(
            *FEATURES,
            *(expr.alias(name) for name, expr in flags.items()),
            *(expr.alias(name) for name, expr in claim_flags.items()),
        )
    if hits:
        found = backend.concat(hits)
    else:
        found = lines.select(
            "sig",
            nw.lit(0, nw.Int64).alias("rank"),
            nw.lit("").alias("rel_path"),
            nw.lit(0, nw.Int64).alias("at"),
            nw.lit(0, nw.Int64).alias("ckey"),
        ).filter(nw.col("sig") < 0)  # (no signature's: none)
    return found, features, list(flags), list(claim_flags)


def _claim_gate(rule: RulePlan) -> nw.Expr:
    """A claim rule's payers and dates, on the line a finding of it would be about."""
    cond = nw.lit(True)
    if rule.payers is not None:
        cond = nw.col("payer").is_in(list(rule.payers))
    if rule.start is not None or rule.end is not None:
        cond = cond & _in_force(nw.col("day"), rule.start, rule.end)
    return cond.fill_null(False)


def _unfold(
    frame: nw.LazyFrame[Any],
    keys: tuple[str, ...],
    rules: dict[str, tuple[nw.Expr, str]],
    backend: Backend,
    token: int,
) -> list[nw.LazyFrame[Any]]:
    """The findings of several rules on ``frame``, ``(*keys, rank, rel_path, at)``, in a
    few operations however many the rules: each row's answers become the bits of an
    integer, and a join with the table of the rules (one row per bit) unfolds them
    (an engine runs a few large operations faster than a hundred small ones, and
    Spark's API plans each one)."""
    c = nw.col
    out: list[nw.LazyFrame[Any]] = []
    names = list(rules)
    for start in range(0, len(names), 62):  # 62 bits of an Int64 each
        chunk = names[start : start + 62]
        mask: nw.Expr = nw.lit(0, nw.Int64)
        for index, rule_id in enumerate(chunk):
            mask = mask + rules[rule_id][0].cast(nw.Int64) * (1 << index)
        columns: dict[str, list[Any]] = {
            "weight": [1 << index for index in range(len(chunk))],
            "rank": [RANK[rule_id] for rule_id in chunk],
            "rel_path": [rules[rule_id][1] for rule_id in chunk],
        }
        table = backend.kept(
            (token, f"unfold {keys}: " + " ".join(chunk)),
            functools.partial(dict, columns),
            {"weight": "int", "rank": "int", "rel_path": "str"},
        )
        answers = frame.select(*keys, mask.alias("answers")).filter(c("answers") != 0)
        found = answers.join(table, how="cross").filter(
            c("answers") % (c("weight") * 2) >= c("weight")
        )
        out.append(
            found.select(
                *keys,
                "rank",
                "rel_path",
                nw.lit(0, nw.Int64).alias("at"),
                nw.lit(0, nw.Int64).alias("ckey"),
            )
        )
    return out


def _hits(
    frame: nw.LazyFrame[Any], rule: str, cond: nw.Expr, path: str, ckey: nw.Expr | None = None
) -> nw.LazyFrame[Any]:
    return frame.filter(cond).select(
        "sig",
        nw.lit(RANK[rule], nw.Int64).alias("rank"),
        nw.lit(path).alias("rel_path"),
        nw.lit(0, nw.Int64).alias("at"),
        (nw.lit(0, nw.Int64) if ckey is None else ckey).alias("ckey"),
    )


def _site_of_care(lines: nw.LazyFrame[Any], plan: Plan, backend: Backend) -> nw.LazyFrame[Any]:
    rule = plan.rules["payer.site-of-care"]
    c = nw.col
    soc = plan_table(
        backend,
        plan,
        "site_of_care",
        {
            "payer": "str",
            "code": "str",
            "pos": "str",
            "soc_start": "date",
            "soc_end": "date",
            "soc_index": "int",
        },
    )
    joined = lines.filter(gate(rule).fill_null(False)).join(
        soc, on=["payer", "code", "pos"], how="inner"
    )
    cond = c("day").is_null() | _covers(c("day"), c("soc_start"), c("soc_end"))
    # (the finding cites the site-of-care rule it enforces: by its index in the policy)
    ckey = c("soc_index") + 1
    return _hits(joined, rule.id, cond.fill_null(False), "place_of_service", ckey)


def _gated(rule_id: str) -> str:
    """The column saying a modifier's line passes the gate of ``rule_id`` (no dots)."""
    return "gate:" + rule_id.replace(".", "_")


def _position(name: str = "pos") -> nw.Expr:
    return nw.concat_str(nw.lit("modifiers["), nw.col(name).cast(nw.String), nw.lit("]"))


_MODIFIER_RULES = (
    "modifier.malformed",
    "modifier.unknown",
    "modifier.placeholder",
    "modifier.not-effective",
    "modifier.not-on-code",
    "modifier.not-for-code",
    "modifier.not-together",
)


def _modifier_findings(
    lines: nw.LazyFrame[Any], mods: nw.LazyFrame[Any], plan: Plan, backend: Backend
) -> list[nw.LazyFrame[Any]]:
    """The rules of each modifier of a signature (``mods``: ``sig``, ``pos``, ``mod``,
    the modifier cleaned or null when malformed, and ``first``, whether it is the first
    place the cleaned modifier appears)."""
    c = nw.col
    wanted = [rule_id for rule_id in _MODIFIER_RULES if plan.has(rule_id)]
    if not wanted:
        return []
    modifiers = plan_table(
        backend,
        plan,
        "modifiers",
        {
            "payer": "str",
            "mod": "str",
            "placeholder": "bool",
            "m_start": "date",
            "m_end": "date",
            "m_in_scope": "bool",
        },
    )
    modifier_codes = plan_table(
        backend,
        plan,
        "modifier_codes",
        {"mod": "str", "code": "str", "not_on": "bool", "not_for": "bool"},
    )
    codes = list(dict.fromkeys(plan.modifiers["mod"]))  # the data's modifiers, in order
    present = backend.kept(
        (plan.token, "present"),
        lambda: {"mod": codes, "m_index": list(range(1, len(codes) + 1))},
        {"mod": "str", "m_index": "int"},
    ).with_columns(m_known=nw.lit(True))
    line_cols = lines.select(
        "sig",
        "payer",
        "code",
        "day",
        "outside",
        *(gate(plan.rules[rule_id]).fill_null(False).alias(_gated(rule_id)) for rule_id in wanted),
    )
    atoms = (
        mods.join(line_cols, on="sig", how="inner")
        .join(modifiers, on=["payer", "mod"], how="left")
        .join(modifier_codes, on=["mod", "code"], how="left")
        .join(present, on="mod", how="left")
    )
    atoms = _bools(
        atoms, ["placeholder", "m_in_scope", "not_on", "not_for", "m_known"]
    ).with_columns(m_index=nw.col("m_index").fill_null(0))
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
    each = {
        rule_id: ((c(_gated(rule_id)) & body).fill_null(False), "")
        for rule_id, body in bodies.items()
        if rule_id in wanted
    }
    # (a finding of MODIFIER_CITED cites the modifier's record: by its place in the data)
    cited = [RANK[rule_id] for rule_id in MODIFIER_CITED]
    out = [
        found.select(
            "sig",
            "rank",
            _position().alias("rel_path"),
            c("pos").alias("at"),
            nw.when(c("rank").is_in(cited))
            .then(c("m_index"))
            .otherwise(nw.lit(0, nw.Int64))
            .alias("ckey"),
        )
        for found in _unfold(atoms, ("sig", "pos", "m_index"), each, backend, plan.token)
    ]
    if "modifier.not-together" in wanted:
        pairs = plan_table(
            backend,
            plan,
            "pairs",
            {
                "mod_a": "str",
                "mod_b": "str",
                "payer": "str",
                "pick": "str",
                "a_names": "bool",
                "b_names": "bool",
            },
        )
        distinct = atoms.filter(c("first") & c(_gated("modifier.not-together"))).select(
            "sig", "payer", "mod", "pos", "m_index"
        )
        left = distinct.select(
            "sig",
            "payer",
            c("mod").alias("mod_a"),
            c("pos").alias("pos_a"),
            c("m_index").alias("m_a"),
        )
        right = distinct.select(
            "sig", c("mod").alias("mod_b"), c("pos").alias("pos_b"), c("m_index").alias("m_b")
        )
        both = left.join(right, on="sig", how="inner").filter(c("mod_a") < c("mod_b"))
        hit = both.join(pairs, on=["mod_a", "mod_b", "payer"], how="inner")
        # the record cited: the pair's own pick, else the modifier first on the line
        a_first = (c("pick") == "a") | ((c("pick") == "first") & (c("pos_a") < c("pos_b")))
        out.append(
            hit.select(
                "sig",
                nw.lit(RANK["modifier.not-together"], nw.Int64).alias("rank"),
                nw.lit("modifiers").alias("rel_path"),
                # (listed where the first modifier whose record names the other is)
                nw.when(c("a_names") & c("b_names"))
                .then(nw.min_horizontal(c("pos_a"), c("pos_b")))
                .when(c("a_names"))
                .then(c("pos_a"))
                .otherwise(c("pos_b"))
                .alias("at"),
                nw.when(a_first).then(c("m_a")).otherwise(c("m_b")).alias("ckey"),
            )
        )
    return out
