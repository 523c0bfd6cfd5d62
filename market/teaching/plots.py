"""Plots of a run as standalone SVG: messages over simulated time, and the latency distribution.

Both are bar charts drawn by hand (no plotting library, no script), stacked or
grouped by network in the colours of the sequence diagrams, so the report
stays one self-contained file that prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from html import escape
from typing import Any, Final

from market.kernel.local_time import to_local
from market.teaching.svg import FONT, STYLES
from market.teaching.tallies import NETWORKS, Latency, is_delivery, latencies

WIDTH: Final = 760
HEIGHT: Final = 260
LEFT: Final = 56
RIGHT: Final = 16
TOP: Final = 36
BOTTOM: Final = 58
COLOURS: Final = {
    "DIP": STYLES["dip-publication"][0],
    "DTN": STYLES["dtn"][0],
    "CSS": STYLES["css"][0],
    "OUTSIDE": STYLES["outside"][0],
}
#: Candidate bucket widths for the time axis, finest first; the first giving ≤ 72 bars wins.
BUCKETS: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=7),
)
#: Latency bins: upper bounds in seconds and their labels.
LATENCY_BINS: Final = (
    (1.0, "≤1 s"),
    (2.0, "≤2 s"),
    (5.0, "≤5 s"),
    (10.0, "≤10 s"),
    (30.0, "≤30 s"),
    (60.0, "≤1 min"),
    (120.0, "≤2 min"),
    (300.0, "≤5 min"),
    (900.0, "≤15 min"),
    (3600.0, "≤1 h"),
    (21600.0, "≤6 h"),
    (86400.0, "≤1 d"),
    (float("inf"), ">1 d"),
)


def _frame(title: str, css_class: str, body: str, legend: Iterable[str]) -> str:
    keys = []
    x = float(LEFT)
    for network in legend:
        keys.append(
            f'<rect x="{x:.0f}" y="{HEIGHT - 18}" width="10" height="10" '
            f'fill="{COLOURS[network]}"/>'
            f'<text x="{x + 14:.0f}" y="{HEIGHT - 9}" font-size="11">{network}</text>'
        )
        x += 30 + 8 * len(network)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot {css_class}" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        f'<text x="{LEFT}" y="20" font-size="13" font-weight="bold">{escape(title)}</text>'
        + body
        + "".join(keys)
        + "</svg>"
    )


def _empty(title: str, css_class: str, why: str) -> str:
    body = f'<text x="{LEFT}" y="{TOP + 40}" font-size="12" fill="#616161">{escape(why)}</text>'
    return _frame(title, css_class, body, ())


def _axis(maximum: int) -> str:
    plot_height = HEIGHT - TOP - BOTTOM
    parts = [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#424242"/>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#424242"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = round(maximum * fraction)
        y = HEIGHT - BOTTOM - plot_height * (value / maximum if maximum else 0)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{value}</text>'
            f'<line x1="{LEFT - 3}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#424242"/>'
        )
    return "".join(parts)


def _bucket_width(first: datetime, last: datetime) -> timedelta:
    span = last - first
    for width in BUCKETS:
        if span / width <= 72:
            return width
    return BUCKETS[-1]


def messages_over_time_svg(events: Sequence[Mapping[str, Any]]) -> str:
    """Delivered messages per simulated time bucket, stacked by network."""
    title = "Messages delivered over simulated time"
    deliveries = [e for e in events if is_delivery(e)]
    if not deliveries:
        return _empty(title, "messages-over-time", "No message was delivered.")
    instants = [datetime.fromisoformat(str(e["at"])) for e in deliveries]
    first, last = min(instants), max(instants)
    width = _bucket_width(first, last)
    buckets = int((last - first) / width) + 1
    counts: list[dict[str, int]] = [{} for _ in range(buckets)]
    for event, at in zip(deliveries, instants, strict=True):
        network = str(event.get("network"))
        index = int((at - first) / width)
        counts[index][network] = counts[index].get(network, 0) + 1
    tallest = max(sum(bucket.values()) for bucket in counts)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    bar = plot_width / buckets
    parts = [_axis(tallest)]
    for index, bucket in enumerate(counts):
        y = float(HEIGHT - BOTTOM)
        start = first + width * index
        tip = f"{to_local(start):%a %d %b %H:%M}: " + ", ".join(
            f"{n} {bucket[n]}" for n in NETWORKS if n in bucket
        )
        for network in (n for n in NETWORKS if n in bucket):
            height = plot_height * bucket[network] / tallest
            y -= height
            parts.append(
                f'<rect class="bar" x="{LEFT + bar * index + 0.5:.1f}" y="{y:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{height:.1f}" fill="{COLOURS[network]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
    for index in range(0, buckets, max(1, buckets // 6)):
        x = LEFT + bar * index
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10">'
            f"{to_local(first + width * index):%d %b %H:%M}</text>"
        )
    unit = (
        f"bars of {int(width.total_seconds() // 60)} min"
        if width < timedelta(hours=1)
        else (f"bars of {int(width.total_seconds() // 3600)} h")
    )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - BOTTOM + 28}" font-size="10" text-anchor="end" '
        f'fill="#616161">simulated UK local time, {unit}</text>'
    )
    used = [n for n in NETWORKS if any(n in bucket for bucket in counts)]
    return _frame(title, "messages-over-time", "".join(parts), used)


def _bin_of(seconds: float) -> int:
    for index, (bound, _label) in enumerate(LATENCY_BINS):
        if seconds <= bound:
            return index
    return len(LATENCY_BINS) - 1


def latency_svg(
    events: Sequence[Mapping[str, Any]] | None = None, found: Sequence[Latency] | None = None
) -> str:
    """How long messages took from sender to recipient, per network, in bins from 1 s to days."""
    title = "Latency distribution (simulated time from send to delivery)"
    found = list(found) if found is not None else latencies(events or ())
    if not found:
        return _empty(title, "latency", "No delivery could be paired with its send.")
    counts: dict[tuple[int, str], int] = {}
    for latency in found:
        key = (_bin_of(latency.seconds), latency.network)
        counts[key] = counts.get(key, 0) + 1
    used_bins = sorted({index for index, _ in counts})
    bins = list(range(used_bins[0], used_bins[-1] + 1))
    used = [n for n in NETWORKS if any(network == n for _, network in counts)]
    tallest = max(counts.values())
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / len(bins)
    bar = (slot - 8) / max(len(used), 1)
    parts = [_axis(tallest)]
    for position, index in enumerate(bins):
        x0 = LEFT + slot * position + 4
        for offset, network in enumerate(used):
            count = counts.get((index, network), 0)
            if not count:
                continue
            height = plot_height * count / tallest
            parts.append(
                f'<rect class="bar" x="{x0 + bar * offset:.1f}" y="{HEIGHT - BOTTOM - height:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{height:.1f}" fill="{COLOURS[network]}">'
                f"<title>{escape(f'{network} {LATENCY_BINS[index][1]}: {count}')}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + (slot - 8) / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
            f'text-anchor="middle">{escape(LATENCY_BINS[index][1])}</text>'
        )
    return _frame(title, "latency", "".join(parts), used)
