"""``market bench``: the simulator's speed as ratios to trio's raw channel rate, in one run.

Two measurements in one process, so machine noise cancels in the ratio:

(a) the raw rate of a trio memory channel, one producer task to one consumer
    task, one message per wake-up;
(b) the simulator's delivered messages per second and completed reverse
    migrations per second with 1, 100 and 10,000 reverse migrations in flight
    at once (every customer signs at the same instant), with the process's peak
    resident memory after each level. Delivery is timed from the moment every
    participant's task runs to the last batch; starting and stopping the tasks is
    reported on its own (``fixed_ms``).

The simulator runs as in production except that DIP signing is off (as for any
load run; signing costs an RSA operation per message) and no narration is attached.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Final

import attrs
import trio

from market.kernel.event_kinds import EventKind
from market.kernel.resources import peak_rss_mb
from market.networks.dip_defences import DipDefences
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.process.stimuli import CustomerSigned
from market.runtime.simulation import Simulation

#: Concurrency levels the issue asks for.
DEFAULT_LEVELS: Final = (1, 100, 10_000)
#: Messages sent through the raw channel.
RAW_MESSAGES: Final = 200_000
#: A level's delivery time below which it is run again on a fresh market (1 RM takes ~3 ms).
MIN_TIMED_SECONDS: Final = 0.25
#: At most this many runs of one level.
MAX_REPEATS: Final = 200
#: Terminal steps of a reverse migration (the journal's step ids).
TERMINAL_STEPS: Final = frozenset({"T7", "A5", "S5"})


async def _raw_channel(messages: int) -> float:
    send, receive = trio.open_memory_channel[int](0)
    started = time.perf_counter()

    async def produce() -> None:
        async with send:
            for index in range(messages):
                await send.send(index)

    async def consume() -> None:
        async with receive:
            async for _ in receive:
                pass

    async with trio.open_nursery() as nursery:
        nursery.start_soon(produce)
        nursery.start_soon(consume)
    return messages / (time.perf_counter() - started)


def raw_channel_rate(messages: int = RAW_MESSAGES) -> float:
    """Messages per second through a trio memory channel, one producer to one consumer."""
    return trio.run(_raw_channel, messages)


def simultaneous(setup: MarketSetup) -> MarketSetup:
    """``setup`` with every customer signing at the start instant (all in flight at once)."""
    stimuli = [
        attrs.evolve(s, at=setup.start_at) if isinstance(s.payload, CustomerSigned) else s
        for s in setup.stimuli
    ]
    return attrs.evolve(setup, stimuli=stimuli, dip_defences=DipDefences(signing="off"))


@attrs.frozen(kw_only=True)
class Level:
    """One concurrency level's figures."""

    concurrent: int
    #: Runs added up (more than one only for levels too small to time in one run).
    runs: int
    deliveries: int
    completed: int
    #: Wall-clock seconds of delivery, from every task started to the last batch, over all runs.
    seconds: float
    #: Mean wall-clock milliseconds per run to start and to stop the participants' tasks.
    fixed_ms: float
    msgs_per_s: float
    rms_per_s: float
    ratio: float
    peak_rss_mb: float


@attrs.frozen(kw_only=True)
class BenchResult:
    """All the bench's figures (``as_json`` gives the documented keys)."""

    raw_msgs_per_s: float
    levels: tuple[Level, ...]

    def as_json(self) -> dict[str, Any]:
        """The README's keys: ``raw_msgs_per_s`` and ``levels[]``."""
        return {
            "raw_msgs_per_s": round(self.raw_msgs_per_s),
            "levels": [
                {
                    "concurrent": level.concurrent,
                    "msgs_per_s": round(level.msgs_per_s),
                    "rms_per_s": round(level.rms_per_s, 1),
                    "ratio": round(level.ratio, 3),
                    "peak_rss_mb": round(level.peak_rss_mb, 1),
                    "runs": level.runs,
                    "deliveries": level.deliveries,
                    "completed": level.completed,
                    "seconds": round(level.seconds, 3),
                    "fixed_ms": round(level.fixed_ms, 2),
                }
                for level in self.levels
            ],
        }


def _mark(marks: dict[str, float], phase: str) -> None:
    marks[phase] = time.perf_counter()


def run_level(
    build: Callable[[ScenarioSpec], MarketSetup], concurrent: int, raw: float, *, seed: int = 1
) -> Level:
    """Run ``concurrent`` simultaneous reverse migrations and time their deliveries.

    The clock runs from the moment every participant's task has started to the
    moment the last batch is handled: starting and stopping the market's tasks
    are fixed costs per run (reported as ``fixed_ms``), not per message. A level
    too small to time reliably in one run (under :data:`MIN_TIMED_SECONDS`) is
    run again on a fresh market, up to :data:`MAX_REPEATS` times, and the runs'
    figures are added up.
    """
    deliveries = completed = runs = 0
    seconds = fixed = 0.0
    while runs < MAX_REPEATS and (runs == 0 or seconds < MIN_TIMED_SECONDS):
        setup = simultaneous(build(ScenarioSpec(seed=seed, mpans=concurrent)))
        simulation = Simulation(setup)
        marks = {"launched": time.perf_counter()}
        statistics = trio.run(partial(simulation.runtime.run, on_phase=partial(_mark, marks)))
        marks["ended"] = time.perf_counter()
        fixed += marks["started"] - marks["launched"] + marks["ended"] - marks["drained"]
        seconds += marks["drained"] - marks["started"]
        deliveries += statistics.deliveries
        completed += sum(
            1
            for e in simulation.journal
            if e.kind == EventKind.DELIVERED and e.step in TERMINAL_STEPS
        )
        runs += 1
    msgs = deliveries / seconds
    return Level(
        concurrent=concurrent,
        runs=runs,
        deliveries=deliveries,
        completed=completed,
        seconds=seconds,
        fixed_ms=fixed / runs * 1000,
        msgs_per_s=msgs,
        rms_per_s=completed / seconds,
        ratio=msgs / raw if raw else math.nan,
        peak_rss_mb=peak_rss_mb(),
    )


def bench(
    build: Callable[[ScenarioSpec], MarketSetup],
    levels: Sequence[int] = DEFAULT_LEVELS,
    *,
    on_level: Callable[[Level], None] | None = None,
    raw_messages: int = RAW_MESSAGES,
) -> BenchResult:
    """Measure (a) the raw channel and (b) the simulator at each level, in this process."""
    raw = raw_channel_rate(raw_messages)
    results = []
    for concurrent in levels:
        level = run_level(build, concurrent, raw)
        results.append(level)
        if on_level is not None:
            on_level(level)
    return BenchResult(raw_msgs_per_s=raw, levels=tuple(results))
