"""Sphinx configuration for the passive_ig documentation.

Build with warnings as errors, exactly as CI does::

    sphinx-build -W --keep-going -b html docs docs/_build/html

The data reference pages are generated from the bundled data at build time by
the local extension ``_ext/passive_ig_data.py``; nothing here needs the network.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent / "src"))

import passive_ig  # noqa: E402 - after the path is set, so a source checkout works uninstalled

project = "passive_ig"
author = "The passive_ig developers"
copyright = "2026, The passive_ig developers"
release = passive_ig.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "passive_ig_data",
]

source_suffix = {".md": "markdown"}
smartquotes = False  # JSON, codes and quoted policy text must keep straight quotes
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "conftest.py"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "mixed"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "furo"
html_title = f"passive_ig {release}"
html_static_path = ["_static"]
html_css_files = ["passive-ig.css"]
html_show_sourcelink = False

# The data set the data reference is generated from: None for the bundled data,
# or a directory holding a data set of the same format.
passive_ig_data = None
