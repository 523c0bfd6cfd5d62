"""Mutants of real journals, generated from the process model: what the oracle must refuse.

For every path, one MPAN of a real run that shows as many of its path's steps
as possible is the base; for every step of that path the base shows, each
operator that applies makes one mutant journal:

* ``never sent`` — every event of a required step removed (sent, routed, delivered ...);
* ``lost`` — a required step sent but never delivered (its deliveries removed);
* ``late`` / ``early`` — every event of a step with a timing rule moved past it;
* ``readdressed`` — one D-flow or CSS delivery of the step given to a participant of a role
  the step does not go to (its flow header too), or to the other supplier;
* ``duplicated`` — a once-only step sent a second time;
* ``wrong sender`` — the sends of a step (its ``sent`` or ``submitted`` events) named as
  from a participant whose role sends that message in no step, or from the other supplier
  for a step only one of the suppliers performs.

Which events make a step is read from the simulation's own ``step`` labels,
which the checker never reads: the mutants are built from one account of the
journal and judged from another. :func:`judged_correctly` says whether the
verdict failed the mutant with the right MPAN, step and kind of blame.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from market.checks import Verdict, format_verdict, participant_roles
from market.checks.progress import OBSERVING_KINDS, observed_step, path_of
from market.process.model import PATH_STEPS, SUP_IN, SUP_OUT, Step
from market.process.vocabulary import Path

Journal = list[dict[str, Any]]
_SENDS: Final = frozenset({"sent", "submitted", "accepted"})


@attrs.frozen
class Mutant:
    """One mutated journal and what the verdict must say about it."""

    operator: str
    path: Path
    mpan: str
    step: Step
    events: Journal

    @property
    def name(self) -> str:
        return f"{self.path} {self.step.step_id} {self.operator}"


def bases(events: Journal) -> dict[Path, tuple[str, Journal]]:
    """Per path, the MPAN (and its events) whose journal shows the most of the path's steps."""
    grouped: dict[str, Journal] = {}
    for event in events:
        if event.get("mpan") is not None:
            grouped.setdefault(event["mpan"], []).append(event)
    best: dict[Path, tuple[int, str]] = {}
    for mpan, mpan_events in sorted(grouped.items()):
        path = path_of(mpan_events)
        if path is None:
            continue
        shown = len({_step(e) for e in mpan_events} - {None})
        if shown > best.get(path, (-1, ""))[0]:
            best[path] = (shown, mpan)
    return {path: (mpan, grouped[mpan]) for path, (_, mpan) in best.items()}


def _step(event: Mapping[str, Any]) -> str | None:
    """The simulation's label for the step an event belongs to (answers told apart)."""
    if event.get("kind") in OBSERVING_KINDS:
        return observed_step(event)
    step = event.get("step")
    return step if isinstance(step, str) else None


def mutants(path: Path, mpan: str, events: Journal) -> Iterator[Mutant]:
    """Every mutant of one base journal, step by step of its path."""
    shown = {_step(e) for e in events}
    for step in PATH_STEPS[path]:
        if step.step_id not in shown:
            continue
        of_step = [i for i, e in enumerate(events) if _step(e) == step.step_id]

        def make(operator: str, mutated: Journal, step: Step = step) -> Mutant:
            return Mutant(operator=operator, path=path, mpan=mpan, step=step, events=mutated)

        if step.required:
            yield make("never sent", [e for i, e in enumerate(events) if i not in of_step])
            observing = {i for i in of_step if events[i].get("kind") in OBSERVING_KINDS}
            yield make("lost", [e for i, e in enumerate(events) if i not in observing])
        if step.latest is not None:
            days = 400 if step.latest.days > 100 else 40
            yield make("late", _shifted(events, of_step, timedelta(days=days)))
        if step.earliest is not None:
            yield make("early", _shifted(events, of_step, timedelta(days=-40)))
        readdressed = _readdressed(events, of_step, step)
        if readdressed is not None:
            yield make("readdressed", readdressed)
        if step.once:
            yield make("duplicated", _duplicated(events, of_step))
        wrong_sender = _wrong_sender(events, of_step, step)
        if wrong_sender is not None:
            yield make("wrong sender", wrong_sender)


def _shifted(events: Journal, indexes: list[int], by: timedelta) -> Journal:
    mutated = copy.deepcopy(events)
    for index in indexes:
        for key in ("at", "sent_at"):
            if isinstance(mutated[index].get(key), str):
                moved = datetime.fromisoformat(mutated[index][key]) + by
                mutated[index][key] = moved.isoformat()
    return mutated


