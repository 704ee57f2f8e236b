"""The passive-ig command: every command, --json, exit codes, clear misuse errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from passive_ig import registry
from passive_ig.cli import main

OVERLAY = Path(__file__).parent / "data" / "overlay"
MINIMAL = Path(__file__).parent / "data" / "minimal"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def main_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    return run(capsys, *args)[1]


def test_guide_is_the_main_job(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "guide", "90283")
    assert code == 0
    assert err == ""
    assert out.startswith("CPT 90283: ")
    assert "Our paraphrase: CPT descriptors are AMA copyright." in out
    for heading in ("HOW TO BILL", "WHAT EACH PAYER REQUIRES", "MORE"):
        assert f"\n{heading}" in out
    for payer in ("Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare"):
        assert f"\n  {payer}\n" in out
    # the sheet ends on what to do next, not on a list of sources
    assert out.rstrip().splitlines()[-1].startswith("  passive-ig check --payer ")
    assert "SOURCES" not in out


def test_full_guide_has_everything(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "guide", "90283", "--full")
    assert (code, err) == (0, "")
    for heading in (
        "THE CODE",
        "WHERE IT IS GIVEN",
        "RELATED CODES",
        "MODIFIERS",
        "PAYER: MEDICARE",
        "PAYER: AETNA",
        "PAYER: BLUE CROSS BLUE SHIELD",
        "PAYER: CIGNA",
        "PAYER: UNITEDHEALTHCARE",
        "CLINICAL WORKFLOW",
        "NOT AVAILABLE",
        "SOURCES",
    ):
        assert heading in out


def test_guide_for_one_payer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "90283", "--payer", "UHC")
    assert code == 0
    assert "WHAT THE PAYER REQUIRES" in out
    assert "\n  UnitedHealthcare\n" in out
    assert "Medicare\n" not in out
    code, out, _ = run(capsys, "guide", "90283", "--payer", "UHC", "--full")
    assert code == 0
    assert "PAYER: UNITEDHEALTHCARE" in out
    assert "PAYER: MEDICARE" not in out


def test_guide_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["code"]["code"] == "90283"
    assert data["code"]["descriptor"]["kind"] == "paraphrase"
    assert {p["payer"] for p in data["policies"]} == {"aetna", "bcbs", "cigna", "uhc", "medicare"}


def test_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "j1459", "--json")
    assert code == 0
    assert json.loads(out)["billing_unit"] == {
        "quantity": 500,
        "measure": "mg",
        "sources": ["cms1500-ivig", "anesthesiabilling-ig"],
    }
    code, out, _ = run(capsys, "show", "J1459")
    assert code == 0
    assert out.startswith("HCPCS J1459: Privigen")
    # the code's own facts, not the guide
    assert "Billing unit: per 500 mg" in out
    assert "generic-cpt: 90283" in out
    assert "WHAT EACH PAYER REQUIRES" not in out
    assert out != main_output(capsys, "guide", "J1459")


def test_modifiers_and_payers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "modifiers")
    assert code == 0
    assert "00  No modifier" in out
    assert "[placeholder]" in out
    code, out, _ = run(capsys, "modifiers", "--json")
    assert {m["code"] for m in json.loads(out)} >= {"00", "25", "51", "59", "JW", "JZ"}
    code, out, _ = run(capsys, "payers")
    assert code == 0
    assert "uhc" in out
    assert "UHC" in out
    code, out, _ = run(capsys, "payers", "--json")
    rows = json.loads(out)
    assert {r["id"]: r["prior_authorization_90283"] for r in rows}["uhc"] == "required"


def test_check_clean_line_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "--payer",
        "Medicare",
        "--code",
        "J1459",
        "--modifier",
        "JZ",
        "--units",
        "70",
        "--dose-mg",
        "35000",
        "--pos",
        "11",
        "--dos",
        "2024-03-01",
        "--dx",
        "D80.0",
    )
    assert code == 0, out
    assert out.startswith("OK: medicare")


def test_check_with_errors_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "--payer",
        "UHC",
        "--code",
        "90283",
        "--modifier",
        "51",
        "--dos",
        "2024-03-01",
        "--json",
    )
    assert code == 1
    report = json.loads(out)
    assert report["payer"] == "uhc"
    assert "modifier.not-on-code" in {f["rule"] for f in report["findings"]}


def test_check_file_batch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    claims = [
        {
            "payer": "Aetna",
            "date_of_service": "2024-03-01",
            "place_of_service": "11",
            "prior_authorization": "A1",
            "diagnoses": ["D80.0"],
            "lines": [
                {"code": "J1459", "modifiers": ["JZ"], "units": 70, "dose_mg": 35000},
                {"code": "96365"},
            ],
        },
        {
            "payer": "Medicare",
            "date_of_service": "2024-03-01",
            "lines": [{"code": "90283", "modifiers": ["51"]}],
        },
    ]
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims))
    code, out, _ = run(capsys, "check", "--file", str(path), "--json")
    assert code == 1
    reports = json.loads(out)
    assert [r["payer"] for r in reports] == ["aetna", "medicare"]
    assert not [f for f in reports[0]["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--code", "90283"], "give --payer for a single line, e.g. --payer Medicare"),
        (
            ["check", "--payer", "UHC"],
            "give --code (and --payer) for a line, or --file for a batch",
        ),
        (["check", "--payer", "Humana", "--code", "90283"], "no payer 'Humana' in payers"),
        (
            ["show", "90285"],
            "no billing code '90285' in codes; did you mean '90284', '90283' or '90287'?",
        ),
        (["show", "9028"], "'9028' is not a well-formed billing code"),
        (["guide", "90283", "--payer", "Humana"], "no payer 'Humana' in payers"),
    ],
)
def test_misuse_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith("passive-ig: error: ")
    assert message in err


def test_check_file_and_line_options_conflict(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "c.json"
    path.write_text("[]")
    code, _, err = run(capsys, "check", "--file", str(path), "--code", "90283")
    assert code == 2
    assert "give either --file or the line options" in err


def test_check_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{")
    code, _, err = run(capsys, "check", "--file", str(path))
    assert code == 2
    assert "is not valid JSON: line 1 column 2" in err
    # a claim that does not fit the model is that claim's error, not the batch's
    path.write_text(json.dumps({"payer": "UHC", "lines": [{"code": 90283}]}))
    code, out, err = run(capsys, "check", "--file", str(path))
    assert code == 1
    assert out.startswith("#0 (line 1) NOT READ: line 1: found a claim that does not fit")
    assert "$.lines[0].code: expected a string, got a number (90283)" in out
    assert "1 claim(s): 0 ok, 1 not ok, 1 not checked" in err
    path.write_bytes(b"\xff\xfe{}")
    code, _, err = run(capsys, "check", "--file", str(path))
    assert code == 2
    assert "is not UTF-8 text: expected a JSON file" in err
    code, _, err = run(capsys, "check", "--file", str(tmp_path / "missing.json"))
    assert code == 2
    assert "No such file or directory" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "--dos", "03/01/2024"],
            "argument --dos: '03/01/2024' is not a date: expected YYYY-MM-DD",
        ),
        (["check", "--units", "two"], "argument --units: 'two' is not a whole number of units"),
        (["check", "--dose-mg", "-5"], "argument --dose-mg: '-5' is not an amount in mg"),
        (["check", "--dose-mg", "nan"], "argument --dose-mg: 'nan' is not an amount in mg"),
        (["check", "--dose-mg", "inf"], "argument --dose-mg: 'inf' is not an amount in mg"),
        (["check", "--dos", "2024-W01-1"], "argument --dos: '2024-W01-1' is not a date"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_validate_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate-data", str(MINIMAL))
    assert code == 0
    assert out.startswith(f"{MINIMAL}: valid; 2 sources, 2 codes")
    code, out, _ = run(capsys, "validate-data", "--overlay", str(OVERLAY), "--json")
    assert code == 0
    assert json.loads(out)["ok"] is True


def test_validate_bad_data_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate-data", str(tmp_path))
    assert code == 1
    files = len(registry.manifest.files) + 1  # every data file and the manifest
    assert out.startswith(f"{tmp_path} has {files} problems:")
    code, out, _ = run(capsys, "validate-data", str(tmp_path), "--json")
    assert json.loads(out)["problems"][0] == "manifest.json: $: file missing"


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "passive_ig", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("passive-ig ")


# ---------------------------------------------------------------------- rule selection


def test_check_selects_rules_as_a_linter_does(capsys: pytest.CaptureFixture[str]) -> None:
    line = ("check", "--payer", "Medicare", "--code", "90283", "--modifier", "51")
    line += ("--dos", "2024-03-01")
    code, out, _ = run(capsys, *line, "--select", "medicare", "--json")
    assert code == 0  # the one finding left is a warning
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["medicare.product-under-hcpcs"]
    code, out, _ = run(capsys, *line, "--ignore", "modifier.not-on-code", "--json")
    assert code == 0
    assert "modifier.not-on-code" not in out


def test_the_exit_code_follows_the_minimum_severity(capsys: pytest.CaptureFixture[str]) -> None:
    line = ("check", "--payer", "UHC", "--code", "90283", "--dos", "2024-03-01")
    assert run(capsys, *line)[0] == 0  # a prior-authorization warning: not an error
    assert run(capsys, *line, "--min-severity", "warning")[0] == 1
    assert run(capsys, *line, "--min-severity", "error")[0] == 0


def test_notes_are_shown_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    line = ("check", "--payer", "Medicare", "--code", "J1459", "--modifier", "JZ", "--units")
    line += ("70", "--dose-mg", "35000", "--pos", "11", "--dos", "2024-03-01", "--json")
    _, quiet, _ = run(capsys, *line)
    assert json.loads(quiet)["findings"] == []
    _, noted, _ = run(capsys, *line, "--notes")
    rules = {f["rule"] for f in json.loads(noted)["findings"]}
    assert rules == {"payer.prior-authorization-not-available", "payer.site-of-care-not-available"}


def test_an_unknown_rule_is_misuse(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "check", "--payer", "UHC", "--code", "90283", "--select", "modifer"
    )
    assert code == 2
    assert out == ""
    assert err.startswith("passive-ig: error: 'modifer' is not a valid rule to select: ")
    assert "did you mean 'modifier'" in err


def test_rules_lists_every_rule_with_its_scope(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--json")
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["modifier.route-missing"]["payers"] == ["medicare"]
    assert rows["modifier.not-on-code"]["payers"] == "all"
    assert rows["medicare.jw-jz-required"]["from"] == "2023-07-01"
    assert rows["payer.site-of-care-not-available"]["note"] is True
    code, out, _ = run(capsys, "rules", "--payer", "Aetna")
    assert code == 0
    assert "modifier.route-missing" not in out
    assert "payer.site-of-care " in out
    code, _, err = run(capsys, "rules", "--payer", "Humana")
    assert code == 2
    assert "no payer 'Humana' in payers" in err


# ---------------------------------------------------------------------- batches from files

FIXTURES = Path(__file__).parent / "readers" / "fixtures"

# every format the readers take, with the claims each fixture holds
FORMATS = [
    ("ivig-837p.x12", "x12", ["PIG-0001", "PIG-0002", "PIG-0003"]),
    ("eob-bundle.json", "fhir", ["outpatient-pig-0002", "claim-pig-0003"]),
    ("claims.ndjson", "fhir", ["claim-pig-0001", "outpatient-pig-0002"]),
    ("claim-lines.csv", "csv", ["PIG-0001", "PIG-0002"]),
    ("synpuf-carrier.csv", "csv", ["900000000000001", "900000000000002", "900000000000003"]),
]


def batch_json(tmp_path: Path, name: str, claims: object, *, lines: bool = False) -> Path:
    path = tmp_path / name
    if lines:
        path.write_text("".join(json.dumps(c) + "\n" for c in claims))  # type: ignore[attr-defined]
    else:
        path.write_text(json.dumps(claims))
    return path


CLAIMS = [
    {
        "claim_id": "A",
        "payer": "Medicare",
        "date_of_service": "2024-03-01",
        "place_of_service": "11",
        "diagnoses": ["D80.0"],
        "lines": [
            {"line_id": "1", "code": "J1459", "modifiers": ["JZ"], "units": 70, "dose_mg": 35000},
            {"line_id": "2", "code": "96365", "units": 1},
        ],
    },
    {
        "claim_id": "B",
        "payer": "Humana",
        "date_of_service": "2024-03-01",
        "lines": [{"line_id": "1", "code": "90283"}],
    },
    {
        "claim_id": "C",
        "payer": "Medicare",
        "date_of_service": "2024-03-01",
        "lines": [{"line_id": "7", "code": "90283", "modifiers": ["51"]}],
    },
]


@pytest.mark.parametrize(("name", "fmt", "ids"), FORMATS, ids=[f[0] for f in FORMATS])
def test_check_reads_every_format_guessed_or_named(
    capsys: pytest.CaptureFixture[str], name: str, fmt: str, ids: list[str]
) -> None:
    for given in ([], ["--format", fmt]):
        code, out, err = run(
            capsys, "check", "--file", str(FIXTURES / name), "--output-format", "jsonl", *given
        )
        records = [json.loads(line) for line in out.splitlines()]
        assert [r["claim_id"] for r in records] == ids
        assert [r["index"] for r in records] == list(range(len(ids)))
        assert err.startswith(f"{len(ids)} claim(s): ")
        assert code == (0 if all(r["ok"] for r in records) else 1)


def test_one_bad_claim_never_stops_the_batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = batch_json(tmp_path, "claims.json", CLAIMS)
    code, out, err = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert code == 1
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert (first["claim_id"], first["ok"], first["findings"]) == ("A", True, [])
    assert second == {
        "index": 1,
        "claim_id": "B",
        "position": "$[1]",
        "ok": False,
        "checked": False,
        "error": "UnknownPayerError",
        "reason": "no payer 'Humana' in payers",
        "read_problems": [],
    }
    [finding] = [f for f in third["findings"] if f["rule"] == "modifier.not-on-code"]
    assert (finding["line"], finding["line_id"], finding["path"]) == (
        0,
        "7",
        "lines[0].modifiers[0]",
    )
    assert all(isinstance(key, str) for key in finding["sources"])  # sources by id
    assert err.splitlines()[0] == (
        "3 claim(s): 1 ok, 2 not ok, 1 not checked, 0 with read problems (0); "
        "findings: 1 error(s), 2 warning(s), 0 info"
    )


def test_jsonl_sources_come_once_on_the_last_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = batch_json(tmp_path, "claims.jsonl", CLAIMS, lines=True)
    code, out, _ = run(
        capsys, "check", "--file", str(path), "--output-format", "jsonl", "--sources"
    )
    assert code == 1
    *records, last = (json.loads(line) for line in out.splitlines())
    assert [r["claim_id"] for r in records] == ["A", "B", "C"]
    assert [r["position"] for r in records] == ["line 1", "line 2", "line 3"]
    cited = {key for r in records for f in r.get("findings", []) for key in f["sources"]}
    assert cited
    assert set(last) == {"sources"}
    assert set(last["sources"]) == cited
    for key, source in last["sources"].items():
        assert source["id"] == key
        assert source["url"] == registry.sources[key].url


def test_csv_output_is_one_row_a_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import csv
    import io

    path = batch_json(tmp_path, "claims.json", CLAIMS)
    output = tmp_path / "findings.csv"
    code, out, err = run(
        capsys, "check", "--file", str(path), "--output-format", "csv", "--output", str(output)
    )
    assert (code, out) == (1, "")
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert list(rows[0]) == [
        "index",
        "claim_id",
        "position",
        "line",
        "line_id",
        "payer",
        "kind",
        "rule",
        "severity",
        "message",
        "path",
        "suggestion",
        "sources",
    ]
    assert [(r["claim_id"], r["kind"], r["rule"], r["line_id"]) for r in rows] == [
        ("B", "unchecked", "", ""),
        ("C", "finding", "modifier.not-on-code", "7"),
        ("C", "finding", "medicare.product-under-hcpcs", "7"),
        ("C", "finding", "claim.product-without-administration", "7"),
    ]
    assert rows[0]["message"] == "UnknownPayerError: no payer 'Humana' in payers"
    assert rows[1]["sources"].split() == [
        s.id
        for s in registry.check(registry_claim(CLAIMS[2]), select="modifier.not-on-code")
        .findings[0]
        .sources
    ]
    assert "3 claim(s)" in err


def registry_claim(data: dict[str, object]) -> object:
    from passive_ig.claims import Claim

    return Claim.from_dict(data)


def test_json_output_is_a_list_with_whole_sources(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = batch_json(tmp_path, "claims.json", CLAIMS)
    for flag in (["--json"], ["--output-format", "json"]):
        code, out, _ = run(capsys, "check", "--file", str(path), *flag)
        assert code == 1
        records = json.loads(out)
        assert [r["claim_id"] for r in records] == ["A", "B", "C"]
        source = records[2]["findings"][0]["sources"][0]
        assert set(source) >= {"id", "title", "url"}


def test_text_output_names_each_claim(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = batch_json(tmp_path, "claims.json", CLAIMS)
    code, out, _ = run(capsys, "check", "--file", str(path))
    assert code == 1
    blocks = out.split("\n\n")
    assert blocks[0].startswith("#0 ($[0]) OK: claim A, medicare")
    assert blocks[1] == (
        "#1 ($[1]) NOT CHECKED: claim B: UnknownPayerError: no payer 'Humana' in payers"
    )
    assert blocks[2].startswith("#2 ($[2]) NOT OK: claim C, medicare")
    assert "- ERROR modifier.not-on-code at lines[0].modifiers[0] (line 7): " in blocks[2]


def test_stdin_and_the_exit_code_of_a_clean_batch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    data = (FIXTURES / "ivig-837i.x12").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "check", "--file", "-", "--output-format", "jsonl")
    assert code == 0
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["ok"]
    assert err.startswith("1 claim(s): 1 ok")


def test_reader_problems_are_reported_with_their_claim(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = (FIXTURES / "ivig-837p.x12").read_text().replace("N4*", "N4*9", 1)
    path = tmp_path / "bad-ndc.x12"
    path.write_text(text)
    code, out, err = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert code == 1
    first = json.loads(out.splitlines()[0])
    assert first["checked"]
    [problem] = first["read_problems"]
    assert problem["where"].endswith("LIN03")
    assert problem["expected"].startswith("an NDC of 11 digits")
    assert "1 with read problems (1)" in err


def test_a_claim_the_reader_cannot_build_is_an_error_in_the_stream(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "claims.jsonl"
    lines = [json.dumps(CLAIMS[0]), '{"claim_id": "X", "payer": "UHC"', json.dumps(CLAIMS[2])]
    path.write_text("\n".join(lines) + "\n")
    code, out, _ = run(capsys, "check", "--file", str(path), "--output-format", "csv")
    assert code == 1
    rows = out.splitlines()
    assert rows[1] == (
        '1,,line 2,,,,unread,,error,"found text that is not JSON (at character 33: '
        "Expecting ',' delimiter); expected one claim as a JSON object on each line\",line 2,,"
    )
    assert rows[2].startswith("2,C,line 3,0,7,medicare,finding,modifier.not-on-code,error,")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--preset", "nope"], "'nope' is not a valid"),
        (["--format", "x12"], "is not a valid claims file"),
        (["--preset", "cms1500"], "--preset is for CSV input, and "),
        (["--output-format", "csv", "--sources"], "--sources is for --output-format jsonl"),
        (["--select", "nope"], "'nope' is not a valid rule to select"),
        (["--output-format", "csv", "--json"], "give --json or --output-format, not both"),
    ],
)
def test_batch_misuse_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    path = batch_json(tmp_path, "claims.json", CLAIMS)
    code, out, err = run(capsys, "check", "--file", str(path), *args)
    assert code == 2
    if "--json" in args:  # with --json, the error is JSON on stdout and stderr is quiet
        assert err == ""
        error = json.loads(out)
        assert error["ok"] is False
        assert message in error["error"]["message"]
    else:
        assert out == ""
        assert err.startswith("passive-ig: error: ")
        assert message in err


def test_batch_options_need_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    for option in (["--format", "x12"], ["--preset", "cms1500"], ["--sources"]):
        code, _, err = run(capsys, "check", "--code", "90283", "--payer", "UHC", *option)
        assert code == 2
        assert f"{option[0]} is for a batch: give --file too" in err


def test_a_file_that_is_not_claims_is_refused_saying_what_it_looks_like(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7 binary")
    code, out, err = run(capsys, "check", "--file", str(path))
    assert (code, out) == (2, "")
    assert "it looks like a PDF document" in err


def test_a_long_run_on_a_terminal_shows_progress_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import passive_ig.cli as cli

    clean = dict(CLAIMS[0])
    path = batch_json(tmp_path, "many.jsonl", [clean] * 600, lines=True)
    clock = iter(range(10_000))  # a second a tick: the run is long from the start
    monkeypatch.setattr(cli.time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, err = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert code == 0
    assert len(out.splitlines()) == 600
    assert "\rpassive-ig: 512 claims checked (" in err
    assert err.endswith(
        "600 claim(s): 600 ok, 0 not ok, 0 not checked, 0 with read problems (0); findings: 0 error(s), 0 warning(s), 0 info\n"
    )


def test_a_short_run_or_a_file_shows_no_progress(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = batch_json(tmp_path, "claims.json", CLAIMS)
    _, _, err = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert "claims checked" not in err


def test_the_batch_exit_code_follows_the_minimum_severity(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    warned = {**CLAIMS[0], "payer": "UHC"}  # UHC requires prior authorization: a warning
    path = batch_json(tmp_path, "claims.json", [warned])
    code, out, _ = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert code == 0
    assert [f["severity"] for f in json.loads(out)["findings"]] == ["warning"]
    code, _, _ = run(
        capsys,
        "check",
        "--file",
        str(path),
        "--output-format",
        "jsonl",
        "--min-severity",
        "warning",
    )
    assert code == 1
    code, out, _ = run(
        capsys, "check", "--file", str(path), "--output-format", "jsonl", "--min-severity", "error"
    )
    assert (code, json.loads(out)["findings"]) == (0, [])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_single_line_writes_every_output_format(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "--code",
        "90283",
        "--modifier",
        "51",
        "--payer",
        "Medicare",
        "--dos",
        "2024-05-02",
        "--output-format",
        fmt,
    )
    assert code == 1
    assert "modifier.not-on-code" in out
    if fmt == "csv":
        assert out.startswith("index,claim_id,position,line,line_id,payer,kind,rule,")
    else:
        assert json.loads(out)["findings"][0]["rule"] == "modifier.not-on-code"


def test_json_lines_with_long_lines_are_guessed_as_json_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    long = {**CLAIMS[0], "prior_authorization": "A" * 9000}  # past the 8 KB read to guess
    path = batch_json(tmp_path, "long.jsonl", [long, CLAIMS[2]], lines=True)
    code, out, _ = run(capsys, "check", "--file", str(path), "--output-format", "jsonl")
    assert code == 1
    assert [json.loads(line)["claim_id"] for line in out.splitlines()] == ["A", "C"]
