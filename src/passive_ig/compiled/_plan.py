"""The plan of a compiled check: the rules a selection runs and the data they read, as
lookup tables, worked out once per registry and selection from the same declarations
and records the Python checker uses.

Nothing here imports an engine: the tables are plain columns (``dict[str, list]``)
that each engine turns into its own table.
"""

from __future__ import annotations

import datetime as dt
import itertools
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import codes as codes_module
from ..answers import Severity
from ..records import (
    BillingCode,
    BillingUnit,
    CodeKind,
    Measure,
    Modifier,
    NotAvailable,
    PriorAuthStatus,
    RelationKind,
    Route,
)
from ..rules import RULE_BY_ID, RULES, Rule, RuleKind, describe
from ..rules._engine import Selection, make_selection, scope_of
from ..rules._line import PRODUCT_KINDS, Resolver

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["COMPILED_RULES", "OUTPUT_COLUMNS", "Plan", "plan_for"]

OUTPUT_COLUMNS = (
    "row",
    "claim_id",
    "line",
    "line_id",
    "payer",
    "rule",
    "severity",
    "message",
    "path",
    "suggestion",
    "sources",
)
"""The columns of a findings table, in order."""


COMPILED_RULES: frozenset[str] = frozenset(
    {
        "date-of-service.missing",
        "code.malformed",
        "code.unknown",
        "code.not-effective",
        "code.status-not-available",
        "modifier.malformed",
        "modifier.unknown",
        "modifier.placeholder",
        "modifier.not-effective",
        "place-of-service.malformed",
        "place-of-service.unknown",
        "diagnosis.malformed",
        "diagnosis.wrong-code-set",
        "modifier.not-on-code",
        "modifier.not-for-code",
        "modifier.not-together",
        "modifier.route-missing",
        "modifier.jw-amount",
        "modifier.jw-nothing-discarded",
        "modifier.jz-with-discard",
        "modifier.25-not-on-em",
        "units.missing",
        "units.fraction",
        "units.dose-mismatch",
        "units.rounding",
        "units.not-available",
        "payer.prior-authorization",
        "payer.prior-authorization-varies",
        "payer.prior-authorization-not-available",
        "payer.site-of-care",
        "payer.site-of-care-not-available",
        "payer.policy-not-available",
        "payer.policy-via-generic-code",
        "coverage.diagnosis-not-known",
        "medicare.product-under-hcpcs",
        "medicare.jw-required",
        "medicare.jw-jz-required",
        "medicare.home-ivig-place-of-service",
        "medicare.home-ivig-diagnosis",
        "medicare.ncd-250.3",
        "medicare.home-ivig-same-place",
        "claim.product-without-administration",
        "claim.administration-without-product",
        "claim.administration-route-mismatch",
        "claim.em-without-25",
    }
)
"""The ids of the rules that have a compiled form. A rule not in this set (a rule added
later, or one whose data makes its compiled form ambiguous, see :attr:`Plan.fallback`)
runs through the Python checker on the rows it concerns."""

HOME_SERVICES = "Q2052"


def ok_column(rule_id: str) -> str:
    """The column of the code table that says whether a rule's ``codes`` predicate takes
    the code (no dots: Spark reads ``a.b`` as field ``b`` of column ``a``)."""
    return "ok:" + rule_id.replace(".", "_")


# what a line gives, as in the engine's FEATURES
NEED_COLUMNS = {
    "modifiers": "has_mods_raw",
    "place": "has_pos_raw",
    "diagnoses": "has_dx_raw",
    "units": "has_units",
    "discarded": "discarded",
}


class RulePlan:
    """One rule as the compiled path runs it: its gate, from the declaration."""

    __slots__ = ("codes", "end", "id", "kind", "needs", "needs_code", "payers", "rank", "start")

    def __init__(self, registry: Registry, rule: Rule, rank: int) -> None:
        facts = describe(registry, rule)
        self.id = rule.id
        self.rank = rank
        self.kind = rule.kind
        self.payers: tuple[str, ...] | None = (
            tuple(sorted(facts.payers)) if facts.payers is not None else None
        )
        self.start = facts.start
        self.end = facts.end
        self.needs_code = rule.needs_code
        self.needs = tuple(sorted(NEED_COLUMNS[need] for need in rule.needs))
        self.codes = rule.codes is not None


