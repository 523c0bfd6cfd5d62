"""A journey as a Mermaid sequence diagram (text that GitHub, GitLab and mermaid.live draw).

Lanes are grouped in ``box`` blocks (MHHS, Central, Legacy); the customer is an
``actor`` outside them. Each network has its own arrow so the networks stay
apart at a glance:

==========================  ========  =======================================
message                     arrow     Mermaid's drawing
==========================  ========  =======================================
DTN D-flow, customer        ``->>``   solid line, filled head
CSS message                 ``-)``    solid line, open head
DIP submission (IF-nnn)     ``--)``   dotted line, open head, to the DIP
DIP publication (PUB-nnn)   ``-->>``  dotted line, filled head, from the DIP
lost or rejected            ``-x``    a cross at the end (``--x`` on the DIP)
==========================  ========  =======================================

Labels carry the reconstructed step, the message id and the DIP event code. A
duplicated message's second arrival says ``(DUPLICATE)``; crashes, restarts,
dead letters and what an unfinished MPAN waits for are notes on the lane.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from market.kernel.event_kinds import EventKind
from market.teaching.journey import (
    DELIVERED,
    LOST,
    REJECTED,
    Journey,
    LaneEvent,
    Message,
)
from market.teaching.lanes import CENTRAL, LEGACY, MHHS, OTHER, OUTSIDE, Lane, lanes_of

#: Box colours per group: pale, so the arrows stay the strongest ink when printed.
BOX_COLOURS: Final = {
    MHHS: "rgb(225,236,252)",
    CENTRAL: "rgb(236,236,236)",
    LEGACY: "rgb(253,236,214)",
    OTHER: "rgb(250,250,250)",
}
_INDENT: Final = "    "
_NOT_ID: Final = re.compile(r"\W")
#: One pass, so the ``;`` of an entity code is never escaped again.
_ESCAPES: Final = str.maketrans({"#": "#35;", ";": "#59;", "<": "#lt;", ">": "#gt;", "\n": " "})


def mermaid_id(participant: str) -> str:
    """A Mermaid-safe id (``SUP-LGSB`` → ``SUP_LGSB``): a hyphen in an id reads as an arrow."""
    return _NOT_ID.sub("_", participant)


def mermaid_text(text: str) -> str:
    """``text`` safe for a Mermaid message or note: no ``#``, ``;``, angle brackets, newlines."""
    return text.translate(_ESCAPES)


def arrow_of(message: Message) -> str:
    """The Mermaid arrow for a message's network, direction and fate (module docstring table)."""
    dotted = message.network == "DIP"
    if message.fate in (LOST, REJECTED):
        return "--x" if dotted else "-x"
    if message.is_submission:
        return "--)"
    if dotted:
        return "-->>"
    if message.network == "CSS":
        return "-)"
    return "->>"


def message_label(message: Message) -> str:
    """The arrow's label: step, message and event code, and what went wrong with it."""
    label = message.label
    if message.fate == LOST:
        label += f" (LOST: {message.note})" if message.note else " (LOST)"
    elif message.fate == REJECTED:
        label += f" (REJECTED: {message.note})" if message.note else " (REJECTED)"
    elif message.duplicate and message.fate == DELIVERED:
        label += " (DUPLICATE)"
    return mermaid_text(label)


_NOTE_WORDS: Final[Mapping[str, str]] = {
    EventKind.CRASHED: "CRASHED",
    EventKind.DEAD_LETTERED: "DEAD-LETTERED",
}


def _declarations(lanes: tuple[Lane, ...]) -> list[str]:
    lines: list[str] = []
    group: str | None = None
    for lane in lanes:
        if lane.group != group:
            if group not in (None, OUTSIDE):
                lines.append(f"{_INDENT}end")
            group = lane.group
            if group != OUTSIDE:
                lines.append(f"{_INDENT}box {BOX_COLOURS[group]} {group}")
        indent = _INDENT if lane.group == OUTSIDE else _INDENT * 2
        keyword = "actor" if lane.group == OUTSIDE else "participant"
        lines.append(f"{indent}{keyword} {mermaid_id(lane.participant)} as {lane.participant}")
    if group not in (None, OUTSIDE):
        lines.append(f"{_INDENT}end")
    return lines


def journey_mermaid(journey: Journey) -> str:
    """The journey as Mermaid ``sequenceDiagram`` text, ending with a newline."""
    lines = [
        "sequenceDiagram",
        f"{_INDENT}title MPAN {journey.mpan}: {mermaid_text(journey.describe_outcome())}",
    ]
    lines.extend(_declarations(lanes_of(journey)))
    for entry in journey.entries:
        if isinstance(entry, Message):
            lines.append(
                f"{_INDENT}{mermaid_id(entry.sender)}{arrow_of(entry)}"
                f"{mermaid_id(entry.recipient)}: {message_label(entry)}"
            )
        elif isinstance(entry, LaneEvent) and entry.kind in _NOTE_WORDS:
            lines.append(
                f"{_INDENT}Note over {mermaid_id(entry.participant)}: "
                f"{_NOTE_WORDS[entry.kind]} {mermaid_text(entry.text)}"
            )
    for pending in journey.pending:
        for owner in pending.owed_by:
            lines.append(
                f"{_INDENT}Note over {mermaid_id(owner)}: WAITING FOR {mermaid_text(pending.label)}"
            )
    return "\n".join(lines) + "\n"
