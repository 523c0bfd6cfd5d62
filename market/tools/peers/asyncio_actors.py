"""The pattern in plain asyncio: one ``asyncio.Queue`` and one task per actor.

asyncio has no virtual time: a hop is put on its recipient's queue as soon as
its parent is handled, whatever its delay, and the run ends when every hop of
every reverse migration has been handled.
"""

from __future__ import annotations

import asyncio
import time

from market.tools.bench_pattern import RM_PATTERN, Pattern
from market.tools.peers.result import PeerResult, Tally

#: A message: (reverse migration, hop of the pattern).
Message = tuple[int, int]


async def _deliver(concurrent: int, pattern: Pattern) -> PeerResult:
    queues = [asyncio.Queue[Message]() for _ in pattern.actors]
    recipients = pattern.recipients
    children = pattern.children
    terminal = pattern.terminal
    expected = concurrent * len(pattern)
    tally = Tally()
    done = asyncio.Event()

    async def actor(inbox: asyncio.Queue[Message]) -> None:
        while True:
            rm, hop = await inbox.get()
            for child in children[hop]:
                queues[recipients[child]].put_nowait((rm, child))
            tally.deliveries += 1
            if hop == terminal:
                tally.completed += 1
            if tally.deliveries == expected:
                done.set()

    tasks = [asyncio.create_task(actor(inbox)) for inbox in queues]
    first = queues[recipients[pattern.root]]
    for rm in range(concurrent):
        first.put_nowait((rm, pattern.root))
    started = time.perf_counter()
    await done.wait()
    seconds = time.perf_counter() - started
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return PeerResult(
        peer="asyncio",
        concurrent=concurrent,
        deliveries=tally.deliveries,
        completed=tally.completed,
        seconds=seconds,
    )


def run_asyncio(concurrent: int, pattern: Pattern = RM_PATTERN) -> PeerResult:
    """Deliver ``concurrent`` simultaneous reverse migrations of ``pattern`` with asyncio."""
    return asyncio.run(_deliver(concurrent, pattern))