_TOKENS = itertools.count()


class Plan:
    """What one selection runs on one registry's data, and the tables it reads."""

    def __init__(self, registry: Registry, selection: Selection) -> None:
        self.registry = registry
        self.selection = selection
        self.token = next(_TOKENS)
        """This plan's number, never given to another: what an engine keeps the plan's
        lookup tables under (see :meth:`passive_ig.compiled._rules.Backend.kept`)."""
        payers = [payer.id for payer in registry.payers]
        self.payer_ids: list[str] = payers
        """The data's payers, in order: a line's ``pidx`` is its payer's place here."""
        chosen = [rule for rule in RULES if selection.chooses(rule)]
        self.pair_scopes, ambiguous = _pairs(registry, payers)
        compiled = set(COMPILED_RULES)
        if ambiguous:
            compiled.discard("modifier.not-together")
        self.rules = {
            rule.id: RulePlan(registry, rule, rank)
            for rank, rule in enumerate(RULES)
            if rule in chosen and rule.id in compiled
        }
        self.fallback: tuple[str, ...] = tuple(
            rule.id for rule in chosen if rule.id not in compiled
        )
        """The chosen rules run through the Python checker."""
        self.rule_table = _rule_table(registry)
        self.codes = _code_table(registry)
        self.payer_codes, self.site_of_care = _policy_tables(registry, payers)
        self.modifiers = _modifier_table(registry, payers)
        self.modifier_codes = _modifier_code_table(registry)
        self.places: dict[str, list[Any]] = {
            "pos": [place.code for place in registry.places_of_service],
            "place_home": [bool(place.home_type) for place in registry.places_of_service],
        }
        self.diagnoses = _diagnosis_table(registry)
        self.fits: dict[str, list[Any]] = {"product_id": [], "admin_id": []}
        code_ids = {code: index for index, code in enumerate(self.codes["code"])}
        for code in registry.codes:
            for link in code.related:
                if link.kind is RelationKind.ADMINISTRATION and link.code in code_ids:
                    self.fits["product_id"].append(code_ids[code.code])
                    self.fits["admin_id"].append(code_ids[link.code])
        self.complete_lists, self.pcs = _complete_lists(self.diagnoses)
        """Each diagnosis on a complete list: the ids of the (payer, code) pairs whose
        complete lists name it; and the table of those ids (``payer``, ``code``, ``pc``)."""
        self.complete_table: dict[str, list[Any]] = {
            "pc": [pc for keys in self.complete_lists.values() for pc in sorted(keys)],
            "cleaned": [dx for dx, keys in self.complete_lists.items() for _ in keys],
        }
        """(``pc``, ``cleaned``): each diagnosis a complete list of a payer and code names."""
        self.listed: dict[str, frozenset[str]] = {
            kind: frozenset(
                dx
                for dx, of in zip(self.diagnoses["dx"], self.diagnoses["list"], strict=True)
                if of == kind
            )
            for kind in ("pidd", "ncd")
        }
        self.breakpoints: tuple[dt.date, ...] = _breakpoints(self)
        """Every day on which some answer may change: a start, the day after an end, and
        the first day of ICD-10-CM. Two days between the same breakpoints get the same
        answers from every rule but those comparing days of one claim."""
        self.home_services_id = (
            self.codes["code"].index(HOME_SERVICES) if HOME_SERVICES in self.codes["code"] else -1
        )
        """The ``code_id`` of Q2052, the home infusion services code (-1: not in the data)."""
        self.described, self.key_sizes = _described(self, registry)
        """What a finding says (``payer``, ``rule``, ``severity``, ``message``, ``sources``), by one
        integer ``key`` of its payer, rule, code and the record it enforces; and the
        sizes that make a finding's key: ``((pidx * ranks + rank) * codes + code_id + 1)
        * records + ckey``."""
        names = ("mod_a", "mod_b", "payer", "pick", "a_names", "b_names")
        self.pairs = {
            name: [pair[index] for pair in self.pair_scopes] for index, name in enumerate(names)
        }

    def has(self, rule_id: str) -> bool:
        return rule_id in self.rules

    def line_rules(self) -> list[RulePlan]:
        return [rule for rule in self.rules.values() if rule.kind is RuleKind.LINE]


