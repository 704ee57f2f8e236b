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
_CPT = re.compile(r"[0-9]{4}[0-9FTU]")
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_MODIFIER_PREFIX = re.compile(r"^(?:MODIFIER|MOD)[\s\-:#]*|^-")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_DIAGNOSIS = re.compile(r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?")
_POS = re.compile(r"[0-9]{2}")
# The patterns above are used with fullmatch(): "$" would also match before a final
# newline.


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
    if prefix == "CPT" and _CPT.fullmatch(code):
        return code
    if prefix == "HCPCS" and (_HCPCS.fullmatch(code) or _CPT.fullmatch(code)):
        return code
    if prefix is None and (_CPT.fullmatch(code) or _HCPCS.fullmatch(code)):
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
    if _MODIFIER.fullmatch(text):
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
    expected = "a list of modifiers, e.g. ['JW']"
    if isinstance(values, (str, bytes, bytearray)):
        raise InvalidInputError(values, expected, what="modifier list")
    try:
        items = iter(values)
    except TypeError:
        raise InvalidInputError(values, expected, what="modifier list") from None
    return tuple(validate_modifier(value) for value in items)


def validate_diagnosis(value: object) -> str:
    """Return an ICD-10-CM code in its dotted upper-case form, or raise.

    This checks the form only (``"d800"`` becomes ``'D80.0'``); whether the code
    exists and is billable needs the ICD-10-CM tables, which passive_ig does not ship.
    """
    text = _text(value, "diagnosis code", DIAGNOSIS_FORMAT)
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    if _DIAGNOSIS.fullmatch(text):
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
    if _POS.fullmatch(text):
        return text
    raise InvalidCodeFormat(value, PLACE_OF_SERVICE_FORMAT, what="place of service")


def is_valid_place_of_service(value: object) -> bool:
    """True when ``value`` has the form of a place-of-service code. Never raises."""
    try:
        validate_place_of_service(value)
    except InvalidInputError:
        return False
    return True


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(value: object) -> dt.date | None:
    """A date written exactly as 'YYYY-MM-DD', or ``None`` for anything else.

    Stricter than :meth:`datetime.date.fromisoformat`, which also takes forms such
    as '2024-W01-1' or '20240301' on newer Pythons.

    >>> parse_iso_date("2024-03-01")
    datetime.date(2024, 3, 1)
    >>> parse_iso_date("2024-W01-1") is None
    True
    """
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


_DIGITS = re.compile(r"[0-9]{1,18}")  # short enough to compare as ints


def nearest(value: str, known: Sequence[str], *, limit: int = 3) -> tuple[str, ...]:
    """The known keys nearest to ``value``, best first: for codes of the same shape
    the numerically closest, then the most similar spellings."""
    found: list[str] = []
    digits = value[1:] if value[:1].isalpha() else value
    # ASCII digits only: "²⁵".isdigit() is true, but int() refuses it
    if _DIGITS.fullmatch(digits):
        same_shape = [
            key
            for key in known
            if len(key) == len(value)
            and key[:1].isalpha() == value[:1].isalpha()
            and (not key[:1].isalpha() or key[0] == value[0])
            and _DIGITS.fullmatch(key[1:] if key[:1].isalpha() else key)
        ]
        same_shape.sort(
            key=lambda key: abs(int(key[1:] if key[:1].isalpha() else key) - int(digits))
        )
        found.extend(same_shape[:limit])
    if len(value) > 3 * max(map(len, known), default=0):
        # difflib's ratio is at most 2 * len(key) / (len(value) + len(key)), below the
        # cutoff of 0.5 here: no key is near, and a long value costs nothing to refuse
        return tuple(found[:limit])
    import difflib  # only when a key is not found: kept out of the import

    for match in difflib.get_close_matches(value, known, n=limit, cutoff=0.5):
        if match not in found:
            found.append(match)
    return tuple(found[:limit])


# ------------------------------------------------------------------ claim-reader codes
#
# The codes real claims carry besides the billing code: the drug's NDC, ICD-9-CM
# diagnoses on claims before 2015-10-01, the UB-04 revenue code and type of bill.
# Same contract as above: validate_* returns the canonical form or raises
# InvalidCodeFormat naming the value, the form expected and, where one exists, the
# nearest valid value; is_valid_* never raises.

ICD10_CM_START = dt.date(2015, 10, 1)
"""The first date of service on which US claims carry ICD-10-CM diagnoses; before
it, ICD-9-CM (45 CFR 162.1002, as amended by HHS's final rule of 2014-08-04)."""

NDC_FORMAT = (
    "an NDC of 11 digits (5-4-2, e.g. '00944270003'), or 10 digits with hyphens "
    "as 4-4-2, 5-3-2 or 5-4-1 (e.g. '0944-2700-03')"
)
ICD9_DIAGNOSIS_FORMAT = (
    "an ICD-9-CM diagnosis code: 3 digits and up to 2 more (e.g. '279.06'), "
    "V and 2 digits and up to 2 more (e.g. 'V58.69'), or E and 3 digits and up to "
    "1 more (e.g. 'E849.0'), with or without the dot"
)
REVENUE_CODE_FORMAT = "a revenue code of 4 digits, e.g. '0636'"
BILL_TYPE_FORMAT = (
    "a type of bill of 3 digits (facility type, 2 digits, and claim frequency, 1 digit), "
    "e.g. '131', or 4 digits with a leading zero, e.g. '0131'"
)

_NDC_HYPHENATED = re.compile(r"^([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})$")
_NDC_PADDING = {(4, 4, 2): "4-4-2", (5, 3, 2): "5-3-2", (5, 4, 1): "5-4-1", (5, 4, 2): "5-4-2"}
_ICD9_NUMERIC = re.compile(r"^([0-9]{3})(?:\.?([0-9]{1,2}))?$")
_ICD9_V = re.compile(r"^(V[0-9]{2})(?:\.?([0-9]{1,2}))?$")
_ICD9_E = re.compile(r"^(E[0-9]{3})(?:\.?([0-9]))?$")
_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")
_BILL_TYPE = re.compile(r"^0?([0-9]{3})$")


def _with_nearest(expected: str, candidates: Sequence[str]) -> str:
    if not candidates:
        return expected
    return f"{expected}; did you mean {' or '.join(repr(c) for c in candidates)}?"


def _ndc_text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(value, f"{NDC_FORMAT}, as a string", what="NDC")
    return value.strip().replace(" ", "")


def validate_ndc(value: object) -> str:
    """Return an NDC as 11 digits (the 5-4-2 billing form, no hyphens), or raise.

    A 10-digit NDC as printed on a package is padded the standard way, by the
    hyphen layout: a leading zero for 4-4-2, before the product code for 5-3-2,
    before the package code for 5-4-1.

    >>> validate_ndc("0944-2700-03")
    '00944270003'
    >>> validate_ndc("12345-678-90")
    '12345067890'
    >>> validate_ndc("00944-2700-03")
    '00944270003'

    Ten digits without hyphens are refused: the padding depends on which segment
    is short, and the hyphens are what say so. The error lists the three readings.

    >>> validate_ndc("0944270003")
    Traceback (most recent call last):
    ...
    passive_ig.errors.InvalidCodeFormat: '0944270003' is not a well-formed NDC: expected ... 10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1; did you mean '00944270003' or '09442070003' or '09442700003'?
    """
    text = _ndc_text(value)
    if text.isdigit() and len(text) == 11:
        return text
    match = _NDC_HYPHENATED.match(text)
    if match:
        parts = match.groups()
        if tuple(len(part) for part in parts) in _NDC_PADDING:
            return f"{parts[0]:0>5}{parts[1]:0>4}{parts[2]:0>2}"
    candidates: tuple[str, ...] = ()
    expected = NDC_FORMAT
    digits = text.replace("-", "")
    if text.isdigit() and len(text) == 10:
        expected += "; 10 digits without hyphens could be 4-4-2, 5-3-2 or 5-4-1"
        candidates = (f"0{text}", f"{text[:5]}0{text[5:]}", f"{text[:9]}0{text[9:]}")
    elif digits.isdigit() and len(digits) == 11:
        candidates = (digits,)  # 11 digits with hyphens in the wrong places
    raise InvalidCodeFormat(value, _with_nearest(expected, candidates), what="NDC")


def is_valid_ndc(value: object) -> bool:
    """True when ``value`` has the form of an NDC that :func:`validate_ndc` accepts. Never raises.

    >>> is_valid_ndc("0944-2700-03"), is_valid_ndc("0944270003")
    (True, False)
    """
    try:
        validate_ndc(value)
    except InvalidInputError:
        return False
    return True


def _icd9_canonical(text: str) -> str | None:
    for pattern in (_ICD9_NUMERIC, _ICD9_V, _ICD9_E):
        match = pattern.match(text)
        if match:
            head, tail = match.groups()
            return f"{head}.{tail}" if tail else head
    return None


def validate_icd9_diagnosis(value: object) -> str:
    """Return an ICD-9-CM diagnosis code in its dotted upper-case form, or raise.

    ICD-9-CM was the diagnosis code set on US claims with a date of service before
    2015-10-01 (ICD-10-CM from then on). The dot goes after the third character,
    after the fourth for E codes. This checks the form only.

    >>> validate_icd9_diagnosis("27906")
    '279.06'
    >>> validate_icd9_diagnosis("v5869")
    'V58.69'
    >>> validate_icd9_diagnosis("E8490")
    'E849.0'
    >>> validate_icd9_diagnosis("2790.6")
    Traceback (most recent call last):
    ...
    passive_ig.errors.InvalidCodeFormat: '2790.6' is not a well-formed ICD-9-CM diagnosis code: expected ...; did you mean '279.06'?
    """
    text = _text(value, "ICD-9-CM diagnosis code", ICD9_DIAGNOSIS_FORMAT)
    canonical = _icd9_canonical(text)
    if canonical is not None:
        return canonical
    undotted = _icd9_canonical(text.replace(".", "")) if text.count(".") == 1 else None
    raise InvalidCodeFormat(
        value,
        _with_nearest(ICD9_DIAGNOSIS_FORMAT, (undotted,) if undotted else ()),
        what="ICD-9-CM diagnosis code",
    )


def is_valid_icd9_diagnosis(value: object) -> bool:
    """True when ``value`` has the form of an ICD-9-CM diagnosis code. Never raises."""
    try:
        validate_icd9_diagnosis(value)
    except InvalidInputError:
        return False
    return True


def validate_revenue_code(value: object) -> str:
    """Return a 4-digit UB-04 revenue code, or raise.

    >>> validate_revenue_code(" 0636 ")
    '0636'
    >>> validate_revenue_code("636")
    Traceback (most recent call last):
    ...
    passive_ig.errors.InvalidCodeFormat: '636' is not a well-formed revenue code: expected a revenue code of 4 digits, e.g. '0636'; did you mean '0636'?
    """
    text = _text(value, "revenue code", REVENUE_CODE_FORMAT)
    if _FOUR_DIGITS.match(text):
        return text
    nearest_code = (text.zfill(4),) if text.isdigit() and len(text) < 4 else ()
    raise InvalidCodeFormat(
        value, _with_nearest(REVENUE_CODE_FORMAT, nearest_code), what="revenue code"
    )


def is_valid_revenue_code(value: object) -> bool:
    """True when ``value`` has the form of a revenue code. Never raises."""
    try:
        validate_revenue_code(value)
    except InvalidInputError:
        return False
    return True


def validate_bill_type(value: object) -> str:
    """Return a type of bill as 3 digits (facility type and claim frequency), or raise.

    The 837I sends it as CLM05-1 (facility type) and CLM05-3 (frequency); the
    UB-04 form prints it with a leading zero.

    >>> validate_bill_type("0131")
    '131'
    """
    text = _text(value, "type of bill", BILL_TYPE_FORMAT)
    match = _BILL_TYPE.match(text)
    if match:
        return match.group(1)
    raise InvalidCodeFormat(value, BILL_TYPE_FORMAT, what="type of bill")


def is_valid_bill_type(value: object) -> bool:
    """True when ``value`` has the form of a type of bill. Never raises."""
    try:
        validate_bill_type(value)
    except InvalidInputError:
        return False
    return True
