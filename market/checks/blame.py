"""Blame that is true: what the journal shows happened to a step an MPAN still waits for.

"Owed by X" is only right when X never acted. A step can also have been sent
and lost, or held, by the network (a fault plan's loss, a partition, a DIP
that gave up), sent to the wrong party, or never sent because its owner never
received what it was waiting for. :func:`fate_of` tells these apart from the
journal's facts; steps are the checker's own (:mod:`market.checks.classification`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from market.checks.facts import Event
from market.checks.progress import observed_step
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role
from market.process.model import Step

#: Kinds that say the network lost a message for good (a DIP retry that later succeeds is a
#: delivery, so the step is not waited for).
_LOST: Final = frozenset({EventKind.DROPPED, EventKind.DEAD_LETTERED, EventKind.RETRIES_EXHAUSTED})
_SENDS: Final = frozenset({EventKind.SENT, EventKind.SUBMITTED})


def fate_of(
    step: Step, events: Sequence[Event], owners: Sequence[str], roles: Mapping[str, Role]
) -> str:
    """Why ``step`` is still missing for one MPAN's ``events``, as a phrase for people.

    ``sent by X, lost on the way to Y (loss: lost in transit)``;
    ``sent by X to Y, still held by the network when the run ended``;
    ``submitted by X, rejected by the DIP (MSG1001)``;
    ``sent by X to the wrong party Z (SUP)``; otherwise ``owed by X`` and, when
    X never received a message the network lost on its way to X, which.
    """
    sends = [e for e in events if e.get("kind") in _SENDS and e.get("step") == step.step_id]
    if sends:
        return _fate_of_send(sends[-1], events)
    misdirected = [
        e
        for e in events
        if e.get("kind") == EventKind.DELIVERED
        and e.get("message") in step.messages
        and e.get("network") == step.network
        and e.get("sender") in owners
        and observed_step(e) is None
    ]
    if misdirected:
        wrong = str(misdirected[0].get("recipient"))
        sender = misdirected[0].get("sender")
        return f"sent by {sender} to the wrong party {wrong} ({roles.get(wrong, '?')})"
    owed = f"owed by {' or '.join(owners) or 'an unidentified ' + step.party}"
    starved = [e for e in events if e.get("kind") in _LOST and e.get("recipient") in owners]
    if not starved:
        return owed
    first = starved[0]
    return (
        f"{owed}, which never received {_what(first)} from {first.get('sender')}: "
        f"the network lost it ({_why(first)})"
    )


def lost_on_the_way(
    step: Step, events: Sequence[Event], holds_party: Callable[[str], bool]
) -> str | None:
    """``sent by X, lost on the way to Y (loss: lost in transit)`` when the network lost a
    message of ``step`` for good on its way to a participant for whom ``holds_party`` is true."""
    names = {*step.messages, *(_publication(message) for message in step.messages)}
    for event in events:
        lost = event.get("kind") in _LOST and event.get("message") in names
        if (
            lost
            and event.get("network") == step.network
            and holds_party(str(event.get("recipient")))
        ):
            senders = [
                e.get("sender")
                for e in events
                if e.get("kind") in _SENDS and e.get("message") in step.messages
            ]
            sender = senders[0] if senders else event.get("sender")
            return f"sent by {sender}, lost on the way to {event.get('recipient')} ({_why(event)})"
    return None


def _fate_of_send(send: Event, events: Sequence[Event]) -> str:
    sender, message = send.get("sender"), send.get("message")
    same = [
        e
        for e in events
        if e.get("message") in (message, _publication(message))
        and e.get("kind") in (*_LOST, EventKind.REJECTED)
    ]
    for event in same:
        if event.get("kind") == EventKind.REJECTED:
            code = (event.get("detail") or {}).get("code", "?")
            return f"submitted by {sender}, rejected by the DIP ({code})"
        return f"sent by {sender}, lost on the way to {event.get('recipient')} ({_why(event)})"
    recipient = send.get("recipient")
    return f"sent by {sender} to {recipient}, still held by the network when the run ended"


def _publication(message: object) -> str:
    return "PUB-" + str(message).removeprefix("IF-")


def _what(event: Event) -> str:
    step = event.get("step")
    return " ".join(str(part) for part in (step, event.get("message")) if part)


def _why(event: Event) -> str:
    detail = event.get("detail")
    detail = detail if isinstance(detail, Mapping) else {}
    fault, reason = detail.get("fault"), detail.get("reason")
    return ": ".join(str(part) for part in (fault, reason) if part) or str(event.get("kind"))
