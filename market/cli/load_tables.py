"""The console tables of a load test, drawn from the same document ``--report`` writes.

Reading the JSON-ready document (not the measurements themselves) guarantees
the console and the report file never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from rich.console import Console
from rich.table import Table

#: How many participants the mailbox table lists (the deepest first).
MAILBOX_ROWS: Final = 10
_MINUTE: Final = 60
_HOUR: Final = 3600
_DAY: Final = 86400


def duration(seconds: float | None) -> str:
    """Simulated seconds for people: ``2 s``, ``5.0 min``, ``3.2 h``, ``4.1 d``."""
    if seconds is None:
        return "-"
    if seconds < _MINUTE:
        return f"{seconds:.0f} s"
    if seconds < _HOUR:
        return f"{seconds / _MINUTE:.1f} min"
    if seconds < _DAY:
        return f"{seconds / _HOUR:.1f} h"
    return f"{seconds / _DAY:.1f} d"


def _overview(document: Mapping[str, Any]) -> Table:
    profile = document["profile"]
    wall = document["wall_seconds"]
    throughput = document["throughput"]
    rms = document["reverse_migrations"]
    table = Table(
        title=(
            f"Load test {profile['name']}: {profile['working_days']} working day(s), "
            f"{profile['switches']:,} switches, {profile['population']:,} MPANs, "
            f"seed {profile['seed']}"
        ),
        show_header=False,
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("scale of the profile's rate", f"{profile['scale']:.4g}"),
        ("participants", f"{profile['participants']:,}"),
        (
            "wall time: build / run / judge",
            f"{wall['build']:.1f} s / {wall['run']:.1f} s / {wall['judge']:.1f} s",
        ),
        ("messages delivered", f"{document['messages']['delivered']:,}"),
        ("messages / s (run)", f"{throughput['messages_per_s']:,.0f}"),
        ("reverse migrations completed / started", f"{rms['completed']:,} / {rms['started']:,}"),
        (
            "reverse migrations completed / s (run)",
            f"{throughput['reverse_migrations_completed_per_s']:,.1f}",
        ),
        ("dead letters", f"{document['dead_letters']:,}"),
        ("journal events", f"{document['runtime']['journal_events']:,}"),
        (
            "peak memory: market built / end of run",
            f"{document['memory_mb']['after_build']:,.0f} MiB / "
            f"{document['memory_mb']['peak']:,.0f} MiB",
        ),
    ]
    per_rm = rms["messages_per_reverse_migration"]
    if per_rm["all"] is not None:
        rows.append(
            (
                "messages per reverse migration (DIP / DTN / CSS)",
                f"{per_rm['all']:.1f} ({per_rm['DIP']:.1f} / {per_rm['DTN']:.1f} / "
                f"{per_rm['CSS']:.1f})",
            )
        )
    not_simulated = profile["forward_migrations_per_working_day_not_simulated"]
    if not_simulated:
        rows.append(("forward migrations / working day (NOT simulated)", f"{not_simulated:,}"))
    for label, value in rows:
        table.add_row(label, value)
    return table


def _paths(document: Mapping[str, Any]) -> Table:
    table = Table(title="Switches by path")
    for column in ("path", "MPANs", "completed"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for path, count in document["outcomes"]["by_path"].items():
        table.add_row(path, f"{count['mpans']:,}", f"{count['completed']:,}")
    return table


def _latency(document: Mapping[str, Any]) -> Table:
    table = Table(title="Latency in simulated time")
    for column in ("what", "count", "p50", "p95", "p99", "max"):
        table.add_column(column, justify="left" if column == "what" else "right")
    latency = document["latency_seconds"]
    for prefix, group in (
        ("send → delivery", latency["delivery"]),
        ("switch → completion", latency["switch_to_completion"]),
    ):
        for name, summary in group.items():
            table.add_row(
                f"{prefix}, {name}",
                f"{summary['count']:,}",
                *(duration(summary[key]) for key in ("p50", "p95", "p99", "max")),
            )
    return table


def _counts(document: Mapping[str, Any]) -> Table:
    table = Table(title="Messages by interface, D-flow and CSS message")
    table.add_column("network")
    table.add_column("message")
    table.add_column("count", justify="right")
    messages = document["messages"]
    for network, key in (("DIP", "by_interface"), ("DTN", "by_flow"), ("CSS", "by_css_message")):
        for message, count in messages[key].items():
            table.add_row(network, message, f"{count:,}")
    return table


def _mailboxes(document: Mapping[str, Any]) -> Table:
    high_water = document["mailbox_high_water"]
    deepest = sorted(high_water.items(), key=lambda item: (-item[1], item[0]))[:MAILBOX_ROWS]
    table = Table(title=f"Mailbox high-water marks (deepest {len(deepest)} of {len(high_water)})")
    table.add_column("participant")
    table.add_column("messages in one batch", justify="right")
    for participant, depth in deepest:
        table.add_row(participant, f"{depth:,}")
    return table


def print_load_tables(console: Console, document: Mapping[str, Any]) -> None:
    """Print the load test's tables (overview, paths, latency, counts, mailboxes)."""
    for table in (_overview, _paths, _latency, _counts, _mailboxes):
        console.print(table(document))


def print_load_report(
    console: Console, document: Mapping[str, Any], verdict: Sequence[str]
) -> None:
    """Print the load test's tables, then the conformance verdict lines."""
    print_load_tables(console, document)
    console.print("Conformance:", soft_wrap=True)
    for line in verdict:
        console.print(f"  {line}", soft_wrap=True, markup=False)
