"""The package version, and the version of the data it bundles.

The data is versioned apart from the code (as tzdata is): ``DATA_VERSION`` must
equal ``data_version`` in ``data/manifest.json``; a test holds them together.
"""

__version__ = "0.1.0"
DATA_VERSION = "2026.12.0"
