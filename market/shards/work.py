"""What one Dask worker does with one shard: build its market, run it, judge it, sum it up.

:func:`run_shard` is a plain function of plain values (picklable both ways), so
Dask can ship it to any worker process, on this machine or a cluster. A
shard's journal stays in its worker (or goes to its file as it runs); only the
summary travels back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs

from market.byo.loading import load_object
from market.checks.progress import MpanOutcome
from market.faults import FaultPlan
from market.kernel.exceptions import UsageError
from market.kernel.journal_stream import streamed_to
from market.kernel.resources import peak_rss_mb
from market.load.spec import LoadSpec
from market.load.statistics import LoadTally, MarketCounts
from market.networks.dip_defences import SigningMode
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.runtime.runtime import RunStatistics
from market.runtime.simulation import Simulation, run_and_summarise
from market.shards.progress import REPORT_SECONDS, worker_reporter

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
    #: Where the worker streams the shard's journal as it runs (a path on the worker's
    #: machine, gzip when it ends in ``.gz``); ``None``: not written.
    journal_file: str | None = None
    #: ``False`` (``--journal none``): keep no journal, so the shard is not judged.
    keep_journal: bool = True
    #: At most one progress event to the Dask client this often (wall-clock seconds).
    progress_seconds: float = REPORT_SECONDS


@attrs.frozen(kw_only=True)
class StuckMpan:
    """An MPAN that did not complete: where it stopped and what it waits for."""

    mpan: str
    last_step: str | None
    waiting_for: str


@attrs.frozen(kw_only=True)
class ShardLoad:
    """What a load test's shard sends back for the merged load statistics."""

    tally: LoadTally
    outcomes: tuple[MpanOutcome, ...]
    statistics: RunStatistics
    counts: MarketCounts


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
    #: Whether the checkers judged the shard (``False`` when it kept no journal).
    judged: bool
    #: The shard's journal digest (``None`` when it kept and wrote no journal).
    digest: str | None
    events: int
    deliveries: int
    batches: int
    build_seconds: float
    #: Running and judging (or reading the outcomes of) the shard.
    run_seconds: float
    #: Of ``run_seconds``, the time after the last delivery: judging.
    judge_seconds: float
    #: The worker's peak memory once the shard's market was built.
    built_rss_mb: float
    peak_rss_mb: float
    #: A load test's shard: its tally, outcomes and statistics (``None`` for a scenario's).
    load: ShardLoad | None = None

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
    """Build, run and judge one shard (in whichever process Dask runs it).

    With a ``journal_file`` the journal is written as the shard runs; a file that
    cannot be written is a :class:`UsageError` naming the shard and the file.
    """
    begun = time.perf_counter()
    setup = build(task)
    built_rss = peak_rss_mb()
    started = time.perf_counter()
    report = worker_reporter(
        task.index, lambda: simulation.broker.clock, every=task.progress_seconds
    )
    last_batch = [started]

    def on_batch(deliveries: int) -> None:
        last_batch[0] = time.perf_counter()
        if report is not None:
            report(deliveries)

    simulation = Simulation(setup, keep_journal=task.keep_journal, on_batch=on_batch)
    tally = LoadTally() if isinstance(task.spec, LoadSpec) else None
    if tally is not None:
        simulation.subscribe(tally.add)
    path = None if task.journal_file is None else Path(task.journal_file)
    signing = setup.dip_defences.signing
    try:
        with streamed_to(simulation.journal, path, signing=signing) as stream:
            summary = run_and_summarise(simulation)
    except OSError as error:
        raise UsageError(
            f"shard {task.index}: cannot write its journal {path} ({error.strerror})"
        ) from error
    run_seconds = time.perf_counter() - started
    if stream is not None:
        digest: str | None = stream.digest()
    else:
        digest = simulation.journal.digest() if simulation.journal_kept else None
    stuck = [o for o in summary.outcomes if not o.completed]
    return ShardResult(
        index=task.index,
        seed=task.spec.seed,
        mpans=len(summary.outcomes),
        completed=len(summary.outcomes) - len(stuck),
        stuck=tuple(
            StuckMpan(mpan=o.mpan, last_step=o.last_step, waiting_for=str(o.waiting_for))
            for o in stuck[:SHOWN]
        ),
        stuck_count=len(stuck),
        mpan_cores=tuple(sorted(o.mpan for o in summary.outcomes)),
        verdict_ok=summary.ok,
        verdict_lines=summary.lines[:SHOWN],
        judged=summary.judged,
        digest=digest,
        events=len(simulation.journal),
        deliveries=summary.statistics.deliveries,
        batches=summary.statistics.batches,
        build_seconds=started - begun,
        run_seconds=run_seconds,
        judge_seconds=run_seconds - (last_batch[0] - started),
        built_rss_mb=built_rss,
        peak_rss_mb=peak_rss_mb(),
        load=None
        if tally is None
        else ShardLoad(
            tally=tally,
            outcomes=summary.outcomes,
            statistics=summary.statistics,
            counts=MarketCounts.of(setup),
        ),
    )
