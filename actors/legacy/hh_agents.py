"""Incoming legacy agents of an advanced meter: HH Data Collector, Meter Operator, Aggregator.

Variant A of a reverse migration (brief c.3; contract path RM-A). Like their
NHH counterparts they are not DIP users: they talk D-flows over the DTN,
addressed by MPID. Each accepts its appointment (C10, D0011; or, with
``rejection_probability``, rejects it with D0261 under D6) and learns the
other parties (C11, D0148). Then the HHMOA forwards the HH meter technical
details the outgoing MSA released (A3 → A4, D0268), asking the MSA for them
with D0170 when the supplier says REGS did not name the HHMOA to it (A3q). The
HHDC takes the MTDs and the outgoing ADS's final reading (A2, D0010; asked for
with D0170 in A2q), collects the supply start date's half-hourly data remotely
the next morning and reports it to the HHDA (A5, D0036) and the supplier (A5a,
D0275), and sends both suppliers the supply start date's register read (A5b,
D0010, an actual change-of-supplier read) for the outgoing supplier to check its
closing read against (A6, D8). The HHDA records the advances for settlement.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs

from actors.support import LegacyAgent
from market.kernel.ids import Role
from market.kernel.local_time import ONE_DAY
from market.kernel.settlement_calendar import settlement_periods
from market.messages.dtn import (
    D0010,
    D0036,
    D0148,
    D0153,
    D0155,
    D0170,
    D0209,
    D0268,
    D0275,
    D0302,
    Address,
    DFlow,
)
from market.participant import Context, ParticipantIdentity
from market.process.population import format_reading

#: Daily consumption the HHDC assumes for an advanced (larger, non-domestic) site when the
#: outgoing data service's readings give it no advance to work from.
DEFAULT_DAILY_KWH = Decimal("30")
#: Local hour at which the HHDC collects the previous day's half-hourly data remotely.
COLLECTION_HOUR = 6
#: Working days the HHDC retries a collection it cannot complete before it gives up (so a
#: run whose MTDs never come still ends, with the reason in the journal).
DEFAULT_COLLECTION_RETRIES = 10
#: Half hours in an ordinary day: a daily consumption is spread at this many per day, so a
#: 46- or 50-period day uses less or more, as a site with a steady load would.
_ORDINARY_DAY_PERIODS = 48


@attrs.define(kw_only=True)
class MeterOperation:
    """The HHMOA's record of one MPAN whose advanced meter it operates."""

    parties: D0148 | None = None
    meter_details: D0268 | None = None
    forwarded_to: set[tuple[Role, str]] = attrs.field(factory=set)
    details_requested: bool = False


class HhMeterOperator(LegacyAgent):
    """An incoming legacy HH Meter Operator (HHMOA)."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        ldso_mpid_by_distributor: Mapping[str, str],
        rejection_probability: float = 0.0,
    ) -> None:
        super().__init__(identity)
        self.ldso_mpid_by_distributor = dict(ldso_mpid_by_distributor)
        self.rejection_probability = rejection_probability
        self.operations: dict[str, MeterOperation] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Accept appointments; get the MTDs (asking if need be) and forward them (A3q, A4)."""
        match message:
            case D0155():
                if self._answer_appointment(ctx, message):
                    self.operations[message.mpan_core] = MeterOperation()
            case D0148() | D0268() | D0302() if message.mpan_core not in self.operations:
                _record_without_appointment(ctx, message)
            case D0148():
                operation = self.operations[message.mpan_core]
                operation.parties = message
                self._request_meter_details(ctx, operation, message)
                self._forward(ctx, message.mpan_core, operation)
            case D0268():
                operation = self.operations[message.mpan_core]
                operation.meter_details = message
                operation.forwarded_to.clear()
                ctx.record(
                    "meter_technical_details_received",
                    mpan=message.mpan_core,
                    flow=message.flow_id,
                    sender=message.from_mpid,
                )
                self._forward(ctx, message.mpan_core, operation)
            case D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _request_meter_details(
        self, ctx: Context, operation: MeterOperation, parties: D0148
    ) -> None:
        """A3q: ask the outgoing meter operator the supplier named, once, if no MTDs came."""
        outgoing_mpid = parties.outgoing_meter_operator_mpid
        outgoing_role = parties.outgoing_meter_operator_role
        if (
            operation.details_requested
            or operation.meter_details is not None
            or outgoing_mpid is None
            or outgoing_role is None
        ):
            return
        operation.details_requested = True
        ctx.record(
            "meter_technical_details_requested",
            mpan=parties.mpan_core,
            outgoing_meter_operator=outgoing_mpid,
            outgoing_role=str(outgoing_role),
        )
        ctx.send_flow(
            D0170,
            to=Address(mpid=outgoing_mpid, role=outgoing_role),
            mpan_core=parties.mpan_core,
            requested_item="MTD",
        )

    def _forward(self, ctx: Context, mpan: str, operation: MeterOperation) -> None:
        """A4: the MTDs to the HHDC, the supplier and the LDSO, once the D0148 has named them."""
        parties, details = operation.parties, operation.meter_details
        if parties is None or details is None:
            return
        targets: list[tuple[Role, str]] = []
        if parties.data_collector_mpid is not None:
            targets.append((Role.HH_DATA_COLLECTOR, parties.data_collector_mpid))
        targets.append((Role.SUPPLIER, parties.supplier_mpid))
        ldso = self.ldso_mpid_by_distributor.get(mpan[:2])
        if ldso is not None:
            targets.append((Role.LDSO, ldso))
        new_targets = [target for target in targets if target not in operation.forwarded_to]
        if not new_targets:
            return
        if ldso is None:
            ctx.record("ldso_unknown", mpan=mpan, distributor=mpan[:2])
        for role, mpid in new_targets:
            operation.forwarded_to.add((role, mpid))
            ctx.forward_flow(details, to=Address(mpid=mpid, role=role))


