"""Check claim files both ways, with check_many and with the compiled path, and compare
the findings rule by rule: the differential test's question, asked of real claims.

usage: python tools/compiled_vs_python.py FILE [FILE ...] [--payer NAME]

Each file (X12 837, FHIR, CSV: whatever ``passive_ig.readers.read_claims`` reads) is
read into claims; each claim's lines become rows of one polars table, a line taking its
claim's date, place of service and diagnoses where it has none of its own (those its
diagnosis pointers name). A finding about a diagnosis a line takes from its claim is
the claim's in the claim's report, said once for the claim: where two lines point to
the same one, the table counts it twice. Prints, for each rule,
the count from check_many and from ``passive_ig.compiled.check_table``, and marks the
rules where they differ. Needs polars and narwhals (``pip install -e '.[polars]'``).
No test runs this: the project's tests carry their own fixtures.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from typing import Any


def _diagnoses(line: Any, claim: Any) -> list[str]:
    """A line's diagnoses as the checker reads them: its own, else those of its claim
    that its pointers name (all of them when it has no pointers)."""
    if line.diagnoses:
        return list(line.diagnoses)
    given = list(claim.diagnoses)
    if line.diagnosis_pointers:
        return [given[p - 1] for p in line.diagnosis_pointers if p <= len(given)]
    return given


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--payer", default="Medicare", help="for claims that name none")
    parser.add_argument(
        "--engine",
        choices=("polars", "duckdb"),
        default="polars",
        help="the compiled path's engine (duckdb: the lines go in as a Parquet file)",
    )
    args = parser.parse_args()

    import polars as pl

    from passive_ig import registry
    from passive_ig.answers import Report
    from passive_ig.claims import Claim
    from passive_ig.compiled import check_table
    from passive_ig.readers import read_claims

    claims: list[Claim] = []
    rows: list[dict[str, Any]] = []
    for path in args.files:
        for result in read_claims(path, payer=args.payer):
            claim = getattr(result, "claim", None)
            if claim is None:
                continue
            claims.append(claim)
            claim_id = f"{os.path.basename(path)}#{len(claims)}"
            for line in claim.lines:
                rows.append(
                    {
                        "claim_id": claim_id,
                        "code": line.code,
                        "modifiers": list(line.modifiers),
                        "units": None if line.units is None else float(line.units),
                        "place_of_service": line.place_of_service or claim.place_of_service,
                        "date_of_service": line.date_of_service or claim.date_of_service,
                        "diagnoses": _diagnoses(line, claim),
                        "dose_mg": line.dose_mg,
                        "discarded_mg": line.discarded_mg,
                        "evaluation_and_management": line.evaluation_and_management,
                        "payer": claim.payer,
                        "prior_authorization": claim.prior_authorization,
                    }
                )
    if not rows:
        print("no claim lines read", file=sys.stderr)
        return 1
    python: Counter[str] = Counter()
    unchecked = 0
    for report in registry.check_many(claims):
        if isinstance(report, Report):
            python.update(finding.rule for finding in report.findings)
        else:
            unchecked += 1
    table = pl.DataFrame(rows, infer_schema_length=None)
    if args.engine == "duckdb":
        import duckdb

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "lines.parquet")
            table.write_parquet(path)
            relation = check_table(path, connection=duckdb.connect())
            rules = [rule for (rule,) in relation.select("rule").fetchall()]
    else:
        rules = check_table(table)["rule"].to_list()
    compiled: Counter[str] = Counter(rule for rule in rules if rule is not None)
    refused = sum(rule is None for rule in rules)
    print(f"{len(claims):,} claims, {len(rows):,} lines")
    print(f"not checked: check_many {unchecked:,} claims; compiled {refused:,} lines (error rows)")
    for rule in sorted(set(python) | set(compiled)):
        mark = "" if python[rule] == compiled[rule] else "   <- differs"
        print(f"{rule:45} check_many {python[rule]:6,}  compiled {compiled[rule]:6,}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
