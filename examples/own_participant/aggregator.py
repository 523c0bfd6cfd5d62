"""A participant of your own: a legacy NHH Data Aggregator written only against ``market``.

It accepts every appointment (D0153) with D0011, notes who else serves the MPAN
(D0148) and REGS's instruction (D0209), and keeps the EAC each D0019 brings for
legacy settlement. Play it in the built-in market with::

    market run --participant NHHDA-NDAG=examples.own_participant.aggregator:SettlementAggregator

and test it with the pytest fixtures, as ``test_aggregator.py`` next to it does.
"""

from __future__ import annotations

from market import (
    D0011,
    D0019,
    D0148,
    D0153,
    D0209,
    D0302,
    Address,
    Context,
    Participant,
    ParticipantIdentity,
    Role,
)


class SettlementAggregator(Participant):
    """Accepts appointments and keeps the estimated annual consumption of each MPAN."""

    def __init__(self, identity: ParticipantIdentity) -> None:
        super().__init__(identity)
        #: The latest EAC (kWh, as the D0019 gave it) of each MPAN.
        self.eac_kwh: dict[str, str] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """C10 for a D0153; note D0148, D0302 and D0209; keep the EAC of a D0019 (T7)."""
        match message:
            case D0153():
                ctx.send_flow(
                    D0011,
                    to=Address(mpid=message.supplier_mpid, role=Role.SUPPLIER),
                    mpan_core=message.mpan_core,
                    appointed_role=message.appointed_role,
                    effective_from_date=message.effective_from_date,
                    contract_reference=message.contract_reference,
                )
                ctx.record("appointment_accepted", mpan=message.mpan_core)
            case D0148() | D0302() | D0209():
                ctx.record("details_received", mpan=message.mpan_core, flow=message.flow_id)
            case D0019():
                self.eac_kwh[message.mpan_core] = message.estimated_annual_consumption_kwh
                ctx.record("eac_received", mpan=message.mpan_core)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)
