"""The market's population at the start of a run: metering points and who serves them.

These are scenario facts. Each participant is built with only the slice it
would know in the real market (a supplier its portfolio, a data service its
appointments, the Registration Service its register), never a reference to
another participant.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

import attrs

from market.kernel.ids import Role, check_gsp_group, check_mpan_core

#: BPM-003 meter variants (brief c.0): T traditional, A advanced, S smart.
MeterVariant = Literal["T", "A", "S"]


def _mpan(_instance: object, _attribute: object, value: str) -> None:
    check_mpan_core(value)


def _gsp(_instance: object, _attribute: object, value: str) -> None:
    check_gsp_group(value)


@attrs.frozen(kw_only=True, slots=True)
class ServiceAppointment:
    """A data or metering service appointed to a metering point, from a date."""

    role: Role
    dip_id: str
    mpid: str
    effective_from: date


@attrs.frozen(kw_only=True, slots=True)
class LegacyAppointments:
    """The legacy agents serving an MPAN that never migrated (NHH data collector, MOP, DA)."""

    data_collector_mpid: str
    meter_operator_mpid: str
    data_aggregator_mpid: str


#: How an MPAN is tied to its site's primary MPAN (D13), as REGS records it.
MpanRelationship = Literal["LINKED_EXPORT", "RELATED_SECONDARY"]


@attrs.frozen(kw_only=True, slots=True)
class MeteringPoint:
    """One MPAN as the market stands before the run: regime, registrant, services, meter.

    ``last_read`` / ``last_read_on`` is the data service's last validated
    cumulative reading; ``daily_kwh`` is how fast the register advances, so every
    party that estimates a reading for a day gets the same answer from the same
    facts. ``legacy_agents`` serve an MPAN that never migrated (``migrated`` is
    false); ``supplier_read_offset_kwh`` is how far the registered supplier's own
    closing-read estimate is off (a scenario fact behind disputed reads, D8).
    ``relationship`` marks an MPAN whose service appointments follow another
    MPAN of its site (D13): ``LINKED_EXPORT`` (REG1038) or ``RELATED_SECONDARY``
    (REG1039).
    """

    mpan_core: str = attrs.field(validator=_mpan)
    gsp_group_id: str = attrs.field(validator=_gsp)
    variant: MeterVariant
    migrated: bool
    supplier_mpid: str
    supplier_effective_from: date
    data_service: ServiceAppointment | None
    metering_service: ServiceAppointment | None
    meter_id: str
    register_id: str
    last_read: Decimal
    last_read_on: date
    daily_kwh: Decimal
    legacy_agents: LegacyAppointments | None = None
    supplier_read_offset_kwh: Decimal = Decimal(0)
    relationship: MpanRelationship | None = None

    def register_on(self, day: date) -> Decimal:
        """The register's true reading at the start of ``day`` (linear from the last read)."""
        return (self.last_read + self.daily_kwh * (day - self.last_read_on).days).quantize(
            Decimal("0.001")
        )


def format_reading(value: Decimal) -> str:
    """A register reading as D-flows and IF-041 carry it: digits, a point, three decimals."""
    return f"{value.quantize(Decimal('0.001')):f}"
