"""``python -m w2v``: the command line."""

import sys

from .cli import main

sys.exit(main())
