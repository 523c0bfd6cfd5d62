"""``market explain --journal PATH --mpan MPAN``: one MPAN's story, told from a journal."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from market.cli.common import EXIT_FAILED, EXIT_OK, add_scenario_options_argument, scenario_options
from market.cli.journal_reading import read_journal, read_shard
from market.kernel.exceptions import UsageError
from market.process.options import ProcessOptions
from market.shards.manifest import Manifest, ShardEntry, shard_paths, sharded_manifest
from market.teaching import Journey, explain_lines, journey_of

#: How many MPANs a refusal of an unknown ``--mpan`` names.
MPANS_SHOWN: Final = 10


def add_journey_arguments(parser: argparse.ArgumentParser, *, folders: bool = False) -> None:
    """``--journal PATH --mpan MPAN``, shared by the commands that tell one MPAN's journey.

    ``folders``: the command also reads a sharded journal folder, and says so.
    """
    parser.add_argument(
        "--journal",
        type=Path,
        required=True,
        metavar="PATH",
        help="journal file written by 'market run --journal PATH'"
        + (
            " (plain or gzip), or a sharded journal folder ('market run --shards N --journal DIR')"
            if folders
            else ""
        ),
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
    add_journey_arguments(explain, folders=True)


def journey_from(
    events: Sequence[Mapping[str, Any]],
    mpan: str,
    journal: Path,
    options: ProcessOptions | None = None,
) -> Journey:
    """``mpan``'s journey, or a usage error naming MPANs the journal does have."""
    known = sorted({str(e["mpan"]) for e in events if e.get("mpan") is not None})
    if mpan not in known:
        shown = ", ".join(known[:MPANS_SHOWN]) + (" ..." if len(known) > MPANS_SHOWN else "")
        raise UsageError(
            f"--mpan {mpan}: {journal} never mentions it; MPANs in this journal: {shown or 'none'}"
        )
    return journey_of(events, mpan, options=options)


def explain(args: argparse.Namespace) -> int:
    """Print the MPAN's journey (first its shard, for a folder); exit 0 when it completed."""
    manifest = sharded_manifest(args.journal)
    if manifest is None:
        events = read_journal(args.journal)
    else:
        events = _shard_events(args.journal, manifest, args.mpan)
    journey = journey_from(events, args.mpan, args.journal, scenario_options(args.scenario))
    for line in explain_lines(journey):
        print(line)
    return EXIT_OK if journey.completed else EXIT_FAILED


def _shard_events(folder: Path, manifest: Manifest, mpan: str) -> list[dict[str, Any]]:
    """The events of the first shard that mentions ``mpan``, its shard said first; else a
    usage error naming MPANs the folder does hold. Reads one shard at a time."""
    known: set[str] = set()
    for entry, path in zip(manifest.shards, shard_paths(folder, manifest), strict=True):
        events = _events_mentioning(path, entry, mpan, known)
        if events is not None:
            print(f"MPAN {mpan} is in shard {entry.index} ({path})")
            return events
    shown = sorted(known)
    listed = ", ".join(shown[:MPANS_SHOWN]) + (" ..." if len(shown) > MPANS_SHOWN else "")
    raise UsageError(
        f"--mpan {mpan}: no shard of {folder} mentions it; MPANs in this sharded journal: "
        f"{listed or 'none'}"
    )


def _events_mentioning(
    path: Path, entry: ShardEntry, mpan: str, known: set[str]
) -> list[dict[str, Any]] | None:
    """The shard's events if they mention ``mpan``; else ``None``, a few of its MPANs in ``known``.

    Its own frame, so a shard that does not hold the MPAN is let go before the next is read.
    """
    events = read_shard(path, entry).events
    mpans = {str(e["mpan"]) for e in events if e.get("mpan") is not None}
    if mpan in mpans:
        return events
    known.update(sorted(mpans)[: MPANS_SHOWN + 1])
    return None
