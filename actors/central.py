"""Central and network parties that listen: MDS, LDSO and EES.

None of them sends anything in a reverse migration; what they learn is what
matters (C8, C17, T4): MDS stops expecting MHHS consumption after
``MHHSRegimeEndDate``, the LDSO and EES update their records.
"""

from __future__ import annotations

from typing import ClassVar

from market.dip import DipEnvelope
from market.dip.if003 import ReverseMigNotification
from market.dtn import DFlow
from market.ids import Role
from market.local_time import settlement_date_of
from market.participant import Context, Participant, ParticipantIdentity


class _Listener(Participant):
    """Records what it hears; the record is the participant's state."""

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        self.regime_end: dict[str, str] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Note reverse-migration publications and meter technical details."""
        match message:
            case DipEnvelope(custom=ReverseMigNotification() as custom):
                end = settlement_date_of(custom.b094.mhhs_regime_end_date).isoformat()
                self.regime_end[message.mpan_core] = end
                ctx.record(
                    "mhhs_regime_end_noted", mpan=message.mpan_core, mhhs_regime_end_date=end
                )
            case DipEnvelope():
                ctx.record(
                    "publication_noted", mpan=message.mpan_core, event_code=message.event_code
                )
            case DFlow():
                ctx.record("flow_noted", mpan=message.mpan_core, flow=message.flow_id)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)


class MarketwideDataService(_Listener):
    """MDS: expects no IF-021 consumption for dates after ``MHHSRegimeEndDate`` (C17)."""

    role: ClassVar[Role] = Role.MARKETWIDE_DATA_SERVICE


class Ldso(_Listener):
    """The LDSO: learns its MPAN has left MHHS, and gets the meter technical details (T4)."""

    role: ClassVar[Role] = Role.LDSO


class ElectricityEnquiryService(_Listener):
    """EES: keeps the industry enquiry record current (how it learns is RECON: PUB-003 always)."""

    role: ClassVar[Role] = Role.ELECTRICITY_ENQUIRY_SERVICE
