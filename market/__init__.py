"""A simulator of the GB electricity market's MHHS reverse migration.

What a participant author needs is importable from here; ``market.participant`` is the
guide to it, and its ``__all__`` the list of names. Importing ``market`` loads message
types only: no trio, no CLI.
"""

from __future__ import annotations

from market.participant import *  # noqa: F403  (the participant API: market.participant.__all__)
from market.participant import __all__ as __all__
