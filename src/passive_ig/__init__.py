"""passive_ig: typed, citable billing guidance for CPT 90283 (human immune globulin, IV).

>>> from passive_ig import registry
>>> code = registry.codes["90283"]
>>> code.system.value, code.descriptor.is_paraphrase
('CPT', True)
>>> registry.prior_authorization("UHC").status.value
'required'

Importing the package reads no data; each collection loads on first use.
"""

from ._version import DATA_VERSION, __version__
from .errors import (
    DataError,
    DataProblem,
    InvalidCodeFormat,
    InvalidInputError,
    PassiveIGError,
    UnknownCodeError,
    UnknownKeyError,
    UnknownModifierError,
    UnknownPayerError,
    UnknownRecordError,
)
from .records import NotAvailable, Origin
from .registry import Collection, Registry, registry

__all__ = [
    "DATA_VERSION",
    "Collection",
    "DataError",
    "DataProblem",
    "InvalidCodeFormat",
    "InvalidInputError",
    "NotAvailable",
    "Origin",
    "PassiveIGError",
    "Registry",
    "UnknownCodeError",
    "UnknownKeyError",
    "UnknownModifierError",
    "UnknownPayerError",
    "UnknownRecordError",
    "__version__",
    "registry",
]