def _rule_table(registry: Registry) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {
        "rule": [],
        "rank": [],
        "severity": [],
        "message": [],
        "sources": [],
    }
    for rank, rule in enumerate(RULES):
        facts = describe(registry, rule)
        table["rule"].append(rule.id)
        table["rank"].append(rank)
        table["severity"].append(rule.severity.value)
        table["message"].append(rule.title)
        table["sources"].append([source.id for source in facts.sources])
    return table


def _code_record(code: BillingCode, resolver: Resolver) -> object:
    return code


def _unit_record(code: BillingCode, resolver: Resolver) -> object:
    unit = code.billing_unit  # as passive_ig.rules.units enforces it
    if isinstance(unit, BillingUnit) and unit.sources:
        return unit
    return code


def _policy_record(code: BillingCode, resolver: Resolver) -> object:
    return resolver.governing_policy(code)[0]


def _authorization_record(code: BillingCode, resolver: Resolver) -> object:
    policy = resolver.governing_policy(code)[0]
    return policy.prior_authorization if policy is not None else None


CITED: dict[str, Any] = {
    "code.not-effective": _code_record,
    "modifier.route-missing": _code_record,
    "medicare.product-under-hcpcs": _code_record,
    "claim.product-without-administration": _code_record,
    "claim.administration-without-product": _code_record,
    "claim.administration-route-mismatch": _code_record,
    "units.missing": _unit_record,
    "units.dose-mismatch": _unit_record,
    "units.rounding": _unit_record,
    "payer.policy-via-generic-code": _policy_record,
    "payer.prior-authorization": _authorization_record,
    "payer.prior-authorization-varies": _authorization_record,
}
"""The rules whose findings enforce a record of the line's code, and that record (as
each rule's Python function picks it): their findings cite its sources too. The
modifier rules' findings cite the record of their modifier (:data:`MODIFIER_CITED`,
:func:`_pairs`), and ``payer.site-of-care``'s the site-of-care rule it enforces."""


def _cites(registry: Registry, payers: list[str], chosen: set[str]) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {"rank": [], "payer": [], "code_id": [], "cited": []}
    ranks = {rule.id: rank for rank, rule in enumerate(RULES)}
    known = registry.sources
    for payer_id in payers:
        resolver = Resolver(registry, registry.payers[payer_id])
        for rule in RULES:
            pick = CITED.get(rule.id)
            if pick is None or rule.id not in chosen:
                continue
            own_ids = [source.id for source in describe(registry, rule).sources]
            for code_id, code in enumerate(registry.codes):
                record = pick(code, resolver)
                if record is None:
                    continue
                cited = list(
                    dict.fromkeys(
                        [*own_ids, *(s for s in getattr(record, "sources", ()) if s in known)]
                    )
                )
                if cited != own_ids:
                    table["rank"].append(ranks[rule.id])
                    table["payer"].append(payer_id)
                    table["code_id"].append(code_id)
                    table["cited"].append(cited)
    return table


MODIFIER_CITED = ("modifier.not-on-code", "modifier.not-for-code", "modifier.not-effective")
"""The modifier rules whose findings cite the record of the modifier they are about
(``modifier.not-together`` cites one of its two modifiers' records: see :func:`_pairs`)."""


