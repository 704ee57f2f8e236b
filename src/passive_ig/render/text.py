"""Plain-text renderings of answers: the guidance sheet (short and full) and one code.

A renderer is a function of the answer it is handed: it never imports the registry
or the rules, so what it prints is what the answer holds.

Three promises hold for every text here (``tests/test_first_hour.py`` pins them):

* lines are at most :data:`WIDTH` characters, except a line that is one URL;
* a URL is never broken across lines: it stands on a line of its own;
* no internal JSON path (``bcbs-90283.example_plans[6]...``) is shown: what is not
  available is named in words.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._values import NotAvailable
from ..records import (
    BillingCode,
    CodeSystem,
    Effective,
    Modifier,
    PayerPolicy,
    PaymentBenchmark,
    RelationKind,
)

if TYPE_CHECKING:
    from ..guide import Guide

__all__ = ["WIDTH", "code_text", "guide_html", "guide_text"]

WIDTH = 96
"""The widest line a text rendering prints (a line holding only a URL may be wider)."""

_URL = re.compile(r"https?://\S+")


# ---------------------------------------------------------------------- helpers


def _wrap(text: str, indent: int = 2, hang: int = 2) -> list[str]:
    """``text`` wrapped to WIDTH; each URL it holds moves to a line of its own, unbroken."""
    pad = " " * indent
    urls = _URL.findall(text)
    prose = _URL.sub("", text).rstrip(" ;,:") if urls else text
    prose = re.sub(r"\s+([;,.)])", r"\1", re.sub(r"  +", " ", prose))
    out = textwrap.wrap(
        prose,
        WIDTH,
        initial_indent=pad,
        subsequent_indent=pad + " " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    out += [pad + " " * hang + _url_end(url) for url in urls]
    return out or [pad]


def _url_end(url: str) -> str:
    """A URL found in prose, without the punctuation that ends the sentence around it."""
    while url and (url[-1] in ".,;:" or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


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


def _gist(text: str, limit: int) -> str:
    """The first sentence of ``text``, cut at a word to ``limit`` characters with '…'."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text.strip(), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _title(code: BillingCode, version: str = "") -> list[str]:
    """The code's heading: its descriptor, and whose words they are."""
    descriptor = code.descriptor
    if isinstance(descriptor, NotAvailable):
        return _wrap(f"{code.system.value} {code.code}: descriptor {_value(descriptor)}", 0)
    out = _wrap(f"{code.system.value} {code.code}: {descriptor.text}", 0)
    if descriptor.is_paraphrase:
        # the AMA holds copyright in CPT descriptors only; HCPCS Level II text is public
        note = (
            "Our paraphrase: CPT descriptors are AMA copyright."
            if code.system is CodeSystem.CPT
            else "Our paraphrase."
        )
        out += _wrap(note + (f" passive_ig data {version}." if version else ""), 2)
    elif version:
        out += _wrap(f"passive_ig data {version}.", 2)
    return out


def _unit_text(code: BillingCode) -> str:
    unit = code.billing_unit
    if unit is None:
        return "the descriptor names no unit: report the product supplied on one line"
    if isinstance(unit, NotAvailable):
        return _value(unit)
    return str(unit)


def _code_list(codes: Iterable[BillingCode], *, brands: bool, units: bool) -> str:
    items = []
    for target in codes:
        text = target.code
        if brands and target.products:
            text += " " + "/".join(target.products)
        if units and target.billing_unit and not isinstance(target.billing_unit, NotAvailable):
            text += f" ({target.billing_unit})"
        items.append(text)
    return ", ".join(items)


def _applies(modifier: Modifier, code: str) -> bool:
    if not isinstance(modifier.applies_to, tuple):
        return False
    return any(code in span for span in modifier.applies_to)


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


def _document_lines(policy: PayerPolicy, limit: int | None) -> list[str]:
    documents = policy.documents
    if limit is not None:  # the ones a reader can open first
        documents = tuple(sorted(documents, key=lambda d: isinstance(d.url, NotAvailable)))
    out: list[str] = []
    for document in documents[:limit]:
        number = "" if isinstance(document.number, NotAvailable) else f"{document.number} "
        out += _wrap(f"Read: {number}{document.title} ({document.issuer})", 4)
        if isinstance(document.url, NotAvailable):
            out += _wrap("(its address is not recorded in our sources)", 6)
        else:
            out.append(" " * 6 + document.url)
    return out


def _pa_line(policy: PayerPolicy) -> list[str]:
    pa = policy.prior_authorization
    words = pa.status.value.replace("-", " ")
    lead = f"Prior authorization: {words}. "
    return _wrap(lead + _gist(pa.detail, 2 * WIDTH - 16 - len(lead)), 4)


