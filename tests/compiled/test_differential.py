"""The compiled path against its oracle, the Python checker: hypothesis generates claim
tables (all five payers, dates on both sides of every dated rule and record, broken
codes, modifiers, places and diagnoses, multi-line claims and lines alone) and the
findings (row, claim id, line, rule, severity, path) must be the same, on every engine."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from oracle import COLUMNS, Key, expected, got

from passive_ig import registry
from passive_ig.claims import ClaimLine
from passive_ig.compiled import COMPILED_RULES, check_table, fallback_rules
from passive_ig.compiled._plan import plan_for
from passive_ig.errors import UnknownPayerError
from passive_ig.rules import RULES, describe

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")


def _breakpoints() -> list[dt.date]:
    """Every date the data or a rule turns on, with the day before and after."""
    days: set[dt.date] = set()
    for rule in RULES:
        facts = describe(registry, rule)
        days.update(day for day in (facts.start, facts.end) if day is not None)
    plan = plan_for(registry)
    for table, names in (
        (plan.codes, ("c_start", "c_end")),
        (plan.modifiers, ("m_start", "m_end")),
        (plan.payer_codes, ("pa_start", "pa_end")),
        (plan.site_of_care, ("soc_start", "soc_end")),
    ):
        for name in names:
            days.update(day for day in table[name] if day is not None)
    one = dt.timedelta(days=1)
    return sorted({d + delta for d in days for delta in (-one, dt.timedelta(0), one)})


DAYS = _breakpoints()
CODES = [code.code for code in registry.codes]
MODIFIERS = [modifier.code for modifier in registry.modifiers]
PLACES = [place.code for place in registry.places_of_service]
LISTED = sorted({entry.code for dx_list in registry.diagnosis_lists for entry in dx_list.codes})
PAYERS = ["Medicare", "UHC", "Aetna", "Cigna", "BCBS", "CMS", "United Healthcare"]

codes = st.one_of(
    st.sampled_from(CODES),
    st.sampled_from(["90283", "J1459", "J1569", "J1561", "Q2052", "96365", "96369", "J1559"]),
    st.sampled_from(
        [
            "cpt 90283",
            "CPT-90283",
            "HCPCS J1459",
            " j1459 ",
            "hcpcs:90283",
            "cptJ1459",
            "9O283",
            "J145",
            "J9999",
            "99213",
            "90285",
            "CPT",
            "",
            "J1459\t",
            "J1459é",
        ]
    ),
)
modifiers = st.lists(
    st.one_of(
        st.sampled_from(MODIFIERS),
        st.sampled_from(["JW", "JZ", "JA", "JB", "25", "51", "59", "XE"]),
        st.sampled_from(
            ["jw", " jz", "mod-25", "MODIFIER 51", "-JW", "J Z", "ZZ", "J", "00", "ü1"]
        ),
    ),
    max_size=4,
)
places = st.one_of(st.none(), st.sampled_from(PLACES), st.sampled_from(["99", "1A", "7", " 11"]))
diagnoses = st.lists(
    st.one_of(
        st.sampled_from(LISTED),
        st.sampled_from(["D80.0", "d800", "G61.81", "L10.0", "D80", "80.0", "D80.0.1", "Z79.899"]),
    ),
    max_size=3,
)
amounts = st.one_of(
    st.none(),
    st.sampled_from([0.0, 50.0, 100.0, 250.0, 500.0, 35000.0, 35250.0, 1234.5]),
    st.integers(0, 4000).map(lambda n: n * 12.5),
)


@st.composite
def tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 12))
    claim_payers = {f"c{i}": draw(st.sampled_from(PAYERS)) for i in range(4)}
    rows = []
    for _ in range(count):
        claim_id = draw(st.one_of(st.none(), st.sampled_from(sorted(claim_payers))))
        payer = claim_payers[claim_id] if claim_id else draw(st.sampled_from(PAYERS))
        rows.append(
            {
                "claim_id": claim_id,
                "code": draw(codes),
                "modifiers": draw(modifiers),
                "units": draw(st.one_of(st.none(), st.integers(0, 200))),
                "place_of_service": draw(places),
                "date_of_service": draw(st.one_of(st.none(), st.sampled_from(DAYS))),
                "diagnoses": draw(diagnoses),
                "dose_mg": draw(amounts),
                "discarded_mg": draw(amounts),
                "evaluation_and_management": draw(st.booleans()),
                "payer": payer,
                "prior_authorization": draw(st.sampled_from([None, None, None, "", " ", "PA-1"])),
            }
        )
    return rows


selections = st.sampled_from(
    [
        {},
        {"notes": True},
        {"select": ["modifier", "claim"]},
        {"ignore": ["medicare"], "notes": True},
        {"min_severity": "warning"},
        {"select": ["payer.policy-not-available", "units"]},
    ]
)
as_ofs = st.one_of(st.none(), st.sampled_from(DAYS))

SCHEMA = {
    "claim_id": "String",
    "code": "String",
    "modifiers": "List[String]",
    "units": "Int64",
    "place_of_service": "String",
    "date_of_service": "Date",
    "diagnoses": "List[String]",
    "dose_mg": "Float64",
    "discarded_mg": "Float64",
    "evaluation_and_management": "Boolean",
    "payer": "String",
    "prior_authorization": "String",
}


def _frame(rows: list[dict[str, Any]]) -> Any:
    schema = {
        "claim_id": pl.String,
        "code": pl.String,
        "modifiers": pl.List(pl.String),
        "units": pl.Int64,
        "place_of_service": pl.String,
        "date_of_service": pl.Date,
        "diagnoses": pl.List(pl.String),
        "dose_mg": pl.Float64,
        "discarded_mg": pl.Float64,
        "evaluation_and_management": pl.Boolean,
        "payer": pl.String,
        "prior_authorization": pl.String,
    }
    assert tuple(schema) == COLUMNS
    return pl.DataFrame(rows, schema=schema, orient="row" if not rows else None)


def _duckdb_keys(rows: list[dict[str, Any]], **options: Any) -> Counter[Key]:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lines.parquet")
        _frame(rows).write_parquet(path)
        connection = duckdb.connect()
        try:
            relation = check_table(path, connection=connection, **options)
            found = relation.select("row, claim_id, line, rule, severity, path").fetchall()
        finally:
            connection.close()
    return Counter(tuple(row) for row in found)


def _diff(want: Counter[Key], have: Counter[Key]) -> str:
    return f"missing {sorted(want - have)}; extra {sorted(have - want)}"


FAST = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(rows=tables(), options=selections, as_of=as_ofs)
def test_polars_finds_what_the_python_checker_finds(
    rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    want = expected(rows, as_of=as_of, **options)
    have = got(check_table(_frame(rows), as_of=as_of, **options))
    assert have == want, _diff(want, have)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=tables(), options=selections, as_of=as_ofs)
def test_the_findings_cite_what_the_python_checkers_cite(
    rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    # a finding that enforces a record of its code (the code, its billing unit, the
    # payer's policy or prior-authorization entry) cites that record's sources too
    want = expected(rows, as_of=as_of, with_sources=True, **options)
    have = got(check_table(_frame(rows), as_of=as_of, **options), with_sources=True)
    assert have == want, _diff(want, have)


# DuckDB makes its lookup tables anew on each connection (about a second an example):
# fewer examples here; the expressions are the same as polars', which takes more
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=tables(), options=selections, as_of=as_ofs)
def test_duckdb_finds_what_the_python_checker_finds(
    rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    want = expected(rows, as_of=as_of, **options)
    have = _duckdb_keys(rows, as_of=as_of, **options)
    assert have == want, _diff(want, have)


def _pandas_keys(rows: list[dict[str, Any]], **options: Any) -> Counter[Key]:
    """The keys of the findings of ``rows`` given to ``check_table`` as a pandas frame,
    its index shuffled (a finding's row is its line's position, not its label)."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(rows, columns=list(COLUMNS), index=list(range(len(rows)))[::-1])
    found = check_table(frame, **options)
    assert type(found) is pd.DataFrame

    def value(item: Any) -> Any:
        return None if pd.isna(item) else item  # (a line alone's line is NaN in pandas)

    columns = {
        name: [value(item) for item in found[name].tolist()]
        for name in ("row", "claim_id", "line", "rule", "severity", "path")
    }
    columns["line"] = [None if line is None else int(line) for line in columns["line"]]
    columns["sources"] = [list(ids) for ids in found["sources"]]
    return got(pl.DataFrame(columns), with_sources=True)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=tables(), options=selections, as_of=as_ofs)
