"""The FHIR reader: Claim and ExplanationOfBenefit resources, Bundles and NDJSON."""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
from pathlib import Path
from typing import Any

import pytest

from passive_ig.readers import CodeSet, NotClaimsError, ReadResult, read_claims, read_fhir

DAY = dt.date(2024, 3, 1)


def _claim(fixtures: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures / "claim.json").read_text())
    return data


def _read(resource: object) -> list[ReadResult]:
    return list(read_fhir(json.dumps(resource).encode()))


def test_a_claim_resource(fixtures: Path) -> None:
    (result,) = read_fhir(fixtures / "claim.json")
    assert result.ok
    assert result.position == "$"
    assert result.diagnosis_code_set is CodeSet.ICD10CM
    claim = result.claim
    assert claim is not None
    assert (claim.claim_id, claim.patient_id, claim.payer) == (
        "claim-pig-0001",
        "member-001",
        "Aetna",
    )
    assert claim.diagnoses == ("D80.0", "D80.1")  # in sequence order, not array order
    drug, infusion, more = claim.lines
    assert (drug.line_id, drug.code, drug.modifiers, drug.units) == ("1", "J1459", ("JZ",), 70)
    assert type(drug.units) is int  # 70.0 in the JSON is a whole count
    assert (drug.place_of_service, drug.date_of_service) == ("11", DAY)
    assert drug.diagnosis_pointers == (1, 2)
    assert (drug.ndc, drug.ndc_quantity, drug.ndc_unit) == ("12345678901", 700, "ML")  # item.detail
    assert (infusion.code, infusion.date_of_service, infusion.service_end) == ("96365", DAY, None)
    assert (more.date_of_service, more.service_end) == (DAY, dt.date(2024, 3, 2))
    assert more.place_of_service is None


def test_pointers_follow_the_diagnosis_sequence(fixtures: Path) -> None:
    resource = _claim(fixtures)
    resource["item"][0]["diagnosisSequence"] = [2]  # sequence 2 is D80.1, the second by sequence
    (result,) = _read(resource)
    assert result.claim is not None
    assert result.claim.lines[0].diagnosis_pointers == (2,)
    assert result.claim.diagnoses[1] == "D80.1"


def test_a_bundle_of_eobs_with_blue_button_systems(fixtures: Path) -> None:
    outpatient, claim = read_fhir(fixtures / "eob-bundle.json")  # the Patient entry is passed over
    assert outpatient.ok
    assert outpatient.position == "$.entry[1].resource"
    assert outpatient.diagnosis_code_set is CodeSet.ICD9CM
    eob = outpatient.claim
    assert eob is not None
    assert (eob.claim_id, eob.payer, eob.bill_type) == ("outpatient-pig-0002", "CMS", "131")
    assert eob.diagnoses == ("279.06",)
    (line,) = eob.lines
    assert (line.code, line.revenue_code, line.ndc) == ("J1459", "0636", "12345678901")
    assert line.units == decimal.Decimal("2.5")
    assert claim.claim is not None
    assert claim.claim.payer == "Cigna"
    assert claim.position == "$.entry[2].resource"


def test_ndjson_is_read_a_line_at_a_time(fixtures: Path) -> None:
    results = list(read_fhir(fixtures / "claims.ndjson"))
    assert [(r.claim_id, r.position, r.ok) for r in results] == [
        ("claim-pig-0001", "line 1 $", True),
        ("outpatient-pig-0002", "line 2 $", True),
    ]


def test_a_bad_ndjson_line_is_its_own_result(fixtures: Path) -> None:
    lines = (fixtures / "claims.ndjson").read_text().splitlines()
    text = "\n".join(
        [lines[0], '{"resourceType": "Claim", ', '{"resourceType": "Patient"}', lines[1]]
    )
    results = list(read_fhir(text.encode()))
    assert [r.claim_id for r in results] == ["claim-pig-0001", None, None, "outpatient-pig-0002"]
    assert [str(p) for r in results[1:3] for p in r.problems] == [
        "no claim: line 2 $: found invalid JSON (Expecting property name enclosed in double "
        "quotes); expected one FHIR resource as JSON on each line",
        "no claim: line 3 $.resourceType: found 'Patient'; "
        "expected Claim, ExplanationOfBenefit or a Bundle of them",
    ]
    assert results[3].ok


