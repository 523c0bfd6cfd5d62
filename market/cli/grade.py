"""``market grade MODULE:Class``: run the exercise scenarios against a learner's data collector."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from market.byo.loading import load_object, load_participant_class
from market.cli.common import EXIT_FAILED, EXIT_OK
from market.cli.run import MARKET_BUILDER
from market.kernel.exceptions import UsageError
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec, load_scenario
from market.tools.grading import DATA_COLLECTOR, SCENARIOS, GradingScenario, format_grade, grade


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
        metavar="NAME|FILE.toml",
        help=(
            "grade only this scenario (repeatable; default all): one of "
            f"{', '.join(scenario.name for scenario in SCENARIOS)}, or a scenario file of "
            "your own (its [participants] play their parts; yours plays "
            f"{DATA_COLLECTOR})"
        ),
    )


def chosen_scenarios(choices: list[str] | None) -> list[GradingScenario]:
    """The built-in scenarios named in ``choices`` and the scenario files it lists, in order."""
    if choices is None:
        return list(SCENARIOS)
    named = {scenario.name: scenario for scenario in SCENARIOS}
    chosen = []
    for choice in choices:
        if choice.endswith(".toml"):
            path = Path(choice)
            spec = load_scenario(path)
            chosen.append(
                GradingScenario(name=path.stem, exercises="-", title=str(path), spec=spec)
            )
        elif choice in named:
            chosen.append(named[choice])
        else:
            raise UsageError(
                f"--scenario {choice!r}: no such scenario; use one of {', '.join(named)} "
                "or a .toml scenario file"
            )
    return chosen


def grade_command(args: argparse.Namespace) -> int:
    """Grade the learner's class; print each scenario's result; exit 0 when all pass."""
    learner = load_participant_class(args.learner)
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    scenarios = chosen_scenarios(args.scenario)
    result = grade(learner, build_market=builder, learner=args.learner, scenarios=scenarios)
    for line in format_grade(result):
        print(line)
    return EXIT_OK if result.passed else EXIT_FAILED