def _keyed_cites(registry: Registry, payers: list[str], chosen: set[str]) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {
        "rank": [],
        "payer": [],
        "code_id": [],
        "ckey": [],
        "cited": [],
    }
    ranks = {rule.id: rank for rank, rule in enumerate(RULES)}
    known = registry.sources

    def merged(rule_id: str, record: object) -> list[str]:
        own_ids = [source.id for source in describe(registry, RULE_BY_ID[rule_id]).sources]
        extra = (s for s in getattr(record, "sources", ()) if s in known)
        return list(dict.fromkeys([*own_ids, *extra]))

    def add(rule_id: str, payer: str, code_id: int | None, ckey: int, cited: list[str]) -> None:
        table["rank"].append(ranks[rule_id])
        table["payer"].append(payer)
        table["code_id"].append(code_id)
        table["ckey"].append(ckey)
        table["cited"].append(cited)

    for payer_id in payers:
        for rule_id in (*MODIFIER_CITED, "modifier.not-together"):
            if rule_id not in chosen:
                continue
            for index, record in enumerate(registry.modifiers, start=1):
                scope = scope_of(record)
                if scope is None or payer_id in scope:
                    add(rule_id, payer_id, None, index, merged(rule_id, record))
        if "payer.site-of-care" not in chosen:
            continue
        resolver = Resolver(registry, registry.payers[payer_id])
        for code_id, code in enumerate(registry.codes):
            policy = resolver.governing_policy(code)[0]
            if policy is None or isinstance(policy.site_of_care, NotAvailable):
                continue
            for index, rule in enumerate(policy.site_of_care):
                cited = merged("payer.site-of-care", rule)
                add("payer.site-of-care", payer_id, code_id, index + 1, cited)
    return table


def _described(plan: Plan, registry: Registry) -> tuple[dict[str, list[Any]], tuple[int, int, int]]:
    """See :attr:`Plan.described`: the rule's id, severity and title, and its sources,
    with those of the record a finding enforces where its rule enforces one
    (:data:`CITED`, :data:`MODIFIER_CITED`, ``payer.site-of-care``)."""
    chosen = set(plan.rules)
    cites = _cites(registry, plan.payer_ids, chosen)
    cited = {
        (rank, payer, code_id): sources
        for rank, payer, code_id, sources in zip(
            cites["rank"], cites["payer"], cites["code_id"], cites["cited"], strict=True
        )
    }
    keyed_cites = _keyed_cites(registry, plan.payer_ids, chosen)
    keyed: dict[tuple[int, str], list[tuple[int | None, int, list[str]]]] = {}
    for rank, payer, code_id, ckey, sources in zip(
        keyed_cites["rank"],
        keyed_cites["payer"],
        keyed_cites["code_id"],
        keyed_cites["ckey"],
        keyed_cites["cited"],
        strict=True,
    ):
        keyed.setdefault((rank, payer), []).append((code_id, ckey, sources))
    table = plan.rule_table
    codes = len(plan.codes["code"]) + 1  # code_id -1 (no code the data holds) to n - 1
    records = max(keyed_cites["ckey"], default=0) + 1
    ranks = max(table["rank"]) + 1
    # one row for each payer, code and rule, citing the rule's own sources unless the
    # code's record adds some; then one for each record a rule enforces (ckey > 0).
    # (made column by column: some 30,000 rows, the first check of a process waits on it)
    per_code = len(table["rank"])
    out: dict[str, list[Any]] = {
        "key": [],
        "payer": [],
        "rule": table["rule"] * (len(plan.payer_ids) * codes),
        "severity": table["severity"] * (len(plan.payer_ids) * codes),
        "message": table["message"] * (len(plan.payer_ids) * codes),
        "sources": [],
    }
    for payer_index, payer in enumerate(plan.payer_ids):
        out["payer"] += [payer] * (codes * per_code)
        for code_id in range(-1, codes - 1):
            out["key"] += [
                ((payer_index * ranks + rank) * codes + code_id + 1) * records
                for rank in table["rank"]
            ]
            out["sources"] += table["sources"]
    at = {rank: index for index, rank in enumerate(table["rank"])}
    payer_at = {payer: index for index, payer in enumerate(plan.payer_ids)}
    for (rank, payer, code_id), sources in cited.items():
        row = (payer_at[payer] * codes + code_id + 1) * per_code + at[rank]
        out["sources"][row] = sources
    for (rank, payer), entries in keyed.items():
        payer_index = payer_at[payer]
        index = at[rank]
        for only, ckey, own in entries:
            for code_id in range(-1, codes - 1) if only is None else (only,):
                key = ((payer_index * ranks + rank) * codes + code_id + 1) * records + ckey
                out["key"].append(key)
                out["payer"].append(payer)
                out["rule"].append(table["rule"][index])
                out["severity"].append(table["severity"][index])
                out["message"].append(table["message"][index])
                out["sources"].append(own)
    return out, (ranks, codes, records)


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _unit_kind(unit: object) -> str:
    if unit is None:
        return "none"
    if isinstance(unit, NotAvailable):
        return "na"
    assert isinstance(unit, BillingUnit)
    return "mg" if unit.measure is Measure.MILLIGRAM else "other"


