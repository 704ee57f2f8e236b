"""A production batch through the CLI: peak memory and output size against input size.

    python benchmarks/cli_batch.py                   # 100,000 two-line claims
    python benchmarks/cli_batch.py --claims 10000    # a short run
    python benchmarks/cli_batch.py --input-format x12

Writes ``--claims`` two-line claims (an IVIG product line and its infusion line,
each with its own id; one claim in ten has a mistake a check reports, one in a
hundred names a payer the data does not know) as JSON Lines (``Claim.to_dict()``,
one a line) or as an X12 837P interchange, then runs, in a child process::

    passive-ig check --file INPUT --output-format jsonl --output OUTPUT

and reports, from that one run: the child's peak resident memory (the bar: under
200 MB), the output's size against the input's (the bar: at most 5 times in JSON
Lines), the time, and the claims per second. The figures are for the whole
command, reading and writing included. No test runs this.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from passive_ig.claims import Claim, ClaimLine

PRODUCTS = ("J1459", "J1569", "J1561", "J1557", "J1568", "J1566")
PAYERS = ("Medicare", "Aetna", "Cigna", "UnitedHealthcare")


def claim(n: int) -> Claim:
    day = dt.date(2024, 1, 1) + dt.timedelta(days=n % 366)
    units = 40 + n % 60
    mistake = n % 10 == 0
    return Claim(
        payer="Humana" if n % 100 == 1 else PAYERS[n % len(PAYERS)],
        claim_id=f"PIG{n:08d}",
        patient_id=f"MEMBER{n % 5000:06d}",
        place_of_service="11",
        prior_authorization=f"PA{n:06d}",
        diagnoses=("D800", "Z79899"),  # as an 837 HI sends them
        lines=(
            ClaimLine(
                line_id="1",
                code=PRODUCTS[n % len(PRODUCTS)],
                modifiers=("JW", "JZ") if mistake else ("JZ",),
                units=units,
                dose_mg=units * 500.0,
                date_of_service=day,
                diagnosis_pointers=(1,),
            ),
            ClaimLine(
                line_id="2", code="96365", units=1, date_of_service=day, diagnosis_pointers=(1,)
            ),
        ),
    )


def write_jsonl(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            data = {k: v for k, v in claim(n).to_dict().items() if v not in (None, [], ())}
            data["lines"] = [
                {k: v for k, v in line.items() if v not in (None, [], (), False)}
                for line in data["lines"]
            ]
            out.write(json.dumps(data, separators=(",", ":")) + "\n")


def write_x12(path: Path, count: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from readers import as_x12  # the readers' benchmark writes 837P

    path.write_bytes(as_x12([claim(n) for n in range(count)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--input-format", choices=("jsonl", "x12"), default="jsonl")
    parser.add_argument("--write", metavar="PATH", help=argparse.SUPPRESS)  # the writer child
    args = parser.parse_args()
    if args.write:
        (write_jsonl if args.input_format == "jsonl" else write_x12)(Path(args.write), args.claims)
        return
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"claims.{args.input_format}"
        output = Path(folder) / "reports.jsonl"
        # the input is written by another process, so that this one stays small: a
        # child's peak memory can count pages it shared with its parent before exec
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write",
                str(source),
                "--claims",
                str(args.claims),
                "--input-format",
                args.input_format,
            ],
            check=True,
        )
        command = [
            sys.executable,
            "-m",
            "passive_ig",
            "check",
            "--file",
            str(source),
            "--output-format",
            "jsonl",
            "--output",
            str(output),
        ]
        started = time.perf_counter()
        child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        assert child.stderr is not None
        stderr = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1):
            raise SystemExit(stderr)
        peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        size_in, size_out = source.stat().st_size, output.stat().st_size
        print(" ".join(command[1:]).replace(str(folder), "<tmp>"))
        print("\n".join(stderr.strip().splitlines()[:2]))
        print(f"claims:       {args.claims:,} ({args.input_format}, {size_in / 1e6:.1f} MB)")
        print(f"peak memory:  {peak_mb:.0f} MB (bar: under 200 MB)")
        print(
            f"output:       {size_out / 1e6:.1f} MB, {size_out / size_in:.2f} x the input "
            "(bar: <= 5 x)"
        )
        print(f"time:         {elapsed:.1f} s, {args.claims / elapsed:,.0f} claims/s", flush=True)


if __name__ == "__main__":
    main()
