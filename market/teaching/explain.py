"""Journeys told in words: the text of ``market explain``, of step mode and of the report.

One aligned line per journey entry (simulated UK local time, network, message
with event code, sender → recipient, reconstructed step and what it means), then the
outcome: completed, or the step the MPAN stopped at, what it waits for and
who owes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from market.checks.conformance import format_conformance
from market.kernel.event_kinds import EventKind
from market.kernel.local_time import to_local
from market.teaching.journey import (
    LOST,
    PATH_DESCRIPTIONS,
    REJECTED,
    Journey,
    JourneyEntry,
    LaneEvent,
    step_meaning,
)


def format_instant(at: datetime) -> str:
    """``Fri 27 Feb 16:00:03 GMT``: simulated UK local time as people read it."""
    local = to_local(at)
    return f"{local:%a %d %b %H:%M:%S} {local.tzname()}"


_FATE_WORDS: Final = {REJECTED: "REJECTED", LOST: "LOST"}


def format_entry(entry: JourneyEntry) -> str:
    """One aligned line for a journey entry (the format of ``market explain``)."""
    when = format_instant(entry.at)
    if isinstance(entry, LaneEvent):
        if entry.kind == EventKind.STATE_CHANGED:
            return f"{when}  {'':<7} {entry.participant} noted {entry.text}"
        if entry.kind == EventKind.TIMER_FIRED:
            return f"{when}  {'':<7} {entry.participant}: {entry.text}"
        word = entry.kind.upper().replace("_", "-")
        return f"{when}  {entry.network or '':<7} {entry.participant} {word}: {entry.text}"
    label = " ".join(part for part in (entry.message, entry.event_code) if part)
    arrow = f"{entry.sender} → {entry.recipient}"
    flags = []
    if entry.fate in _FATE_WORDS:
        flags.append(_FATE_WORDS[entry.fate] + (f" ({entry.note})" if entry.note else ""))
    if entry.duplicate:
        flags.append("DUPLICATE")
    meaning = "; ".join([*flags, entry.meaning] if entry.meaning else flags)
    line = (
        f"{when}  {entry.network or '':<7} {label:<34} {arrow:<27} {entry.step or '':<5} {meaning}"
    )
    return line.rstrip()


def format_outcome(journey: Journey) -> list[str]:
    """How the journey ended: completed, or where it stopped, what is due and who owes it."""
    report = journey.conformance
    if report is None:
        return ["Outcome: the journal shows no step of the process for this MPAN."]
    if report.completed:
        lines = [f"Outcome: {journey.describe_outcome()}."]
    else:
        lines = [f"Outcome: {journey.describe_outcome()}."]
        if report.last_step is not None:
            meaning = step_meaning(report.last_step, journey.path)
            lines.append(f"  Last step reached: {report.last_step} ({meaning}).")
        for pending in journey.pending:
            owers = " or ".join(pending.owed_by) or f"an unidentified {pending.party}"
            lines.append(
                f"  Waiting for {pending.label} from {pending.party}, owed by {owers}: "
                f"{pending.meaning} (timing: {pending.timing})."
            )
    if not report.conforms and report.completed:
        lines.extend(f"  Problem: {line}" for line in format_conformance(report))
    elif report.unexpected or report.out_of_order:
        lines.extend(f"  Problem: {line}" for line in format_conformance(report)[1:])
    return lines


def explain_lines(journey: Journey) -> list[str]:
    """The whole story of one MPAN, as ``market explain`` prints it."""
    description = PATH_DESCRIPTIONS.get(journey.path or "", "path not decided yet")
    lines = [f"MPAN {journey.mpan}: path {journey.path or 'undecided'} ({description})", ""]
    lines.extend(format_entry(entry) for entry in journey.entries)
    lines.append("")
    lines.extend(format_outcome(journey))
    return lines