def _code_table(registry: Registry) -> dict[str, list[Any]]:
    any_payer = registry.payers[next(iter(registry.payers)).id]
    resolver = Resolver(registry, any_payer)
    columns: dict[str, list[Any]] = {
        name: []
        for name in (
            "code",
            "code_id",
            "kind",
            "is_product",
            "is_admin",
            "is_admin_or_home",
            "c_start",
            "c_end",
            "status_na",
            "unit_kind",
            "unit_qty",
            "single_dose",
            "route_needed",
            "under_hcpcs",
            "home_ivig",
            "home_drug",
            "has_admin_links",
        )
    }
    for rule in RULES:
        if rule.codes is not None:
            columns[ok_column(rule.id)] = []
    for code in registry.codes:
        unit = code.billing_unit
        kind = _unit_kind(unit)
        qty = float(unit.quantity) if isinstance(unit, BillingUnit) and kind == "mg" else None
        related = code.related
        intravenous = isinstance(code.routes, tuple) and Route.INTRAVENOUS in code.routes
        columns["code"].append(code.code)
        columns["code_id"].append(len(columns["code_id"]))
        columns["kind"].append(code.kind.value)
        columns["is_product"].append(code.kind in PRODUCT_KINDS)
        columns["is_admin"].append(code.kind is CodeKind.ADMINISTRATION)
        columns["is_admin_or_home"].append(
            code.kind in (CodeKind.ADMINISTRATION, CodeKind.HOME_INFUSION_SERVICES)
        )
        columns["c_start"].append(_date(code.effective.start))
        columns["c_end"].append(_date(code.effective.end))
        columns["status_na"].append(isinstance(code.status, NotAvailable))
        columns["unit_kind"].append(kind)
        columns["unit_qty"].append(qty)
        columns["single_dose"].append(code.single_dose_container is True)
        columns["route_needed"].append(code.is_multi_route and resolver.route_modifier_codes(code))
        columns["under_hcpcs"].append(
            code.kind is CodeKind.IMMUNE_GLOBULIN_PRODUCT
            and intravenous
            and any(r.kind is RelationKind.PRODUCT_SPECIFIC_HCPCS for r in related)
        )
        home_drug = any(r.kind is RelationKind.HOME_INFUSION_SERVICES for r in related)
        columns["home_ivig"].append(code.code == HOME_SERVICES or home_drug)
        columns["home_drug"].append(home_drug)
        columns["has_admin_links"].append(
            code.kind in PRODUCT_KINDS
            and any(r.kind is RelationKind.ADMINISTRATION for r in related)
        )
        for rule in RULES:
            if rule.codes is not None:
                columns[ok_column(rule.id)].append(bool(rule.codes(code)))
    return columns


