"""What a reader gives back for each claim: the claim it built, and what it could not map."""

from __future__ import annotations

import enum

import attrs

from ..claims import Claim
from ..errors import InvalidInputError

__all__ = ["CodeSet", "NotClaimsError", "ReadProblem", "ReadResult"]


class CodeSet(enum.Enum):
    """The diagnosis code set a source names (X12 qualifier, FHIR system, or the preset)."""

    ICD10CM = "ICD-10-CM"
    ICD9CM = "ICD-9-CM"


@attrs.frozen(kw_only=True)
class ReadProblem:
    """One thing a reader could not map: the claim, where in the source, what it
    found there and what it expected.

    ``where`` names the place the way the format does: ``"segment 37 SV1"`` for
    X12 (segments counted from ISA = 1, elements as ``SV104``), a JSON path such as
    ``"$.item[0].quantity.value"`` for FHIR, ``"row 12, column HCPCS_CD_3"`` for CSV.
    """

    claim_id: str | None
    where: str
    found: str
    expected: str

    def __str__(self) -> str:
        claim = f"claim {self.claim_id!r}" if self.claim_id is not None else "no claim"
        return f"{claim}: {self.where}: found {self.found}; expected {self.expected}"


@attrs.frozen(kw_only=True)
class ReadResult:
    """One claim as a reader found it.

    ``claim`` is the :class:`~passive_ig.claims.Claim` built, or ``None`` when none
    could be (no line could be read, no payer, the file ends inside it).
    ``problems`` lists everything that was not mapped; a line that could not be
    read is left out of the claim and named here, so a claim with problems may be
    partial. ``ok`` is True when the claim was built and nothing was left out.
    ``position`` is where the claim starts in the source (its CLM segment, its
    JSON path, its first row). ``diagnosis_code_set`` is the code set the source
    declares for the claim's diagnoses (ICD-9-CM before 2015-10-01).
    """

    claim: Claim | None
    claim_id: str | None
    source: str
    position: str
    problems: tuple[ReadProblem, ...] = ()
    diagnosis_code_set: CodeSet | None = None

    @property
    def ok(self) -> bool:
        """True when the claim was built and nothing in it was left unmapped."""
        return self.claim is not None and not self.problems


class NotClaimsError(InvalidInputError):
    """The source is not an X12 837, FHIR or CSV claims file at all (or not the
    format asked for); the message says what it looked like."""

    __module__ = "passive_ig.readers"  # where users import it from

    def __init__(self, value: object, expected: str, *, what: str = "claims file") -> None:
        super().__init__(value, expected, what=what)
