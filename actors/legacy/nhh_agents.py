"""Legacy NHH agents: Data Collector, Meter Operator, Data Aggregator.

They are not DIP users: they talk D-flows over the DTN, addressed by MPID. As
incoming agents each answers its appointment (C10: D0011, or D0261 under D6),
learns the other parties (C11, D0148), and then does its part: the MOP forwards
the meter technical details the previous operator released (T4 / M2), asking
for them with D0170 when nobody named it to the previous operator (T3q, M1q,
L1); the DC settles the change-of-supply reading from the reads it gets, or
deems one at the cut-off (T6 / S4, D9), tells both suppliers (D0086) and sends
the EAC to the aggregator (T7 / S5, D0019).

The same classes serve as the *old* agents of an MPAN that never migrated: they
answer a new agent's D0170 from what they hold (L2, and the DC's reading
history).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs

from actors.support import LegacyAgent
from market.kernel.ids import Role
from market.messages.dtn import (
    D0010,
    D0019,
    D0086,
    D0148,
    D0149,
    D0150,
    D0153,
    D0155,
    D0170,
    D0209,
    D0302,
    Address,
)
from market.participant import Context, ParticipantIdentity
from market.process.population import MeteringPoint, format_reading

#: EAC a DC assumes when it has no reading history (a typical profile class 1 home).
DEFAULT_EAC_KWH = Decimal("3100")
#: D0150 meter types of smart meters (SMETS1 ``S1``, SMETS2 ``S2``) start with this.
SMART_METER_TYPE_PREFIX = "S"
#: How far back an old DC's earlier reading lies when it hands over history.
_HISTORY_DAYS = 90


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
    history_requested: bool = False
    settled: bool = False


class NhhDataCollector(LegacyAgent):
    """A legacy NHH Data Collector (incoming; or old, for an MPAN that never migrated)."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        cutoff_working_days: int,
        validation_tolerance_kwh: Decimal = Decimal("100"),
        rejection_probability: float = 0.0,
        collected: Mapping[str, MeteringPoint] | None = None,
    ) -> None:
        super().__init__(identity)
        self.cutoff_working_days = cutoff_working_days
        self.validation_tolerance_kwh = validation_tolerance_kwh
        self.rejection_probability = rejection_probability
        #: MPANs this DC already collects for (as the old DC), with their reading facts.
        self.collected = dict(collected or {})
        self.collections: dict[str, Collection] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Collect appointments, parties, meter details and reads; settle the CoS reading."""
        match message:
            case D0155():
                self._on_appointed(ctx, message)
            case D0148():
                self._on_parties(ctx, message)
            case D0150():
                self.collections[message.mpan_core].meter_details = message
                self._try_settle(ctx, message.mpan_core, deadline_passed=False)
            case D0010():
                self._on_reading(ctx, message)
            case D0170():
                self._hand_over_history(ctx, message)
            case CosReadingCutOff():
                self.collections[message.mpan_core].cutoff_timer = None
                self._try_settle(ctx, message.mpan_core, deadline_passed=True)
            case D0149() | D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_appointed(self, ctx: Context, appointment: D0155) -> None:
        if not self._answer_appointment(ctx, appointment):
            return
        collection = Collection(appointment=appointment)
        self.collections[appointment.mpan_core] = collection
        cutoff_day = ctx.calendar.add_working_days(
            appointment.effective_from_date, self.cutoff_working_days
        )
        collection.cutoff_timer = ctx.set_timer(
            ctx.calendar.working_instant(cutoff_day, 17),
            CosReadingCutOff(mpan_core=appointment.mpan_core),
            mpan=appointment.mpan_core,
        )

    def _on_parties(self, ctx: Context, parties: D0148) -> None:
        """C11; and T2q / L3: ask the previous collector for history when it is named."""
        collection = self.collections[parties.mpan_core]
        collection.parties = parties
        previous, role = parties.outgoing_data_collector_mpid, parties.outgoing_data_collector_role
        if previous is not None and role is not None and not collection.history_requested:
            collection.history_requested = True
            ctx.send_flow(
                D0170,
                to=Address(mpid=previous, role=role),
                mpan_core=parties.mpan_core,
                requested_item="READINGS",
            )
        self._try_settle(ctx, parties.mpan_core, deadline_passed=False)

    def _hand_over_history(self, ctx: Context, request: D0170) -> None:
        """As the old DC: answer a new DC's D0170 with the two latest readings (L4)."""
        point = self.collected.get(request.mpan_core)
        if point is None:
            ctx.record(
                "reading_request_refused", mpan=request.mpan_core, requester=request.from_mpid
            )
            return
        for days_back in (_HISTORY_DAYS, 0):
            read_on = date.fromordinal(point.last_read_on.toordinal() - days_back)
            ctx.send_flow(
                D0010,
                to=Address(mpid=request.from_mpid, role=request.from_role),
                mpan_core=request.mpan_core,
                meter_id=point.meter_id,
                register_id=point.register_id,
                reading_date=read_on,
                reading=format_reading(point.last_read - point.daily_kwh * days_back),
                reading_type="R",
                reading_method=None,
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
        """T6 / S4: settle once MTDs, parties, a reading and any history due are in, or at the
        cut-off."""
        collection = self.collections[mpan]
        if collection.settled or collection.parties is None or collection.meter_details is None:
            return
        # History comes when asked for (D0170), or unasked from the outgoing DS of a
        # traditional meter (T2); a smart meter's outgoing DS sends none (the map has no
        # Outgoing DS lane there), so its DCC read is all the DC waits for (S4).
        smart = collection.meter_details.meter_type.startswith(SMART_METER_TYPE_PREFIX)
        history_due = collection.history_requested or not smart
        have_everything = collection.customer_reading is not None and (
            bool(collection.history) or not history_due
        )
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
                reading=reading,
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


@attrs.define(kw_only=True)
class Operation:
    """The MOP's record of one MPAN it operates the meter for."""

    appointment: D0155
    parties: D0148 | None = None
    meter_details: list[D0150 | D0149] = attrs.field(factory=list)
    details_requested: bool = False


class NhhMeterOperator(LegacyAgent):
    """A legacy NHH Meter Operator (NHHMOA): incoming; or old, for an MPAN that never migrated."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        ldso_mpid_by_distributor: Mapping[str, str],
        rejection_probability: float = 0.0,
        operated: Mapping[str, MeteringPoint] | None = None,
    ) -> None:
        super().__init__(identity)
        self.ldso_mpid_by_distributor = dict(ldso_mpid_by_distributor)
        self.rejection_probability = rejection_probability
        #: MPANs whose meters this MOP already operates (as the old MOP), with their facts.
        self.operated = dict(operated or {})
        self.operations: dict[str, Operation] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Answer appointments; get and forward meter technical details once parties are known."""
        match message:
            case D0155():
                if self._answer_appointment(ctx, message):
                    self.operations[message.mpan_core] = Operation(appointment=message)
            case D0148():
                self._on_parties(ctx, message)
            case D0150() | D0149():
                self.operations[message.mpan_core].meter_details.append(message)
                ctx.record(
                    "meter_technical_details_received", mpan=message.mpan_core, flow=message.flow_id
                )
                self._forward(ctx, message.mpan_core)
            case D0170():
                self._release(ctx, message)
            case D0302():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_parties(self, ctx: Context, parties: D0148) -> None:
        """C11; and T3q / M1q / L1: ask the previous operator for the MTDs when it is named."""
        operation = self.operations[parties.mpan_core]
        operation.parties = parties
        previous, role = parties.outgoing_meter_operator_mpid, parties.outgoing_meter_operator_role
        if (
            previous is not None
            and role is not None
            and not operation.meter_details
            and not operation.details_requested
        ):
            operation.details_requested = True
            ctx.send_flow(
                D0170,
                to=Address(mpid=previous, role=role),
                mpan_core=parties.mpan_core,
                requested_item="MTD",
            )
        self._forward(ctx, parties.mpan_core)

    def _release(self, ctx: Context, request: D0170) -> None:
        """As the old MOP: answer a new MOP's D0170 with the meter technical details (L2)."""
        point = self.operated.get(request.mpan_core)
        if point is None:
            ctx.record("mtd_request_refused", mpan=request.mpan_core, requester=request.from_mpid)
            return
        ctx.send_flow(
            D0150,
            to=Address(mpid=request.from_mpid, role=request.from_role),
            mpan_core=request.mpan_core,
            meter_id=point.meter_id,
            meter_type="N",
            effective_from_date=point.supplier_effective_from,
            registers=(point.register_id,),
            measurement_quantity="AI",
        )

    def _forward(self, ctx: Context, mpan: str) -> None:
        """T4 / M2: D0150 and D0149 to DC, supplier and LDSO (brief c.2 T4)."""
        operation = self.operations[mpan]
        parties = operation.parties
        if parties is None or not operation.meter_details:
            return
        recipients: list[tuple[Role, str]] = [(Role.SUPPLIER, operation.appointment.supplier_mpid)]
        if parties.data_collector_mpid is not None:
            recipients.insert(0, (Role.NHH_DATA_COLLECTOR, parties.data_collector_mpid))
        pending, operation.meter_details = operation.meter_details, []
        for details in pending:
            targets = list(recipients)
            ldso = self.ldso_mpid_by_distributor.get(mpan[:2])
            if ldso is not None:
                targets.append((Role.LDSO, ldso))
            for role, mpid in targets:
                ctx.forward_flow(details, to=Address(mpid=mpid, role=role))


class NhhDataAggregator(LegacyAgent):
    """A legacy NHH Data Aggregator: the end of the line for a reverse migration."""

    def __init__(
        self, identity: ParticipantIdentity, *, rejection_probability: float = 0.0
    ) -> None:
        super().__init__(identity)
        self.rejection_probability = rejection_probability
        self.annual_consumption: dict[str, str] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Answer appointments, take REGS's instructions, and record EACs for legacy settlement."""
        match message:
            case D0153():
                self._answer_appointment(ctx, message)
            case D0209() | D0148() | D0302():
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