def test_a_pandas_frame_gets_what_the_python_checker_finds(
    rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    want = expected(rows, as_of=as_of, with_sources=True, **options)
    have = _pandas_keys(rows, as_of=as_of, **options)
    assert have == want, _diff(want, have)


_ONE_CONNECTION = duckdb.connect()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=tables(), options=selections, as_of=as_ofs)
def test_checks_on_one_duckdb_connection_each_find_what_the_python_checker_finds(
    rows: list[dict[str, Any]], options: dict[str, Any], as_of: dt.date | None
) -> None:
    # the lookup tables of each selection are made once on a connection and kept for the
    # checks after: every check here, on one connection, runs on those of its own
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lines.parquet")
        _frame(rows).write_parquet(path)
        found = check_table(path, connection=_ONE_CONNECTION, as_of=as_of, **options)
        keys = found.select("row, claim_id, line, rule, severity, path").fetchall()
    have = Counter(tuple(row) for row in keys)
    want = expected(rows, as_of=as_of, **options)
    assert have == want, _diff(want, have)


@settings(max_examples=10, deadline=None)
@given(rows=tables())
def test_a_lazy_frame_gives_a_lazy_frame_of_the_same_findings(rows: list[dict[str, Any]]) -> None:
    lazy = check_table(_frame(rows).lazy(), notes=True)
    assert isinstance(lazy, pl.LazyFrame)
    assert got(lazy.collect()) == expected(rows, notes=True)


