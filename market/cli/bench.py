"""``market bench``: how fast the simulator delivers, as ratios to trio's raw channel rate."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, Final

from rich.console import Console
from rich.table import Table

from market.byo.loading import load_object, load_participant_class
from market.byo.replace import describe_replacements, parse_replacement, replace_participants
from market.cli.common import EXIT_OK, MAX_DIGITS
from market.cli.footprint import KIB_PER_LOAD_SWITCH, RunSize, add_size_options, check_size
from market.cli.run import MARKET_BUILDER
from market.kernel.exceptions import ScenarioError, UsageError
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.tools.bench import DEFAULT_LEVELS, Level, bench

#: The issue's targets: simulator ÷ raw channel rate at a level.
TARGETS: Final = {1: 0.3, 10_000: 2.0}


def _levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r}: write whole numbers, e.g. 1,100,10000"
        ) from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: every level must be at least 1")
    if max(levels) >= 10**MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"every level must have at most {MAX_DIGITS} digits")
    return levels


def add_parser(commands: Any) -> None:
    """Register ``market bench``."""
    parser = commands.add_parser(
        "bench",
        help="measure the simulator's throughput against trio's raw channel rate",
        description=(
            "Measure, in one process and one run: (a) the raw rate of a trio memory channel, "
            "one producer task to one consumer task; (b) the simulator's delivered messages/s "
            "and completed reverse migrations/s with 1, 100 and 10,000 reverse migrations in "
            "flight at once, with peak memory; and the ratio (b)/(a) at each level. Ratios "
            "cancel the noise of a shared machine. Delivery is timed from every participant's "
            "task running to the last batch (starting and stopping the tasks is shown apart, "
            "as fixed_ms); levels too small to time are run again on fresh markets and added "
            "up. Targets: at least 0.3x at 1 concurrent, 2x at 10,000."
        ),
        epilog=(
            "The 10,000 level takes about 30 s and 0.8 GB; --levels 100000 about 3 minutes "
            "and 8 GB; a level whose estimated peak memory is more than the machine has "
            "available is refused (exit 2; see --memory-limit). Exit status is 0; read the "
            "ratios (README, Benchmark)."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--levels",
        type=_levels,
        default=DEFAULT_LEVELS,
        help="comma-separated concurrency levels (default 1,100,10000)",
    )
    parser.add_argument(
        "--participant",
        action="append",
        default=[],
        metavar="TARGET=MODULE:CLASS",
        help=(
            "bench the market with your own class playing a participant (by id, e.g. "
            "SUP-MHSA, or by role), as 'market run --participant' does; compare the ratios "
            "with and without it to see what your code costs under load; repeatable"
        ),
    )
    add_size_options(parser)


def _own_builder(
    builder: Callable[[ScenarioSpec], MarketSetup], texts: list[str]
) -> Callable[[ScenarioSpec], MarketSetup]:
    """``builder`` with the ``--participant`` replacements applied to every market it builds."""
    if not texts:
        return builder
    try:
        references = dict(parse_replacement(text) for text in texts)
        classes = {
            target: load_participant_class(reference) for target, reference in references.items()
        }
        sample = builder(ScenarioSpec(seed=1, mpans=1))
        replaced = replace_participants(sample, classes)
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    for line in describe_replacements(replaced, sample.participants):
        print(line, file=sys.stderr)
    return lambda spec: replace_participants(builder(spec), classes)


def run_bench(args: argparse.Namespace) -> int:
    """Run the benchmark and print its figures."""
    largest = max(args.levels)  # the levels run one after another, each on a fresh market
    check_size(RunSize(mpans=largest, switches=largest, kib_per_switch=KIB_PER_LOAD_SWITCH), args)
    builder = _own_builder(load_object(MARKET_BUILDER), args.participant)
    console = Console(stderr=True, highlight=False)

    def progress(level: Level) -> None:
        if not args.json:
            console.print(f"  {level.concurrent} concurrent: {level.msgs_per_s:,.0f} msgs/s")

    result = bench(builder, args.levels, on_level=progress)
    if args.json:
        print(json.dumps(result.as_json(), indent=2))
        return EXIT_OK
    table = Table(title=f"raw trio channel: {result.raw_msgs_per_s:,.0f} msgs/s")
    columns = ("in flight", "runs", "msgs/s", "RMs/s", "ratio", "target", "fixed ms", "peak MB")
    for column in columns:
        table.add_column(column, justify="right")
    for level in result.levels:
        target = TARGETS.get(level.concurrent)
        verdict = (
            "" if target is None else f"{target}x " + ("met" if level.ratio >= target else "missed")
        )
        table.add_row(
            f"{level.concurrent:,}",
            f"{level.runs}",
            f"{level.msgs_per_s:,.0f}",
            f"{level.rms_per_s:,.1f}",
            f"{level.ratio:.2f}",
            verdict,
            f"{level.fixed_ms:,.1f}",
            f"{level.peak_rss_mb:,.0f}",
        )
    Console(highlight=False).print(table)
    return EXIT_OK
