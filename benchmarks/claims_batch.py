"""A realistic batch of claim lines for the check benchmark: mostly repeats, some distinct, some broken.

Billing software sends the same few hundred combinations over and over (the
same product code and dose band, the same administration codes, the same
places of service), with a tail of one-off lines and typos. The batch here is:

* ``COMMON`` (500) combinations drawn from realistic IVIG billing (product
  J-codes and CPT 90283 with doses and units that match, JZ/JW, infusion
  administration codes, E/M lines with 25, home IVIG Q2052), each repeated with
  a skewed (Zipf-like) frequency: 97.5 % of the lines;
* distinct lines, each one of a kind (a patient's weight-based dose, or an
  administration or E/M line, on any day of the year): 2 % of the lines;
* broken lines, mostly one of a kind too (a malformed or unknown code or
  modifier, a bad place of service or diagnosis, the 00 placeholder): 0.5 %.

Every line, and every value in it, is a new object made in batch order, as a
parser reading a file row by row makes them: nothing can be reused by identity
and no hash is known in advance. The batch is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs

from passive_ig.claims import ClaimLine

COMMON = 500
DISTINCT_SHARE = 0.02
BROKEN_SHARE = 0.005

PRODUCTS = ("J1459", "J1569", "J1561", "J1557", "J1568", "J1566", "J1572", "J1599", "J1556")
ADMIN = ("96365", "96366", "96367", "96368")
PLACES = ("11", "19", "22", "12")
DIAGNOSES = (("D80.0",), ("D83.9",), ("G61.81",), ("D69.3",), ("L10.0",), ("D80.0", "Z79.899"))
BROKEN_CODES = ("9O283", "J145", "J9999", "90285", "CPT-9028", "jl459")
BROKEN_MODIFIERS = (("J Z",), ("00",), ("ZZ",), ("JW", "JZ"), ("J",), ("51",))
BROKEN_PLACES = ("1A", "99", "7")
BROKEN_DIAGNOSES = (("D80",), ("80.0",), ("D80.0.1",))


def _day(rng: random.Random, year: int = 2024) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(366))


def _product_line(rng: random.Random, *, dose_g: float, day: dt.date) -> ClaimLine:
    code = rng.choice(PRODUCTS)
    dose_mg = dose_g * 1000
    discarded = rng.random() < 0.15
    return ClaimLine(
        code=code,
        modifiers=("JW",) if discarded else ("JZ",),
        units=round(dose_mg / 500),
        place_of_service=rng.choice(PLACES),
        date_of_service=day,
        diagnoses=rng.choice(DIAGNOSES),
        dose_mg=dose_mg,
        discarded_mg=float(rng.choice((500, 1000, 2500))) if discarded else None,
    )


def _other_line(rng: random.Random, *, day: dt.date) -> ClaimLine:
    kind = rng.random()
    if kind < 0.55:
        return ClaimLine(
            code=rng.choice(ADMIN),
            units=rng.choice((1, 1, 2, 3)),
            place_of_service=rng.choice(PLACES),
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
        )
    if kind < 0.8:
        return ClaimLine(
            code=rng.choice(("99213", "99214")),
            modifiers=("25",),
            units=1,
            place_of_service="11",
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
            evaluation_and_management=True,
        )
    if kind < 0.9:
        return ClaimLine(
            code="Q2052",
            units=1,
            place_of_service="12",
            date_of_service=day,
            diagnoses=rng.choice(DIAGNOSES),
        )
    return ClaimLine(
        code="90283",
        units=1,
        place_of_service=rng.choice(PLACES),
        date_of_service=day,
        diagnoses=rng.choice(DIAGNOSES),
    )


def _common(rng: random.Random) -> list[ClaimLine]:
    seen: dict[ClaimLine, None] = {}
    days = [dt.date(2024, 3, 1) + dt.timedelta(days=i) for i in range(20)]
    while len(seen) < COMMON:
        day = rng.choice(days)
        if rng.random() < 0.5:
            line = _product_line(rng, dose_g=rng.choice(range(10, 75, 5)), day=day)
        else:
            line = _other_line(rng, day=day)
        seen[line] = None
    return list(seen)


def _weight_based_dose(rng: random.Random) -> float:
    # 0.4 to 2 g/kg for 30 to 120 kg, rounded to a 2.5 g vial (now and then to 0.1 g)
    dose = rng.choice((0.4, 0.5, 1.0, 2.0)) * rng.randrange(30, 121)
    return round(dose, 1) if rng.random() < 0.1 else max(2.5, round(dose / 2.5) * 2.5)


def _distinct(rng: random.Random, seen: set[ClaimLine]) -> ClaimLine:
    """A line no other line of the batch has: a patient's own dose on any day of the year."""
    while True:
        if rng.random() < 0.7:
            line = _product_line(rng, dose_g=_weight_based_dose(rng), day=_day(rng))
        else:
            line = _other_line(rng, day=_day(rng))
        if line not in seen:
            seen.add(line)
            return line


