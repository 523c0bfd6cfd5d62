"""The load-test options of ``market run``: ``--profile NAME --days N --mpans N``.

Kept apart from :mod:`market.cli.run` (which stays about narrated runs):
``run`` adds these options and hands a run with ``--profile`` to
:func:`run_profile`. A profile run builds a GB-shaped market
(``actors.markets.gb:build_gb_market``, loaded by name so that ``market`` never
imports ``actors``), runs it without narration under a progress bar, then
prints the load statistics (:mod:`market.load.statistics`) as tables, or as
JSON with ``--log-format json``, and writes them to ``--report PATH``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
from rich.console import Console

from market.byo.loading import load_object
from market.byo.replace import parse_replacement
from market.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    journal_file,
    no_journal,
    with_signing,
    working_days,
)
from market.cli.diagram import write_text
from market.cli.footprint import check_size, load_size
from market.cli.load_progress import LoadProgress, expected_deliveries
from market.cli.load_tables import print_load_report
from market.faults import FaultPlan, WindowAnchor, load_fault_plan
from market.kernel.exceptions import ScenarioError, UsageError
from market.kernel.journal_stream import streamed_to
from market.kernel.resources import peak_rss_mb
from market.kernel.settlement_calendar import SettlementCalendar
from market.load.profiles import PROFILES, load_profile
from market.load.spec import LoadSpec
from market.load.statistics import LoadReport, LoadTally, MarketCounts
from market.process.scenario import MarketSetup
from market.process.scenario_spec import MAX_SWITCH_DAYS
from market.runtime.simulation import RunSummary, Simulation, run_and_summarise

#: ``module:function`` turning a LoadSpec into a MarketSetup.
GB_MARKET_BUILDER: Final = "actors.markets.gb:build_gb_market"
#: Options a profile run refuses: the profile builds its own market and nobody reads a
#: narration of millions of messages.
_NOT_WITH_PROFILE: Final = ("scenario", "variant", "step", "html")

#: Top-level keys of the ``--report`` JSON (the README's Load testing section documents each).
REPORT_KEYS: Final = (
    "profile",
    "wall_seconds",
    "throughput",
    "messages",
    "outcomes",
    "reverse_migrations",
    "latency_seconds",
    "mailbox_high_water",
    "dead_letters",
    "runtime",
    "memory_mb",
    "verdict",
)

#: Replaces the targeted participants with the user's classes (``run.with_own_participants``).
OwnParticipants = Callable[[MarketSetup, Mapping[str, str]], MarketSetup]


def add_options(run: argparse._ArgumentGroup) -> None:
    """Add ``--profile``, ``--days``, ``--progress`` and ``--report`` to ``market run``."""
    run.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        help=(
            "load test: run a GB-shaped market under a named load profile (see README, "
            "Load testing); --mpans then caps or scales the population"
        ),
    )
    run.add_argument(
        "--days",
        type=working_days,
        help=f"with --profile: working days of switches (default 1, at most {MAX_SWITCH_DAYS:,})",
    )
    run.add_argument(
        "--progress",
        action="store_true",
        help="with --profile: show the progress bar even when standard error is not a terminal",
    )
    run.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="with --profile: also write the load statistics as JSON to PATH",
    )


def wants_profile(args: argparse.Namespace) -> bool:
    """Whether the command line asks for a load test (or for one of its options)."""
    return any(
        getattr(args, name) not in (None, False)
        for name in ("profile", "days", "progress", "report")
    )


def _check_options(args: argparse.Namespace) -> None:
    if args.profile is None:
        given = [f"--{n}" for n in ("days", "progress", "report") if getattr(args, n)]
        raise UsageError(
            f"{', '.join(given)} only make(s) sense with --profile NAME "
            f"(one of {', '.join(sorted(PROFILES))})"
        )
    for name in _NOT_WITH_PROFILE:
        if getattr(args, name, None) not in (None, False):
            raise UsageError(
                f"--{name} cannot be combined with --profile: a profile builds its own GB-shaped "
                "market and is not narrated; drop one of them"
            )
    if args.report is not None and not args.report.parent.is_dir():
        raise UsageError(f"--report {args.report}: folder {args.report.parent} does not exist")


def profile_spec(args: argparse.Namespace) -> LoadSpec:
    """The named profile with ``--days``, ``--mpans`` and ``--seed`` applied."""
    try:
        return load_profile(args.profile, working_days=args.days, mpans=args.mpans, seed=args.seed)
    except ScenarioError as error:
        raise UsageError(str(error)) from error


def profile_fault_plan(spec: LoadSpec, path: Path) -> FaultPlan:
    """The ``--faults FILE`` plan for a load run of ``spec``, its windows anchored on the
    profile's first working day (a sharded run's shards share that day, so they share it)."""
    calendar = SettlementCalendar()
    first_day = spec.first_working_day(calendar)
    anchor = WindowAnchor(
        start_day=first_day,
        first_supply_start_date=calendar.add_working_days(
            first_day, spec.options.supply_start_lead_working_days
        ),
    )
    try:
        return load_fault_plan(path, anchor)
    except ScenarioError as error:
        raise UsageError(str(error)) from error


def with_fault_plan(setup: MarketSetup, plan: FaultPlan | None) -> MarketSetup:
    """The profile's own faults (a DIP outage) plus those of ``plan``."""
    if plan is None:
        return setup
    return attrs.evolve(setup, faults=attrs.evolve(plan, faults=setup.faults.faults + plan.faults))


