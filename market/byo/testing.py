"""Tools for testing participants, yours or the built-in ones, inside a real market.

* :class:`RecordingParticipant` keeps everything it receives and answers with a
  function you give it: a fake peer for a participant under test.
* :class:`SchedulePerturbingParticipant` wraps any participant and yields to
  trio's scheduler a random number of times before each message, so a test can
  show that a run's journal does not depend on the order trio runs tasks in.
* :func:`steps_in_order` reads the steps one MPAN went through from a journal.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import trio

from market.kernel.event_kinds import EventKind
from market.participant import Context, Participant, ParticipantIdentity


class RecordingParticipant(Participant):
    """A participant that records what it receives and lets ``respond`` act on it."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        respond: Callable[[Context, object], None] | None = None,
    ) -> None:
        super().__init__(identity)
        self.received: list[tuple[Any, object]] = []
        self._respond = respond

    def on_message(self, ctx: Context, message: object) -> None:
        """Record ``(ctx.now, message)`` and hand the message to ``respond``, if any."""
        self.received.append((ctx.now, message))
        if self._respond is not None:
            self._respond(ctx, message)


class SchedulePerturbingParticipant(Participant):
    """Wraps a participant; before each message, yields to trio 0–``max_yields`` times.

    The number of yields comes from ``random.Random(perturbation_seed)``, so two
    runs with different perturbation seeds interleave tasks differently while
    the market itself stays the same.
    """

    def __init__(self, inner: Participant, *, perturbation_seed: int, max_yields: int = 3) -> None:
        super().__init__(inner.identity)
        self.inner = inner
        self._rng = random.Random(perturbation_seed)
        self._max_yields = max_yields

    def on_start(self, ctx: Context) -> None:
        """Start the wrapped participant."""
        self.inner.on_start(ctx)

    async def on_message(self, ctx: Context, message: object) -> None:
        """Yield a random number of times, then let the wrapped participant handle ``message``."""
        for _ in range(self._rng.randrange(self._max_yields + 1)):
            await trio.lowlevel.checkpoint()
        result = self.inner.on_message(ctx, message)
        if result is not None:
            await result


def steps_in_order(events: Iterable[Mapping[str, Any]], mpan: str) -> list[str]:
    """The step ids one MPAN's delivered (or accepted) messages carry, first occurrence each."""
    seen: list[str] = []
    for event in events:
        step = event.get("step")
        if (
            event.get("mpan") == mpan
            and step is not None
            and event.get("kind") in (EventKind.DELIVERED, EventKind.ACCEPTED)
            and step not in seen
        ):
            seen.append(step)
    return seen
