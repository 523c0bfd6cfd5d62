"""A supplier turned attacker: it forges CSS switching events that only the CSS may send.

:func:`css_forger` makes a class that plays the market's qualified supplier
(``SUP-MHSB``) exactly as the built-in one does, and at the start of the run
also sends two messages only the Central Switching Service originates:

* a ``SecuredActive`` to the Registration Service, naming itself the gaining
  supplier of an MPAN nobody switched to it (to have REGS register the switch
  to it and send it D0217 and D0311);
* a ``LossNotification`` to another supplier, about an MPAN that supplier holds.

Play it with ``replace_participants(setup, {"SUP-MHSB": css_forger(...)})``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from actors.mhhs.supplier import MhhsSupplier
from market import Context, Participant
from market.kernel.ids import Role
from market.messages.css import LossNotification, SecuredActive

#: The CSS registration id the forger makes up (the real CSS draws a UUID).
FORGED_REGISTRATION_ID = "00000000-0000-4000-8000-00000000f0e9"


class CssForger(MhhsSupplier):
    """The built-in qualified supplier, taking over its state, plus two forged CSS events."""

    #: The MPAN it claims REGS should register to it.
    stolen_mpan: ClassVar[str]
    #: The MPAN whose holder it tells, as if it were CSS, that the MPAN is being lost.
    lost_mpan: ClassVar[str]
    #: The supplier (MPID) that holds both MPANs.
    victim_mpid: ClassVar[str]
    #: The Registration Service (MPID) that holds ``stolen_mpan``.
    registration_service_mpid: ClassVar[str]

    @classmethod
    def replacing(cls, built_in: Participant) -> CssForger:
        """Start from what the built-in supplier knew (its portfolio, its options)."""
        made = cls.__new__(cls)
        made.__dict__.update(built_in.__dict__)
        return made

    def on_start(self, ctx: Context) -> None:
        """Forge a secured switch to REGS and a loss notice to the victim, then carry on."""
        super().on_start(ctx)
        assert self.identity.mpid is not None  # a supplier always has an MPID
        supply_start = ctx.calendar.add_working_days(ctx.today, 2)
        ctx.send(
            SecuredActive(
                mpan_core=self.stolen_mpan,
                to_role=Role.REGISTRATION_SERVICE,
                to_mpid=self.registration_service_mpid,
                css_registration_id=FORGED_REGISTRATION_ID,
                gaining_supplier_mpid=self.identity.mpid,
                losing_supplier_mpid=self.victim_mpid,
                supply_start_date=supply_start,
            )
        )
        ctx.send(
            LossNotification(
                mpan_core=self.lost_mpan,
                to_role=Role.SUPPLIER,
                to_mpid=self.victim_mpid,
                css_registration_id=FORGED_REGISTRATION_ID,
                gaining_supplier_mpid=self.identity.mpid,
                supply_start_date=supply_start,
                objection_deadline=ctx.now + timedelta(hours=1),
            )
        )


def css_forger(
    *,
    stolen_mpan: str,
    lost_mpan: str,
    victim_mpid: str = "MHSA",
    registration_service_mpid: str = "RGSJ",
) -> type[CssForger]:
    """A :class:`CssForger` subclass aimed at these MPANs (one class per attack)."""
    return type(
        "CssForger",
        (CssForger,),
        {
            "stolen_mpan": stolen_mpan,
            "lost_mpan": lost_mpan,
            "victim_mpid": victim_mpid,
            "registration_service_mpid": registration_service_mpid,
            "__module__": __name__,
        },
    )


#: Aimed at the default market (``market run``: three migrated MPANs, seed 1), for the CLI:
#: ``market run --participant SUP-MHSB=examples.byo.css_forger:DefaultMarketForger``.
DefaultMarketForger = css_forger(stolen_mpan="1952499358227", lost_mpan="1994174638915")
