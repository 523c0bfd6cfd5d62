"""The legacy Data Transfer Network: D-flows between market participant ids (MPIDs).

A D-flow is addressed by the recipient's role and MPID; the DTN carries it
only from its owner (the sender's own role and MPID in the header) and has no
retries: a lost flow stays lost.
"""

from __future__ import annotations

from market.kernel.vocabulary import DTN
from market.messages.dtn import DFlow
from market.networks.wire import Wire


class Dtn:
    """The DTN: checks who sends a flow, finds who it is for, journals and transmits it."""

    __slots__ = ("wire",)

    def __init__(self, wire: Wire) -> None:
        self.wire = wire

    def carries(self, message: object) -> bool:
        """D-flows travel on the DTN."""
        return isinstance(message, DFlow)

    def send(self, sender: str, message: object) -> None:
        """Route a D-flow from ``sender`` to the participant its header names."""
        assert isinstance(message, DFlow)
        wire = self.wire
        flow = message
        header = flow.header  # read once: the flow's parts (from_mpid, to_role...) are its header's
        identity = wire.directory.identity(sender)
        if identity.mpid != header.from_mpid or identity.role != header.from_role:
            wire.dead_letter(
                sender=sender,
                network=DTN,
                message=flow.flow_id,
                mpan=flow.mpan_core,
                reason=f"from {flow.from_role}/{flow.from_mpid} is not the sender "
                f"({identity.role}/{identity.mpid}); the DTN only carries flows from their owner",
                payload=flow,
            )
            return
        recipient = wire.directory.by_role_mpid(header.to_role, header.to_mpid)
        if recipient is None:
            wire.dead_letter(
                sender=sender,
                network=DTN,
                message=flow.flow_id,
                mpan=flow.mpan_core,
                reason=f"no DTN participant is {flow.to_role}/{flow.to_mpid}",
                payload=flow,
            )
            return
        wire.send_addressed(
            network=DTN,
            label=flow.flow_id,
            sender=sender,
            recipient=recipient,
            mpan=header.mpan_core,
            payload=flow,
            latency=wire.latencies.dtn,
        )
