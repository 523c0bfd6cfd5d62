"""The serve benchmark measures what it says, on a small market."""

from __future__ import annotations

import pytest

from market.tools.bench_serve import measure

pytestmark = pytest.mark.slow


def test_the_serve_benchmark_counts_every_publication_it_pushed() -> None:
    figures = measure(mpans=20)
    assert figures["publications_delivered"] == figures["calls"] > 20
    assert figures["publications_per_second"] > 0
    assert figures["publications_per_busy_second"] >= figures["publications_per_second"]
    assert figures["served_seconds"] > 0 and figures["simulated_seconds"] > 0
    assert figures["verdict_ok"] is False  # the trivial system sends none of the MDS's IF-014s
