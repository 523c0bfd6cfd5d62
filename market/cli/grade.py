"""``market grade MODULE:Class``: run the exercise scenarios against a learner's data collector."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from market.cli.common import EXIT_FAILED, EXIT_OK, UsageError, load_object
from market.cli.run import MARKET_BUILDER
from market.participant import Participant
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


def load_participant_class(reference: str) -> type[Participant]:
    """The class ``reference`` names: ``package.module:Class`` or ``path/to/file.py:Class``.

    Like ``python -m``, the current folder is importable, so a learner's module
    next to where they run the command is found.
    """
    module_part, _, name = reference.rpartition(":")
    if not module_part or not name:
        raise UsageError(f"{reference!r}: write it as package.module:Class or file.py:Class")
    if module_part.endswith(".py"):
        path = Path(module_part)
        if not path.is_file():
            raise UsageError(f"{reference!r}: there is no file {path}")
        spec = importlib.util.spec_from_file_location(f"learner_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise UsageError(f"{reference!r}: cannot load {path} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        found = getattr(module, name, None)
        if found is None:
            raise UsageError(f"{reference!r}: {path} has no {name}")
    else:
        if "" not in sys.path and str(Path.cwd()) not in sys.path:
            sys.path.insert(0, str(Path.cwd()))
        found = load_object(reference)
    if not (isinstance(found, type) and issubclass(found, Participant)):
        raise UsageError(
            f"{reference!r} is not a participant class: subclass market.participant.Participant"
        )
    return found


def grade_command(args: argparse.Namespace) -> int:
    """Grade the learner's class; print each scenario's result; exit 0 when all pass."""
    learner = load_participant_class(args.learner)
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    scenarios = [s for s in SCENARIOS if args.scenario is None or s.name in args.scenario]
    result = grade(learner, build_market=builder, learner=args.learner, scenarios=scenarios)
    for line in format_grade(result):
        print(line)
    return EXIT_OK if result.passed else EXIT_FAILED
