"""The legacy incoming supplier: a supplier that is not MHHS-qualified.

It wins the customer, asks CSS for the switch (C1), appoints legacy agents by
D-flow once REGS confirms the registration (C9–C11, with D6 re-appointment when
an agent rejects), registers them with REGS (C12) and passes on the customer's
own reading, or the smart meter's read obtained via DCC (T5 / S2). It answers
a disputed change-of-supply reading (T8r).
"""

from __future__ import annotations

from datetime import date

import attrs

from market.kernel.ids import Role
from market.messages.css import (
    RegistrationObjected,
    RegistrationRequest,
    RegistrationWithdrawal,
)
from market.messages.dtn import (
    D0010,
    D0011,
    D0086,
    D0148,
    D0153,
    D0155,
    D0205,
    D0217,
    D0261,
    D0300,
    D0302,
    D0311,
    Address,
    DFlow,
)
from market.participant import Context, Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.stimuli import CustomerReading, CustomerSigned


@attrs.frozen(kw_only=True, slots=True)
class AgentPanel:
    """The legacy agents a supplier contracts with, per role, in order of preference.

    The first of each role is appointed; if it rejects (D0261, decision D6) the
    supplier appoints the next one.
    """

    data_collector_mpids: tuple[str, ...]
    meter_operator_mpids: tuple[str, ...]
    data_aggregator_mpids: tuple[str, ...]


#: Legacy agent roles by meter variant: NHH for traditional and smart, HH for advanced.
_NHH_ROLES = (Role.NHH_DATA_COLLECTOR, Role.NHH_METER_OPERATOR, Role.NHH_DATA_AGGREGATOR)
_HH_ROLES = (Role.HH_DATA_COLLECTOR, Role.HH_METER_OPERATOR, Role.HH_DATA_AGGREGATOR)


@attrs.frozen(kw_only=True, slots=True)
class AppointmentChase:
    """Timer: has the agent answered the appointment yet? (recovery from lost D-flows)."""

    mpan_core: str
    role: Role
    agent: str
    attempt: int


@attrs.define(kw_only=True)
class Gain:
    """The incoming supplier's record of one MPAN it is gaining."""

    signed: CustomerSigned
    supply_start_date: date
    roles: tuple[Role, Role, Role]
    registration_service_mpid: str | None = None
    old_parties: D0311 | None = None
    appointed: dict[Role, str] = attrs.field(factory=dict)
    appointments: dict[Role, D0153 | D0155] = attrs.field(factory=dict)
    rejected_by: dict[Role, list[str]] = attrs.field(factory=dict)
    accepted: set[Role] = attrs.field(factory=set)
    agents_registered: bool = False
    pending_reading: CustomerReading | None = None
    reading_sent: bool = False
    cos_reading: str | None = None

    @property
    def data_collector_role(self) -> Role:
        """The DC role this MPAN needs (NHHDC or HHDC)."""
        return self.roles[0]