def _broken(rng: random.Random) -> ClaimLine:
    line = _product_line(rng, dose_g=_weight_based_dose(rng), day=_day(rng))
    fault = rng.randrange(4)
    changes: dict[str, Any] = {}
    if fault == 0:
        changes["code"] = rng.choice(BROKEN_CODES)
    elif fault == 1:
        changes["modifiers"] = rng.choice(BROKEN_MODIFIERS)
    elif fault == 2:
        changes["place_of_service"] = rng.choice(BROKEN_PLACES)
    else:
        changes["diagnoses"] = rng.choice(BROKEN_DIAGNOSES)
    return attrs.evolve(line, **changes)


def _text(value: str) -> str:
    return value.encode().decode()  # a new string, its hash not yet known


def _parsed(line: ClaimLine) -> ClaimLine:
    """The line as a parser reading a file row by row would make it: every value new."""
    day = line.date_of_service
    return ClaimLine(
        code=_text(line.code),
        modifiers=tuple(_text(m) for m in line.modifiers),
        units=None if line.units is None else int(str(line.units)),
        place_of_service=None if line.place_of_service is None else _text(line.place_of_service),
        date_of_service=None if day is None else dt.date(day.year, day.month, day.day),
        diagnoses=tuple(_text(d) for d in line.diagnoses),
        dose_mg=None if line.dose_mg is None else float(repr(line.dose_mg)),
        discarded_mg=None if line.discarded_mg is None else float(repr(line.discarded_mg)),
        evaluation_and_management=line.evaluation_and_management,
    )


def make_batch(size: int, *, seed: int = 90283) -> list[ClaimLine]:
    """``size`` claim lines, each a new object, in a shuffled realistic mix."""
    rng = random.Random(seed)
    common = _common(rng)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(common))]
    distinct = int(size * DISTINCT_SHARE)
    broken = int(size * BROKEN_SHARE)
    repeated = size - distinct - broken
    seen = set(common)
    rows = rng.choices(common, weights=weights, k=repeated)
    rows.extend(_distinct(rng, seen) for _ in range(distinct))
    rows.extend(_broken(rng) for _ in range(broken))
    rng.shuffle(rows)
    # each line and each of its values a new object, made in batch order, as a
    # parser reading rows would make them
    return [_parsed(row) for row in rows]


def describe(lines: list[ClaimLine]) -> str:
    """How many lines and how many of them distinct, for the report."""
    return f"{len(lines):,} lines, {len(set(lines)):,} distinct"


