"""Behaviour shared by several participant families (not a participant itself).

Participant modules never import each other (they talk only through the
broker); they may import this module, which holds building blocks that no
participant owns: it defines no role and keeps no state of its own.
"""

from __future__ import annotations

from market.compose import dtn_flow
from market.dtn import D0011, D0153, D0155
from market.ids import Role
from market.participant import Context, Participant


class LegacyAgent(Participant):
    """What every legacy agent does with an appointment: accept it with D0011."""

    def _accept(self, ctx: Context, appointment: D0155 | D0153) -> None:
        ctx.record(
            "appointment_accepted",
            mpan=appointment.mpan_core,
            supplier=appointment.supplier_mpid,
            effective_from=appointment.effective_from_date.isoformat(),
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0011,
                to_role=Role.SUPPLIER,
                to_mpid=appointment.supplier_mpid,
                mpan_core=appointment.mpan_core,
                appointed_role=appointment.appointed_role,
                effective_from_date=appointment.effective_from_date,
                contract_reference=appointment.contract_reference,
            )
        )
