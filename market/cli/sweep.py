"""``market sweep``: run a scenario under many seeds; shrink the first failure to a repro script."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import attrs

from market.cli.common import EXIT_FAILED, EXIT_OK, positive_int
from market.cli.footprint import add_size_options, check_size, scenario_size
from market.cli.run import MARKET_BUILDER, window_anchor
from market.experiments.experiment import counted
from market.experiments.sweep import (
    MIXED_PLAN,
    Progress,
    SweepTarget,
    load_mixed_plan,
    shrink,
    sweep,
    write_repro,
)
from market.faults import load_fault_plan
from market.kernel.exceptions import ScenarioError, UsageError
from market.process.scenario_spec import ScenarioSpec, load_scenario


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
            "2 bad usage or input. Example: market sweep --seeds 20 --mpans 10 --output /tmp/r"
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
    failing = [outcome.seed for outcome in outcomes if not outcome.passed]
    if not failing:
        progress(f"All {seeds} seeds passed.")
        return EXIT_OK
    progress(f"Failing seeds: {', '.join(map(str, failing))}")
    shrunk = shrink(target, failing[0], progress=progress)
    progress(f"Shrunk {shrunk.describe()}")
    progress(f"Still fails with: {shrunk.first_problem}")
    try:
        script = write_repro(target, shrunk, output)
    except OSError as error:
        raise UsageError(f"--output {output}: cannot write the repro ({error.strerror})") from error
    progress(f"Wrote {script} (and its plan); it exits 1 while the failure persists")
    return EXIT_FAILED


def _print_now(line: str) -> None:
    """Progress for people watching a long sweep: each line as soon as it is known."""
    print(line, flush=True)


def sweep_command(args: argparse.Namespace) -> int:
    """``market sweep``: the exit status is 0 when every seed passed, 1 when some failed."""
    target = target_from_args(args)
    check_size(scenario_size(target.spec, target.plan.faults), args)  # one seed's run at a time
    try:
        return run_sweep(target, args.seeds, args.output, _print_now)
    except ScenarioError as error:  # a plan naming a participant the market does not have
        raise UsageError(str(error)) from error
