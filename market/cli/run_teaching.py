"""The teaching options of ``market run``: ``--step`` (pause at each message) and ``--html``.

Kept apart from :mod:`market.cli.run` so that command stays about running
and reporting on the console; ``run`` calls these at four points: adding the
options, checking them before the run, subscribing the stepper, and writing
the report after it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from market.cli.common import EXIT_OK
from market.cli.diagram import write_text
from market.cli.report import check_output_folder
from market.messages.rendering import render_payload
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import RunResult, Simulation, journal_dicts
from market.teaching import QuitRequestedError, Stepper, render_report


def add_options(run: argparse._ArgumentGroup) -> None:
    """Add ``--step`` and ``--html PATH`` to ``market run``."""
    run.add_argument(
        "--step",
        action="store_true",
        help=(
            "step mode: after each delivered message, say what it means and wait "
            "(Enter goes on, q quits); without a terminal it explains but does not pause"
        ),
    )
    run.add_argument(
        "--html",
        type=Path,
        metavar="PATH",
        help="also write the self-contained HTML run report (as 'market report' does)",
    )


def check_options(args: argparse.Namespace) -> None:
    """Refuse an ``--html`` path whose folder does not exist, before the run starts."""
    if args.html is not None:
        check_output_folder(args.html, "--html")


def subscribe_stepper(simulation: Simulation, args: argparse.Namespace) -> None:
    """With ``--step``, explain every message; pause only when standard input is a terminal."""
    if not args.step:
        return
    interactive = sys.stdin is not None and sys.stdin.isatty()
    simulation.subscribe(
        Stepper(
            out=sys.stdout,
            read_line=sys.stdin.readline if interactive else None,
            render_payload=render_payload,
        )
    )


def stopped(request: QuitRequestedError) -> int:
    """The reader quit step mode: say so; it is not a failure, so exit 0."""
    print(f"\n{request}; no verdict, the run did not finish.")
    return EXIT_OK


def write_run_report(
    result: RunResult, spec: ScenarioSpec, args: argparse.Namespace, *, signing: str
) -> None:
    """With ``--html PATH``, write the run's report there (console mode also says where)."""
    if args.html is None:
        return
    facts = {
        "seed": str(spec.seed),
        "deliveries": f"{result.statistics.deliveries} in {result.statistics.batches} batches",
        "journal digest": result.journal.digest()[:16],
        "signing": signing,
    }
    html = render_report(
        journal_dicts(result.journal),
        title=f"Market run report: seed {spec.seed}, {len(result.outcomes)} MPANs",
        verdict=result.verdict,
        facts=facts,
    )
    write_text(args.html, html, "--html")
    if args.log_format == "console":
        print(f"HTML report written to {args.html}")
