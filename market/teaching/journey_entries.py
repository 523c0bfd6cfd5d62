"""The entries of a journey: each journal line a journey tells, as a message or a lane event.

A :class:`Message` is one message between two participants (with its step and
the step's meaning); a :class:`LaneEvent` something that happened to one
participant (state change, timer, crash, dead letter). :func:`journey_entry`
turns one journal line into either, or ``None`` for lines a journey does not
tell; :class:`DuplicateTracker` marks the extra copy of a duplicated message.
:mod:`market.teaching.journey` builds whole journeys from these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from market.checks.progress import observed_step
from market.kernel.event_kinds import EventKind
from market.kernel.local_time import to_local
from market.process.model import step_by_id

#: The platform itself, as a lane: submissions go to it and publications come from it.
DIP_PLATFORM: Final = "DIP"
#: The sender of stimuli from outside the market (a customer signing with a supplier).
CUSTOMER: Final = "customer"
#: Message fates: delivered (or, for a DIP submission, accepted), rejected by the DIP, lost.
DELIVERED: Final = "delivered"
REJECTED: Final = "rejected"
LOST: Final = "lost"

#: Journal kinds that happen to one participant rather than between two.
LANE_KINDS: Final = frozenset(
    {
        EventKind.STATE_CHANGED,
        EventKind.TIMER_FIRED,
        EventKind.CRASHED,
        EventKind.DEAD_LETTERED,
    }
)


@attrs.frozen(kw_only=True, slots=True)
class Message:
    """One message between two participants, as the journal shows it.

    A DIP submission is drawn from the submitter to :data:`DIP_PLATFORM` (its
    ``accepted`` or ``rejected`` event); a publication from the platform to a
    recipient (its ``delivered`` event). ``fate`` says whether it arrived
    (:data:`DELIVERED`), was refused by the DIP (:data:`REJECTED`) or was lost
    by an injected fault (:data:`LOST`). ``duplicate`` marks the second arrival
    of a message the network duplicated. ``note`` says why it was rejected or lost.
    """

    seq: int
    at: datetime
    network: str | None
    message: str
    event_code: str | None
    sender: str
    recipient: str
    step: str | None
    meaning: str
    fate: str = DELIVERED
    duplicate: bool = False
    note: str | None = None

    @property
    def is_submission(self) -> bool:
        """Whether this is a DIP submission (IF-nnn, to the platform)."""
        return self.network == "DIP" and self.recipient == DIP_PLATFORM

    @property
    def label(self) -> str:
        """Step, message and event code: ``C8 PUB-003 [ReverseMigNotification]``."""
        return " ".join(part for part in (self.step, self.message, self.event_code) if part)


@attrs.frozen(kw_only=True, slots=True)
class LaneEvent:
    """Something that happened to one participant: state change, timer, crash, restart, dead letter.

    ``kind`` is the journal kind; ``text`` the fact in words (``customer_signed
    (supply_start_date=2026-03-02)``, ``ValueError: boom``).
    """

    seq: int
    at: datetime
    participant: str
    kind: str
    text: str
    network: str | None = None
    message: str | None = None


JourneyEntry = Message | LaneEvent


def _instant(value: object) -> datetime:
    return to_local(datetime.fromisoformat(str(value)))


def step_meaning(step_id: str | None, path: str | None) -> str:
    """What a step means in ``path`` (its first definition when the path lacks it); ``""`` if none.

    Shared step ids may mean different things per path, so the path decides.
    """
    if step_id is None:
        return ""
    try:
        return step_by_id(step_id, path).meaning if path else step_by_id(step_id).meaning
    except KeyError:
        try:
            return step_by_id(step_id).meaning
        except KeyError:
            return ""


def _facts(detail: Mapping[str, Any], *, leave_out: Iterable[str] = ()) -> str:
    skipped = set(leave_out)
    return ", ".join(
        f"{key}={value}"
        for key, value in detail.items()
        if key not in skipped and value is not None
    )


def _key(event: Mapping[str, Any]) -> tuple[object, ...]:
    return tuple(
        event.get(name)
        for name in ("network", "message", "event_code", "sender", "recipient", "correlation_id")
    )


class DuplicateTracker:
    """Marks the second arrival of a message after the network journalled a ``duplicated`` fault.

    The fault is journalled when the message is sent; both copies arrive
    later, in either order. The second arrival with the same network, message,
    event code, sender, recipient and correlation id is marked as the duplicate.
    """

    def __init__(self) -> None:
        self._waiting: dict[tuple[object, ...], list[int]] = {}

    def faulted(self, event: Mapping[str, Any]) -> None:
        """The network duplicated the message ``event`` names."""
        self._waiting.setdefault(_key(event), []).append(0)

    def is_duplicate(self, event: Mapping[str, Any]) -> bool:
        """Whether the delivery ``event`` is the extra copy of a duplicated message."""
        arrivals = self._waiting.get(_key(event))
        if not arrivals:
            return False
        arrivals[0] += 1
        if arrivals[0] < 2:
            return False
        arrivals.pop(0)
        return True


def _message(event: Mapping[str, Any], path: str | None, **fields: Any) -> Message:
    kind = event.get("kind")
    step = (
        observed_step(event)
        if kind in (EventKind.DELIVERED, EventKind.ACCEPTED)
        else event.get("step")
    )
    return Message(
        seq=int(event["seq"]),
        at=_instant(event["at"]),
        network=event.get("network"),
        message=str(event.get("message") or "?"),
        event_code=event.get("event_code"),
        sender=str(event.get("sender")),
        recipient=str(event.get("recipient")),
        step=step,
        meaning=step_meaning(step, path),
        **fields,
    )


def _submission(event: Mapping[str, Any], path: str | None, detail: Mapping[str, Any]) -> Message:
    """A DIP submission from its ``accepted`` or ``rejected`` event (the recipient submitted it)."""
    submission = _message(event, path)
    rejected = event.get("kind") == EventKind.REJECTED
    note = " ".join(str(detail.get(k)) for k in ("code", "text") if detail.get(k))
    return attrs.evolve(
        submission,
        sender=submission.recipient,
        recipient=DIP_PLATFORM,
        fate=REJECTED if rejected else DELIVERED,
        note=note if rejected and note else None,
    )


def journey_entry(
    event: Mapping[str, Any], path: str | None, duplicates: DuplicateTracker | None = None
) -> JourneyEntry | None:
    """The journey entry one journal line makes, or ``None`` for lines a journey does not tell.

    ``path`` picks the step meanings (a step id's meaning may differ per path);
    ``duplicates`` remembers ``duplicated`` faults so the extra copy is marked.
    """
    kind = event.get("kind")
    detail: Mapping[str, Any] = event.get("detail") or {}
    entry: JourneyEntry | None = None
    if kind == EventKind.DELIVERED and event.get("message") != "DIP-RESPONSE":
        duplicate = duplicates is not None and duplicates.is_duplicate(event)
        entry = _message(event, path, duplicate=duplicate)
    elif kind in (EventKind.ACCEPTED, EventKind.REJECTED) and event.get("network") == "DIP":
        entry = _submission(event, path, detail)
    elif kind == EventKind.DROPPED:
        entry = _message(event, path, fate=LOST, note=str(detail.get("reason") or "lost"))
    elif kind == EventKind.DUPLICATED and duplicates is not None:
        duplicates.faulted(event)
    elif kind in LANE_KINDS:
        entry = lane_event(event, detail)
    return entry


def lane_event(event: Mapping[str, Any], detail: Mapping[str, Any]) -> LaneEvent:
    kind = str(event["kind"])
    if kind == EventKind.STATE_CHANGED:
        facts = _facts(detail, leave_out=("event",))
        text = str(detail.get("event", "")) + (f" ({facts})" if facts else "")
    elif kind == EventKind.TIMER_FIRED:
        text = f"timer {event.get('message')} fired"
    elif kind == EventKind.CRASHED:
        text = str(detail.get("error") or "crashed")
    elif kind == EventKind.DEAD_LETTERED:
        text = f"{event.get('message')}: {detail.get('reason') or 'no reason given'}"
    else:
        text = _facts(detail)
    return LaneEvent(
        seq=int(event["seq"]),
        at=_instant(event["at"]),
        participant=str(event.get("sender") or event.get("recipient")),
        kind=kind,
        text=text,
        network=event.get("network"),
        message=event.get("message"),
    )
