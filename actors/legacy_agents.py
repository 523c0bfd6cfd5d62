"""Incoming legacy agents: NHH Data Collector, NHH Meter Operator, NHH Data Aggregator.

They are not DIP users: they talk D-flows over the DTN, addressed by MPID. Each
accepts its appointment (C10, D0011), learns the other parties (C11, D0148),
and then does its part: the MOP forwards the meter technical details the
outgoing MSS released (T4); the DC settles the change-of-supply reading from the
reads it gets (or deems one at the cut-off) and tells both suppliers (T6,
D0086), then sends the EAC to the aggregator (T7, D0019).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import ClassVar

import attrs

from actors.support import LegacyAgent
from market.compose import dtn_flow
from market.dtn import (
    D0010,
    D0019,
    D0086,
    D0148,
    D0149,
    D0150,
    D0153,
    D0155,
    D0209,
    D0302,
)
from market.ids import Role
from market.participant import Context, ParticipantIdentity
from market.population import format_reading

#: EAC a DC assumes when it has no reading history (a typical profile class 1 home).
DEFAULT_EAC_KWH = Decimal("3100")


@attrs.frozen(kw_only=True, slots=True)
class CosReadingCutOff:
    """Timer: the last moment to settle a change-of-supply reading before deeming one."""

    mpan_core: str


@attrs.define(kw_only=True)
class Collection:
    """The DC's record of one MPAN it collects for."""

    appointment: D0155
    parties: D0148 | None = None
    meter_details: D0150 | None = None
    history: list[tuple[date, Decimal]] = attrs.field(factory=list)
    customer_reading: tuple[date, Decimal] | None = None
    cutoff_timer: int | None = None
    settled: bool = False


class NhhDataCollector(LegacyAgent):
    """An incoming legacy NHH Data Collector."""

    role: ClassVar[Role] = Role.NHH_DATA_COLLECTOR

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        cutoff_working_days: int,
        validation_tolerance_kwh: Decimal = Decimal("100"),
    ) -> None:
        super().__init__(identity)
        self.cutoff_working_days = cutoff_working_days
        self.validation_tolerance_kwh = validation_tolerance_kwh
        self.collections: dict[str, Collection] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Collect appointments, parties, meter details and reads; settle the CoS reading."""
        match message:
            case D0155():
                self._on_appointed(ctx, message)
            case D0148():
                self.collections[message.mpan_core].parties = message
                self._try_settle(ctx, message.mpan_core, deadline_passed=False)
            case D0150():
                self.collections[message.mpan_core].meter_details = message
                self._try_settle(ctx, message.mpan_core, deadline_passed=False)
            case D0010():
                self._on_reading(ctx, message)
            case CosReadingCutOff():
                self.collections[message.mpan_core].cutoff_timer = None
                self._try_settle(ctx, message.mpan_core, deadline_passed=True)
            case D0149() | D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_appointed(self, ctx: Context, appointment: D0155) -> None:
        collection = Collection(appointment=appointment)
        self.collections[appointment.mpan_core] = collection
        self._accept(ctx, appointment)
        cutoff_day = ctx.calendar.add_working_days(
            appointment.effective_from_date, self.cutoff_working_days
        )
        collection.cutoff_timer = ctx.set_timer(
            ctx.calendar.working_instant(cutoff_day, 17),
            CosReadingCutOff(mpan_core=appointment.mpan_core),
            mpan=appointment.mpan_core,
        )

    def _on_reading(self, ctx: Context, reading: D0010) -> None:
        collection = self.collections[reading.mpan_core]
        value = Decimal(reading.reading)
        if reading.from_role == Role.SUPPLIER:
            collection.customer_reading = (reading.reading_date, value)
        else:
            collection.history.append((reading.reading_date, value))
            collection.history.sort()
        ctx.record(
            "reading_received",
            mpan=reading.mpan_core,
            source=str(reading.from_role),
            reading=reading.reading,
            read_on=reading.reading_date.isoformat(),
        )
        self._try_settle(ctx, reading.mpan_core, deadline_passed=False)

    def _daily_advance(self, collection: Collection) -> Decimal:
        if len(collection.history) >= 2:
            (first_on, first), (last_on, last) = collection.history[0], collection.history[-1]
            days = (last_on - first_on).days
            if days > 0:
                return (last - first) / days
        return DEFAULT_EAC_KWH / 365

    def _try_settle(self, ctx: Context, mpan: str, *, deadline_passed: bool) -> None:
        collection = self.collections[mpan]
        if collection.settled or collection.parties is None or collection.meter_details is None:
            return
        have_everything = collection.customer_reading is not None and collection.history
        if not (have_everything or deadline_passed):
            return
        ssd = collection.appointment.effective_from_date
        daily = self._daily_advance(collection)
        estimate: Decimal | None = None
        if collection.history:
            last_on, last = collection.history[-1]
            estimate = last + daily * (ssd - last_on).days
        reading_type, value = "D", estimate
        if collection.customer_reading is not None:
            read_on, customer_read = collection.customer_reading
            customer = customer_read + daily * (ssd - read_on).days
            if estimate is None or abs(customer - estimate) <= self.validation_tolerance_kwh:
                reading_type, value = "A", customer
            else:
                ctx.record(
                    "customer_reading_failed_validation",
                    mpan=mpan,
                    reading=str(customer),
                    estimate=format_reading(estimate),
                )
        if value is None:
            ctx.record("cos_reading_unobtainable", mpan=mpan)
            return
        collection.settled = True
        if collection.cutoff_timer is not None:
            ctx.cancel_timer(collection.cutoff_timer)
        self._send_settlement(ctx, collection, reading_type, value, daily)

    def _send_settlement(
        self,
        ctx: Context,
        collection: Collection,
        reading_type: str,
        value: Decimal,
        daily: Decimal,
    ) -> None:
        appointment = collection.appointment
        parties = collection.parties
        meter = collection.meter_details
        assert parties is not None and meter is not None  # checked by _try_settle
        mpan = appointment.mpan_core
        reading = format_reading(value)
        ctx.record("cos_reading_settled", mpan=mpan, reading=reading, reading_type=reading_type)
        suppliers = [appointment.supplier_mpid]
        if parties.outgoing_supplier_mpid is not None:
            suppliers.append(parties.outgoing_supplier_mpid)
        for supplier in suppliers:
            ctx.send(
                dtn_flow(
                    ctx,
                    D0086,
                    to_role=Role.SUPPLIER,
                    to_mpid=supplier,
                    mpan_core=mpan,
                    meter_id=meter.meter_id,
                    register_id=meter.registers[0],
                    supply_start_date=appointment.effective_from_date,
                    reading=reading,
                    reading_type=reading_type,
                    incoming_supplier_mpid=appointment.supplier_mpid,
                    outgoing_supplier_mpid=parties.outgoing_supplier_mpid
                    or appointment.supplier_mpid,
                )
            )
        if parties.data_aggregator_mpid is not None:
            ctx.send(
                dtn_flow(
                    ctx,
                    D0019,
                    to_role=Role.NHH_DATA_AGGREGATOR,
                    to_mpid=parties.data_aggregator_mpid,
                    mpan_core=mpan,
                    effective_from_date=appointment.effective_from_date,
                    estimated_annual_consumption_kwh=format_reading(daily * 365),
                    annualised_advance_kwh=None,
                )
            )


@attrs.define(kw_only=True)
class Operation:
    """The MOP's record of one MPAN it operates the meter for."""

    appointment: D0155
    parties: D0148 | None = None
    meter_details: list[D0150 | D0149] = attrs.field(factory=list)
    forwarded: bool = False