def _readdressed(events: Journal, indexes: list[int], step: Step) -> Journal | None:
    """One delivery of ``step`` given to someone it must not go to, or ``None`` if none fits."""
    if step.network == "DIP":
        return None
    delivered = [i for i in indexes if events[i].get("kind") == "delivered"]
    if not delivered:
        return None
    target = events[delivered[0]]
    roles = participant_roles(events)
    suppliers = _suppliers(events)
    parts = [p for p in step.recipient_parties if p in (SUP_IN, SUP_OUT)]
    if len(parts) == 1 and target.get("recipient") == suppliers.get(parts[0]):
        other = suppliers.get(SUP_OUT if parts[0] == SUP_IN else SUP_IN)
        wrong = other if other not in (None, target.get("recipient")) else None
    else:
        wrong = None
    if wrong is None:
        allowed = {str(role) for role in step.recipients} | {str(step.actor)}
        candidates = sorted(p for p, r in roles.items() if str(r) not in allowed)
        wrong = candidates[0] if candidates else None
    if wrong is None:
        return None
    mutated = copy.deepcopy(events)
    for index in indexes:  # the send and its delivery, so the journal stays consistent
        if mutated[index].get("recipient") == target.get("recipient"):
            mutated[index]["recipient"] = wrong
            flow = mutated[index].get("flow")
            if isinstance(flow, dict):
                flow["to"] = {"mpid": wrong.rsplit("-", 1)[-1], "role": str(roles.get(wrong))}
    return mutated


def _wrong_sender(events: Journal, indexes: list[int], step: Step) -> Journal | None:
    """The step's sends named as from someone who may not send them, or ``None`` if none fits."""
    sends = [i for i in indexes if events[i].get("kind") in ("sent", "submitted")]
    if not sends:
        return None
    sender = events[sends[0]].get("sender")
    suppliers = _suppliers(events)
    if step.actor_party in (SUP_IN, SUP_OUT) and not step.also_by:
        wrong = suppliers.get(SUP_OUT if step.actor_party == SUP_IN else SUP_IN)
    else:
        senders = {
            str(role)
            for steps in PATH_STEPS.values()
            for other in steps
            if other.network == step.network and step.message in other.messages
            for role in other.actor_roles
        }
        roles = participant_roles(events)
        wrong = next((p for p, r in sorted(roles.items()) if str(r) not in senders), None)
    if wrong is None or wrong == sender:
        return None
    mutated = copy.deepcopy(events)
    for index in sends:
        mutated[index]["sender"] = wrong
    return mutated


def _suppliers(events: Journal) -> dict[str, str]:
    found: dict[str, str] = {}
    for event in events:
        if event.get("kind") == "delivered" and event.get("message") == "RegistrationRequest":
            found.setdefault(SUP_IN, str(event.get("sender")))
        if event.get("kind") == "delivered" and event.get("message") == "LossNotification":
            found.setdefault(SUP_OUT, str(event.get("recipient")))
    return found


def _duplicated(events: Journal, indexes: list[int]) -> Journal:
    """The step's sends (and deliveries) once more, a minute later, as a new send."""
    mutated = copy.deepcopy(events)
    copies = []
    for index in indexes:
        event = copy.deepcopy(events[index])
        if event.get("kind") in _SENDS or event.get("kind") == "delivered":
            for key in ("at", "sent_at"):
                if isinstance(event.get(key), str):
                    later = datetime.fromisoformat(event[key]) + timedelta(minutes=1)
                    event[key] = later.isoformat()
            copies.append(event)
    mutated.extend(copies)
    for seq, event in enumerate(mutated):
        event["seq"] = seq
    return mutated


_EXPECTED: Final = {
    "never sent": ("waiting for", "without", "unexpected", "out of order", "never reached"),
    "lost": ("held by the network", "without", "unexpected", "never reached", "out of order"),
    "late": ("late:",),
    "early": ("early:",),
    "readdressed": ("wrong party:", "missing recipient:", "never reached"),
    "duplicated": ("duplicated:",),
    "wrong sender": ("wrong sender at seq",),
}


def judged_correctly(mutant: Mutant, verdict: Verdict) -> bool:
    """FAILED, with a line naming the mutant's MPAN and step and the blame its operator needs."""
    if verdict.ok:
        return False
    lines = [line for line in format_verdict(verdict) if mutant.mpan in line]
    step_id = mutant.step.step_id
    return any(
        f" {step_id} " in f" {line} " and any(word in line for word in _EXPECTED[mutant.operator])
        for line in lines
    )