def test_what_cannot_be_mapped_is_named_with_its_path(fixtures: Path) -> None:
    resource = _claim(fixtures)
    drug = resource["item"][0]
    drug["quantity"] = {"value": "seventy"}
    drug["detail"][0]["productOrService"]["coding"][0]["code"] = "1234567890"
    drug["servicedDate"] = "2024-03"
    drug["diagnosisSequence"] = [1, 7]
    resource["item"][1]["locationCodeableConcept"]["coding"][0]["system"] = "http://example.org/pos"
    (result,) = _read(resource)
    assert result.claim is not None
    assert not result.ok
    assert [(p.claim_id, p.where, p.found) for p in result.problems] == [
        ("claim-pig-0001", "$.item[0].detail[0].productOrService", "'1234567890'"),
        ("claim-pig-0001", "$.item[0].quantity.value", "'seventy'"),
        ("claim-pig-0001", "$.item[0].servicedDate", "'2024-03'"),
        ("claim-pig-0001", "$.item[0].diagnosisSequence[1]", "7"),
        (
            "claim-pig-0001",
            "$.item[1].locationCodeableConcept",
            "systems ['http://example.org/pos']",
        ),
    ]
    line = result.claim.lines[0]
    assert (line.ndc, line.ndc_quantity, line.units, line.date_of_service) == (
        None,
        None,
        None,
        None,
    )
    assert line.diagnosis_pointers == (1,)


def test_an_item_without_a_procedure_code_is_left_out(fixtures: Path) -> None:
    resource = _claim(fixtures)
    resource["item"][1]["productOrService"]["coding"][0]["system"] = "http://snomed.info/sct"
    (result,) = _read(resource)
    assert result.claim is not None
    assert [line.line_id for line in result.claim.lines] == ["1", "3"]
    (problem,) = result.problems
    assert problem.where == "$.item[1].productOrService"
    assert problem.found == "systems ['http://snomed.info/sct']"
    assert problem.expected.startswith(
        "a HCPCS (http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets)"
    )


def test_a_diagnosis_in_an_unknown_code_system_is_named(fixtures: Path) -> None:
    resource = _claim(fixtures)
    resource["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["system"] = (
        "http://snomed.info/sct"
    )
    (result,) = _read(resource)
    assert result.claim is not None
    assert result.claim.diagnoses == ("D80.0",)
    assert [p.where for p in result.problems] == [
        "$.diagnosis[0].diagnosisCodeableConcept",
        "$.item[0].diagnosisSequence[1]",  # pointed at the diagnosis that was not mapped
    ]


def test_no_items_and_no_insurer_mean_no_claim(fixtures: Path) -> None:
    resource = _claim(fixtures)
    no_items = copy.deepcopy(resource)
    no_items["item"] = []
    (result,) = _read(no_items)
    assert result.claim is None
    assert str(result.problems[0]) == (
        "claim 'claim-pig-0001': $.item: found 0 item(s), none readable; "
        "expected one item or more with a HCPCS or CPT code"
    )
    del resource["insurer"]
    (result,) = _read(resource)
    assert result.claim is None
    assert result.problems[0].where == "$.insurer"
    (given,) = read_fhir(json.dumps(resource).encode(), payer="Aetna")
    assert given.claim is not None
    assert given.claim.payer == "Aetna"


def test_an_item_without_a_sequence_is_read_and_named(fixtures: Path) -> None:
    resource = _claim(fixtures)
    del resource["item"][2]["sequence"]
    (result,) = _read(resource)
    assert result.claim is not None
    assert [line.line_id for line in result.claim.lines] == ["1", "2", None]
    assert [str(p) for p in result.problems] == [
        "claim 'claim-pig-0001': $.item[2].sequence: found None; expected the item's sequence, 1 or more"
    ]


def test_the_claim_id_falls_back_to_the_identifier(fixtures: Path) -> None:
    resource = _claim(fixtures)
    del resource["id"]
    resource["identifier"] = [{"system": "urn:example", "value": "PIG-0001"}]
    (result,) = _read(resource)
    assert result.claim_id == "PIG-0001"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"claims": []}',
            "'<bytes>' is not a valid claims file: expected FHIR JSON (an object with "
            "resourceType); it is JSON without a FHIR resourceType",
        ),
        (
            b'{\n "resourceType": "Claim",\n',
            "'<bytes>' is not a valid claims file: expected FHIR JSON; it is not valid JSON: "
            "line 3 column 1: Expecting property name enclosed in double quotes",
        ),
        (
            b"<Claim xmlns='http://hl7.org/fhir'/>",
            "'<bytes>' is not a valid claims file: expected FHIR JSON (an object with "
            "resourceType); it looks like XML or HTML",
        ),
    ],
)
def test_what_is_not_fhir_json_is_refused_at_once(data: bytes, message: str) -> None:
    with pytest.raises(NotClaimsError) as info:
        read_fhir(data)
    assert str(info.value) == message


def test_read_claims_guesses_fhir(fixtures: Path) -> None:
    assert [r.claim_id for r in read_claims(fixtures / "claims.ndjson")] == [
        "claim-pig-0001",
        "outpatient-pig-0002",
    ]
