"""Medicare's rules: the ones whose logic the data alone cannot carry.

Every rule here rests on Medicare records of the data (its billing rules, its
coverage documents, the modifiers tied to it), so the engine applies them to
Medicare claims only and dates them by those records.
"""

from __future__ import annotations

from ..answers import Severity
from ..records import BillingCode, CodeKind, RelationKind, Route
from ._engine import Fired, Hit, claim_rule, line_rule
from ._line import ClaimView, Line, is_product
from ._text import join
from .refs import billing_rule, code, coverage, dx_list, modifier

_HOME_SERVICES = "Q2052"


def _home_ivig(code: BillingCode) -> bool:
    """Q2052, or a drug that Q2052's home infusion services go with."""
    return code.code == _HOME_SERVICES or any(
        r.kind is RelationKind.HOME_INFUSION_SERVICES for r in code.related
    )


@line_rule(
    id="medicare.product-under-hcpcs",
    title="Medicare pays the IVIG product under its product-specific HCPCS code",
    severity=Severity.WARNING,
    payers={"medicare"},
    rests_on=(billing_rule("medicare.ivig-three-part-payment"),),
    dates_from=billing_rule("medicare.ivig-three-part-payment"),
    codes=lambda code: code.kind is CodeKind.IMMUNE_GLOBULIN_PRODUCT,
)
def product_under_hcpcs(line: Line) -> Fired:
    """An intravenous immune globulin product is billed under its generic CPT code
    (90283) where the data links product-specific HCPCS codes to it."""
    product = line.code
    assert product is not None
    intravenous = isinstance(product.routes, tuple) and Route.INTRAVENOUS in product.routes
    if product.kind is not CodeKind.IMMUNE_GLOBULIN_PRODUCT or not intravenous:
        return None
    hcpcs = [r.code for r in product.related if r.kind is RelationKind.PRODUCT_SPECIFIC_HCPCS]
    if not hcpcs:
        return None
    return Hit(
        f"Medicare pays the immune globulin product under its product-specific HCPCS code, "
        f"not under CPT {product.code}",
        "code",
        suggestion=f"bill the product's HCPCS code ({join(hcpcs)}) in its units",
        record=product,
    )


@line_rule(
    id="medicare.jw-required",
    title="Medicare: discarded drug needs JW",
    severity=Severity.ERROR,
    rests_on=(modifier("JW"), billing_rule("medicare.jw-required")),
    dates_from=billing_rule("medicare.jw-required"),
    codes=lambda code: code.single_dose_container is True,
    needs=("discarded",),
)
def jw_required(line: Line) -> Fired:
    """A single-dose drug line says some of the drug was discarded, and neither it nor
    another line of the claim for the same code and day carries JW."""
    product = line.code
    assert product is not None
    if product.single_dose_container is not True or not line.discarded:
        return None
    if "JW" in line.modifier_set:
        return None
    if line.claim is not None and line.claim.has_wastage_line(product, line.day):
        return None
    return Hit(
        f"{line.discarded_mg:g} mg was discarded from a single-dose container; "
        "Medicare wants the discarded amount on its own line with JW",
        "modifiers",
        suggestion="add a line for the discarded units with JW",
    )


@line_rule(
    id="medicare.jw-jz-required",
    title="Medicare: single-dose drug lines need JW or JZ",
    severity=Severity.ERROR,
    rests_on=(
        modifier("JW"),
        modifier("JZ"),
        billing_rule("medicare.jw-jz-required"),
        billing_rule("medicare.jw-jz-unprocessable"),
        billing_rule("medicare.jw-jz-scope"),
    ),
    dates_from=billing_rule("medicare.jw-jz-required"),
    codes=lambda code: code.single_dose_container is True,
)
def jw_or_jz_required(line: Line) -> Fired:
    """A single-dose drug line carries neither JW nor JZ, says nothing was discarded, and
    no line of the claim bills the discarded amount of the same code on the same day
    with JW (such a line speaks for the administered one)."""
    product = line.code
    assert product is not None
    if product.single_dose_container is not True or line.modifier_set & {"JW", "JZ"}:
        return None
    if line.discarded:
        return None  # medicare.jw-required speaks for this line
    if line.claim is not None and line.claim.has_wastage_line(product, line.day):
        return None
    return Hit(
        f"{product.code} comes in single-dose containers; Medicare requires JW (amount "
        "discarded, on its own line) or JZ (nothing discarded), and may return such lines "
        "as unprocessable (not for packaged OPPS drugs or FQHC/RHC claims)",
        "modifiers",
        suggestion="add JZ if nothing was discarded, or bill the discarded units on a line with JW",
    )


