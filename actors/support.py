"""Behaviour shared by several participant families (not a participant itself).

Participant modules never import each other (they talk only through the
broker); they may import this module, which holds building blocks that no
participant owns: it defines no role and keeps no state of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import ClassVar, Final

import attrs

from market.kernel.ids import Role
from market.kernel.local_time import local_instant, local_midnight
from market.kernel.settlement_calendar import settlement_periods
from market.messages.dip import (
    B007,
    B044,
    B067,
    B900,
    M0,
    ActivePower,
    CustomBlock,
    DipEnvelope,
    DipResponse,
    DSAppSPRequest,
    DSAppSPResponse,
    MSAppSPRequest,
    MSAppSPResponse,
    ReactivePower,
)
from market.messages.dip.if003 import DSDeAppRM, MSDeAppRM
from market.messages.dtn import D0011, D0153, D0155, D0261, Address
from market.participant import Context, Participant, ParticipantIdentity
from market.process.population import MeteringPoint, format_reading


class LegacyAgent(Participant):
    """What every legacy agent does with an appointment: accept it (D0011) or reject it (D0261).

    ``rejection_probability`` is the chance, drawn from the agent's own
    ``ctx.rng``, that it rejects an appointment (decision D6: no capacity, no
    contract for the area).
    """

    rejection_probability: float = 0.0
    #: A supplier chasing an unanswered appointment resends it: answer every copy.
    redelivered_flows: ClassVar[frozenset[str]] = frozenset({"D0155", "D0153"})

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        #: The answer given to each appointment, by (MPAN, contract reference).
        self.answered: dict[tuple[str, str], bool] = {}

    def _answer_appointment(self, ctx: Context, appointment: D0155 | D0153) -> bool:
        """C10: accept or (D6) reject the appointment; ``True`` when newly accepted.

        A repeated appointment (same MPAN and contract reference: the supplier
        chased it because our answer went missing) gets the same answer again
        and changes nothing else.
        """
        answered = self.answered
        key = (appointment.mpan_core, appointment.contract_reference)
        if key in answered:
            ctx.record("appointment_answered_again", mpan=appointment.mpan_core)
            if answered[key]:
                self._accept(ctx, appointment)
            else:
                self._reject(ctx, appointment)
            return False
        accepted = not (
            self.rejection_probability and ctx.rng.random() < self.rejection_probability
        )
        answered[key] = accepted
        if accepted:
            self._accept(ctx, appointment)
        else:
            ctx.record("appointment_declined", mpan=appointment.mpan_core, reason="NO CAPACITY")
            self._reject(ctx, appointment)
        return accepted

    def _reject(self, ctx: Context, appointment: D0155 | D0153) -> None:
        """D6: D0261 to the supplier."""
        ctx.send_flow(
            D0261,
            to=Address(mpid=appointment.supplier_mpid, role=Role.SUPPLIER),
            mpan_core=appointment.mpan_core,
            appointed_role=appointment.appointed_role,
            effective_from_date=appointment.effective_from_date,
            contract_reference=appointment.contract_reference,
            rejection_reason="No capacity for new appointments in this GSP group",
        )

    def _accept(self, ctx: Context, appointment: D0155 | D0153) -> None:
        ctx.record(
            "appointment_accepted",
            mpan=appointment.mpan_core,
            supplier=appointment.supplier_mpid,
            effective_from=appointment.effective_from_date.isoformat(),
        )
        ctx.send_flow(
            D0011,
            to=Address(mpid=appointment.supplier_mpid, role=Role.SUPPLIER),
            mpan_core=appointment.mpan_core,
            appointed_role=appointment.appointed_role,
            effective_from_date=appointment.effective_from_date,
            contract_reference=appointment.contract_reference,
        )


#: [EST] Reactive import per unit of active import of an advanced (CT-metered) site:
#: tan φ at a power factor of about 0.95.
REACTIVE_PER_ACTIVE: Final = Decimal("0.33")


def submit_final_consumption(
    ctx: Context,
    point: MeteringPoint,
    day: date,
    *,
    mds_dip_id: str,
    distributor_dip_id: str,
    reactive_power: bool = False,
) -> None:
    """Submit IF-021 [ActivePower] for one settlement day of ``point``, from this data service.

    The register advances evenly over the day, so every period carries the
    day's consumption divided by the number of settlement periods that day has
    (46, 48 or 50 on clock-change days). With ``reactive_power`` (an advanced
    meter's ADS, A1r) the same day's reactive import follows as IF-021
    [ReactivePower] (B045 ``RI``, kVArh), over the same periods.
    """
    identity = ctx.identity
    assert identity.dip_id is not None  # only DIP users submit IF-021
    periods = settlement_periods(day)
    day_start = local_midnight(day)
    measured: list[tuple[type[ActivePower | ReactivePower], str, Decimal]] = [
        (ActivePower, "AI", point.daily_kwh)
    ]
    if reactive_power:
        measured.append((ReactivePower, "RI", point.daily_kwh * REACTIVE_PER_ACTIVE))
    m0 = M0(
        mpan_core=point.mpan_core,
        distributor_dip_id=distributor_dip_id,
        gsp_group_id=point.gsp_group_id,
    )
    for event, quantity, per_day in measured:
        ctx.submit(
            event(
                b044=B044(issuing_data_service_dip_id=identity.dip_id),
                b067=B067(
                    connection_type_indicator="W", connection_type_effective_from_date=day_start
                ),
                b900_list=(
                    B900.for_day(
                        measurement_quantity_id=quantity,
                        settlement_day_date=day_start,
                        values=[format_reading(per_day / periods)] * periods,
                    ),
                ),
            ),
            primary_recipients=(mds_dip_id,),
            m0=m0,
        )


@attrs.frozen(kw_only=True, slots=True)
class SubmitConsumption:
    """Timer: submit IF-021 for one settlement date of one MPAN."""

    mpan_core: str
    settlement_date: date


def schedule_final_consumption(
    ctx: Context, mpan: str, *, regime_end: date, supply_start: date, late_probability: float
) -> None:
    """T1 / A1 (+A1r) / S1b, and the D11 exception, as a data service's timers.

    The last MHHS settlement date's consumption goes to MDS at 10:00 on the
    supply start date. With ``late_probability`` (a data-service defect the
    scenario injects) the service also submits the supply start date itself the
    next working day, a date it is no longer appointed for, which MDS must
    reject with ECS1001.
    """
    ctx.set_timer(
        max(local_instant(supply_start, 10), ctx.now),
        SubmitConsumption(mpan_core=mpan, settlement_date=regime_end),
        mpan=mpan,
    )
    if late_probability and ctx.rng.random() < late_probability:
        ctx.record("late_consumption_planned", mpan=mpan, settlement_date=supply_start.isoformat())
        ctx.set_timer(
            ctx.calendar.working_instant(ctx.calendar.next_working_day(supply_start), 10),
            SubmitConsumption(mpan_core=mpan, settlement_date=supply_start),
            mpan=mpan,
        )


def accept_appointment_request(ctx: Context, request: DipEnvelope) -> None:
    """B34: accept an IF-033 appointment request (SP000) with the matching IF-034."""
    custom = request.custom
    response: CustomBlock
    if isinstance(custom, DSAppSPRequest):
        response = DSAppSPResponse(
            b007=B007.accepted(), b012=custom.b012, b013=custom.b013, b071=custom.b071
        )
    elif isinstance(custom, MSAppSPRequest):
        response = MSAppSPResponse(
            b007=B007.accepted(), b012=custom.b012, b013=custom.b013, b070=custom.b070
        )
    else:
        raise TypeError(f"{request.event_code} is not an IF-033 appointment request")
    d0 = request.common.d0
    ctx.submit(
        response,
        primary_recipients=(request.sender_dip_id,),
        m0=request.common.m0,
        correlation_id=d0.initial_correlation_id if d0 is not None else None,
    )


def refuse_unknown_mpan(ctx: Context, publication: DipEnvelope) -> None:
    """Refuse (level 3) a publication about an MPAN this participant does not serve.

    A well-formed message can still be wrong for its recipient (a mistaken or
    rogue sender, a DIP routing error): the recipient answers ``MSG1014 -
    Rejected By Recipient`` rather than act on, or crash over, an MPAN it
    knows nothing of. The DIP journals the refusal and tells the sender.
    """
    ctx.reject(
        publication,
        rule=f"MPAN {publication.mpan_core} is not served by {ctx.identity.participant_id}; "
        "check M0.MPANCore and the recipients",
    )


@attrs.frozen(kw_only=True)
class OutgoingServiceDuties:
    """What every outgoing MHHS service does alike, for one service.

    The IF-003 event that ends its appointment (``ended_by``) goes to the
    service's handler, or is refused (MSG1014) for an MPAN it does not serve;
    an IF-033 request to take an appointment of its kind (``appointed_by``) is
    accepted with IF-034 (path COS-M); other publications and DIP responses
    need nothing. A data service (``mds_dip_id`` set) also submits a day's
    IF-021 to MDS when its :class:`SubmitConsumption` timer fires: active power,
    and reactive power too when it serves advanced meters (``reactive_power``).
    """

    appointments: Mapping[str, MeteringPoint]
    ended_by: type[CustomBlock]
    appointed_by: type[DSAppSPRequest] | type[MSAppSPRequest]
    mds_dip_id: str | None = None
    distributor_dip_ids: Mapping[str, str] = attrs.field(factory=dict)
    reactive_power: bool = False

    @classmethod
    def of_metering_service(
        cls, appointments: Mapping[str, MeteringPoint]
    ) -> OutgoingServiceDuties:
        """The duties of an outgoing Metering Service (``[MSDeAppRM]``, ``[MSAppSPRequest]``)."""
        return cls(appointments=appointments, ended_by=MSDeAppRM, appointed_by=MSAppSPRequest)

    @classmethod
    def of_data_service(
        cls,
        appointments: Mapping[str, MeteringPoint],
        *,
        mds_dip_id: str,
        distributor_dip_ids: Mapping[str, str],
        reactive_power: bool = False,
    ) -> OutgoingServiceDuties:
        """The duties of an outgoing Data Service: ``[DSDeAppRM]``, ``[DSAppSPRequest]``, IF-021.

        ``reactive_power``: its meters measure reactive power too (an ADS's advanced meters).
        """
        return cls(
            appointments=appointments,
            ended_by=DSDeAppRM,
            appointed_by=DSAppSPRequest,
            mds_dip_id=mds_dip_id,
            distributor_dip_ids=distributor_dip_ids,
            reactive_power=reactive_power,
        )

    def serve(
        self, ctx: Context, message: object, *, on_ended: Callable[[Context, DipEnvelope], None]
    ) -> bool:
        """Do the common duty ``message`` calls for; ``True`` if it was one."""
        if isinstance(message, DipResponse):
            return True
        if isinstance(message, SubmitConsumption) and self.mds_dip_id is not None:
            submit_final_consumption(
                ctx,
                self.appointments[message.mpan_core],
                message.settlement_date,
                mds_dip_id=self.mds_dip_id,
                distributor_dip_id=self.distributor_dip_ids[message.mpan_core[:2]],
                reactive_power=self.reactive_power,
            )
            return True
        if not isinstance(message, DipEnvelope):
            return False
        custom = message.custom
        if isinstance(custom, self.ended_by):
            if message.mpan_core in self.appointments:
                on_ended(ctx, message)
            else:
                refuse_unknown_mpan(ctx, message)
        elif isinstance(custom, self.appointed_by):
            ctx.record("appointment_requested", mpan=message.mpan_core)
            accept_appointment_request(ctx, message)
        return True
