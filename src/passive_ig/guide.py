"""The guidance sheet: everything a biller needs about one code, on one page.

``registry.guide("90283")`` gathers the code, its related codes, where it is given,
the modifiers that bear on it, each payer's policy and prior authorization, the
clinical workflow with its documentation, what is not available, and the sources.
``Guide.to_text()`` is what ``passive-ig guide 90283`` prints.

>>> from passive_ig import registry
>>> sheet = registry.guide("90283", payer="Medicare")
>>> [policy.payer for policy in sheet.policies]
['medicare']
>>> print(sheet.to_text().splitlines()[0])
CPT 90283: ...
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import attrs

from .records import (
    BillingCode,
    ClinicalWorkflowStep,
    CodeRange,
    DiagnosisList,
    Effective,
    Modifier,
    NotAvailable,
    PayerPolicy,
    PaymentBenchmark,
    PlaceOfService,
    Record,
    RelatedCode,
    Source,
    _attrs_type,
    _short_reprs,
)

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["Guide", "build_guide"]

WIDTH = 96


@attrs.frozen(kw_only=True, field_transformer=_short_reprs)
class Guide(Record):
    """The guidance for one code, as records (``to_text()`` and ``to_dict()`` render it)."""

    code: BillingCode
    related: tuple[tuple[RelatedCode, BillingCode], ...]
    places_of_service: tuple[PlaceOfService, ...]
    modifiers: tuple[Modifier, ...]
    policies: tuple[PayerPolicy, ...]
    payments: tuple[PaymentBenchmark, ...]
    """What is known about payment: one per payer, then the benchmarks they point to."""
    payer_names: tuple[tuple[str, str], ...]
    indications: tuple[DiagnosisList, ...] | NotAvailable
    workflow: tuple[ClinicalWorkflowStep, ...]
    not_available: tuple[tuple[str, NotAvailable], ...]
    sources: tuple[Source, ...]
    data_version: str

    def to_text(self) -> str:
        """The guidance sheet as plain text."""
        return _render(self)


def _modifier_bears_on(modifier: Modifier, code: BillingCode, related: set[str]) -> bool:
    spans: tuple[CodeRange, ...] = modifier.not_on
    if isinstance(modifier.applies_to, tuple):
        spans = spans + modifier.applies_to
    if not spans:
        return True
    return any(c in span for span in spans for c in (code.code, *related))


def build_guide(registry: Registry, code: str = "90283", payer: str | None = None) -> Guide:
    """Gather the guide for ``code`` (every payer, or only ``payer``)."""
    record = registry.codes[code]
    related = registry.related(record.code)
    related_codes = {target.code for _, target in related}
    policies = tuple(registry.policies_for(record.code).values())
    if payer is not None:
        payer_id = registry.payers[payer].id
        policies = tuple(p for p in policies if p.payer == payer_id)
    modifiers = tuple(m for m in registry.modifiers if _modifier_bears_on(m, record, related_codes))
    places: dict[str, PlaceOfService] = {}
    if isinstance(record.typical_sites, tuple):
        for site in record.typical_sites:
            if isinstance(site.place_of_service, tuple):
                for pos in site.place_of_service:
                    places[pos] = registry.places_of_service[pos]
    for policy in policies:
        if isinstance(policy.site_of_care, tuple):
            for rule in policy.site_of_care:
                preferred = rule.preferred if isinstance(rule.preferred, tuple) else ()
                for pos in (*preferred, *rule.non_preferred):
                    places.setdefault(pos, registry.places_of_service[pos])
    workflow = registry.workflow(record.code)
    payments: dict[str, PaymentBenchmark] = {}
    for policy in policies:
        benchmark = registry.payment_benchmark(policy.payer, record.code)
        payments[benchmark.id] = benchmark
        for key in benchmark.related:
            linked = registry.payment_benchmarks[key]
            payments.setdefault(linked.id, linked)
    missing = _not_available(record, policies, workflow)
    sources = registry.sources_of(
        (record, tuple(link for link, _ in related), policies, tuple(payments.values()), workflow)
    )
    return Guide(
        code=record,
        related=related,
        places_of_service=tuple(places.values()),
        modifiers=modifiers,
        policies=policies,
        payments=tuple(payments.values()),
        payer_names=tuple((p.payer, registry.payers[p.payer].name) for p in policies),
        indications=registry.indications(record.code),
        workflow=workflow,
        not_available=missing,
        sources=sources,
        data_version=registry.manifest.data_version,
    )


def _not_available(
    code: BillingCode, policies: tuple[PayerPolicy, ...], workflow: tuple[ClinicalWorkflowStep, ...]
) -> tuple[tuple[str, NotAvailable], ...]:
    found: list[tuple[str, NotAvailable]] = []

    def walk(value: object, label: str) -> None:
        if isinstance(value, NotAvailable):
            found.append((label, value))
        elif attrs.has(type(value)):
            for field in attrs.fields(_attrs_type(value)):
                walk(getattr(value, field.name), f"{label}.{field.name}")
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                walk(item, f"{label}[{index}]")

    walk(code, code.code)
    for policy in policies:
        walk(policy, policy.id)
    for step in workflow:
        walk(step, f"workflow step {step.order}")
    return tuple(found)


# ---------------------------------------------------------------------- text


def _wrap(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad + "  ") or [pad]


def _value(value: object) -> str:
    if isinstance(value, NotAvailable):
        return f"not available ({value.reason})"
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return ", ".join(_value(v) for v in value) if value else "none"
    if hasattr(value, "value") and not isinstance(value, str):
        return str(value.value)
    return str(value)


def _period(effective: Effective) -> str:
    start = _value(effective.start)
    end = "still in effect" if effective.end is None else _value(effective.end)
    return f"from {start}, {end}" if effective.end is None else f"from {start} to {end}"


def _payment_lines(benchmark: PaymentBenchmark) -> list[str]:
    out = _wrap(f"Payment for {benchmark.code}: {_value(benchmark.pricing)}")
    if isinstance(benchmark.figures, NotAvailable):
        out += _wrap(f"Figures: {_value(benchmark.figures)}", 4)
    else:
        for figure in benchmark.figures:
            out += _wrap(
                f"- {figure.kind.value}: {figure.currency} {figure.amount} {figure.unit} "
                f"for {figure.code}, {_period(figure.effective)}. {figure.note}".rstrip(),
                4,
            )
    for missing in benchmark.not_available:
        out += _wrap(f"- not available: {missing.reason}", 4)
    return out


def _render(guide: Guide) -> str:
    code = guide.code
    out: list[str] = []
    descriptor = code.descriptor
    if isinstance(descriptor, NotAvailable):
        title = f"descriptor not available ({descriptor.reason})"
    else:
        note = (
            " (our paraphrase; CPT descriptors are AMA copyright)"
            if descriptor.is_paraphrase
            else ""
        )
        title = descriptor.text + note
    out.append(f"{code.system.value} {code.code}: {title}")
    out.append(f"passive_ig data {guide.data_version}. Every fact below names its sources.")

    out += ["", "THE CODE"]
    out += _wrap(f"Kind: {code.kind.value}. Service type: {code.service_type}")
    out += _wrap(
        f"Routes: {_value(code.routes)}. Status: {_value(code.status)}, {_period(code.effective)}."
    )
    unit = code.billing_unit
    unit_text = (
        "the descriptor names no unit: report the product supplied on one line"
        if unit is None
        else _value(unit)
        if isinstance(unit, NotAvailable)
        else str(unit)
    )
    out += _wrap(f"Billing unit: {unit_text}")
    for note in code.notes:
        out += _wrap(f"- {note}")

    out += ["", "WHERE IT IS GIVEN"]
    if isinstance(code.typical_sites, NotAvailable):
        out += _wrap(_value(code.typical_sites))
    else:
        names = {p.code: _value(p.name) for p in guide.places_of_service}
        for site in code.typical_sites:
            if isinstance(site.place_of_service, NotAvailable):
                pos = f"place of service {_value(site.place_of_service)}"
            else:
                pos = ", ".join(
                    f"POS {p} {names.get(p, '')}".rstrip() for p in site.place_of_service
                )
            out += _wrap(f"- {site.setting}: {pos}")

    out += ["", "RELATED CODES"]
    for link, target in guide.related:
        unit_text = (
            f", {target.billing_unit}"
            if target.billing_unit and not isinstance(target.billing_unit, NotAvailable)
            else ""
        )
        products = f" ({', '.join(target.products)})" if target.products else ""
        descriptor_text = (
            target.descriptor.text
            if not isinstance(target.descriptor, NotAvailable)
            else "descriptor not available"
        )
        line = f"- {link.kind.value}: {target.code}{products}{unit_text}: {descriptor_text}"
        if link.note:
            line += f" [{link.note}]"
        out += _wrap(line)

    out += ["", "DIAGNOSES (ICD-10-CM)"]
    if isinstance(guide.indications, NotAvailable):
        out += _wrap(_value(guide.indications))
    else:
        for dx_list in guide.indications:
            extent = "complete list" if dx_list.complete else "partial list: the source was cut off"
            out += _wrap(
                f"- {dx_list.title} ({extent}): " + ", ".join(d.code for d in dx_list.codes)
            )

    out += ["", "MODIFIERS"]
    for modifier in guide.modifiers:
        flag = " [placeholder, never send it]" if modifier.placeholder else ""
        out += _wrap(f"- {modifier.code} {modifier.name}{flag}: {modifier.when_to_use}")
        if modifier.not_on:
            out += _wrap(f"not on: {', '.join(str(s) for s in modifier.not_on)}", 6)
        if modifier.not_with:
            out += _wrap(f"not with: {', '.join(modifier.not_with)}", 6)

    names = dict(guide.payer_names)
    for policy in guide.policies:
        out += [
            "",
            f"PAYER: {names.get(policy.payer, policy.payer).upper()} (as of {policy.as_of})",
        ]
        out += _wrap(f"Coverage: {policy.coverage_summary}")
        pa = policy.prior_authorization
        out += _wrap(f"Prior authorization: {pa.status.value}. {pa.detail}")
        if isinstance(policy.site_of_care, NotAvailable):
            out += _wrap(f"Site of care: {_value(policy.site_of_care)}")
        else:
            for rule in policy.site_of_care:
                out += _wrap(f"Site of care: {rule.summary}")
        for document in policy.documents:
            out += _wrap(
                f"- Document {_value(document.number)} {document.title} ({document.issuer}), "
                f"{_period(document.effective)}; {_value(document.url)}"
            )
        for billing_rule in policy.billing_rules:
            out += _wrap(f"- Rule {billing_rule.id}: {billing_rule.summary}")
        for plan in policy.example_plans:
            out += _wrap(f"- Example plan {plan.name}: {plan.note}".rstrip(": "))
        if policy.coverage_determinations:
            out += _wrap("Coverage documents: " + ", ".join(policy.coverage_determinations))
        for benchmark in guide.payments:
            if benchmark.payer == policy.payer:
                out += _payment_lines(benchmark)

    out += ["", "CLINICAL WORKFLOW"]
    if not guide.workflow:
        out += _wrap("none in the data for this code")
    for step in guide.workflow:
        out += _wrap(f"{step.order}. {step.role.value}: {step.title}")
        for activity in step.activities:
            out += _wrap(f"- {activity}", 5)
        for item in step.documentation:
            out += _wrap(f"* document {item.what}" + (f" ({item.why})" if item.why else ""), 5)

    out += ["", "NOT AVAILABLE (our sources do not establish these)"]
    if not guide.not_available:
        out += _wrap("nothing")
    for label, missing in guide.not_available:
        out += _wrap(f"- {label}: {missing.reason}")

    out += ["", "SOURCES"]
    for source in guide.sources:
        out += _wrap(
            f"[{source.id}] {source.publisher}: {source.title} ({source.confidence.value}) {source.url}"
        )
    return "\n".join(out) + "\n"
