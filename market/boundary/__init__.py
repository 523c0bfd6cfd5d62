"""The boundary outside input crosses before anything reads it.

DIP bodies (through the gateway and :func:`market.messages.dip.parse_body`),
journal lines, and scenario and fault-plan files (:func:`read_toml`) are decoded
here under stated :class:`InputLimits`: size, nesting depth, string, array and
number sizes, finite numbers, dates in range, UTF-8 only. A violation is an
:class:`InputError` naming the path and the rule: the gateway answers it with a
level-1 rejection (MSG1001), the command line with exit 2.
"""

from market.boundary.limits import DIP_BODY as DIP_BODY
from market.boundary.limits import JOURNAL_LINE as JOURNAL_LINE
from market.boundary.limits import SCENARIO_FILE as SCENARIO_FILE
from market.boundary.limits import InputLimits as InputLimits
from market.boundary.reading import InputError as InputError
from market.boundary.reading import check_tree as check_tree
from market.boundary.reading import decode_json as decode_json
from market.boundary.reading import read_toml as read_toml

__all__ = [
    "DIP_BODY",
    "JOURNAL_LINE",
    "SCENARIO_FILE",
    "InputError",
    "InputLimits",
    "check_tree",
    "decode_json",
    "read_toml",
]
