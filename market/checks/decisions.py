"""Which decision outcomes of the brief's section (d) a journal shows, read from the journal alone.

Each :data:`OUTCOMES` entry is one outcome of one decision (D1 to D19) and a
test of one MPAN's journal lines for it: the path the messages reveal, the
steps observed, and the facts in the envelopes and flows (an R0 code, a
D0300 resolution, a B096 block, a DIP rejection level). Nothing is taken from
what participants say of themselves, so a scenario that claims to reach every
outcome can be held to it (``market check JOURNAL --decisions``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from market.checks.facts import Event, events_by_mpan
from market.checks.progress import (
    RELATED_MPAN_CODES,
    flow_items,
    observed_steps,
    path_of,
)
from market.kernel.event_kinds import EventKind
from market.kernel.vocabulary import DIP
from market.process.vocabulary import Path


@attrs.frozen(kw_only=True, slots=True)
class MpanFacts:
    """What one MPAN's journal lines show, computed once for every outcome's test."""

    path: Path | None
    steps: frozenset[str]
    events: tuple[Event, ...]

    def delivered(self, message: str, event_code: str | None = None) -> Iterable[Event]:
        """Its delivered events of ``message`` (and ``event_code``, when given)."""
        return (
            e
            for e in self.events
            if e.get("kind") == EventKind.DELIVERED
            and e.get("message") == message
            and (event_code is None or e.get("event_code") == event_code)
        )

    def dip_events(self, kind: str) -> Iterable[Event]:
        """Its DIP events of journal ``kind`` (rejected, retrying, refused ...)."""
        return (e for e in self.events if e.get("kind") == kind and e.get("network") == DIP)


def _common(event: Event, block: str) -> Mapping[str, Any]:
    envelope = event.get("envelope")
    common = envelope.get("CommonBlock") if isinstance(envelope, Mapping) else None
    found = common.get(block) if isinstance(common, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _custom(event: Event) -> Mapping[str, Any]:
    envelope = event.get("envelope")
    custom = envelope.get("CustomBlock") if isinstance(envelope, Mapping) else None
    return custom if isinstance(custom, Mapping) else {}


def _refused_with(facts: MpanFacts, *codes: str) -> bool:
    """A delivered DIP publication whose R0 refuses the request with one of ``codes``."""
    for event in facts.events:
        if event.get("kind") != EventKind.DELIVERED or event.get("network") != DIP:
            continue
        r0 = _common(event, "R0")
        messages = r0.get("responseMessages")
        if (
            r0.get("responseCode") == "R"
            and isinstance(messages, list)
            and (not codes or any(str(text).startswith(codes) for text in messages))
        ):
            return True
    return False


def _legacy_agents_named(facts: MpanFacts, named: bool) -> bool:
    """D5: a delivered de-appointment (C14/C15) with (or without) the B095/B096 agents."""
    deappointments = [
        e for code in ("[DSDeAppRM]", "[MSDeAppRM]") for e in facts.delivered("PUB-003", code)
    ]
    if not deappointments:
        return False
    has_agents = any(_custom(e).get(b) for e in deappointments for b in ("B095", "B096"))
    return has_agents == named


def _dispute_answer(facts: MpanFacts, resolution: str) -> bool:
    return any(flow_items(e).get("resolution") == resolution for e in facts.delivered("D0300"))


def _rejected_at(facts: MpanFacts, levels: tuple[int, ...]) -> bool:
    return any(
        isinstance(detail := e.get("detail"), Mapping) and detail.get("level") in levels
        for e in facts.dip_events(EventKind.REJECTED)
    )


def _refused_in_outage(facts: MpanFacts) -> bool:
    return any(
        isinstance(detail := e.get("detail"), Mapping) and detail.get("code") == "MSG5003"
        for e in facts.dip_events(EventKind.REFUSED)
    )


def _on(*paths: Path) -> Callable[[MpanFacts], bool]:
    return lambda facts: facts.path in paths


def _step(step_id: str) -> Callable[[MpanFacts], bool]:
    return lambda facts: step_id in facts.steps


_REVERSE_MIGRATIONS: Final = (Path.RM_T, Path.RM_A, Path.RM_S)

#: ``(decision, outcome, test)`` for every outcome of brief section (d) a journal can show.
OUTCOMES: Final[tuple[tuple[str, str, Callable[[MpanFacts], bool]], ...]] = (
    ("D1", "never migrated: plain legacy change of supply (COS-L)", _on(Path.COS_L)),
    ("D2", "qualified gainer: MHHS change of supply (COS-M)", _on(Path.COS_M)),
    ("D2", "gainer not qualified: reverse migration", _on(*_REVERSE_MIGRATIONS)),
    ("D3", "objected: no switch (OBJ)", _on(Path.OBJ)),
    (
        "D4",
        "withdrawn after its IF-003: manual intervention (WDR)",
        lambda f: f.path == Path.WDR and "C7" in f.steps,
    ),
    (
        "D4",
        "withdrawn before any IF-003 (WDR)",
        lambda f: f.path == Path.WDR and "C7" not in f.steps,
    ),
    (
        "D5",
        "legacy agents named in the de-appointment (B095/B096)",
        lambda f: _legacy_agents_named(f, True),
    ),
    (
        "D5",
        "legacy agents omitted from the de-appointment",
        lambda f: _legacy_agents_named(f, False),
    ),
    ("D6", "a legacy agent rejects its appointment (D0261)", _step("C10r")),
    ("D7", "variant T: traditional meter (RM-T)", _on(Path.RM_T)),
    ("D7", "variant A: the second, half-hourly variant (RM-A)", _on(Path.RM_A)),
    ("D7", "variant S: smart meter (RM-S)", _on(Path.RM_S)),
    ("D8", "variant T reading disputed (T8 D0300)", _step("T8")),
    ("D8", "variant A reading disputed (A6 D0300)", _step("A6")),
    ("D8", "variant S reading disputed (S6 D0300)", _step("S6")),
    ("D8", "dispute agreed", lambda f: _dispute_answer(f, "AGREED")),
    ("D8", "dispute rejected: left open", lambda f: _dispute_answer(f, "REJECTED")),
    (
        "D9",
        "no valid read: the DC deems the CoS read (D0086 type D)",
        lambda f: any(flow_items(e).get("reading_type") == "D" for e in f.delivered("D0086")),
    ),
    ("D10", "supplier data update refused (IF-026 REG9002)", lambda f: _refused_with(f, "REG9002")),
    ("D11", "consumption after the regime end refused (IF-014 ECS1001)", _step("D11")),
    ("D12", "forward migration of an unmigrated MPAN (MCS)", _on(Path.MCS)),
    (
        "D13",
        "appointment barred on a linked export MPAN (REG1038)",
        lambda f: _refused_with(f, RELATED_MPAN_CODES[0]),
    ),
    (
        "D13",
        "appointment barred on a related secondary MPAN (REG1039)",
        lambda f: _refused_with(f, RELATED_MPAN_CODES[1]),
    ),
    ("D14", "DIP level-1 rejection (MSG1001 ...)", lambda f: _rejected_at(f, (1,))),
    ("D15", "DIP level-2 rejection (InboundRuleFailure)", lambda f: _rejected_at(f, (2,))),
    (
        "D16",
        "recipient level-3/4 rejection (RejectedByRecipient)",
        lambda f: _rejected_at(f, (3, 4)),
    ),
    (
        "D17",
        "webhook unavailable: the DIP retries",
        lambda f: any(True for _ in f.dip_events(EventKind.RETRYING)),
    ),
    ("D18", "DIP outage: submissions refused (MSG5003)", _refused_in_outage),
    ("D19", "business rejection of a request (R0 R)", _refused_with),
)


@attrs.frozen(kw_only=True, slots=True)
class DecisionOutcome:
    """One outcome of one decision and the MPANs whose journal shows it."""

    decision: str
    outcome: str
    mpans: tuple[str, ...]

    @property
    def reached(self) -> bool:
        """Whether any MPAN shows it."""
        return bool(self.mpans)

    def describe(self) -> str:
        """``D8 dispute agreed: 12 MPANs (e.g. 1900...)`` or ``... not reached``."""
        if not self.mpans:
            return f"{self.decision} {self.outcome}: not reached"
        count = len(self.mpans)
        return (
            f"{self.decision} {self.outcome}: {count} MPAN{'s' if count != 1 else ''} "
            f"(e.g. {self.mpans[0]})"
        )


def mpan_facts(events: Iterable[Event]) -> MpanFacts:
    """What one MPAN's events show: its path and observed steps, with the events."""
    events = tuple(events)
    return MpanFacts(path=path_of(events), steps=frozenset(observed_steps(events)), events=events)


def decision_outcomes(events: Iterable[Event]) -> tuple[DecisionOutcome, ...]:
    """Every outcome of :data:`OUTCOMES`, in order, with the MPANs that show it."""
    facts = {mpan: mpan_facts(mpan_events) for mpan, mpan_events in events_by_mpan(events).items()}
    return tuple(
        DecisionOutcome(
            decision=decision,
            outcome=outcome,
            mpans=tuple(sorted(mpan for mpan, found in facts.items() if test(found))),
        )
        for decision, outcome, test in OUTCOMES
    )


def format_decision_outcomes(outcomes: Iterable[DecisionOutcome]) -> list[str]:
    """Console lines: one per outcome, then how many of them the journal reached."""
    outcomes = tuple(outcomes)
    lines = [outcome.describe() for outcome in outcomes]
    reached = sum(outcome.reached for outcome in outcomes)
    lines.append(f"decision outcomes reached: {reached} of {len(outcomes)}")
    return lines
