"""Suppliers: the legacy (not MHHS-qualified) incoming supplier and the MHHS outgoing supplier.

The incoming supplier wins the customer, asks CSS for the switch (C1), appoints
legacy agents by D-flow once REGS confirms (C9–C11), registers them (C12) and
passes on the customer's own reading (T5). The outgoing MHHS supplier may
object to the loss (C3), hears of the reverse migration on PUB-003 (C8) and
checks the change-of-supply reading the legacy DC settles (T6) against its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import ClassVar

import attrs

from market.compose import dtn_flow
from market.css import (
    LossNotification,
    Objection,
    RegistrationObjected,
    RegistrationRequest,
    SecuredActive,
)
from market.dip import DipEnvelope, DipResponse
from market.dip.if003 import ReverseMigNotification
from market.dtn import (
    D0010,
    D0011,
    D0086,
    D0148,
    D0149,
    D0150,
    D0153,
    D0155,
    D0205,
    D0217,
    D0261,
    D0302,
    D0311,
)
from market.ids import Role
from market.local_time import settlement_date_of
from market.options import ProcessOptions
from market.participant import Context, Participant, ParticipantIdentity
from market.population import MeteringPoint
from market.stimuli import CustomerReading, CustomerSigned


@attrs.frozen(kw_only=True, slots=True)
class LegacyAgents:
    """The legacy agents a supplier appoints: NHH data collector, meter operator, aggregator."""

    data_collector_mpid: str
    meter_operator_mpid: str
    data_aggregator_mpid: str


@attrs.define(kw_only=True)
class Gain:
    """The incoming supplier's record of one MPAN it is gaining."""

    signed: CustomerSigned
    supply_start_date: date
    registration_service_mpid: str | None = None
    old_supplier_mpid: str | None = None
    accepted: set[Role] = attrs.field(factory=set)
    agents_registered: bool = False
    pending_reading: CustomerReading | None = None
    reading_sent: bool = False
    cos_reading: str | None = None


_APPOINTED_ROLES = (Role.NHH_DATA_COLLECTOR, Role.NHH_METER_OPERATOR, Role.NHH_DATA_AGGREGATOR)


