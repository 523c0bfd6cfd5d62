"""What a served market raises to its HTTP side."""

from __future__ import annotations


class MarketClosedError(Exception):
    """The run is over (done or timed out): an input can no longer be applied."""
