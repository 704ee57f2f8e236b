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
    path.write_text(json.dumps({"payer": "UHC", "lines": [{"code": 90283}]}))
    code, _, err = run(capsys, "check", "--file", str(path))
    assert code == 2
    assert "$.lines[0].code: expected a string, got a number (90283)" in err
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
