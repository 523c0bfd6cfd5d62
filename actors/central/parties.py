"""Central and network parties: MDS, MDR, LDSO and EES.

In a reverse migration they mostly learn (C8, C17, T4): the MDS stops accepting
MHHS consumption after ``MHHSRegimeEndDate`` and rejects any that still comes
(IF-014 ``[ActivePowerRejected]`` with ECS1001, decision D11); the MDR stops
retrieving a smart meter's data when the SDS says so (IF-063 ``[MDRStop]``);
the LDSO and EES update their records.
"""

from __future__ import annotations

from datetime import date, timedelta

from market.kernel.local_time import format_journal_instant, local_midnight, settlement_date_of
from market.messages.dip import (
    DATA_SERVICE_NOT_APPOINTED,
    R0,
    ActivePower,
    ActivePowerRejected,
    DipEnvelope,
    DipResponse,
    MDRStop,
)
from market.messages.dip.if003 import ReverseMigNotification
from market.messages.dtn import DFlow
from market.participant import Context, Participant, ParticipantIdentity


class _Listener(Participant):
    """Records what it hears; the record is the participant's state."""

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        self.regime_end: dict[str, date] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Note reverse-migration publications and meter technical details."""
        match message:
            case DipEnvelope(custom=ReverseMigNotification() as custom):
                end = settlement_date_of(custom.b094.mhhs_regime_end_date)
                self.regime_end[message.mpan_core] = end
                ctx.record(
                    "mhhs_regime_end_noted",
                    mpan=message.mpan_core,
                    mhhs_regime_end_date=end.isoformat(),
                )
            case DipEnvelope():
                self.on_publication(ctx, message)
            case DFlow():
                ctx.record("flow_noted", mpan=message.mpan_core, flow=message.flow_id)
            case DipResponse():
                pass
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def on_publication(self, ctx: Context, envelope: DipEnvelope) -> None:
        """Any other publication: note it."""
        ctx.record("publication_noted", mpan=envelope.mpan_core, event_code=envelope.event_code)


_DAY = timedelta(days=1)


class MarketwideDataService(_Listener):
    """MDS: settles MHHS consumption; after ``MHHSRegimeEndDate`` it rejects it (C17, D11)."""

    def on_publication(self, ctx: Context, envelope: DipEnvelope) -> None:
        """Accept IF-021 consumption inside the MHHS regime; reject it with IF-014 after."""
        custom = envelope.custom
        if not isinstance(custom, ActivePower):
            super().on_publication(ctx, envelope)
            return
        mpan = envelope.mpan_core
        end = self.regime_end.get(mpan)
        for day_block in custom.b900_list:
            day = settlement_date_of(day_block.b046.settlement_day_date)
            last_end = max((period.sp for period in day_block.b047_list), default=None)
            inside = end is None or (
                day <= end and (last_end is None or last_end <= local_midnight(end + _DAY))
            )
            if inside:
                ctx.record("consumption_accepted", mpan=mpan, settlement_date=day.isoformat())
                continue
            ctx.record(
                "consumption_rejected",
                mpan=mpan,
                settlement_date=day.isoformat(),
                code=DATA_SERVICE_NOT_APPOINTED.code,
            )
            d0 = envelope.common.d0
            ctx.submit(
                ActivePowerRejected(b044=custom.b044, b067=custom.b067, b900=day_block),
                primary_recipients=(envelope.sender_dip_id,),
                m0=envelope.common.m0,
                correlation_id=d0.initial_correlation_id if d0 is not None else None,
                r0=R0.rejected(DATA_SERVICE_NOT_APPOINTED),
            )


class MeterDataRetriever(_Listener):
    """MDR: retrieves smart meter data for the SDS until told to stop (IF-063, S1)."""

    def on_publication(self, ctx: Context, envelope: DipEnvelope) -> None:
        """Stop retrieving for an MPAN on ``[MDRStop]``."""
        custom = envelope.custom
        if isinstance(custom, MDRStop):
            ctx.record(
                "retrieval_stopped",
                mpan=envelope.mpan_core,
                effective_to=format_journal_instant(custom.b083.assigned_mdr_effective_to_date),
            )
            return
        super().on_publication(ctx, envelope)


class Ldso(_Listener):
    """The LDSO: learns its MPAN has left MHHS, and gets the meter technical details (T4)."""


class ElectricityEnquiryService(_Listener):
    """EES: keeps the industry enquiry record current (how it learns is RECON: PUB-003 always)."""
