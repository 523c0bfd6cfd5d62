"""``market run``: build a market, run it with narration, judge it, report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
from rich.console import Console
from rich.table import Table

from market.byo.loading import load_object
from market.byo.replace import describe_replacements, parse_replacement, play_participants
from market.checks import format_verdict
from market.cli import run_load, run_sharded, run_teaching
from market.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_signing_option,
    journal_file,
    positive_int,
    time_scale,
    whole_number,
    with_signing,
    write_journal,
)
from market.cli.footprint import add_size_options, check_size, scenario_size
from market.faults import FaultPlan, WindowAnchor, load_fault_plan
from market.kernel.exceptions import ParticipantCrashedError, ScenarioError, UsageError
from market.process.scenario import MarketSetup
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec, load_scenario
from market.runtime.simulation import RunResult, Simulation, partial_result
from market.teaching import QuitRequestedError
from market.teaching.narration import Narrator, configure_logging

#: ``module:function`` turning a ScenarioSpec into a MarketSetup (loaded by name so that
#: ``market`` never imports ``actors``: the dependency runs one way).
MARKET_BUILDER: Final = "actors.markets.default:build_market"


def add_parser(commands: Any) -> None:
    """Register ``market run`` and its options."""
    run = commands.add_parser(
        "run",
        help="run a market and narrate it",
        description=(
            "Run a market: by default the built-in one, where migrated MPANs switch to a "
            "supplier that is not MHHS-qualified, so each switch becomes a reverse migration. "
            "Prints the messages as they are delivered (time, network, message, sender → "
            "recipient, MPAN, reconstructed step), then one outcome line per MPAN and the "
            "conformance verdict of the process checkers."
        ),
        epilog=(
            "Exit status: 0 every MPAN completed and every check passed; 1 some MPAN is stuck "
            "or a check failed; 2 bad usage or input, or a run whose estimated peak memory is "
            "more than the machine has available (see --memory-limit). Examples: market run "
            "--variant mixed --mpans 50 --quiet; market run --scenario "
            "examples/scenarios/all-decisions.toml"
        ),
    )
    _market_options(run.add_argument_group("the market"))
    add_size_options(run.add_argument_group("how large a run may be"))
    _output_options(run.add_argument_group("what it prints and writes"))
    run_teaching.add_options(run.add_argument_group("teaching"))
    run_load.add_options(run.add_argument_group("load testing (--profile)"))
    run_sharded.add_options(run.add_argument_group("scale out (--shards)"))
    run.add_argument_group("replaying a served market").add_argument(
        "--replay",
        type=Path,
        metavar="JOURNAL",
        help="re-run the market a 'market serve --journal' run recorded, with the real "
        "systems' recorded inputs standing in for them (same digest on every replay)",
    )


def _market_options(group: argparse._ArgumentGroup) -> None:
    """Which market runs: scenario, size, variant, seed, faults, your participants."""
    group.add_argument("--seed", type=whole_number, help="scenario seed (default 1, or the file's)")
    group.add_argument(
        "--mpans",
        type=positive_int,
        help=(
            "how many customers switch (default 3, or the file's); with --profile, the "
            "population (caps or scales the load)"
        ),
    )
    group.add_argument(
        "--variant",
        choices=sorted(VARIANT_MIXES),
        help="meter variant of the MPANs: T traditional, A advanced, S smart, or mixed",
    )
    group.add_argument(
        "--scenario", type=Path, metavar="FILE", help="TOML scenario file (see README)"
    )
    group.add_argument(
        "--explore-schedule",
        action="store_true",
        help=(
            "order concurrent deliveries by a random choice seeded from --seed, so a sweep "
            "over seeds explores interleavings (any failure replays from its seed)"
        ),
    )
    group.add_argument(
        "--real-time",
        type=time_scale,
        nargs="?",
        const=1.0,
        metavar="SCALE",
        help=(
            "virtual time follows the wall clock, SCALE virtual seconds per second "
            "(default 1; from 0.001 to 1,000,000), for participant code doing real I/O"
        ),
    )
    group.add_argument(
        "--participant",
        action="append",
        default=[],
        metavar="TARGET=MODULE:CLASS",
        help=(
            "play a participant (by id, e.g. NHHDC-NDCE, or every one of a role, e.g. NHHDC) "
            "with your own class; repeatable (see README, Bring your own participant)"
        ),
    )
    group.add_argument(
        "--faults",
        type=Path,
        metavar="FILE",
        help=(
            "TOML fault plan to apply to the market, in place of the scenario's own "
            "[[fault]] tables (see README, Fault experiments)"
        ),
    )
    add_signing_option(group)


def _output_options(group: argparse._ArgumentGroup) -> None:
    """What the run prints (narration) and writes (the journal)."""
    group.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="write the journal as JSON lines (gzip when PATH ends in .gz), as the run goes for a "
        "load run; with --shards, PATH is a new or empty folder for one file per shard and a "
        "manifest; 'none' (load and sharded load runs only) keeps no journal: statistics and "
        "outcomes only, not judged, and memory no longer grows with the journal",
    )
    group.add_argument(
        "--log-format",
        choices=("console", "json"),
        default="console",
        help="narration for people (console, default) or tools (json lines)",
    )
    group.add_argument("--quiet", action="store_true", help="no narration; the report only")
    group.add_argument(
        "--verbose", action="store_true", help="also narrate participants' state changes and timers"
    )


def scenario_from_args(args: argparse.Namespace) -> ScenarioSpec:
    """The scenario file (or defaults) with the command line's overrides applied."""
    try:
        spec = load_scenario(args.scenario) if args.scenario is not None else ScenarioSpec()
        overrides: dict[str, Any] = {}
        if args.seed is not None:
            overrides["seed"] = args.seed
        if args.mpans is not None:
            overrides["mpans"] = args.mpans
        if args.variant is not None:
            overrides["variants"] = VARIANT_MIXES[args.variant]
        return attrs.evolve(spec, **overrides)
    except ScenarioError as error:
        raise UsageError(str(error)) from error