def _policy_tables(
    registry: Registry, payers: Iterable[str]
) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    per: dict[str, list[Any]] = {
        name: []
        for name in (
            "payer",
            "code",
            "has_policy",
            "via_generic",
            "pa_status",
            "pa_start",
            "pa_end",
            "soc_na",
        )
    }
    soc: dict[str, list[Any]] = {
        name: [] for name in ("payer", "code", "pos", "soc_start", "soc_end", "soc_index")
    }
    for payer_id in payers:
        resolver = Resolver(registry, registry.payers[payer_id])
        for code in registry.codes:
            policy, policy_code = resolver.governing_policy(code)
            if policy is None:
                continue
            authorization = policy.prior_authorization
            per["payer"].append(payer_id)
            per["code"].append(code.code)
            per["has_policy"].append(True)
            per["via_generic"].append(policy_code != code.code)
            per["pa_status"].append(
                authorization.status.value
                if isinstance(authorization.status, PriorAuthStatus)
                else None
            )
            per["pa_start"].append(_date(authorization.effective.start))
            per["pa_end"].append(_date(authorization.effective.end))
            per["soc_na"].append(isinstance(policy.site_of_care, NotAvailable))
            if isinstance(policy.site_of_care, NotAvailable):
                continue
            for index, rule in enumerate(policy.site_of_care):
                for pos in dict.fromkeys(rule.non_preferred):
                    soc["payer"].append(payer_id)
                    soc["code"].append(code.code)
                    soc["pos"].append(pos)
                    soc["soc_start"].append(_date(rule.effective.start))
                    soc["soc_end"].append(_date(rule.effective.end))
                    soc["soc_index"].append(index)
    return per, soc


def _modifier_table(registry: Registry, payers: Iterable[str]) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = {
        name: [] for name in ("payer", "mod", "placeholder", "m_start", "m_end", "m_in_scope")
    }
    for payer_id in payers:
        for record in registry.modifiers:
            scope = scope_of(record)
            table["payer"].append(payer_id)
            table["mod"].append(record.code)
            table["placeholder"].append(bool(record.placeholder))
            table["m_start"].append(_date(record.effective.start))
            table["m_end"].append(_date(record.effective.end))
            table["m_in_scope"].append(scope is None or payer_id in scope)
    return table


def _modifier_code_table(registry: Registry) -> dict[str, list[Any]]:
    resolver = Resolver(registry, registry.payers[next(iter(registry.payers)).id])
    table: dict[str, list[Any]] = {"mod": [], "code": [], "not_on": [], "not_for": []}
    for record in registry.modifiers:
        for code in registry.codes:
            not_on = bool(record.not_on) and resolver.in_ranges(code.code, record.not_on)
            applies = record.applies_to
            not_for = (
                isinstance(applies, tuple)
                and bool(applies)
                and not resolver.in_ranges(code.code, applies)
            )
            if not_on or not_for:
                table["mod"].append(record.code)
                table["code"].append(code.code)
                table["not_on"].append(not_on)
                table["not_for"].append(not_for)
    return table


def _pairs(
    registry: Registry, payers: list[str]
) -> tuple[list[tuple[str, str, str, str, bool, bool]], bool]:
    """The pairs of modifiers that must not go together, each as (a, b, payer, pick)
    with a < b, for each payer whose findings keep it; and whether some pair's record
    depends on the order of the line's modifiers in a way no table says (then the rule
    is not compiled).

    ``pick`` is whose record a finding cites, as the Python checker picks it: of the
    records that name the other modifier, one for every payer before one limited to
    some, and between two alike the one whose modifier comes first on the line:
    ``"a"``, ``"b"``, or ``"first"`` (the line says). The two flags say whether a's
    record names b and b's names a: the Python checker lists the pair where the first
    of those comes on the line."""
    records: dict[str, Modifier] = {record.code: record for record in registry.modifiers}
    sides: dict[tuple[str, str], list[Modifier]] = {}
    for first, record in records.items():
        for second in record.not_with:
            if second != first:
                key = (min(first, second), max(first, second))
                sides.setdefault(key, []).append(record)
    out: list[tuple[str, str, str, str, bool, bool]] = []
    ambiguous = False
    for (a, b), found in sides.items():
        a_names, b_names = (any(record.code == side for record in found) for side in (a, b))
        scopes = [scope_of(record) for record in found]
        if any(scope is None for scope in scopes):
            kept: frozenset[str] | None = None
            found = [record for record, scope in zip(found, scopes, strict=True) if scope is None]
        else:
            distinct = set(scopes)
            if len(distinct) > 1:
                ambiguous = True
                continue
            kept = scopes[0]
        pick = found[0].code if len(found) == 1 else None
        which = "first" if pick is None else ("a" if pick == a else "b")
        out.extend(
            (a, b, payer, which, a_names, b_names)
            for payer in payers
            if kept is None or payer in kept
        )
    return out, ambiguous


