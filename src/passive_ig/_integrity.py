"""The second tier of data checks: rules across records and files.

The converter has already checked shape. Here: the forms of codes, references
between records and files (sources, codes, payers, coverage documents, diagnosis
lists, places of service, taxonomies, modifiers), date ranges, and what bundled
data may never hold (a licensed CPT descriptor, a record without sources). Every
problem is collected, each with its file and JSON path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from . import codes as _codes
from .errors import DataProblem, InvalidInputError, show
from .records import (
    BillingCode,
    BillingRule,
    BillingUnit,
    ClinicalWorkflowStep,
    CodeRange,
    CoverageCriterion,
    CoverageDetermination,
    DescriptorKind,
    DiagnosisCode,
    DiagnosisList,
    Effective,
    Manifest,
    Modifier,
    NotAvailable,
    Origin,
    Payer,
    PayerPolicy,
    PaymentBenchmark,
    PaymentFigure,
    PlaceOfService,
    ProviderTaxonomy,
    RelatedCode,
    SiteOfCareRule,
    SiteOfService,
    _attrs_type,
    _attrs_type_of,
)

__all__ = ["check_data_set"]

# Which field of which record refers to which collection. A field holds one key
# or a tuple of keys; NotAvailable and None are skipped.
REFERENCES: dict[tuple[type, str], str] = {
    (RelatedCode, "code"): "codes",
    (PayerPolicy, "codes"): "codes",
    (PayerPolicy, "payer"): "payers",
    (PayerPolicy, "coverage_determinations"): "coverage",
    (BillingRule, "codes"): "codes",
    (BillingRule, "modifiers"): "modifiers",
    (CoverageDetermination, "codes"): "codes",
    (CoverageDetermination, "diagnosis_lists"): "diagnosis_lists",
    (CoverageDetermination, "billing_rules"): "billing_rules",
    (DiagnosisList, "applies_to"): "codes",
    (DiagnosisList, "payer"): "payers",
    (DiagnosisList, "determination"): "coverage",
    (BillingCode, "indications"): "diagnosis_lists",
    (BillingCode, "taxonomies"): "taxonomies",
    (SiteOfService, "place_of_service"): "places_of_service",
    (SiteOfCareRule, "preferred"): "places_of_service",
    (SiteOfCareRule, "non_preferred"): "places_of_service",
    (Modifier, "payers"): "payers",
    (Modifier, "not_with"): "modifiers",
    (ClinicalWorkflowStep, "code"): "codes",
    (PaymentBenchmark, "payer"): "payers",
    (PaymentBenchmark, "code"): "codes",
    (PaymentBenchmark, "related"): "payment_benchmarks",
    (PaymentFigure, "code"): "codes",
    (CoverageCriterion, "payer"): "payers",
    (CoverageCriterion, "codes"): "codes",
    (CoverageCriterion, "diagnosis_list"): "diagnosis_lists",
}

# The key field of the records whose keys are codes, with the validator that gives
# the code's canonical form (a key that is not already canonical is a problem too).
KEY_FORMATS: dict[type, tuple[str, Callable[[object], str]]] = {
    BillingCode: ("code", _codes.validate_code),
    Modifier: ("code", _codes.validate_modifier),
    PlaceOfService: ("code", _codes.validate_place_of_service),
}


def _walk(value: object, path: str) -> Iterator[tuple[object, str]]:
    """Yield every record nested in ``value`` (itself included) with its JSON path."""
    if attrs.has(type(value)):
        yield value, path
        for field in attrs.fields(_attrs_type(value)):
            yield from _walk(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _as_keys(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _check_form(validate: Callable[[object], str], value: str) -> str | None:
    try:
        clean = validate(value)
    except InvalidInputError as exc:
        return str(exc)
    if clean != value:
        return f"{show(value)} is not in canonical form; write {show(clean)}"
    return None


def check_data_set(
    collections: Mapping[str, tuple[Any, ...]],
    keys: Mapping[str, set[str]],
    files: Mapping[str, str],
    manifest: Manifest | None,
    *,
    unchecked: frozenset[str] = frozenset(),
) -> list[DataProblem]:
    """Every cross-record problem of a whole data set.

    ``collections`` maps each collection's name to its records, ``keys`` to its
    keys and ``files`` to its file name. References to the collections named in
    ``unchecked`` are not checked: some of their records did not structure and
    their keys are unknown, so a reference to them may not be dangling.
    """
    problems: list[DataProblem] = []
    rule_ids: dict[str, str] = {}
    for index, policy in enumerate(collections.get("policies", ())):
        for rule_index, rule in enumerate(policy.billing_rules):
            if rule.id in rule_ids:
                problems.append(
                    DataProblem(
                        file="policies.json",
                        path=f"$[{index}].billing_rules[{rule_index}].id",
                        message=f"duplicate billing rule id {show(rule.id)} (first in {rule_ids[rule.id]})",
                    )
                )
            rule_ids.setdefault(rule.id, policy.id)
    keys = {**keys, "billing_rules": set(rule_ids)}
    # a key with surrounding spaces is one problem (reported on its record), not
    # one more for every reference written without them
    keys = {name: known | {key.strip() for key in known} for name, known in keys.items()}
    problems.extend(_one_per_payer_and_code(collections, files))
    problems.extend(_payer_names_unique(collections, files))
    for name, records in collections.items():
        file = files[name]
        for index, record in enumerate(records):
            for problem in _check_record(record, f"$[{index}]", keys, unchecked):
                problems.append(DataProblem(file=file, path=problem[0], message=problem[1]))
    if manifest is not None and "sources" not in unchecked:
        for index, source in enumerate(manifest.sources):
            if source not in keys["sources"]:
                problems.append(
                    DataProblem(
                        file="manifest.json",
                        path=f"$.sources[{index}]",
                        message=f"unknown source {show(source)}",
                    )
                )
    return problems


def _check_record(
    record: object,
    root: str,
    keys: Mapping[str, set[str]],
    unchecked: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, str]]:
    bundled = getattr(record, "origin", Origin.BUNDLED) is Origin.BUNDLED
    top_sources = getattr(record, "sources", None)
    if isinstance(top_sources, tuple) and not top_sources:
        yield f"{root}.sources", "a record must cite at least one source"
    for item, path in _walk(record, root):
        kind = type(item)
        key_format = KEY_FORMATS.get(kind)
        if key_format is not None and item is record:
            key_field, validate = key_format
            message = _check_form(validate, getattr(item, key_field))
            if message:
                yield f"{path}.{key_field}", message
        yield from _check_values(item, path)
        sources = getattr(item, "sources", None)
        if isinstance(sources, tuple) and "sources" not in unchecked:
            for index, source in enumerate(sources):
                if source not in keys["sources"]:
                    yield f"{path}.sources[{index}]", f"unknown source {show(source)}"
        for field in attrs.fields(_attrs_type_of(kind)):
            target = REFERENCES.get((kind, field.name))
            if target is None or target in unchecked:
                continue
            value = getattr(item, field.name)
            many = isinstance(value, tuple)
            for index, key in enumerate(_as_keys(value)):
                where = f"{path}.{field.name}[{index}]" if many else f"{path}.{field.name}"
                if key not in keys[target]:
                    yield where, _unknown(target, key, keys[target])
        if isinstance(item, Effective):
            yield from _check_effective(item, path)
        if isinstance(item, CoverageDetermination) and isinstance(item.revised, dt.date):
            start = item.effective.start
            if isinstance(start, dt.date) and item.revised < start:
                yield f"{path}.revised", f"revised {item.revised} before it took effect {start}"
        if isinstance(item, CodeRange):
            yield from _check_range(item, path)
        if isinstance(item, DiagnosisCode):
            message = _check_form(_codes.validate_diagnosis, item.code)
            if message:
                yield f"{path}.code", message
        if isinstance(item, BillingCode):
            if (
                bundled
                and not isinstance(item.descriptor, NotAvailable)
                and (item.descriptor.kind is DescriptorKind.LICENSED)
            ):
                yield (
                    f"{path}.descriptor.kind",
                    (
                        "the bundled data may only hold paraphrases; licensed CPT text "
                        "belongs in a user overlay"
                    ),
                )
            for index, link in enumerate(item.related):
                if link.code == item.code:
                    yield f"{path}.related[{index}].code", "a code cannot be related to itself"
        if isinstance(item, ProviderTaxonomy) and not _TAXONOMY.fullmatch(item.code):
            yield (
                f"{path}.code",
                f"{show(item.code)} is not a NUCC taxonomy code (10 characters ending in X)",
            )


_TAXONOMY = re.compile(r"[0-9A-Z]{9}X")


def _check_values(item: object, path: str) -> Iterator[tuple[str, str]]:
    """Values that structured but that no lookup or answer could use."""
    record_id = getattr(item, "id", None)
    if record_id == "":
        yield f"{path}.id", "an id cannot be empty"
    elif isinstance(record_id, str) and record_id != record_id.strip():
        yield (
            f"{path}.id",
            f"{show(record_id)} cannot be looked up: an id has no surrounding spaces; "
            f"write {show(record_id.strip())}",
        )
    if isinstance(item, BillingUnit) and item.quantity < 1:
        yield (
            f"{path}.quantity",
            f"a billing unit of {item.quantity} {item.measure.value} is not a unit: "
            "expected a whole number of 1 or more",
        )
    if isinstance(item, ClinicalWorkflowStep) and item.order < 1:
        yield f"{path}.order", f"expected a step number of 1 or more, got {item.order}"
    if isinstance(item, Payer):
        names = [(item.id, "id"), (item.name, "name")]
        names.extend((alias, f"aliases[{index}]") for index, alias in enumerate(item.aliases))
        for name, where in names:
            if (name or where != "id") and not any(ch.isalnum() for ch in name):
                yield (
                    f"{path}.{where}",
                    f"{show(name)} has no letter or digit, so it cannot name a payer "
                    "(lookups ignore everything else)",
                )


def _unknown(target: str, key: str, known: set[str]) -> str:
    noun = {
        "codes": "billing code",
        "modifiers": "modifier",
        "payers": "payer",
        "coverage": "coverage document",
        "diagnosis_lists": "diagnosis list",
        "places_of_service": "place of service",
        "taxonomies": "taxonomy",
        "billing_rules": "billing rule",
        "payment_benchmarks": "payment benchmark",
    }.get(target, "record")
    message = f"unknown {noun} {show(key)}"
    suggestions = _codes.nearest(key, sorted(known), limit=1)
    if suggestions:
        message += f" (nearest: {show(suggestions[0])})"
    return message


def _check_effective(item: Effective, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(item.start, dt.date) and isinstance(item.end, dt.date) and item.end < item.start:
        yield f"{path}.end", f"ends {item.end} before it starts {item.start}"


def _check_range(item: CodeRange, path: str) -> Iterator[tuple[str, str]]:
    for field in ("first", "last"):
        message = _check_form(_codes.validate_code, getattr(item, field))
        if message:
            yield f"{path}.{field}", message
            return
    same_shape = (
        len(item.first) == len(item.last) and item.first[0].isdigit() == item.last[0].isdigit()
    )
    if not same_shape or item.last < item.first:
        yield path, f"{show(item.first)} to {show(item.last)} is not a range of codes"


def _one_per_payer_and_code(
    collections: Mapping[str, tuple[Any, ...]], files: Mapping[str, str]
) -> Iterator[DataProblem]:
    """A payer has at most one policy, and one payment benchmark, for a code: two would
    give two answers to one question."""
    for name, codes_of in (("policies", "codes"), ("payment_benchmarks", "code")):
        seen: dict[tuple[str, str], str] = {}
        for index, record in enumerate(collections.get(name, ())):
            codes = getattr(record, codes_of)
            for code in (codes,) if isinstance(codes, str) else codes:
                first = seen.setdefault((record.payer, code), record.id)
                if first != record.id:
                    yield DataProblem(
                        file=files[name],
                        path=f"$[{index}]",
                        message=f"{show(record.id)} and {show(first)} both answer for payer "
                        f"{show(record.payer)} and code {show(code)}; keep one",
                    )


def _payer_names_unique(
    collections: Mapping[str, tuple[Any, ...]], files: Mapping[str, str]
) -> Iterator[DataProblem]:
    """A payer's id, name and aliases find it alone: none may also find another payer."""
    owner: dict[str, str] = {}
    for index, payer in enumerate(collections.get("payers", ())):
        for name in dict.fromkeys((payer.id, payer.name, *payer.aliases)):
            folded = "".join(ch for ch in name.casefold() if ch.isalnum())
            if not folded:
                continue  # a name no lookup can use: reported by _check_values
            first = owner.setdefault(folded, payer.id)
            if first != payer.id:
                yield DataProblem(
                    file=files["payers"],
                    path=f"$[{index}]",
                    message=f"{show(name)} would find both {show(first)} and {show(payer.id)}",
                )
