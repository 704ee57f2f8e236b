"""Not a library: this file only gives ``docs/conftest.py`` a distinct module name
(``docs.conftest``), so that it does not clash with ``tests/conftest.py`` under
pytest's default import mode."""
