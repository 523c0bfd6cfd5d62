"""One MPAN's journey, read from the journal: every message, fault and state change, with its step.

A :class:`Journey` is the teaching view of one MPAN: the messages that moved
between participants (each with its network, interface or D-flow, DIP event
code, BPM step and the step's one-line meaning from :mod:`market.process.model`),
what happened to participants on the way (state changes, timers, crashes,
restarts, dead letters) and, for an MPAN that did not finish, what it waits for
and who owes it. Explanations, sequence diagrams and the HTML report are all
renderings of journeys, so they agree with each other and with the checkers.

Everything here is a pure function of journal lines (dicts, as
:func:`market.kernel.journal.read_journal_lines` returns them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from market.checks.conformance import MpanConformance, check_conformance
from market.checks.facts import events_by_mpan
from market.checks.parties import participant_roles
from market.checks.progress import observed_step, path_of
from market.kernel.event_kinds import EventKind
from market.kernel.local_time import to_local
from market.process.model import step_by_id
from market.process.vocabulary import Path

#: The platform itself, as a lane: submissions go to it and publications come from it.
DIP_PLATFORM: Final = "DIP"
#: The sender of stimuli from outside the market (a customer signing with a supplier).
CUSTOMER: Final = "customer"

#: What each path is, in a phrase, for headings.
PATH_DESCRIPTIONS: Final[Mapping[str, str]] = {
    Path.RM_T: "reverse migration, traditional meter",
    Path.RM_A: "reverse migration, advanced meter",
    Path.RM_S: "reverse migration, smart meter",
    Path.COS_L: "legacy change of supply (the MPAN never migrated)",
    Path.COS_M: "MHHS change of supply (the gaining supplier is MHHS-qualified)",
    Path.OBJ: "objected: the outgoing supplier kept the customer",
}

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


@attrs.frozen(kw_only=True, slots=True)
class Pending:
    """A step an unfinished MPAN waits for: the step, what it means, who owes it."""

    step_id: str
    label: str
    party: str
    meaning: str
    timing: str
    owed_by: tuple[str, ...]


@attrs.frozen(kw_only=True, slots=True)
class Journey:
    """One MPAN's story: its path, every entry in journal order, and how it ended.

    ``roles`` maps each participant of the journey whose role the journal pins
    down to its role code; ``dip_users`` are participants the journal shows on
    the DIP (they submitted or received DIP messages): together they decide
    the lane groups of a diagram. ``conformance`` is ``None`` when the journal
    shows no step for the MPAN at all.
    """

    mpan: str
    path: Path | None
    entries: tuple[JourneyEntry, ...]
    conformance: MpanConformance | None
    pending: tuple[Pending, ...]
    roles: Mapping[str, str]
    dip_users: frozenset[str]

    @property
    def completed(self) -> bool:
        """Whether the MPAN reached the end of its path."""
        return self.conformance is not None and self.conformance.completed

    @property
    def messages(self) -> tuple[Message, ...]:
        """Only the messages, in journal order."""
        return tuple(entry for entry in self.entries if isinstance(entry, Message))

    @property
    def participants(self) -> tuple[str, ...]:
        """Everyone the journey involves, in order of first appearance (who owes a step last)."""
        seen: dict[str, None] = {}
        for entry in self.entries:
            if isinstance(entry, Message):
                seen.setdefault(entry.sender, None)
                seen.setdefault(entry.recipient, None)
            elif entry.kind not in (EventKind.STATE_CHANGED, EventKind.TIMER_FIRED):
                seen.setdefault(entry.participant, None)
        for pending in self.pending:
            for owner in pending.owed_by:
                seen.setdefault(owner, None)
        return tuple(seen)

    def describe_outcome(self) -> str:
        """One line: ``RM-T completed (23 steps)`` or ``RM-T stuck after C15``."""
        path = self.path or "undecided"
        report = self.conformance
        if report is None:
            return f"{path}: no step of the process observed"
        if report.completed:
            return f"{path} completed ({len(report.observed)} steps)"
        return f"{path} stuck after {report.last_step or '(no step)'}"


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


def dip_users(events: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Participants the journal shows on the DIP: submitters, and recipients of DIP deliveries."""
    users: set[str] = set()
    for event in events:
        if event.get("network") != "DIP":
            continue
        kind = event.get("kind")
        participant = event.get("recipient") if kind != EventKind.SUBMITTED else event.get("sender")
        if kind in (
            EventKind.SUBMITTED,
            EventKind.ACCEPTED,
            EventKind.REJECTED,
            EventKind.DELIVERED,
        ) and isinstance(participant, str):
            users.add(participant)
    users.discard(DIP_PLATFORM)
    return frozenset(users)


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
        entry = _lane_event(event, detail)
    return entry