def run_profile(args: argparse.Namespace, *, own_participants: OwnParticipants) -> int:
    """Run a load test as the arguments describe; exit 0 when every check passed."""
    _check_options(args)
    keep_journal = not no_journal(args)
    journal = journal_file(args) if keep_journal else None
    spec = profile_spec(args)
    plan = None if args.faults is None else profile_fault_plan(spec, args.faults)
    check_size(load_size(spec, () if plan is None else plan.faults, journal=keep_journal), args)
    started = time.perf_counter()
    builder: Callable[[LoadSpec], MarketSetup] = load_object(GB_MARKET_BUILDER)
    setup = with_fault_plan(builder(spec), plan)
    try:
        targets = dict(parse_replacement(text) for text in args.participant)
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    setup = own_participants(setup, targets)
    if args.explore_schedule or args.real_time is not None:
        setup = attrs.evolve(
            setup, explore_schedule=args.explore_schedule, real_time_scale=args.real_time
        )
    setup = with_signing(setup, args)
    built = time.perf_counter()
    built_rss = peak_rss_mb()
    show = args.progress or sys.stderr.isatty()
    progress = LoadProgress(
        expected=expected_deliveries(
            len(setup.switching_mpans), dip_outage=bool(setup.faults.of_kind("dip_outage"))
        ),
        start_at=setup.start_at,
        console=Console(file=sys.stderr) if show else None,
    )
    simulation = Simulation(setup, on_batch=progress.on_batch, keep_journal=keep_journal)
    tally = LoadTally()
    simulation.subscribe(tally.add)
    progress.watch(simulation.broker.clock)
    try:
        with (
            streamed_to(simulation.journal, journal, signing=setup.dip_defences.signing),
            progress,
        ):
            summary = run_and_summarise(simulation)
    except OSError as error:
        raise UsageError(f"--journal {journal}: cannot write ({error.strerror})") from error
    finished = time.perf_counter()
    report = tally.report(
        summary.outcomes, summary.statistics, wall_seconds=progress.delivery_seconds
    )
    measured = time.perf_counter()
    phases = {
        "build": built - started,
        "run": progress.delivery_seconds,
        "judge": finished - progress.last_batch,
        "measure": measured - finished,
        "total": measured - started,
    }
    memory = {"after_build": round(built_rss, 1), "peak": round(peak_rss_mb(), 1)}
    document = report_document(spec, MarketCounts.of(setup), summary, report, phases, memory=memory)
    if args.report is not None:
        write_text(args.report, json.dumps(document, indent=2) + "\n", "--report")
    if args.log_format == "json":
        print(json.dumps(document))
    else:
        print_load_report(Console(highlight=False), document, list(summary.lines))
        if journal is not None:
            print(f"Journal written to {journal}")
    return EXIT_OK if summary.ok else EXIT_FAILED


def report_document(
    spec: LoadSpec,
    counts: MarketCounts,
    summary: RunSummary,
    report: LoadReport,
    phases: Mapping[str, float],
    *,
    memory: Mapping[str, float],
) -> dict[str, Any]:
    """The ``--report`` JSON: the profile, wall time per phase, the measurements, the verdict.

    The verdict's ``judged`` is false for a run without a journal (``--journal none``):
    its ``ok`` then says only that every switch completed and nothing crashed.

    ``memory`` is the process's peak RSS in MiB once the market was built and at the end.
    """
    return {
        "profile": {
            "name": spec.name,
            "description": spec.description,
            "seed": spec.seed,
            "working_days": spec.working_days,
            "switches_per_working_day": spec.switches_per_working_day,
            "scale": spec.scale,
            "population": counts.population,
            "switches": counts.switches,
            "participants": counts.participants,
            "forward_migrations_per_working_day_not_simulated": (
                spec.forward_migrations_per_working_day
            ),
        },
        "wall_seconds": dict(phases),
        **report.to_json(),
        "memory_mb": dict(memory),
        "verdict": {"ok": summary.ok, "judged": summary.judged, "lines": list(summary.lines)},
    }
