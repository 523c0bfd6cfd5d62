"""T4 / M2: the new MOP forwards D0150 and D0149 to the DC, the supplier and the LDSO."""

from __future__ import annotations

import pytest

from actors.markets.default import build_market
from market.checks import check_journal, format_verdict
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts


@pytest.mark.parametrize("variant", ["T", "S"])
def test_mapping_details_reach_the_ldso(variant: str) -> None:
    simulation = Simulation(build_market(ScenarioSpec(seed=4, mpans=3, variants=variant)))
    assert simulation.run_sync().verdict.ok
    events = list(journal_dicts(simulation.journal))
    forwarded = {
        (e["mpan"], e["recipient"].split("-")[0])
        for e in events
        if e["kind"] == "delivered" and e["message"] == "D0149" and e["sender"].startswith("NHHMOA")
    }
    mpans = {e["mpan"] for e in events if e["message"] == "D0149"}
    assert forwarded == {(m, role) for m in mpans for role in ("NHHDC", "SUP", "LDSO")}
    # The oracle requires it: the same journal without the LDSO's copies fails.
    without = [
        e
        for e in events
        if not (e["message"] == "D0149" and str(e["recipient"]).startswith("LDSO"))
    ]
    lines = format_verdict(check_journal(without))
    assert [line for line in lines if line.startswith("missing recipient") and "D0149" in line]
