"""Settlement days are UK local days: IF-021 and IF-014 across both 2026 clock changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import pytest

from actors.markets.default import build_market
from market.kernel.local_time import format_dip_datetime, local_midnight, parse_dip_datetime
from market.kernel.settlement_calendar import settlement_periods
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts


def _days(events: list[Mapping[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(interface, MPAN, B900 day block) of every IF-021 / IF-014 the DIP delivered."""
    for event in events:
        if event.get("kind") == "delivered" and event.get("message") in ("PUB-021", "PUB-014"):
            custom = event["envelope"]["CustomBlock"]
            for block in custom.get("B900List") or [custom["B900"]]:
                yield event["message"], event["mpan"], block


@pytest.fixture(scope="module", params=["2026-03-23", "2026-10-19"], ids=["spring", "autumn"])
def clock_change_run(request: pytest.FixtureRequest) -> list[Mapping[str, Any]]:
    """30 MPANs of every variant switching over the week of a clock change."""
    spec = ScenarioSpec(
        seed=5,
        mpans=30,
        start_day=date.fromisoformat(request.param),
        switch_days=5,
        variants="mixed",
        decisions=DecisionRates(late_consumption=0.5),
    )
    simulation = Simulation(build_market(spec))
    result = simulation.run_sync()
    assert result.verdict.ok
    return list(journal_dicts(simulation.journal))


def test_every_settlement_day_starts_at_local_midnight_with_its_period_count(
    clock_change_run: list[Mapping[str, Any]],
) -> None:
    counts = set()
    for _, _, block in _days(clock_change_run):
        start = parse_dip_datetime(block["B046"]["settlementDayDate"])
        day = date.fromisoformat(block["B046"]["settlementDayDate"][:10])
        assert block["B046"]["settlementDayDate"] == format_dip_datetime(local_midnight(day))
        periods = [parse_dip_datetime(p["sp"]) for p in block["B047List"]]
        assert len(periods) == settlement_periods(day)
        assert periods[0] == start + timedelta(minutes=30)
        assert periods[-1] == local_midnight(day + timedelta(days=1))
        counts.add(len(periods))
    assert 48 in counts
    assert counts & {46, 50}  # the clock-change day itself was submitted


def test_the_mds_accepts_nothing_past_the_regime_end(
    clock_change_run: list[Mapping[str, Any]],
) -> None:
    ends = {
        e["mpan"]: e["detail"]["mhhs_regime_end_date"]
        for e in clock_change_run
        if e.get("kind") == "state_changed"
        and (e.get("detail") or {}).get("event") == "mhhs_regime_end_noted"
    }
    judged = [
        (e["mpan"], e["detail"]["settlement_date"], e["detail"]["event"])
        for e in clock_change_run
        if (e.get("detail") or {}).get("event") in ("consumption_accepted", "consumption_rejected")
        and e.get("sender") == "MDS"
    ]
    assert any(change == "consumption_rejected" for *_, change in judged)
    for mpan, day, change in judged:
        assert (change == "consumption_accepted") == (day <= ends[mpan]), (mpan, day, change)
