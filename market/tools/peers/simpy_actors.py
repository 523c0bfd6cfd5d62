"""The pattern in SimPy, in virtual time: actors as processes on stores, or as callbacks.

Each hop arrives its pattern delay (virtual seconds) after its parent, so a
SimPy run ends at the same virtual instant as the kernel's. Needs SimPy (the
``bench`` extra).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import Any, cast

import simpy

from market.tools.bench_pattern import RM_PATTERN, Pattern
from market.tools.peers.result import PeerResult, Tally

#: A message: (reverse migration, hop of the pattern).
Message = tuple[int, int]


def run_simpy_process(concurrent: int, pattern: Pattern = RM_PATTERN) -> PeerResult:
    """Deliver the reverse migrations with one SimPy process per actor, each on its ``Store``.

    A hop with a delay is carried by a process of its own that waits out the
    delay and puts it in the recipient's store (the latency idiom of SimPy's
    documentation); a hop without one is put at once.
    """
    env = simpy.Environment()
    stores = [simpy.Store(env) for _ in pattern.actors]
    recipients = pattern.recipients
    delays = pattern.delays
    children = pattern.children
    terminal = pattern.terminal
    tally = Tally()

    def carry(
        delay: int, store: simpy.Store, message: Message
    ) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(delay)
        store.put(message)

    def actor(inbox: simpy.Store) -> Generator[simpy.Event, Any, None]:
        while True:
            rm, hop = yield inbox.get()
            for child in children[hop]:
                delay = delays[child]
                if delay:
                    env.process(carry(delay, stores[recipients[child]], (rm, child)))
                else:
                    stores[recipients[child]].put((rm, child))
            tally.deliveries += 1
            if hop == terminal:
                tally.completed += 1

    for inbox in stores:
        env.process(actor(inbox))
    first = stores[recipients[pattern.root]]
    for rm in range(concurrent):
        first.put((rm, pattern.root))
    started = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - started
    return PeerResult(
        peer="simpy-process",
        concurrent=concurrent,
        deliveries=tally.deliveries,
        completed=tally.completed,
        seconds=seconds,
        virtual_seconds=env.now,
    )


class _CallbackActor:
    """One actor as a plain event callback: handles a hop, schedules the hops it causes."""

    __slots__ = ("env", "handlers", "pattern", "tally")

    def __init__(self, env: simpy.Environment, pattern: Pattern, tally: Tally) -> None:
        self.env = env
        self.pattern = pattern
        self.tally = tally
        #: Every actor's handler, by actor index (filled in once all actors exist).
        self.handlers: list[Callable[[simpy.Event], None]] = []

    def handle(self, event: simpy.Event) -> None:
        """Count the hop ``event`` carries; schedule the hops it causes, each after its delay."""
        rm, hop = cast(Message, event.value)
        pattern = self.pattern
        recipients, delays, handlers = pattern.recipients, pattern.delays, self.handlers
        timeout = self.env.timeout
        for child in pattern.children[hop]:
            timeout(delays[child], (rm, child)).callbacks.append(handlers[recipients[child]])
        tally = self.tally
        tally.deliveries += 1
        if hop == pattern.terminal:
            tally.completed += 1


def run_simpy_callback(concurrent: int, pattern: Pattern = RM_PATTERN) -> PeerResult:
    """Deliver the reverse migrations as SimPy ``Timeout`` events with callbacks, no processes."""
    env = simpy.Environment()
    tally = Tally()
    actors = [_CallbackActor(env, pattern, tally) for _ in pattern.actors]
    handlers: list[Callable[[simpy.Event], None]] = [a.handle for a in actors]
    for a in actors:
        a.handlers = handlers
    first = handlers[pattern.recipients[pattern.root]]
    for rm in range(concurrent):
        env.timeout(0, (rm, pattern.root)).callbacks.append(first)
    started = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - started
    return PeerResult(
        peer="simpy-callback",
        concurrent=concurrent,
        deliveries=tally.deliveries,
        completed=tally.completed,
        seconds=seconds,
        virtual_seconds=env.now,
    )
