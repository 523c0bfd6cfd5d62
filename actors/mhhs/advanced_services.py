"""Outgoing MHHS services of an advanced meter: the Advanced Metering and Data Services.

Variant A of a reverse migration (brief c.3, c.5; contract path RM-A). On
PUB-003 ``[MSDeAppRM]`` the outgoing MSA releases the half-hourly meter
technical details (D0268) to the incoming legacy HHMOA named in B095 (A3). On
PUB-003 ``[DSDeAppRM]`` the outgoing ADS gives the incoming legacy HHDC named
in B096 the meter's final reading (D0010) at 08:00 on the supply start date
(A2). Where REGS left B095 / B096 out, neither service knows whom to hand over
to, so each answers the incoming agent that asks with D0170 instead (A3q, A2q).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar, Final

import attrs

from actors.support import (
    OutgoingServiceDuties,
    schedule_final_consumption,
)
from market.kernel.ids import Role
from market.kernel.local_time import local_instant, settlement_date_of
from market.messages.dip import DipEnvelope
from market.messages.dip.if003 import DSDeAppRM, MSDeAppRM
from market.messages.dtn import D0010, D0170, D0268, Address
from market.participant import Context, Participant, ParticipantIdentity
from market.process.population import MeteringPoint, format_reading

#: The HH channels an advanced meter records: active and reactive import.
CHANNELS: Final = ("AI", "RI")
#: Current transformer ratio of a typical CT-operated advanced meter.
CT_RATIO: Final = "200/5"
#: Local hour on the supply start date at which the ADS hands over the final reading.
HANDOVER_HOUR: Final = 8


class _OutgoingService(Participant):
    """What both outgoing services do with a D0170: answer once de-appointed, hold until then.

    The answer needs the supply start date, which the service learns from
    PUB-003; a request that comes first waits for it.
    """

    #: The D0170 ``requested_item`` this service answers.
    answered_item: ClassVar[str]
    #: How its journal names such a request: ``mtd_request_held``, ``reading_request_refused``.
    request_name: ClassVar[str]

    def __init__(
        self, identity: ParticipantIdentity, *, appointments: Mapping[str, MeteringPoint]
    ) -> None:
        super().__init__(identity)
        self.appointments = dict(appointments)
        self.supply_start_dates: dict[str, date] = {}
        self.held_requests: dict[str, list[D0170]] = {}

    def _deappointed(self, ctx: Context, mpan: str, supply_start_date: date) -> None:
        """Remember the supply start date and answer any request that waited for it."""
        self.supply_start_dates[mpan] = supply_start_date
        for request in self.held_requests.pop(mpan, []):
            self._answer(ctx, request)

    def _on_request(self, ctx: Context, request: D0170) -> None:
        mpan = request.mpan_core
        refusal = None
        if mpan not in self.appointments:
            refusal = "not appointed to this MPAN"
        elif request.requested_item != self.answered_item:
            refusal = f"answers only requests for {self.answered_item}"
        if refusal is not None:
            ctx.record(
                f"{self.request_name}_request_refused",
                mpan=mpan,
                requested_item=request.requested_item,
                requester=request.from_mpid,
                reason=refusal,
            )
            return
        if mpan not in self.supply_start_dates:
            self.held_requests.setdefault(mpan, []).append(request)
            ctx.record(f"{self.request_name}_request_held", mpan=mpan, requester=request.from_mpid)
            return
        self._answer(ctx, request)

    def _answer(self, ctx: Context, request: D0170) -> None:
        raise NotImplementedError(f"{type(self).__name__} must say how it answers a D0170")


class AdvancedMeteringService(_OutgoingService):
    """An MHHS Advanced Metering Service (MSA); in a reverse migration, the outgoing MS."""

    answered_item: ClassVar[str] = "MTD"
    request_name: ClassVar[str] = "mtd"

    def __init__(
        self, identity: ParticipantIdentity, *, appointments: Mapping[str, MeteringPoint]
    ) -> None:
        super().__init__(identity, appointments=appointments)
        self.duties = OutgoingServiceDuties.of_metering_service(self.appointments)

    def on_message(self, ctx: Context, message: object) -> None:
        """Release the MTDs on ``[MSDeAppRM]`` to the HHMOA in B095, or to one that asks (A3q)."""
        if self.duties.serve(ctx, message, on_ended=self._on_deappointed):
            return
        if isinstance(message, D0170):
            self._on_request(ctx, message)
        else:
            ctx.record("message_ignored", kind=type(message).__name__)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, MSDeAppRM)
        mpan = envelope.mpan_core
        ctx.record(
            "appointment_ended",
            mpan=mpan,
            effective_to=settlement_date_of(
                custom.b008.metering_service_effective_to_date
            ).isoformat(),
        )
        if custom.b095 is None:
            ctx.record("incoming_meter_operator_unknown", mpan=mpan)
        else:
            self._send_meter_details(
                ctx,
                mpan,
                to_role=Role.HH_METER_OPERATOR,
                to_mpid=custom.b095.reverse_migration_incoming_mop_mpid,
                effective_from=settlement_date_of(
                    custom.b095.reverse_migration_incoming_mop_effective_from_date
                ),
            )
        self._deappointed(ctx, mpan, settlement_date_of(custom.b002.supplier_effective_from_date))

    def _answer(self, ctx: Context, request: D0170) -> None:
        self._send_meter_details(
            ctx,
            request.mpan_core,
            to_role=request.from_role,
            to_mpid=request.from_mpid,
            effective_from=self.supply_start_dates[request.mpan_core],
        )

    def _send_meter_details(
        self, ctx: Context, mpan: str, *, to_role: Role, to_mpid: str, effective_from: date
    ) -> None:
        """A3: the HH meter technical details, effective from the supply start date."""
        point = self.appointments[mpan]
        ctx.send_flow(
            D0268,
            to=Address(mpid=to_mpid, role=to_role),
            mpan_core=mpan,
            meter_id=point.meter_id,
            outstation_id=f"OS{mpan[-8:]}",
            effective_from_date=effective_from,
            channels=CHANNELS,
            ct_ratio=CT_RATIO,
        )


@attrs.frozen(kw_only=True, slots=True)
class SendFinalReading:
    """Timer: on the supply start date, give the incoming data collector the final reading."""

    mpan_core: str
    supply_start_date: date
    data_collector_mpid: str
    data_collector_role: Role


class AdvancedDataService(_OutgoingService):
    """An MHHS Advanced Data Service (ADS); in a reverse migration, the outgoing DS.

    ``ended`` keeps, per MPAN, the last settlement date it is responsible for
    (``MHHSRegimeEndDate``): its HH data up to then still goes to MDS, active
    power (A1) and reactive power (A1r), the two channels its meters record.
    """

    answered_item: ClassVar[str] = "READINGS"
    request_name: ClassVar[str] = "reading"

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        appointments: Mapping[str, MeteringPoint],
        mds_dip_id: str,
        distributor_dip_ids: Mapping[str, str],
        late_consumption_probability: float = 0.0,
    ) -> None:
        super().__init__(identity, appointments=appointments)
        self.duties = OutgoingServiceDuties.of_data_service(
            self.appointments,
            mds_dip_id=mds_dip_id,
            distributor_dip_ids=distributor_dip_ids,
            reactive_power=True,
        )
        self.late_consumption_probability = late_consumption_probability
        self.ended: dict[str, date] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Hand the final reading to the HHDC in B096, or to one that asks (A2q); fire the timer."""
        if self.duties.serve(ctx, message, on_ended=self._on_deappointed):
            return
        match message:
            case D0170():
                self._on_request(ctx, message)
            case SendFinalReading():
                self._send_final_reading(ctx, message)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, DSDeAppRM)
        mpan = envelope.mpan_core
        effective_to = settlement_date_of(custom.b009.data_service_effective_to_date)
        self.ended[mpan] = effective_to
        ctx.record("appointment_ended", mpan=mpan, effective_to=effective_to.isoformat())
        schedule_final_consumption(
            ctx,
            mpan,
            regime_end=effective_to,
            supply_start=settlement_date_of(custom.b002.supplier_effective_from_date),
            late_probability=self.late_consumption_probability,
        )
        if custom.b096 is None:
            ctx.record("incoming_data_collector_unknown", mpan=mpan)
        else:
            self._schedule_final_reading(
                ctx,
                mpan,
                to_role=Role.HH_DATA_COLLECTOR,
                to_mpid=custom.b096.reverse_migration_incoming_dc_mpid,
                supply_start_date=settlement_date_of(
                    custom.b096.reverse_migration_incoming_dc_effective_from_date
                ),
            )
        self._deappointed(ctx, mpan, settlement_date_of(custom.b002.supplier_effective_from_date))

    def _answer(self, ctx: Context, request: D0170) -> None:
        self._schedule_final_reading(
            ctx,
            request.mpan_core,
            to_role=request.from_role,
            to_mpid=request.from_mpid,
            supply_start_date=self.supply_start_dates[request.mpan_core],
        )

    def _schedule_final_reading(
        self, ctx: Context, mpan: str, *, to_role: Role, to_mpid: str, supply_start_date: date
    ) -> None:
        """The final reading is the register at the start of the SSD: send it that morning."""
        ctx.set_timer(
            local_instant(supply_start_date, HANDOVER_HOUR),
            SendFinalReading(
                mpan_core=mpan,
                supply_start_date=supply_start_date,
                data_collector_mpid=to_mpid,
                data_collector_role=to_role,
            ),
            mpan=mpan,
        )

    def _send_final_reading(self, ctx: Context, timer: SendFinalReading) -> None:
        """A2: the register value at the start of the supply start date, reading type F."""
        point = self.appointments[timer.mpan_core]
        ctx.send_flow(
            D0010,
            to=Address(mpid=timer.data_collector_mpid, role=timer.data_collector_role),
            mpan_core=timer.mpan_core,
            meter_id=point.meter_id,
            register_id=point.register_id,
            reading_date=timer.supply_start_date,
            reading=format_reading(point.register_on(timer.supply_start_date)),
            reading_type="F",
            reading_method=None,
        )
