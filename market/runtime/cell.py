"""What the runtime keeps for one participant: it, its context, mailbox and crash state."""

from __future__ import annotations

import copy
import inspect
import random
from datetime import datetime

import attrs
import trio

from market.faults.plan import Crash
from market.kernel.queue import Delivery
from market.participant import Context, Participant
from market.runtime.inbox import DuplicateFilter
from market.runtime.resubmission import ResubmissionBook


def participant_rng(seed: int, participant_id: str) -> random.Random:
    """The participant's own random stream, derived from the scenario seed and its id."""
    return random.Random(f"{seed}/participant/{participant_id}")


@attrs.define(slots=True)
class Cell:
    """One participant as the runtime runs it."""

    participant: Participant
    context: Context
    inbox: DuplicateFilter
    resubmissions: ResubmissionBook
    is_async: bool
    #: Built-in and synchronous: its messages are built without re-running their field rules.
    trusted: bool = False
    #: The participant as it started, for a restart that loses its state.
    snapshot: Participant | None = None
    mailbox: trio.MemorySendChannel[list[Delivery]] | None = None
    crash: BaseException | None = None
    crashed_on: Delivery | None = None
    planned_crash: Crash | None = None
    #: Deliveries of the batch it crashed in that it never got to.
    leftover: list[Delivery] = attrs.field(factory=list)
    restarts: list[datetime] = attrs.field(factory=list)

    @classmethod
    def of(
        cls, participant: Participant, context: Context, *, keep_snapshot: bool, trusted: bool
    ) -> Cell:
        """A cell for ``participant`` (with a snapshot to restart from when asked)."""
        is_async = inspect.iscoroutinefunction(participant.on_message)
        return cls(
            participant=participant,
            context=context,
            inbox=_inbox_of(participant),
            resubmissions=ResubmissionBook(resubmit_refused=participant.resubmit_refused),
            is_async=is_async,
            trusted=trusted and not is_async,
            snapshot=copy.deepcopy(participant) if keep_snapshot else None,
        )

    def start_afresh(self) -> None:
        """Back from a crash with its state lost: the participant as it started, empty books."""
        assert self.snapshot is not None
        self.participant = copy.deepcopy(self.snapshot)
        self.inbox = _inbox_of(self.participant)
        self.resubmissions = ResubmissionBook(resubmit_refused=self.participant.resubmit_refused)


def is_built_in(participant: Participant) -> bool:
    """Whether ``participant`` is one of this project's own (``actors.*``), not a user's class.

    A user's subclass of a built-in participant lives in the user's module, so it is not.
    """
    return type(participant).__module__.partition(".")[0] == "actors"


def _inbox_of(participant: Participant) -> DuplicateFilter:
    return DuplicateFilter(
        deduplicate=participant.deduplicate, redelivered_flows=participant.redelivered_flows
    )
