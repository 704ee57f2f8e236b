"""ASC X12 837 claims (005010X222 professional, 005010X223 institutional) into claims.

A light, streaming reader with no dependency: the separators come from the ISA
segment, segments are read one at a time, and only the claim being read is held.
It maps what a coding check needs and names everything else it could not map.

=========================  ==============================================
837 (loop, segment)        claim field
=========================  ==============================================
2000B SBR09                payer ``Medicare`` for MA/MB (Medicare Part A/B)
2010BB NM1*PR NM103        payer, as named, for any other filing indicator
2010BA NM1*IL NM109        ``patient_id`` (the subscriber's member id)
2300 CLM01                 ``claim_id``
2300 CLM05                 place of service (837P), ``bill_type`` (837I)
2300 HI ABK/ABF, BK/BF     ``diagnoses`` (their order gives the pointers)
2400 LX01                  ``line_id``
2400 SV1 (837P)            code, modifiers, units, place of service, pointers
2400 SV2 (837I)            revenue code, code, modifiers, units
2400 DTP*472 D8/RD8        ``date_of_service`` and ``service_end``
2410 LIN*N4, CTP           ``ndc``, ``ndc_quantity``, ``ndc_unit``
=========================  ==============================================

Limits, each deliberate:

* A patient who is a dependent (loop 2000C, HL level 23) has no member id of
  their own in 005010; ``patient_id`` is then the subscriber's.
* Claim-level dates (2300 DTP, e.g. 434 statement dates) are not a date of
  service; a line without DTP*472 has none, and the check says so.
* An 837I line with a revenue code and no HCPCS/CPT code (room and board, ...)
  is not a service the checks judge: it is named among the problems and left out.
* Several interchanges in one file must share the first ISA's separators.
* Segments are counted from ISA = 1 across the file (``"segment 37 SV1"``);
  elements as the guides name them (``SV107``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Iterator

import attrs

from ..claims import Claim, ClaimLine
from ..codes import validate_ndc
from ..errors import InvalidInputError
from ._build import build_line
from ._result import CodeSet, NotClaimsError, ReadProblem, ReadResult
from ._source import Source, Text, looks_like, open_text

__all__ = ["read_x12"]

# filing indicators (SBR09) whose payer passive_ig can name without doubt
_FILING_PAYERS = {"MA": "Medicare", "MB": "Medicare"}
_DIAGNOSIS_QUALIFIERS = {
    "ABK": CodeSet.ICD10CM,
    "ABF": CodeSet.ICD10CM,
    "BK": CodeSet.ICD9CM,
    "BF": CodeSet.ICD9CM,
}
# HI qualifiers that are not the claim's diagnoses (admitting, reason for visit,
# external cause, procedures, occurrence, value and condition codes, DRG, ...)
_OTHER_HI = frozenset(
    [
        "ABJ",
        "BJ",
        "APR",
        "PR",
        "ABN",
        "BN",
        "BBR",
        "BR",
        "CAH",
        "BBQ",
        "BQ",
        "BI",
        "BH",
        "BE",
        "BG",
        "DR",
        "TC",
    ]
)
_UNIT_BASES = frozenset({"UN", "MJ"})
_NDC_UNITS = frozenset({"UN", "ML", "GR", "F2", "ME"})
# the most elements each segment the reader maps may have (005010 guides)
_MAX_ELEMENTS = {
    "HL": 4,
    "SBR": 9,
    "NM1": 12,
    "CLM": 20,
    "HI": 12,
    "LX": 1,
    "SV1": 21,
    "SV2": 10,
    "DTP": 3,
    "LIN": 31,
    "CTP": 11,
    "SE": 2,
    "ST": 3,
}
_PROFESSIONAL, _INSTITUTIONAL = "005010X222", "005010X223"
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")


@attrs.frozen
class _Separators:
    element: str
    component: str
    repetition: str | None
    segment: str


def _separators(text: Text) -> _Separators:
    head = text.head.lstrip()
    if not head.startswith("ISA"):
        raise NotClaimsError(text.name, f"an X12 interchange starting with ISA; {looks_like(head)}")
    if len(head) < 106:
        raise NotClaimsError(
            text.name, f"an ISA segment of 106 characters; the file has {len(head)} in all"
        )
    element = head[3]
    if head[:106].count(element) != 16:
        raise NotClaimsError(
            text.name,
            f"an ISA segment of 16 elements separated by {element!r} in its fixed 106 "
            f"characters; found {head[:106].count(element)} separators",
        )
    repetition = head[82]
    return _Separators(
        element=element,
        component=head[104],
        repetition=None if repetition.isalnum() else repetition,
        segment=head[105],
    )


def _segments(text: Text, separators: _Separators) -> Iterator[tuple[str, bool]]:
    """Each segment without its terminator and the newlines around it, and whether a
    terminator ended it (the last one of a truncated file has none)."""
    terminator = separators.segment
    rest = ""
    for chunk in text.chunks():
        rest += chunk
        parts = rest.split(terminator)
        rest = parts.pop()
        for part in parts:
            yield part.strip("\r\n"), True
    if rest.strip():
        yield rest.strip("\r\n"), False


@attrs.define
class _Line:
    position: str
    line_id: str | None
    fields: dict[str, object] = attrs.Factory(dict)
    places: dict[str, str] = attrs.Factory(dict)  # where each field's value was read
    service: str = ""  # where its SV1 or SV2 is
    readable: bool = True

    def set(self, field: str, value: object, place: str) -> None:
        self.fields[field] = value
        self.places[field] = place


@attrs.define
class _ClaimState:
    claim_id: str | None
    position: str
    payer: str | None
    patient_id: str | None
    kind: str
    fields: dict[str, object] = attrs.Factory(dict)
    diagnoses: list[str] = attrs.Factory(list)
    code_sets: set[CodeSet] = attrs.Factory(set)
    lines: list[_Line] = attrs.Factory(list)
    problems: list[ReadProblem] = attrs.Factory(list)
    complete: bool = True  # False when the file ends inside the claim or CLM is unreadable
    diagnosis_position: str = ""  # where its (last) HI is


class _Reader:
    def __init__(self, name: str, separators: _Separators, payer: str | None) -> None:
        self.name = name
        self.default_payer = payer
        self.sep = separators
        self.kind = ""
        self.payer: str | None = None
        self.filing: str | None = None
        self.patient_id: str | None = None
        self.in_subscriber = False
        self.claim: _ClaimState | None = None
        self.line: _Line | None = None
        self.orphans: list[ReadProblem] = []  # problems outside any claim
        self.done: list[ReadResult] = []  # results ready to hand out
        self.seen_iea = self.seen_se = self.in_transaction = False
        self.started = 0  # where the transaction set's ST is

    # ----------------------------------------------------------------- helpers

    def problem(self, where: str, found: str, expected: str) -> None:
        claim_id = self.claim.claim_id if self.claim else None
        problem = ReadProblem(claim_id=claim_id, where=where, found=found, expected=expected)
        (self.claim.problems if self.claim is not None else self.orphans).append(problem)

    def components(self, value: str) -> list[str]:
        return value.split(self.sep.component)

    # ----------------------------------------------------------------- segments

    def read(self, segments: Iterator[tuple[str, bool]]) -> Iterator[ReadResult]:
        handlers = self.handlers()
        split, done = str.split, self.done
        separator = self.sep.element
        for index, (raw, terminated) in enumerate(segments, start=1):
            elements = split(raw, separator)
            tag = elements[0].strip()
            if not terminated:
                self.problem(
                    f"segment {index}",
                    f"{raw[:40]!r} with no segment terminator",
                    f"segments ending in {self.sep.segment!r}: the file is truncated",
                )
                break
            handler = handlers.get(tag)
            if handler is None:
                if not _SEGMENT_ID.match(tag):
                    self.problem(
                        f"segment {index}",
                        f"{raw[:40]!r}",
                        "a segment id of 2 or 3 capital letters or digits: a malformed segment",
                    )
                continue  # a segment the claim fields do not come from
            where = f"segment {index} {tag}"
            most = _MAX_ELEMENTS.get(tag)
            if most is not None and len(elements) - 1 > most:
                self.too_many(tag, elements, where, most)
            else:
                handler(elements, where, index)
            if done:
                yield from done
                done.clear()
        self.end_of_file()
        yield from done

    def handlers(self) -> dict[str, Callable[[list[str], str, int], None]]:
        return {
            "ISA": self.on_isa,
            "IEA": self.on_iea,
            "GS": self.on_gs,
            "ST": self.on_st,
            "SE": self.on_se,
            "HL": self.on_hl,
            "SBR": self.on_sbr,
            "NM1": self.on_nm1,
            "CLM": self.on_clm,
            "HI": self.on_hi,
            "LX": self.on_lx,
            "SV1": self.on_sv1,
            "SV2": self.on_sv2,
            "DTP": self.on_dtp,
            "LIN": self.on_lin,
            "CTP": self.on_ctp,
        }

    def too_many(self, tag: str, elements: list[str], where: str, most: int) -> None:
        if tag == "CLM":  # a claim begins, but its CLM cannot be trusted
            self.finish()
            self.start_claim(elements[:6], where)
            assert self.claim is not None
            self.claim.complete = False
        elif tag == "LX" and self.claim is not None:
            self.start_line(elements, where)
            assert self.line is not None
            self.line.readable = False
        elif tag in ("SV1", "SV2") and self.line is not None:
            self.line.readable = False
        self.problem(where, f"{len(elements) - 1} elements", f"at most {most} elements in {tag}")

    # ----------------------------------------------------------------- envelope

    def on_isa(self, elements: list[str], where: str, index: int) -> None:
        self.seen_iea = False

    def on_iea(self, elements: list[str], where: str, index: int) -> None:
        self.seen_iea = True

    def on_gs(self, elements: list[str], where: str, index: int) -> None:
        self.kind = self.version_kind(elements[8] if len(elements) > 8 else "", where)

    def on_st(self, elements: list[str], where: str, index: int) -> None:
        self.in_transaction, self.seen_se, self.started = True, False, index
        if len(elements) > 1 and elements[1] != "837":
            self.problem(where, f"transaction set {elements[1]!r}", "837 (health care claim)")
        self.kind = self.version_kind(elements[3] if len(elements) > 3 else "", where)

    def on_se(self, elements: list[str], where: str, index: int) -> None:
        self.finish()
        self.in_transaction, self.seen_se, self.in_subscriber = False, True, False
        count = elements[1] if len(elements) > 1 else ""
        if self.started and count != str(index - self.started + 1):
            self.problem(
                f"{where}01",
                f"{count!r} segments",
                f"the number of segments from ST to SE, {index - self.started + 1}: "
                "segments were lost or added",
            )
        self.loose(where)

    def end_of_file(self) -> None:
        if self.in_transaction or not self.seen_se:
            if self.claim is not None:
                self.claim.complete = False
                self.line = None
                self.problem(
                    "end of file",
                    "no SE segment after this claim",
                    "the transaction set to end with SE, then GE and IEA: the file is truncated",
                )
            else:
                self.problem(
                    "end of file",
                    "no SE segment",
                    "the transaction set to end with SE, then GE and IEA: the file is truncated",
                )
        elif not self.seen_iea:
            self.problem(
                "end of file",
                "no IEA segment",
                "the interchange to end with IEA: the file is truncated",
            )
        self.finish()
        self.loose("end of file")

    # ----------------------------------------------------------------- loops

    def on_hl(self, elements: list[str], where: str, index: int) -> None:
        self.finish()
        self.hierarchy(elements, where)

    def on_sbr(self, elements: list[str], where: str, index: int) -> None:
        if self.claim is None:  # 2000B: the subscriber's claim filing indicator
            self.filing = elements[9] if len(elements) > 9 and elements[9] else None
        else:  # loop 2320: another payer's subscriber, not this claim's payer
            self.line = None

    def on_nm1(self, elements: list[str], where: str, index: int) -> None:
        self.name_segment(elements, where)

    def on_clm(self, elements: list[str], where: str, index: int) -> None:
        self.finish()
        self.start_claim(elements, where)

    def on_hi(self, elements: list[str], where: str, index: int) -> None:
        if self.claim is not None and self.line is None:
            self.diagnosis_segment(elements, where)

    def on_lx(self, elements: list[str], where: str, index: int) -> None:
        if self.claim is not None:
            self.start_line(elements, where)

    def on_sv1(self, elements: list[str], where: str, index: int) -> None:
        if self.line is not None:
            self.professional_line(elements, where)

    def on_sv2(self, elements: list[str], where: str, index: int) -> None:
        if self.line is not None:
            self.institutional_line(elements, where)

    def on_dtp(self, elements: list[str], where: str, index: int) -> None:
        if self.line is not None:
            self.line_date(elements, where)

    def on_lin(self, elements: list[str], where: str, index: int) -> None:
        if self.line is not None:
            self.drug(elements, where)

    def on_ctp(self, elements: list[str], where: str, index: int) -> None:
        if self.line is not None:
            self.drug_quantity(elements, where)

    def loose(self, position: str) -> None:
        """A result for the problems outside any claim, if there are any."""
        if self.orphans:
            problems, self.orphans = tuple(self.orphans), []
            self.done.append(
                ReadResult(
                    claim=None,
                    claim_id=None,
                    source=self.name,
                    position=position,
                    problems=problems,
                )
            )

    def version_kind(self, version: str, where: str) -> str:
        if version.startswith(_PROFESSIONAL):
            return "P"
        if version.startswith(_INSTITUTIONAL):
            return "I"
        self.problem(where, f"version {version!r}", "005010X222 (837P) or 005010X223 (837I)")
        return self.kind

    def start_line(self, elements: list[str], where: str) -> None:
        assert self.claim is not None
        line_id = elements[1] if len(elements) > 1 and elements[1] else None
        self.line = _Line(position=where, line_id=line_id)
        self.claim.lines.append(self.line)

    def hierarchy(self, elements: list[str], where: str) -> None:
        level = elements[3] if len(elements) > 3 else ""
        if level == "22":
            self.in_subscriber = True
            self.payer = self.filing = self.patient_id = None
        elif level == "20":
            self.in_subscriber = False
        elif level != "23":
            self.problem(
                where,
                f"HL03 {level!r}",
                "a hierarchical level of 20 (billing provider), 22 (subscriber) or 23 (patient)",
            )

    def name_segment(self, elements: list[str], where: str) -> None:
        if self.claim is not None or not self.in_subscriber:
            return  # providers, and the other payers of loop 2330 after the claim
        entity = elements[1] if len(elements) > 1 else ""
        if entity == "PR":
            self.payer = elements[3] if len(elements) > 3 and elements[3] else None
        elif entity == "IL":
            self.patient_id = elements[9] if len(elements) > 9 and elements[9] else None

    def start_claim(self, elements: list[str], where: str) -> None:
        claim_id = elements[1] if len(elements) > 1 and elements[1] else None
        payer = _FILING_PAYERS.get(self.filing or "", self.payer) or self.default_payer
        self.claim = _ClaimState(
            claim_id=claim_id,
            position=where,
            payer=payer,
            patient_id=self.patient_id,
            kind=self.kind,
        )
        if claim_id is None:
            self.problem(f"{where} CLM01", "no claim id", "the claim's id (patient control number)")
        if len(elements) < 6 or not elements[5]:
            self.problem(
                f"{where} CLM05",
                "no facility code",
                "CLM05: place of service or facility type, qualifier, frequency, e.g. '11:B:1'",
            )
            return
        parts = self.components(elements[5])
        facility = parts[0]
        qualifier = parts[1] if len(parts) > 1 else ""
        frequency = parts[2] if len(parts) > 2 else ""
        if self.kind == "I" or qualifier == "A":
            if (
                len(facility) == 2
                and facility.isdigit()
                and len(frequency) == 1
                and frequency.isdigit()
            ):
                self.claim.fields["bill_type"] = facility + frequency
            else:
                self.problem(
                    f"{where} CLM05",
                    repr(elements[5]),
                    "a facility type code of 2 digits, 'A', and a frequency of 1 digit, e.g. '13:A:1'",
                )
        elif qualifier == "B":
            self.claim.fields["place_of_service"] = facility
        else:
            self.problem(
                f"{where} CLM05-2",
                repr(qualifier),
                "'B' (place of service, 837P) or 'A' (facility type, 837I)",
            )

    def diagnosis_segment(self, elements: list[str], where: str) -> None:
        assert self.claim is not None
        self.claim.diagnosis_position = where
        for number, element in enumerate(elements[1:], start=1):
            if not element:
                continue
            parts = self.components(element)
            qualifier = parts[0]
            place = f"{where}{number:02d}"
            if qualifier in _DIAGNOSIS_QUALIFIERS:
                code = parts[1] if len(parts) > 1 else ""
                if not code:
                    self.problem(
                        place,
                        repr(element),
                        f"a diagnosis code after the qualifier, e.g. '{qualifier}:D800'",
                    )
                    continue
                self.claim.diagnoses.append(code)
                self.claim.code_sets.add(_DIAGNOSIS_QUALIFIERS[qualifier])
            elif qualifier not in _OTHER_HI:
                self.problem(
                    place,
                    f"qualifier {qualifier!r}",
                    "a known HI qualifier: ABK/ABF (ICD-10-CM diagnoses), BK/BF (ICD-9-CM), or another 837 HI code list qualifier",
                )

    def procedure(self, composite: str, place: str) -> None:
        assert self.line is not None
        parts = self.components(composite)
        if parts[0] != "HC":
            self.problem(place, f"qualifier {parts[0]!r}", "'HC' (HCPCS/CPT codes)")
        code = parts[1] if len(parts) > 1 else ""
        if not code:
            self.problem(place, repr(composite), "HC and a procedure code, e.g. 'HC:90283'")
            self.line.readable = False
            return
        self.line.set("code", code, place)
        self.line.set("modifiers", tuple(m for m in parts[2:6] if m), place)

    def units(self, basis: str, quantity: str, place: str) -> None:
        assert self.line is not None
        if basis and basis not in _UNIT_BASES:
            self.problem(f"{place}", f"unit basis {basis!r}", "UN (units) or MJ (minutes)")
        if not quantity:
            return
        try:
            self.line.set("units", decimal.Decimal(quantity), place)
        except decimal.InvalidOperation:
            self.problem(place, repr(quantity), "a quantity such as '1' or '1.00'")

    def professional_line(self, elements: list[str], where: str) -> None:
        assert self.line is not None
        self.line.service = where
        if len(elements) < 5:
            self.problem(
                where,
                f"{len(elements) - 1} elements",
                "SV1 with at least SV101 to SV104 (procedure, charge, unit basis, quantity)",
            )
            self.line.readable = False
            return
        self.procedure(elements[1], f"{where}01")
        self.units(elements[3], elements[4], f"{where}04")
        if len(elements) > 5 and elements[5]:
            self.line.set("place_of_service", elements[5], f"{where}05")
        if len(elements) > 7 and elements[7]:
            pointers = []
            for pointer in self.components(elements[7]):
                if pointer.isdigit() and 1 <= int(pointer) <= 12:
                    pointers.append(int(pointer))
                else:
                    self.problem(f"{where}07", repr(pointer), "a diagnosis pointer from 1 to 12")
            self.line.set("diagnosis_pointers", tuple(pointers), f"{where}07")

    def institutional_line(self, elements: list[str], where: str) -> None:
        assert self.line is not None
        self.line.service = where
        if len(elements) < 2 or not elements[1]:
            self.problem(f"{where}01", "no revenue code", "SV201, a revenue code of 4 digits")
        else:
            self.line.set("revenue_code", elements[1], f"{where}01")
        if len(elements) < 3 or not elements[2]:
            self.problem(
                f"{where}02",
                "no procedure code",
                "HC and a HCPCS/CPT code; a line with a revenue code alone is not checked",
            )
            self.line.readable = False
            return
        self.procedure(elements[2], f"{where}02")
        self.units(
            elements[4] if len(elements) > 4 else "",
            elements[5] if len(elements) > 5 else "",
            f"{where}05",
        )

    def line_date(self, elements: list[str], where: str) -> None:
        assert self.line is not None
        if len(elements) < 4 or elements[1] != "472":
            return  # other dates (471 prescription, ...) are not the date of service
        form, value = elements[2], elements[3]
        if form == "D8":
            day = _date(value)
            if day is None:
                self.problem(f"{where}03", repr(value), "a date as CCYYMMDD, e.g. '20240301'")
            else:
                self.line.set("date_of_service", day, f"{where}03")
        elif form == "RD8":
            start, _, end = value.partition("-")
            first, last = _date(start), _date(end)
            if first is None or last is None:
                self.problem(
                    f"{where}03",
                    repr(value),
                    "a period as CCYYMMDD-CCYYMMDD, e.g. '20240301-20240307'",
                )
            elif last < first:
                self.problem(
                    f"{where}03", repr(value), "a period whose end is on or after its start"
                )
            else:
                self.line.set("date_of_service", first, f"{where}03")
                if last != first:
                    self.line.set("service_end", last, f"{where}03")
        else:
            self.problem(f"{where}02", f"date format {form!r}", "D8 (a date) or RD8 (a period)")

    def drug(self, elements: list[str], where: str) -> None:
        assert self.line is not None
        qualifier = elements[2] if len(elements) > 2 else ""
        value = elements[3] if len(elements) > 3 else ""
        if qualifier != "N4":
            self.problem(f"{where}02", f"qualifier {qualifier!r}", "N4 (an NDC in 5-4-2 form)")
            return
        try:
            self.line.set("ndc", validate_ndc(value), f"{where}03")
        except InvalidInputError as exc:
            self.problem(f"{where}03", repr(value), exc.expected)

    def drug_quantity(self, elements: list[str], where: str) -> None:
        assert self.line is not None
        quantity = elements[4] if len(elements) > 4 else ""
        unit = self.components(elements[5])[0] if len(elements) > 5 and elements[5] else ""
        try:
            self.line.set("ndc_quantity", decimal.Decimal(quantity), f"{where}04")
        except decimal.InvalidOperation:
            self.problem(f"{where}04", repr(quantity), "the drug quantity, e.g. '10'")
        if unit in _NDC_UNITS:
            self.line.set("ndc_unit", unit, f"{where}05")
        else:
            self.problem(f"{where}05", repr(unit), "a unit of measure: UN, ML, GR, F2 or ME")

    # ----------------------------------------------------------------- building

    def finish(self) -> None:
        """The claim being read is complete: build it."""
        state, self.claim, self.line = self.claim, None, None
        if state is not None:
            self.done.append(_build(state, self.name))


def _date(text: str) -> dt.date | None:
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _build(state: _ClaimState, source: str) -> ReadResult:
    problems = list(state.problems)
    lines: list[ClaimLine] = []
    code_set = None
    if len(state.code_sets) > 1:
        problems.append(
            ReadProblem(
                claim_id=state.claim_id,
                where=state.diagnosis_position,
                found="both ICD-9-CM (BK/BF) and ICD-10-CM (ABK/ABF) qualifiers",
                expected="one code set per claim",
            )
        )
    elif state.code_sets:
        (code_set,) = state.code_sets
    count = len(state.diagnoses)
    for line in state.lines:
        if not line.readable or "code" not in line.fields:
            if line.readable:
                problems.append(
                    ReadProblem(
                        claim_id=state.claim_id,
                        where=line.position,
                        found="no SV1 or SV2 for this line",
                        expected="a service line segment after LX",
                    )
                )
            continue
        fields = dict(line.fields)
        pointers = fields.get("diagnosis_pointers", ())
        kept = tuple(p for p in pointers if p <= count)  # type: ignore[attr-defined]
        if kept != pointers:
            problems.append(
                ReadProblem(
                    claim_id=state.claim_id,
                    where=f"{line.service}07",
                    found=f"pointers {pointers}",
                    expected=f"pointers to the claim's {count} HI diagnoses",
                )
            )
            fields["diagnosis_pointers"] = kept
        fields["line_id"] = line.line_id

        def refused(field: str, exc: InvalidInputError, line: _Line = line) -> None:
            problems.append(
                ReadProblem(
                    claim_id=state.claim_id,
                    where=line.places.get(field, line.position),
                    found=repr(exc.value),
                    expected=f"{exc.what}: {exc.expected}",
                )
            )

        built = build_line(fields, refused)
        if built is not None:
            lines.append(built)
    claim = None
    if not state.complete:
        pass  # named among the problems: the claim is not built from part of it
    elif not lines:
        problems.append(
            ReadProblem(
                claim_id=state.claim_id,
                where=state.position,
                found="no service line that could be read",
                expected="one LX with SV1 (837P) or SV2 (837I) or more",
            )
        )
    elif state.payer is None:
        problems.append(
            ReadProblem(
                claim_id=state.claim_id,
                where=state.position,
                found="no payer",
                expected="NM1*PR in the subscriber loop (2010BB), SBR09 MA/MB, or read_x12(..., payer=...)",
            )
        )
    else:
        try:
            claim = Claim(
                payer=state.payer,
                lines=lines,
                diagnoses=tuple(state.diagnoses),
                claim_id=state.claim_id,
                patient_id=state.patient_id,
                place_of_service=state.fields.get("place_of_service"),  # type: ignore[arg-type]
                bill_type=state.fields.get("bill_type"),  # type: ignore[arg-type]
            )
        except InvalidInputError as exc:
            problems.append(
                ReadProblem(
                    claim_id=state.claim_id,
                    where=state.position,
                    found=repr(exc.value),
                    expected=f"{exc.what}: {exc.expected}",
                )
            )
    return ReadResult(
        claim=claim,
        claim_id=state.claim_id,
        source=source,
        position=state.position,
        problems=tuple(problems),
        diagnosis_code_set=code_set,
    )


def read_x12(source: Source, *, payer: str | None = None) -> Iterator[ReadResult]:
    """Read the claims of an X12 837P or 837I file, one :class:`ReadResult` each.

    ``source`` is a path, the file's bytes, or an open file; it is read as a
    stream, one claim at a time. ``payer`` names the payer of a claim whose
    subscriber loop names none. A file that does not start with an ISA segment is
    refused at once, when this is called, with
    :class:`~passive_ig.readers.NotClaimsError`; anything wrong inside a claim is a
    problem of that claim's result, and reading goes on.
    """
    return read_text(open_text(source), payer=payer)


def read_text(text: Text, *, payer: str | None = None) -> Iterator[ReadResult]:
    """:func:`read_x12` on an opened source."""
    separators = _separators(text)
    return _Reader(text.name, separators, payer).read(_segments(text, separators))
