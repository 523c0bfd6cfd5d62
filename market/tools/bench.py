"""``market bench``: the simulator's speed as ratios to trio's raw channel rate, in one run.

Everything is measured in one process, and each level between two measurements of
the raw channel, so that machine noise cancels in the ratios. At each level
(1, 100 and 10,000 reverse migrations in flight at once, every customer signing
at the same instant):

(a) the raw rate of a trio memory channel, one producer task to one consumer
    task, one message per wake-up, measured before the level and again after it;
(b) the full market: delivered messages and completed reverse migrations per
    second, peak resident memory. Delivery is timed from the moment every
    participant's task runs to the last batch; starting and stopping the tasks is
    reported on its own (``fixed_ms``);
(c) the kernel with trivial messages (:mod:`market.tools.bench_kernel`): the same
    broker, runtime and journal carrying the same delivery pattern
    (:mod:`market.tools.bench_pattern`) with no domain work;
(d) the peers (:mod:`market.tools.peers`): the same pattern in plain asyncio and
    in SimPy (``bench`` extra), run under the same garbage-collection setting.

Ratios are (b), (c), (d) over the mean of (a). Then, optionally, the cost of
signing: one ``bau-2024`` load run unsigned, in the modelled scheme and with RSA
(:mod:`market.tools.bench_signing`). The levels run with DIP signing off, as load
runs compare, and without narration.
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
from market.kernel.resources import fewer_gc_passes
from market.networks.dip_defences import DipDefences
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.process.stimuli import CustomerSigned
from market.runtime.simulation import Simulation
from market.tools.bench_kernel import run_kernel_level
from market.tools.bench_pattern import RM_PATTERN
from market.tools.bench_signing import SigningFigures
from market.tools.bench_timing import Level, level_of, needs_another_run
from market.tools.peers import PeerRunner, peers

#: Concurrency levels the issue asks for.
DEFAULT_LEVELS: Final = (1, 100, 10_000)
#: Messages sent through the raw channel.
RAW_MESSAGES: Final = 200_000
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
class PeerLevel:
    """A peer framework's figures at one level (the same delivery pattern, trivial work)."""

    name: str
    concurrent: int
    runs: int
    deliveries: int
    completed: int
    seconds: float
    msgs_per_s: float
    rms_per_s: float
    ratio: float

    def as_json(self) -> dict[str, Any]:
        """``peers[]``: ``name``, ``concurrent``, ``ratio``, ``rms_per_s`` and the counts."""
        return {
            "name": self.name,
            "concurrent": self.concurrent,
            "msgs_per_s": round(self.msgs_per_s),
            "rms_per_s": round(self.rms_per_s, 1),
            "ratio": round(self.ratio, 3),
            "runs": self.runs,
            "deliveries": self.deliveries,
            "completed": self.completed,
            "seconds": round(self.seconds, 3),
        }


@attrs.frozen(kw_only=True)
class Stage:
    """Everything measured at one concurrency level, between two raw channel measurements."""

    concurrent: int
    raw_before: float
    raw_after: float
    market: Level
    kernel: Level | None
    peers: tuple[PeerLevel, ...]

    @property
    def raw(self) -> float:
        """The raw channel rate the stage's ratios are taken against: before and after, mean."""
        return (self.raw_before + self.raw_after) / 2


