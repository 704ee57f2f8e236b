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
        assert _issuer(source.url), f"{source.id}: primary, but {_host(source.url)} is not an issuer"
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
