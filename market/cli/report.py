"""``market report JOURNAL --html PATH``: the self-contained HTML run report of a journal.

For a sharded journal folder ``PATH`` is a folder: one report per shard
(``PATH/shard-000/report.html`` ...), each written as for a journal file and
from one shard's journal at a time, and ``PATH/index.html`` listing them.
"""

from __future__ import annotations

import argparse
import html
from pathlib import Path
from typing import Any, Final

import attrs

from market.checks import check_journal
from market.cli.common import EXIT_FAILED, EXIT_OK
from market.cli.diagram import write_text
from market.cli.journal_reading import JournalFile, read_journal_file, read_shard
from market.kernel.exceptions import UsageError
from market.shards.manifest import Manifest, ShardEntry, shard_name, shard_paths, sharded_manifest
from market.teaching import render_report
from market.teaching.html_report import DEFAULT_MAX_DIAGRAMS

#: Each shard's report inside the ``--html`` folder of a sharded journal.
SHARD_REPORT: Final = "report.html"
#: The page listing a sharded journal's shard reports.
INDEX: Final = "index.html"


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
    report.add_argument(
        "journal",
        type=Path,
        metavar="JOURNAL",
        help="a journal file (JSON lines, plain or gzip), or a sharded journal folder",
    )
    report.add_argument(
        "--html",
        type=Path,
        required=True,
        metavar="PATH",
        help="where to write the report; for a sharded journal folder, a folder to create (or "
        f"an empty one) for PATH/shard-NNN/{SHARD_REPORT} and PATH/{INDEX}",
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
    """Write the report of ``JOURNAL`` (file or sharded folder); exit 0 when its verdict is OK."""
    check_output_folder(args.html, "--html")
    manifest = sharded_manifest(args.journal)
    if manifest is not None:
        return _report_sharded(args, manifest)
    ok = _write_report(
        read_journal_file(args.journal),
        args.html,
        title=f"Market run report: {args.journal.name}",
        facts={"journal": str(args.journal)},
        max_diagrams=args.max_diagrams,
    )
    print(f"Report written to {args.html}")
    return EXIT_OK if ok else EXIT_FAILED


def _write_report(
    journal: JournalFile,
    path: Path,
    *,
    title: str,
    facts: dict[str, str],
    max_diagrams: int,
) -> bool:
    """Judge ``journal``, write its report to ``path``; whether its verdict is OK."""
    verdict = check_journal(journal.events)
    page = render_report(
        journal.events,
        verdict=verdict,
        title=title,
        # The digest of the event lines, as the run printed it (the closing record vouches).
        facts={
            **facts,
            "journal digest": journal.digest[:16],
            "signing": journal.signing or "not recorded",
        },
        max_diagrams=max_diagrams,
    )
    write_text(path, page, "--html")
    return verdict.ok


@attrs.frozen(kw_only=True)
class _ShardRow:
    """One shard's line in the index: its entry, where its report is, and its verdict."""

    entry: ShardEntry
    link: str
    ok: bool


def _report_sharded(args: argparse.Namespace, manifest: Manifest) -> int:
    """One report per shard, read one shard at a time, then the index; exit 0 when all are OK."""
    folder: Path = args.html
    _make_report_folder(folder)
    paths = shard_paths(args.journal, manifest)
    rows = []
    for entry, path in zip(manifest.shards, paths, strict=True):
        link = f"{shard_name(entry.index)}/{SHARD_REPORT}"
        (folder / shard_name(entry.index)).mkdir(exist_ok=True)
        ok = _write_report(
            read_shard(path, entry),
            folder / link,
            title=f"Market run report: {args.journal.name}, shard {entry.index}",
            facts={
                "journal": str(path),
                "shard": f"{entry.index} of {len(manifest.shards)} (seed {entry.seed})",
            },
            max_diagrams=args.max_diagrams,
        )
        rows.append(_ShardRow(entry=entry, link=link, ok=ok))
    write_text(folder / INDEX, _index_html(args.journal.name, manifest, rows), "--html")
    print(f"Report written to {folder / INDEX} (shards: {len(rows)}, one report each beside it)")
    return EXIT_OK if all(row.ok for row in rows) else EXIT_FAILED


def _make_report_folder(folder: Path) -> None:
    """Create ``folder`` for a sharded journal's reports, or take it when it exists empty."""
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(
            f"--html {folder}: not empty; for a sharded journal folder --html names a folder "
            "to create (or an empty one) for the shards' reports"
        )
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--html {folder}: cannot create the folder for the shards' reports "
            f"({error.strerror}); for a sharded journal folder --html names a folder"
        ) from error


def _index_html(name: str, manifest: Manifest, rows: list[_ShardRow]) -> str:
    """The index page of a sharded journal's reports: each shard, its verdict, and a link."""
    failed = sum(not row.ok for row in rows)
    verdict = f"FAILED ({failed} of {len(rows)} shards)" if failed else "OK"
    body = "".join(
        f"<tr><td>{row.entry.index}</td>"
        f'<td><a href="{html.escape(row.link)}">{html.escape(row.entry.file)}</a></td>'
        f"<td>{row.entry.seed}</td><td>{row.entry.events}</td>"
        f"<td><code>{row.entry.digest[:16]}</code></td>"
        f'<td class="{"ok" if row.ok else "failed"}">{"OK" if row.ok else "FAILED"}</td></tr>'
        for row in rows
    )
    title = html.escape(f"Sharded run report: {name}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
        ".ok{color:#176b2c}.failed{color:#b00020;font-weight:bold}"
        f"</style></head><body><h1>{title}</h1>"
        f"<p>Verdict: {verdict}; journal digest <code>{manifest.digest[:16]}</code></p>"
        "<table><tr><th>shard</th><th>journal</th><th>seed</th><th>events</th>"
        f"<th>digest</th><th>verdict</th></tr>{body}</table></body></html>\n"
    )
