"""``market bench``'s signing comparison: the same load run in every signing mode."""

from __future__ import annotations

import pytest

from actors.markets.gb import build_gb_market
from market.tools.bench_signing import compare_signing


@pytest.mark.slow
def test_every_mode_delivers_the_same_run_and_only_signing_modes_sign() -> None:
    """Same deliveries in every mode; the signed modes sign the same calls; ratios are of times."""
    figures = compare_signing(build_gb_market, mpans=150)
    by_mode = {run.mode: run for run in figures.runs}
    assert list(by_mode) == ["off", "modelled", "rsa"]
    assert len({run.deliveries for run in figures.runs}) == 1
    assert by_mode["off"].deliveries > 1_000
    assert by_mode["off"].signed == 0
    assert by_mode["modelled"].signed == by_mode["rsa"].signed > 0
    assert figures.signed_over_unsigned == pytest.approx(
        by_mode["modelled"].seconds / by_mode["off"].seconds
    )
    document = figures.as_json()
    assert document["profile"] == "bau-2024"
    assert document["signed_over_unsigned"] == round(figures.signed_over_unsigned, 3)
    assert [run["mode"] for run in document["runs"]] == ["off", "modelled", "rsa"]
