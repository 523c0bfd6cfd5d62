"""``market diagram --journal PATH --mpan MPAN --format mermaid|svg``: one MPAN, drawn."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from market.cli.check import read_journal
from market.cli.common import EXIT_OK, scenario_options
from market.cli.explain import add_journey_arguments, journey_from
from market.kernel.exceptions import UsageError
from market.teaching import journey_mermaid, journey_svg


def add_parser(commands: Any) -> None:
    """Register ``market diagram``."""
    diagram = commands.add_parser(
        "diagram",
        help="draw one MPAN's journey as a sequence diagram (Mermaid text or standalone SVG)",
        description=(
            "Draw one MPAN's journey as a sequence diagram: a swim lane per participant, grouped "
            "MHHS / Central / Legacy; arrows labelled with the reconstructed step, message id and "
            "DIP event code; DIP submissions and publications dashed, DTN flows solid, CSS "
            "messages with open heads; lost messages crossed, duplicates marked, crashes as bars "
            "on the lane."
        ),
        epilog=(
            "Exit status: 0 written; 2 bad usage or input. Examples: market diagram --journal "
            "run.jsonl --mpan 1935657896617 (Mermaid to standard output); add --format svg "
            "--output journey.svg for a drawing that opens in any browser and prints."
        ),
    )
    add_journey_arguments(diagram)
    diagram.add_argument(
        "--format",
        choices=("mermaid", "svg"),
        default="mermaid",
        help="Mermaid sequenceDiagram text (default) or a standalone SVG drawing",
    )
    diagram.add_argument(
        "--output", type=Path, metavar="PATH", help="write here instead of standard output"
    )


def write_text(path: Path, text: str, option: str) -> None:
    """Write ``text`` to ``path``; a usage error names ``option`` when the path is not writable."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot write ({error.strerror})") from error


def diagram(args: argparse.Namespace) -> int:
    """Draw the MPAN's journey in the chosen format, to standard output or ``--output``."""
    journey = journey_from(
        read_journal(args.journal), args.mpan, args.journal, scenario_options(args.scenario)
    )
    text = journey_mermaid(journey) if args.format == "mermaid" else journey_svg(journey) + "\n"
    if args.output is None:
        print(text, end="")
    else:
        write_text(args.output, text, "--output")
        print(f"Diagram of MPAN {args.mpan} written to {args.output}")
    return EXIT_OK
