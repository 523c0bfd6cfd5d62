"""How large and how deep an input from outside may be (stated in the README, "Input limits")."""

from __future__ import annotations

from typing import Final

import attrs


@attrs.frozen(kw_only=True)
class InputLimits:
    """The sizes one kind of input may not exceed.

    ``max_int_digits`` bounds integers (a DIP number or a TOML count needs far fewer),
    so nothing downstream meets an integer Python cannot print or a count that would
    exhaust memory; floats must be finite. Years of dates and datetimes lie in
    ``years``.
    """

    #: What the input is, for messages: ``DIP body``, ``scenario file``.
    name: str
    max_bytes: int
    max_depth: int
    max_string_chars: int
    max_array_items: int
    max_int_digits: int = 18
    years: range = range(1900, 2200)


#: A DIP HTTP body: the DIP's payload limit (1 MiB, MSG1003 above it), envelopes are
#: six levels deep, a body carries at most a few hundred messages.
DIP_BODY: Final = InputLimits(
    name="DIP body",
    max_bytes=1024 * 1024,
    max_depth=16,
    max_string_chars=4096,
    max_array_items=10_000,
)
#: A scenario, fault-plan or load-profile TOML file.
SETTINGS_FILE: Final = InputLimits(
    name="settings file",
    max_bytes=1024 * 1024,
    max_depth=8,
    max_string_chars=1024,
    max_array_items=1000,
    max_int_digits=12,
)
#: One line of a journal (a delivered event carries a whole rendered envelope).
JOURNAL_LINE: Final = InputLimits(
    name="journal line",
    max_bytes=1024 * 1024,
    max_depth=24,
    max_string_chars=64 * 1024,
    max_array_items=100_000,
)