class NhhMeterOperator(LegacyAgent):
    """An incoming legacy NHH Meter Operator (NHHMOA)."""

    role: ClassVar[Role] = Role.NHH_METER_OPERATOR

    def __init__(
        self, identity: ParticipantIdentity, *, ldso_mpid_by_distributor: Mapping[str, str]
    ) -> None:
        super().__init__(identity)
        self.ldso_mpid_by_distributor = dict(ldso_mpid_by_distributor)
        self.operations: dict[str, Operation] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Accept appointments; forward meter technical details once the parties are known."""
        match message:
            case D0155():
                self.operations[message.mpan_core] = Operation(appointment=message)
                self._accept(ctx, message)
            case D0148():
                self.operations[message.mpan_core].parties = message
                self._forward(ctx, message.mpan_core)
            case D0150() | D0149():
                self.operations[message.mpan_core].meter_details.append(message)
                ctx.record(
                    "meter_technical_details_received", mpan=message.mpan_core, flow=message.flow_id
                )
                self._forward(ctx, message.mpan_core)
            case D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _forward(self, ctx: Context, mpan: str) -> None:
        operation = self.operations[mpan]
        parties = operation.parties
        if parties is None or not operation.meter_details:
            return
        own_mpid = self.identity.mpid
        assert own_mpid is not None  # a legacy agent is addressed by its MPID
        recipients: list[tuple[Role, str]] = [(Role.SUPPLIER, operation.appointment.supplier_mpid)]
        if parties.data_collector_mpid is not None:
            recipients.insert(0, (Role.NHH_DATA_COLLECTOR, parties.data_collector_mpid))
        pending, operation.meter_details = operation.meter_details, []
        for details in pending:
            targets = list(recipients)
            ldso = self.ldso_mpid_by_distributor.get(mpan[:2])
            if isinstance(details, D0150) and ldso is not None:
                targets.append((Role.LDSO, ldso))
            for role, mpid in targets:
                ctx.send(
                    attrs.evolve(
                        details,
                        from_mpid=own_mpid,
                        from_role=self.role,
                        to_role=role,
                        to_mpid=mpid,
                    )
                )


class NhhDataAggregator(LegacyAgent):
    """An incoming legacy NHH Data Aggregator: the end of the line for a reverse migration."""

    role: ClassVar[Role] = Role.NHH_DATA_AGGREGATOR

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        self.annual_consumption: dict[str, str] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Accept appointments, take REGS's instructions, and record EACs for legacy settlement."""
        match message:
            case D0153():
                self._accept(ctx, message)
            case D0209() | D0148():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case D0019():
                self.annual_consumption[message.mpan_core] = (
                    message.estimated_annual_consumption_kwh
                )
                ctx.record(
                    "eac_received",
                    mpan=message.mpan_core,
                    eac_kwh=message.estimated_annual_consumption_kwh,
                )
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)
