"""Central and network parties: MDS, LSS, MDR, LDSO and EES.

In a reverse migration they mostly learn (C8, C17, T4): the MDS stops accepting
MHHS consumption (active and reactive) after ``MHHSRegimeEndDate`` and rejects
any that still comes (IF-014 ``[ActivePowerRejected]`` with ECS1001, decision
D11); the LSS takes the last days of active consumption into its load shapes
(PUB-021, T1 / A1 / S1b); the MDR stops retrieving a smart meter's data when
the SDS says so (IF-063 ``[MDRStop]``); the LDSO and EES update their records.
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
    ReactivePower,
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
        """Accept IF-021 consumption inside the MHHS regime; reject it with IF-014 after.

        Reactive power is judged as active power is: the DS's appointment ends at
        ``MHHSRegimeEndDate`` for every quantity it reports. The brief has no
        reactive rejection event, so a refused ``[ReactivePower]`` day is answered
        with IF-014 ``[ActivePowerRejected]`` too, its B900 repeating B045 ``RI``.
        """
        custom = envelope.custom
        if not isinstance(custom, ActivePower | ReactivePower):
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
            quantity = day_block.b045.measurement_quantity_id
            if inside:
                ctx.record(
                    "consumption_accepted",
                    mpan=mpan,
                    settlement_date=day.isoformat(),
                    quantity=quantity,
                )
                continue
            ctx.record(
                "consumption_rejected",
                mpan=mpan,
                settlement_date=day.isoformat(),
                code=DATA_SERVICE_NOT_APPOINTED.code,
                quantity=quantity,
            )
            d0 = envelope.common.d0
            ctx.submit(
                ActivePowerRejected(b044=custom.b044, b067=custom.b067, b900=day_block),
                primary_recipients=(envelope.sender_dip_id,),
                m0=envelope.common.m0,
                correlation_id=d0.initial_correlation_id if d0 is not None else None,
                r0=R0.rejected(DATA_SERVICE_NOT_APPOINTED),
            )


class LoadShapingService(_Listener):
    """LSS: builds load shapes from the active consumption the DIP copies it (PUB-021).

    It keeps, per MPAN and settlement day, how many settlement periods of
    ``[ActivePower]`` it has received; a repeated day (a correction, a duplicate
    the network made) replaces the count, as a resubmission replaces the data.
    PUB-003 does not reach it, so it does not know an MPAN's regime end: a day
    MDS rejects (D11) is shaped too. Its load shapes themselves (IF-022 /
    IF-023) are not modelled. Anything else it is sent is noted, never acted on.
    """

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        #: Settlement periods received, by (MPAN, settlement day).
        self.periods_received: dict[tuple[str, date], int] = {}

    def on_publication(self, ctx: Context, envelope: DipEnvelope) -> None:
        """Take each day of an ``[ActivePower]`` into the load shapes; note anything else."""
        custom = envelope.custom
        if not isinstance(custom, ActivePower):
            super().on_publication(ctx, envelope)
            return
        mpan = envelope.mpan_core
        for day_block in custom.b900_list:
            day = settlement_date_of(day_block.b046.settlement_day_date)
            periods = len(day_block.b047_list)
            self.periods_received[(mpan, day)] = periods
            ctx.record(
                "consumption_shaped",
                mpan=mpan,
                settlement_date=day.isoformat(),
                periods=periods,
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