def _complete_lists(
    diagnoses: dict[str, list[Any]],
) -> tuple[dict[str, frozenset[int]], dict[str, list[Any]]]:
    out: dict[str, set[int]] = {}
    ids: dict[tuple[str, str], int] = {}
    for payer, code, dx, kind in zip(
        diagnoses["payer"], diagnoses["code"], diagnoses["dx"], diagnoses["list"], strict=True
    ):
        if kind == "complete":
            pc = ids.setdefault((payer, code), len(ids))
            out.setdefault(dx, set()).add(pc)
    table: dict[str, list[Any]] = {
        "payer": [payer for payer, _ in ids],
        "code": [code for _, code in ids],
        "pc": list(ids.values()),
    }
    return {dx: frozenset(keys) for dx, keys in out.items()}, table


def _breakpoints(plan: Plan) -> tuple[dt.date, ...]:
    days: set[dt.date] = {codes_module.ICD10_CM_START}
    one = dt.timedelta(days=1)

    def add(start: object, end: object) -> None:
        if isinstance(start, dt.date):
            days.add(start)
        if isinstance(end, dt.date) and end < dt.date.max:
            days.add(end + one)

    for rule in plan.rules.values():
        add(rule.start, rule.end)
    for table, names in (
        (plan.codes, ("c_start", "c_end")),
        (plan.modifiers, ("m_start", "m_end")),
        (plan.payer_codes, ("pa_start", "pa_end")),
        (plan.site_of_care, ("soc_start", "soc_end")),
    ):
        for start, end in zip(table[names[0]], table[names[1]], strict=True):
            add(start, end)
    return tuple(sorted(days))


def _diagnosis_table(registry: Registry) -> dict[str, list[Any]]:
    """(payer, code, dx, list): the diagnoses the compiled rules look up, by what for.

    ``list`` is ``"complete"`` for a complete list of the payer's that applies to the
    code, or the key of a list a rule rests on (``"pidd"``, ``"ncd"``; payer and code
    empty)."""
    table: dict[str, list[Any]] = {"payer": [], "code": [], "dx": [], "list": []}
    seen: set[tuple[str, str, str, str]] = set()

    def add(payer: str, code: str, dx: str, kind: str) -> None:
        key = (payer, code, dx, kind)
        if key not in seen:
            seen.add(key)
            table["payer"].append(payer)
            table["code"].append(code)
            table["dx"].append(dx)
            table["list"].append(kind)

    for dx_list in registry.diagnosis_lists:
        if dx_list.payer and dx_list.complete:
            for code in dx_list.applies_to:
                for entry in dx_list.codes:
                    add(dx_list.payer, code, entry.code, "complete")
    for key, kind in (("medicare-home-ivig-pidd", "pidd"), ("medicare-ncd-250.3", "ncd")):
        for entry in registry.diagnosis_lists[key].codes:
            add("", "", entry.code, kind)
    return table


_PLANS: weakref.WeakKeyDictionary[Registry, dict[Selection, Plan]] = weakref.WeakKeyDictionary()


def plan_for(
    registry: Registry,
    *,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    min_severity: Severity | str | None = None,
    notes: bool = False,
) -> Plan:
    """The plan of ``registry`` for a selection, made once."""
    selection = make_selection(RULES, select, ignore, min_severity, notes)
    plans = _PLANS.setdefault(registry, {})
    plan = plans.get(selection)
    if plan is None:
        plan = plans[selection] = Plan(registry, selection)
    return plan
