"""The public API as users write it; checked by ``mypy --strict`` and run by pytest.

If a change makes any line here a type error, users' code breaks the same way.
"""

from __future__ import annotations

import datetime as dt

from passive_ig import (
    DATA_VERSION,
    DataError,
    NotAvailable,
    Registry,
    UnknownCodeError,
    registry,
)
from passive_ig.answers import Finding, Report, Severity, Unchecked
from passive_ig.claims import Claim, ClaimLine
from passive_ig.codes import is_valid_code, validate_code
from passive_ig.guide import Guide
from passive_ig.records import (
    BillingCode,
    BillingUnit,
    ClinicalWorkflowStep,
    PayerPolicy,
    PriorAuthStatus,
    Source,
)
from passive_ig.rules import RULES, Rule


def test_lookups_are_typed() -> None:
    code: BillingCode = registry.codes["90283"]
    maybe: BillingCode | None = registry.codes.get("90285")
    assert maybe is None
    unit: BillingUnit | NotAvailable | None = code.billing_unit
    assert unit is None
    policy: PayerPolicy = registry.policy("UHC")
    status: PriorAuthStatus = policy.prior_authorization.status
    assert status is PriorAuthStatus.REQUIRED
    steps: tuple[ClinicalWorkflowStep, ...] = registry.workflow("90283")
    assert steps
    sources: tuple[Source, ...] = registry.sources_of(code)
    assert all(isinstance(s.url, str) for s in sources)
    version: str = DATA_VERSION
    assert version == registry.manifest.data_version


def test_not_available_narrows_with_isinstance() -> None:
    sites = registry.codes["90283"].typical_sites
    if isinstance(sites, NotAvailable):
        reason: str = sites.reason
        assert reason
    else:
        assert all(site.setting for site in sites)


def test_checks_are_typed() -> None:
    line = ClaimLine(
        code="J1459",
        modifiers=("JZ",),
        units=70,
        dose_mg=35000.0,
        date_of_service=dt.date(2024, 3, 1),
        place_of_service="11",
        diagnoses=("D80.0",),
    )
    report: Report = registry.check(line, payer="Medicare")
    ok: bool = report.ok
    assert ok
    errors: tuple[Finding, ...] = report.errors
    assert errors == ()
    claim = Claim(payer="Aetna", lines=(line, ClaimLine(code="96365")))
    for each in registry.check_many([claim]):
        severities: set[Severity] = {f.severity for f in each.findings}
        assert Severity.ERROR not in severities
    rules: tuple[Rule, ...] = RULES
    assert rules
    chosen: Report = registry.check(
        line,
        payer="Medicare",
        select=["modifier", "units"],
        ignore="units.rounding",
        min_severity=Severity.WARNING,
        notes=True,
    )
    assert chosen.ok
    assert bool(chosen)
    also: list[Report | Unchecked] = list(
        registry.check_many([line], payer="UHC", min_severity="error")
    )
    first = also[0]
    assert first.ok
    # a batch result narrows by type: a Report has findings to read, an Unchecked a reason
    if isinstance(first, Unchecked):
        reason: str = first.reason
        raise AssertionError(reason)
    narrowed: Report = first
    assert narrowed.rules() == ()


def test_errors_and_validation_are_typed() -> None:
    try:
        registry.codes["90285"]
    except UnknownCodeError as exc:
        suggestions: tuple[str, ...] = exc.suggestions
        assert "90284" in suggestions
    clean: str = validate_code("cpt 90283")
    valid: bool = is_valid_code(clean)
    assert valid
    assert issubclass(DataError, ValueError)


def test_guide_and_other_registries_are_typed() -> None:
    sheet: Guide = registry.guide("90283", payer="Medicare")
    text: str = sheet.to_text()
    assert text.startswith("CPT 90283")
    other: Registry = Registry()
    assert len(other.payers) == 5


def test_readers_are_typed() -> None:
    import decimal
    import io
    from collections.abc import Iterator

    import pytest

    from passive_ig.codes import validate_icd9_diagnosis, validate_ndc
    from passive_ig.readers import (
        CodeSet,
        NotClaimsError,
        ReadProblem,
        ReadResult,
        guess_format,
        read_claims,
        read_csv,
        read_fhir,
        read_x12,
    )

    text = "claim_id,payer,code,units\nC1,Medicare,J1459,2.5\n"
    results: Iterator[ReadResult] = read_claims(io.StringIO(text), format="csv")
    for result in results:
        claim: Claim | None = result.claim
        problems: tuple[ReadProblem, ...] = result.problems
        assert not problems
        code_set: CodeSet | None = result.diagnosis_code_set
        assert code_set is None
        if claim is not None:
            claim_id: str | None = claim.claim_id
            assert claim_id == "C1"
            units: int | decimal.Decimal | None = claim.lines[0].units
            assert units == decimal.Decimal("2.5")
    assert list(read_csv(io.BytesIO(text.encode()), payer="Medicare"))
    with pytest.raises(NotClaimsError, match="ISA"):
        read_x12(b"not x12")
    with pytest.raises(NotClaimsError, match="FHIR"):
        read_fhir(b"[]")
    assert guess_format(b"ISA*00") == "x12"
    ndc: str = validate_ndc("0944-2700-03")
    dx: str = validate_icd9_diagnosis("27906")
    assert (ndc, dx) == ("00944270003", "279.06")
    line = ClaimLine(
        code="J1459",
        units=decimal.Decimal("1.00"),
        ndc=ndc,
        ndc_quantity=7.5,
        ndc_unit="ML",
        revenue_code="0636",
        service_end=dt.date(2024, 3, 2),
        date_of_service=dt.date(2024, 3, 1),
        diagnosis_pointers=(1,),
        line_id="1",
    )
    assert line.units == 1
    claim = Claim(payer="Medicare", lines=[line], diagnoses=("D80.0",), bill_type="131")
    assert claim.lines[0] is line
