"""Settlement-period consumption blocks shared by IF-021 (submission) and IF-014 (rejection).

A Data Service reports one UK settlement day (local midnight to local midnight)
per B900 wrapper: which quantity (B045), which day and period length (B046)
and one B047 per settlement period.
Each period is identified on the wire by ``sp``, the UTC instant at which it
*ends* (DI-082), not by a period number; :meth:`B900.period_values` derives the
numbers. Block ids, keys and field rules are DOC (DES138 as reconciled to the
v2.2.1 schema), with these RECON parts: the wrapper's list key ``B047List``
and its 1 to 50 bounds (the DIP's ``…List`` naming of repeated blocks; a
settlement day has 46, 48 or 50 periods, a day cut by an appointment boundary
fewer, so no one count is forced); ``arc``'s rule (the catalogue's DI-166 enum, nullable; its schema
definition was not seen); and ``e`` and ``arc`` being sent as ``null`` rather
than omitted.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

import attrs

from market.messages.dip.fields import (
    wire_datetime,
    wire_integer,
    wire_settlement_day,
    wire_text,
)
from market.messages.dip.formats import dip_id_text
from market.messages.dip.if001 import CONNECTION_TYPES
from market.messages.dip.if041 import READING_PATTERN
from market.messages.dip.wire import wire_block, wire_block_list

#: DI-052 measurement quantities: Active Import/Export, Reactive Import/Export.
MEASUREMENT_QUANTITIES: Final = ("AI", "AE", "RI", "RE")

#: DI-081: the v2.2.1 schema allows exactly 30 minutes.
PERIOD_MINUTES: Final = 30
SETTLEMENT_PERIOD: Final = timedelta(minutes=PERIOD_MINUTES)

#: DI-083 quality indicators, in v2.2.1 schema order: Actual, UMS estimate, estimation
#: methods E0–E9, zero estimates, Advanced actual/estimate variants, ADS methods EA1–EA13.
QUALITY_INDICATORS: Final = (
    "A",
    "E",
    *(f"E{method}" for method in range(10)),
    "ZE",
    "ZE1",
    "ZE2",
    "ZE3",
    "A1",
    "A2",
    "A3",
    "AAE1",
    "AAE2",
    "AAE3",
    "EAE1",
    "EAE2",
    "EAE3",
    *(f"EA{method}" for method in range(1, 14)),
)

#: DI-076 estimation reasons: 1 Opt Out, 2 Missing, 3 Invalid, 4 Comms Fault, 5 LTV,
#: 6 Disabled, 7 De-Energised, 8 Disconnected, 9 Consumption Amendment, 10 Non-Smart.
ESTIMATION_REASONS: Final = tuple(str(reason) for reason in range(1, 11))

#: DI-166 consumption amendment reasons (catalogue enum; the schema facts were not seen).
AMENDMENT_REASONS: Final = ("A", "E", "M", "R", "S", "T", "X")

_KWH_SHAPE: Final = "kWh with up to 9 digits, a point and exactly 3 decimals, e.g. '12.345'"

#: RECON bounds of ``B047List``: at least one period, at most 50.
MAX_PERIODS: Final = 50


@attrs.frozen(kw_only=True)
class B044:
    """The Data Service that produced the consumption."""

    issuing_data_service_dip_id: str = attrs.field(validator=dip_id_text("issuingDataServiceDIPID"))


@attrs.frozen(kw_only=True)
class B067:
    """The MPAN's connection type, which MDS uses to settle it."""

    connection_type_indicator: str = attrs.field(
        validator=wire_text("connectionTypeIndicator", choices=CONNECTION_TYPES)
    )
    connection_type_effective_from_date: datetime = attrs.field(
        validator=wire_datetime("connectionTypeEffectiveFromDate")
    )


@attrs.frozen(kw_only=True)
class B045:
    """What the values measure: ``AI`` for the active import of ``[ActivePower]``."""

    measurement_quantity_id: str = attrs.field(
        validator=wire_text("measurementQuantityID", choices=MEASUREMENT_QUANTITIES)
    )


@attrs.frozen(kw_only=True)
class B046:
    """The settlement day (its start, 00:00 UK local time) and the period length in minutes.

    A settlement day is a UK local calendar day, as ``MHHSRegimeEndDate`` (B094) is:
    in summer time it starts at 23:00 UTC the day before, and it has 46, 48 or 50
    periods (:func:`~market.kernel.settlement_calendar.settlement_periods`).
    """

    settlement_day_date: datetime = attrs.field(validator=wire_settlement_day("settlementDayDate"))
    period_duration: int = attrs.field(
        default=PERIOD_MINUTES,
        validator=wire_integer("periodDuration", minimum=PERIOD_MINUTES, maximum=PERIOD_MINUTES),
    )


