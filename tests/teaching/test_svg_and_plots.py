"""SVG diagrams, statistics and plots: well-formed, standalone, showing what the journal says."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from market.teaching import journey_of, journey_svg, latency_svg, messages_over_time_svg, tally
from market.teaching.tallies import format_seconds, latencies
from tests.checks.builders import DC, IN, MPAN, JournalBuilder
from tests.teaching.journals import with_faults

SVG = "{http://www.w3.org/2000/svg}"


def _classes(root: ET.Element) -> list[str]:
    return [cls for element in root.iter() for cls in element.get("class", "").split()]


def test_svg_has_a_lane_per_participant_and_styled_arrows() -> None:
    """One lane per participant; arrows classed by network; lost, duplicate and crash drawn."""
    svg = journey_svg(journey_of(with_faults(), MPAN))
    root = ET.fromstring(svg)
    lanes = [g.get("data-participant") for g in root.iter(f"{SVG}g") if g.get("class") == "lane"]
    assert lanes == ["customer", "SUP-MHSA", "CSS", "REGS-19", "DIP", "MDS", IN, DC]
    classes = _classes(root)
    for expected in ("arrow-css", "arrow-dtn", "arrow-dip-submission", "arrow-dip-publication"):
        assert expected in classes
    assert classes.count("lost") == 1 and classes.count("duplicate") == 1
    assert classes.count("crash") == 1 and classes.count("rejected") == 1
    assert classes.count("waiting") == 4
    assert "<script" not in svg and "href=" not in svg.replace("url(#", "")


def test_svg_ids_are_unique_per_prefix() -> None:
    """Two diagrams on one page do not share marker ids."""
    journey = journey_of(with_faults(), MPAN)
    first, second = journey_svg(journey, id_prefix="a"), journey_svg(journey, id_prefix="b")
    assert 'id="a-1935657896617-dtn"' in first and 'id="b-1935657896617-dtn"' in second


def _timed_journal() -> list[dict[str, object]]:
    builder = JournalBuilder()
    builder.add("sent", network="DTN", message="D0155", sender=IN, recipient=DC)
    builder.at("2026-02-26T09:02:00+00:00").dtn("C9", "D0155", IN, DC)
    builder.at("2026-02-26T10:00:00+00:00")
    builder.add("sent", network="DTN", message="D0155", sender=IN, recipient=DC)
    builder.add("dropped", network="DTN", message="D0155", sender=IN, recipient=DC)
    builder.add("sent", network="DTN", message="D0155", sender=IN, recipient=DC)
    builder.at("2026-02-26T11:00:00+00:00").dtn("C9", "D0155", IN, DC)
    return builder.events


def test_latency_pairs_sends_with_deliveries_skipping_lost_ones() -> None:
    """Latency runs from each send to its delivery; a dropped send pairs with no later delivery."""
    found = latencies(_timed_journal())
    assert [(item.network, item.seconds) for item in found] == [("DTN", 120.0), ("DTN", 3480.0)]
    counts = tally(_timed_journal())
    assert counts.faults == (("dropped", 1),)
    assert counts.deliveries_by_network == (("DTN", 2),)
    assert [(s.network, s.median, s.maximum) for s in counts.latency] == [("DTN", 120.0, 3480.0)]


def test_plots_are_standalone_svg_with_bars() -> None:
    """Both plots parse as SVG and draw one bar per non-empty bucket or bin."""
    events = _timed_journal()
    over_time = ET.fromstring(messages_over_time_svg(events))
    spread = ET.fromstring(latency_svg(events))
    assert _classes(over_time).count("bar") == 2
    assert _classes(spread).count("bar") == 2
    assert "No message" in messages_over_time_svg([])


def test_durations_read_naturally() -> None:
    """Seconds, minutes, hours and days are shown the way people say them."""
    assert [format_seconds(s) for s in (2, 60, 3900, 93600)] == [
        "2 s",
        "1 min",
        "1 h 5 min",
        "1 d 2 h",
    ]
