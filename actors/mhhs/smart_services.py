"""Outgoing MHHS services of the smart segment: the Smart Data Service and Smart Metering Service.

On PUB-003 ``[DSDeAppRM]`` the outgoing SDS ends its appointment at
``MHHSRegimeEndDate``. For a traditional meter (variant T) it then submits its
last consumption (T1) and gives the incoming legacy DC its reading history by
D0010 (T2): proactively on the supply start date when B096 names the DC, or when
the DC asks with D0170 (T2q). For a smart meter (variant S) the process map has
no Outgoing DS lane, so by default it does nothing more; with the option
``smart_outgoing_ds_lane`` it stops the MDR (S1), submits its last consumption
(S1b), answers a D0170 (S2h) and may share the change-of-supply read with IF-041
(``smart_if041_sender = OUTGOING_SDS``).

On PUB-003 ``[MSDeAppRM]`` the outgoing MSS releases the meter technical
details (D0150, D0149) to the incoming legacy MOP: proactively when B095 names
it (T3 / M1), or on the MOP's D0170 request (T3q / M1q).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import attrs

from actors.support import (
    OutgoingServiceDuties,
    schedule_final_consumption,
)
from market.kernel.ids import Role
from market.kernel.local_time import (
    format_journal_instant,
    local_instant,
    local_midnight,
    settlement_date_of,
)
from market.messages.dip import (
    B083,
    M0,
    DipEnvelope,
    MDRStop,
)
from market.messages.dip.if003 import DSDeAppRM, MSDeAppRM
from market.messages.dip.if041 import B064, ReadingCOS
from market.messages.dtn import D0010, D0149, D0150, D0170, Address
from market.participant import Context, Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint, format_reading

#: How far back the SDS's earlier validated reading lies, so the DC can work out an advance.
HISTORY_SPAN = timedelta(days=90)


@attrs.frozen(kw_only=True, slots=True)
class SendReadingHistory:
    """Timer: on the supply start date, send the legacy DC the reading history."""

    mpan_core: str
    data_collector_mpid: str
    data_collector_role: Role


@attrs.frozen(kw_only=True, slots=True)
class ShareCosReading:
    """Timer: on the supply start date, share the smart meter's midnight read (IF-041, S3)."""

    mpan_core: str


@attrs.define(kw_only=True)
class EndedAppointment:
    """What the outgoing SDS keeps about an MPAN after its de-appointment."""

    effective_to: date
    supply_start_date: date
    correlation_id: str | None


