"""The ``market`` command line: parse, dispatch to :mod:`market.cli`, map errors to exits.

Exit status everywhere: 0 success, 1 the run or check found a failure, 2 bad
usage or input (with a message saying what was wrong and what to do).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from market.cli import (
    bench,
    check,
    diagram,
    explain,
    grade,
    report,
    run,
    serve,
    sweep,
    validate,
)
from market.cli.common import EXIT_FAILED, EXIT_USAGE
from market.kernel.exceptions import ScenarioError, UsageError

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": run.run,
    "check": check.check,
    "explain": explain.explain,
    "diagram": diagram.diagram,
    "report": report.report,
    "grade": grade.grade_command,
    "validate": validate.validate,
    "bench": bench.run_bench,
    "sweep": sweep.sweep_command,
    "serve": serve.serve_command,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ``market`` subcommand."""
    parser = argparse.ArgumentParser(
        prog="market",
        description=(
            "Simulate the GB electricity market's MHHS reverse migration (BPM-001 / BPM-003): "
            "independent participants exchange DIP messages, DTN D-flows and CSS events "
            "through one broker, and the process emerges from what each one does."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run.add_parser(commands)
    check.add_parser(commands)
    validate.add_parser(commands)
    explain.add_parser(commands)
    diagram.add_parser(commands)
    report.add_parser(commands)
    grade.add_parser(commands)
    bench.add_parser(commands)
    sweep.add_parser(commands)
    serve.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``market`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (UsageError, ScenarioError) as error:  # bad input, wherever it was found
        print(f"market {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
