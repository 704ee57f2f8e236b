"""``python -m passive_ig``: the same as the ``passive-ig`` command."""

import sys

from .cli import main

sys.exit(main())