class LegacySupplier(Participant):
    """A supplier that is not MHHS-qualified: it runs the legacy side of a change of supply."""

    role: ClassVar[Role] = Role.SUPPLIER

    def __init__(
        self, identity: ParticipantIdentity, *, agents: LegacyAgents, options: ProcessOptions
    ) -> None:
        super().__init__(identity)
        self.agents = agents
        self.options = options
        self.gains: dict[str, Gain] = {}

    def _agent_mpid(self, role: Role) -> str:
        return {
            Role.NHH_DATA_COLLECTOR: self.agents.data_collector_mpid,
            Role.NHH_METER_OPERATOR: self.agents.meter_operator_mpid,
            Role.NHH_DATA_AGGREGATOR: self.agents.data_aggregator_mpid,
        }[role]

    def on_message(self, ctx: Context, message: object) -> None:
        """Drive the legacy side of the change of supply from customer, CSS, REGS and agents."""
        match message:
            case CustomerSigned():
                self._on_signed(ctx, message)
            case CustomerReading():
                self._on_customer_reading(ctx, message)
            case RegistrationObjected():
                ctx.record("switch_failed", mpan=message.mpan_core, reason=message.reason)
                self.gains.pop(message.mpan_core, None)
            case D0217():
                self._on_registration_confirmed(ctx, message)
            case D0311():
                self.gains[message.mpan_core].old_supplier_mpid = message.old_supplier_mpid
            case D0011():
                self._on_appointment_accepted(ctx, message)
            case D0261():
                ctx.record(
                    "appointment_rejected",
                    mpan=message.mpan_core,
                    agent=message.from_mpid,
                    reason=message.rejection_reason,
                )
            case D0150() | D0149():
                ctx.record(
                    "meter_technical_details_received", mpan=message.mpan_core, flow=message.flow_id
                )
            case D0086():
                self._on_cos_reading(ctx, message)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_signed(self, ctx: Context, signed: CustomerSigned) -> None:
        ssd = ctx.calendar.add_working_days(ctx.today, self.options.supply_start_lead_working_days)
        self.gains[signed.mpan_core] = Gain(signed=signed, supply_start_date=ssd)
        ctx.record("customer_signed", mpan=signed.mpan_core, supply_start_date=ssd.isoformat())
        assert self.identity.mpid is not None  # a supplier always has an MPID
        ctx.send(
            RegistrationRequest(
                mpan_core=signed.mpan_core,
                to_role=Role.CENTRAL_SWITCHING_SERVICE,
                gaining_supplier_mpid=self.identity.mpid,
                requested_supply_start_date=ssd,
                request_reference=f"RR{ctx.next_reference():08d}",
            )
        )

    def _on_registration_confirmed(self, ctx: Context, confirmation: D0217) -> None:
        gain = self.gains[confirmation.mpan_core]
        gain.registration_service_mpid = confirmation.from_mpid
        gain.supply_start_date = confirmation.supply_start_date
        ctx.record("registration_confirmed", mpan=confirmation.mpan_core)
        assert self.identity.mpid is not None
        for role in (Role.NHH_DATA_COLLECTOR, Role.NHH_METER_OPERATOR):
            ctx.send(
                dtn_flow(
                    ctx,
                    D0155,
                    to_role=role,
                    to_mpid=self._agent_mpid(role),
                    mpan_core=confirmation.mpan_core,
                    appointed_role=role,
                    effective_from_date=gain.supply_start_date,
                    supplier_mpid=self.identity.mpid,
                    smart_cos_indicator=False,
                    measurement_class="A",
                    gsp_group_id=gain.signed.gsp_group_id,
                    contract_reference=f"C{ctx.next_reference():08d}",
                )
            )
        ctx.send(
            dtn_flow(
                ctx,
                D0153,
                to_role=Role.NHH_DATA_AGGREGATOR,
                to_mpid=self.agents.data_aggregator_mpid,
                mpan_core=confirmation.mpan_core,
                appointed_role=Role.NHH_DATA_AGGREGATOR,
                effective_from_date=gain.supply_start_date,
                supplier_mpid=self.identity.mpid,
                gsp_group_id=gain.signed.gsp_group_id,
                contract_reference=f"C{ctx.next_reference():08d}",
            )
        )

    def _on_appointment_accepted(self, ctx: Context, accepted: D0011) -> None:
        mpan = accepted.mpan_core
        gain = self.gains[mpan]
        gain.accepted.add(accepted.appointed_role)
        ctx.record("appointment_accepted", mpan=mpan, agent=accepted.from_mpid)
        if gain.agents_registered or not all(r in gain.accepted for r in _APPOINTED_ROLES):
            return
        gain.agents_registered = True
        assert self.identity.mpid is not None
        for role in _APPOINTED_ROLES:
            ctx.send(
                dtn_flow(
                    ctx,
                    D0148,
                    to_role=role,
                    to_mpid=self._agent_mpid(role),
                    mpan_core=mpan,
                    effective_from_date=gain.supply_start_date,
                    supplier_mpid=self.identity.mpid,
                    data_collector_mpid=self.agents.data_collector_mpid,
                    meter_operator_mpid=self.agents.meter_operator_mpid,
                    data_aggregator_mpid=self.agents.data_aggregator_mpid,
                    outgoing_supplier_mpid=gain.old_supplier_mpid,
                )
            )
        for role in (Role.NHH_DATA_COLLECTOR, Role.NHH_METER_OPERATOR):
            ctx.send(
                dtn_flow(
                    ctx,
                    D0302,
                    to_role=role,
                    to_mpid=self._agent_mpid(role),
                    mpan_core=mpan,
                    customer_name=gain.signed.customer_name,
                    site_postcode=gain.signed.site_postcode,
                    priority_services_register=False,
                )
            )
        assert gain.registration_service_mpid is not None  # D0217 came first
        ctx.send(
            dtn_flow(
                ctx,
                D0205,
                to_role=Role.REGISTRATION_SERVICE,
                to_mpid=gain.registration_service_mpid,
                mpan_core=mpan,
                effective_from_date=gain.supply_start_date,
                data_collector_mpid=self.agents.data_collector_mpid,
                data_collector_role=Role.NHH_DATA_COLLECTOR,
                meter_operator_mpid=self.agents.meter_operator_mpid,
                meter_operator_role=Role.NHH_METER_OPERATOR,
                data_aggregator_mpid=self.agents.data_aggregator_mpid,
                data_aggregator_role=Role.NHH_DATA_AGGREGATOR,
                measurement_class="A",
                profile_class=1,
                standard_settlement_configuration="0393",
            )
        )
        if gain.pending_reading is not None:
            self._send_reading(ctx, gain, gain.pending_reading)

    def _on_customer_reading(self, ctx: Context, reading: CustomerReading) -> None:
        gain = self.gains.get(reading.mpan_core)
        if gain is None:
            ctx.record(
                "customer_reading_ignored", mpan=reading.mpan_core, reason="not gaining this MPAN"
            )
            return
        if Role.NHH_DATA_COLLECTOR in gain.accepted:
            self._send_reading(ctx, gain, reading)
        else:
            gain.pending_reading = reading

    def _send_reading(self, ctx: Context, gain: Gain, reading: CustomerReading) -> None:
        if gain.reading_sent:
            return
        gain.reading_sent = True
        ctx.send(
            dtn_flow(
                ctx,
                D0010,
                to_role=Role.NHH_DATA_COLLECTOR,
                to_mpid=self.agents.data_collector_mpid,
                mpan_core=reading.mpan_core,
                meter_id=reading.meter_id,
                register_id=reading.register_id,
                reading_date=reading.read_on,
                reading=reading.reading,
                reading_type="C",
                reading_method=None,
            )
        )

    def _on_cos_reading(self, ctx: Context, reading: D0086) -> None:
        gain = self.gains.get(reading.mpan_core)
        if gain is not None:
            gain.cos_reading = reading.reading
        ctx.record(
            "cos_reading_received",
            mpan=reading.mpan_core,
            reading=reading.reading,
            reading_type=reading.reading_type,
        )


