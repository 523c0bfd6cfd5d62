"""What one Dask worker does with one shard: build its market, run it, judge it, sum it up.

:func:`run_shard` is a plain function of plain values (picklable both ways), so
Dask can ship it to any worker process, on this machine or a cluster. A
shard's journal stays in its worker; only the summary travels back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

import attrs

from market.byo.loading import load_object
from market.checks import format_verdict
from market.faults import FaultPlan
from market.kernel.exceptions import ParticipantCrashedError
from market.kernel.resources import peak_rss_mb
from market.load.spec import LoadSpec
from market.networks.dip_defences import SigningMode
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation, partial_result

#: How many stuck MPANs and verdict lines a shard sends back (the counts are always whole).
SHOWN: Final = 50


@attrs.frozen(kw_only=True)
class ShardTask:
    """One shard to run: which builder, its spec, and what the command line added."""

    index: int
    shards: int
    builder: str
    spec: ScenarioSpec | LoadSpec
    faults: FaultPlan | None = None
    signing: SigningMode | None = None


@attrs.frozen(kw_only=True)
class StuckMpan:
    """An MPAN that did not complete: where it stopped and what it waits for."""

    mpan: str
    last_step: str | None
    waiting_for: str


@attrs.frozen(kw_only=True)
class ShardResult:
    """What a shard's run came to, small enough to send back from a worker."""

    index: int
    seed: int
    mpans: int
    completed: int
    stuck: tuple[StuckMpan, ...]
    stuck_count: int
    mpan_cores: tuple[str, ...]
    verdict_ok: bool
    verdict_lines: tuple[str, ...]
    digest: str
    events: int
    deliveries: int
    batches: int
    build_seconds: float
    run_seconds: float
    peak_rss_mb: float

    @property
    def seconds(self) -> float:
        """Build and run: the shard's own time in its worker."""
        return self.build_seconds + self.run_seconds


def build(task: ShardTask) -> MarketSetup:
    """The shard's market, with the command line's fault plan and signing mode."""
    builder: Callable[[Any], MarketSetup] = load_object(task.builder)
    setup = builder(task.spec)
    if task.faults is not None:
        setup = attrs.evolve(
            setup, faults=attrs.evolve(task.faults, faults=setup.faults.faults + task.faults.faults)
        )
    if task.signing is not None:
        setup = attrs.evolve(
            setup, dip_defences=attrs.evolve(setup.dip_defences, signing=task.signing)
        )
    return setup


def run_shard(task: ShardTask) -> ShardResult:
    """Build, run and judge one shard (in whichever process Dask runs it)."""
    begun = time.perf_counter()
    setup = build(task)
    started = time.perf_counter()
    try:
        result = Simulation(setup).run_sync()
    except ParticipantCrashedError as crash:
        result = partial_result(crash)  # a finding: judged like any run
    run_seconds = time.perf_counter() - started
    stuck = [o for o in result.outcomes if not o.completed]
    return ShardResult(
        index=task.index,
        seed=task.spec.seed,
        mpans=len(result.outcomes),
        completed=len(result.outcomes) - len(stuck),
        stuck=tuple(
            StuckMpan(mpan=o.mpan, last_step=o.last_step, waiting_for=str(o.waiting_for))
            for o in stuck[:SHOWN]
        ),
        stuck_count=len(stuck),
        mpan_cores=tuple(sorted(o.mpan for o in result.outcomes)),
        verdict_ok=result.verdict.ok,
        verdict_lines=tuple(format_verdict(result.verdict)[:SHOWN]),
        digest=result.journal.digest(),
        events=len(result.journal),
        deliveries=result.statistics.deliveries,
        batches=result.statistics.batches,
        build_seconds=started - begun,
        run_seconds=run_seconds,
        peak_rss_mb=peak_rss_mb(),
    )