def _site_line(policy: PayerPolicy) -> list[str]:
    site = policy.site_of_care
    if isinstance(site, NotAvailable):
        return _wrap(f"Site of care: not available ({_gist(site.reason, WIDTH - 36)})", 4)
    return _wrap(
        "Site of care: " + " ".join(_gist(rule.summary, 2 * WIDTH - 40) for rule in site), 4
    )


# ------------------------------------------------------------------ the short guide


def guide_text(guide: Guide, *, full: bool = False) -> str:
    """The guidance sheet as text: one terminal screen, or everything with ``full``."""
    return _full(guide) if full else _short(guide)


def _short(guide: Guide) -> str:
    code = guide.code
    out = _title(code, guide.data_version)

    out += ["", "HOW TO BILL"]
    out += _wrap(f"Unit: {_unit_text(code)}.")
    related: dict[RelationKind, list[BillingCode]] = {}
    for link, target in guide.related:
        related.setdefault(link.kind, []).append(target)
    products = related.get(RelationKind.PRODUCT_SPECIFIC_HCPCS, [])
    if products:
        units = {str(p.billing_unit) for p in products}
        shared = (
            f", {units.pop()} each"
            if len(units) == 1 and None not in {p.billing_unit for p in products}
            else ""
        )
        out += _wrap(
            f"Product-specific HCPCS codes{shared} (Medicare bills the product under these): "
            + _code_list(products, brands=True, units=not shared)
        )
    generic = related.get(RelationKind.GENERIC_CPT, [])
    if generic:
        out += _wrap(
            "Generic CPT code for this product: " + _code_list(generic, brands=False, units=False)
        )
    administration = related.get(RelationKind.ADMINISTRATION, [])
    if administration:
        out += _wrap(
            "Administration, on its own line: "
            + _code_list(administration, brands=False, units=True)
        )
    related_codes = [target.code for _, target in guide.related]
    on_code: list[Modifier] = []
    on_related: list[Modifier] = []
    for modifier in guide.modifiers:
        if modifier.placeholder:
            continue
        if any(code.code in span for span in modifier.not_on):
            spans = ", ".join(str(span) for span in modifier.not_on)
            out += _wrap(f"Modifier {modifier.code} ({modifier.name}): never on {spans}.")
        elif _applies(modifier, code.code):
            on_code.append(modifier)
        elif any(_applies(modifier, other) for other in related_codes):
            on_related.append(modifier)
    for label, group in (("", on_code), (" on the HCPCS product lines", on_related)):
        if group:
            out += _wrap(f"Modifiers{label}:")
            for modifier in group:
                lead = f"{modifier.code} {modifier.name}: "
                out += _wrap(lead + _gist(modifier.when_to_use, 2 * WIDTH - 30 - len(lead)), 4)
    if guide.places_of_service:
        out += _wrap(
            "Places of service: "
            + ", ".join(f"{p.code} {_value(p.name)}" for p in guide.places_of_service)
        )

    names = dict(guide.payer_names)
    under = dict(guide.governed_under)
    heading = "WHAT THE PAYER REQUIRES" if len(guide.policies) == 1 else "WHAT EACH PAYER REQUIRES"
    dates = {policy.as_of for policy in guide.policies}
    if len(dates) == 1:
        heading += f" (policies as of {dates.pop()})"
    out += ["", heading]
    if not guide.policies:
        out += _wrap("no payer policy in the data for this code")
    for policy in guide.policies:
        name = names.get(policy.payer, policy.payer)
        via = under.get(policy.payer, code.code)
        notes = [] if "policies as of" in heading else [f"as of {policy.as_of}"]
        if via != code.code:
            notes.append(f"its {via} policy governs {code.code}")
        out.append(f"  {name}" + (f" ({'; '.join(notes)})" if notes else ""))
        out += _pa_line(policy)
        out += _site_line(policy)
        out += _document_lines(policy, None if len(guide.policies) == 1 else 1)

    example = next(
        (p.code for p in products if p.products), products[0].code if products else code.code
    )
    payer = _payer_word(guide.payer_names[0]) if len(guide.payer_names) == 1 else "Medicare"
    payer_flag = f" --payer {payer}" if len(guide.policies) == 1 else ""
    out += ["", "MORE"]
    rows = [
        (f"passive-ig guide {code.code}{payer_flag} --full", "everything, with every source"),
        (f"passive-ig guide {code.code}", "every payer")
        if payer_flag
        else (f"passive-ig guide {code.code} --payer UHC", "one payer, with all its documents"),
        (f"passive-ig show {example}", "one code's own facts"),
    ]
    column = max(len(command) for command, _ in rows) + 3
    out += [f"  {command:{column}}{what}" for command, what in rows]
    out += [
        "  Check a line before it goes out:",
        f"  passive-ig check --payer {payer} --code {example} --units 70 "
        "--modifier JZ --dos 2024-03-01",
    ]
    return "\n".join(out) + "\n"


