"""S4: a smart meter's DCC read is confirmed when it arrives, not at the cut-off (issue 13.3)."""

from __future__ import annotations

from datetime import date

from actors.markets.default import build_market
from market.kernel.local_time import settlement_date_of
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation

SSD = date(2026, 3, 2)


def _d0086_days(variant: str) -> list[date]:
    simulation = Simulation(build_market(ScenarioSpec(seed=3, mpans=12, variants=variant)))
    assert simulation.run_sync().verdict.ok
    return [
        settlement_date_of(event.at)
        for event in simulation.journal
        if event.kind == "sent" and event.message == "D0086"
    ]


def test_a_smart_cos_read_is_confirmed_on_the_supply_start_date() -> None:
    days = _d0086_days("S")
    assert len(days) == 24  # both suppliers, every MPAN
    assert set(days) == {SSD}


def test_a_traditional_cos_read_still_waits_for_the_outgoing_ds_history() -> None:
    """Variant T: the SDS's history (T2) arrives at 08:00 on the SSD, the customer read at 10:00."""
    days = _d0086_days("T")
    assert len(days) == 24
    assert set(days) == {SSD}