def window_anchor(spec: ScenarioSpec) -> WindowAnchor:
    """What a fault plan's relative windows (``day 3``, ``SSD-1``) are relative to."""
    return spec.window_anchor()


def fault_plan_of(spec: ScenarioSpec, path: Path | None) -> FaultPlan | None:
    """The fault plan in ``path``, read against ``spec``'s calendar; ``None`` without one."""
    if path is None:
        return None
    try:
        return load_fault_plan(path, window_anchor(spec))
    except ScenarioError as error:
        raise UsageError(str(error)) from error


def with_fault_plan(setup: MarketSetup, plan: FaultPlan | None) -> MarketSetup:
    """``setup`` with ``plan`` (if any) in place of the scenario's own faults."""
    return setup if plan is None else attrs.evolve(setup, faults=plan)


def with_own_participants(setup: MarketSetup, references: Mapping[str, str]) -> MarketSetup:
    """``setup`` with the user's classes playing the targeted participants."""
    if not references:
        return setup
    try:
        replaced = play_participants(setup, references)
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    for line in describe_replacements(replaced, setup.participants):
        print(line, file=sys.stderr)
    return replaced


def run(args: argparse.Namespace) -> int:
    """Run the market the arguments describe; the exit status says whether it passed."""
    if run_sharded.wants_shards(args):
        return run_sharded.run_sharded(args)
    if args.replay is not None:
        from market.cli.serve import replay_command  # noqa: PLC0415 - only replays need HTTP code

        return replay_command(args)
    if run_load.wants_profile(args):
        return run_load.run_profile(args, own_participants=with_own_participants)
    journal = journal_file(args)
    run_teaching.check_options(args)
    spec = scenario_from_args(args)
    plan = fault_plan_of(spec, args.faults)
    check_size(scenario_size(spec, None if plan is None else plan.faults), args)
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    setup = with_fault_plan(builder(spec), plan)
    if args.explore_schedule or args.real_time is not None:
        setup = attrs.evolve(
            setup, explore_schedule=args.explore_schedule, real_time_scale=args.real_time
        )
    setup = with_own_participants(
        setup, {**spec.participants, **dict(parse_replacement(text) for text in args.participant)}
    )
    setup = with_signing(setup, args)
    simulation = Simulation(setup)
    logger = configure_logging(args.log_format)
    if not (args.quiet or args.step):
        simulation.subscribe(Narrator(logger, verbose=args.verbose))
    run_teaching.subscribe_stepper(simulation, args)
    try:
        result = simulation.run_sync()
    except QuitRequestedError as request:
        return run_teaching.stopped(request)
    except ParticipantCrashedError as crash:
        result = partial_result(crash)  # a finding: journal and verdict as for any run
    if journal is not None:
        write_journal(result, journal, signing=setup.dip_defences.signing)
    run_teaching.write_run_report(result, spec, args, signing=setup.dip_defences.signing)
    if args.log_format == "json":
        _report_json(result, logger)
    else:
        _report_console(result, spec, journal)
    return EXIT_OK if result.verdict.ok else EXIT_FAILED


def _report_json(result: RunResult, logger: Any) -> None:
    for outcome in result.outcomes:
        logger.info(
            "mpan_outcome_reported",
            at=result.statistics.stopped_at,
            mpan=outcome.mpan,
            completed=outcome.completed,
            last_step=outcome.last_step,
            waiting_for=outcome.waiting_for,
        )
    logger.info(
        "verdict_reported",
        at=result.statistics.stopped_at,
        ok=result.verdict.ok,
        lines=format_verdict(result.verdict),
    )


def _report_console(result: RunResult, spec: ScenarioSpec, journal: Path | None) -> None:
    console = Console(highlight=False)
    completed = sum(o.completed for o in result.outcomes)
    total = len(result.outcomes)
    shown = result.outcomes if total <= 50 else [o for o in result.outcomes if not o.completed]
    table = Table(title=f"Outcome: {completed} of {total} MPANs completed")
    table.add_column("MPAN")
    table.add_column("outcome")
    table.add_column("steps", justify="right")
    table.add_column("stopped after / waiting for")
    for outcome in shown[:50]:
        table.add_row(
            outcome.mpan,
            "completed" if outcome.completed else "[bold red]stuck[/]",
            str(len(outcome.observed)),
            "" if outcome.completed else f"{outcome.last_step or '-'} / {outcome.waiting_for}",
        )
    console.print()
    if shown:
        console.print(table)
    else:
        console.print(table.title)
    console.print("Conformance:", soft_wrap=True)
    for line in format_verdict(result.verdict):
        console.print(f"  {line}", soft_wrap=True, markup=False)
    console.print(
        f"Seed {spec.seed}; {len(result.journal)} journal events; "
        f"{result.statistics.deliveries} deliveries in {result.statistics.batches} batches; "
        f"journal digest {result.journal.digest()[:16]}",
        soft_wrap=True,
    )
    if journal is not None:
        console.print(f"Journal written to {journal}", soft_wrap=True)
