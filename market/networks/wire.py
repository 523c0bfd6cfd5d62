"""What every network sends through, and the one interface the broker calls on a network.

A network (:mod:`market.networks.dip`, :mod:`market.networks.dtn`,
:mod:`market.networks.css`) decides who receives a message and what the
journal says about it; the :class:`Wire` it is given does the rest: names the
reconstructed step, journals, puts the message on its way through the fault component
and keeps dead letters.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from market.faults.applied import Faults
from market.kernel.directory import Directory
from market.kernel.event_kinds import EventKind
from market.kernel.journal import Journal
from market.kernel.queue import Delivery, DeliveryQueue, Parcel, unqueued
from market.kernel.vocabulary import Latencies, StepClassifier


class Network(Protocol):
    """A network the broker routes a participant's message to."""

    def carries(self, message: object) -> bool:
        """Whether ``message`` travels on this network."""
        ...

    def send(self, sender: str, message: object) -> None:
        """Route ``message`` from ``sender``: journal it and put it on its way (or refuse it)."""
        ...


class Wire:
    """The shared means of every network: directory, journal, queue, faults, latencies."""

    __slots__ = (
        "answer_taps",
        "classify_step",
        "dead_letters",
        "directory",
        "faults",
        "journal",
        "latencies",
        "queue",
    )

    def __init__(
        self,
        *,
        directory: Directory,
        journal: Journal,
        queue: DeliveryQueue,
        faults: Faults,
        latencies: Latencies,
        classify_step: StepClassifier,
        dead_letters: list[Delivery],
    ) -> None:
        self.directory = directory
        self.journal = journal
        self.queue = queue
        self.faults = faults
        self.latencies = latencies
        self.classify_step = classify_step
        self.dead_letters = dead_letters
        #: Participants whose synchronous answers are taken at once instead of queued: a real
        #: system over HTTP (``market serve``) gets its answer as the response to its POST.
        self.answer_taps: dict[str, list[Parcel]] = {}

    @property
    def now(self) -> datetime:
        """The current virtual instant."""
        return self.queue.clock.now

    def step(
        self,
        *,
        network: str,
        message: str,
        event_code: str | None,
        sender: str,
        recipient: str | None,
        mpan: str | None,
        payload: object = None,
    ) -> str | None:
        """The reconstructed step a message belongs to, from the roles of its sender and recipient
        (and, for an answer such as a D0300 with a resolution, from its ``payload``)."""
        directory = self.directory
        return self.classify_step(
            network=network,
            message=message,
            event_code=event_code,
            sender_role=directory.role_of(sender),
            recipient_role=directory.role_of(recipient) if recipient is not None else None,
            mpan=mpan,
            resolution=getattr(payload, "resolution", None),
        )

    def send_addressed(
        self,
        *,
        network: str,
        label: str,
        sender: str,
        recipient: str,
        mpan: str | None,
        payload: object,
        latency: timedelta,
    ) -> None:
        """A message whose recipient is known: name its step, journal it ``sent``, transmit it."""
        directory = self.directory
        step = self.classify_step(  # as :meth:`step` does, without the call
            network=network,
            message=label,
            event_code=None,
            sender_role=directory.role_of(sender),
            recipient_role=directory.role_of(recipient),
            mpan=mpan,
            resolution=getattr(payload, "resolution", None),
        )
        self.journal.add(
            self.queue.clock.now,
            EventKind.SENT,
            network,
            label,
            None,
            sender,
            recipient,
            mpan,
            step,
            None,
            None,
            None,
            None,
        )
        parcel = Parcel(recipient, sender, network, label, None, mpan, step, None, payload)
        self.faults.transmit(parcel, latency)

    def transmit(self, parcel: Parcel, latency: timedelta) -> None:
        """Put ``parcel`` on its way, through the fault component."""
        self.faults.transmit(parcel, latency)

    def answer(self, parcel: Parcel) -> None:
        """Queue a synchronous answer, due at once and never subject to faults."""
        taps = self.answer_taps
        if taps:
            tap = taps.get(parcel.recipient)
            if tap is not None:
                tap.append(parcel)
                return
        self.queue.push(parcel, self.now)

    def dead_letter(
        self,
        *,
        sender: str,
        network: str,
        message: str,
        mpan: str | None,
        reason: str,
        payload: object,
    ) -> None:
        """A message nobody can be given: keep it and journal why."""
        parcel = Parcel("", sender, network, message, None, mpan, None, None, payload)
        self.dead_letters.append(unqueued(parcel, self.now))
        self.journal.append(
            at=self.now,
            kind=EventKind.DEAD_LETTERED,
            network=network,
            message=message,
            sender=sender,
            mpan=mpan,
            detail={"reason": reason},
            payload=payload,
        )