def test_two_modifiers_that_must_not_go_together_cite_the_record_the_python_checker_cites() -> None:
    # which of the two modifiers' records a finding cites can turn on their order on the
    # line: both orders, for each pair the data holds, for a payer of each scope
    pairs = [("JW", "JZ"), ("JA", "JB")]
    rows = [
        dict.fromkeys(COLUMNS)
        | {
            "code": code,
            "modifiers": list(order),
            "units": 10,
            "date_of_service": dt.date(2024, 5, 2),
            "payer": payer,
        }
        for first, second in pairs
        for order in ((first, second), (second, first))
        for payer in ("Medicare", "Aetna")
        for code in ("J1459", "J1561")
    ]
    want = expected(rows, with_sources=True, select=["modifier.not-together"])
    found = check_table(_frame(rows), select=["modifier.not-together"])
    have = got(found, with_sources=True)
    assert want  # the pairs are found
    assert have == want, _diff(want, have)


def test_two_pairs_on_one_line_come_in_the_python_checkers_order() -> None:
    row = dict.fromkeys(COLUMNS) | {
        "code": "J1561",
        "modifiers": ["JB", "JZ", "JW", "JA"],
        "units": 10,
        "dose_mg": 5000.0,
        "date_of_service": dt.date(2024, 5, 2),
        "payer": "Medicare",
    }
    line = ClaimLine(
        code="J1561",
        modifiers=("JB", "JZ", "JW", "JA"),
        units=10,
        dose_mg=5000.0,
        date_of_service=dt.date(2024, 5, 2),
    )
    report = registry.check(line, payer="Medicare", select=["modifier.not-together"])
    found = check_table(_frame([row]), select=["modifier.not-together"])
    assert found["sources"].to_list() == [
        [source.id for source in finding.sources] for finding in report.findings
    ]
    assert len(report.findings) == 2


@pytest.mark.parametrize(
    ("service_place", "drug_place", "fires"),
    [
        ("12", "13", True),
        ("12", "12", False),
        (None, "12", True),
        (None, None, False),
        ("1A", None, False),
        ("1A", "12", True),
        ("12", " 12", False),
    ],
)
def test_q2052_and_its_drug_at_different_places_are_found_as_the_python_checker_finds(
    service_place: str | None, drug_place: str | None, fires: bool
) -> None:
    # the places are compared as the library cleans them: none and a place it cannot
    # read are both no place
    def row(code: str, place: str | None, units: int) -> dict[str, Any]:
        return dict.fromkeys(COLUMNS) | {
            "claim_id": "c1",
            "code": code,
            "units": units,
            "place_of_service": place,
            "date_of_service": dt.date(2024, 5, 2),
            "payer": "Medicare",
        }

    rows = [row("J1459", drug_place, 70), row("Q2052", service_place, 1)]
    options: dict[str, Any] = {"select": ["medicare.home-ivig-same-place"]}
    want = expected(rows, **options)
    assert bool(want) is fires
    assert got(check_table(_frame(rows), **options)) == want
    assert _duckdb_keys(rows, **options) == want


def test_every_rule_has_a_compiled_form_or_says_it_falls_back() -> None:
    assert {rule.id for rule in RULES} <= COMPILED_RULES
    assert fallback_rules(notes=True) == ()


def test_a_rule_without_a_compiled_form_runs_through_the_python_checker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from passive_ig.compiled import _plan

    monkeypatch.setattr(_plan, "COMPILED_RULES", COMPILED_RULES - {"modifier.not-on-code"})
    monkeypatch.setattr(_plan, "_PLANS", type(_plan._PLANS)())
    assert fallback_rules() == ("modifier.not-on-code",)
    rows = [
        dict.fromkeys(COLUMNS)
        | {
            "claim_id": "c1",
            "code": "90283",
            "modifiers": ["51"],
            "date_of_service": dt.date(2024, 5, 2),
            "payer": "Medicare",
        }
    ]
    found = check_table(_frame(rows))
    assert "modifier.not-on-code" in found["rule"].to_list()
    assert got(found) == expected(rows)


def _colliding(self: Any, frame: Any, columns: tuple[str, ...]) -> Any:
    import narwhals as nw

    return frame.with_columns(hash=nw.lit(0, nw.Int64))


