"""``market check JOURNAL``: run the process checkers on a journal written earlier.

The journal is a file (plain or gzip JSON lines) or a sharded journal folder
(:mod:`market.shards.manifest`). Reading trusts nothing in either: see
:mod:`market.cli.journal_reading`, whose names this module re-exports for the
commands and tests that read journals through it. A folder's shards are judged
one at a time, so a sharded run's journal is never held whole.
"""

from __future__ import annotations

import argparse
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
from market.cli.journal_reading import (
    JournalFile,
    event_problem,
    json_type,
    misplaced_number,
    read_journal,
    read_journal_file,
    read_shard,
)
from market.kernel.exceptions import UsageError
from market.shards.manifest import Manifest, ShardEntry, shard_paths, sharded_manifest

#: Re-exported: the commands and tests that read journals import them from here.
__all__ = [
    "JournalFile",
    "add_parser",
    "check",
    "event_problem",
    "json_type",
    "misplaced_number",
    "read_journal",
    "read_journal_file",
]


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
        epilog=(
            "Exit status: 0 all checks pass (every shard's, for a folder); 1 a check fails; 2 "
            "the file cannot be read, or is not a whole journal (no closing record, or lines "
            "other than those it vouches for), or a folder's manifest or shards do not agree "
            "(a shard file it does not vouch for, an MPAN in two shards)."
        ),
    )
    check.add_argument(
        "journal",
        type=Path,
        metavar="JOURNAL",
        help="a journal file (JSON lines, plain or gzip), or a sharded journal folder (its "
        "manifest.json and shard-NNN.jsonl.gz files, as 'market run --shards N' writes them)",
    )
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


def check(args: argparse.Namespace) -> int:
    """Judge a journal file or sharded folder; print the verdict; exit 0 when every check passes."""
    manifest = sharded_manifest(args.journal)
    if manifest is not None:
        return _check_sharded(args, manifest)
    events = read_journal(args.journal)
    ok, lines = _judge(args, events)
    for line in lines:
        print(line)
    return EXIT_OK if ok else EXIT_FAILED


def _judge(args: argparse.Namespace, events: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    """Whether ``events`` pass every check, and the lines that say so."""
    verdict = check_journal(
        events, liveness_working_days=args.liveness_days, options=scenario_options(args.scenario)
    )
    lines = format_verdict(verdict, noted_limit=None if args.all else NOTED_LINES_SHOWN)
    if args.decisions:
        lines += format_decision_outcomes(decision_outcomes(events))
    return verdict.ok, lines


def _check_sharded(args: argparse.Namespace, manifest: Manifest) -> int:
    """Judge each shard in turn (``shard N: `` before its lines), then the whole run."""
    holders: dict[str, int] = {}
    failed = [
        entry.index
        for entry, path in zip(manifest.shards, shard_paths(args.journal, manifest), strict=True)
        if not _check_shard(args, entry, path, holders)
    ]
    total = f"shards: {len(manifest.shards)}"
    if failed:
        outcome = f"FAILED ({total}, failed: {', '.join(map(str, failed))})"
    else:
        outcome = f"OK ({total})"
    print(f"verdict: {outcome}; journal digest {manifest.digest[:16]}")
    return EXIT_FAILED if failed else EXIT_OK


def _check_shard(
    args: argparse.Namespace, entry: ShardEntry, path: Path, holders: dict[str, int]
) -> bool:
    """Judge one shard and print its lines; ``holders`` maps each MPAN seen to its shard.

    Its own frame, so one shard's journal is let go before the next one is read.
    """
    events = read_shard(path, entry).events
    mpans = {str(event["mpan"]) for event in events if event.get("mpan") is not None}
    shared = sorted(mpans.intersection(holders))
    if shared:
        raise UsageError(
            f"{path}: MPAN {shared[0]} is in shard {holders[shared[0]]} too "
            f"({len(shared)} shared in all): the shards of a sharded journal hold disjoint MPANs"
        )
    holders.update(dict.fromkeys(mpans, entry.index))
    ok, lines = _judge(args, events)
    for line in lines:
        print(f"shard {entry.index}: {line}")
    return ok