@attrs.frozen(kw_only=True, slots=True)
class CollectHalfHourlyData:
    """Timer: collect the supply start date's half-hourly data from the meter and report it."""

    mpan_core: str


@attrs.define(kw_only=True)
class HalfHourlyCollection:
    """The HHDC's record of one MPAN it collects half-hourly data for."""

    appointment: D0155
    parties: D0148 | None = None
    meter_details: D0268 | None = None
    readings: list[tuple[date, Decimal]] = attrs.field(factory=list)
    #: The register reading dated the supply start date (the outgoing ADS's final read, A2).
    ssd_reading: D0010 | None = None
    readings_requested: bool = False
    retries: int = 0
    reported: bool = False


class HhDataCollector(LegacyAgent):
    """An incoming legacy HH Data Collector (HHDC).

    It reports the half-hourly advances of the supply start date only (the
    first settlement day it is responsible for, which closes the reverse
    migration); later days are business as usual and not simulated. Until it
    has the MTDs and knows the HHDA it retries each working day at 06:00, at
    most ``collection_retries`` times.
    """

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        default_daily_kwh: Decimal = DEFAULT_DAILY_KWH,
        collection_retries: int = DEFAULT_COLLECTION_RETRIES,
        rejection_probability: float = 0.0,
    ) -> None:
        super().__init__(identity)
        self.default_daily_kwh = default_daily_kwh
        self.collection_retries = collection_retries
        self.rejection_probability = rejection_probability
        self.collections: dict[str, HalfHourlyCollection] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Collect appointment, parties, MTDs and readings; report the SSD's HH data (A5)."""
        match message:
            case D0155():
                self._on_appointed(ctx, message)
            case D0148() | D0268() | D0010() | D0302() if message.mpan_core not in self.collections:
                _record_without_appointment(ctx, message)
            case D0148():
                collection = self.collections[message.mpan_core]
                collection.parties = message
                self._request_readings(ctx, collection, message)
            case D0268():
                self.collections[message.mpan_core].meter_details = message
                ctx.record(
                    "meter_technical_details_received",
                    mpan=message.mpan_core,
                    flow=message.flow_id,
                    sender=message.from_mpid,
                )
            case D0010():
                self._on_reading(ctx, message)
            case D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case CollectHalfHourlyData():
                self._collect(ctx, self.collections[message.mpan_core])
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_appointed(self, ctx: Context, appointment: D0155) -> None:
        if not self._answer_appointment(ctx, appointment):
            return
        mpan = appointment.mpan_core
        self.collections[mpan] = HalfHourlyCollection(appointment=appointment)
        ctx.set_timer(
            ctx.calendar.working_instant(
                appointment.effective_from_date + ONE_DAY, COLLECTION_HOUR
            ),
            CollectHalfHourlyData(mpan_core=mpan),
            mpan=mpan,
        )

    def _request_readings(
        self, ctx: Context, collection: HalfHourlyCollection, parties: D0148
    ) -> None:
        """A2q: ask the outgoing data collector the supplier named, once, if no reading came."""
        outgoing_mpid = parties.outgoing_data_collector_mpid
        outgoing_role = parties.outgoing_data_collector_role
        if (
            collection.readings_requested
            or collection.readings
            or outgoing_mpid is None
            or outgoing_role is None
        ):
            return
        collection.readings_requested = True
        ctx.record(
            "readings_requested",
            mpan=parties.mpan_core,
            outgoing_data_collector=outgoing_mpid,
            outgoing_role=str(outgoing_role),
        )
        ctx.send_flow(
            D0170,
            to=Address(mpid=outgoing_mpid, role=outgoing_role),
            mpan_core=parties.mpan_core,
            requested_item="READINGS",
        )

    def _on_reading(self, ctx: Context, reading: D0010) -> None:
        collection = self.collections[reading.mpan_core]
        collection.readings.append((reading.reading_date, Decimal(reading.reading)))
        collection.readings.sort()
        if reading.reading_date == collection.appointment.effective_from_date:
            collection.ssd_reading = reading
        ctx.record(
            "reading_received",
            mpan=reading.mpan_core,
            source=str(reading.from_role),
            reading=reading.reading,
            reading_type=reading.reading_type,
            read_on=reading.reading_date.isoformat(),
        )

    def _collect(self, ctx: Context, collection: HalfHourlyCollection) -> None:
        """A5 / A5a, or wait a working day for what is still missing."""
        if collection.reported:
            return
        mpan = collection.appointment.mpan_core
        parties = collection.parties
        if collection.meter_details is None:
            self._retry(ctx, collection, "hh_data_awaiting_meter_details")
            return
        if parties is None or parties.data_aggregator_mpid is None:
            self._retry(ctx, collection, "hh_data_awaiting_aggregator")
            return
        if collection.ssd_reading is None:
            self._retry(ctx, collection, "hh_data_awaiting_final_reading")
            return
        collection.reported = True
        appointment = collection.appointment
        settlement_date = appointment.effective_from_date
        daily_kwh = self._daily_kwh(collection)
        advance = format_reading(daily_kwh / _ORDINARY_DAY_PERIODS)
        period_values = tuple(
            (period, advance) for period in range(1, settlement_periods(settlement_date) + 1)
        )
        ctx.record(
            "hh_advances_reported",
            mpan=mpan,
            settlement_date=settlement_date.isoformat(),
            periods=len(period_values),
            period_kwh=advance,
        )
        for flow_type, role, mpid in (
            (D0036, Role.HH_DATA_AGGREGATOR, parties.data_aggregator_mpid),
            (D0275, Role.SUPPLIER, appointment.supplier_mpid),
        ):
            ctx.send_flow(
                flow_type,
                to=Address(mpid=mpid, role=role),
                mpan_core=mpan,
                settlement_date=settlement_date,
                measurement_quantity="AI",
                supplier_mpid=appointment.supplier_mpid,
                period_values=period_values,
            )
        self._confirm_cos_reading(ctx, collection.ssd_reading, parties)

    def _confirm_cos_reading(self, ctx: Context, reading: D0010, parties: D0148) -> None:
        """A5b: the SSD register read, as an actual change-of-supplier read, to both suppliers.

        The outgoing supplier checks it against its own closing read (A6, D8).
        """
        suppliers = [parties.supplier_mpid]
        if parties.outgoing_supplier_mpid is not None:
            suppliers.append(parties.outgoing_supplier_mpid)
        for supplier_mpid in suppliers:
            ctx.send_flow(
                D0010,
                to=Address(mpid=supplier_mpid, role=Role.SUPPLIER),
                mpan_core=reading.mpan_core,
                meter_id=reading.meter_id,
                register_id=reading.register_id,
                reading_date=reading.reading_date,
                reading=reading.reading,
                reading_type="A",
                reading_method=None,
            )

    def _retry(self, ctx: Context, collection: HalfHourlyCollection, event: str) -> None:
        """Record what is missing; try again the next working day, or give up after enough."""
        mpan = collection.appointment.mpan_core
        if collection.retries >= self.collection_retries:
            ctx.record(
                "hh_data_collection_abandoned",
                mpan=mpan,
                reason=event,
                retries=collection.retries,
            )
            return
        collection.retries += 1
        retry_at = ctx.calendar.working_instant(
            ctx.calendar.next_working_day(ctx.today), COLLECTION_HOUR
        )
        ctx.record(event, mpan=mpan, retry_at=retry_at.isoformat())
        ctx.set_timer(retry_at, CollectHalfHourlyData(mpan_core=mpan), mpan=mpan)

    def _daily_kwh(self, collection: HalfHourlyCollection) -> Decimal:
        """The advance per day between the first and last reading, or the default without two."""
        if len(collection.readings) >= 2:
            (first_on, first), (last_on, last) = collection.readings[0], collection.readings[-1]
            days = (last_on - first_on).days
            if days > 0 and last >= first:
                return (last - first) / days
        return self.default_daily_kwh


