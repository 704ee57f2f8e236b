"""Payer policy rules: what each payer's policy in the data asks of a line.

These rules are the same for every payer: they read the payer's policy for the
line's code (or, for a product-specific HCPCS code, the policy of the generic CPT
code it stands in for). A payer whose rules are all data needs no code here.
"""

from __future__ import annotations

from ..answers import Severity
from ..records import NotAvailable, PriorAuthStatus
from ._engine import Fired, Hit, line_rule
from ._line import Line, is_product
from ._text import join, place_name


def _authorized(line: Line) -> bool:
    return line.claim is not None and line.claim.prior_authorization is not None


def _authorization(line: Line, status: PriorAuthStatus) -> object:
    """The policy's prior authorization, when it has ``status`` and is in force."""
    policy = line.policy
    if policy is None or _authorized(line):
        return None
    authorization = policy.prior_authorization
    if authorization.status is not status:
        return None
    if line.day is not None and not authorization.effective.covers(line.day):
        return None
    return authorization


@line_rule(
    id="payer.prior-authorization",
    title="The payer requires prior authorization",
    severity=Severity.WARNING,
)
def prior_authorization(line: Line) -> Fired:
    """The payer's policy requires prior authorization for the code on the date of
    service, and the claim carries no authorization number."""
    authorization = _authorization(line, PriorAuthStatus.REQUIRED)
    if authorization is None:
        return None
    code = line.code
    assert code is not None
    return Hit(
        f"{line.payer.name} requires prior authorization for {code.code}: {authorization.detail}",  # type: ignore[attr-defined]
        "code",
        suggestion="make sure an authorization is on file before the claim goes out",
        record=authorization,
    )


@line_rule(
    id="payer.prior-authorization-varies",
    title="Whether prior authorization is required varies by plan",
    severity=Severity.INFO,
)
def prior_authorization_varies(line: Line) -> Fired:
    """The payer is a federation of plans (Blue Cross Blue Shield) whose plans each decide
    on prior authorization, and the claim carries no authorization number."""
    authorization = _authorization(line, PriorAuthStatus.VARIES_BY_PLAN)
    if authorization is None:
        return None
    return Hit(
        f"whether {line.payer.name} requires prior authorization varies by plan: "
        f"{authorization.detail}",  # type: ignore[attr-defined]
        "code",
        suggestion="check the member's plan",
        record=authorization,
    )


@line_rule(
    id="payer.prior-authorization-not-available",
    title="Whether the payer requires prior authorization is not known",
    severity=Severity.INFO,
    note=True,
)
def prior_authorization_not_available(line: Line) -> Fired:
    """The payer's policy in the data marks prior authorization as not available."""
    authorization = _authorization(line, PriorAuthStatus.NOT_AVAILABLE)
    if authorization is None:
        return None
    return Hit(
        f"whether {line.payer.name} requires prior authorization is not available: "
        f"{authorization.detail}",  # type: ignore[attr-defined]
        "code",
    )


@line_rule(
    id="payer.site-of-care",
    title="The payer steers this infusion to another site",
    severity=Severity.WARNING,
    needs=("place",),
)
def site_of_care(line: Line) -> Fired:
    """A site-of-care rule of the payer's policy, in force on the date of service, names
    the line's place of service as non-preferred."""
    policy = line.policy
    pos = line.place_of_service
    if policy is None or pos is None or isinstance(policy.site_of_care, NotAvailable):
        return None
    hits = []
    for rule in policy.site_of_care:
        if pos in rule.non_preferred and (line.day is None or rule.effective.covers(line.day)):
            codes = rule.preferred if isinstance(rule.preferred, tuple) else ()
            places = line.registry.places_of_service
            preferred = [f"{p} ({place_name(places.get(p))})" for p in codes]
            preferred += list(rule.preferred_settings)
            suggestion = (f"preferred: {join(preferred)}" if preferred else "") + (
                f"; exceptions: {rule.exceptions}" if rule.exceptions else ""
            )
            hits.append(
                Hit(
                    f"{line.payer.name} steers this infusion away from place of service {pos} "
                    f"({place_name(line.place)}): {rule.summary}",
                    "place_of_service",
                    suggestion=suggestion.lstrip("; ") or None,
                    record=rule,
                )
            )
    return hits or None


@line_rule(
    id="payer.site-of-care-not-available",
    title="The payer's site-of-care policy is not known",
    severity=Severity.INFO,
    note=True,
    needs=("place",),
)
def site_of_care_not_available(line: Line) -> Fired:
    """The line gives a place of service, and the payer's policy in the data marks its
    site-of-care rules as not available."""
    policy = line.policy
    if policy is None or line.place_of_service is None:
        return None
    if not isinstance(policy.site_of_care, NotAvailable):
        return None
    code = line.code
    assert code is not None
    return Hit(
        f"{line.payer.name}'s site-of-care policy for {code.code} is not available: "
        f"{policy.site_of_care.reason}",
        "place_of_service",
    )


@line_rule(
    id="payer.policy-not-available",
    title="The data holds no policy of the payer for this product",
    severity=Severity.INFO,
    note=True,
    codes=is_product,
)
def policy_not_available(line: Line) -> Fired:
    """A product line for a payer whose policy in the data names neither the code nor
    the generic CPT code it stands in for."""
    if line.policy is not None or not line.is_product:
        return None
    code = line.code
    assert code is not None
    return Hit(
        f"passive_ig's data holds no {line.payer.name} policy for {code.code}, so its "
        "prior authorization and site-of-care rules could not be checked",
        "code",
        suggestion=f"check {line.payer.name}'s own policy for this product",
    )


@line_rule(
    id="payer.policy-via-generic-code",
    title="The payer's policy was applied through the generic CPT code",
    severity=Severity.INFO,
    note=True,
)
def policy_via_generic_code(line: Line) -> Fired:
    """A product-specific HCPCS code was checked under the payer's policy for the generic
    CPT code it bills the same product as (the policy names only the CPT code)."""
    code = line.code
    assert code is not None
    if line.policy is None or line.policy_code == code.code:
        return None
    return Hit(
        f"{line.payer.name}'s policy in passive_ig's data names {line.policy_code}, not "
        f"{code.code}; it is applied here because {code.code} bills the same product",
        "code",
        record=line.policy,
    )
