"""Counts and latencies of a run, from its journal: what the report's statistics and plots show.

Latency is measured in simulated time from a message leaving its sender to its
delivery: a D-flow or CSS message from its ``sent`` event, a DIP publication
from the ``accepted`` event of its submission (same correlation id). Sends are
matched to deliveries first in, first out per sender, recipient, message and
MPAN; a send the network lost (``dropped``) is matched to its loss, so later
deliveries still pair with the right sends. Under reordering faults the
pairing is approximate, which a distribution tolerates.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from market.kernel.event_kinds import EventKind

#: Journal kinds an injected fault (or its consequence) leaves; the report counts each.
FAULT_KINDS: Final = (
    EventKind.DROPPED,
    EventKind.DUPLICATED,
    EventKind.DELAYED,
    EventKind.REORDERED,
    EventKind.CORRUPTED,
    EventKind.REFUSED,
    EventKind.RETRYING,
    EventKind.RETRIES_EXHAUSTED,
    EventKind.REPLAYED,
    EventKind.CRASHED,
    EventKind.DEAD_LETTERED,
)
NETWORKS: Final = ("DIP", "DTN", "CSS", "OUTSIDE")


@attrs.frozen(kw_only=True, slots=True)
class Latency:
    """One delivered message's time in transit, in simulated seconds."""

    network: str
    message: str
    seconds: float
    delivered_at: datetime


@attrs.frozen(kw_only=True, slots=True)
class LatencySummary:
    """Latency percentiles of one network, in simulated seconds."""

    network: str
    count: int
    median: float
    p95: float
    maximum: float


@attrs.frozen(kw_only=True, slots=True)
class Tallies:
    """What a journal adds up to; every tuple is ``(name, count)`` sorted by count, then name."""

    events: int
    first_at: str | None
    last_at: str | None
    kinds: tuple[tuple[str, int], ...]
    deliveries_by_network: tuple[tuple[str, int], ...]
    messages: tuple[tuple[str, int], ...]
    participants: tuple[tuple[str, int, int], ...]
    faults: tuple[tuple[str, int], ...]
    latency: tuple[LatencySummary, ...]


def _instant(event: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["at"]))


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def is_delivery(event: Mapping[str, Any]) -> bool:
    """A message handed to a participant (DIP responses and timers are not messages here)."""
    return event.get("kind") == EventKind.DELIVERED and event.get("message") != "DIP-RESPONSE"


def _send_key(event: Mapping[str, Any]) -> tuple[object, ...]:
    return tuple(event.get(k) for k in ("network", "message", "sender", "recipient", "mpan"))


def _publication_key(event: Mapping[str, Any]) -> tuple[object, ...]:
    number = str(event.get("message", "")).removeprefix("IF-").removeprefix("PUB-")
    return (event.get("correlation_id"), number, event.get("event_code"))


def latencies(events: Iterable[Mapping[str, Any]]) -> list[Latency]:
    """Every delivery whose send the journal shows, with its transit time (module docstring)."""
    sends: dict[tuple[object, ...], deque[datetime]] = {}
    submissions: dict[tuple[object, ...], datetime] = {}
    found = []
    for event in events:
        kind = event.get("kind")
        network = event.get("network")
        if kind == EventKind.ACCEPTED and network == "DIP":
            submissions.setdefault(_publication_key(event), _instant(event))
        elif kind == EventKind.SENT:
            sends.setdefault(_send_key(event), deque()).append(_instant(event))
        elif kind == EventKind.DROPPED and network != "DIP":
            waiting = sends.get(_send_key(event))
            if waiting:
                waiting.popleft()
        elif is_delivery(event) and network is not None:
            if network == "DIP":
                sent_at = submissions.get(_publication_key(event))
            else:
                waiting = sends.get(_send_key(event))
                sent_at = waiting.popleft() if waiting else None
            if sent_at is not None:
                delivered_at = _instant(event)
                found.append(
                    Latency(
                        network=str(network),
                        message=str(event.get("message")),
                        seconds=(delivered_at - sent_at).total_seconds(),
                        delivered_at=delivered_at,
                    )
                )
    return found


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted ``values`` (``fraction`` 0.5 is the median)."""
    if not values:
        return 0.0
    rank = max(1, min(len(values), math.ceil(fraction * len(values))))
    return values[rank - 1]


def _summaries(found: Iterable[Latency]) -> tuple[LatencySummary, ...]:
    by_network: dict[str, list[float]] = {}
    for latency in found:
        by_network.setdefault(latency.network, []).append(latency.seconds)
    summaries = []
    for network in sorted(by_network, key=lambda n: (n not in NETWORKS, n)):
        values = sorted(by_network[network])
        summaries.append(
            LatencySummary(
                network=network,
                count=len(values),
                median=percentile(values, 0.5),
                p95=percentile(values, 0.95),
                maximum=values[-1],
            )
        )
    return tuple(summaries)


def tally(events: Sequence[Mapping[str, Any]]) -> Tallies:
    """Count a journal: events by kind, deliveries by network and message, participants, faults."""
    kinds: Counter[str] = Counter()
    networks: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for event in events:
        kinds[str(event.get("kind"))] += 1
        if is_delivery(event):
            networks[str(event.get("network"))] += 1
            label = " ".join(p for p in (event.get("message"), event.get("event_code")) if p)
            messages[label] += 1
            sent[str(event.get("sender"))] += 1
            received[str(event.get("recipient"))] += 1
    participants = sorted(
        ((p, sent[p], received[p]) for p in set(sent) | set(received)),
        key=lambda row: (-(row[1] + row[2]), row[0]),
    )
    return Tallies(
        events=len(events),
        first_at=str(events[0]["at"]) if events else None,
        last_at=str(events[-1]["at"]) if events else None,
        kinds=_ranked(kinds),
        deliveries_by_network=_ranked(networks),
        messages=_ranked(messages),
        participants=tuple(participants),
        faults=tuple((kind, kinds[kind]) for kind in FAULT_KINDS if kinds[kind]),
        latency=_summaries(latencies(events)),
    )


def format_seconds(seconds: float) -> str:
    """A duration for people: ``2 s``, ``1 min``, ``3 h 5 min``, ``2 d 4 h``."""
    if seconds < 60:
        return f"{seconds:g} s"
    minutes = seconds / 60
    if minutes < 60:
        return f"{minutes:.0f} min" if minutes == int(minutes) else f"{minutes:.1f} min"
    hours, minutes = divmod(round(minutes), 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
