"""A user-written outgoing (MHHS) supplier, using only the public participant API.

It stands in for the built-in ``SUP-MHSA``: it accepts every loss, stops MHHS
billing when PUB-003 announces the regime end, and records the change-of-supply
reading the legacy data collector settles. Run it under load with
``python examples/byo_supplier_under_load.py`` or on the command line:

    market run --participant SUP-MHSA=examples.byo.simple_supplier:SimpleOutgoingSupplier
"""

from __future__ import annotations

from market import (
    D0086,
    Context,
    DipEnvelope,
    DipResponse,
    LossNotification,
    Participant,
    ReverseMigNotification,
    SecuredActive,
)


class SimpleOutgoingSupplier(Participant):
    """Accepts losses; notes regime ends and change-of-supply readings."""

    def on_message(self, ctx: Context, message: object) -> None:
        """React to the messages an outgoing supplier receives in a reverse migration."""
        match message:
            case LossNotification():
                ctx.record("loss_accepted", mpan=message.mpan_core)
            case SecuredActive():
                ctx.record("loss_secured", mpan=message.mpan_core)
            case DipEnvelope(custom=ReverseMigNotification() as notice):
                ctx.record(
                    "mhhs_billing_stopped",
                    mpan=message.mpan_core,
                    mhhs_regime_end_date=notice.b094.mhhs_regime_end_date.isoformat(),
                )
            case D0086():
                ctx.record("cos_reading_noted", mpan=message.mpan_core, reading=message.reading)
            case DipResponse():
                pass
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)
