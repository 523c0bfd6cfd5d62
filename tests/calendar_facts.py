"""Published facts of the GB settlement calendar for 2026 and 2027, written out by hand.

The calendar tests compare the code against these, never against the code
itself, so a calendar that drifts from the real one fails them. Sources:
gov.uk's bank-holiday list for England and Wales, and the Europe/London clock
changes (last Sunday of March and of October, at 01:00 UTC).
"""

from __future__ import annotations

from datetime import date
from typing import Final

YEARS: Final = (2026, 2027)

#: The clock-change Sundays: 46 half-hours when the clocks go forward, 50 when they go back.
CLOCK_CHANGES: Final = {
    date(2026, 3, 29): 46,
    date(2026, 10, 25): 50,
    date(2027, 3, 28): 46,
    date(2027, 10, 31): 50,
}
#: The settlement days whose local midnight is in summer time (+01:00), first and last; the
#: years around 2026-2027 too, for the appointment dates and deadlines a run also shows.
BST_MIDNIGHTS: Final = {
    2024: (date(2024, 4, 1), date(2024, 10, 27)),
    2025: (date(2025, 3, 31), date(2025, 10, 26)),
    2026: (date(2026, 3, 30), date(2026, 10, 25)),
    2027: (date(2027, 3, 29), date(2027, 10, 31)),
    2028: (date(2028, 3, 27), date(2028, 10, 29)),
}
#: The weekday England & Wales bank holidays of each year (gov.uk), substitutes included.
WEEKDAY_BANK_HOLIDAYS: Final = {
    2026: (
        date(2026, 1, 1),  # New Year's Day (Thursday)
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday
        date(2026, 8, 31),  # Summer bank holiday
        date(2026, 12, 25),  # Christmas Day (Friday)
        date(2026, 12, 28),  # Boxing Day substitute (the 26th is a Saturday)
    ),
    2027: (
        date(2027, 1, 1),  # New Year's Day (Friday)
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday (the day after the clocks go forward)
        date(2027, 5, 3),  # Early May bank holiday
        date(2027, 5, 31),  # Spring bank holiday
        date(2027, 8, 30),  # Summer bank holiday
        date(2027, 12, 27),  # Christmas Day substitute (the 25th is a Saturday)
        date(2027, 12, 28),  # Boxing Day substitute (the 26th is a Sunday)
    ),
}
ALL_WEEKDAY_BANK_HOLIDAYS: Final = tuple(d for year in YEARS for d in WEEKDAY_BANK_HOLIDAYS[year])


def local_midnight_text(day: date) -> str:
    """How settlement day ``day`` starts on the DIP: UK local midnight with its offset."""
    first_bst, last_bst = BST_MIDNIGHTS[day.year]
    offset = "+01:00" if first_bst <= day <= last_bst else "+00:00"
    return f"{day.isoformat()}T00:00:00{offset}"


def periods_on(day: date) -> int:
    """The settlement periods of ``day``: 48, or the clock change's 46 or 50."""
    return CLOCK_CHANGES.get(day, 48)
