"""Conservation: no accepted DIP submission is lost without the journal saying why.

Every publication the DIP routed (a ``routed`` event lists its transaction id
and recipients) must be, for each recipient: delivered (perhaps late, perhaps
replayed after ``RetriesExhausted``), or dead-lettered with a reason. A
publication whose retries ran out and that was never replayed is lost: the
check names it, whether or not a fault plan caused the loss, because a
participant that never learns of a message cannot act on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from market.kernel.event_kinds import EventKind

Event = Mapping[str, Any]


@attrs.frozen(kw_only=True, slots=True)
class ConservationViolation:
    """One publication that never reached one recipient, with what the journal shows of it."""

    transaction_id: str
    recipient: str
    message: str
    event_code: str | None
    mpan: str | None
    last_seen: str

    def describe(self) -> str:
        """One line for people."""
        label = " ".join(p for p in (self.message, self.event_code) if p)
        return (
            f"{self.mpan} {label} {self.transaction_id} never reached {self.recipient} "
            f"(last: {self.last_seen})"
        )


def _transaction(event: Event) -> str | None:
    envelope = event.get("envelope")
    if not isinstance(envelope, Mapping):
        return None
    d0 = envelope.get("CommonBlock", {}).get("D0")
    return d0.get("transactionID") if isinstance(d0, Mapping) else None


def check_conservation(events: Iterable[Event]) -> tuple[ConservationViolation, ...]:
    """Every routed publication delivered or dead-lettered per recipient; else a violation."""
    expected: dict[tuple[str, str], Event] = {}
    settled: set[tuple[str, str]] = set()
    last_seen: dict[tuple[str, str], str] = {}
    for event in events:
        kind = event.get("kind")
        if kind == EventKind.ROUTED:
            detail = event.get("detail") or {}
            transaction = detail.get("transaction_id")
            for recipient in detail.get("recipients", ()):
                if transaction is not None:
                    expected[(transaction, recipient)] = event
            continue
        if event.get("network") != "DIP" or not str(event.get("message", "")).startswith("PUB-"):
            continue
        transaction = _transaction(event)
        recipient = event.get("recipient")
        if transaction is None or recipient is None:
            continue
        key = (transaction, recipient)
        if kind in (EventKind.DELIVERED, EventKind.DEAD_LETTERED):
            settled.add(key)
        else:
            last_seen[key] = str(kind)
    return tuple(
        ConservationViolation(
            transaction_id=transaction,
            recipient=recipient,
            message=str(routed.get("message")),
            event_code=routed.get("event_code"),
            mpan=routed.get("mpan"),
            last_seen=last_seen.get((transaction, recipient), EventKind.ROUTED),
        )
        for (transaction, recipient), routed in sorted(expected.items())
        if (transaction, recipient) not in settled
    )
