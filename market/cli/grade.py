"""``market grade MODULE:Class``: run the exercise scenarios against a learner's data collector."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from market.cli.common import EXIT_FAILED, EXIT_OK, load_object, load_participant_class
from market.cli.run import MARKET_BUILDER
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.tools.grading import DATA_COLLECTOR, SCENARIOS, format_grade, grade


def add_parser(commands: Any) -> None:
    """Register ``market grade``."""
    parser = commands.add_parser(
        "grade",
        help="grade your incoming NHH data collector (the guide's exercises) on real scenarios",
        description=(
            f"Build the built-in market for each exercise scenario, put your class in place of "
            f"the incoming NHH data collector {DATA_COLLECTOR} (constructed with its identity), "
            "run it, and compare what your data collector sent with what the built-in one sends: "
            "which step never happened, what it should have sent to whom, which data item was "
            "wrong, which message made your code raise; then the checkers' verdict."
        ),
        epilog=(
            "Exit status: 0 every scenario passed; 1 some did not; 2 bad usage. Examples: "
            "market grade examples/learner/data_collector.py:DataCollector; "
            "market grade mypackage.collector:DataCollector --scenario traditional"
        ),
    )
    parser.add_argument(
        "learner",
        metavar="MODULE:Class",
        help="your participant class: a module (importable from here) or a .py file, then :Class",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[scenario.name for scenario in SCENARIOS],
        help="grade only this scenario (repeatable; default all)",
    )


def grade_command(args: argparse.Namespace) -> int:
    """Grade the learner's class; print each scenario's result; exit 0 when all pass."""
    learner = load_participant_class(args.learner)
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    scenarios = [s for s in SCENARIOS if args.scenario is None or s.name in args.scenario]
    result = grade(learner, build_market=builder, learner=args.learner, scenarios=scenarios)
    for line in format_grade(result):
        print(line)
    return EXIT_OK if result.passed else EXIT_FAILED
