"""Exercises: write the incoming NHH data collector (the guide's chapter 6).

The built-in market's incoming NHH data collector is ``NHHDC-NDCE``. Fill in the
four methods marked "Exercise" below; everything else is given. Then grade it:

    market grade examples/learner/data_collector.py:DataCollector

The grader runs real scenarios with your class in place of ``NHHDC-NDCE`` and
tells you which step never happened and what your data collector should have
sent to whom. Useful while you work:

    market run --mpans 1 --journal run.jsonl --quiet
    market explain --journal run.jsonl --mpan <MPAN>      (what the built-in DC does)

The tools (all from ``market``; its guide is ``market/participant.py``):
``ctx.send_flow(D0011, to=Address(mpid=..., role=...), mpan_core=..., <data items>)``
builds a D-flow from you and sends it (mypy checks the data items);
``ctx.set_timer(at, payload, mpan=...)`` delivers ``payload`` back to you at ``at``;
``ctx.calendar`` counts working days. ``docs/message-flows.md`` lists each step's sender,
recipients and flow. A model answer is in ``model_answer.py``: try first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from market import (
    D0010,
    D0148,
    D0149,
    D0150,
    D0155,
    D0302,
    Context,
    Participant,
    ParticipantIdentity,
    Role,
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
        # TODO: send D0011 to the supplier that appointed you (role SUP, MPID
        # appointment.supplier_mpid), repeating the appointment's appointed_role,
        # effective_from_date and contract_reference.

    # Exercise 2 ---------------------------------------------------------------------------
    def settle(
        self, ctx: Context, site: Site, reading_type: str, value: Decimal, daily: Decimal
    ) -> None:
        """T6 / S4: D0086 to both suppliers; T7 / S5: D0019 (the EAC) to the data aggregator."""
        # TODO: send D0086 (meter_id, register_id from site.meter; supply_start_date;
        # reading=format_reading(value) (from market); reading_type; incoming_supplier_mpid and
        # outgoing_supplier_mpid) to the incoming supplier and, when site.parties
        # names one, to the outgoing supplier; then D0019 (effective_from_date,
        # estimated_annual_consumption_kwh=format_reading(daily * 365),
        # annualised_advance_kwh=None) to the data aggregator site.parties names.

    # Exercise 3 ---------------------------------------------------------------------------
    def start_cutoff_timer(self, ctx: Context, appointment: D0155) -> None:
        """D9: a timer for 17:00 on the 5th working day after the SSD, to deem a reading then."""
        # TODO: find the day with ctx.calendar.add_working_days(...), the instant with
        # ctx.calendar.working_instant(day, 17), and set a timer whose payload is
        # CutOff(mpan); keep its id in the site's cutoff_timer.

    # Exercise 4 ---------------------------------------------------------------------------
    def ask_for_history(self, ctx: Context, parties: D0148) -> None:
        """L3 / T2q: when D0148 names a previous data collector, ask it for readings (D0170)."""
        # TODO: if parties.outgoing_data_collector_mpid and _role are given (and you
        # have not asked yet), send D0170 with requested_item="READINGS" to it.

    # Given: keeping readings and deciding the change-of-supply reading --------------------
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
