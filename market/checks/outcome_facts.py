"""Each MPAN's outcome from the few facts it rests on, gathered as the run goes.

A run that keeps no journal (``Simulation(keep_journal=False)``, ``market run
--profile ... --journal none``) still has to say which switches completed.
:class:`OutcomeFacts` subscribes to the journal and keeps, of every event, only
what :func:`market.checks.progress.mpan_outcomes` reads: the events that show a
step or name a message the path rules look for, cut down to the fields those
rules read (kind, message, MPAN, step, when it was sent; a D-flow's resolution,
appointed role and smart indicator; a PUB-032's R0; an appointment's scenario; a
PUB-003's routing). The outcomes are then ``mpan_outcomes`` over those cut-down
lines, the same function a judged run uses, so nothing is counted twice.

What this does not do is judge: the steps are the ones the broker stamped, not
re-derived from the facts (:func:`market.checks.classification.restamp`), and no
checker runs. A run without a journal says so (``NOT JUDGED``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, cast

from market.checks.progress import (
    APPOINTMENT_MESSAGES,
    OBSERVING_KINDS,
    OUTCOME_MESSAGES,
    MpanOutcome,
    flow_items,
    mpan_outcomes,
)
from market.kernel.event_kinds import EventKind
from market.kernel.journal import EventView, JournalEvent, PayloadRenderer
from market.kernel.local_time import format_journal_instant
from market.process.classification import ANSWERED_BY
from market.process.options import ProcessOptions

#: The D-flow data items the outcome rules read.
_FLOW_ITEMS: Final = ("resolution", "appointed_role", "smart_cos_indicator")
#: Flows whose appointed role or smart indicator can decide an MPAN's meter variant.
_APPOINTING_FLOWS: Final = frozenset({"D0155", "D0153"})

Fact = dict[str, Any]
#: What a fact holds besides its MPAN and instants: kind, message, step, and the cut-down
#: payload fields (``flow``, ``envelope``, ``detail``) or ``None`` when it has none.
_Core = tuple[str, str | None, str | None, dict[str, Any] | None]


def outcome_fact(event: Mapping[str, Any]) -> Fact | None:
    """The part of one journal line the outcome rules read, or ``None`` when they read none."""
    core = _core(event)
    if core is None:
        return None
    return _fact(str(event.get("mpan")), core, event.get("at"), event.get("sent_at"))


def _fact(mpan: str, core: _Core, at: object, sent_at: object) -> Fact:
    kind, message, step, extra = core
    fact: Fact = {"kind": kind, "message": message, "mpan": mpan}
    if kind == EventKind.ROUTED:
        fact["detail"] = (extra or {}).get("detail", {})
        return fact
    fact["step"] = step
    fact["at"] = at
    if sent_at:
        fact["sent_at"] = sent_at
    if extra:
        fact.update(extra)
    return fact


def _core(event: Mapping[str, Any]) -> _Core | None:
    if event.get("mpan") is None:
        return None
    kind = event.get("kind")
    message = event.get("message")
    if kind == EventKind.ROUTED:
        if message != "PUB-003":
            return None
        return (kind, message, None, {"detail": _routing(event.get("detail") or {})})
    if kind not in OBSERVING_KINDS:
        return None
    step = event.get("step")
    if step is None and message not in OUTCOME_MESSAGES:
        return None
    extra: dict[str, Any] = {}
    if step in ANSWERED_BY or (kind == EventKind.DELIVERED and message in _APPOINTING_FLOWS):
        items = flow_items(event)
        kept = {name: items[name] for name in _FLOW_ITEMS if name in items}
        if kept:
            extra["flow"] = {"items": kept}
    if (kind == EventKind.DELIVERED and message == "PUB-032") or message in APPOINTMENT_MESSAGES:
        envelope = _envelope_facts(event.get("envelope"))
        if envelope:
            extra["envelope"] = envelope
    return (str(kind), message, step, extra or None)


def _routing(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {"routing": detail["routing"]} if "routing" in detail else {}


def _envelope_facts(envelope: object) -> dict[str, Any]:
    """A DIP envelope cut down to its R0 and its appointment scenarios."""
    if not isinstance(envelope, Mapping):
        return {}
    kept: dict[str, Any] = {}
    common = envelope.get("CommonBlock")
    if isinstance(common, Mapping) and "R0" in common:
        kept["CommonBlock"] = {"R0": common["R0"]}
    custom = envelope.get("CustomBlock")
    if isinstance(custom, Mapping):
        scenarios = {
            name: {"appointmentScenario": block["appointmentScenario"]}
            for name, block in custom.items()
            if isinstance(block, Mapping) and "appointmentScenario" in block
        }
        if scenarios:
            kept["CustomBlock"] = scenarios
    return kept


class OutcomeFacts:
    """A journal subscriber keeping each event's :func:`outcome_fact`; then the outcomes.

    Kept small for runs of millions of events: grouped by MPAN in one flat list each
    (the fact's core, then its two instants, the event's own ``datetime`` objects,
    formatted only when the outcomes are read); cores shared between MPANs (one
    object for every equal core: kind, message, step and payload fields); and a fact
    equal to an earlier one of the same MPAN but for its instants dropped (the rules
    read only the first time a step was performed, and which messages showed).
    """

    def __init__(self, render_payload: PayloadRenderer | None) -> None:
        self._render_payload = render_payload
        #: Per MPAN: core, instant, sent instant, core, instant, sent instant ...
        self._by_mpan: dict[str, list[_Core | datetime | None]] = {}
        self._cores: dict[tuple[str, str | None, str | None, str | None], _Core] = {}
        self._count = 0

    def __len__(self) -> int:
        """Facts kept (after duplicates were dropped)."""
        return self._count

    def add(self, event: JournalEvent) -> None:
        """Keep what the outcome rules read of ``event`` (``journal.subscribe(facts.add)``)."""
        mpan = event.mpan
        if mpan is None or (event.kind not in _KEPT_KINDS):
            return
        core = _core(EventView(event, self._render_payload))
        if core is None:
            return
        core = self._shared(core)
        kept = self._by_mpan.setdefault(mpan, [])
        if any(kept[at] is core for at in range(0, len(kept), 3)):
            return
        kept.extend((core, event.at, event.sent_at))
        self._count += 1

    def _shared(self, core: _Core) -> _Core:
        """The one object for every core equal to ``core``."""
        kind, message, step, extra = core
        key = (kind, message, step, None if extra is None else json.dumps(extra, sort_keys=True))
        return self._cores.setdefault(key, core)

    def outcomes(
        self, mpans: Iterable[str], *, options: ProcessOptions | None = None
    ) -> list[MpanOutcome]:
        """Per MPAN (sorted), as :func:`~market.checks.progress.mpan_outcomes` over every event."""
        expected = frozenset(mpans)
        outcomes = []
        for mpan in sorted(expected | self._by_mpan.keys()):
            kept = self._by_mpan.get(mpan, [])
            lines = [
                _fact(mpan, cast("_Core", core), _instant(at), _instant(sent_at))
                for core, at, sent_at in zip(kept[::3], kept[1::3], kept[2::3], strict=True)
            ]
            outcomes.extend(
                mpan_outcomes(lines, [mpan] if mpan in expected else None, options=options)
            )
        return outcomes


#: The only kinds a fact is kept of (a fast test before the event is looked at closer).
_KEPT_KINDS: Final = OBSERVING_KINDS | {EventKind.ROUTED}


def _instant(at: object) -> str | None:
    return format_journal_instant(at) if isinstance(at, datetime) else None