class SmartDataService(Participant):
    """An MHHS Smart Data Service; in a reverse migration, the outgoing DS."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        appointments: Mapping[str, MeteringPoint],
        supplier_dip_ids: Mapping[str, str],
        distributor_dip_ids: Mapping[str, str],
        mds_dip_id: str,
        meter_data_retriever: tuple[str, str],
        options: ProcessOptions,
        late_consumption_probability: float = 0.0,
    ) -> None:
        super().__init__(identity)
        self.appointments = dict(appointments)
        self.mds_dip_id = mds_dip_id
        #: DIP ID and MPID of the MDR that retrieves this SDS's smart meters' data.
        self.meter_data_retriever = meter_data_retriever
        self.late_consumption_probability = late_consumption_probability
        #: DIP ID of each supplier MPID it serves, to address IF-041 to the outgoing supplier.
        self.supplier_dip_ids = dict(supplier_dip_ids)
        self.distributor_dip_ids = dict(distributor_dip_ids)
        self.options = options
        self.ended: dict[str, EndedAppointment] = {}
        self.duties = OutgoingServiceDuties.of_data_service(
            self.appointments, mds_dip_id=mds_dip_id, distributor_dip_ids=distributor_dip_ids
        )

    def on_message(self, ctx: Context, message: object) -> None:
        """Handle de-appointments, data requests from legacy DCs and its own timers."""
        if self.duties.serve(ctx, message, on_ended=self._on_deappointed):
            return
        match message:
            case SendReadingHistory():
                self._send_history(
                    ctx, message.mpan_core, message.data_collector_role, message.data_collector_mpid
                )
            case D0170():
                self._send_history(ctx, message.mpan_core, message.from_role, message.from_mpid)
            case ShareCosReading():
                self._share_cos_reading(ctx, message.mpan_core)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, DSDeAppRM)
        mpan = envelope.mpan_core
        effective_to = settlement_date_of(custom.b009.data_service_effective_to_date)
        ssd = settlement_date_of(custom.b002.supplier_effective_from_date)
        d0 = envelope.common.d0
        self.ended[mpan] = EndedAppointment(
            effective_to=effective_to,
            supply_start_date=ssd,
            correlation_id=d0.initial_correlation_id if d0 is not None else None,
        )
        ctx.record("appointment_ended", mpan=mpan, effective_to=effective_to.isoformat())
        point = self.appointments[mpan]
        if not self.options.outgoing_ds_takes_part(point.variant):
            ctx.record("no_further_role", mpan=mpan, reason="the smart variant has no DS lane")
            return
        schedule_final_consumption(
            ctx,
            mpan,
            regime_end=effective_to,
            supply_start=ssd,
            late_probability=self.late_consumption_probability,
        )
        if point.variant == "S":
            self._stop_meter_data_retriever(ctx, envelope, effective_to)
            if self.options.smart_if041_sender == "OUTGOING_SDS":
                ctx.set_timer(
                    max(local_instant(ssd, 9), ctx.now), ShareCosReading(mpan_core=mpan), mpan=mpan
                )
            return
        if custom.b096 is None:
            ctx.record("incoming_data_collector_unknown", mpan=mpan)
            return
        ctx.set_timer(
            max(local_instant(ssd, 8), ctx.now),
            SendReadingHistory(
                mpan_core=mpan,
                data_collector_mpid=custom.b096.reverse_migration_incoming_dc_mpid,
                data_collector_role=Role.NHH_DATA_COLLECTOR,
            ),
            mpan=mpan,
        )

    def _stop_meter_data_retriever(
        self, ctx: Context, envelope: DipEnvelope, effective_to: date
    ) -> None:
        """S1: IF-063 [MDRStop], so the MDR stops retrieving after MHHSRegimeEndDate."""
        dip_id, mpid = self.meter_data_retriever
        ctx.submit(
            MDRStop(
                b083=B083(
                    assigned_mdr_dip_id=dip_id,
                    assigned_mdr_mpid=mpid,
                    assigned_mdr_effective_to_date=local_midnight(effective_to),
                )
            ),
            primary_recipients=(dip_id,),
            m0=envelope.common.m0,
        )

    def _send_history(self, ctx: Context, mpan: str, role: Role, mpid: str) -> None:
        """T2: the two latest validated readings, so the DC can work out an advance."""
        point = self.appointments.get(mpan)
        if point is None:
            ctx.record("reading_request_refused", mpan=mpan, requester=mpid)
            return
        if not self.options.outgoing_ds_takes_part(point.variant):
            ctx.record(
                "reading_request_refused",
                mpan=mpan,
                requester=mpid,
                reason="the smart variant has no DS lane",
            )
            return
        earlier_on = point.last_read_on - HISTORY_SPAN
        for read_on, value in (
            (earlier_on, point.last_read - point.daily_kwh * HISTORY_SPAN.days),
            (point.last_read_on, point.last_read),
        ):
            ctx.send_flow(
                D0010,
                to=Address(mpid=mpid, role=role),
                mpan_core=mpan,
                meter_id=point.meter_id,
                register_id=point.register_id,
                reading_date=read_on,
                reading=format_reading(value),
                reading_type="R",
                reading_method=None,
            )

    def _share_cos_reading(self, ctx: Context, mpan: str) -> None:
        """S3 (option OUTGOING_SDS): IF-041 [ReadingCOS] to the outgoing supplier (+ LDSO)."""
        point = self.appointments[mpan]
        ended = self.ended[mpan]
        ctx.submit(
            ReadingCOS(
                b064_list=(
                    B064(
                        meter_id=point.meter_id,
                        cumulative_register_reading=format_reading(
                            point.register_on(ended.supply_start_date)
                        ),
                        cumulative_register_reading_date_time=local_midnight(
                            ended.supply_start_date
                        ),
                        reading_method="A",
                        site_visit_check_code=None,
                    ),
                )
            ),
            primary_recipients=(self.supplier_dip_ids[point.supplier_mpid],),
            m0=M0(
                mpan_core=mpan,
                distributor_dip_id=self.distributor_dip_ids[mpan[:2]],
                gsp_group_id=point.gsp_group_id,
            ),
            correlation_id=ended.correlation_id,
        )


class SmartMeteringService(Participant):
    """An MHHS Smart Metering Service; in a reverse migration, the outgoing MS.

    A MOP's D0170 that comes while it is still appointed (REGS de-appointed on
    securing and the DIP has not yet delivered ``[MSDeAppRM]``) is held and answered
    on the de-appointment.
    """

    def __init__(
        self, identity: ParticipantIdentity, *, appointments: Mapping[str, MeteringPoint]
    ) -> None:
        super().__init__(identity)
        self.appointments = dict(appointments)
        self.released: dict[str, date] = {}
        self.held_requests: dict[str, list[D0170]] = {}
        self.duties = OutgoingServiceDuties.of_metering_service(self.appointments)

    def on_message(self, ctx: Context, message: object) -> None:
        """Release meter technical details on ``[MSDeAppRM]`` (B095) or on a MOP's D0170."""
        if self.duties.serve(ctx, message, on_ended=self._on_deappointed):
            return
        if not isinstance(message, D0170):
            ctx.record("message_ignored", kind=type(message).__name__)
            return
        mpan = message.mpan_core
        if mpan not in self.appointments:
            ctx.record("mtd_request_refused", mpan=mpan, reason="not appointed to this MPAN")
            return
        effective = self.released.get(mpan)
        if effective is None:
            self.held_requests.setdefault(mpan, []).append(message)
            ctx.record("mtd_request_held", mpan=mpan, requester=message.from_mpid)
            return
        self._release(ctx, mpan, message.from_role, message.from_mpid, effective)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, MSDeAppRM)
        mpan = envelope.mpan_core
        ssd = settlement_date_of(custom.b002.supplier_effective_from_date)
        self.released[mpan] = ssd
        ctx.record(
            "appointment_ended",
            mpan=mpan,
            effective_to=format_journal_instant(custom.b008.metering_service_effective_to_date),
        )
        named = custom.b095.reverse_migration_incoming_mop_mpid if custom.b095 else None
        for request in self.held_requests.pop(mpan, []):
            if request.from_mpid != named:  # the MOP B095 names is served just below
                self._release(ctx, mpan, request.from_role, request.from_mpid, ssd)
        if custom.b095 is None:
            ctx.record("incoming_meter_operator_unknown", mpan=mpan)
            return
        self._release(
            ctx, mpan, Role.NHH_METER_OPERATOR, custom.b095.reverse_migration_incoming_mop_mpid, ssd
        )

    def _release(self, ctx: Context, mpan: str, role: Role, mpid: str, effective: date) -> None:
        """T3 / M1: D0150 then D0149 to the incoming MOP."""
        point = self.appointments[mpan]
        ctx.send_flow(
            D0150,
            to=Address(mpid=mpid, role=role),
            mpan_core=mpan,
            meter_id=point.meter_id,
            meter_type="S2" if point.variant == "S" else "N",
            effective_from_date=effective,
            registers=(point.register_id,),
            measurement_quantity="AI",
        )
        ctx.send_flow(
            D0149,
            to=Address(mpid=mpid, role=role),
            mpan_core=mpan,
            meter_id=point.meter_id,
            effective_from_date=effective,
            register_mappings=((point.register_id, "00001"),),
        )
