"""``market explain --journal PATH --mpan MPAN``: one MPAN's story, told from a journal."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from market.cli.check import read_journal
from market.cli.common import EXIT_FAILED, EXIT_OK, add_scenario_options_argument, scenario_options
from market.kernel.exceptions import UsageError
from market.process.options import ProcessOptions
from market.teaching import Journey, explain_lines, journey_of


def add_journey_arguments(parser: argparse.ArgumentParser) -> None:
    """``--journal PATH --mpan MPAN``, shared by the commands that tell one MPAN's journey."""
    parser.add_argument(
        "--journal",
        type=Path,
        required=True,
        metavar="PATH",
        help="journal file written by 'market run --journal PATH'",
    )
    parser.add_argument(
        "--mpan", required=True, metavar="MPAN", help="the 13-digit MPAN core to follow"
    )
    add_scenario_options_argument(parser)


def add_parser(commands: Any) -> None:
    """Register ``market explain``."""
    explain = commands.add_parser(
        "explain",
        help="tell one MPAN's journey from a journal: every message with its reconstructed step",
        description=(
            "Tell one MPAN's story in order: every message with its simulated UK time, network, "
            "interface or D-flow and DIP event code, sender → recipient, the reconstructed step "
            "and what it means; each participant's state changes; injected faults. For an MPAN "
            "that did not finish: the step it stopped at, what it waits for and who owes it."
        ),
        epilog=(
            "Exit status: 0 the MPAN completed its path; 1 it did not; 2 bad usage or input. "
            "Example: market run --journal run.jsonl --quiet && "
            "market explain --journal run.jsonl --mpan 1935657896617"
        ),
    )
    add_journey_arguments(explain)


def journey_from(
    events: Sequence[Mapping[str, Any]],
    mpan: str,
    journal: Path,
    options: ProcessOptions | None = None,
) -> Journey:
    """``mpan``'s journey, or a usage error naming MPANs the journal does have."""
    known = sorted({str(e["mpan"]) for e in events if e.get("mpan") is not None})
    if mpan not in known:
        shown = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "")
        raise UsageError(
            f"--mpan {mpan}: {journal} never mentions it; MPANs in this journal: {shown or 'none'}"
        )
    return journey_of(events, mpan, options=options)


def explain(args: argparse.Namespace) -> int:
    """Print the MPAN's journey; exit 0 when it completed its path."""
    journey = journey_from(
        read_journal(args.journal), args.mpan, args.journal, scenario_options(args.scenario)
    )
    for line in explain_lines(journey):
        print(line)
    return EXIT_OK if journey.completed else EXIT_FAILED
