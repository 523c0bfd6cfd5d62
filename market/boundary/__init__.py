"""The one boundary every input from outside the market crosses before anything reads it.

DIP bodies (through the gateway and ``market validate``), scenario and fault-plan
TOML files, journals and command-line values are decoded here under stated
:class:`InputLimits`: size, nesting depth, string, array and number sizes, finite
numbers, dates in range, UTF-8 only. A violation is an :class:`InputError` naming
the path and the rule; callers turn it into a level-1 rejection (MSG1001) on the
DIP or into exit 2 on the command line. Nothing past the boundary has to guard
against a value the market could not hold.
"""

from market.boundary.limits import DIP_BODY as DIP_BODY
from market.boundary.limits import JOURNAL_LINE as JOURNAL_LINE
from market.boundary.limits import SETTINGS_FILE as SETTINGS_FILE
from market.boundary.limits import InputLimits as InputLimits
from market.boundary.reading import InputError as InputError
from market.boundary.reading import check_tree as check_tree
from market.boundary.reading import decode_json as decode_json
from market.boundary.reading import read_text as read_text
from market.boundary.reading import read_toml as read_toml

__all__ = [
    "DIP_BODY",
    "JOURNAL_LINE",
    "SETTINGS_FILE",
    "InputError",
    "InputLimits",
    "check_tree",
    "decode_json",
    "read_text",
    "read_toml",
]