class HhDataAggregator(LegacyAgent):
    """An incoming legacy HH Data Aggregator: the end of the line for a variant-A migration."""

    def __init__(
        self, identity: ParticipantIdentity, *, rejection_probability: float = 0.0
    ) -> None:
        super().__init__(identity)
        self.rejection_probability = rejection_probability
        self.advances: dict[tuple[str, date, str], D0036] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Accept appointments, take REGS's instructions, keep HH advances for settlement."""
        match message:
            case D0153():
                self._answer_appointment(ctx, message)
            case D0209() | D0148() | D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case D0036():
                key = (message.mpan_core, message.settlement_date, message.measurement_quantity)
                self.advances[key] = message
                total = sum((Decimal(kwh) for _, kwh in message.period_values), Decimal(0))
                ctx.record(
                    "hh_advances_received",
                    mpan=message.mpan_core,
                    settlement_date=message.settlement_date.isoformat(),
                    measurement_quantity=message.measurement_quantity,
                    periods=len(message.period_values),
                    total_kwh=format_reading(total),
                )
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)


def _record_without_appointment(ctx: Context, flow: DFlow) -> None:
    """A flow about an MPAN the agent was never appointed to: journalled, then left alone."""
    ctx.record(
        "flow_without_appointment", mpan=flow.mpan_core, flow=flow.flow_id, sender=flow.from_mpid
    )