@line_rule(
    id="medicare.home-ivig-place-of-service",
    title="Medicare: Q2052 needs a home-type place of service",
    severity=Severity.ERROR,
    rests_on=(code(_HOME_SERVICES), billing_rule("medicare.q2052-home-pos")),
    dates_from=billing_rule("medicare.q2052-home-pos"),
    needs=("place",),
    codes=lambda code: code.code == _HOME_SERVICES,
)
def home_place_of_service(line: Line) -> Fired:
    """Q2052 (home IVIG services) is billed at a place of service the data does not mark
    as a home."""
    services = line.code
    assert services is not None
    place = line.place
    if services.code != _HOME_SERVICES or place is None or place.home_type:
        return None
    homes = [p.code for p in line.registry.places_of_service if p.home_type]
    return Hit(
        f"Q2052 is for IVIG given at home; place of service {place.code} is not a home",
        "place_of_service",
        suggestion=f"use a home-type place of service ({join(homes)})",
    )


@line_rule(
    id="medicare.home-ivig-diagnosis",
    title="Medicare: home IVIG is covered for primary immunodeficiency diagnoses",
    severity=Severity.WARNING,
    rests_on=(
        dx_list("medicare-home-ivig-pidd"),
        billing_rule("medicare.home-ivig-diagnosis-list"),
    ),
    dates_from=billing_rule("medicare.home-ivig-diagnosis-list"),
    needs=("place",),
    codes=_home_ivig,
)
def home_diagnosis(line: Line) -> Fired:
    """An IVIG drug or Q2052 line at a home-type place of service gives no diagnosis on
    Medicare's home IVIG list (primary immunodeficiency)."""
    product = line.code
    assert product is not None
    place = line.place
    if place is None or not place.home_type:
        return None
    if not _home_ivig(product):
        return None
    listed = line.resolver.list_codes("medicare-home-ivig-pidd")
    if not listed.isdisjoint(line.diagnoses):
        return None
    return Hit(
        "Medicare's home IVIG benefit covers primary immunodeficiency; "
        + (
            "none of the line's diagnoses is on its list"
            if line.diagnoses
            else "the line has no diagnosis"
        ),
        "diagnoses",
        suggestion="give the primary immunodeficiency diagnosis that supports home infusion",
    )


@line_rule(
    id="medicare.ncd-250.3",
    title="Medicare: NCD 250.3 conditions apply",
    severity=Severity.INFO,
    rests_on=(dx_list("medicare-ncd-250.3"), coverage("NCD-250.3")),
    dates_from=coverage("NCD-250.3"),
    needs=("diagnoses",),
    codes=is_product,
)
def ncd_250_3(line: Line) -> Fired:
    """A product line gives a diagnosis on NCD 250.3's list (autoimmune mucocutaneous
    blistering diseases), whose coverage comes with conditions to document."""
    if not line.is_product or not line.diagnoses:
        return None
    listed = line.resolver.list_codes("medicare-ncd-250.3")
    matched = [d for d in line.diagnoses if d in listed]
    if not matched:
        return None
    return Hit(
        f"{join(matched)} falls under NCD 250.3 (autoimmune blistering diseases): "
        "covered when biopsy-proven, when conventional therapy failed, is "
        "contraindicated or the disease progresses rapidly, and for short-term use",
        "diagnoses",
        suggestion="document the biopsy and the conventional therapy tried",
    )


@claim_rule(
    id="medicare.home-ivig-same-place",
    title="Medicare: the drug and Q2052 lines must carry the same place of service",
    severity=Severity.ERROR,
    rests_on=(code(_HOME_SERVICES), billing_rule("medicare.q2052-home-pos")),
    dates_from=billing_rule("medicare.q2052-home-pos"),
)
def home_same_place(claim: ClaimView) -> Fired:
    """A claim bills Q2052 and an IVIG drug that goes with it, at different places of
    service."""
    services = [line for line in claim.lines if line.code and line.code.code == _HOME_SERVICES]
    drugs = [
        line
        for line in claim.lines
        if line.code is not None
        and any(r.kind is RelationKind.HOME_INFUSION_SERVICES for r in line.code.related)
    ]
    if not services or not drugs:
        return None
    places = {line.place_of_service for line in services}
    drug_places = {line.place_of_service for line in drugs}
    if places == drug_places:
        return None
    first = services[0]
    return Hit(
        f"the drug line(s) say place of service {join(sorted(p or '-' for p in drug_places))} "
        f"and Q2052 says {join(sorted(p or '-' for p in places))}",
        "place_of_service",
        suggestion="give the drug and Q2052 lines the same home place of service",
        line=first.index,
    )
