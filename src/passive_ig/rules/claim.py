"""Claim rules: do the lines of one claim fit together?"""

from __future__ import annotations

from ..answers import Severity
from ..records import CodeKind, RelationKind
from ._engine import Fired, Hit, claim_rule
from ._line import ClaimView
from ._text import join
from .refs import modifier


@claim_rule(
    id="claim.product-without-administration",
    title="A product line with no administration line",
    severity=Severity.WARNING,
)
def product_without_administration(claim: ClaimView) -> Fired:
    """The claim bills an immune globulin product but no administration code and no home
    infusion services code."""
    products = [line for line in claim.lines if line.is_product]
    others = [
        line
        for line in claim.lines
        if line.code is not None
        and line.code.kind in (CodeKind.ADMINISTRATION, CodeKind.HOME_INFUSION_SERVICES)
    ]
    if not products or others:
        return None
    first = products[0]
    assert first.code is not None
    assert first.index is not None
    return Hit(
        f"{first.code.code} is a product-only code and the claim has no administration line",
        "code",
        suggestion="add the administration code(s) for how the product was given",
        record=first.code,
        line=first.index,
    )


@claim_rule(
    id="claim.administration-without-product",
    title="An administration line with no product line",
    severity=Severity.INFO,
)
def administration_without_product(claim: ClaimView) -> Fired:
    """The claim bills an administration code that the data links to immune globulin, no
    product line, and no code outside the data (which may bill the drug given: an
    infusion or injection code serves any drug). An info, not a warning: such a claim
    may well not be about immune globulin at all."""
    if any(line.is_product or line.outside for line in claim.lines):
        return None
    admin = next(
        (
            line
            for line in claim.lines
            if line.code is not None and line.code.kind is CodeKind.ADMINISTRATION
        ),
        None,
    )
    if admin is None:
        return None
    assert admin.code is not None
    assert admin.index is not None
    return Hit(
        f"{admin.code.code} is an administration code and the claim has no product line; "
        "if immune globulin was given, its product code is missing",
        "code",
        suggestion="add the product line (the HCPCS or CPT product code with its units)",
        record=admin.code,
        line=admin.index,
    )


@claim_rule(
    id="claim.administration-route-mismatch",
    title="The administration code does not fit the product's route",
    severity=Severity.WARNING,
)
def administration_route_mismatch(claim: ClaimView) -> Fired:
    """An administration line's code is not among those the data links to the claim's
    product codes (for example a subcutaneous infusion code beside an intravenous
    product)."""
    products = [line.code for line in claim.lines if line.is_product and line.code is not None]
    fitting = {r.code for p in products for r in p.related if r.kind is RelationKind.ADMINISTRATION}
    if not fitting:
        return None
    hits = []
    for line in claim.lines:
        admin = line.code
        if admin is None or admin.kind is not CodeKind.ADMINISTRATION or admin.code in fitting:
            continue
        assert line.index is not None
        hits.append(
            Hit(
                f"{admin.code} is not among the administration codes listed for "
                f"{join(p.code for p in products)}",
                "code",
                suggestion=f"one of {join(sorted(fitting))}",
                record=admin,
                line=line.index,
            )
        )
    return hits or None


@claim_rule(
    id="claim.em-without-25",
    title="An E/M line on an infusion day without modifier 25",
    severity=Severity.WARNING,
    rests_on=(modifier("25"),),
)
def em_without_25(claim: ClaimView) -> Fired:
    """A line marked as an E/M service falls on the day of an administration line and
    carries no modifier 25."""
    infusion_days = {
        line.day
        for line in claim.lines
        if line.code is not None and line.code.kind is CodeKind.ADMINISTRATION
    }
    hits = []
    for line in claim.lines:
        if (
            line.evaluation_and_management
            and line.day in infusion_days
            and "25" not in line.modifier_set
        ):
            assert line.index is not None
            hits.append(
                Hit(
                    "an E/M service on an infusion day needs modifier 25 to be paid separately, "
                    "with the separate service documented",
                    "modifiers",
                    suggestion="add 25 if the E/M was significant and separately identifiable",
                    line=line.index,
                )
            )
    return hits or None
