"""Testing your own participant: a whole market run with it, or one handler without a market.

:func:`run_with_participants` runs the built-in market with your classes playing
some of its participants and returns a :class:`ParticipantRun` (the verdict, the
journal, what each of your participants sent and received); :func:`bare_context`
builds the :class:`~market.Context` one handler is given, with no market behind
it, and :func:`sent_messages` reads what the handler sent. The pytest fixtures
``market_run`` and ``participant_context`` (:mod:`market.byo.pytest_plugin`)
return these.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import attrs

from market.byo.loading import load_object
from market.byo.replace import replace_participants
from market.checks import Verdict
from market.checks.verdict import format_verdict
from market.cli.run import MARKET_BUILDER, window_anchor
from market.faults import load_fault_plan
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.participant import Context, Participant, ParticipantIdentity, Send
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec, load_scenario
from market.runtime.simulation import RunResult, Simulation, journal_dicts

#: Journal kinds in which a participant sends: DIP submissions, D-flows and CSS messages.
_SENDING: Final = ("submitted", "sent")
#: The instant a bare context starts at: the default market's first morning (UTC).
DEFAULT_START: Final = datetime(2026, 2, 26, 9, 0, tzinfo=UTC)


@attrs.frozen
class ParticipantRun:
    """A finished market run with your participants in it: verdict, journal, their traffic."""

    result: RunResult
    #: The ids of the participants your classes played.
    played: tuple[str, ...]
    #: The journal, one dict per event (as ``market run --journal`` writes it).
    events: tuple[dict[str, Any], ...]

    @property
    def verdict(self) -> Verdict:
        """The checkers' verdict on the run."""
        return self.result.verdict

    @property
    def ok(self) -> bool:
        """Whether every MPAN completed and every check passed."""
        return self.result.verdict.ok

    def summary(self) -> str:
        """The verdict as ``market run`` prints it: per MPAN, what is missing and who owes it."""

        return "\n".join(format_verdict(self.result.verdict))

    def sent(self, participant_id: str | None = None) -> list[dict[str, Any]]:
        """The journal events of what ``participant_id`` sent (default: the one you played)."""
        pid = self._one(participant_id)
        return [e for e in self.events if e["kind"] in _SENDING and e["sender"] == pid]

    def received(self, participant_id: str | None = None) -> list[dict[str, Any]]:
        """The journal events of the messages delivered to ``participant_id`` (not its timers)."""
        pid = self._one(participant_id)
        return [
            e
            for e in self.events
            if e["kind"] == "delivered" and e["recipient"] == pid and e["sender"] != "runtime"
        ]

    def messages_sent(self, participant_id: str | None = None) -> list[str]:
        """What it sent, as message ids in order (``IF-003``, ``D0086``, ``Objection``)."""
        return [str(e["message"]) for e in self.sent(participant_id)]

    def messages_received(self, participant_id: str | None = None) -> list[str]:
        """What it received, as message ids in order (``PUB-003``, ``D0155``, ``SecuredActive``)."""
        return [str(e["message"]) for e in self.received(participant_id)]

    def _one(self, participant_id: str | None) -> str:
        if participant_id is not None:
            return participant_id
        if len(self.played) != 1:
            raise ValueError(
                f"your classes played {len(self.played)} participants "
                f"({', '.join(self.played)}); say which one"
            )
        return self.played[0]


def run_with_participants(
    participants: Mapping[str, type[Participant]],
    *,
    mpans: int = 3,
    seed: int = 1,
    variant: str | None = None,
    scenario: Path | None = None,
    faults: Path | None = None,
) -> ParticipantRun:
    """Run the built-in market with ``participants`` (target id or role → your class).

    ``variant`` is ``T``, ``A``, ``S`` or ``mixed``; ``scenario`` and ``faults``
    are TOML files as for ``market run --scenario`` and ``--faults``.
    """

    spec = load_scenario(scenario) if scenario is not None else ScenarioSpec()
    spec = attrs.evolve(spec, seed=seed, mpans=mpans)
    if variant is not None:
        if variant not in VARIANT_MIXES:
            raise ValueError(f"variant {variant!r}: use one of {', '.join(VARIANT_MIXES)}")
        spec = attrs.evolve(spec, variants=VARIANT_MIXES[variant])
    setup = load_object(MARKET_BUILDER)(spec)
    if faults is not None:
        setup = attrs.evolve(setup, faults=load_fault_plan(faults, window_anchor(spec)))
    played_classes = dict(participants)
    setup = replace_participants(setup, played_classes)
    classes = tuple(played_classes.values())
    played = tuple(p.participant_id for p in setup.participants if type(p) in classes)
    result = Simulation(setup).run_sync()
    return ParticipantRun(result=result, played=played, events=tuple(journal_dicts(result.journal)))


def bare_context(
    participant: Participant | ParticipantIdentity,
    *,
    at: datetime = DEFAULT_START,
    seed: int = 0,
) -> Context:
    """A :class:`~market.Context` for ``participant`` at instant ``at``, with no market behind it.

    Its clock stands still at ``at``; nothing is delivered: what the handler does
    stays in ``ctx.outbox``.
    """

    identity = participant.identity if isinstance(participant, Participant) else participant
    if at.tzinfo is None:
        raise ValueError(f"at={at!r}: give an aware instant (tzinfo=UTC)")
    return Context(
        identity, clock=VirtualClock(at), calendar=SettlementCalendar(), rng=random.Random(seed)
    )


def sent_messages(ctx: Context) -> list[object]:
    """The messages a handler sent through ``ctx`` (envelopes, D-flows, CSS messages), in order."""

    return [entry.message for entry in ctx.outbox if isinstance(entry, Send)]
