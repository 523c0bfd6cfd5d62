"""``market report JOURNAL --html PATH``: the self-contained HTML run report of a journal."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from market.checks import check_journal
from market.cli.check import read_journal_file
from market.cli.common import EXIT_FAILED, EXIT_OK
from market.cli.diagram import write_text
from market.kernel.exceptions import UsageError
from market.teaching import render_report
from market.teaching.html_report import DEFAULT_MAX_DIAGRAMS


def add_parser(commands: Any) -> None:
    """Register ``market report``."""
    report = commands.add_parser(
        "report",
        help="write the self-contained HTML report of a journal (summary, verdict, diagrams)",
        description=(
            "Write one HTML file that works offline: run summary, conformance verdict, each "
            "MPAN's journey with its sequence diagram (inline SVG), statistics, and plots of "
            "messages over simulated time and of the latency distribution."
        ),
        epilog=(
            "Exit status: 0 written and every check passes; 1 written, but a check fails; "
            "2 bad usage or input. Example: market report run.jsonl --html report.html"
        ),
    )
    report.add_argument("journal", type=Path, metavar="JOURNAL", help="journal file (JSON lines)")
    report.add_argument(
        "--html", type=Path, required=True, metavar="PATH", help="where to write the report"
    )
    report.add_argument(
        "--max-diagrams",
        type=int,
        default=DEFAULT_MAX_DIAGRAMS,
        metavar="N",
        help=f"draw at most N journeys, stuck ones first (default {DEFAULT_MAX_DIAGRAMS})",
    )


def check_output_folder(path: Path, option: str) -> None:
    """A usage error before any work when ``path``'s folder does not exist."""
    if not path.parent.is_dir():
        raise UsageError(f"{option} {path}: folder {path.parent} does not exist")


def report(args: argparse.Namespace) -> int:
    """Write the report of ``JOURNAL``; exit 0 when its verdict is OK."""
    check_output_folder(args.html, "--html")
    journal = read_journal_file(args.journal)
    verdict = check_journal(journal.events)
    html = render_report(
        journal.events,
        verdict=verdict,
        title=f"Market run report: {args.journal.name}",
        # The digest of the event lines, as the run printed it (the closing record vouches).
        facts={
            "journal": str(args.journal),
            "journal digest": journal.digest[:16],
            "signing": journal.signing or "not recorded",
        },
        max_diagrams=args.max_diagrams,
    )
    write_text(args.html, html, "--html")
    print(f"Report written to {args.html}")
    return EXIT_OK if verdict.ok else EXIT_FAILED
