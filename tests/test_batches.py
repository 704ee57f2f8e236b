"""Batches: ids carried through to every finding, one bad claim never stops a batch."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from passive_ig import InvalidInputError, UnknownPayerError, registry
from passive_ig.answers import Report, Unchecked
from passive_ig.batch import Entry, Totals, check_read, read_json
from passive_ig.claims import Claim, ClaimLine
from passive_ig.readers import NotClaimsError, ReadProblem, ReadResult
from passive_ig.render.csv import write_csv
from passive_ig.render.jsonl import write_jsonl

DAY = dt.date(2024, 3, 1)


def drug(**kwargs: object) -> ClaimLine:
    values: dict[str, object] = {
        "code": "J1459",
        "modifiers": ("JZ",),
        "units": 70,
        "dose_mg": 35000.0,
        "place_of_service": "11",
    }
    values.update(kwargs)
    return ClaimLine(**values)  # type: ignore[arg-type]


# ---------------------------------------------------------------------- ids


def test_every_finding_names_its_line_and_the_lines_own_id() -> None:
    claim = Claim(
        payer="Medicare",
        claim_id="CLM-7",
        date_of_service=DAY,
        diagnoses=("D80.0",),
        lines=(
            drug(line_id="1"),
            drug(line_id="2", modifiers=("JW", "JZ"), discarded_mg=500.0),
            ClaimLine(code="96365", line_id="3", units=1),
        ),
    )
    report = registry.check(claim)
    assert report.claim_id == "CLM-7"
    assert report.findings
    for finding in report.findings:
        assert finding.path.startswith(f"lines[{finding.line}].")
        assert finding.line_id == str(finding.line + 1)  # type: ignore[operator]
    assert {(f.rule, f.line, f.line_id) for f in report.errors} >= {
        ("modifier.not-together", 1, "2")
    }
    row = report.findings[0].to_dict()
    assert (row["line"], row["line_id"]) == (report.findings[0].line, report.findings[0].line_id)


def test_a_line_checked_alone_carries_its_id() -> None:
    report = registry.check(drug(line_id="LX-4", modifiers=("51",)), payer="Medicare")
    assert {(f.line, f.line_id) for f in report.findings} == {(None, "LX-4")}


def test_a_claim_finding_names_the_line_it_is_about() -> None:
    claim = Claim(
        payer="Medicare",
        date_of_service=DAY,
        diagnoses=("D80.0",),
        lines=(ClaimLine(code="96365", units=1, line_id="9"),),
    )
    [finding] = [f for f in registry.check(claim).findings if f.rule.startswith("claim.")]
    assert (finding.line, finding.line_id, finding.path[:9]) == (0, "9", "lines[0].")


# ---------------------------------------------------------------------- diagnoses


def test_a_line_takes_the_claim_diagnoses_its_pointers_name() -> None:
    claim = Claim(
        payer="Medicare",
        date_of_service=DAY,
        diagnoses=("Z79.899", "D80.0"),
        lines=(
            drug(place_of_service="12", diagnosis_pointers=(1,)),
            drug(place_of_service="12", diagnosis_pointers=(2,)),
        ),
    )
    report = registry.check(claim, select="medicare.home-ivig-diagnosis")
    # Z79.899 is not on Medicare's home IVIG list, D80.0 is: the first line alone fires
    assert [f.line for f in report.findings] == [0]


def test_pointers_name_only_their_diagnoses_for_the_diagnosis_rules() -> None:
    claim = Claim(
        payer="Medicare",
        date_of_service=DAY,
        diagnoses=("D80.0", "80.0"),
        lines=(drug(diagnosis_pointers=(1,)), drug(diagnosis_pointers=(2,)), drug()),
    )
    found = [
        (f.line, f.path) for f in registry.check(claim).findings if f.rule == "diagnosis.malformed"
    ]
    # the second line points at the malformed one; the third, without pointers, takes all:
    # the finding is about the claim's field, said once, for the first line that takes it
    assert found == [(1, "diagnoses[1]")]
    own = Claim(
        payer="Medicare",
        date_of_service=DAY,
        lines=(drug(diagnoses=("80.0",)), drug(diagnoses=("80.0",))),
    )
    found = [
        (f.line, f.path) for f in registry.check(own).findings if f.rule == "diagnosis.malformed"
    ]
    assert found == [(0, "lines[0].diagnoses[0]"), (1, "lines[1].diagnoses[0]")]


def test_icd9_on_an_old_claim_is_valid_and_icd10_there_is_the_wrong_set() -> None:
    old = Claim(
        payer="Medicare",
        date_of_service=dt.date(2008, 3, 1),
        diagnoses=("27906", "D80.0"),
        lines=(ClaimLine(code="J1566", units=10),),
    )
    report = registry.check(old)
    assert "diagnosis.malformed" not in report.rules()
    [wrong] = [f for f in report.findings if f.rule == "diagnosis.wrong-code-set"]
    assert (wrong.path, wrong.line) == ("diagnoses[1]", 0)
    assert wrong.message == (
        "D80.0 is an ICD-10-CM code; a line dated 2008-03-01 carries ICD-9-CM diagnoses "
        "(ICD-10-CM from 2015-10-01, ICD-9-CM before)"
    )
    recent = ClaimLine(code="J1459", units=70, date_of_service=DAY, diagnoses=("279.06",))
    [wrong] = [
        f for f in registry.check(recent, payer="Aetna").findings if f.rule.startswith("diagnosis")
    ]
    assert (wrong.rule, wrong.message[:40]) == (
        "diagnosis.wrong-code-set",
        "279.06 is an ICD-9-CM code; a line dated",
    )


# ---------------------------------------------------------------------- units


@pytest.mark.parametrize("units", [Decimal("70.5"), 70.5])
def test_fractional_units_are_one_finding_not_a_crash(units: object) -> None:
    for dose in (35250.0, 35000.0, None):
        report = registry.check(drug(units=units, dose_mg=dose, date_of_service=DAY), payer="Aetna")
        unit_findings = [f for f in report.findings if f.path == "units"]
        assert [f.rule for f in unit_findings] == ["units.fraction"], report.to_text()
        assert unit_findings[0].message == (
            "70.5 units of J1459 (per 500 mg): units are billed as whole numbers"
        )
        assert unit_findings[0].sources == ()


# ---------------------------------------------------------------------- isolation


def test_one_bad_claim_never_stops_check_many() -> None:
    good = Claim(payer="Medicare", claim_id="A", date_of_service=DAY, lines=(drug(),))
    items = [
        good,
        Claim(payer="Humana", claim_id="B", lines=(drug(),)),
        drug(line_id="7"),  # a line, and no payer argument
        "J1459",
        Claim(payer="UHC", claim_id="C", date_of_service=DAY, lines=(drug(),)),
    ]
    results = list(registry.check_many(items))  # type: ignore[arg-type]
    assert [type(r).__name__ for r in results] == [
        "Report",
        "Unchecked",
        "Unchecked",
        "Unchecked",
        "Report",
    ]
    assert [r.claim_id for r in results] == ["A", "B", None, None, "C"]
    unchecked = [r for r in results if isinstance(r, Unchecked)]
    assert [(u.index, u.error, u.line_id) for u in unchecked] == [
        (1, "UnknownPayerError", None),
        (2, "InvalidInputError", "7"),
        (3, "InvalidInputError", None),
    ]
    assert [u.reason for u in unchecked] == [
        "no payer 'Humana' in payers",
        "None is not a valid payer: expected a payer for a single line, e.g. payer='Medicare'",
        "'J1459' is not a valid thing to check: expected a ClaimLine or a Claim",
    ]
    assert not any(u.ok or u.checked or u.findings or bool(u) for u in unchecked)
    assert unchecked[0].to_text() == (
        "NOT CHECKED: claim B at #1: UnknownPayerError: no payer 'Humana' in payers"
    )
    assert Unchecked.from_dict(unchecked[0].to_dict()) == unchecked[0]


def test_a_claim_for_another_payer_than_the_argument_is_unchecked() -> None:
    claim = Claim(payer="Aetna", claim_id="X", date_of_service=DAY, lines=(drug(),))
    [result] = registry.check_many([claim], payer="Medicare")
    assert isinstance(result, Unchecked)
    assert result.reason == (
        "'Medicare' is not a valid payer: expected the claim's own payer 'Aetna' "
        "(or no payer argument)"
    )


def test_misuse_of_the_call_still_raises_at_once() -> None:
    with pytest.raises(UnknownPayerError, match="no payer 'Humana' in payers"):
        registry.check_many([drug()], payer="Humana")
    with pytest.raises(InvalidInputError, match="'nope' is not a valid rule to select"):
        registry.check_many([drug()], payer="Medicare", select="nope")
    with pytest.raises(UnknownPayerError, match="no payer 'Humana' in payers"):
        registry.check(Claim(payer="Humana", lines=(drug(),)))


def test_results_narrow_by_type() -> None:
    results = registry.check_many([drug(date_of_service=DAY)], payer="Medicare")
    for result in results:
        if isinstance(result, Unchecked):
            pytest.fail(result.reason)
        assert isinstance(result, Report)
        assert result.checked
        assert result.rules() == ()


# ---------------------------------------------------------------------- streaming


def _results(count: int | None = None) -> Iterator[ReadResult]:
    n = 0
    while count is None or n < count:
        claim = Claim(payer="Medicare", claim_id=f"C{n}", date_of_service=DAY, lines=(drug(),))
        yield ReadResult(claim=claim, claim_id=claim.claim_id, source="s", position=f"row {n}")
        n += 1


def test_check_read_is_lazy_so_memory_stays_flat() -> None:
    entries = check_read(registry, _results())  # an endless reader
    first, second = next(entries), next(entries)
    assert (first.index, first.claim_id, second.position) == (0, "C0", "row 1")


def test_the_writers_write_each_claim_before_the_next_is_read() -> None:
    def entries() -> Iterator[Entry]:
        yield from check_read(registry, _results(1))
        raise RuntimeError("the reader broke")

    for write in (write_jsonl, write_csv):
        out = io.StringIO()
        with pytest.raises(RuntimeError, match="the reader broke"):
            write(entries(), out)
        assert "C0" in out.getvalue()


def test_unbuilt_claims_keep_their_place_in_the_batch() -> None:
    problem = ReadProblem(claim_id="X", where="segment 9 CLM", found="no SE", expected="SE")
    unread = ReadResult(
        claim=None, claim_id="X", source="s", position="segment 9 CLM", problems=(problem,)
    )
    results = [unread, *_results(2), unread]
    entries = list(check_read(registry, results))
    assert [(e.index, e.claim_id, e.result.checked) for e in entries] == [
        (0, "X", False),
        (1, "C0", True),
        (2, "C1", True),
        (3, "X", False),
    ]
    result = entries[0].result
    assert isinstance(result, Unchecked)
    assert (result.error, result.reason, result.position) == (
        "ReadError",
        "segment 9 CLM: found no SE; expected SE",
        "segment 9 CLM",
    )
    totals = Totals()
    list(totals.count(entries))
    assert totals.to_dict() == {
        "claims": 4,
        "ok": 2,
        "not_ok": 2,
        "unchecked": 2,
        "read_problems": 2,
        "claims_with_read_problems": 2,
        "findings": {"error": 0, "warning": 2, "info": 0},
        "rules": {"claim.product-without-administration": 2},
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "is not a valid claims file: expected a claim object or a list of claims as JSON; it is empty",
        ),
        ("[{", "it is not valid JSON: line 1 column 3 (Expecting property name"),
        (
            '{"payer":\n "UHC",\n  x',
            "it is not valid JSON: line 3 column 3 (Expecting property name",
        ),
    ],
)
def test_json_that_is_not_claims_is_refused(text: str, message: str) -> None:
    with pytest.raises(NotClaimsError, match=re.escape(message)):
        list(read_json(io.StringIO(text), name="c.json"))


def test_json_that_breaks_off_after_claims_ends_with_a_problem() -> None:
    good = json.dumps({"payer": "UHC", "lines": [{"code": "J1459"}]})
    for text, found in (
        (f"[{good}, {good} {good}]", "'{' at line 1 column 97"),
        (f"[{good},\n{good}", "the end of the text"),
    ):
        *claims, last = read_json(io.StringIO(text))
        assert len(claims) == 2
        assert last.claim is None
        assert last.problems[0].found == found
        assert last.problems[0].expected == "a claim object, then ',' or ']'"


def test_json_reads_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import passive_ig.batch as batch

    monkeypatch.setattr(batch, "_CHUNK", 7)
    claims = [
        {"payer": "UHC", "claim_id": f"C{n}", "lines": [{"code": "J1459", "units": 70}]}
        for n in range(5)
    ]
    read = list(read_json(io.StringIO(json.dumps(claims, indent=1))))
    assert [r.claim_id for r in read] == [f"C{n}" for n in range(5)]
    assert all(r.claim is not None and r.claim.lines[0].units == 70 for r in read)


def test_json_never_passes_over_text_after_its_claim() -> None:
    good = json.dumps({"payer": "UHC", "lines": [{"code": "J1459"}]})
    first, rest = read_json(io.StringIO(f"{good}\n{good}\n"))
    assert first.claim is not None
    assert rest.claim is None
    assert str(rest.problems[0]) == (
        "no claim: line 2 column 1: found more text after the claim ('{'); expected one "
        "claim object (for a claim a line, JSON Lines: format 'jsonl')"
    )
