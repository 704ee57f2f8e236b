"""Readers: claims as billing software holds them (X12 837, FHIR, CSV) into
:class:`~passive_ig.claims.Claim` objects.

Each reader yields one :class:`ReadResult` per claim it finds: the claim it
built (or ``None``), the source's claim id, where the claim starts, and every
:class:`ReadProblem` it met, each naming the claim, the segment, JSON path or
cell, what it found and what it expected. A bad claim never stops a reader; a
source that is not claims at all is refused at once with :class:`NotClaimsError`.
Readers stream where the format allows (X12, NDJSON, CSV): a claim at a time.

>>> import io
>>> from passive_ig.readers import read_claims
>>> csv_text = (
...     "claim_id,payer,code,modifiers,units,date_of_service,diagnoses\\n"
...     "C1,Medicare,J1459,JZ,70,2024-03-01,D80.0\\n"
...     "C1,Medicare,96365,,1,2024-03-01,D80.0\\n"
... )
>>> [result] = read_claims(io.StringIO(csv_text))
>>> result.ok, result.claim_id, [line.code for line in result.claim.lines]
(True, 'C1', ['J1459', '96365'])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal

from . import fhir, tabular, x12
from ._result import CodeSet, NotClaimsError, ReadProblem, ReadResult
from ._source import Source, Text, looks_like, open_text
from .fhir import read_fhir
from .tabular import FIELDS, PRESETS, read_csv
from .x12 import read_x12

__all__ = [
    "FIELDS",
    "PRESETS",
    "CodeSet",
    "Format",
    "NotClaimsError",
    "ReadProblem",
    "ReadResult",
    "Source",
    "guess_format",
    "read_claims",
    "read_csv",
    "read_fhir",
    "read_x12",
]

Format = Literal["x12", "fhir", "csv"]
"""The formats :func:`read_claims` reads."""


def _guess(text: Text) -> Format:
    head = text.head.lstrip()
    if head.startswith("ISA"):
        return "x12"
    if head.startswith("{"):
        if '"resourceType"' in head:
            return "fhir"
        raise NotClaimsError(
            text.name, f"X12 (ISA ...), FHIR JSON (resourceType) or CSV; {looks_like(head)}"
        )
    first = head.splitlines()[0] if head else ""
    delimited = any(d in first for d in (",", "\t", ";", "|"))
    if first and delimited and (first.isprintable() or "\t" in first):
        return "csv"
    raise NotClaimsError(
        text.name,
        f"X12 (ISA ...), FHIR JSON (resourceType) or CSV with a header; {looks_like(head)}",
    )


def guess_format(source: Source) -> Format:
    """The format of ``source`` from its first characters: ``"x12"`` when it starts
    with ISA, ``"fhir"`` for JSON naming a resourceType, ``"csv"`` for a header row.

    Reads only the start of a path or bytes (an open file is consumed: pass it to
    :func:`read_claims` instead). Raises :class:`NotClaimsError` saying what the
    source looked like when it is none of these.

    >>> guess_format(b"ISA*00*...")
    'x12'
    >>> guess_format(b"%PDF-1.7 ...")
    Traceback (most recent call last):
    ...
    passive_ig.readers.NotClaimsError: '<bytes>' is not a valid claims file: expected X12 (ISA ...), FHIR JSON (resourceType) or CSV with a header; it looks like a PDF document
    """
    return _guess(open_text(source))


def read_claims(
    source: Source,
    *,
    format: Format | None = None,
    payer: str | None = None,
    preset: str | None = None,
    columns: Mapping[str, str] | None = None,
    encoding: str = "utf-8-sig",
) -> Iterator[ReadResult]:
    """Read every claim of ``source`` (a path, bytes, or an open file), one
    :class:`ReadResult` each, in order.

    ``format`` is ``"x12"``, ``"fhir"`` or ``"csv"``, guessed from the content
    when not given (see :func:`guess_format`). ``payer`` names the payer of claims
    whose source names none. ``preset`` and ``columns`` choose the CSV layout
    (see :func:`read_csv`). ``encoding`` decodes a path or bytes: UTF-8 by default
    (a byte order mark is passed over); a CSV export may need ``"cp1252"``.
    """
    text = open_text(source, encoding)
    chosen = format or _guess(text)
    if chosen not in ("x12", "fhir", "csv"):
        raise NotClaimsError(chosen, "'x12', 'fhir' or 'csv'", what="format")
    if chosen != "csv" and (preset is not None or columns is not None):
        raise NotClaimsError(chosen, "format 'csv' with preset or columns", what="format")
    if chosen == "x12":
        return x12.read_text(text, payer=payer)
    if chosen == "fhir":
        return fhir.read_text(text, payer=payer)
    return tabular.read_text(text, preset=preset, columns=columns, payer=payer)
