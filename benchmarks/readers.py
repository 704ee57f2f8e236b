"""Reader throughput: the X12 837 and FHIR readers against ``json.loads`` of the same claims.

    python benchmarks/readers.py               # 20,000 claims, 9 repeats
    python benchmarks/readers.py --claims 2000 --repeats 5   # a short run

The same synthetic claims (3 lines each: an IVIG product with its NDC, two
infusion codes; two diagnoses) are written once as an X12 837P interchange, as
FHIR ExplanationOfBenefit NDJSON, and as the JSON list ``Claim.to_dict()`` gives
(the input of ``passive-ig check --file``). Each figure is a ratio measured in this
run, interleaved (reader, baseline, reader, baseline, ...) and taken as the median
of the per-round ratios, so a busy machine moves both sides alike:

* X12: ``list(read_x12(bytes))`` against ``json.loads`` of the claims' JSON;
* FHIR: ``list(read_fhir(bytes))`` against ``json.loads`` of each NDJSON line,
  the parsing the reader cannot avoid (so the ratio is the cost of the mapping);
* CSV (for reference): ``list(read_csv(bytes))`` against ``json.loads`` of the claims' JSON.

The readers build validated ``Claim`` objects; ``json.loads`` builds dicts, so a
ratio above 1 is expected: it says what the typed claims cost. The ratio depends
on the batch size: the readers stream, so their cost per claim stays flat, while
``json.loads`` of one large document slows per claim as the collector (left on, as
in ``run.py``) walks its growing tree; give ``--claims`` to compare sizes. No test
runs this.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import time
from collections.abc import Callable

import attrs

from passive_ig.claims import Claim, ClaimLine
from passive_ig.readers import read_csv, read_fhir, read_x12

PRODUCTS = ("J1459", "J1569", "J1561", "J1557", "J1568", "J1566")
PAYERS = ("Medicare", "Aetna", "Cigna", "UnitedHealthcare")


def claims(count: int) -> list[Claim]:
    """``count`` claims of 3 lines, each different (ids, dates, units)."""
    made = []
    for n in range(count):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n % 366)
        units = 40 + n % 60
        made.append(
            Claim(
                payer=PAYERS[n % len(PAYERS)],
                claim_id=f"PIG{n:08d}",
                patient_id=f"MEMBER{n % 5000:06d}",
                diagnoses=("D800", "Z79899"),  # as an 837 HI sends them
                lines=(
                    ClaimLine(
                        code=PRODUCTS[n % len(PRODUCTS)],
                        modifiers=("JZ",),
                        units=units,
                        date_of_service=day,
                        place_of_service="11",
                        diagnosis_pointers=(1, 2),
                        ndc=f"{10000 + n % 90000:05d}{n % 10000:04d}{n % 100:02d}",
                        ndc_quantity=units * 10,
                        ndc_unit="ML",
                        line_id="1",
                    ),
                    ClaimLine(
                        code="96365",
                        units=1,
                        date_of_service=day,
                        place_of_service="11",
                        diagnosis_pointers=(1,),
                        line_id="2",
                    ),
                    ClaimLine(
                        code="96366",
                        units=1 + n % 3,
                        date_of_service=day,
                        place_of_service="11",
                        diagnosis_pointers=(1,),
                        line_id="3",
                    ),
                ),
            )
        )
    return made


def as_x12(batch: list[Claim]) -> bytes:
    isa = (
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       "
        "*240305*1200*^*00501*000000001*0*T*:~\n"
    )
    segments = [
        "GS*HC*SUBMITTER*RECEIVER*20240305*1200*1*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "HL*1**20*1",
    ]
    for index, claim in enumerate(batch):
        segments += [
            f"HL*{index + 2}*1*22*0",
            "SBR*P*18*******CI",
            f"NM1*IL*1*DOE*JANE****MI*{claim.patient_id}",
            f"NM1*PR*2*{claim.payer}*****PI*00001",
            f"CLM*{claim.claim_id}*1000.00***11:B:1*Y*A*Y*Y",
            f"HI*ABK:{claim.diagnoses[0]}*ABF:{claim.diagnoses[1]}",
        ]
        for line in claim.lines:
            assert line.date_of_service is not None
            code = ":".join(("HC", line.code, *line.modifiers))
            pointers = ":".join(str(p) for p in line.diagnosis_pointers)
            segments += [
                f"LX*{line.line_id}",
                f"SV1*{code}*100.00*UN*{line.units}*11**{pointers}",
                f"DTP*472*D8*{line.date_of_service:%Y%m%d}",
            ]
            if line.ndc:
                segments += [f"LIN**N4*{line.ndc}", f"CTP****{line.ndc_quantity}*{line.ndc_unit}"]
    segments += [f"SE*{len(segments)}*0001", "GE*1*1", "IEA*1*000000001"]
    return (isa + "".join(f"{s}~\n" for s in segments)).encode()


def as_fhir(batch: list[Claim]) -> bytes:
    hcpcs = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
    pos = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
    out = []
    for claim in batch:
        items = []
        for line in claim.lines:
            assert line.date_of_service is not None
            item: dict[str, object] = {
                "sequence": int(line.line_id or 0),
                "productOrService": {"coding": [{"system": hcpcs, "code": line.code}]},
                "modifier": [{"coding": [{"system": hcpcs, "code": m}]} for m in line.modifiers],
                "quantity": {"value": line.units},
                "servicedDate": line.date_of_service.isoformat(),
                "locationCodeableConcept": {"coding": [{"system": pos, "code": "11"}]},
                "diagnosisSequence": list(line.diagnosis_pointers),
            }
            if line.ndc:
                item["detail"] = [
                    {
                        "sequence": 1,
                        "productOrService": {
                            "coding": [{"system": "http://hl7.org/fhir/sid/ndc", "code": line.ndc}]
                        },
                        "quantity": {"value": line.ndc_quantity, "code": line.ndc_unit},
                    }
                ]
            items.append(item)
        resource = {
            "resourceType": "ExplanationOfBenefit",
            "id": claim.claim_id,
            "patient": {"reference": f"Patient/{claim.patient_id}"},
            "insurer": {"display": claim.payer},
            "diagnosis": [
                {
                    "sequence": n,
                    "diagnosisCodeableConcept": {
                        "coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": code}]
                    },
                }
                for n, code in enumerate(claim.diagnoses, start=1)
            ],
            "item": items,
        }
        out.append(json.dumps(resource))
    return ("\n".join(out) + "\n").encode()


def as_csv(batch: list[Claim]) -> bytes:
    rows = [
        "claim_id,patient_id,payer,line_id,code,modifiers,units,date_of_service,"
        "place_of_service,claim_diagnoses,diagnosis_pointers,ndc,ndc_quantity,ndc_unit"
    ]
    for claim in batch:
        for line in claim.lines:
            rows.append(
                ",".join(
                    (
                        claim.claim_id or "",
                        claim.patient_id or "",
                        claim.payer,
                        line.line_id or "",
                        line.code,
                        " ".join(line.modifiers),
                        str(line.units),
                        str(line.date_of_service),
                        "11",
                        " ".join(claim.diagnoses),
                        " ".join(map(str, line.diagnosis_pointers)),
                        line.ndc or "",
                        str(line.ndc_quantity or ""),
                        line.ndc_unit or "",
                    )
                )
            )
    return ("\n".join(rows) + "\n").encode()


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def ratio(
    reader: Callable[[], object], baseline: Callable[[], object], repeats: int
) -> tuple[float, float, float]:
    """Median reader seconds, median baseline seconds, median of the per-round ratios."""
    ours, theirs, ratios = [], [], []
    for _ in range(repeats):
        a = _timed(reader)
        b = _timed(baseline)
        ours.append(a)
        theirs.append(b)
        ratios.append(a / b)
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    batch = claims(args.claims)
    x12, fhir, csv_bytes = as_x12(batch), as_fhir(batch), as_csv(batch)
    as_json = json.dumps([claim.to_dict() for claim in batch]).encode()
    fhir_lines = fhir.splitlines()
    # every reader must read every claim back, as built
    # (an 837's CLM05 gives the claim a place of service as well)
    assert [r.claim for r in read_x12(x12)] == [
        attrs.evolve(claim, place_of_service="11") for claim in batch
    ]
    assert [r.claim for r in read_fhir(fhir)] == batch
    assert [r.claim for r in read_csv(csv_bytes)] == batch
    figures = [
        (
            "X12 837P",
            len(x12),
            ratio(lambda: list(read_x12(x12)), lambda: json.loads(as_json), args.repeats),
        ),
        (
            "FHIR NDJSON",
            len(fhir),
            ratio(
                lambda: list(read_fhir(fhir)),
                lambda: [json.loads(line) for line in fhir_lines],
                args.repeats,
            ),
        ),
        (
            "CSV claim-lines",
            len(csv_bytes),
            ratio(lambda: list(read_csv(csv_bytes)), lambda: json.loads(as_json), args.repeats),
        ),
    ]
    print(f"{args.claims:,} claims of 3 lines, {args.repeats} interleaved repeats, medians\n")
    print(
        "| reader | input | reader claims/s | json.loads claims/s | ratio (reader / json.loads) |"
    )
    print("|---|---|---|---|---|")
    for name, size, (ours, theirs, median) in figures:
        print(
            f"| {name} | {size / 1e6:.1f} MB | {args.claims / ours:,.0f} | "
            f"{args.claims / theirs:,.0f} | {median:.1f} |"
        )


if __name__ == "__main__":
    main()