class LegacySupplier(Participant):
    """A supplier that is not MHHS-qualified: it runs the legacy side of a change of supply."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        nhh_agents: AgentPanel,
        hh_agents: AgentPanel,
        options: ProcessOptions,
        dispute_rejection_probability: float = 0.0,
        withdrawal_probability: float = 0.0,
    ) -> None:
        super().__init__(identity)
        self.panels = {"NHH": nhh_agents, "HH": hh_agents}
        self.options = options
        #: D8: how often this supplier rejects a disputed reading instead of agreeing it.
        self.dispute_rejection_probability = dispute_rejection_probability
        #: D4: how often the customer cancels once the switch is secured, so this supplier
        #: withdraws the registration (CSS) instead of appointing its agents.
        self.withdrawal_probability = withdrawal_probability
        self.gains: dict[str, Gain] = {}
        #: Unanswered appointments are resent this many times before the next agent is tried.
        self.max_chases = 2

    def _candidates(self, gain: Gain, role: Role) -> tuple[str, ...]:
        panel = self.panels["HH" if gain.roles == _HH_ROLES else "NHH"]
        if role in (Role.NHH_DATA_COLLECTOR, Role.HH_DATA_COLLECTOR):
            return panel.data_collector_mpids
        if role in (Role.NHH_METER_OPERATOR, Role.HH_METER_OPERATOR):
            return panel.meter_operator_mpids
        return panel.data_aggregator_mpids

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
                self._on_old_parties(ctx, message)
            case D0011():
                self._on_appointment_accepted(ctx, message)
            case AppointmentChase():
                self._on_chase(ctx, message)
            case D0261():
                self._on_appointment_rejected(ctx, message)
            case D0086():
                self._on_cos_reading(ctx, message)
            case D0300():
                self._on_dispute(ctx, message)
            case DFlow():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_signed(self, ctx: Context, signed: CustomerSigned) -> None:
        ssd = ctx.calendar.add_working_days(ctx.today, self.options.supply_start_lead_working_days)
        roles = _HH_ROLES if signed.meter_variant == "A" else _NHH_ROLES
        self.gains[signed.mpan_core] = Gain(signed=signed, supply_start_date=ssd, roles=roles)
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
        if self.withdrawal_probability > 0 and ctx.rng.random() < self.withdrawal_probability:
            self._withdraw(ctx, confirmation)
            return
        for role in gain.roles:
            self._appoint(ctx, gain, role, self._candidates(gain, role)[0])

    def _withdraw(self, ctx: Context, confirmation: D0217) -> None:
        """D4: the customer cancelled after the switch was secured: withdraw it at CSS.

        No agent is appointed. What REGS already published for the switch (an
        IF-003 for a reverse migration) is REGS's problem: no public event undoes it.
        """
        mpan = confirmation.mpan_core
        del self.gains[mpan]
        assert self.identity.mpid is not None  # a supplier always has an MPID
        ctx.record("registration_withdrawn", mpan=mpan, reason="CUSTOMER_CANCELLED")
        ctx.send(
            RegistrationWithdrawal(
                mpan_core=mpan,
                to_role=Role.CENTRAL_SWITCHING_SERVICE,
                css_registration_id=confirmation.css_registration_id,
                gaining_supplier_mpid=self.identity.mpid,
                reason="CUSTOMER_CANCELLED",
            )
        )

    def _on_old_parties(self, ctx: Context, details: D0311) -> None:
        gain = self.gains.get(details.mpan_core)
        if gain is None:
            ctx.record("details_received", mpan=details.mpan_core, flow=details.flow_id)
            return
        gain.old_parties = details

    def _appoint(self, ctx: Context, gain: Gain, role: Role, agent_mpid: str) -> None:
        """C9 / C9a: D0155 to a DC or MOP, D0153 to a DA."""
        supplier_mpid = self.identity.mpid
        assert supplier_mpid is not None
        gain.appointed[role] = agent_mpid
        to = Address(mpid=agent_mpid, role=role)
        mpan = gain.signed.mpan_core
        contract_reference = f"C{ctx.next_reference():08d}"
        appointment: D0153 | D0155
        if role in (Role.NHH_DATA_AGGREGATOR, Role.HH_DATA_AGGREGATOR):
            appointment = ctx.send_flow(
                D0153,
                to=to,
                mpan_core=mpan,
                appointed_role=role,
                effective_from_date=gain.supply_start_date,
                supplier_mpid=supplier_mpid,
                gsp_group_id=gain.signed.gsp_group_id,
                contract_reference=contract_reference,
            )
        else:
            appointment = ctx.send_flow(
                D0155,
                to=to,
                mpan_core=mpan,
                appointed_role=role,
                effective_from_date=gain.supply_start_date,
                supplier_mpid=supplier_mpid,
                gsp_group_id=gain.signed.gsp_group_id,
                contract_reference=contract_reference,
                smart_cos_indicator=gain.signed.meter_variant == "S",
                measurement_class="C" if gain.roles == _HH_ROLES else "A",
            )
        gain.appointments[role] = appointment
        self._arm_chase(ctx, gain, role, agent_mpid, attempt=1)

    def _arm_chase(self, ctx: Context, gain: Gain, role: Role, agent: str, *, attempt: int) -> None:
        """Recovery: if the agent has not answered by 09:00 next working day, chase it."""
        ctx.set_timer(
            ctx.calendar.working_instant(ctx.calendar.next_working_day(ctx.today), 9),
            AppointmentChase(
                mpan_core=gain.signed.mpan_core, role=role, agent=agent, attempt=attempt
            ),
            mpan=gain.signed.mpan_core,
        )

    def _on_chase(self, ctx: Context, chase: AppointmentChase) -> None:
        """Resend an unanswered appointment; after ``max_chases``, appoint the next agent."""
        gain = self.gains.get(chase.mpan_core)
        if (
            gain is None
            or chase.role in gain.accepted
            or gain.appointed.get(chase.role) != chase.agent
        ):
            return
        if chase.attempt <= self.max_chases:
            ctx.record(
                "appointment_chased", mpan=chase.mpan_core, agent=chase.agent, attempt=chase.attempt
            )
            ctx.send(gain.appointments[chase.role])
            self._arm_chase(ctx, gain, chase.role, chase.agent, attempt=chase.attempt + 1)
            return
        ctx.record("appointment_escalated", mpan=chase.mpan_core, agent=chase.agent)
        tried = gain.rejected_by.setdefault(chase.role, [])
        tried.append(chase.agent)
        remaining = [m for m in self._candidates(gain, chase.role) if m not in tried]
        if remaining:
            self._appoint(ctx, gain, chase.role, remaining[0])
        else:
            ctx.record("no_agent_available", mpan=chase.mpan_core, role=str(chase.role))

    def _on_appointment_rejected(self, ctx: Context, rejection: D0261) -> None:
        """D6: appoint the next agent of the panel for that role, if there is one."""
        gain = self.gains[rejection.mpan_core]
        role = rejection.appointed_role
        tried = gain.rejected_by.setdefault(role, [])
        tried.append(rejection.from_mpid)
        ctx.record(
            "appointment_rejected",
            mpan=rejection.mpan_core,
            agent=rejection.from_mpid,
            reason=rejection.rejection_reason,
        )
        remaining = [m for m in self._candidates(gain, role) if m not in tried]
        if not remaining:
            ctx.record("no_agent_available", mpan=rejection.mpan_core, role=str(role))
            return
        self._appoint(ctx, gain, role, remaining[0])

    def _on_appointment_accepted(self, ctx: Context, accepted: D0011) -> None:
        mpan = accepted.mpan_core
        gain = self.gains[mpan]
        if gain.appointed.get(accepted.appointed_role) != accepted.from_mpid:
            ctx.record("acceptance_ignored", mpan=mpan, agent=accepted.from_mpid)
            return
        gain.accepted.add(accepted.appointed_role)
        ctx.record("appointment_accepted", mpan=mpan, agent=accepted.from_mpid)
        if gain.agents_registered or not all(r in gain.accepted for r in gain.roles):
            return
        gain.agents_registered = True
        self._register_agents(ctx, gain)
        if gain.pending_reading is not None:
            self._send_reading(ctx, gain, gain.pending_reading)

    def _register_agents(self, ctx: Context, gain: Gain) -> None:
        """C11 (D0148, D0302) to every agent, then C12 (D0205) to REGS."""
        assert self.identity.mpid is not None
        mpan = gain.signed.mpan_core
        dc_role, mop_role, da_role = gain.roles
        dc, mop, da = (gain.appointed[r] for r in gain.roles)
        old = gain.old_parties
        for role in gain.roles:
            ctx.send_flow(
                D0148,
                to=Address(mpid=gain.appointed[role], role=role),
                mpan_core=mpan,
                effective_from_date=gain.supply_start_date,
                supplier_mpid=self.identity.mpid,
                data_collector_mpid=dc,
                meter_operator_mpid=mop,
                data_aggregator_mpid=da,
                outgoing_supplier_mpid=old.old_supplier_mpid if old else None,
                outgoing_meter_operator_mpid=old.old_meter_operator_mpid if old else None,
                outgoing_meter_operator_role=old.old_meter_operator_role if old else None,
                outgoing_data_collector_mpid=old.old_data_collector_mpid if old else None,
                outgoing_data_collector_role=old.old_data_collector_role if old else None,
            )
        for role in gain.roles:
            ctx.send_flow(
                D0302,
                to=Address(mpid=gain.appointed[role], role=role),
                mpan_core=mpan,
                customer_name=gain.signed.customer_name,
                site_postcode=gain.signed.site_postcode,
                priority_services_register=False,
            )
        assert gain.registration_service_mpid is not None  # D0217 came first
        hh = gain.roles == _HH_ROLES
        ctx.send_flow(
            D0205,
            to=Address(mpid=gain.registration_service_mpid, role=Role.REGISTRATION_SERVICE),
            mpan_core=mpan,
            effective_from_date=gain.supply_start_date,
            data_collector_mpid=dc,
            data_collector_role=dc_role,
            meter_operator_mpid=mop,
            meter_operator_role=mop_role,
            data_aggregator_mpid=da,
            data_aggregator_role=da_role,
            measurement_class="C" if hh else "A",
            profile_class=0 if hh else 1,
            standard_settlement_configuration="0000" if hh else "0393",
        )

    def _on_customer_reading(self, ctx: Context, reading: CustomerReading) -> None:
        gain = self.gains.get(reading.mpan_core)
        if gain is None:
            ctx.record(
                "customer_reading_ignored", mpan=reading.mpan_core, reason="not gaining this MPAN"
            )
            return
        if gain.data_collector_role in gain.accepted:
            self._send_reading(ctx, gain, reading)
        else:
            gain.pending_reading = reading

    def _send_reading(self, ctx: Context, gain: Gain, reading: CustomerReading) -> None:
        """T5 (customer's reading) or S2 (the SSD read obtained via DCC) to the DC."""
        if gain.reading_sent:
            return
        gain.reading_sent = True
        ctx.send_flow(
            D0010,
            to=Address(
                mpid=gain.appointed[gain.data_collector_role], role=gain.data_collector_role
            ),
            mpan_core=reading.mpan_core,
            meter_id=reading.meter_id,
            register_id=reading.register_id,
            reading_date=reading.read_on,
            reading=reading.reading,
            reading_type="C" if reading.source == "customer" else "R",
            reading_method="DCC" if reading.source == "DCC" else None,
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

    def _on_dispute(self, ctx: Context, dispute: D0300) -> None:
        """T8r: answer a disputed change-of-supply reading: agree the proposal, or (with
        ``dispute_rejection_probability``) reject it, which leaves the dispute open between
        the suppliers (BSCP504 escalation is outside the simulated market)."""
        if dispute.resolution is not None:
            ctx.record("dispute_answer_received", mpan=dispute.mpan_core)
            return
        ctx.record(
            "dispute_received",
            mpan=dispute.mpan_core,
            dispute_reference=dispute.dispute_reference,
            proposed_reading=dispute.proposed_reading,
        )
        rejects = (
            self.dispute_rejection_probability > 0
            and ctx.rng.random() < self.dispute_rejection_probability
        )
        ctx.send_flow(
            D0300,
            to=Address(mpid=dispute.from_mpid, role=Role.SUPPLIER),
            mpan_core=dispute.mpan_core,
            supply_start_date=dispute.supply_start_date,
            meter_id=dispute.meter_id,
            register_id=dispute.register_id,
            disputed_reading=dispute.disputed_reading,
            proposed_reading=dispute.proposed_reading,
            dispute_reason=dispute.dispute_reason,
            dispute_reference=dispute.dispute_reference,
            resolution="REJECTED" if rejects else "AGREED",
        )
