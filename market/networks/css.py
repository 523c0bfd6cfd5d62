"""The Central Switching Service interface: switching events between CSS and market parties.

A CSS message is addressed by the recipient's role and, where a role has
several parties (suppliers), its MPID.
"""

from __future__ import annotations

from market.kernel.vocabulary import CSS
from market.messages.css import CssMessage
from market.networks.wire import Wire


class Css:
    """The CSS interface: finds who a switching event is for, journals and transmits it."""

    __slots__ = ("wire",)

    def __init__(self, wire: Wire) -> None:
        self.wire = wire

    def carries(self, message: object) -> bool:
        """CSS messages travel on the CSS interface."""
        return isinstance(message, CssMessage)

    def send(self, sender: str, message: object) -> None:
        """Route a CSS message from ``sender`` to the party it names."""
        assert isinstance(message, CssMessage)
        wire = self.wire
        recipient = wire.directory.by_role_mpid(message.to_role, message.to_mpid)
        label = message.message_name
        if recipient is None:
            wire.dead_letter(
                sender=sender,
                network=CSS,
                message=label,
                mpan=message.mpan_core,
                reason=f"no CSS party is {message.to_role}/{message.to_mpid or '(the only one)'}",
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
