"""FHIR R4 ``Claim`` and ``ExplanationOfBenefit`` resources into claims.

Reads a single resource, a ``Bundle`` (its Claim and ExplanationOfBenefit
entries; other entries such as Patient are passed over), or NDJSON (one resource
a line, read as a stream), including the CARIN Blue Button profiles Medicare's
API returns. The JSON is read as data, not validated against the FHIR models:
real payer EOBs break strict validation, and a coding check needs a few paths.

========================================  =====================================
FHIR path                                 claim field
========================================  =====================================
``id`` (else ``identifier[0].value``)     ``claim_id``
``patient.reference`` / ``.identifier``   ``patient_id``
``insurer.display`` / ``.identifier``     ``payer``, as named (``CMS`` is Medicare)
``diagnosis[].diagnosisCodeableConcept``  ``diagnoses``, in ``sequence`` order
type of bill (CARIN ``typeofbill``)       ``bill_type``
``item[].sequence``                       ``line_id``
``item[].productOrService`` (HCPCS/CPT)   ``code``; an NDC coding there, in an
                                          extension or an ``item.detail`` is ``ndc``
``item[].modifier``                       ``modifiers``
``item[].quantity.value``                 ``units``
``item[].locationCodeableConcept``        ``place_of_service``
``item[].servicedDate`` / ``Period``      ``date_of_service``, ``service_end``
``item[].diagnosisSequence``              ``diagnosis_pointers``
``item[].revenue``                        ``revenue_code``
========================================  =====================================
"""

from __future__ import annotations

import decimal
import itertools
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ..claims import Claim, ClaimLine
from ..codes import parse_iso_date, validate_bill_type, validate_ndc
from ..errors import InvalidInputError
from ._build import build_line
from ._result import CodeSet, NotClaimsError, ReadProblem, ReadResult
from ._source import Source, Text, looks_like, open_text

__all__ = ["read_fhir"]

PROCEDURE_SYSTEMS = frozenset(
    {
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "https://bluebutton.cms.gov/resources/codesystem/hcpcs",
        "urn:oid:2.16.840.1.113883.6.285",  # HCPCS
        "http://www.ama-assn.org/go/cpt",
        "urn:oid:2.16.840.1.113883.6.12",  # CPT
    }
)
NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
DIAGNOSIS_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm": CodeSet.ICD10CM,
    "http://hl7.org/fhir/sid/icd-9-cm": CodeSet.ICD9CM,
    "http://hl7.org/fhir/sid/icd-9-cm/diagnosis": CodeSet.ICD9CM,
}
# ICD-10 (WHO) sits beside ICD-10-CM in Blue Button EOBs: passed over when a CM code is there
_ALSO_DIAGNOSIS = frozenset({"http://hl7.org/fhir/sid/icd-10"})
PLACE_OF_SERVICE_SYSTEMS = frozenset(
    {
        "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
        "http://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
        "http://terminology.hl7.org/CodeSystem/CMSPlaceofServiceCodes",
        "https://bluebutton.cms.gov/resources/variables/line_place_of_srvc_cd",
    }
)
_CLAIM_TYPES = frozenset({"Claim", "ExplanationOfBenefit"})
_BFD = "https://bluebutton.cms.gov/resources/variables/"


def _json(text: str) -> Any:
    # decimals stay exact: a quantity of 1.0 is Decimal('1.0'), which the line makes 1
    return json.loads(text, parse_float=decimal.Decimal)


