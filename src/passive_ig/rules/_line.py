"""The views the rules see: a claim line cleaned and resolved once, and its claim.

A :class:`Line` holds what every rule would otherwise work out again: the cleaned
code resolved to its :class:`~passive_ig.records.BillingCode`, the cleaned
modifiers (each distinct one once, at its first position), the place of service
and its record, the cleaned diagnoses, the day the rules are dated by, and the
payer's policy for the code. What could not be cleaned is kept with its error,
for the input rules to report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import codes as _codes
from ..errors import InvalidInputError
from ..records import (
    BillingCode,
    CodeKind,
    CodeRange,
    DiagnosisList,
    Modifier,
    Payer,
    PayerPolicy,
    PlaceOfService,
)

if TYPE_CHECKING:
    from ..claims import Claim, ClaimLine
    from ..registry import Registry

__all__ = [
    "ICD9",
    "ICD10",
    "ICD10_START",
    "PRODUCT_KINDS",
    "ClaimView",
    "Line",
    "Resolver",
    "code_set_on",
    "is_product",
]

PRODUCT_KINDS = (CodeKind.IMMUNE_GLOBULIN_PRODUCT, CodeKind.DRUG_PRODUCT)


def is_product(code: BillingCode) -> bool:
    """Whether ``code`` bills an immune globulin or drug product."""
    return code.kind in PRODUCT_KINDS


# What a check keeps of the user's input between calls: only short values (a real
# code, modifier or place of service is a few characters), and only so many.
_KEEP_CHARS = 64
_KEEP_ENTRIES = 65536


ICD9 = "ICD-9-CM"
ICD10 = "ICD-10-CM"
ICD10_START = _codes.ICD10_CM_START
"""The first date of service on which US claims carry ICD-10-CM diagnoses (ICD-9-CM before)."""


def code_set_on(day: dt.date | None) -> str | None:
    """The diagnosis code set in force on ``day`` (``None`` for no day: either is taken)."""
    if day is None:
        return None
    return ICD9 if day < ICD10_START else ICD10


def read_diagnosis(
    clean: Callable[[Callable[[object], str], object], object],
    value: object,
    code_set: str | None,
) -> tuple[object, bool]:
    """A diagnosis as a line of ``code_set`` reads it (see :func:`code_set_on`), with
    ``clean(validate, value)`` giving a validator's text or what it refused with: the
    code, or the refusal of the set in force when neither set takes it; and whether the
    code is of the other set (the set in force for ``None``: ICD-10-CM, then ICD-9-CM)."""
    if code_set == ICD9:
        expected, other = _codes.validate_icd9_diagnosis, _codes.validate_diagnosis
    else:
        expected, other = _codes.validate_diagnosis, _codes.validate_icd9_diagnosis
    found = clean(expected, value)
    if type(found) is str:
        return found, False
    in_other = clean(other, value)
    if type(in_other) is str:
        return in_other, True
    return found, False


class Resolver:
    """Cleans and resolves lines for one data set and one payer, keeping what repeats."""

    def __init__(self, registry: Registry, payer: Payer) -> None:
        self.registry = registry
        self.payer = payer
        self.codes = registry.codes
        self.modifiers = registry.modifiers
        self.places = registry.places_of_service
        self._cleaned: dict[tuple[object, ...], str | InvalidInputError] = {}
        self._in_ranges: dict[tuple[str, int], tuple[bool, object]] = {}
        self._near: dict[tuple[object, str], tuple[str, ...]] = {}
        self._list_codes: dict[str, frozenset[str]] = {}
        self._route: dict[str, bool] = {}
        self._lists: dict[str, tuple[tuple[DiagnosisList, frozenset[str]], ...]] = {}
        self._governing: dict[str, tuple[PayerPolicy | None, str]] = {}

    def clean(self, validate: Callable[[object], str], value: object) -> str | InvalidInputError:
        """``validate(value)``, or the error it raised; kept for short strings (the
        validators are pure functions of their input, and lines repeat the same codes)."""
        if type(value) is not str or len(value) > _KEEP_CHARS:
            try:
                return validate(value)
            except InvalidInputError as exc:
                return exc
        key = (validate, value)
        found = self._cleaned.get(key)
        if found is None:
            try:
                found = validate(value)
            except InvalidInputError as exc:
                found = exc.with_traceback(None)
            if len(self._cleaned) < _KEEP_ENTRIES:
                self._cleaned[key] = found
        return found

    def in_ranges(self, code: str, ranges: tuple[CodeRange, ...]) -> bool:
        """Whether ``code`` falls in any of ``ranges`` (a modifier's ``not_on`` or
        ``applies_to``, which live as long as the data set)."""
        key = (code, id(ranges))
        found = self._in_ranges.get(key)
        if found is None:
            inside = any(code in span for span in ranges)
            self._in_ranges[key] = (inside, ranges)  # the ranges kept: their id() stays theirs
            return inside
        return found[0]

    def nearest_codes(self, code: str) -> tuple[str, ...]:
        """The known codes nearest to ``code`` (kept for short values)."""
        return self._nearest(code, self.codes.keys)

    def nearest_modifiers(self, modifier: str) -> tuple[str, ...]:
        """The known modifiers nearest to ``modifier`` (kept for short values)."""
        return self._nearest(modifier, self.modifiers.keys)

    def _nearest(self, key: str, known: Callable[[], tuple[str, ...]]) -> tuple[str, ...]:
        cache_key = (known, key)
        found = self._near.get(cache_key)
        if found is None:
            found = _codes.nearest(key, known())
            if len(key) <= _KEEP_CHARS and len(self._near) < _KEEP_ENTRIES:
                self._near[cache_key] = found
        return found

    def diagnosis_lists(
        self, code: BillingCode
    ) -> tuple[tuple[DiagnosisList, frozenset[str]], ...]:
        """The payer's diagnosis lists that apply to ``code``, each with its codes as a set."""
        found = self._lists.get(code.code)
        if found is None:
            found = tuple(
                (dx_list, frozenset(entry.code for entry in dx_list.codes))
                for dx_list in self.registry.diagnosis_lists
                if dx_list.payer == self.payer.id and code.code in dx_list.applies_to
            )
            self._lists[code.code] = found
        return found

    def list_codes(self, key: str) -> frozenset[str]:
        """The codes of the diagnosis list ``key`` (which the rules' references resolved)."""
        found = self._list_codes.get(key)
        if found is None:
            dx_list = self.registry.diagnosis_lists[key]
            found = self._list_codes[key] = frozenset(entry.code for entry in dx_list.codes)
        return found

    def route_modifier_codes(self, code: BillingCode) -> bool:
        """Whether the JA/JB records list ``code`` among the codes they are meant for."""
        found = self._route.get(code.code)
        if found is None:
            found = False
            for key in ("JA", "JB"):
                record = self.modifiers.get(key)
                if record is not None and isinstance(record.applies_to, tuple):
                    found = found or self.in_ranges(code.code, record.applies_to)
            self._route[code.code] = found
        return found

    def governing_policy(self, code: BillingCode) -> tuple[PayerPolicy | None, str]:
        """The payer's policy for ``code``, or for the generic CPT code a product-specific
        HCPCS code stands in for (a payer's immune globulin policy governs the product,
        whichever code bills it), with the code it was found under."""
        found = self._governing.get(code.code)
        if found is None:  # the registry's one resolution (Registry.governing_policy)
            found = self._governing[code.code] = self.registry._governing_policy(
                self.payer.id, code
            )
        return found

    def line(
        self,
        raw: ClaimLine,
        *,
        as_of: dt.date | None,
        claim: ClaimView | None = None,
        index: int | None = None,
        defaults: Claim | None = None,
    ) -> Line:
        return Line(self, raw, as_of=as_of, claim=claim, index=index, defaults=defaults)


