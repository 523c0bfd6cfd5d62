"""The ``market`` command line.

``market run`` runs a market (the built-in default one unless told otherwise),
narrates it, and ends with one outcome line per switching MPAN. Exit status: 0
when every MPAN completed, 1 when any is stuck, 2 for bad usage or input.

The default market is built by ``actors.markets:default_market``, loaded by
name so that ``market`` never imports ``actors`` directly: the dependency runs
one way, from participants to the kernel.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.table import Table

from market.exceptions import MarketError
from market.narration import Narrator, configure_logging
from market.scenario import MarketSetup
from market.simulation import RunResult, Simulation

#: ``module:function`` building the built-in default market.
DEFAULT_MARKET: Final = "actors.markets:default_market"

EXIT_COMPLETED: Final = 0
EXIT_STUCK: Final = 1
EXIT_USAGE: Final = 2


class UsageError(MarketError, ValueError):
    """The command line or an input file is wrong; the message says how to fix it."""


def load_object(reference: str) -> Any:
    """Import ``package.module:name`` and return the named object."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"{reference!r}: write it as package.module:Name")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError(f"{reference!r}: cannot import {module_name} ({error})") from error
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise UsageError(f"{reference!r}: {module_name} has no {attribute}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


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
    run = commands.add_parser(
        "run",
        help="run a market and narrate it",
        description=(
            "Run the built-in default market: migrated MPANs whose customers switch to a "
            "supplier that is not MHHS-qualified, so each switch becomes a reverse migration. "
            "Prints the messages as they are delivered (time, network, message, sender → "
            "recipient, MPAN, BPM step), then one outcome line per MPAN."
        ),
        epilog=(
            "Exit status: 0 every MPAN completed; 1 some MPAN is stuck; 2 bad usage or input. "
            "Example: market run --seed 7 --mpans 5 --journal run.jsonl"
        ),
    )
    run.add_argument(
        "--seed", type=_seed, default=1, help="scenario seed; same seed, same journal (default 1)"
    )
    run.add_argument(
        "--mpans", type=_positive, default=3, help="how many customers switch (default 3)"
    )
    run.add_argument(
        "--journal", type=Path, metavar="PATH", help="write the journal here as JSON lines"
    )
    run.add_argument(
        "--log-format",
        choices=("console", "json"),
        default="console",
        help="narration for people (console, default) or tools (json lines)",
    )
    run.add_argument("--quiet", action="store_true", help="no narration; outcome lines only")
    run.add_argument(
        "--verbose", action="store_true", help="also narrate participants' state changes and timers"
    )
    return parser


def _build_market(args: argparse.Namespace) -> MarketSetup:
    builder: Callable[..., MarketSetup] = load_object(DEFAULT_MARKET)
    return builder(seed=args.seed, mpans=args.mpans)


def _run(args: argparse.Namespace) -> int:
    if args.journal is not None and not args.journal.parent.is_dir():
        raise UsageError(f"--journal {args.journal}: folder {args.journal.parent} does not exist")
    setup = _build_market(args)
    simulation = Simulation(setup)
    logger = configure_logging(args.log_format)
    if not args.quiet:
        simulation.subscribe(Narrator(logger, verbose=args.verbose))
    result = simulation.run_sync()
    if args.journal is not None:
        _write_journal(result, args.journal)
    _report(result, args, logger)
    return EXIT_COMPLETED if result.all_completed else EXIT_STUCK


def _write_journal(result: RunResult, path: Path) -> None:
    try:
        with path.open("w", encoding="utf-8") as stream:
            result.journal.write(stream)
    except OSError as error:
        raise UsageError(f"--journal {path}: cannot write ({error.strerror})") from error


def _report(result: RunResult, args: argparse.Namespace, logger: Any) -> None:
    completed = sum(o.completed for o in result.outcomes)
    if args.log_format == "json":
        for outcome in result.outcomes:
            logger.info(
                "mpan_outcome_reported",
                at=result.statistics.stopped_at,
                mpan=outcome.mpan,
                completed=outcome.completed,
                last_step=outcome.last_step,
                waiting_for=outcome.waiting_for,
            )
        return
    console = Console(highlight=False)
    total = len(result.outcomes)
    table = Table(title=f"Outcome: {completed} of {total} reverse migrations completed")
    table.add_column("MPAN")
    table.add_column("outcome")
    table.add_column("steps", justify="right")
    table.add_column("stopped after / waiting for")
    for outcome in result.outcomes:
        table.add_row(
            outcome.mpan,
            "completed" if outcome.completed else "[bold red]stuck[/]",
            str(len(outcome.observed)),
            "" if outcome.completed else f"{outcome.last_step or '-'} / {outcome.waiting_for}",
        )
    console.print()
    console.print(table)
    console.print(
        f"Seed {args.seed}; {len(result.journal)} journal events; "
        f"{result.statistics.deliveries} deliveries in {result.statistics.batches} batches; "
        f"journal digest {result.journal.digest()[:16]}",
        soft_wrap=True,
    )
    if args.journal is not None:
        print(f"Journal written to {args.journal}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``market`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
    except UsageError as error:
        print(f"market {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_STUCK
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE  # pragma: no cover - parser.error exits


if __name__ == "__main__":
    sys.exit(main())