@attrs.frozen(kw_only=True)
class BenchResult:
    """All the bench's figures (``as_json`` gives the documented keys)."""

    stages: tuple[Stage, ...]
    signing: SigningFigures | None = None

    @property
    def raw_msgs_per_s(self) -> float:
        """The mean of every raw channel measurement of the run."""
        rates = [rate for stage in self.stages for rate in (stage.raw_before, stage.raw_after)]
        return sum(rates) / len(rates)

    @property
    def levels(self) -> tuple[Level, ...]:
        """The full market's figures, one per level."""
        return tuple(stage.market for stage in self.stages)

    def as_json(self) -> dict[str, Any]:
        """The README's keys: ``raw_msgs_per_s``, ``levels[]``, ``kernel[]``, ``peers[]``,
        ``signing``."""
        document: dict[str, Any] = {
            "raw_msgs_per_s": round(self.raw_msgs_per_s),
            "levels": [
                {
                    **stage.market.as_json(),
                    "raw_before": round(stage.raw_before),
                    "raw_after": round(stage.raw_after),
                }
                for stage in self.stages
            ],
            "kernel": [
                {
                    "concurrent": stage.kernel.concurrent,
                    "msgs_per_s": round(stage.kernel.msgs_per_s),
                    "ratio": round(stage.kernel.ratio, 3),
                    "runs": stage.kernel.runs,
                    "deliveries": stage.kernel.deliveries,
                }
                for stage in self.stages
                if stage.kernel is not None
            ],
            "peers": [peer.as_json() for stage in self.stages for peer in stage.peers],
        }
        if self.signing is not None:
            document["signing"] = self.signing.as_json()
        return document


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
    while needs_another_run(runs, seconds):
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
    return level_of(
        concurrent,
        runs=runs,
        deliveries=deliveries,
        completed=completed,
        seconds=seconds,
        fixed=fixed,
        raw=raw,
    )


def run_peer(name: str, runner: PeerRunner, concurrent: int, raw: float) -> PeerLevel:
    """Run peer ``runner`` at ``concurrent`` (again while too short to time), under the
    kernel's garbage-collection setting so that only the frameworks differ."""
    deliveries = completed = runs = 0
    seconds = 0.0
    with fewer_gc_passes():
        while needs_another_run(runs, seconds):
            result = runner(concurrent, RM_PATTERN)
            deliveries += result.deliveries
            completed += result.completed
            seconds += result.seconds
            runs += 1
    msgs = deliveries / seconds
    return PeerLevel(
        name=name,
        concurrent=concurrent,
        runs=runs,
        deliveries=deliveries,
        completed=completed,
        seconds=seconds,
        msgs_per_s=msgs,
        rms_per_s=completed / seconds,
        ratio=msgs / raw if raw else math.nan,
    )


def _against(level: Level, raw: float) -> Level:
    return attrs.evolve(level, ratio=level.msgs_per_s / raw if raw else math.nan)


def run_stage(
    build: Callable[[ScenarioSpec], MarketSetup],
    concurrent: int,
    *,
    raw_messages: int = RAW_MESSAGES,
    with_kernel: bool = True,
    with_peers: bool = True,
) -> Stage:
    """One level: the raw channel, the market, the kernel, the peers, the raw channel again.

    Every ratio of the stage is taken against the mean of its two raw measurements.
    """
    raw_before = raw_channel_rate(raw_messages)
    market = run_level(build, concurrent, raw_before)
    kernel = run_kernel_level(concurrent, raw_before) if with_kernel else None
    found = peers() if with_peers else {}
    peer_levels = [run_peer(name, runner, concurrent, raw_before) for name, runner in found.items()]
    raw_after = raw_channel_rate(raw_messages)
    raw = (raw_before + raw_after) / 2
    return Stage(
        concurrent=concurrent,
        raw_before=raw_before,
        raw_after=raw_after,
        market=_against(market, raw),
        kernel=None if kernel is None else _against(kernel, raw),
        peers=tuple(attrs.evolve(peer, ratio=peer.msgs_per_s / raw) for peer in peer_levels),
    )


def bench(
    build: Callable[[ScenarioSpec], MarketSetup],
    levels: Sequence[int] = DEFAULT_LEVELS,
    *,
    on_stage: Callable[[Stage], None] | None = None,
    raw_messages: int = RAW_MESSAGES,
    with_kernel: bool = True,
    with_peers: bool = True,
    signing: Callable[[], SigningFigures] | None = None,
) -> BenchResult:
    """Measure every level (:func:`run_stage`), then ``signing`` when given, in this process."""
    stages = []
    for concurrent in levels:
        stage = run_stage(
            build,
            concurrent,
            raw_messages=raw_messages,
            with_kernel=with_kernel,
            with_peers=with_peers,
        )
        stages.append(stage)
        if on_stage is not None:
            on_stage(stage)
    return BenchResult(stages=tuple(stages), signing=None if signing is None else signing())
