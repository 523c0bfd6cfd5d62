"""How large and how deep an input from outside may be (the limits each kind of input obeys)."""

from __future__ import annotations

from typing import Final

import attrs

from market.kernel.local_time import DIP_YEARS


@attrs.frozen(kw_only=True)
class InputLimits:
    """The sizes one kind of input may not exceed.

    ``max_int_digits`` bounds integers (a DIP number or a TOML count needs far fewer),
    so nothing downstream meets an integer Python cannot print or a count that would
    exhaust memory; floats must be finite. Years of dates and datetimes lie in
    ``years``.
    """

    #: What the input is, for messages: ``DIP body``.
    name: str
    max_bytes: int
    max_depth: int
    max_string_chars: int
    max_array_items: int
    max_int_digits: int = 18
    years: range = DIP_YEARS


#: A DIP HTTP body: the DIP's payload limit (1 MiB, MSG1003 above it), envelopes are
#: six levels deep, a body carries at most a few hundred messages.
DIP_BODY: Final = InputLimits(
    name="DIP body",
    max_bytes=1024 * 1024,
    max_depth=16,
    max_string_chars=4096,
    max_array_items=10_000,
)


#: One line of a journal file (``market check``, ``report``, ``explain``, ``diagram``):
#: an event is a few levels deep; a payload's flat-file text or 48 periods stay far
#: below these.
JOURNAL_LINE: Final = InputLimits(
    name="journal line",
    max_bytes=1024 * 1024,
    max_depth=32,
    max_string_chars=262_144,
    max_array_items=100_000,
)

#: A scenario or fault-plan file (TOML): a handful of tables, a few hundred faults.
SCENARIO_FILE: Final = InputLimits(
    name="scenario file",
    max_bytes=1024 * 1024,
    max_depth=8,
    max_string_chars=4096,
    max_array_items=10_000,
)
