"""Sharded seed sweeps: each seed's run split as ``market run --shards K --seed S`` splits it.

:func:`sweep_sharded` is :func:`market.experiments.sweep.sweep` with every seed's
shards running at once on one Dask client. A shard is a whole market, so the first
failing shard is what gets shrunk: :func:`shard_target` runs it alone, in one
process, under its own derived seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from market.experiments.report import CRASH
from market.experiments.sweep import Progress, SeedOutcome, SweepTarget, quiet
from market.kernel.exceptions import ScenarioError
from market.process.scenario_spec import ScenarioSpec
from market.shards.cluster import run_shards
from market.shards.plan import scenario_shards
from market.shards.work import ShardResult, ShardTask

if TYPE_CHECKING:
    from distributed import Client


def shard_tasks(target: SweepTarget, seed: int, shards: int) -> list[ShardTask]:
    """Seed ``seed``'s run as ``market run --shards`` splits it: one task per shard.

    The plan goes on the spec before it is split, so every shard (a whole market
    with its own derived seed) runs under the whole plan, as a sharded run does.

    Raises :class:`ScenarioError` for a shard count the MPANs cannot fill, and for
    a target a worker could not build: a market builder that is not named as
    ``module:function``, or a scenario with its own ``[participants]``.
    """
    if not isinstance(target.market, str):
        raise ScenarioError(
            "a sharded sweep names its market builder as 'module:function', so that every "
            "Dask worker can import it"
        )
    if target.spec.participants:
        raise ScenarioError(
            "a scenario with its own [participants] cannot be swept with --shards yet: your "
            "classes would have to be importable on every worker"
        )
    spec = attrs.evolve(target.spec, seed=seed, faults=target.plan)
    return [
        ShardTask(index=index, shards=shards, builder=target.market, spec=shard)
        for index, shard in enumerate(scenario_shards(spec, shards))
    ]


def shard_target(target: SweepTarget, shard: ShardTask) -> SweepTarget:
    """``target`` narrowed to one of its shards, to run (and shrink) alone in this process.

    Its spec is the shard's own: the shard's share of the MPANs and its derived
    seed, which is the seed to run it under.
    """
    if not isinstance(shard.spec, ScenarioSpec):
        raise TypeError(f"shard {shard.index} is a load test's, not a swept scenario's")
    return attrs.evolve(target, spec=shard.spec)


def _shard_problem(result: ShardResult) -> str:
    """The first problem a failed shard names, worst first as :attr:`ExperimentReport.problems`."""
    crash = next((line for line in result.verdict_lines if line.startswith(CRASH)), None)
    if crash is not None:
        return crash
    if result.stuck:
        stuck = result.stuck[0]
        return (
            f"{stuck.mpan} stuck after {stuck.last_step or '(no step)'}: waiting for "
            f"{stuck.waiting_for}"
        )
    return next(
        (line for line in result.verdict_lines if line.startswith("verdict:")),
        "the checkers' verdict is FAILED",
    )


def _seed_outcome(seed: int, tasks: list[ShardTask], results: list[ShardResult]) -> SeedOutcome:
    """A seed passes when every shard does; else its lowest-numbered failing shard names why."""
    failed = sorted((r for r in results if not r.verdict_ok), key=lambda r: r.index)
    if not failed:
        return SeedOutcome(seed=seed, passed=True)
    return SeedOutcome(
        seed=seed,
        passed=False,
        first_problem=_shard_problem(failed[0]),
        shard=tasks[failed[0].index],
    )


def sweep_sharded(
    target: SweepTarget,
    seeds: Iterable[int],
    shards: int,
    client: Client,
    *,
    progress: Progress = quiet,
) -> tuple[SeedOutcome, ...]:
    """Run ``target`` under each seed, each run in ``shards`` shards, all of them on ``client``.

    Every seed's shards are submitted at once, so no worker waits for a slow
    seed. A seed passes when all its shards pass their checks
    (:attr:`ShardResult.verdict_ok`), which is :func:`sweep`'s judgement but for
    one case a shard's summary cannot show: a crash the plan did not ask for that
    a restart policy recovered from fails a seed there and not here. ``progress``
    gets one line per seed in seed order, as soon as it and every seed before
    it have finished. Each seed is swept once, however often it is named.
    """
    seeds = list(dict.fromkeys(seeds))
    tasks = {seed: shard_tasks(target, seed, shards) for seed in seeds}
    # A result names its shard by derived seed and index; this says whose shard it is.
    owner = {(task.spec.seed, task.index): seed for seed in seeds for task in tasks[seed]}
    finished: dict[int, list[ShardResult]] = {seed: [] for seed in seeds}
    outcomes: list[SeedOutcome] = []

    def on_shard(result: ShardResult, _done: int) -> None:
        finished[owner[result.seed, result.index]].append(result)
        while len(outcomes) < len(seeds) and len(finished[seeds[len(outcomes)]]) == shards:
            seed = seeds[len(outcomes)]
            outcome = _seed_outcome(seed, tasks[seed], finished[seed])
            progress(outcome.describe())
            outcomes.append(outcome)

    run_shards([task for seed in seeds for task in tasks[seed]], client=client, on_shard=on_shard)
    return tuple(outcomes)