@attrs.define(kw_only=True)
class Loss:
    """The outgoing supplier's record of one MPAN it is losing."""

    point: MeteringPoint
    supply_start_date: date | None = None
    closing_reading: Decimal | None = None


class MhhsSupplier(Participant):
    """An MHHS-qualified supplier; in a reverse migration, the outgoing supplier."""

    role: ClassVar[Role] = Role.SUPPLIER

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        portfolio: Mapping[str, MeteringPoint],
        objection_probability: float,
        options: ProcessOptions,
    ) -> None:
        super().__init__(identity)
        self.portfolio = dict(portfolio)
        self.objection_probability = objection_probability
        self.options = options
        self.losses: dict[str, Loss] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Handle loss notifications, PUB-003 and the legacy DC's change-of-supply reading."""
        match message:
            case LossNotification():
                self._on_loss_notified(ctx, message)
            case SecuredActive():
                ctx.record("loss_secured", mpan=message.mpan_core)
            case DipEnvelope(custom=ReverseMigNotification()):
                self._on_reverse_migration(ctx, message)
            case D0086():
                self._on_cos_reading(ctx, message)
            case DipResponse():
                pass
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_loss_notified(self, ctx: Context, notice: LossNotification) -> None:
        mpan = notice.mpan_core
        point = self.portfolio[mpan]
        self.losses[mpan] = Loss(point=point, supply_start_date=notice.supply_start_date)
        if ctx.rng.random() < self.objection_probability:
            assert self.identity.mpid is not None
            ctx.send(
                Objection(
                    mpan_core=mpan,
                    to_role=Role.CENTRAL_SWITCHING_SERVICE,
                    css_registration_id=notice.css_registration_id,
                    losing_supplier_mpid=self.identity.mpid,
                    reason="DEBT",
                )
            )
            return
        ctx.record("loss_accepted", mpan=mpan)

    def _on_reverse_migration(self, ctx: Context, envelope: DipEnvelope) -> None:
        mpan = envelope.mpan_core
        custom = envelope.custom
        assert isinstance(custom, ReverseMigNotification)
        loss = self.losses.setdefault(mpan, Loss(point=self.portfolio[mpan]))
        loss.supply_start_date = settlement_date_of(custom.b002.supplier_effective_from_date)
        loss.closing_reading = loss.point.register_on(loss.supply_start_date)
        ctx.record(
            "mhhs_billing_stopped",
            mpan=mpan,
            mhhs_regime_end_date=custom.b094.mhhs_regime_end_date.isoformat(),
            closing_reading=str(loss.closing_reading),
        )

    def _on_cos_reading(self, ctx: Context, reading: D0086) -> None:
        loss = self.losses.get(reading.mpan_core)
        if loss is None or loss.closing_reading is None:
            ctx.record("cos_reading_unexpected", mpan=reading.mpan_core)
            return
        difference = abs(Decimal(reading.reading) - loss.closing_reading)
        ctx.record(
            "cos_reading_agreed"
            if difference <= self.options.dispute_tolerance_kwh
            else "cos_reading_disputed",
            mpan=reading.mpan_core,
            reading=reading.reading,
            own_reading=str(loss.closing_reading),
        )
