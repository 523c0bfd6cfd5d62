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


@pytest.mark.parametrize("variant", ["T", "A", "S"])
def test_every_variant_can_dispute_its_change_of_supply_read(variant: str) -> None:
    """D8 in each variant: an off closing read is disputed (T8, A6, S6) and answered; OK verdict.

    Variant A has no D0086: the outgoing supplier checks the HHDC's D0010 (A5b) instead.
    """
    decisions = DecisionRates(reads_disagree=1.0)
    spec = ScenarioSpec(seed=2, mpans=3, variants={variant: 1.0}, decisions=decisions)
    result = Simulation(build_market(spec)).run_sync()
    assert result.verdict.ok, format_verdict(result.verdict)
    disputes = [
        event
        for event in journal_dicts(result.journal)
        if event["kind"] == "delivered" and event["message"] == "D0300"
    ]
    raised = {e["step"] for e in disputes if e["flow"]["items"]["resolution"] is None}
    answered = {e["step"] for e in disputes if e["flow"]["items"]["resolution"] == "AGREED"}
    step = {"T": "T8", "A": "A6", "S": "S6"}[variant]
    assert (len(disputes), raised, answered) == (6, {step}, {f"{step}r"})


def test_an_hh_site_s_cos_read_reaches_both_suppliers() -> None:
    """A5b: the HHDC sends the SSD register read (D0010, type A) to both suppliers."""
    spec = ScenarioSpec(seed=2, mpans=2, variants={"A": 1.0})
    result = Simulation(build_market(spec)).run_sync()
    reads = [
        event
        for event in journal_dicts(result.journal)
        if event["kind"] == "delivered" and event["step"] == "A5b"
    ]
    assert len(reads) == 4
    assert {e["recipient"] for e in reads} == {"SUP-LGSB", "SUP-MHSA"}
    assert {e["flow"]["items"]["reading_type"] for e in reads} == {"A"}
