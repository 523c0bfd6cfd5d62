"""The Central Switching Service interface: switching events between CSS and market parties.

A CSS message is addressed by the recipient's role and, where a role has
several parties (suppliers), its MPID. The interface carries a message only
from a sender entitled to it (:mod:`market.networks.css_senders`): only the
CSS sends switching events; a supplier sends its own requests, under its own
MPID, to the CSS. Who sent a message is the broker's word, never the
message's; a refused message is dead-lettered with the rule it broke.
"""

from __future__ import annotations

from market.kernel.vocabulary import CSS
from market.messages.css import CssMessage
from market.networks.css_senders import SENDER_REFUSED, sender_refusal
from market.networks.wire import Wire


class Css:
    """The CSS interface: checks who sends an event, finds who it is for, journals, transmits."""

    __slots__ = ("wire",)

    def __init__(self, wire: Wire) -> None:
        self.wire = wire

    def carries(self, message: object) -> bool:
        """CSS messages travel on the CSS interface."""
        return isinstance(message, CssMessage)

    def send(self, sender: str, message: object) -> None:
        """Route a CSS message from ``sender`` to the party it names, if ``sender`` may send it."""
        assert isinstance(message, CssMessage)
        wire = self.wire
        label = message.message_name
        addressee = f"{message.to_role}/{message.to_mpid or '(the only one)'}"
        identity = wire.directory.identity(sender)
        refusal = sender_refusal(
            label,
            role=identity.role,
            mpid=identity.mpid,
            to_role=message.to_role,
            items=message.items(),
        )
        if refusal is not None:
            wire.dead_letter(
                sender=sender,
                network=CSS,
                message=label,
                mpan=message.mpan_core,
                reason=f"{refusal} (sent by {identity.role}/{identity.mpid or '-'} "
                f"to {addressee}); {SENDER_REFUSED}",
                payload=message,
            )
            return
        recipient = wire.directory.by_role_mpid(message.to_role, message.to_mpid)
        if recipient is None:
            wire.dead_letter(
                sender=sender,
                network=CSS,
                message=label,
                mpan=message.mpan_core,
                reason=f"no CSS party is {addressee}",
                payload=message,
            )
            return
        wire.send_addressed(
            network=CSS,
            label=label,
            sender=sender,
            recipient=recipient,
            mpan=message.mpan_core,
            payload=message,
            latency=wire.latencies.css,
        )
