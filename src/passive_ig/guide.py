"""The guidance sheet: everything a biller needs about one code, on one page.

``registry.guide("90283")`` gathers the code, its related codes, where it is given,
the modifiers that bear on it, each payer's policy and prior authorization, the
clinical workflow with its documentation, what is not available, and the sources.
``Guide.to_text()`` is what ``passive-ig guide 90283`` prints: one terminal screen
(what the code is, how to bill it, what each payer requires, where to read more);
``Guide.to_text(full=True)`` is everything, as ``passive-ig guide 90283 --full``.
Each payer's policy is the one that governs the code (see
:meth:`~passive_ig.registry.Registry.governing_policy`), so the guide for J1459
shows each payer's 90283 policy where the payer does not name J1459 itself.

>>> from passive_ig import registry
>>> sheet = registry.guide("90283", payer="Medicare")
>>> [policy.payer for policy in sheet.policies]
['medicare']
>>> print(sheet.to_text().splitlines()[0])
CPT 90283: ...
>>> [p.payer for p in registry.guide("J1459").policies]
['aetna', 'bcbs', 'cigna', 'uhc', 'medicare']
>>> dict(registry.guide("J1459", payer="Cigna").governed_under)
{'cigna': '90283'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .records import (
    BillingCode,
    ClinicalWorkflowStep,
    CodeRange,
    DiagnosisList,
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
    governed_under: tuple[tuple[str, str], ...] = ()
    """Each payer id with the code its policy was found under: the guide's own code,
    or the generic CPT code a product-specific code stands in for."""

    def to_text(self, *, full: bool = False) -> str:
        """The guidance sheet as plain text: one terminal screen (about 60 lines of at
        most 96 characters, URLs on lines of their own), or everything with ``full``."""
        from .render.text import guide_text

        return guide_text(self, full=full)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        # in a notebook, the same one screen as the command line, everything folded below
        from .render.text import guide_html

        return guide_html(self)


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
    payers = registry.payers if payer is None else (registry.payers[payer],)
    governed = [(p.id, registry._governing_policy(p.id, record)) for p in payers]
    policies = tuple(policy for _, (policy, _) in governed if policy is not None)
    governed_under = tuple((pid, under) for pid, (policy, under) in governed if policy is not None)
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
        governed_under=governed_under,
    )


def _name_of(item: object, index: int) -> str:
    """How the not-available list names an item of a tuple: by its name, title or code
    (quoted, shortened), else by its position counted from 1; never a JSON path."""
    for attribute in ("name", "title", "number", "code", "setting", "id"):
        value = getattr(item, attribute, None)
        if isinstance(value, str) and value:
            return repr(value if len(value) <= 40 else value[:39] + "…")
    return f"#{index + 1}"


def _not_available(
    code: BillingCode, policies: tuple[PayerPolicy, ...], workflow: tuple[ClinicalWorkflowStep, ...]
) -> tuple[tuple[str, NotAvailable], ...]:
    found: list[tuple[str, NotAvailable]] = []

    def walk(value: object, label: str) -> None:
        if isinstance(value, NotAvailable):
            found.append((label, value))
        elif attrs.has(type(value)):
            for field in attrs.fields(_attrs_type(value)):
                walk(getattr(value, field.name), f"{label}, {field.name.replace('_', ' ')}")
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                walk(item, f"{label} {_name_of(item, index)}")

    walk(code, code.code)
    for policy in policies:
        walk(policy, f"{policy.payer} policy")
    for step in workflow:
        walk(step, f"workflow step {step.order}")
    return tuple(found)