@settings(max_examples=10, deadline=None)
@given(rows=tables())
def test_signatures_that_share_a_hash_are_told_apart_by_their_own_columns(
    rows: list[dict[str, Any]],
) -> None:
    # the lines join their signature's answers on its hash only when the distinct
    # signatures of the table have distinct hashes: here every hash is 0
    from passive_ig.compiled import polars as engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine._Polars, "hashed", _colliding)
        have = got(check_table(_frame(rows), notes=True))
    assert have == expected(rows, notes=True), _diff(expected(rows, notes=True), have)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=tables())
def test_signatures_that_share_a_hash_are_told_apart_on_duckdb_too(
    rows: list[dict[str, Any]],
) -> None:
    from passive_ig.compiled import duckdb as engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine._DuckDB, "hashed", _colliding)
        have = _duckdb_keys(rows, notes=True)
    assert have == expected(rows, notes=True), _diff(expected(rows, notes=True), have)


def test_the_findings_table_has_its_columns_and_the_messages_of_each_path() -> None:
    rows = [
        dict.fromkeys(COLUMNS)
        | {"code": "J1459", "units": 70, "dose_mg": 35000.0, "payer": "Medicare"},
        dict.fromkeys(COLUMNS) | {"code": "J1459é", "payer": "Medicare"},
    ]
    found = check_table(_frame(rows), as_of=dt.date(2024, 3, 1))
    from passive_ig.compiled import FINDING_COLUMNS

    assert tuple(found.columns) == FINDING_COLUMNS
    first, second = found.filter(pl.col("row") == 0), found.filter(pl.col("row") == 1)
    assert first["message"].to_list() == ["Medicare: single-dose drug lines need JW or JZ"]
    assert first["sources"].to_list()[0]  # the sources the rule rests on
    # a text no code has, non-ASCII too, is cleaned by the library's own validators
    assert second["rule"].to_list() == ["code.malformed"]
    assert second["message"].to_list() == ["The code is not a well-formed CPT or HCPCS code"]


def test_a_csv_file_goes_in_as_a_parquet_file_does(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        "claim_id,code,modifiers,units,place_of_service,date_of_service,dose_mg\n"
        'c1,J1459,"JW, JZ",70,11,2024-03-01,35000\n'
        "c1,96365,,1,11,2024-03-01,\n",
        encoding="utf-8",
    )
    connection = duckdb.connect()
    found = check_table(str(path), payer="Medicare", connection=connection)
    rules = [row[0] for row in found.select("rule").fetchall()]
    assert rules == ["modifier.not-together", "modifier.jw-amount"]


def test_a_row_of_a_payer_passive_ig_does_not_know_is_that_rows_error() -> None:
    # as check_many gives an Unchecked and goes on: the table is checked, and each line
    # of an unknown payer, or of none, gets one error row saying why (no rule)
    known = [
        dict.fromkeys(COLUMNS)
        | {
            "claim_id": "a",
            "code": code,
            "units": units,
            "dose_mg": dose,
            "date_of_service": dt.date(2024, 3, 1),
            "payer": "Medicare",
        }
        for code, units, dose in (("J1459", 70, 35000.0), ("96365", 1, None))
    ]
    other = dict.fromkeys(COLUMNS) | {"claim_id": "b", "code": "J1459", "payer": "R&R Health"}
    nobody = dict.fromkeys(COLUMNS) | {"claim_id": "c", "code": "J1459"}
    rows = [*known, other, nobody]
    for found in (check_table(_frame(rows)), _duckdb_table(rows)):
        checked = found.filter(pl.col("rule").is_not_null())
        assert got(checked) == expected(known)
        refused = found.filter(pl.col("rule").is_null()).sort("row")
        assert refused["row"].to_list() == [2, 3]
        assert refused["severity"].to_list() == ["error", "error"]
        assert refused["path"].to_list() == ["payer", "payer"]
        first, second = refused["message"].to_list()
        assert first.startswith("the row's payer: no payer 'R&R Health' in payers; did you mean")
        assert second == "no payer: give the payer argument, or a 'payer' value on the row"


def test_an_unknown_payer_argument_is_refused_with_the_nearest_payers() -> None:
    rows = [dict.fromkeys(COLUMNS) | {"code": "J1459"}]
    with pytest.raises(UnknownPayerError) as error:
        check_table(_frame(rows), payer="Medicar")
    assert "no payer 'Medicar' in payers; did you mean 'Medicare'" in str(error.value)


def _duckdb_table(rows: list[dict[str, Any]]) -> Any:
    """The findings of DuckDB on ``rows`` (through a Parquet file), as a polars frame."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "lines.parquet")
        _frame(rows).write_parquet(path)
        connection = duckdb.connect()
        try:
            relation = check_table(path, connection=connection)
            names = relation.columns
            return pl.DataFrame(relation.fetchall(), schema=names, orient="row")
        finally:
            connection.close()
