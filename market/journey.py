"""One MPAN's story, told from the journal: every message and state change, with its BPM step.

A pure function of journal lines (dicts), for teaching: each line shows the
simulated UK local time, the network, the message (with DIP event code), who
sent it to whom, the step it belongs to and what that step means in the
process (from :mod:`market.process_model`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from market.checks.progress import observed_step, path_of
from market.process_model import step_by_id

#: Journal kinds a journey tells: what moved between parties, and what parties decided.
_TOLD: Final = frozenset({"submitted", "delivered", "rejected", "dead_lettered", "state_changed"})


def _when(at: str) -> str:
    moment = datetime.fromisoformat(at)
    return f"{moment:%a %d %b %H:%M}"


def _meaning(step_id: str | None, path: str | None) -> str:
    if step_id is None:
        return ""
    try:
        return step_by_id(step_id, path).meaning
    except KeyError:
        return step_by_id(step_id).meaning


def journey_lines(events: Iterable[Mapping[str, Any]], mpan: str) -> list[str]:
    """Readable lines for ``mpan``'s journey, in journal order (DIP responses left out)."""
    mine = [e for e in events if e.get("mpan") == mpan]
    path = path_of(mine)
    lines = [f"MPAN {mpan}: path {path or 'unknown'}"]
    for event in mine:
        kind = event.get("kind")
        if kind not in _TOLD or event.get("message") == "DIP-RESPONSE":
            continue
        when = _when(event["at"])
        if kind == "state_changed":
            detail = dict(event.get("detail") or {})
            what = detail.pop("event", "")
            facts = ", ".join(f"{k}={v}" for k, v in detail.items())
            lines.append(
                f"  {when}  {'':<4} {event['sender']} noted {what}"
                + (f" ({facts})" if facts else "")
            )
            continue
        label = " ".join(p for p in (event.get("message"), event.get("event_code")) if p)
        step = observed_step(event) if kind == "delivered" else event.get("step")
        arrow = f"{event.get('sender')} → {event.get('recipient')}"
        verb = {"submitted": "submitted", "rejected": "REJECTED", "dead_lettered": "DEAD-LETTERED"}
        head = f"  {when}  {event.get('network') or '':<4} {label:<34} {arrow:<28}"
        tail = (
            f"{step or '':<5} {_meaning(step, path)}" if kind == "delivered" else verb.get(kind, "")
        )
        lines.append(f"{head} {tail}".rstrip())
    return lines
