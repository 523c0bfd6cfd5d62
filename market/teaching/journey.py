"""One MPAN's journey, read from the journal: every message, fault and state change, with its step.

A :class:`Journey` is the teaching view of one MPAN: the messages that moved
between participants (each with its network, interface or D-flow, DIP event
code, reconstructed step and the step's one-line meaning from :mod:`market.process.model`),
what happened to participants on the way (state changes, timers, crashes,
restarts, dead letters) and, for an MPAN that did not finish, what it waits for
and who owes it. Explanations, sequence diagrams and the HTML report are all
renderings of journeys, so they agree with each other and with the checkers.

Everything here is a pure function of journal lines (dicts, as
:func:`market.kernel.journal.read_journal_lines` returns them). The entries
themselves (:class:`Message`, :class:`LaneEvent`, :func:`journey_entry`) live in
:mod:`market.teaching.journey_entries` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from market.checks.conformance import MpanConformance, check_conformance
from market.checks.facts import events_by_mpan
from market.checks.parties import participant_roles
from market.checks.progress import path_of
from market.kernel.event_kinds import EventKind
from market.process.options import ProcessOptions
from market.process.vocabulary import Path
from market.teaching.journey_entries import (
    CUSTOMER,
    DELIVERED,
    DIP_PLATFORM,
    LANE_KINDS,
    LOST,
    REJECTED,
    DuplicateTracker,
    JourneyEntry,
    LaneEvent,
    Message,
    journey_entry,
    lane_event,
    step_meaning,
)

__all__ = [
    "CUSTOMER",
    "DELIVERED",
    "DIP_PLATFORM",
    "LANE_KINDS",
    "LOST",
    "PATH_DESCRIPTIONS",
    "REJECTED",
    "DuplicateTracker",
    "Journey",
    "JourneyEntry",
    "LaneEvent",
    "Message",
    "Pending",
    "dip_users",
    "journey_entry",
    "journey_of",
    "journeys",
    "lane_event",
    "step_meaning",
]

#: What each path is, in a phrase, for headings.
PATH_DESCRIPTIONS: Final[Mapping[str, str]] = {
    Path.RM_T: "reverse migration, traditional meter",
    Path.RM_A: "reverse migration, advanced meter",
    Path.RM_S: "reverse migration, smart meter",
    Path.COS_L: "legacy change of supply (the MPAN never migrated)",
    Path.COS_M: "MHHS change of supply (the gaining supplier is MHHS-qualified)",
    Path.MCS: "forward migration (D12): a qualified supplier gains an unmigrated MPAN (MCS)",
    Path.REL: "related MPAN (D13): REGS refuses appointments on a linked or secondary MPAN",
    Path.OBJ: "objected: the outgoing supplier kept the customer",
    Path.WDR: "withdrawn after securing (D4): the outgoing supplier keeps the customer",
}


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
    options: ProcessOptions | None = None,
) -> Journey:
    """``mpan``'s journey from a whole journal (the whole journal, so roles can be found).

    ``roles`` and ``users`` may be passed in when building many journeys from
    one journal (see :func:`journeys`), so they are computed once. ``options`` are
    the run's RECON choices, which decide some steps (default: the defaults).
    """
    mine = [event for event in events if event.get("mpan") == mpan]
    roles = (
        roles if roles is not None else {k: str(v) for k, v in participant_roles(events).items()}
    )
    users = users if users is not None else dip_users(events)
    return _journey(mpan, mine, _crashes(events), roles, users, options=options)


def _journey(
    mpan: str,
    mine: Sequence[Mapping[str, Any]],
    crashes: Sequence[Mapping[str, Any]],
    roles: Mapping[str, str],
    users: frozenset[str],
    *,
    options: ProcessOptions | None = None,
) -> Journey:
    path = path_of(mine)
    duplicates = DuplicateTracker()
    entries = [
        entry for event in mine if (entry := journey_entry(event, path, duplicates)) is not None
    ]
    involved = {e.sender for e in entries if isinstance(e, Message)} | {
        e.recipient for e in entries if isinstance(e, Message)
    }
    reports = check_conformance(mine, options=options) if mine else ()
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
            lane = lane_event(event, event.get("detail") or {})
            if event.get("mpan") is not None:
                lane = attrs.evolve(
                    lane, text=f"{lane.text} (on a message for MPAN {event['mpan']})"
                )
            found.append(lane)
    return found


def journeys(
    events: Sequence[Mapping[str, Any]], options: ProcessOptions | None = None
) -> dict[str, Journey]:
    """Every MPAN's journey (sorted by MPAN), reading roles and DIP users once for all."""
    roles = {k: str(v) for k, v in participant_roles(events).items()}
    users = dip_users(events)
    grouped = events_by_mpan(events)
    crashes = _crashes(events)
    return {
        mpan: _journey(mpan, grouped[mpan], crashes, roles, users, options=options)
        for mpan in sorted(grouped)
    }
