"""Outgoing MHHS services: the Smart Data Service and the Smart Metering Service.

On PUB-003 ``[DSDeAppRM]`` the outgoing SDS ends its appointment at
``MHHSRegimeEndDate`` and, at the supply start date, gives the incoming legacy
DC named in B096 its reading history by D0010 (T1, T2). On PUB-003
``[MSDeAppRM]`` the outgoing MSS releases the meter technical details to the
incoming legacy MOP named in B095 (T3, BPM-002).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import ClassVar

import attrs

from market.compose import dtn_flow
from market.dip import DipEnvelope, DipResponse
from market.dip.if003 import DSDeAppRM, MSDeAppRM
from market.dtn import D0010, D0149, D0150
from market.ids import Role
from market.local_time import local_instant, settlement_date_of
from market.participant import Context, Participant, ParticipantIdentity
from market.population import MeteringPoint, format_reading

#: How far back the SDS's earlier validated reading lies, so the DC can work out an advance.
HISTORY_SPAN = timedelta(days=90)


@attrs.frozen(kw_only=True, slots=True)
class SendReadingHistory:
    """Timer: on the supply start date, send the legacy DC the reading history."""

    mpan_core: str
    data_collector_mpid: str


class SmartDataService(Participant):
    """An MHHS Smart Data Service; in a reverse migration, the outgoing DS."""

    role: ClassVar[Role] = Role.SMART_DATA_SERVICE

    def __init__(
        self, identity: ParticipantIdentity, *, appointments: Mapping[str, MeteringPoint]
    ) -> None:
        super().__init__(identity)
        self.appointments = dict(appointments)
        self.ended: dict[str, date] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Handle de-appointment publications and the reading-history timer."""
        match message:
            case DipEnvelope(custom=DSDeAppRM()):
                self._on_deappointed(ctx, message)
            case SendReadingHistory():
                self._send_history(ctx, message)
            case DipResponse():
                pass
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, DSDeAppRM)
        mpan = envelope.mpan_core
        effective_to = settlement_date_of(custom.b009.data_service_effective_to_date)
        self.ended[mpan] = effective_to
        ctx.record("appointment_ended", mpan=mpan, effective_to=effective_to.isoformat())
        if custom.b096 is None:
            ctx.record("incoming_data_collector_unknown", mpan=mpan)
            return
        ssd = settlement_date_of(custom.b096.reverse_migration_incoming_dc_effective_from_date)
        ctx.set_timer(
            max(local_instant(ssd, 8), ctx.now),
            SendReadingHistory(
                mpan_core=mpan, data_collector_mpid=custom.b096.reverse_migration_incoming_dc_mpid
            ),
            mpan=mpan,
        )

    def _send_history(self, ctx: Context, timer: SendReadingHistory) -> None:
        point = self.appointments[timer.mpan_core]
        earlier_on = point.last_read_on - HISTORY_SPAN
        for read_on, value in (
            (earlier_on, point.last_read - point.daily_kwh * HISTORY_SPAN.days),
            (point.last_read_on, point.last_read),
        ):
            ctx.send(
                dtn_flow(
                    ctx,
                    D0010,
                    to_role=Role.NHH_DATA_COLLECTOR,
                    to_mpid=timer.data_collector_mpid,
                    mpan_core=timer.mpan_core,
                    meter_id=point.meter_id,
                    register_id=point.register_id,
                    reading_date=read_on,
                    reading=format_reading(value),
                    reading_type="R",
                    reading_method=None,
                )
            )


class SmartMeteringService(Participant):
    """An MHHS Smart Metering Service; in a reverse migration, the outgoing MS."""

    role: ClassVar[Role] = Role.SMART_METERING_SERVICE

    def __init__(
        self, identity: ParticipantIdentity, *, appointments: Mapping[str, MeteringPoint]
    ) -> None:
        super().__init__(identity)
        self.appointments = dict(appointments)

    def on_message(self, ctx: Context, message: object) -> None:
        """Release meter technical details to the incoming legacy MOP on ``[MSDeAppRM]``."""
        match message:
            case DipEnvelope(custom=MSDeAppRM()):
                self._on_deappointed(ctx, message)
            case DipResponse():
                pass
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_deappointed(self, ctx: Context, envelope: DipEnvelope) -> None:
        custom = envelope.custom
        assert isinstance(custom, MSDeAppRM)
        mpan = envelope.mpan_core
        ctx.record(
            "appointment_ended",
            mpan=mpan,
            effective_to=custom.b008.metering_service_effective_to_date.isoformat(),
        )
        if custom.b095 is None:
            ctx.record("incoming_meter_operator_unknown", mpan=mpan)
            return
        point = self.appointments[mpan]
        mop = custom.b095.reverse_migration_incoming_mop_mpid
        effective = settlement_date_of(
            custom.b095.reverse_migration_incoming_mop_effective_from_date
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0150,
                to_role=Role.NHH_METER_OPERATOR,
                to_mpid=mop,
                mpan_core=mpan,
                meter_id=point.meter_id,
                meter_type="N",
                effective_from_date=effective,
                registers=(point.register_id,),
                measurement_quantity="AI",
            )
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0149,
                to_role=Role.NHH_METER_OPERATOR,
                to_mpid=mop,
                mpan_core=mpan,
                meter_id=point.meter_id,
                effective_from_date=effective,
                register_mappings=((point.register_id, "00001"),),
            )
        )
