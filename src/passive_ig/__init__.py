"""passive_ig: typed, citable billing guidance for CPT 90283 (human immune globulin, IV).

>>> from passive_ig import registry
>>> code = registry.codes["90283"]
>>> code.system.value, code.descriptor.is_paraphrase
('CPT', True)
>>> registry.prior_authorization("UHC").status.value
'required'

Importing the package reads no data and imports almost nothing: the names below
are imported on first use (``from passive_ig import registry`` imports the
registry and the records), and each collection loads on first use.
"""

from __future__ import annotations

import sys
import types

from ._version import DATA_VERSION, __version__

TYPE_CHECKING = False  # typing itself costs more to import than the rest of this module

if TYPE_CHECKING:
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

# Which submodule each lazily imported name lives in. Importing attrs and building
# the record classes is most of the cost of a first answer, so `import passive_ig`
# alone does neither.
_LAZY = {
    "DataError": "errors",
    "DataProblem": "errors",
    "InvalidCodeFormat": "errors",
    "InvalidInputError": "errors",
    "PassiveIGError": "errors",
    "UnknownCodeError": "errors",
    "UnknownKeyError": "errors",
    "UnknownModifierError": "errors",
    "UnknownPayerError": "errors",
    "UnknownRecordError": "errors",
    "NotAvailable": "records",
    "Origin": "records",
    "Collection": "registry",
    "Registry": "registry",
    "registry": "registry",
}

if not TYPE_CHECKING:  # mypy sees the explicit imports above, so a misspelt name stays an error

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})

    class _Package(types.ModuleType):
        """Keeps ``passive_ig.registry`` the default registry, not the module of that name.

        Importing the submodule ``passive_ig.registry`` (``from passive_ig.registry
        import Registry``) makes the import system bind the module as an attribute
        of the package; this binds the registry it defines instead, as the eager
        ``from .registry import registry`` used to.
        """

        def __setattr__(self, name: str, value: object) -> None:
            if name == "registry" and isinstance(value, types.ModuleType):
                value = value.registry
            super().__setattr__(name, value)

    sys.modules[__name__].__class__ = _Package
