"""A model answer to the guide's exercises: an incoming NHH data collector.

Try the exercises in ``data_collector.py`` first; compare afterwards. Grade it:

    market grade examples/learner/model_answer.py:DataCollector

It uses only the participant API (``from market import ...``), like any participant a
user writes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from market import (
    D0010,
    D0011,
    D0019,
    D0086,
    D0148,
    D0149,
    D0150,
    D0155,
    D0170,
    D0302,
    Address,
    Context,
    Participant,
    ParticipantIdentity,
    Role,
    format_reading,
)

#: Working days after the supply start date by which a reading must be settled (D9).
CUTOFF_WORKING_DAYS = 5
#: How far a customer's reading may stray from the estimate and still be accepted (kWh).
TOLERANCE_KWH = Decimal("100")
#: The EAC assumed with no reading history (a typical profile class 1 home).
DEFAULT_EAC_KWH = Decimal("3100")


@attrs.frozen
class CutOff:
    """Timer: the last moment to settle the change-of-supply reading of one MPAN."""

    mpan_core: str


@attrs.define
class Site:
    """What the data collector knows about one MPAN it was appointed for."""

    appointment: D0155
    parties: D0148 | None = None
    meter: D0150 | None = None
    history: list[tuple[date, Decimal]] = attrs.field(factory=list)
    customer_reading: tuple[date, Decimal] | None = None
    cutoff_timer: int | None = None
    asked_for_history: bool = False
    settled: bool = False


def daily_advance(history: list[tuple[date, Decimal]]) -> Decimal:
    """kWh a day between the first and last readings of the history (a default without two)."""
    if len(history) >= 2:
        (first_on, first), (last_on, last) = history[0], history[-1]
        if (last_on - first_on).days > 0:
            return (last - first) / (last_on - first_on).days
    return DEFAULT_EAC_KWH / 365


class DataCollector(Participant):
    """The incoming NHH data collector: appointment, parties, meter details, readings, settling."""

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        self.sites: dict[str, Site] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """React to each D-flow (and to the cut-off timer) the data collector receives."""
        match message:
            case D0155():
                self.accept_appointment(ctx, message)
                self.start_cutoff_timer(ctx, message)
            case D0148():
                self.sites[message.mpan_core].parties = message
                self.ask_for_history(ctx, message)
                self.try_to_settle(ctx, message.mpan_core, cut_off=False)
            case D0150():
                self.sites[message.mpan_core].meter = message
                self.try_to_settle(ctx, message.mpan_core, cut_off=False)
            case D0010():
                self.take_reading(ctx, message)
                self.try_to_settle(ctx, message.mpan_core, cut_off=False)
            case CutOff():
                self.sites[message.mpan_core].cutoff_timer = None
                self.try_to_settle(ctx, message.mpan_core, cut_off=True)
            case D0149() | D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    # Exercise 1 ---------------------------------------------------------------------------
    def accept_appointment(self, ctx: Context, appointment: D0155) -> None:
        """C10: remember the site and accept the appointment with D0011 to the supplier."""
        self.sites[appointment.mpan_core] = Site(appointment=appointment)
        ctx.record("appointment_accepted", mpan=appointment.mpan_core)
        ctx.send_flow(
            D0011,
            to=Address(mpid=appointment.supplier_mpid, role=Role.SUPPLIER),
            mpan_core=appointment.mpan_core,
            appointed_role=appointment.appointed_role,
            effective_from_date=appointment.effective_from_date,
            contract_reference=appointment.contract_reference,
        )

    # Exercise 2 ---------------------------------------------------------------------------
    def take_reading(self, ctx: Context, reading: D0010) -> None:
        """Keep a reading: the supplier's is the customer's own; any other is history."""
        site = self.sites[reading.mpan_core]
        value = Decimal(reading.reading)
        if reading.from_role == Role.SUPPLIER:
            site.customer_reading = (reading.reading_date, value)
        else:
            site.history.append((reading.reading_date, value))
            site.history.sort()
        ctx.record("reading_received", mpan=reading.mpan_core, reading=reading.reading)

    def try_to_settle(self, ctx: Context, mpan: str, *, cut_off: bool) -> None:
        """T6/S4 and T7/S5: once parties, meter details and readings are in (or at the cut-off)."""
        site = self.sites[mpan]
        if site.settled or site.parties is None or site.meter is None:
            return
        have_everything = site.customer_reading is not None and bool(site.history)
        if not (have_everything or cut_off):
            return
        ssd = site.appointment.effective_from_date
        daily = daily_advance(site.history)
        estimate = None
        if site.history:
            last_on, last = site.history[-1]
            estimate = last + daily * (ssd - last_on).days
        reading_type, value = "D", estimate
        if site.customer_reading is not None:
            read_on, customer = site.customer_reading
            projected = customer + daily * (ssd - read_on).days
            if estimate is None or abs(projected - estimate) <= TOLERANCE_KWH:
                reading_type, value = "A", projected
        if value is None:
            ctx.record("cos_reading_unobtainable", mpan=mpan)
            return
        site.settled = True
        if site.cutoff_timer is not None:
            ctx.cancel_timer(site.cutoff_timer)
        self.settle(ctx, site, reading_type, value, daily)

    def settle(
        self, ctx: Context, site: Site, reading_type: str, value: Decimal, daily: Decimal
    ) -> None:
        """D0086 to both suppliers, D0019 (the EAC) to the data aggregator."""
        appointment, parties, meter = site.appointment, site.parties, site.meter
        assert parties is not None and meter is not None  # checked by try_to_settle
        mpan = appointment.mpan_core
        outgoing = parties.outgoing_supplier_mpid or appointment.supplier_mpid
        suppliers = [appointment.supplier_mpid]
        if parties.outgoing_supplier_mpid is not None:
            suppliers.append(parties.outgoing_supplier_mpid)
        for supplier in suppliers:
            ctx.send_flow(
                D0086,
                to=Address(mpid=supplier, role=Role.SUPPLIER),
                mpan_core=mpan,
                meter_id=meter.meter_id,
                register_id=meter.registers[0],
                supply_start_date=appointment.effective_from_date,
                reading=format_reading(value),
                reading_type=reading_type,
                incoming_supplier_mpid=appointment.supplier_mpid,
                outgoing_supplier_mpid=outgoing,
            )
        if parties.data_aggregator_mpid is not None:
            ctx.send_flow(
                D0019,
                to=Address(mpid=parties.data_aggregator_mpid, role=Role.NHH_DATA_AGGREGATOR),
                mpan_core=mpan,
                effective_from_date=appointment.effective_from_date,
                estimated_annual_consumption_kwh=format_reading(daily * 365),
                annualised_advance_kwh=None,
            )

    # Exercise 3 ---------------------------------------------------------------------------
    def start_cutoff_timer(self, ctx: Context, appointment: D0155) -> None:
        """D9: a timer for 17:00 on the 5th working day after the SSD, to deem a reading then."""
        cutoff_day = ctx.calendar.add_working_days(
            appointment.effective_from_date, CUTOFF_WORKING_DAYS
        )
        self.sites[appointment.mpan_core].cutoff_timer = ctx.set_timer(
            ctx.calendar.working_instant(cutoff_day, 17),
            CutOff(appointment.mpan_core),
            mpan=appointment.mpan_core,
        )

    # Exercise 4 ---------------------------------------------------------------------------
    def ask_for_history(self, ctx: Context, parties: D0148) -> None:
        """L3 / T2q: when D0148 names a previous data collector, ask it for readings (D0170)."""
        site = self.sites[parties.mpan_core]
        previous = parties.outgoing_data_collector_mpid
        role = parties.outgoing_data_collector_role
        if previous is None or role is None or site.asked_for_history:
            return
        site.asked_for_history = True
        ctx.send_flow(
            D0170,
            to=Address(mpid=previous, role=role),
            mpan_core=parties.mpan_core,
            requested_item="READINGS",
        )
