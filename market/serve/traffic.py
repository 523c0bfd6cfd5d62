"""How the real systems were loaded: requests, errors and latencies per endpoint and direction.

``inbound`` is what a real system asked of the DIP (its latency is the
simulator's answer time); ``outbound`` is what the DIP asked of the real system
(webhook calls: its latency is the real system's answer time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import attrs

Direction = Literal["inbound", "outbound"]


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted ``ordered`` (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@attrs.define
class EndpointTraffic:
    """Calls of one endpoint in one direction."""

    requests: int = 0
    errors: int = 0
    statuses: dict[str, int] = attrs.field(factory=dict)
    latencies: list[float] = attrs.field(factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts and p50/p95/p99 latency in milliseconds."""
        ordered = sorted(self.latencies)
        return {
            "requests": self.requests,
            "errors": self.errors,
            "statuses": dict(sorted(self.statuses.items())),
            "p50_ms": round(percentile(ordered, 0.50) * 1000, 3),
            "p95_ms": round(percentile(ordered, 0.95) * 1000, 3),
            "p99_ms": round(percentile(ordered, 0.99) * 1000, 3),
        }


class Traffic:
    """Every call across the HTTP boundary, by (participant, direction, endpoint)."""

    def __init__(self) -> None:
        self._calls: dict[tuple[str, Direction, str], EndpointTraffic] = {}
        #: Publications the real systems accepted (201), by participant.
        self.publications_delivered: dict[str, int] = {}

    def observe(
        self,
        participant: str,
        direction: Direction,
        endpoint: str,
        *,
        status: int | None,
        seconds: float,
    ) -> None:
        """One call: its status (``None``: no answer at all) and how long it took."""
        calls = self._calls.get((participant, direction, endpoint))
        if calls is None:
            calls = self._calls[(participant, direction, endpoint)] = EndpointTraffic()
        calls.requests += 1
        key = "no answer" if status is None else str(status)
        calls.statuses[key] = calls.statuses.get(key, 0) + 1
        if status is None or status >= 400:
            calls.errors += 1
        calls.latencies.append(seconds)

    @property
    def requests(self) -> int:
        """Every call so far, both directions."""
        return sum(calls.requests for calls in self._calls.values())

    def summary(self) -> list[dict[str, Any]]:
        """One row per participant, direction and endpoint, in that order."""
        return [
            {"participant": pid, "direction": direction, "endpoint": endpoint, **calls.summary()}
            for (pid, direction, endpoint), calls in sorted(self._calls.items())
        ]