@attrs.frozen(kw_only=True)
class B047:
    """One settlement period: its UTC end, its value and how the value was obtained.

    ``e`` (why the value was estimated) and ``arc`` (why it was amended) are
    nullable and always sent.
    """

    sp: datetime = attrs.field(validator=wire_datetime("sp", utc=True))
    v: str = attrs.field(validator=wire_text("v", pattern=READING_PATTERN, shape=_KWH_SHAPE))
    q: str = attrs.field(validator=wire_text("q", choices=QUALITY_INDICATORS))
    e: str | None = attrs.field(validator=wire_text("e", choices=ESTIMATION_REASONS, nullable=True))
    arc: str | None = attrs.field(
        validator=wire_text("arc", choices=AMENDMENT_REASONS, nullable=True)
    )


#: B047's ``v`` field, whose rule checks each value of a day once (see ``B900.for_day``).
_PERIOD_VALUE_FIELD: Final = attrs.fields(B047).v


@functools.lru_cache(maxsize=256)
def _period_starts(day: datetime, count: int) -> tuple[datetime, ...]:
    """The ``sp`` of periods 1 … ``count`` of the day starting at ``day``: every reverse
    migration settled on a day shares them, so they are worked out once per day."""
    return tuple(day + SETTLEMENT_PERIOD * number for number in range(1, count + 1))


def _day_periods(
    day: datetime, values: Sequence[str], quality: str, reason: str | None
) -> tuple[B047, ...]:
    """Periods 1, 2, … of the settlement day starting at ``day``, with ``values``, each rule
    checked once per value.

    The first period is built with all its validators; each later value is
    checked by B047's ``v`` rule; the later periods are then built without the
    rest (their ``q``, ``e`` and ``arc`` are the first's, their ``sp`` whole
    periods after the day start).
    """

    if not values:
        return ()
    starts = _period_starts(day, len(values))

    def period(number: int, value: str) -> B047:
        return B047(sp=starts[number - 1], v=value, q=quality, e=reason, arc=None)

    first = period(1, values[0])
    check_value = _PERIOD_VALUE_FIELD.validator
    assert check_value is not None  # B047.v carries its wire rule
    for value in values[1:]:
        check_value(first, _PERIOD_VALUE_FIELD, value)
    # Not attrs.validators.disabled(): that turns validators back on at exit even if
    # the caller had turned them off.
    were_disabled = attrs.validators.get_disabled()
    attrs.validators.set_disabled(True)
    try:
        later = tuple(period(number, value) for number, value in enumerate(values[1:], start=2))
    finally:
        attrs.validators.set_disabled(were_disabled)
    return (first, *later)


@attrs.frozen(kw_only=True)
class B900:
    """One settlement day of one measurement quantity: B045, B046 and its periods."""

    b045: B045 = attrs.field(validator=wire_block("B045", B045))
    b046: B046 = attrs.field(validator=wire_block("B046", B046))
    b047_list: tuple[B047, ...] = attrs.field(
        validator=wire_block_list("B047List", B047, min_items=1, max_items=MAX_PERIODS)
    )

    @classmethod
    def for_day(
        cls,
        *,
        measurement_quantity_id: str,
        settlement_day_date: datetime,
        values: Sequence[str],
        quality_indicator: str = "A",
        estimation_reason: str | None = None,
    ) -> B900:
        """Periods 1, 2, … of ``settlement_day_date`` with ``values``, all of one quality.

        Every rule is checked once per value rather than once per period (see
        ``_day_periods``): a day holds 48 periods, and a run builds one day per
        reverse migration, so this matters under load.
        """
        b046 = B046(settlement_day_date=settlement_day_date)
        periods = _day_periods(settlement_day_date, values, quality_indicator, estimation_reason)
        return cls(
            b045=B045(measurement_quantity_id=measurement_quantity_id),
            b046=b046,
            b047_list=periods,
        )

    @property
    def settlement_day_date(self) -> datetime:
        """B046 ``settlementDayDate``."""
        return self.b046.settlement_day_date

    def period_values(self) -> tuple[tuple[int, str], ...]:
        """``(period number, kWh)`` per period; period *n* ends *n* periods after the day starts.

        Whether each ``sp`` really falls on a period boundary of the day is the
        MDS's business check (ECS1005), not a schema rule, so a misaligned
        ``sp`` gives the number of the period it falls in.
        """
        start = self.b046.settlement_day_date
        length = timedelta(minutes=self.b046.period_duration)
        return tuple(((period.sp - start) // length, period.v) for period in self.b047_list)