def _resources(text: Text) -> Iterator[tuple[str, Any]]:
    """(path, JSON value) for each top-level resource: one, or one per NDJSON line."""
    head = text.head.lstrip()
    if not head.startswith("{"):
        raise NotClaimsError(
            text.name, f"FHIR JSON (an object with resourceType); {looks_like(head)}"
        )
    lines = text.lines()
    first = next(lines, "")
    try:
        value = _json(first)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):  # NDJSON: one resource a line (or a file of one line)
        if "resourceType" not in value:
            raise NotClaimsError(
                text.name, f"FHIR JSON (an object with resourceType); {looks_like(head)}"
            )
        numbered = ((n, line) for n, line in enumerate(lines, start=2) if line.strip())
        after = next(numbered, None)
        if after is None:  # a single resource on one line
            yield "$", value
            return
        yield "line 1 $", value
        for number, line in itertools.chain([after], numbered):
            try:
                yield f"line {number} $", _json(line)
            except json.JSONDecodeError as exc:
                yield f"line {number} $", exc
        return
    whole = first + "".join(lines)
    try:
        value = _json(whole)
    except json.JSONDecodeError as exc:
        raise NotClaimsError(
            text.name,
            f"FHIR JSON; it is not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None
    if not isinstance(value, dict) or "resourceType" not in value:
        raise NotClaimsError(
            text.name, f"FHIR JSON (an object with resourceType); {looks_like(head)}"
        )
    yield "$", value


def _claims(path: str, value: Any, name: str, payer: str | None) -> Iterator[ReadResult]:
    if isinstance(value, json.JSONDecodeError):
        problem = ReadProblem(
            claim_id=None,
            where=path,
            found=f"invalid JSON ({value.msg})",
            expected="one FHIR resource as JSON on each line",
        )
        yield ReadResult(claim=None, claim_id=None, source=name, position=path, problems=(problem,))
        return
    kind = value.get("resourceType") if isinstance(value, dict) else None
    if kind == "Bundle":
        for index, entry in enumerate(value.get("entry") or ()):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") in _CLAIM_TYPES | {
                "Bundle"
            }:
                yield from _claims(f"{path}.entry[{index}].resource", resource, name, payer)
        return
    if kind not in _CLAIM_TYPES:
        problem = ReadProblem(
            claim_id=None,
            where=f"{path}.resourceType",
            found=repr(kind),
            expected="Claim, ExplanationOfBenefit or a Bundle of them",
        )
        yield ReadResult(claim=None, claim_id=None, source=name, position=path, problems=(problem,))
        return
    yield _Resource(value, path, name, payer).result()