def make_distinct_batch(size: int, *, seed: int = 250_3) -> list[ClaimLine]:
    """``size`` claim lines of which no two are equal, as real lines are.

    Each line has its own patient's dose (weight-based, to 0.1 g now and then), a
    date anywhere in 2024, its own place and diagnoses; 70 % are product lines, the
    rest administration, E/M and home infusion lines, and 5 % are broken. A line
    that would repeat an earlier one is drawn again. Deterministic for a seed.
    """
    rng = random.Random(seed)
    seen: set[ClaimLine] = set()
    rows: list[ClaimLine] = []
    while len(rows) < size:
        line = _broken(rng) if rng.random() < 0.05 else _distinct(rng, seen)
        if line in seen and rows:
            continue
        seen.add(line)
        rows.append(line)
    return [_parsed(row) for row in rows]


# ----------------------------------------------------------------- as columns, at scale

PAYER_MIX = ("Medicare", "Medicare", "UHC", "Aetna", "Cigna", "BCBS")
DIAGNOSIS_POOL = (
    "D80.0", "D80.1", "D80.3", "D80.5", "D81.0", "D81.9", "D82.0", "D83.0", "D83.9", "D84.9",
    "G61.0", "G61.81", "G70.00", "G70.01", "D69.3", "D69.41", "L10.0", "L10.1", "L12.0",
    "M33.20", "M33.90", "M60.9", "B20", "Z79.899", "Z94.81", "Z94.84", "C91.10", "C90.00",
)  # fmt: skip


