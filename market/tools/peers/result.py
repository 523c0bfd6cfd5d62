"""What a peer reports, and the count every peer's actors keep."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class PeerResult:
    """One peer's run: deliveries, reverse migrations completed, seconds of delivery."""

    peer: str
    concurrent: int
    deliveries: int
    #: Deliveries of the pattern's terminal hop (one per completed reverse migration).
    completed: int
    #: Wall-clock seconds of the delivery phase (``time.perf_counter``), set-up left out.
    seconds: float
    #: Virtual seconds from the first delivery to the last (``None``: the peer has no virtual time).
    virtual_seconds: float | None = None

    @property
    def msgs_per_s(self) -> float:
        """Deliveries per wall-clock second."""
        return self.deliveries / self.seconds


@attrs.define(slots=True)
class Tally:
    """Deliveries and completed reverse migrations, counted by the actors as they go."""

    deliveries: int = 0
    completed: int = 0
