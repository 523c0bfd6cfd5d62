"""UK local time for virtual instants, and the DIP's 25-character datetime format.

Virtual instants throughout the simulator are timezone-aware ``datetime`` values
in UTC. People and the DIP see them in UK local time (GMT in winter, BST in
summer); settlement days run from local midnight to local midnight.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from market.kernel.exceptions import InvalidIdentifierError

UK: Final = ZoneInfo("Europe/London")

#: Shape of a DT-003 datetime (``YYYY-MM-DDThh:mm:ss±hh:mm``); shared with the JSON Schemas.
DIP_DATETIME_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"

_DIP_DATETIME = re.compile(DIP_DATETIME_PATTERN, re.ASCII)


def to_local(at: datetime) -> datetime:
    """``at`` as UK local wall-clock time (aware, Europe/London)."""
    return at.astimezone(UK)


def settlement_date_of(at: datetime) -> date:
    """The settlement date (UK local calendar day) that contains the instant ``at``."""
    return at.astimezone(UK).date()


def local_midnight(day: date) -> datetime:
    """The instant (UTC) at which settlement date ``day`` begins in UK local time."""
    return datetime.combine(day, time(0, 0), tzinfo=UK).astimezone(UTC)


def local_instant(day: date, hour: int, minute: int = 0) -> datetime:
    """The instant (UTC) of ``hour:minute`` UK local time on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=UK).astimezone(UTC)


def format_dip_datetime(at: datetime) -> str:
    """DT-003: exactly 25 characters, ``YYYY-MM-DDThh:mm:ss±hh:mm``, in UK local offset."""
    if at.tzinfo is None:
        raise InvalidIdentifierError(
            f"datetime {at!r}: must be timezone-aware to render as a DIP DT-003 value"
        )
    return _uk_iso_seconds(at)


def parse_dip_datetime(text: str) -> datetime:
    """Parse a DT-003 value (exactly 25 characters with an offset) into a UTC instant."""
    if not isinstance(text, str) or len(text) != 25 or not _DIP_DATETIME.match(text):
        raise InvalidIdentifierError(
            f"datetime {text!r}: must be exactly 25 characters, YYYY-MM-DDThh:mm:ss±hh:mm "
            "(e.g. '2026-03-02T00:00:00+00:00')"
        )
    problem = dip_datetime_range_problem(text)
    if problem is not None:
        raise InvalidIdentifierError(f"datetime {text!r}: {problem}")
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidIdentifierError(
            f"datetime {text!r}: not a real date and time ({error})"
        ) from error


#: The years a DT-003 value may name: the market's past and future, nothing a calendar
#: conversion could overflow on.
DIP_YEARS: Final = range(1900, 2200)
#: The UTC offsets a DT-003 value may carry: real-world ones, −12:00 to +14:00, on the
#: quarter hour (UK values are +00:00 and +01:00).
_OFFSET_MINUTES: Final = range(-12 * 60, 14 * 60 + 1)


def dip_datetime_range_problem(text: str) -> str | None:
    """The range rule a well-formed ``YYYY-MM-DDThh:mm:ss±hh:mm`` breaks, or ``None``."""
    year = int(text[0:4])
    if year not in DIP_YEARS:
        return f"year {year} is outside {DIP_YEARS.start}-{DIP_YEARS.stop - 1}"
    hours, minutes = int(text[20:22]), int(text[23:25])
    offset = (hours * 60 + minutes) * (-1 if text[19] == "-" else 1)
    if minutes % 15 or offset not in _OFFSET_MINUTES:
        return (
            f"UTC offset {text[19:]} is not a real one (-12:00 to +14:00, minutes 00, 15, 30 or 45)"
        )
    return None


def format_journal_instant(at: datetime) -> str:
    """ISO 8601 with UK local offset and no microseconds, as journal lines show instants."""
    return _uk_iso_seconds(at)


@functools.lru_cache(maxsize=1 << 14)
def _uk_iso_seconds(at: datetime) -> str:
    """``at`` in UK local time, whole seconds, ISO 8601 with offset.

    Remembered per instant: a run renders the same few thousand instants (batch
    times, settlement days) over and over, and the time-zone conversion costs
    more than the look-up. Equal aware datetimes are the same instant, so they
    share one rendering whatever their tzinfo.
    """
    return at.astimezone(UK).replace(microsecond=0).isoformat()


ONE_DAY: Final = timedelta(days=1)
