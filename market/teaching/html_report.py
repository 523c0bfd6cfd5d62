"""The run report: one self-contained HTML file that works offline and prints.

Sections: run summary; conformance verdict (the checkers' lines and a table per
MPAN); each MPAN's journey with its sequence diagram (inline SVG) and its
explanation; statistics; plots (messages over simulated time, latency
distribution). No script, no external stylesheet, font or image: everything
is in the file, so it can be mailed, archived with the journal, or opened on a
machine with no network. The same journal always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any, Final

from market.checks import Verdict, check_journal, format_verdict
from market.teaching.explain import explain_lines, format_instant
from market.teaching.journey import PATH_DESCRIPTIONS, Journey, journeys
from market.teaching.plots import latency_svg, messages_over_time_svg
from market.teaching.svg import journey_svg
from market.teaching.tallies import Tallies, format_seconds, latencies, tally

#: Diagrams drawn at most; a big run lists every MPAN but draws the stuck ones and the first others.
DEFAULT_MAX_DIAGRAMS: Final = 50

_STYLE: Final = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 24px;
       color: #212121; background: #ffffff; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px;
     border-bottom: 2px solid #e0e0e0; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.number { text-align: right; }
.ok { color: #1b5e20; font-weight: bold; } .failed { color: #b71c1c; font-weight: bold; }
.stuck { color: #b71c1c; } pre { font-size: 12px; background: #fafafa; padding: 8px;
  border: 1px solid #eeeeee; overflow-x: auto; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: bold; }
.diagram { overflow-x: auto; } .plots svg { margin: 8px 16px 8px 0; }
@media print { details { page-break-inside: avoid; } .diagram svg { max-width: 100%;
  height: auto; } }
"""


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], *, numeric: int = 0) -> str:
    """An HTML table; the last ``numeric`` columns are right-aligned numbers."""
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            css = ' class="number"' if index >= len(row) - numeric else ""
            cells.append(f"<td{css}>{cell if isinstance(cell, _Html) else escape(str(cell))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{header}</tr>{''.join(body)}</table>"


class _Html(str):
    """Text already escaped (a link), to put in a table cell as it is."""

    __slots__ = ()


def _anchor(mpan: str) -> str:
    return f"mpan-{mpan}"


def _summary(verdict: Verdict, counts: Tallies, facts: Mapping[str, str]) -> str:
    rows: list[tuple[str, object]] = [
        ("journal events", counts.events),
        ("MPANs checked", len(verdict.conformance)),
        ("completed", verdict.completed),
        ("stuck", verdict.stuck),
    ]
    if counts.first_at and counts.last_at:
        rows.append(("simulated from", _when(counts.first_at)))
        rows.append(("simulated to", _when(counts.last_at)))
    rows.extend((name, value) for name, value in facts.items())
    paths = [
        (
            count.path or "undecided",
            PATH_DESCRIPTIONS.get(count.path or "", ""),
            count.completed,
            count.stuck,
        )
        for count in verdict.path_counts
    ]
    faults = (
        _table(("fault event", "count"), counts.faults, numeric=1)
        if counts.faults
        else "<p>No fault was injected.</p>"
    )
    return (
        '<section id="summary"><h2>Run summary</h2>'
        + _table(("", ""), rows)
        + "<h3>Paths</h3>"
        + _table(("path", "what it is", "completed", "stuck"), paths, numeric=2)
        + "<h3>Injected faults</h3>"
        + faults
        + "</section>"
    )


def _when(at: str) -> str:
    return format_instant(datetime.fromisoformat(at))


def _verdict(verdict: Verdict, stories: Mapping[str, Journey]) -> str:
    badge = '<span class="ok">OK</span>' if verdict.ok else '<span class="failed">FAILED</span>'
    rows = []
    for report in verdict.conformance:
        journey = stories.get(report.mpan)
        waiting = " and ".join(p.describe() for p in report.waiting_for)
        link = _Html(f'<a href="#{_anchor(report.mpan)}">{escape(report.mpan)}</a>')
        outcome = "completed" if report.completed else "stuck"
        rows.append(
            (
                link if journey is not None else report.mpan,
                report.path or "undecided",
                outcome if report.conforms or not report.completed else "completed, with problems",
                "" if report.completed else f"{report.last_step or '-'} / {waiting}",
                len(report.observed),
            )
        )
    return (
        f'<section id="verdict"><h2>Conformance verdict: {badge}</h2>'
        f"<pre>{escape(chr(10).join(format_verdict(verdict, noted_limit=None)))}</pre>"
        + _table(
            ("MPAN", "path", "outcome", "stopped after / waiting for", "steps"), rows, numeric=1
        )
        + "</section>"
    )


def _journeys(stories: Mapping[str, Journey], max_diagrams: int) -> str:
    ordered = sorted(stories.values(), key=lambda j: (j.completed, j.mpan))
    drawn = {j.mpan for j in ordered[:max_diagrams]}
    parts = ['<section id="journeys"><h2>MPAN journeys</h2>']
    if len(drawn) < len(stories):
        parts.append(
            f"<p>Diagrams for {len(drawn)} of {len(stories)} MPANs (stuck ones first); "
            "draw any other with <code>market diagram --journal PATH --mpan MPAN</code>.</p>"
        )
    first = True
    for mpan in sorted(stories):
        journey = stories[mpan]
        if mpan not in drawn:
            continue
        css = "" if journey.completed else ' class="stuck"'
        parts.append(
            f'<details id="{_anchor(mpan)}"{" open" if first else ""}>'
            f"<summary{css}>MPAN {escape(mpan)}: {escape(journey.describe_outcome())}</summary>"
            f'<div class="diagram">{journey_svg(journey, id_prefix="report")}</div>'
            f"<pre>{escape(chr(10).join(explain_lines(journey)))}</pre></details>"
        )
        first = False
    parts.append("</section>")
    return "".join(parts)


def _statistics(counts: Tallies) -> str:
    latency_rows = [
        (
            s.network,
            s.count,
            format_seconds(s.median),
            format_seconds(s.p95),
            format_seconds(s.maximum),
        )
        for s in counts.latency
    ]
    return (
        '<section id="statistics"><h2>Statistics</h2>'
        "<h3>Deliveries by network</h3>"
        + _table(("network", "messages delivered"), counts.deliveries_by_network, numeric=1)
        + "<h3>Latency (simulated time, send to delivery)</h3>"
        + _table(
            ("network", "deliveries", "median", "95th percentile", "maximum"),
            latency_rows,
            numeric=3,
        )
        + "<h3>Messages by interface, flow and event code</h3>"
        + _table(("message", "delivered"), counts.messages, numeric=1)
        + "<h3>Participants</h3>"
        + _table(("participant", "sent", "received"), counts.participants, numeric=2)
        + "<h3>Journal events by kind</h3>"
        + _table(("kind", "events"), counts.kinds, numeric=1)
        + "</section>"
    )


def render_report(
    events: Sequence[Mapping[str, Any]],
    *,
    title: str = "Market run report",
    verdict: Verdict | None = None,
    facts: Mapping[str, str] | None = None,
    max_diagrams: int = DEFAULT_MAX_DIAGRAMS,
) -> str:
    """The whole report for a journal, as one HTML document.

    ``verdict`` defaults to :func:`market.checks.check_journal` of the events
    (pass the run's own when it knows which MPANs should have switched);
    ``facts`` are extra summary rows (seed, journal digest, deliveries ...).
    """
    verdict = verdict if verdict is not None else check_journal(events)
    counts = tally(events)
    stories = journeys(events)
    checked = {report.mpan for report in verdict.conformance}
    stories = {mpan: j for mpan, j in stories.items() if mpan in checked}
    plots = (
        '<section id="plots" class="plots"><h2>Plots</h2>'
        + messages_over_time_svg(events)
        + latency_svg(found=latencies(events))
        + "</section>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        "<p>Everything below is computed from the run's journal alone: the same journal "
        "always gives the same report.</p>"
        + _summary(verdict, counts, facts or {})
        + _verdict(verdict, stories)
        + _journeys(stories, max_diagrams)
        + _statistics(counts)
        + plots
        + "</body></html>\n"
    )