def _payer_word(payer: tuple[str, str]) -> str:
    """How a command line names a payer: its name when short and one word ("Medicare"),
    else its id in capitals ("UHC", "BCBS"), which the payer lookup takes too."""
    payer_id, name = payer
    return name if re.fullmatch(r"[A-Za-z]{1,10}", name) else payer_id.upper()


# ------------------------------------------------------------------- the full guide


def _full(guide: Guide) -> str:
    code = guide.code
    out = _title(code)
    out += _wrap(f"passive_ig data {guide.data_version}; every fact below names its sources.", 2)

    out += ["", "THE CODE"]
    out += _wrap(f"Kind: {code.kind.value}. Service type: {code.service_type}")
    out += _wrap(
        f"Routes: {_value(code.routes)}. Status: {_value(code.status)}, {_period(code.effective)}."
    )
    out += _wrap(f"Billing unit: {_unit_text(code)}")
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

    names_of = dict(guide.payer_names)
    under = dict(guide.governed_under)
    for policy in guide.policies:
        via = under.get(policy.payer, code.code)
        through = f"; its {via} policy governs {code.code}" if via != code.code else ""
        out += [
            "",
            f"PAYER: {names_of.get(policy.payer, policy.payer).upper()} "
            f"(as of {policy.as_of}{through})",
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
                f"{_period(document.effective)}"
            )
            out += _wrap(_value(document.url), 6)
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
            f"[{source.id}] {source.publisher}: {source.title} ({source.confidence.value}) "
            f"{source.url}"
        )
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------- a code


def code_text(code: BillingCode, related: Iterable[tuple[object, BillingCode]] = ()) -> str:
    """One code's own facts (``passive-ig show J1459``): not the guide."""
    out = _title(code)
    out += ["", "THE CODE"]
    out += _wrap(f"Kind: {code.kind.value}. Service type: {code.service_type}")
    if code.products:
        out += _wrap(f"Products: {', '.join(code.products)}")
    out += _wrap(f"Billing unit: {_unit_text(code)}")
    out += _wrap(f"Routes: {_value(code.routes)}")
    out += _wrap(f"Status: {_value(code.status)}, {_period(code.effective)}")
    if code.single_dose_container is not None:
        out += _wrap(f"Single-dose container: {_value(code.single_dose_container)}")
    if isinstance(code.typical_sites, NotAvailable):
        out += _wrap(f"Typical sites: {_value(code.typical_sites)}")
    else:
        out += _wrap("Typical sites: " + "; ".join(site.setting for site in code.typical_sites))
    out += _wrap(f"Diagnosis lists: {_value(code.indications)}")
    by_kind: dict[str, list[str]] = {}
    for link, target in related:
        kind = getattr(getattr(link, "kind", None), "value", "related")
        by_kind.setdefault(kind, []).append(target.code)
    if by_kind:
        out += ["", "RELATED CODES"]
        for kind, codes in by_kind.items():
            out += _wrap(f"{kind}: {', '.join(codes)}")
    if code.notes:
        out += ["", "NOTES"]
        for note in code.notes:
            out += _wrap(f"- {note}")
    out += ["", "SOURCES"]
    out += _wrap(", ".join(code.sources))
    out += [
        "",
        f"  For how to bill it and what each payer requires: passive-ig guide {code.code}",
    ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ the guide in HTML


_PRE_STYLE = (
    "text-align:left;white-space:pre-wrap;font-family:var(--jp-code-font-family,monospace);"
    "margin:0;padding:0;background:none"
)


def guide_html(guide: Guide) -> str:
    """The guide as a notebook shows it: the one-screen sheet, its URLs as links, and
    everything (``to_text(full=True)``) folded in a ``<details>`` below it."""
    return (
        '<div class="passive-ig" style="text-align:left">'
        f'<pre style="{_PRE_STYLE}">{_linked(guide_text(guide))}</pre>'
        '<details style="text-align:left"><summary>everything (--full)</summary>'
        f'<pre style="{_PRE_STYLE}">{_linked(guide_text(guide, full=True))}</pre>'
        "</details></div>"
    )


def _linked(text: str) -> str:
    import html

    out = []
    position = 0
    for found in _URL.finditer(text):
        url = _url_end(found.group(0))
        out.append(html.escape(text[position : found.start()]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        position = found.start() + len(url)
    out.append(html.escape(text[position:]))
    return "".join(out)