def _lane_event(event: Mapping[str, Any], detail: Mapping[str, Any]) -> LaneEvent:
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


def _pending(report: MpanConformance | None, path: str | None) -> tuple[Pending, ...]:
    if report is None or report.completed:
        return ()
    return tuple(
        Pending(
            step_id=waiting.step.step_id,
            label=waiting.step.label,
            party=waiting.step.party,
            meaning=waiting.step.meaning,
            timing=waiting.step.timing,
            owed_by=waiting.owed_by,
        )
        for waiting in report.waiting_for
    )


def journey_of(
    events: Sequence[Mapping[str, Any]],
    mpan: str,
    *,
    roles: Mapping[str, str] | None = None,
    users: frozenset[str] | None = None,
) -> Journey:
    """``mpan``'s journey from a whole journal (the whole journal, so roles can be found).

    ``roles`` and ``users`` may be passed in when building many journeys from
    one journal (see :func:`journeys`), so they are computed once.
    """
    mine = [event for event in events if event.get("mpan") == mpan]
    roles = (
        roles if roles is not None else {k: str(v) for k, v in participant_roles(events).items()}
    )
    users = users if users is not None else dip_users(events)
    return _journey(mpan, mine, _crashes(events), roles, users)


def _journey(
    mpan: str,
    mine: Sequence[Mapping[str, Any]],
    crashes: Sequence[Mapping[str, Any]],
    roles: Mapping[str, str],
    users: frozenset[str],
) -> Journey:
    path = path_of(mine)
    duplicates = DuplicateTracker()
    entries = [
        entry for event in mine if (entry := journey_entry(event, path, duplicates)) is not None
    ]
    involved = {e.sender for e in entries if isinstance(e, Message)} | {
        e.recipient for e in entries if isinstance(e, Message)
    }
    reports = check_conformance(mine) if mine else ()
    report = reports[0] if reports else None
    completed = report is not None and report.completed
    entries.extend(_crashes_elsewhere(mpan, crashes, involved, mine, completed=completed))
    entries.sort(key=lambda entry: entry.seq)
    pending = _pending(report, path)
    named = set(involved) | {owner for p in pending for owner in p.owed_by}
    return Journey(
        mpan=mpan,
        path=path,
        entries=tuple(entries),
        conformance=report,
        pending=pending,
        roles={p: role for p, role in roles.items() if p in named},
        dip_users=frozenset(users & named),
    )


def _crashes(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The journal's crashes and restarts (few), so each journey need not scan the journal."""
    return [event for event in events if event.get("kind") == EventKind.CRASHED]


def _crashes_elsewhere(
    mpan: str,
    crashes: Sequence[Mapping[str, Any]],
    involved: set[str],
    mine: Sequence[Mapping[str, Any]],
    *,
    completed: bool,
) -> list[LaneEvent]:
    """Crashes and restarts of this journey's participants journalled under another MPAN or none.

    A participant that crashes on another MPAN's message (or in ``on_start``)
    is down for this MPAN too, so its lane shows the crash: from the MPAN's
    first event to its last, or to the end of the run when it did not complete.
    """
    if not mine:
        return []
    first, last = int(mine[0]["seq"]), int(mine[-1]["seq"])
    found = []
    for event in crashes:
        seq = int(event["seq"])
        if (
            event.get("mpan") != mpan
            and event.get("sender") in involved
            and seq >= first
            and (seq <= last or not completed)
        ):
            lane = _lane_event(event, event.get("detail") or {})
            if event.get("mpan") is not None:
                lane = attrs.evolve(
                    lane, text=f"{lane.text} (on a message for MPAN {event['mpan']})"
                )
            found.append(lane)
    return found


def journeys(events: Sequence[Mapping[str, Any]]) -> dict[str, Journey]:
    """Every MPAN's journey (sorted by MPAN), reading roles and DIP users once for all."""
    roles = {k: str(v) for k, v in participant_roles(events).items()}
    users = dip_users(events)
    grouped = events_by_mpan(events)
    crashes = _crashes(events)
    return {mpan: _journey(mpan, grouped[mpan], crashes, roles, users) for mpan in sorted(grouped)}
