"""The facts themselves: each correction and each new fact of data 2026.12.0 is pinned here,
and the citations are held to the rule that confidence follows the publisher."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from importlib import resources
from urllib.parse import urlparse

import pytest

from passive_ig import NotAvailable, registry
from passive_ig.records import (
    BillingRule,
    Confidence,
    Measure,
    PriorAuthStatus,
    Route,
)

registry.load_all()

D = dt.date.fromisoformat

# --------------------------------------------------------------------------- citations

ISSUER_HOSTS = {
    # CMS and HHS, the Federal Register, the eCFR, the US Code, the Social Security Administration
    "cms.gov": "CMS",
    "hhs.gov": "HHS (CMS guidance repository)",
    "medicare.gov": "CMS",
    "federalregister.gov": "the Federal Register",
    "ecfr.gov": "the eCFR",
    "govinfo.gov": "the Federal Register on govinfo",
    "reginfo.gov": "the Unified Agenda (OMB)",
    "uscode.house.gov": "the US Code (Office of the Law Revision Counsel)",
    "ssa.gov": "the Social Security Administration",
    # Medicare contractors
    "noridianmedicare.com": "Noridian",
    "cgsmedicare.com": "CGS",
    "palmettogba.com": "Palmetto GBA",
    "novitas-solutions.com": "Novitas",
    "fcso.com": "First Coast",
    "wpsic.com": "WPS",
    "wpsgha.com": "WPS",
    "ngsmedicare.com": "NGS",
    "empiremedicare.com": "Empire Medicare Services (a former Medicare carrier)",
    # payers' own sites: the five payers and Blue Cross Blue Shield licensees
    "aetna.com": "Aetna",
    "uhc-networkbulletin.com": "UnitedHealthcare",
    "uhcprovider.com": "UnitedHealthcare",
    "uhc.com": "UnitedHealthcare",
    "cigna.com": "Cigna",
    "anthem.com": "Anthem",
    "ibx.com": "Independence Blue Cross",
    "bcbsnd.com": "BCBS North Dakota",
    "arkansasbluecross.com": "Arkansas BCBS",
    "horizon-bcbsnj.com": "Horizon BCBSNJ",
    "bluecrossnc.com": "Blue Cross NC",
    "nebraskablue.com": "BCBS Nebraska",
    "hmsa.com": "HMSA (BCBS Hawaii)",
    # state Medicaid programs
    "medi-cal.ca.gov": "Medi-Cal",
    "medicaid.ncdhhs.gov": "NC Medicaid",
    "nctracks.com": "NC Medicaid (NCTracks)",
    "dss.mo.gov": "Missouri Medicaid (MO HealthNet)",
}

UNTRUSTED_HOSTS = {"845018.h0gkzb4o2.asia", "web-production-4e80b.up.railway.app"}


def _host(url: str) -> str:
    return urlparse(url).hostname or ""


def _issuer(url: str) -> bool:
    host = _host(url)
    return any(host == h or host.endswith("." + h) for h in ISSUER_HOSTS)


@pytest.mark.parametrize("source", list(registry.sources), ids=lambda s: s.id)
def test_confidence_follows_the_publisher(source: object) -> None:
    from passive_ig.records import Source

    assert isinstance(source, Source)
    if source.confidence is Confidence.PRIMARY:
        assert _issuer(source.url), (
            f"{source.id}: primary, but {_host(source.url)} is not an issuer"
        )
        assert not source.read_via
    elif source.confidence is Confidence.PRIMARY_MIRROR:
        assert _issuer(source.url), f"{source.id}: a mirror is cited at the issuer's address"
        assert source.read_via, f"{source.id}: the mirror read through is named"
        assert not _issuer(source.read_via), f"{source.id}: read_via names a third-party copy"
    else:
        assert not _issuer(source.url), f"{source.id}: the issuer's own site is primary"
        assert not source.read_via


def test_the_source_publication_is_secondary() -> None:
    for source in registry.sources:
        if _host(source.url).endswith("openpayer.com"):
            assert source.confidence is Confidence.SECONDARY, source.id


def test_no_untrusted_host_is_cited() -> None:
    for source in registry.sources:
        assert _host(source.url) not in UNTRUSTED_HOSTS, source.id
        assert _host(source.read_via) not in UNTRUSTED_HOSTS, source.id
        # the e-book copy of the Benefit Policy Manual is only ever the copy read through
        assert "bansdoc.gov.bd" not in _host(source.url), source.id


def test_the_benefit_policy_manual_is_cited_at_cms() -> None:
    bpm = registry.sources["bpm-15-mirror"]
    assert _host(bpm.url) == "www.cms.gov"
    assert bpm.confidence is Confidence.PRIMARY_MIRROR
    assert "bansdoc.gov.bd" in bpm.read_via


def test_every_source_has_the_day_it_was_read() -> None:
    for source in registry.sources:
        assert source.as_of in (D("2026-11-26"), D("2026-11-30")), source.id


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_no_text_speaks_of_the_fact_sheet() -> None:
    data_dir = resources.files("passive_ig") / "data"
    for path in data_dir.iterdir():
        if path.name.endswith(".json"):
            for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
                assert "fact sheet" not in text.lower(), (path.name, text)


def test_bcbs_rests_on_the_licensees_own_policies() -> None:
    bcbs = registry.payers["BCBS"]
    hosts = {_host(s.url) for s in registry.sources_of(bcbs)}
    assert not hosts & UNTRUSTED_HOSTS
    assert any(_issuer(s.url) for s in registry.sources_of(bcbs))


# --------------------------------------------------------------------------- corrections

MEDICARE = registry.policy("Medicare")


def _rule(rule_id: str) -> BillingRule:
    for policy in registry.policies:
        for rule in policy.billing_rules:
            if rule.id == rule_id:
                return rule
    raise KeyError(rule_id)


def _rule_ids() -> set[str]:
    return {rule.id for policy in registry.policies for rule in policy.billing_rules}


def _routes(code: str) -> set[Route]:
    routes = registry.codes[code].routes
    return set() if isinstance(routes, NotAvailable) else set(routes)


def test_96372_is_an_injection_under_the_skin_or_into_a_muscle() -> None:
    injection = registry.codes["96372"]
    assert set(injection.routes) == {Route.SUBCUTANEOUS, Route.INTRAMUSCULAR}  # type: ignore[arg-type]
    assert str(injection.billing_unit) == "per service"  # one unit per injection
    assert not isinstance(injection.descriptor, NotAvailable)
    assert injection.descriptor.is_paraphrase
    linked = {r.code for r in injection.related}
    assert "90371" in linked
    assert "90281" in linked
    assert "96372" in {r.code for r in registry.codes["90371"].related}


IV_ONLY = ["90283", "J1459", "J1556", "J1557", "J1566", "J1568", "J1572", "J1599", "J1552"]


@pytest.mark.parametrize("product", [*IV_ONLY, "J1561", "J1569"])
def test_no_intravenous_product_is_linked_to_96372(product: str) -> None:
    assert "96372" not in {r.code for r in registry.codes[product].related}
    assert product not in {r.code for r in registry.codes["96372"].related}


def test_administration_codes_are_linked_to_products_by_route() -> None:
    for code in registry.codes:
        if code.kind.value != "administration":
            continue
        for link in code.related:
            if link.kind.value != "product":
                continue
            product_routes, admin_routes = _routes(link.code), _routes(code.code)
            if not product_routes or not admin_routes or Route.ANY in product_routes:
                continue
            assert admin_routes & product_routes, (code.code, link.code)


def test_no_note_calls_96372_an_intravenous_code() -> None:
    for code in registry.codes:
        for link in code.related:
            if link.code == "96372":
                assert "IV" not in link.note, code.code
                assert "intravenous" not in link.note.lower(), code.code


def test_q2052_is_not_under_the_2004_drug_benefit() -> None:
    benefit = _rule("medicare.home-ivig-benefit")
    assert benefit.effective.start == D("2004-01-01")
    assert "Q2052" not in benefit.codes
    assert "Q2052" not in registry.coverage["BPM-15-50.6"].codes
    demo = _rule("medicare.ivig-demonstration")
    assert "Q2052" in demo.codes
    assert (demo.effective.start, demo.effective.end) == (D("2014-10-01"), D("2023-12-31"))
    permanent = _rule("medicare.home-ivig-items-services")
    assert "Q2052" in permanent.codes
    assert permanent.effective.start == D("2024-01-01")
    assert registry.coverage["IVIG-DEMO"].effective.start == D("2014-10-01")
    # A scrubber asking for a rule that pays Q2052 finds none before the demonstration
    paying = [
        r
        for r in MEDICARE.billing_rules
        if "Q2052" in r.codes
        and r.id in ("medicare.ivig-demonstration", "medicare.home-ivig-items-services")
    ]
    assert not any(r.effective.covers(D("2010-06-01")) for r in paying)


def test_q2052_units_are_15_minutes_of_the_visit() -> None:
    q2052 = registry.codes["Q2052"]
    assert q2052.billing_unit is not None
    assert not isinstance(q2052.billing_unit, NotAvailable)
    assert (q2052.billing_unit.quantity, q2052.billing_unit.measure) == (15, Measure.MINUTE)
    assert str(q2052.billing_unit) == "per 15 min"
    assert "medicare.q2052-one-unit-per-day" not in _rule_ids()
    units = _rule("medicare.q2052-15-minute-units")
    assert "15 minutes" in units.summary
    assert "Q2052" in units.codes
    assert "noridian-jddme-ivig" in units.sources
    assert "cms-mln-ivig-2024" in units.sources
    assert not any("one unit per date of infusion" in note.lower() for note in q2052.notes)
    for cid in ("A52509", "CMS-1780-F"):
        assert "medicare.q2052-15-minute-units" in registry.coverage[cid].billing_rules


def test_uhc_2013_prior_authorization_list_has_no_j1556() -> None:
    uhc = registry.policy("UHC")
    assert "J1556" not in uhc.codes
    listed = next(r for r in uhc.billing_rules if r.id == "uhc.ig-prior-auth-list")
    assert "J1556" not in listed.codes
    assert {"J1459", "J1557", "J1561", "J1566", "J1568", "J1569", "J1572", "J1599", "J1559"} <= set(
        listed.codes
    )
    assert "J1556," not in uhc.prior_authorization.detail
    assert "uhc-bulletin-2013" not in registry.codes["J1556"].sources


def test_a57194_took_effect_2019_10_01() -> None:
    article = registry.coverage["A57194"]
    assert article.effective.start == D("2019-10-01")
    assert article.revised == D("2022-10-01")


def test_jb_on_subcutaneous_j1569_dme_claims_from_2011_07_22() -> None:
    rule = _rule("medicare.jb-subcutaneous-j1569-dme")
    assert rule.effective.start == D("2011-07-22")
    assert rule.codes == ("J1569",)
    assert rule.modifiers == ("JB",)
    assert "noridian-jddme-j1569-2011" in rule.sources
    # the A/B contractors' start stays unknown, and is not guessed
    multi = _rule("medicare.ja-jb-multi-route")
    assert isinstance(multi.effective.start, NotAvailable)
    for code in ("JA", "JB"):
        assert isinstance(registry.modifiers[code].effective.start, NotAvailable)


def test_no_text_dates_ja_jb_to_april_2021() -> None:
    data_dir = resources.files("passive_ig") / "data"
    for path in data_dir.iterdir():
        if path.name.endswith(".json"):
            assert "April 2021" not in path.read_text(encoding="utf-8"), path.name


def test_the_x_modifiers_are_not_reported_with_59_and_a_source_says_so() -> None:
    for code in ("XE", "XS", "XP", "XU"):
        modifier = registry.modifiers[code]
        assert modifier.not_with == ("59",)
        assert "hmsa-x-modifiers" in modifier.sources  # a payer's own statement
    assert set(registry.modifiers["59"].not_with) == {"XE", "XS", "XP", "XU"}


# J1552 took effect 2025-01-01: only sources written after the code was created are cited for it.
J1552_SOURCES = {"openpayer-premera-ig", "cms-mln-ivig-2024", "clearcost-96365"}


def test_j1552_cites_only_sources_that_postdate_the_code() -> None:
    j1552 = registry.codes["J1552"]
    assert j1552.effective.start == D("2025-01-01")
    assert set(j1552.sources) <= J1552_SOURCES
    for link in j1552.related:
        assert set(link.sources) <= J1552_SOURCES, link.code
    for code in registry.codes:
        for link in code.related:
            if link.code == "J1552":
                assert set(link.sources) <= J1552_SOURCES, code.code
    for policy in registry.policies:
        for rule in policy.billing_rules:
            if "J1552" in rule.codes:
                assert set(rule.sources) <= J1552_SOURCES, rule.id
    for dx_list in registry.diagnosis_lists:
        assert "J1552" not in dx_list.applies_to, dx_list.id
    assert isinstance(j1552.billing_unit, NotAvailable)  # no source gives it yet


# --------------------------------------------------------------------------- settled leads

ADMINISTRATION = {
    # code: (routes, billing unit as text, or None for the initial services that name no count)
    "96365": ({Route.INTRAVENOUS}, None),
    "96366": ({Route.INTRAVENOUS}, "per hour"),
    "96367": ({Route.INTRAVENOUS}, "per service"),
    "96374": ({Route.INTRAVENOUS}, None),
    "96375": ({Route.INTRAVENOUS}, "per service"),
    "96372": ({Route.SUBCUTANEOUS, Route.INTRAMUSCULAR}, "per service"),
}


@pytest.mark.parametrize("code", sorted(ADMINISTRATION))
def test_administration_codes_have_paraphrased_descriptors_routes_and_units(code: str) -> None:
    routes, unit = ADMINISTRATION[code]
    record = registry.codes[code]
    assert not isinstance(record.descriptor, NotAvailable)
    assert record.descriptor.is_paraphrase
    assert _routes(code) == routes
    assert (record.billing_unit if unit is None else str(record.billing_unit)) == unit
    assert not isinstance(record.typical_sites, NotAvailable)
    assert "11" in {pos for site in record.typical_sites for pos in site.place_of_service}  # type: ignore[union-attr]


def test_the_concurrent_infusion_unit_stays_unknown() -> None:
    assert _routes("96368") == {Route.INTRAVENOUS}
    assert isinstance(registry.codes["96368"].billing_unit, NotAvailable)


HCPCS = {
    # code: (routes or None when the descriptor names none, unit as text or None when not expressible)
    "J1460": ({Route.INTRAMUSCULAR}, "per mL"),
    "J1560": ({Route.INTRAMUSCULAR}, None),
    "J2788": (None, "per 250 IU"),
    "J2790": (None, "per 1500 IU"),
    "J2791": ({Route.INTRAMUSCULAR, Route.INTRAVENOUS}, "per 100 IU"),
    "J2792": ({Route.INTRAVENOUS}, "per 100 IU"),
    "J1670": (None, "per 250 IU"),
    "J1555": ({Route.SUBCUTANEOUS}, "per 100 mg"),
    "J1573": ({Route.INTRAVENOUS}, None),
}


@pytest.mark.parametrize("code", sorted(HCPCS))
def test_hcpcs_descriptors_routes_and_units_from_the_code_file(code: str) -> None:
    routes, unit = HCPCS[code]
    record = registry.codes[code]
    assert not isinstance(record.descriptor, NotAvailable)
    assert "cms-hcpcs-file" in record.sources
    if routes is None:
        assert isinstance(record.routes, NotAvailable)
    else:
        assert _routes(code) == routes
    if unit is None:
        assert isinstance(record.billing_unit, NotAvailable)
    else:
        assert str(record.billing_unit) == unit


@pytest.mark.parametrize("product", ["J1460", "J1560", "J2791"])
def test_intramuscular_hcpcs_products_go_with_96372(product: str) -> None:
    assert "96372" in {r.code for r in registry.codes[product].related}
    assert product in {r.code for r in registry.codes["96372"].related}


def test_an_infusion_center_has_no_place_of_service_code_of_its_own() -> None:
    independent = registry.places_of_service["49"]
    assert not independent.home_type
    assert independent.effective.start == D("2003-10-01")
    sites = {s.setting: s.place_of_service for s in registry.codes["90283"].typical_sites}  # type: ignore[union-attr]
    center = next(
        pos for setting, pos in sites.items() if setting.startswith("outpatient infusion center")
    )
    assert center == ("11", "49")


def test_abn_modifier_dates_and_combinations() -> None:
    for code in ("GY", "GZ"):
        assert registry.modifiers[code].effective.start == D("2002-01-01")
    assert registry.modifiers["GX"].effective.start == D("2010-04-01")  # CR 6563
    assert set(registry.modifiers["GA"].not_with) == {"GY", "GZ", "GX"}
    assert set(registry.modifiers["GY"].not_with) == {"GA", "GZ"}  # GY may go with GX
    assert set(registry.modifiers["GZ"].not_with) == {"GA", "GY", "GX"}
    assert set(registry.modifiers["GX"].not_with) == {"GA", "GZ"}
    for code in ("GA", "GY", "GZ"):
        assert not isinstance(registry.modifiers[code].when_not_to_use, NotAvailable)


def test_hizentra_is_a_single_dose_container_code() -> None:
    assert registry.codes["J1559"].single_dose_container is True


def test_home_infusion_therapy_payment_basis() -> None:
    rule = _rule("medicare.hit-immune-globulin-pump")
    assert "ecfr-414-1550" in rule.sources
    assert "category 2" in rule.summary


def test_coverage_document_dates_settled() -> None:
    assert registry.coverage["A52446"].revised == D("2022-10-01")


def test_medicare_outpatient_prior_authorization_list_has_no_ivig() -> None:
    pa = MEDICARE.prior_authorization
    assert pa.status is PriorAuthStatus.NOT_AVAILABLE  # no requirement stated; not asserted 'none'
    assert "419.83" in pa.detail
    assert "ecfr-419-83" in pa.sources
    assert "palmetto-opd-pa" in pa.sources
    assert registry.sources["ecfr-419-83"].confidence is Confidence.PRIMARY_MIRROR


def test_bcbs_example_plans_settled() -> None:
    plans = {p.name: p for p in registry.policy("BCBS").example_plans}
    horizon = next(p for name, p in plans.items() if name.startswith("Horizon"))
    assert horizon.documents[0].effective.start == D("2020-02-14")
    nc = next(
        p
        for name, p in plans.items()
        if name.startswith("Blue Cross and Blue Shield of North Carolina")
    )
    assert _host(str(nc.documents[0].url)) == "www.bluecrossnc.com"


# --------------------------------------------------------------------------- new knowledge


def test_asceniv_has_its_own_code() -> None:
    asceniv = registry.codes["J1554"]
    assert asceniv.products == ("Asceniv",)
    assert str(asceniv.billing_unit) == "per 500 mg"
    assert _routes("J1554") == {Route.INTRAVENOUS}
    assert {"96365", "96366"} <= {r.code for r in asceniv.related}
    assert isinstance(asceniv.effective.start, NotAvailable)  # no source dates it


def test_yimmugo_is_j1553_per_100_mg() -> None:
    yimmugo = registry.codes["J1553"]
    assert yimmugo.products == ("Yimmugo",)
    assert str(yimmugo.billing_unit) == "per 100 mg"
    assert _routes("J1553") == {Route.INTRAVENOUS}


@pytest.mark.parametrize("code", ["J1555", "J1559", "J1575"])
def test_scig_codes_are_per_100_mg(code: str) -> None:
    assert str(registry.codes[code].billing_unit) == "per 100 mg"
    assert _routes(code) == {Route.SUBCUTANEOUS}


def test_itp_is_on_a_list_from_a_document_that_names_it() -> None:
    panzyga = registry.diagnosis_lists["nc-medicaid-panzyga-j1599"]
    assert "D69.3" in panzyga
    assert not panzyga.complete
    assert "D81.3" not in panzyga  # a header now, not billable
    assert panzyga.payer is None  # North Carolina Medicaid is not one of the five payers
    assert "nc-medicaid-panzyga-j1599" in registry.codes["J1599"].indications  # type: ignore[operator]


def test_a54641_is_the_second_ncd_250_3_article() -> None:
    article = registry.coverage["A54641"]
    assert article.effective.start == D("2015-11-07")
    assert "250.3" in article.title
    assert registry.sources["cms-a54641"].confidence is Confidence.PRIMARY


def test_the_2021_demonstration_rate() -> None:
    figures = registry.payment_benchmarks["medicare-Q2052"].figures
    assert not isinstance(figures, NotAvailable)
    rate = next(f for f in figures if f.effective.start == D("2021-01-01"))
    assert str(rate.amount) == "381.57"
    assert rate.effective.end == D("2021-12-31")
    assert rate.sources == ("noridian-ivig-2021-rate",)


def test_99211_is_not_paid_with_drug_administration() -> None:
    rule = _rule("medicare.em-with-drug-administration")
    assert "99211" in rule.summary
    assert rule.modifiers == ("25",)
    assert "96365" in rule.codes
    assert "96372" in rule.codes
    assert registry.sources["hhs-2005-em-drug-admin"].confidence is Confidence.PRIMARY


def test_home_infusion_therapy_benefit_for_immune_globulin_by_pump() -> None:
    rule = _rule("medicare.hit-immune-globulin-pump")
    assert rule.effective.start == D("2021-01-01")
    assert "noridian-ivig-beneficiaries" in rule.sources


def test_home_ivig_claims_put_each_date_on_its_own_line() -> None:
    rule = _rule("medicare.home-ivig-claim-lines")
    assert "Q2052" in rule.codes
    assert "own line" in rule.summary


def test_abn_modifiers_are_for_original_medicare() -> None:
    rule = _rule("medicare.abn-original-medicare-only")
    assert set(rule.modifiers) == {"GA", "GX", "GY", "GZ"}
    assert "Medicare Advantage" in rule.summary
    assert not isinstance(registry.modifiers["GX"].when_not_to_use, NotAvailable)


@pytest.mark.parametrize(
    "topic", ["MUE values", "NCCI procedure-to-procedure pairs", "CY2025 and CY2026 Q2052"]
)
def test_known_but_unread_lists_are_said_to_be_not_available(topic: str) -> None:
    assert any(topic in item.reason for item in MEDICARE.not_available), topic


def test_asp_limits_are_said_to_be_not_available() -> None:
    benchmark = registry.payment_benchmarks["medicare-90283"]
    assert any("ASP" in item.reason for item in benchmark.not_available)


def test_code_dates_the_sources_give() -> None:
    assert registry.codes["J1557"].effective.start == D("2012-01-01")
    for code in ("Q4087", "Q4088", "Q4091", "Q4092"):
        record = registry.codes[code]
        assert (record.effective.start, record.effective.end) == (D("2007-07-01"), D("2007-12-31"))
        assert str(record.billing_unit) == "per 500 mg"


def test_po_and_pn() -> None:
    po, pn = registry.modifiers["PO"], registry.modifiers["PN"]
    assert po.effective.start == D("2015-01-01")
    assert po.not_with == ("PN",)
    assert pn.not_with == ("PO",)
    assert "emergency department" in str(po.when_not_to_use)


def test_aetna_cpb_0206_is_cited_at_aetna() -> None:
    aetna = registry.policy("Aetna")
    cpb = aetna.documents[0]
    assert cpb.number == "0206"
    assert _host(str(cpb.url)) == "www.aetna.com"
    pa = aetna.prior_authorization
    assert pa.status is PriorAuthStatus.REQUIRED
    assert "aetna-cpb-0206" in pa.sources
    assert "Yimmugo" in pa.detail
    assert "Alyglo" in pa.detail
