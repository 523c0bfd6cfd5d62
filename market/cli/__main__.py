"""``python -m market.cli``: the ``market`` command."""

import sys

from market.cli.main import main

sys.exit(main())