class Line:
    """One claim line as the rules see it (see the module's docstring)."""

    __slots__ = (
        "claim",
        "claim_diagnosis_index",
        "code",
        "code_error",
        "code_set",
        "code_text",
        "day",
        "diagnoses",
        "diagnosis_errors",
        "diagnosis_wrong_set",
        "discarded_mg",
        "dose_mg",
        "evaluation_and_management",
        "features",
        "index",
        "modifier_errors",
        "modifier_records",
        "modifier_set",
        "modifiers",
        "payer",
        "place",
        "place_error",
        "place_of_service",
        "policy",
        "policy_code",
        "raw",
        "registry",
        "resolver",
        "unit_count",
        "units",
    )

    def __init__(
        self,
        resolver: Resolver,
        raw: ClaimLine,
        *,
        as_of: dt.date | None,
        claim: ClaimView | None,
        index: int | None,
        defaults: Claim | None,
    ) -> None:
        self.resolver = resolver
        self.registry = resolver.registry
        self.payer = resolver.payer
        self.raw = raw
        self.claim = claim
        self.index = index
        self.units = raw.units
        self.dose_mg = raw.dose_mg
        self.discarded_mg = raw.discarded_mg
        self.evaluation_and_management = raw.evaluation_and_management
        day = raw.date_of_service
        pos_raw = raw.place_of_service
        diagnoses_raw: Sequence[str] = raw.diagnoses
        # where each diagnosis is, when the line takes the claim's: its index there
        self.claim_diagnosis_index: tuple[int, ...] | None = None
        if defaults is not None:  # a line without its own takes the claim's
            if day is None:
                day = defaults.date_of_service
            if pos_raw is None:
                pos_raw = defaults.place_of_service
            if not diagnoses_raw and defaults.diagnoses:
                pointers = raw.diagnosis_pointers
                claim_diagnoses = defaults.diagnoses
                if pointers:  # those its pointers name (the claim checked they are there)
                    indexes = tuple(p - 1 for p in pointers if p <= len(claim_diagnoses))
                else:
                    indexes = tuple(range(len(claim_diagnoses)))
                diagnoses_raw = tuple(claim_diagnoses[i] for i in indexes)
                self.claim_diagnosis_index = indexes
        self.day = day if day is not None else as_of
        # what the line gives, as the engine's FEATURES bits
        self.features = (
            (1 if raw.modifiers else 0)
            | (2 if pos_raw is not None else 0)
            | (4 if diagnoses_raw else 0)
            | (8 if raw.units is not None else 0)
            | (16 if raw.discarded_mg else 0)
        )
        clean = resolver.clean

        self.code: BillingCode | None = None
        self.code_text: str | None = None
        self.code_error: InvalidInputError | None = None
        code_text = clean(_codes.validate_code, raw.code)
        if type(code_text) is str:
            self.code_text = code_text
            self.code = resolver.codes.get(code_text)
        else:
            self.code_error = code_text  # type: ignore[assignment]

        cleaned: list[str] = []
        records: list[tuple[int, str, Modifier | None]] = []
        errors: list[tuple[int, InvalidInputError]] = []
        seen: set[str] = set()
        for position, value in enumerate(raw.modifiers):
            modifier = clean(_codes.validate_modifier, value)
            if type(modifier) is not str:
                errors.append((position, modifier))  # type: ignore[arg-type]
                continue
            if modifier not in seen:  # each distinct modifier once, at its first position
                seen.add(modifier)
                cleaned.append(modifier)
                records.append((position, modifier, resolver.modifiers.get(modifier)))
        self.modifiers = tuple(cleaned)
        self.modifier_set = frozenset(seen)
        self.modifier_records = tuple(records)
        self.modifier_errors = tuple(errors)

        self.place_of_service: str | None = None
        self.place: PlaceOfService | None = None
        self.place_error: InvalidInputError | None = None
        if pos_raw is not None:
            place = clean(_codes.validate_place_of_service, pos_raw)
            if type(place) is str:
                self.place_of_service = place
                self.place = resolver.places.get(place)
            else:
                self.place_error = place  # type: ignore[assignment]

        # the diagnosis code set in force on the day: ICD-9-CM before 2015-10-01,
        # ICD-10-CM from then on; an undated line takes either
        self.code_set = code_set_on(self.day)
        diagnoses: list[str] = []
        diagnosis_errors: list[tuple[int, InvalidInputError]] = []
        wrong_set: list[tuple[int, str, str]] = []
        for position, value in enumerate(diagnoses_raw):
            diagnosis, of_other_set = read_diagnosis(clean, value, self.code_set)
            if type(diagnosis) is not str:
                diagnosis_errors.append((position, diagnosis))  # type: ignore[arg-type]
                continue
            # a code of the other set is still the code it is, for the other rules
            diagnoses.append(diagnosis)
            if of_other_set and self.code_set is not None:  # undated: either set is taken
                wrong_set.append((position, diagnosis, ICD10 if self.code_set == ICD9 else ICD9))
        self.diagnoses = tuple(diagnoses)
        self.diagnosis_errors = tuple(diagnosis_errors)
        self.diagnosis_wrong_set = tuple(wrong_set)

        self.unit_count: object = None  # the units rules' count, worked out once
        self.policy: PayerPolicy | None = None
        self.policy_code: str | None = None
        if self.code is not None:
            self.policy, self.policy_code = resolver.governing_policy(self.code)

    def diagnosis_at(self, position: int) -> tuple[str, bool]:
        """Where the line's diagnosis at ``position`` is: ``("diagnoses[i]", False)`` in
        the line itself, or ``("diagnoses[k]", True)`` in its claim, when the line
        takes the claim's diagnoses (a finding about it is then about the claim's field,
        and said once for the claim however many lines use it)."""
        index = self.claim_diagnosis_index
        if index is None:
            return f"diagnoses[{position}]", False
        return f"diagnoses[{index[position]}]", True

    @property
    def outside(self) -> bool:
        """Whether the line bills a well-formed code the data does not hold: such a line is
        outside what passive_ig checks."""
        return self.code is None and self.code_error is None

    @property
    def is_product(self) -> bool:
        """Whether the line bills an immune globulin or drug product."""
        return self.code is not None and self.code.kind in PRODUCT_KINDS

    @property
    def discarded(self) -> bool:
        """Whether the line says some of the drug was discarded."""
        return self.discarded_mg is not None and self.discarded_mg > 0

    def __repr__(self) -> str:
        return f"<Line {self.raw.code!r} on {self.day}>"


class ClaimView:
    """A claim as its rules see it: its resolved lines and what is claim-wide."""

    __slots__ = ("_wastage", "lines", "payer", "prior_authorization", "raw", "registry")

    def __init__(self, resolver: Resolver, raw: Claim, *, as_of: dt.date | None) -> None:
        self.raw = raw
        self.registry = resolver.registry
        self.payer = resolver.payer
        authorization = raw.prior_authorization
        # an authorization number of blanks is no authorization
        self.prior_authorization = (
            authorization.strip() or None if authorization is not None else None
        )
        self.lines: tuple[Line, ...] = tuple(
            resolver.line(line, as_of=as_of, claim=self, index=index, defaults=raw)
            for index, line in enumerate(raw.lines)
        )
        self._wastage: set[tuple[str, Any]] = {
            (line.code.code, line.day)
            for line in self.lines
            if line.code is not None and "JW" in line.modifier_set
        }

    @property
    def has_known_code(self) -> bool:
        """Whether any line bills a code the data knows."""
        return any(line.code is not None for line in self.lines)

    def has_wastage_line(self, code: BillingCode, day: dt.date | None) -> bool:
        """Whether a line with JW bills the discarded amount of ``code`` on ``day``."""
        return (code.code, day) in self._wastage
