"""``market check JOURNAL``: run the process checkers on a journal written earlier."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from market.checks import check_journal, format_verdict
from market.checks.decisions import decision_outcomes, format_decision_outcomes
from market.checks.verdict import NOTED_LINES_SHOWN
from market.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_scenario_options_argument,
    positive_int,
    scenario_options,
)
from market.kernel.exceptions import UsageError


def add_parser(commands: Any) -> None:
    """Register ``market check``."""
    check = commands.add_parser(
        "check",
        help="run the conformance, liveness and invariant checkers on a journal file",
        description=(
            "Read a journal written by 'market run --journal PATH' and judge it: per MPAN, "
            "which path it took (reverse migration T/A/S, legacy or MHHS change of supply, "
            "objection), missing, unexpected and out-of-order steps, where a stuck MPAN stopped "
            "and who owes the next message; liveness against the supply start date; and the "
            "run-wide invariants."
        ),
        epilog="Exit status: 0 all checks pass; 1 a check fails; 2 the file cannot be read.",
    )
    check.add_argument("journal", type=Path, metavar="JOURNAL", help="journal file (JSON lines)")
    check.add_argument(
        "--liveness-days",
        type=positive_int,
        default=10,
        help="working days after the supply start date by which each switch must end (default 10)",
    )
    check.add_argument(
        "--all",
        action="store_true",
        help="list every open dispute and manual intervention (by default the first "
        f"{NOTED_LINES_SHOWN} of each, then how many more)",
    )
    check.add_argument(
        "--decisions",
        action="store_true",
        help="also list every decision outcome of the process (D1-D19) and the MPANs whose "
        "messages show it, read from the journal alone (the exit status stays the verdict's)",
    )
    add_scenario_options_argument(check)


def read_journal(path: Path) -> list[dict[str, Any]]:
    """Every line of a journal file as a dict; errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from error
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}:{number}: not a JSON object ({error.msg})") from error
        if not isinstance(event, dict) or "kind" not in event or "seq" not in event:
            raise UsageError(f"{path}:{number}: not a journal event (needs 'seq' and 'kind')")
        events.append(event)
    if not events:
        raise UsageError(f"{path}: the journal is empty")
    return events


def check(args: argparse.Namespace) -> int:
    """Judge a journal file; print the verdict; exit 0 when every check passes."""
    events = read_journal(args.journal)
    verdict = check_journal(
        events, liveness_working_days=args.liveness_days, options=scenario_options(args.scenario)
    )
    for line in format_verdict(verdict, noted_limit=None if args.all else NOTED_LINES_SHOWN):
        print(line)
    if args.decisions:
        for line in format_decision_outcomes(decision_outcomes(events)):
            print(line)
    return EXIT_OK if verdict.ok else EXIT_FAILED
