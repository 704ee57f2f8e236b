"""Cleaning and validating the codes people type: one place for all input cleaning.

Each kind of code has the python-stdnum pair: ``validate_*`` returns the clean,
canonical form or raises; ``is_valid_*`` returns a bool and never raises. These
check the *form* only; whether the data knows a code is the registry's question
(``code in registry.codes``).

>>> validate_code(" cpt-90283 ")
'90283'
>>> validate_code("j1459")
'J1459'
>>> is_valid_code("9028")
False
>>> validate_modifiers(["jw", " 25"])
('JW', '25')
>>> validate_diagnosis("d80.0")
'D80.0'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from .errors import InvalidCodeFormat, InvalidInputError

__all__ = [
    "CODE_FORMAT",
    "DIAGNOSIS_FORMAT",
    "MODIFIER_FORMAT",
    "PLACE_OF_SERVICE_FORMAT",
    "is_valid_code",
    "is_valid_diagnosis",
    "is_valid_modifier",
    "is_valid_place_of_service",
    "nearest",
    "parse_iso_date",
    "validate_code",
    "validate_diagnosis",
    "validate_modifier",
    "validate_modifiers",
    "validate_place_of_service",
]

CODE_FORMAT = (
    "a CPT code (5 digits, or 4 digits and F, T or U, e.g. '90283') "
    "or a HCPCS Level II code (a letter and 4 digits, e.g. 'J1459')"
)
MODIFIER_FORMAT = "a modifier of 2 letters or digits, e.g. 'JW' or '25'"
DIAGNOSIS_FORMAT = (
    "an ICD-10-CM code: a letter, 2 characters, then optionally a dot and 1 to 4 "
    "characters, e.g. 'D80.0'"
)
PLACE_OF_SERVICE_FORMAT = "a place-of-service code of 2 digits, e.g. '11'"

_PREFIX = re.compile(r"^(CPT|HCPCS)(?:[\s\-:#]+|(?=[0-9A-Z]))")
_CPT = re.compile(r"^[0-9]{4}[0-9FTU]$")
_HCPCS = re.compile(r"^[A-Z][0-9]{4}$")
_MODIFIER_PREFIX = re.compile(r"^(?:MODIFIER|MOD)[\s\-:#]*|^-")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_DIAGNOSIS = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
_POS = re.compile(r"^[0-9]{2}$")


def _text(value: object, what: str, expected: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(value, f"{expected} as a string", what=what)
    return value.strip().upper()


def validate_code(value: object) -> str:
    """Return the canonical form of a CPT or HCPCS Level II code, or raise.

    Accepts surrounding spaces, any case, and a ``CPT`` or ``HCPCS`` prefix
    (``"CPT 90283"``, ``"cpt-90283"``). Raises :class:`~passive_ig.errors.InvalidCodeFormat`
    (a ``ValueError``) naming the value and the expected form.

    >>> validate_code("90283x")
    Traceback (most recent call last):
    ...
    passive_ig.errors.InvalidCodeFormat: '90283x' is not a well-formed billing code: expected ...
    """
    text = _text(value, "billing code", CODE_FORMAT)
    match = _PREFIX.match(text)
    prefix = match.group(1) if match else None
    code = text[match.end() :].strip() if match else text
    if prefix == "CPT" and _CPT.match(code):
        return code
    if prefix == "HCPCS" and (_HCPCS.match(code) or _CPT.match(code)):
        return code
    if prefix is None and (_CPT.match(code) or _HCPCS.match(code)):
        return code
    raise InvalidCodeFormat(value, CODE_FORMAT, what="billing code")


def is_valid_code(value: object) -> bool:
    """True when ``value`` has the form of a CPT or HCPCS Level II code. Never raises."""
    try:
        validate_code(value)
    except InvalidInputError:
        return False
    return True


def validate_modifier(value: object) -> str:
    """Return the canonical form of a modifier (``" jw"`` gives ``'JW'``), or raise."""
    text = _MODIFIER_PREFIX.sub("", _text(value, "modifier", MODIFIER_FORMAT)).strip()
    if _MODIFIER.match(text):
        return text
    raise InvalidCodeFormat(value, MODIFIER_FORMAT, what="modifier")


def is_valid_modifier(value: object) -> bool:
    """True when ``value`` has the form of a modifier. Never raises."""
    try:
        validate_modifier(value)
    except InvalidInputError:
        return False
    return True


def validate_modifiers(values: Iterable[object]) -> tuple[str, ...]:
    """Validate a list of modifiers; raise for the first malformed one."""
    if isinstance(values, (str, bytes)):
        raise InvalidInputError(values, "a list of modifiers, e.g. ['JW']", what="modifier list")
    return tuple(validate_modifier(value) for value in values)


def validate_diagnosis(value: object) -> str:
    """Return an ICD-10-CM code in its dotted upper-case form, or raise.

    This checks the form only (``"d800"`` becomes ``'D80.0'``); whether the code
    exists and is billable needs the ICD-10-CM tables, which passive_ig does not ship.
    """
    text = _text(value, "diagnosis code", DIAGNOSIS_FORMAT)
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    if _DIAGNOSIS.match(text):
        return text
    raise InvalidCodeFormat(value, DIAGNOSIS_FORMAT, what="diagnosis code")


def is_valid_diagnosis(value: object) -> bool:
    """True when ``value`` has the form of an ICD-10-CM code. Never raises."""
    try:
        validate_diagnosis(value)
    except InvalidInputError:
        return False
    return True


def validate_place_of_service(value: object) -> str:
    """Return a two-digit place-of-service code (``"3"`` is refused, ``" 11 "`` gives ``'11'``)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99:
        value = f"{value:02d}"
    text = _text(value, "place of service", PLACE_OF_SERVICE_FORMAT)
    if _POS.match(text):
        return text
    raise InvalidCodeFormat(value, PLACE_OF_SERVICE_FORMAT, what="place of service")


def is_valid_place_of_service(value: object) -> bool:
    """True when ``value`` has the form of a place-of-service code. Never raises."""
    try:
        validate_place_of_service(value)
    except InvalidInputError:
        return False
    return True


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_iso_date(value: object) -> dt.date | None:
    """A date written exactly as 'YYYY-MM-DD', or ``None`` for anything else.

    Stricter than :meth:`datetime.date.fromisoformat`, which also takes forms such
    as '2024-W01-1' or '20240301' on newer Pythons.

    >>> parse_iso_date("2024-03-01")
    datetime.date(2024, 3, 1)
    >>> parse_iso_date("2024-W01-1") is None
    True
    """
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def nearest(value: str, known: Sequence[str], *, limit: int = 3) -> tuple[str, ...]:
    """The known keys nearest to ``value``, best first: for codes of the same shape
    the numerically closest, then the most similar spellings."""
    found: list[str] = []
    digits = value[1:] if value[:1].isalpha() else value
    if digits.isdigit():
        same_shape = [
            key
            for key in known
            if len(key) == len(value)
            and key[:1].isalpha() == value[:1].isalpha()
            and (not key[:1].isalpha() or key[0] == value[0])
            and (key[1:] if key[:1].isalpha() else key).isdigit()
        ]
        same_shape.sort(
            key=lambda key: abs(int(key[1:] if key[:1].isalpha() else key) - int(digits))
        )
        found.extend(same_shape[:limit])
    import difflib  # only when a key is not found: kept out of the import

    for match in difflib.get_close_matches(value, known, n=limit, cutoff=0.5):
        if match not in found:
            found.append(match)
    return tuple(found[:limit])
