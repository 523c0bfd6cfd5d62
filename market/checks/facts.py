"""Facts the checks read off journal lines: per-MPAN events, payload fields, dates.

Journal lines are dicts as :func:`market.kernel.journal.read_journal_lines` returns
them. A delivered DIP publication carries its envelope under ``envelope``, a
D-flow its data items under ``flow.items``, a CSS event its fields under
``css``. Every helper here answers "not there" with ``None`` or an empty
mapping rather than raising, because a hand-written or truncated journal may
leave any of them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from market.checks.progress import flow_items
from market.kernel.event_kinds import EventKind
from market.kernel.local_time import settlement_date_of

#: One journal line as a dict.
Event = Mapping[str, Any]


def events_by_mpan(events: Iterable[Event]) -> dict[str, list[Event]]:
    """The events that name an MPAN, grouped by MPAN, each group in journal order."""
    grouped: dict[str, list[Event]] = {}
    for event in events:
        mpan = event.get("mpan")
        if mpan is not None:
            grouped.setdefault(mpan, []).append(event)
    return grouped


def custom_block(event: Event) -> Mapping[str, Any]:
    """The ``CustomBlock`` of the DIP envelope an event carries (empty when it carries none)."""
    envelope = event.get("envelope")
    block = envelope.get("CustomBlock") if isinstance(envelope, Mapping) else None
    return block if isinstance(block, Mapping) else {}


def css_items(event: Event) -> Mapping[str, Any]:
    """The fields of the CSS message an event carries (empty when it carries none)."""
    items = event.get("css")
    return items if isinstance(items, Mapping) else {}


def find_fields(value: object, name: str) -> Iterator[object]:
    """Every value under a key equal to ``name`` (ignoring case), anywhere inside ``value``."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(key, str) and key.lower() == name.lower():
                yield inner
            yield from find_fields(inner, name)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from find_fields(inner, name)


def contains_text(value: object, text: str) -> bool:
    """Whether any string inside ``value`` (nested mappings and lists) contains ``text``."""
    if isinstance(value, str):
        return text in value
    if isinstance(value, Mapping):
        return any(contains_text(inner, text) for inner in value.values())
    if isinstance(value, list | tuple):
        return any(contains_text(inner, text) for inner in value)
    return False


def day_of(value: object) -> date | None:
    """The settlement date a journal value names, or ``None`` if it names none.

    ``"2026-03-02"`` is that day; a DIP datetime such as
    ``"2026-03-02T00:00:00+00:00"`` is the UK local day containing the instant
    (MHHSRegimeEndDate and the effective dates are local midnights).
    """
    if not isinstance(value, str):
        return None
    try:
        if len(value) == len("2026-03-02"):
            return date.fromisoformat(value)
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return settlement_date_of(at) if at.tzinfo is not None else at.date()


def first_day(values: Iterable[object]) -> date | None:
    """The first of ``values`` that names a settlement date."""
    for value in values:
        day = day_of(value)
        if day is not None:
            return day
    return None


def supply_start_date(events: Iterable[Event], *, from_appointments: bool = True) -> date | None:
    """One MPAN's supply start date (SSD) as its journal states it, or ``None``.

    In order of trust: B002 ``supplierEffectiveFromDate`` of a delivered
    PUB-003, the D0217's ``supply_start_date``, (unless ``from_appointments``
    is false, for checks *of* the appointments) the D0155's
    ``effective_from_date``, then the CSS messages' ``supply_start_date`` and
    the ``RegistrationRequest``'s ``requested_supply_start_date``.
    """
    events = [event for event in events if event.get("kind") == EventKind.DELIVERED]
    sources: list[Iterable[object]] = [
        (
            block.get("supplierEffectiveFromDate")
            for event in events
            if event.get("message") == "PUB-003"
            and isinstance(block := custom_block(event).get("B002"), Mapping)
        ),
        (flow_items(e).get("supply_start_date") for e in events if e.get("message") == "D0217"),
    ]
    if from_appointments:
        sources.append(
            flow_items(e).get("effective_from_date") for e in events if e.get("message") == "D0155"
        )
    # The switch as the CSS states it: every path has it, even one that never leaves the CSS.
    sources.append(css_items(e).get("supply_start_date") for e in events)
    sources.append(css_items(e).get("requested_supply_start_date") for e in events)
    for source in sources:
        day = first_day(source)
        if day is not None:
            return day
    return None


def settlement_day_at(event: Event) -> date | None:
    """The settlement date on which a journal event happened (from its ``at``)."""
    return day_of(event.get("at"))
