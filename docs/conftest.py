"""pytest runs every ``>>>`` example in these pages (``--doctest-glob=*.md``).

The Sphinx configuration and extension are not tests, and need Sphinx, which the
test environment does not install.
"""

from __future__ import annotations

collect_ignore = ["conf.py", "_ext", "_build"]
