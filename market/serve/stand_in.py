"""The participant a real system plays: in the market, it only forwards.

Nothing simulated plays an external participant. Its place in the market (its
mailbox, its identity, its deliveries in the journal) is held by a
:class:`StandIn`, which hands everything delivered to it to the
:class:`~market.serve.outlet.Outlet` that calls the real system's webhooks.
What the real system sends comes in over HTTP (:mod:`market.serve.port`), not
from here.
"""

from __future__ import annotations

from typing import Protocol

from market.participant import Context, Participant, ParticipantIdentity


class Forwarder(Protocol):
    """Where a stand-in hands what it is delivered (an outlet)."""

    def forward(self, participant_id: str, message: object, ctx: Context) -> None:
        """Take ``message``, delivered to ``participant_id`` now, to the real system."""
        ...


class StandIn(Participant):
    """Holds an external participant's place in the market and forwards its deliveries."""

    def __init__(self, identity: ParticipantIdentity, *, forwarder: Forwarder) -> None:
        super().__init__(identity)
        self.forwarder = forwarder

    def on_message(self, ctx: Context, message: object) -> None:
        """Forward every delivery; deciding what to do is the real system's job."""
        self.forwarder.forward(self.participant_id, message, ctx)
