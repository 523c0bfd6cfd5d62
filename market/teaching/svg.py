"""A journey as a standalone SVG sequence diagram: readable on screen, in a report, and printed.

The drawing needs nothing outside itself: no scripts, no stylesheets, no web
fonts; colours and line styles are attributes, so it prints as it shows. Lanes
are grouped under tinted MHHS / Central / Legacy bands; each row is one
journal entry with its simulated UK local time in the left margin.

Networks are told apart by line and head, not colour alone (a printout may be
grey): DTN solid with a filled head, CSS solid with an open head, DIP
submissions dashed with an open head, DIP publications dashed with a filled
head. A lost message ends in a red cross, a duplicate carries a DUPLICATE
badge, a crash is a red bar across the lane and a restart a green one.

Elements carry classes (``lane``, ``arrow``, ``arrow-dtn``, ``crash`` ...) so
tests and browsers can find them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Final

from market.kernel.event_kinds import EventKind
from market.teaching.explain import format_instant
from market.teaching.journey import LOST, REJECTED, Journey, LaneEvent, Message
from market.teaching.lanes import CENTRAL, LEGACY, MHHS, OTHER, OUTSIDE, Lane, lanes_of

MARGIN: Final = 16
TIME_COLUMN: Final = 150
LANE_GAP: Final = 176
TOP: Final = 40
HEADER: Final = 74
ROW: Final = 30
CHAR_WIDTH: Final = 6.4
LABEL_LIMIT: Final = 56

#: ``(stroke, dash pattern or "", head style)`` per kind of arrow.
STYLES: Final = {
    "dtn": ("#37474f", "", "filled"),
    "css": ("#00695c", "", "open"),
    "dip-submission": ("#6a1b9a", "6 4", "open"),
    "dip-publication": ("#6a1b9a", "6 4", "filled"),
    "outside": ("#757575", "", "filled"),
}
GROUP_FILLS: Final = {MHHS: "#e1ecfc", CENTRAL: "#ececec", LEGACY: "#fdecd6", OTHER: "#f5f5f5"}
LOST_COLOUR: Final = "#c62828"
DUPLICATE_COLOUR: Final = "#ef6c00"
RESTART_COLOUR: Final = "#2e7d32"
FONT: Final = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def style_of(message: Message) -> str:
    """Which of :data:`STYLES` draws ``message``."""
    if message.network == "DIP":
        return "dip-submission" if message.is_submission else "dip-publication"
    if message.network == "CSS":
        return "css"
    if message.network == "DTN":
        return "dtn"
    return "outside"


def _shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(x: float, y: float, text: str, *, size: int = 11, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}"{extra}>{escape(text)}</text>'


def _markers(prefix: str) -> str:
    shapes = []
    for name, (colour, _dash, head) in STYLES.items():
        fill, outline = (colour, "none") if head == "filled" else ("none", colour)
        shapes.append(
            f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="9" refY="5" '
            f'markerWidth="9" markerHeight="9" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10{" z" if head == "filled" else ""}" fill="{fill}" '
            f'stroke="{outline}" stroke-width="1.5"/></marker>'
        )
    return "<defs>" + "".join(shapes) + "</defs>"


class _Canvas:
    """Positions of lanes and rows, and the SVG pieces drawn so far."""

    def __init__(self, lanes: tuple[Lane, ...], rows: int, prefix: str) -> None:
        self.lanes = lanes
        self.prefix = prefix
        self.x = {
            lane.participant: MARGIN + TIME_COLUMN + LANE_GAP * (index + 0.5)
            for index, lane in enumerate(lanes)
        }
        self.width = MARGIN * 2 + TIME_COLUMN + LANE_GAP * max(len(lanes), 1)
        self.first_row = TOP + HEADER + ROW
        self.bottom = self.first_row + ROW * rows
        self.parts: list[str] = []

    def row_y(self, index: int) -> float:
        return self.first_row + ROW * index


def _group_bands(canvas: _Canvas) -> None:
    start = 0
    lanes = canvas.lanes
    while start < len(lanes):
        end = start
        while end + 1 < len(lanes) and lanes[end + 1].group == lanes[start].group:
            end += 1
        group = lanes[start].group
        if group != OUTSIDE:
            left = canvas.x[lanes[start].participant] - LANE_GAP / 2 + 4
            right = canvas.x[lanes[end].participant] + LANE_GAP / 2 - 4
            canvas.parts.append(
                f'<g class="group" data-group="{group}"><rect x="{left:.1f}" y="{TOP}" '
                f'width="{right - left:.1f}" height="{canvas.bottom - TOP:.1f}" rx="6" '
                f'fill="{GROUP_FILLS[group]}"/>'
                + _text(
                    (left + right) / 2,
                    TOP + 15,
                    group,
                    size=12,
                    font_weight="bold",
                    text_anchor="middle",
                    fill="#424242",
                )
                + "</g>"
            )
        start = end + 1


def _lane_heads(canvas: _Canvas) -> None:
    for lane in canvas.lanes:
        x = canvas.x[lane.participant]
        box_width = LANE_GAP - 24
        top = TOP + 24
        canvas.parts.append(
            f'<g class="lane" data-participant="{escape(lane.participant)}" '
            f'data-group="{lane.group}">'
            f'<line x1="{x:.1f}" y1="{top + 40}" x2="{x:.1f}" y2="{canvas.bottom:.1f}" '
            'stroke="#9e9e9e" stroke-width="1" stroke-dasharray="3 3"/>'
            f'<rect x="{x - box_width / 2:.1f}" y="{top}" width="{box_width}" height="40" rx="4" '
            'fill="#ffffff" stroke="#424242" stroke-width="1.2"/>'
            + _text(
                x,
                top + 17,
                lane.participant,
                size=12,
                font_weight="bold",
                text_anchor="middle",
                fill="#212121",
            )
            + _text(
                x,
                top + 32,
                lane.role or lane.group.lower(),
                size=10,
                text_anchor="middle",
                fill="#616161",
            )
            + "</g>"
        )


def _label(x: float, y: float, text: str, *, colour: str, border: str | None = None) -> str:
    width = len(text) * CHAR_WIDTH + 8
    outline = f' stroke="{border}" stroke-width="1.5"' if border else ""
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - 11:.1f}" width="{width:.1f}" height="14" '
        f'rx="3" fill="#ffffff" fill-opacity="0.9"{outline}/>'
        + _text(x, y, text, text_anchor="middle", fill=colour)
    )


def _cross(x: float, y: float) -> str:
    return (
        f'<path d="M{x - 6:.1f},{y - 6:.1f} L{x + 6:.1f},{y + 6:.1f} '
        f'M{x - 6:.1f},{y + 6:.1f} L{x + 6:.1f},{y - 6:.1f}" '
        f'stroke="{LOST_COLOUR}" stroke-width="3" class="lost-cross"/>'
    )


def _arrow(canvas: _Canvas, message: Message, y: float) -> None:
    style = style_of(message)
    colour, dash, _head = STYLES[style]
    x1, x2 = canvas.x[message.sender], canvas.x[message.recipient]
    failed = message.fate in (LOST, REJECTED)
    direction = 1 if x2 >= x1 else -1
    end = x2 - direction * (2 if not failed else 0)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    head = "" if failed else f' marker-end="url(#{canvas.prefix}-{style})"'
    classes = f"arrow arrow-{style}" + (" lost" if message.fate == LOST else "")
    classes += " rejected" if message.fate == REJECTED else ""
    classes += " duplicate" if message.duplicate else ""
    text = message.label
    if message.fate == LOST:
        text = f"{text} LOST"
    elif message.fate == REJECTED:
        text = f"{text} REJECTED"
    elif message.duplicate:
        text = f"{text} DUPLICATE"
    tooltip = f"{format_instant(message.at)} {message.sender} → {message.recipient}: {text}"
    if message.note:
        tooltip += f" ({message.note})"
    label_colour = LOST_COLOUR if failed else DUPLICATE_COLOUR if message.duplicate else colour
    border = DUPLICATE_COLOUR if message.duplicate else None
    piece = (
        f'<g class="{classes}" data-step="{escape(message.step or "")}">'
        f"<title>{escape(tooltip)}</title>"
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{end:.1f}" y2="{y:.1f}" stroke="{colour}" '
        f'stroke-width="{2.2 if message.duplicate else 1.6}"{dashes}{head}/>'
        + _label((x1 + x2) / 2, y - 4, _shorten(text), colour=label_colour, border=border)
        + (_cross(x2, y) if failed else "")
        + "</g>"
    )
    canvas.parts.append(piece)


def _bar(canvas: _Canvas, participant: str, y: float, kind: str, text: str) -> None:
    colour = LOST_COLOUR if kind == EventKind.CRASHED else RESTART_COLOUR
    x = canvas.x[participant]
    word = "CRASHED" if kind == EventKind.CRASHED else "RESTARTED"
    canvas.parts.append(
        f'<g class="{"crash" if kind == EventKind.CRASHED else "restart"}" '
        f'data-participant="{escape(participant)}"><title>{escape(f"{word}: {text}")}</title>'
        f'<rect x="{x - 30:.1f}" y="{y - 5:.1f}" width="60" height="10" fill="{colour}"/>'
        + _text(x + 34, y + 4, _shorten(f"{word}: {text}", 40), fill=colour, font_weight="bold")
        + "</g>"
    )


def _note(canvas: _Canvas, participant: str, y: float, text: str, css_class: str) -> None:
    x = canvas.x[participant]
    shown = _shorten(text, 48)
    width = len(shown) * CHAR_WIDTH + 10
    canvas.parts.append(
        f'<g class="note {css_class}" data-participant="{escape(participant)}">'
        f"<title>{escape(text)}</title>"
        f'<rect x="{x - width / 2:.1f}" y="{y - 11:.1f}" width="{width:.1f}" height="16" '
        'fill="#fff8e1" stroke="#f9a825" stroke-dasharray="3 2"/>'
        + _text(x, y + 1, shown, text_anchor="middle", fill="#5d4037")
        + "</g>"
    )


def _legend(canvas: _Canvas, y: float) -> float:
    entries: list[tuple[str, str]] = [
        ("dtn", "DTN D-flow"),
        ("css", "CSS message"),
        ("dip-submission", "DIP submission (IF-nnn)"),
        ("dip-publication", "DIP publication (PUB-nnn)"),
    ]
    parts = ['<g class="legend">']
    x = float(MARGIN)
    for style, text in entries:
        colour, dash, _head = STYLES[style]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 40:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="1.6"{dashes} marker-end="url(#{canvas.prefix}-{style})"/>'
            + _text(x + 48, y + 4, text, fill="#212121")
        )
        x += 60 + len(text) * CHAR_WIDTH
    parts.append(
        _cross(x + 6, y)
        + _text(x + 18, y + 4, "lost / rejected", fill=LOST_COLOUR)
        + _text(x + 130, y + 4, "DUPLICATE", fill=DUPLICATE_COLOUR, font_weight="bold")
        + f'<rect x="{x + 210:.1f}" y="{y - 5:.1f}" width="30" height="10" fill="{LOST_COLOUR}"/>'
        + _text(x + 246, y + 4, "crash", fill=LOST_COLOUR)
    )
    parts.append("</g>")
    canvas.parts.append("".join(parts))
    return x + 290


def _rows(journey: Journey) -> list[Message | LaneEvent | tuple[str, str]]:
    rows: list[Message | LaneEvent | tuple[str, str]] = []
    for entry in journey.entries:
        if isinstance(entry, Message) or entry.kind in (
            EventKind.CRASHED,
            EventKind.DEAD_LETTERED,
        ):
            rows.append(entry)
    for pending in journey.pending:
        rows.extend((owner, f"WAITING FOR {pending.label}") for owner in pending.owed_by)
    return rows


def _draw_rows(canvas: _Canvas, rows: Iterable[Message | LaneEvent | tuple[str, str]]) -> None:
    previous = ""
    for index, row in enumerate(rows):
        y = canvas.row_y(index)
        if isinstance(row, tuple):
            _note(canvas, row[0], y, row[1], "waiting")
            continue
        when = format_instant(row.at)
        canvas.parts.append(
            _text(MARGIN, y + 4, when, size=10, fill="#212121" if when != previous else "#9e9e9e")
        )
        previous = when
        if isinstance(row, Message):
            _arrow(canvas, row, y)
        elif row.kind == EventKind.DEAD_LETTERED:
            _note(canvas, row.participant, y, f"DEAD-LETTERED {row.text}", "dead-letter")
        else:
            _bar(canvas, row.participant, y, row.kind, row.text)


def journey_svg(journey: Journey, *, id_prefix: str = "seq") -> str:
    """The journey as one ``<svg>`` element; ``id_prefix`` keeps ids unique on a shared page."""
    lanes = lanes_of(journey)
    rows = _rows(journey)
    prefix = f"{id_prefix}-{journey.mpan}"
    canvas = _Canvas(lanes, len(rows), prefix)
    _group_bands(canvas)
    _lane_heads(canvas)
    _draw_rows(canvas, rows)
    legend_width = _legend(canvas, canvas.bottom + 24)
    width = max(canvas.width, legend_width + MARGIN)
    height = canvas.bottom + 44
    title = f"MPAN {journey.mpan}: {journey.describe_outcome()}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sequence-diagram" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="{FONT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        + _markers(prefix)
        + f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>'
        + _text(MARGIN, 24, title, size=14, font_weight="bold", fill="#212121")
        + "".join(canvas.parts)
        + "</svg>"
    )
