"""Progress of a sharded run: each worker reports its shard's deliveries as it runs.

A shard's runtime calls back after every batch; :func:`worker_reporter` turns
that into a Dask worker event on :data:`PROGRESS_TOPIC` at most every
:data:`REPORT_SECONDS` (``distributed.Worker.log_event``, which is safe to call
from the thread that runs the task). The command line subscribes to the topic
(``Client.subscribe_topic``) and feeds each event to a :class:`ProgressBoard`,
which keeps the latest figure per shard and says it in one line. Progress is
read-only: it changes nothing in any shard's run or journal.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final, Protocol

import attrs

from market.kernel.local_time import to_local

#: The Dask event topic shard progress goes to.
PROGRESS_TOPIC: Final = "market-shard-progress"
#: At most one progress event per shard this often (wall-clock seconds).
REPORT_SECONDS: Final = 2.0


class _Clock(Protocol):
    @property
    def now(self) -> datetime:
        """The current simulated instant."""


@attrs.frozen(kw_only=True)
class ShardProgress:
    """How far one shard has got: deliveries so far and the simulated instant (local time)."""

    index: int
    deliveries: int
    simulated: str

    def to_message(self) -> dict[str, Any]:
        """The event's message, plain values only."""
        return {"index": self.index, "deliveries": self.deliveries, "simulated": self.simulated}


def progress_from(message: object) -> ShardProgress | None:
    """The progress a worker event carries, or ``None`` for one that is not well formed."""
    if not isinstance(message, Mapping):
        return None
    index, deliveries, simulated = (message.get(k) for k in ("index", "deliveries", "simulated"))
    if not (
        type(index) is int
        and type(deliveries) is int
        and isinstance(simulated, str)
        and index >= 0
        and deliveries >= 0
    ):
        return None
    return ShardProgress(index=index, deliveries=deliveries, simulated=simulated[:40])


def worker_reporter(
    index: int,
    clock: Callable[[], _Clock | None],
    *,
    every: float = REPORT_SECONDS,
) -> Callable[[int], None] | None:
    """An ``on_batch`` callback reporting shard ``index``'s progress to the Dask client.

    ``clock()`` gives the broker's virtual clock once the simulation exists.
    ``None`` outside a Dask worker (a shard run in-process, as tests do).
    """
    try:
        from distributed import get_worker  # noqa: PLC0415 - slow import, workers only

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    last = [time.perf_counter()]

    def report(deliveries: int) -> None:
        now = time.perf_counter()
        if now - last[0] < every:
            return
        last[0] = now
        virtual = clock()
        simulated = "" if virtual is None else f"{to_local(virtual.now):%Y-%m-%d %H:%M}"
        progress = ShardProgress(index=index, deliveries=deliveries, simulated=simulated)
        worker.log_event(PROGRESS_TOPIC, progress.to_message())

    return report


class ProgressBoard:
    """The latest progress of every shard of a run, as one line for people."""

    def __init__(self, shards: int) -> None:
        self._shards = shards
        self._latest: dict[int, ShardProgress] = {}
        self._done: set[int] = set()

    def update(self, progress: ShardProgress) -> bool:
        """Take a shard's progress; ``False`` when it names no shard of this run."""
        if progress.index >= self._shards:
            return False
        self._latest[progress.index] = progress
        return True

    def finished(self, index: int) -> None:
        """Shard ``index`` has finished."""
        self._done.add(index)

    def line(self) -> str:
        """``progress: 1,234,567 deliveries; shard 0 2026-03-03 14:00, shard 1 done ...``."""
        total = sum(p.deliveries for p in self._latest.values())
        parts = []
        for index in range(self._shards):
            progress = self._latest.get(index)
            if index in self._done:
                parts.append(f"shard {index} done")
            elif progress is None:
                parts.append(f"shard {index} starting")
            else:
                parts.append(f"shard {index} at {progress.simulated or '-'}")
        return f"progress: {total:,} deliveries; " + ", ".join(parts)
