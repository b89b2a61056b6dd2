"""`python -m chainhub_aigc`: the command line."""

import sys

from .cli import main

sys.exit(main())