def make_distinct_columns(size: int, *, seed: int = 90283) -> dict[str, object]:
    """``size`` claim lines as columns (for polars, DuckDB or Parquet), of which no two are
    equal: multi-line claims (a product line with its dose for the patient's weight, one
    or two administration lines, now and then an E/M line or a home infusion line), dates
    over all of 2024, each claim's own place, payer and diagnoses, and 5 % broken lines
    (a malformed or unknown code, a broken modifier, place or diagnosis). Built with
    numpy and polars in a few seconds for millions of lines; deterministic for a seed.

    Returns a polars DataFrame with the columns of ``passive_ig.frames.LINE_COLUMNS``
    plus ``claim_id`` and ``prior_authorization``.
    """
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    claims = int(size / 1.9) + 1000
    day0 = np.datetime64("2024-01-01")

    def draw(choices: tuple[object, ...], count: int) -> np.ndarray:
        return np.asarray(choices)[rng.integers(0, len(choices), count)]

    claim_id = np.char.add("C", np.arange(claims).astype(str))
    claim_payer = draw(PAYER_MIX, claims)
    claim_day = day0 + rng.integers(0, 366, claims).astype("timedelta64[D]")
    claim_pos = draw(("11", "11", "19", "22", "12"), claims)
    dx_count = rng.integers(1, 4, claims)
    pool = pl.Series(DIAGNOSIS_POOL)
    picks = [pool.gather(rng.integers(0, len(DIAGNOSIS_POOL), claims)) for _ in range(3)]
    claim_dx = (
        pl.DataFrame({"a": picks[0], "b": picks[1], "c": picks[2], "k": dx_count})
        .select(
            pl.concat_list("a", "b", "c")
            .list.head(pl.col("k"))
            .list.unique(maintain_order=True)
            .alias("dx")
        )
        .to_series()
    )
    authorized = rng.random(claims) < 0.3

    parts = []

    def slot(mask: np.ndarray, number: int, **columns: object) -> None:
        index = np.nonzero(mask)[0]
        frame = {"claim": index, "slot": np.full(len(index), number)}
        for name, value in columns.items():
            frame[name] = value[index] if isinstance(value, np.ndarray) else value
        parts.append(pl.DataFrame(frame, strict=False))

    weight = rng.integers(30, 121, claims)
    per_kg = draw((0.4, 0.5, 1.0, 2.0), claims).astype(float)
    dose = np.round(weight * per_kg * 10) * 100.0  # to 0.1 g, in mg
    discarded = rng.random(claims) < 0.15
    units = np.round(dose / 500).astype(np.int64)
    units = np.where(rng.random(claims) < 0.05, units + 1, units)  # a few miscounted
    product = rng.random(claims) < 0.8
    modifiers = np.where(discarded, "JW", "JZ")
    slot(
        product,
        0,
        code=draw(PRODUCTS, claims),
        modifiers=modifiers,
        units=units,
        dose_mg=dose,
        discarded_mg=np.where(discarded, draw((500.0, 1000.0, 2500.0), claims), np.nan),
    )
    admin = rng.random(claims) < 0.9
    slot(admin, 1, code=draw(ADMIN, claims), units=rng.integers(1, 9, claims))
    second = admin & (rng.random(claims) < 0.4)
    slot(second, 2, code=draw(("96366", "96367"), claims), units=rng.integers(1, 9, claims))
    em = rng.random(claims) < 0.2
    slot(
        em,
        3,
        code=draw(("99213", "99214", "99215"), claims),
        units=np.ones(claims, dtype=np.int64),
        modifiers=np.full(claims, "25"),
        evaluation_and_management=np.ones(claims, dtype=bool),
    )
    home = ~product & ~admin
    slot(home, 4, code=np.full(claims, "Q2052"), units=rng.integers(1, 9, claims))

    per_claim = pl.DataFrame(
        {
            "claim": np.arange(claims),
            "claim_id": claim_id,
            "payer": claim_payer.astype(str),
            "date_of_service": claim_day,
            "place_of_service": claim_pos.astype(str),
            "diagnoses": claim_dx,
            "prior_authorization": pl.Series(authorized).replace_strict(
                {True: "PA-1", False: None}, return_dtype=pl.String
            ),
        },
        strict=False,
    ).with_columns(pl.col("date_of_service").cast(pl.Date))
    lines = (
        pl.concat(parts, how="diagonal_relaxed")
        .join(per_claim, on="claim", how="left")
        .sort("claim", "slot")
        .with_columns(
            discarded_mg=pl.col("discarded_mg").fill_nan(None),
            evaluation_and_management=pl.col("evaluation_and_management").fill_null(False),
            modifiers=pl.col("modifiers").fill_null(""),
        )
    )
    # 5 % broken: a code, a modifier, a place or a diagnosis
    count = lines.height
    fault = rng.integers(0, 4, count)
    broken = rng.random(count) < BROKEN_SHARE * 10
    lines = lines.with_columns(
        code=pl.when(pl.Series(broken & (fault == 0)))
        .then(pl.Series(draw(BROKEN_CODES, count).astype(str)))
        .otherwise(pl.col("code")),
        modifiers=pl.when(pl.Series(broken & (fault == 1)))
        .then(pl.Series(draw(tuple(",".join(m) for m in BROKEN_MODIFIERS), count).astype(str)))
        .otherwise(pl.col("modifiers")),
        place_of_service=pl.when(pl.Series(broken & (fault == 2)))
        .then(pl.Series(draw(BROKEN_PLACES, count).astype(str)))
        .otherwise(pl.col("place_of_service")),
        diagnoses=pl.when(pl.Series(broken & (fault == 3)))
        .then(pl.Series(draw(tuple(",".join(d) for d in BROKEN_DIAGNOSES), count)).str.split(","))
        .otherwise(pl.col("diagnoses")),
    )
    lines = lines.with_columns(
        modifiers=pl.when(pl.col("modifiers") == "")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("modifiers").str.split(","))
    )
    columns = [
        "claim_id",
        "code",
        "modifiers",
        "units",
        "place_of_service",
        "date_of_service",
        "diagnoses",
        "dose_mg",
        "discarded_mg",
        "evaluation_and_management",
        "payer",
        "prior_authorization",
    ]
    # no two lines equal (the line's own values, as a ClaimLine compares them)
    line_values = [c for c in columns if c not in ("claim_id", "payer", "prior_authorization")]
    lines = lines.unique(subset=line_values, keep="first", maintain_order=True)
    if lines.height < size:  # pragma: no cover - the margin above is ample
        raise RuntimeError(f"only {lines.height} distinct lines for {size}")
    return lines.head(size).select(columns)