def _codings(concept: object) -> list[Mapping[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or () if isinstance(c, dict)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


class _Resource:
    def __init__(self, data: dict[str, Any], path: str, source: str, payer: str | None) -> None:
        self.data = data
        self.default_payer = payer
        self.path = path
        self.source = source
        identifiers = [i for i in data.get("identifier") or () if isinstance(i, dict)]
        self.claim_id = _text(data.get("id")) or (
            _text(identifiers[0].get("value")) if identifiers else None
        )
        self.problems: list[ReadProblem] = []

    def problem(self, where: str, found: str, expected: str) -> None:
        self.problems.append(
            ReadProblem(claim_id=self.claim_id, where=where, found=found, expected=expected)
        )

    def result(self) -> ReadResult:
        diagnoses, positions, code_set = self.diagnoses()
        lines: list[ClaimLine] = []
        items = self.data.get("item")
        if not isinstance(items, list):
            items = []
        for index, item in enumerate(items):
            line = (
                self.line(item, f"{self.path}.item[{index}]", positions)
                if isinstance(item, dict)
                else None
            )
            if line is not None:
                lines.append(line)
        claim = None
        payer = self.payer() or self.default_payer
        if not lines:
            self.problem(
                f"{self.path}.item",
                f"{len(items)} item(s), none readable",
                "one item or more with a HCPCS or CPT code",
            )
        elif payer is None:
            self.problem(
                f"{self.path}.insurer",
                "no insurer name or identifier",
                "insurer.display or insurer.identifier.value naming the payer",
            )
        else:
            try:
                claim = Claim(
                    payer=payer,
                    lines=lines,
                    diagnoses=diagnoses,
                    claim_id=self.claim_id,
                    patient_id=self.patient(),
                    bill_type=self.bill_type(),
                )
            except InvalidInputError as exc:
                self.problem(self.path, repr(exc.value), f"{exc.what}: {exc.expected}")
        return ReadResult(
            claim=claim,
            claim_id=self.claim_id,
            source=self.source,
            position=self.path,
            problems=tuple(self.problems),
            diagnosis_code_set=code_set,
        )

    # ----------------------------------------------------------- claim-wide

    def payer(self) -> str | None:
        insurer = self.data.get("insurer")
        if isinstance(insurer, dict):
            identifier = insurer.get("identifier")
            named = _text(insurer.get("display")) or (
                _text(identifier.get("value")) if isinstance(identifier, dict) else None
            )
            if named:
                return named
        for insurance in self.data.get("insurance") or ():
            coverage = insurance.get("coverage") if isinstance(insurance, dict) else None
            if isinstance(coverage, dict) and _text(coverage.get("display")):
                return str(coverage["display"])
        return None

    def patient(self) -> str | None:
        patient = self.data.get("patient")
        if not isinstance(patient, dict):
            return None
        reference = _text(patient.get("reference"))
        if reference:
            return reference.rpartition("/")[2]
        identifier = patient.get("identifier")
        return _text(identifier.get("value")) if isinstance(identifier, dict) else None

    def bill_type(self) -> str | None:
        for index, info in enumerate(self.data.get("supportingInfo") or ()):
            if not isinstance(info, dict) or not any(
                c.get("code") == "typeofbill" for c in _codings(info.get("category"))
            ):
                continue
            for coding in _codings(info.get("code")):
                code = coding.get("code")
                if coding.get("system") == f"{_BFD}clm_freq_cd":
                    return self.bfd_bill_type(code)
                try:
                    return validate_bill_type(code)
                except InvalidInputError as exc:
                    self.problem(
                        f"{self.path}.supportingInfo[{index}].code", repr(code), exc.expected
                    )
        return None

    def bfd_bill_type(self, frequency: object) -> str | None:
        """Blue Button splits the type of bill: facility type, service classification, frequency."""
        parts: dict[str, object] = {}
        for extension in self.data.get("extension") or ():
            if not isinstance(extension, dict):
                continue
            for name in ("clm_fac_type_cd", "clm_srvc_clsfctn_type_cd"):
                if extension.get("url") == _BFD + name and isinstance(
                    extension.get("valueCoding"), dict
                ):
                    parts[name] = extension["valueCoding"].get("code")
        facility = self.data.get("facility")
        if isinstance(facility, dict):
            for extension in facility.get("extension") or ():
                if (
                    isinstance(extension, dict)
                    and extension.get("url") == _BFD + "clm_fac_type_cd"
                    and isinstance(extension.get("valueCoding"), dict)
                ):
                    parts["clm_fac_type_cd"] = extension["valueCoding"].get("code")
        text = f"{parts.get('clm_fac_type_cd', '')}{parts.get('clm_srvc_clsfctn_type_cd', '')}{frequency}"
        try:
            return validate_bill_type(text)
        except InvalidInputError as exc:
            self.problem(f"{self.path}.extension", repr(text), exc.expected)
            return None

    def diagnoses(self) -> tuple[tuple[str, ...], dict[object, int], CodeSet | None]:
        entries = [d for d in self.data.get("diagnosis") or () if isinstance(d, dict)]
        codes: list[str] = []
        positions: dict[object, int] = {}
        sets: set[CodeSet] = set()
        for index, entry in sorted(
            enumerate(entries), key=lambda pair: _sequence(pair[1], pair[0])
        ):
            where = f"{self.path}.diagnosis[{index}]"
            codings = _codings(entry.get("diagnosisCodeableConcept"))
            found = [
                c for c in codings if c.get("system") in DIAGNOSIS_SYSTEMS and _text(c.get("code"))
            ]
            if not found:
                systems = sorted({str(c.get("system")) for c in codings})
                self.problem(
                    f"{where}.diagnosisCodeableConcept",
                    f"systems {systems}" if codings else "no coding",
                    "an ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm) or ICD-9-CM (http://hl7.org/fhir/sid/icd-9-cm) coding",
                )
                continue
            coding = found[0]
            codes.append(str(coding["code"]).strip())
            sets.add(DIAGNOSIS_SYSTEMS[str(coding["system"])])
            positions[entry.get("sequence")] = len(codes)
        code_set = None
        if len(sets) > 1:
            self.problem(
                f"{self.path}.diagnosis",
                "both ICD-9-CM and ICD-10-CM codes",
                "one code set per claim",
            )
        elif sets:
            (code_set,) = sets
        return tuple(codes), positions, code_set

    # ----------------------------------------------------------- items

    def line(
        self, item: dict[str, Any], where: str, positions: dict[object, int]
    ) -> ClaimLine | None:
        fields: dict[str, Any] = {}
        sequence = item.get("sequence")
        if isinstance(sequence, int) and not isinstance(sequence, bool) and sequence > 0:
            fields["line_id"] = str(sequence)
        else:
            self.problem(f"{where}.sequence", repr(sequence), "the item's sequence, 1 or more")
        product = item.get("productOrService")
        codings = _codings(product)
        procedures = [
            c for c in codings if c.get("system") in PROCEDURE_SYSTEMS and _text(c.get("code"))
        ]
        if not procedures:
            systems = sorted({str(c.get("system")) for c in codings})
            self.problem(
                f"{where}.productOrService",
                f"systems {systems}" if codings else "no coding",
                "a HCPCS (http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets) or CPT (http://www.ama-assn.org/go/cpt) coding",
            )
            return None
        fields["code"] = str(procedures[0]["code"]).strip()
        modifiers = []
        for number, modifier in enumerate(item.get("modifier") or ()):
            codes = [c.get("code") for c in _codings(modifier) if _text(c.get("code"))]
            if codes:
                modifiers.append(str(codes[0]))
            else:
                self.problem(
                    f"{where}.modifier[{number}]",
                    "no code",
                    "a modifier coding, e.g. {'code': 'JZ'}",
                )
        fields["modifiers"] = tuple(modifiers)
        self.ndc(item, where, fields)
        quantity = item.get("quantity")
        if isinstance(quantity, dict) and "value" in quantity:
            fields["units"] = self.number(
                quantity["value"], f"{where}.quantity.value", "a quantity 0 or more, e.g. 1"
            )
        location = item.get("locationCodeableConcept")
        if location is not None:
            places = [c for c in _codings(location) if c.get("system") in PLACE_OF_SERVICE_SYSTEMS]
            if places:
                fields["place_of_service"] = str(places[0].get("code"))
            else:
                self.problem(
                    f"{where}.locationCodeableConcept",
                    f"systems {sorted({str(c.get('system')) for c in _codings(location)})}",
                    "a CMS place-of-service coding (https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set)",
                )
        self.dates(item, where, fields)
        pointers = []
        for number, sequence in enumerate(item.get("diagnosisSequence") or ()):
            if sequence in positions and not isinstance(sequence, bool):
                pointers.append(positions[sequence])
            else:
                self.problem(
                    f"{where}.diagnosisSequence[{number}]",
                    repr(sequence),
                    "the sequence of one of the claim's diagnosis entries",
                )
        fields["diagnosis_pointers"] = tuple(pointers)
        revenue = [c.get("code") for c in _codings(item.get("revenue")) if _text(c.get("code"))]
        if revenue:
            fields["revenue_code"] = str(revenue[0])
        return self.build(fields, where)

    def build(self, fields: dict[str, Any], where: str) -> ClaimLine | None:
        def refused(field: str, exc: InvalidInputError) -> None:
            path = f"{where}.{_PATHS.get(field, field)}"
            self.problem(path, repr(exc.value), f"{exc.what}: {exc.expected}")

        return build_line(fields, refused)

    def ndc(self, item: dict[str, Any], where: str, fields: dict[str, Any]) -> None:
        product = item.get("productOrService") or {}
        found: list[tuple[str, object]] = [
            (f"{where}.productOrService.coding", c.get("code"))
            for c in _codings(product)
            if c.get("system") == NDC_SYSTEM
        ]
        for number, extension in enumerate(
            product.get("extension") or () if isinstance(product, dict) else ()
        ):
            coding = extension.get("valueCoding") if isinstance(extension, dict) else None
            if isinstance(coding, dict) and (
                coding.get("system") == NDC_SYSTEM or extension.get("url") == NDC_SYSTEM
            ):
                found.append(
                    (
                        f"{where}.productOrService.extension[{number}].valueCoding.code",
                        coding.get("code"),
                    )
                )
        for number, detail in enumerate(item.get("detail") or ()):
            if not isinstance(detail, dict):
                continue
            for coding in _codings(detail.get("productOrService")):
                if coding.get("system") == NDC_SYSTEM:
                    found.append((f"{where}.detail[{number}].productOrService", coding.get("code")))
                    quantity = detail.get("quantity")
                    if isinstance(quantity, dict) and "value" in quantity:
                        fields["ndc_quantity"] = self.number(
                            quantity["value"],
                            f"{where}.detail[{number}].quantity.value",
                            "a drug quantity, e.g. 10",
                        )
                        unit = quantity.get("code") or quantity.get("unit")
                        if isinstance(unit, str) and unit.upper() in {"UN", "ML", "GR", "F2", "ME"}:
                            fields["ndc_unit"] = unit.upper()
        if not found:
            return
        path, code = found[0]
        try:
            fields["ndc"] = validate_ndc(code)
        except InvalidInputError as exc:
            self.problem(path, repr(code), exc.expected)
            fields.pop("ndc_quantity", None)
            fields.pop("ndc_unit", None)

    def number(self, value: object, where: str, expected: str) -> object:
        if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
            self.problem(where, repr(value), expected)
            return None
        return value

    def dates(self, item: dict[str, Any], where: str, fields: dict[str, Any]) -> None:
        if "servicedDate" in item:
            day = parse_iso_date(item["servicedDate"])
            if day is None:
                self.problem(
                    f"{where}.servicedDate", repr(item["servicedDate"]), "a full date as YYYY-MM-DD"
                )
            else:
                fields["date_of_service"] = day
        period = item.get("servicedPeriod")
        if isinstance(period, dict):
            start, end = parse_iso_date(period.get("start")), parse_iso_date(period.get("end"))
            if start is None:
                self.problem(
                    f"{where}.servicedPeriod.start",
                    repr(period.get("start")),
                    "a full date as YYYY-MM-DD",
                )
                return
            fields["date_of_service"] = start
            if "end" in period and end is None:
                self.problem(
                    f"{where}.servicedPeriod.end",
                    repr(period.get("end")),
                    "a full date as YYYY-MM-DD",
                )
            elif end is not None and end != start:
                fields["service_end"] = end


_PATHS = {  # where in an item each line field comes from
    "line_id": "sequence",
    "code": "productOrService",
    "modifiers": "modifier",
    "units": "quantity.value",
    "revenue_code": "revenue",
    "place_of_service": "locationCodeableConcept",
    "date_of_service": "servicedDate",
    "service_end": "servicedPeriod.end",
    "diagnosis_pointers": "diagnosisSequence",
    "ndc": "productOrService",
    "ndc_quantity": "detail.quantity.value",
    "ndc_unit": "detail.quantity.code",
}


def _sequence(entry: Mapping[str, Any], index: int) -> tuple[int, int]:
    sequence = entry.get("sequence")
    if isinstance(sequence, int) and not isinstance(sequence, bool):
        return (sequence, index)
    return (1 << 30, index)


def read_fhir(source: Source, *, payer: str | None = None) -> Iterator[ReadResult]:
    """Read the claims of FHIR R4 JSON: a Claim or ExplanationOfBenefit resource, a
    Bundle of them, or NDJSON. One :class:`ReadResult` per Claim or EOB.

    ``payer`` names the payer of a resource whose insurer names none. A source
    that is not FHIR JSON is refused at once, when this is called, with
    :class:`~passive_ig.readers.NotClaimsError` (a single resource or Bundle is
    parsed whole at that point; NDJSON is read a line at a time). A resource of
    another type at the top level or in NDJSON, or a line that is not JSON, is a
    result with the problem, and reading goes on.
    """
    return read_text(open_text(source), payer=payer)


def read_text(text: Text, *, payer: str | None = None) -> Iterator[ReadResult]:
    """:func:`read_fhir` on an opened source."""
    resources = _resources(text)
    first = next(resources)  # refuses what is not FHIR JSON now, not at the first claim
    return _results(itertools.chain([first], resources), text.name, payer)


def _results(
    resources: Iterator[tuple[str, Any]], name: str, payer: str | None
) -> Iterator[ReadResult]:
    for path, value in resources:
        yield from _claims(path, value, name, payer)
