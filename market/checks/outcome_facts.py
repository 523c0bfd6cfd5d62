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

from collections.abc import Iterable, Mapping
from typing import Any, Final

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
from market.process.classification import ANSWERED_BY
from market.process.options import ProcessOptions

#: The D-flow data items the outcome rules read.
_FLOW_ITEMS: Final = ("resolution", "appointed_role", "smart_cos_indicator")
#: Flows whose appointed role or smart indicator can decide an MPAN's meter variant.
_APPOINTING_FLOWS: Final = frozenset({"D0155", "D0153"})

Fact = dict[str, Any]


def outcome_fact(event: Mapping[str, Any]) -> Fact | None:
    """The part of one journal line the outcome rules read, or ``None`` when they read none."""
    mpan = event.get("mpan")
    if mpan is None:
        return None
    kind = event.get("kind")
    message = event.get("message")
    if kind == EventKind.ROUTED:
        if message != "PUB-003":
            return None
        detail = event.get("detail") or {}
        return {"kind": kind, "message": message, "mpan": mpan, "detail": _routing(detail)}
    if kind not in OBSERVING_KINDS:
        return None
    step = event.get("step")
    if step is None and message not in OUTCOME_MESSAGES:
        return None
    fact: Fact = {"kind": kind, "message": message, "mpan": mpan, "step": step}
    fact["at"] = event.get("at")
    sent_at = event.get("sent_at")
    if sent_at:
        fact["sent_at"] = sent_at
    if step in ANSWERED_BY or (kind == EventKind.DELIVERED and message in _APPOINTING_FLOWS):
        items = flow_items(event)
        kept = {name: items[name] for name in _FLOW_ITEMS if name in items}
        if kept:
            fact["flow"] = {"items": kept}
    if (kind == EventKind.DELIVERED and message == "PUB-032") or message in APPOINTMENT_MESSAGES:
        envelope = _envelope_facts(event.get("envelope"))
        if envelope:
            fact["envelope"] = envelope
    return fact


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
    """A journal subscriber keeping each event's :func:`outcome_fact`; then the outcomes."""

    def __init__(self, render_payload: PayloadRenderer | None) -> None:
        self._render_payload = render_payload
        self._facts: list[Fact] = []

    def __len__(self) -> int:
        return len(self._facts)

    def add(self, event: JournalEvent) -> None:
        """Keep what the outcome rules read of ``event`` (``journal.subscribe(facts.add)``)."""
        fact = outcome_fact(EventView(event, self._render_payload))
        if fact is not None:
            self._facts.append(fact)

    def outcomes(
        self, mpans: Iterable[str], *, options: ProcessOptions | None = None
    ) -> list[MpanOutcome]:
        """Per MPAN (sorted), as :func:`~market.checks.progress.mpan_outcomes` over every event."""
        return mpan_outcomes(self._facts, mpans, options=options)
