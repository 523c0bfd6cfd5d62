"""D8's two answers: a disputed CoS reading agreed (T8r AGREED) or rejected and left open."""

from __future__ import annotations

import pytest

from actors.markets.default import build_market
from market.checks import format_verdict
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts


def _answers(rejected: float) -> tuple[list[str], list[str]]:
    decisions = DecisionRates(reads_disagree=1.0, dispute_rejected=rejected)
    simulation = Simulation(build_market(ScenarioSpec(seed=2, mpans=6, decisions=decisions)))
    result = simulation.run_sync()
    assert result.verdict.ok
    answers = [
        event["flow"]["items"]["resolution"]
        for event in journal_dicts(simulation.journal)
        if event["kind"] == "delivered"
        and event["message"] == "D0300"
        and event["flow"]["items"]["resolution"] is not None
    ]
    return answers, format_verdict(result.verdict)


def test_an_incoming_supplier_that_agrees_closes_every_dispute() -> None:
    answers, verdict = _answers(0.0)
    assert answers == ["AGREED"] * 6
    assert not [line for line in verdict if line.startswith("open dispute")]


def test_a_rejected_dispute_is_answered_and_reported_open() -> None:
    answers, verdict = _answers(1.0)
    assert answers == ["REJECTED"] * 6
    open_lines = [line for line in verdict if line.startswith("open dispute")]
    assert len(open_lines) == 6
    assert all(line.endswith("is open (rejected by SUP-LGSB)") for line in open_lines)


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_the_rate_is_a_probability(rate: float) -> None:
    with pytest.raises(ValueError, match="dispute_rejected"):
        DecisionRates(dispute_rejected=rate)
