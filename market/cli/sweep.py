"""``market sweep``: run a scenario under many seeds; shrink the first failure to a repro script.

With ``--shards K`` every seed's run is split as ``market run --shards K`` splits
it and all of them run at once on one Dask client (a local cluster, or
``--cluster``); the first failing shard, a whole market, is shrunk alone here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from market.cli.common import EXIT_FAILED, EXIT_OK, positive_int
from market.cli.footprint import add_size_options, check_size, scenario_size
from market.cli.run import MARKET_BUILDER, window_anchor
from market.experiments.experiment import counted
from market.experiments.sweep import (
    MIXED_PLAN,
    Progress,
    SeedOutcome,
    SweepTarget,
    load_mixed_plan,
    shrink,
    sweep,
    write_repro,
)
from market.experiments.sweep_shards import shard_target, shard_tasks, sweep_sharded
from market.faults import load_fault_plan
from market.kernel.exceptions import ScenarioError, UsageError
from market.process.scenario_spec import ScenarioSpec, load_scenario
from market.shards.cluster import dask_client, local_workers

if TYPE_CHECKING:
    from distributed import Client


def add_parser(commands: Any) -> None:
    """Register ``market sweep`` and its options."""
    parser = commands.add_parser(
        "sweep",
        help="run a scenario under seeds 1..N with a fault plan; shrink the first failure",
        description=(
            "Run the scenario (default: the built-in market) under a fault plan (default: the "
            "built-in mixed plan, a little of every fault the market is designed to survive) "
            "once per seed 1..N, and say which seeds pass every check. For the first failing "
            "seed, shrink the run (drop faults, lower probabilities, halve the MPANs while it "
            "still fails) and write it out as a runnable experiment script with its TOML plan."
        ),
        epilog=(
            "Exit status: 0 every seed passed; 1 some seed failed (a repro script was written); "
            "2 bad usage or input. Examples: market sweep --seeds 20 --mpans 10 --output /tmp/r; "
            "market sweep --seeds 20 --mpans 1000 --shards 4"
        ),
    )
    parser.add_argument(
        "--seeds", type=positive_int, required=True, metavar="N", help="run seeds 1..N"
    )
    parser.add_argument("--scenario", type=Path, metavar="FILE", help="TOML scenario file")
    parser.add_argument(
        "--faults",
        type=Path,
        metavar="FILE",
        help=(
            "TOML fault plan (default: the scenario's own [[fault]] tables, else the "
            f"built-in mixed plan, {MIXED_PLAN.name})"
        ),
    )
    parser.add_argument(
        "--mpans",
        type=positive_int,
        metavar="N",
        help="how many customers switch (default: the scenario's)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="folder for the repro script and its plan (default: the current folder)",
    )
    scale_out = parser.add_argument_group("scale out (--shards)")
    scale_out.add_argument(
        "--shards",
        type=positive_int,
        metavar="K",
        help="split every seed's run by MPAN into K shards, exactly as 'market run --shards K "
        "--seed S' splits it (each a whole market with its own derived seed), and run all the "
        "seeds' shards at once on Dask; a seed passes when every shard does, and the first "
        "failing shard is shrunk alone into the repro. --shards 1 judges each seed as an "
        "unsharded sweep does, in worker processes (default: none, every seed runs whole, one "
        "after another, in this process)",
    )
    scale_out.add_argument(
        "--cluster",
        metavar="tcp://HOST:PORT",
        help="with --shards: run them on the Dask scheduler at this address (its workers need "
        "this package installed) instead of a local cluster of worker processes",
    )
    add_size_options(parser)


def target_from_args(args: argparse.Namespace) -> SweepTarget:
    """The scenario and plan the arguments name, loaded and checked."""
    try:
        spec = load_scenario(args.scenario) if args.scenario is not None else ScenarioSpec()
        if args.mpans is not None:
            spec = attrs.evolve(spec, mpans=args.mpans)
        anchor = window_anchor(spec)
        if args.faults is not None:
            plan = load_fault_plan(args.faults, anchor)
        elif spec.faults.faults:
            plan = spec.faults
        else:
            plan = load_mixed_plan(anchor)
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    return SweepTarget(spec=spec, plan=plan, market=MARKET_BUILDER, scenario_file=args.scenario)


def run_sweep(target: SweepTarget, seeds: int, output: Path, progress: Progress) -> int:
    """Sweep seeds 1..``seeds``; shrink the first failure into ``output``; the exit status."""
    progress(
        f"Sweeping seeds 1..{seeds}: {counted(target.spec.mpans, 'MPAN')} each, "
        f"{counted(len(target.plan.faults), 'fault')} in the plan"
    )
    outcomes = sweep(target, range(1, seeds + 1), progress=progress)
    return _shrink_first_failure(target, outcomes, output, progress)


def run_sharded_sweep(
    target: SweepTarget,
    seeds: int,
    output: Path,
    progress: Progress,
    *,
    shards: int,
    client: Client,
    where: str,
) -> int:
    """:func:`run_sweep` with every seed in ``shards`` shards on ``client`` (``where`` it is)."""
    progress(
        f"Sweeping seeds 1..{seeds}: {counted(target.spec.mpans, 'MPAN')} each in "
        f"{counted(shards, 'shard')}, {counted(len(target.plan.faults), 'fault')} in the plan; "
        f"{counted(seeds * shards, 'shard')} on {where}"
    )
    outcomes = sweep_sharded(target, range(1, seeds + 1), shards, client, progress=progress)
    return _shrink_first_failure(target, outcomes, output, progress)


def _shrink_first_failure(
    target: SweepTarget, outcomes: tuple[SeedOutcome, ...], output: Path, progress: Progress
) -> int:
    """Say which seeds failed; shrink the first (its failing shard, if sharded); the status."""
    failing = [outcome for outcome in outcomes if not outcome.passed]
    if not failing:
        progress(f"All {len(outcomes)} seeds passed.")
        return EXIT_OK
    progress(f"Failing seeds: {', '.join(str(outcome.seed) for outcome in failing)}")
    first, seed, what = failing[0], failing[0].seed, "it"
    if first.shard is not None:
        target, seed = shard_target(target, first.shard), first.shard.spec.seed
        what = f"it runs seed {first.seed}'s shard {first.shard.index} alone (seed {seed}) and"
        progress(
            f"Seed {first.seed} failed in shard {first.shard.index} of {first.shard.shards}: "
            f"shrinking that shard alone, in this process, under its own seed {seed}"
        )
    shrunk = shrink(target, seed, progress=progress)
    progress(f"Shrunk {shrunk.describe()}")
    progress(f"Still fails with: {shrunk.first_problem}")
    try:
        script = write_repro(target, shrunk, output, origin=first)
    except OSError as error:
        raise UsageError(f"--output {output}: cannot write the repro ({error.strerror})") from error
    progress(f"Wrote {script} (and its plan); {what} exits 1 while the failure persists")
    return EXIT_FAILED


def _print_now(line: str) -> None:
    """Progress for people watching a long sweep: each line as soon as it is known."""
    print(line, flush=True)


def sweep_command(args: argparse.Namespace) -> int:
    """``market sweep``: the exit status is 0 when every seed passed, 1 when some failed."""
    if args.cluster is not None and args.shards is None:
        raise UsageError("--cluster only makes sense with --shards K")
    target = target_from_args(args)
    check_size(scenario_size(target.spec, target.plan.faults), args)  # one seed's run at a time
    try:
        if args.shards is None:
            return run_sweep(target, args.seeds, args.output, _print_now)
        shard_tasks(target, 1, args.shards)  # refuse what cannot be sharded before Dask starts
        workers = local_workers(args.seeds * args.shards)
        plural = "" if workers == 1 else "es"
        where = args.cluster or f"a local cluster of {workers} worker process{plural}"
        with dask_client(args.cluster, workers) as client:
            return run_sharded_sweep(
                target,
                args.seeds,
                args.output,
                _print_now,
                shards=args.shards,
                client=client,
                where=where,
            )
    except ScenarioError as error:  # a plan naming a participant the market does not have
        raise UsageError(str(error)) from error
