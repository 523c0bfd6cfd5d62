"""A fault rule that names nothing the market has is refused, not silently a no-op."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from actors.markets.default import default_market
from market.cli.main import main
from market.faults import (
    Crash,
    FaultPlan,
    Loss,
    Partition,
    Scope,
    Slow,
)
from market.faults.matching import message_names, refuse_unmatched
from market.kernel.exceptions import ScenarioError
from market.runtime.simulation import Simulation

IDS = ("SUP-LGSB", "SUP-MHSA", "NHHDC-NDCE", "REGS-19")


def _refusal(*faults: object) -> str:
    with pytest.raises(ScenarioError) as refused:
        refuse_unmatched(FaultPlan(faults=faults), IDS)  # type: ignore[arg-type]
    return str(refused.value)


@pytest.mark.parametrize(
    ("scope", "named"),
    [
        (Scope(recipient="NHHDC-NDCX"), "recipient = 'NHHDC-NDCX' is no participant"),
        (Scope(sender="SUP-XXXX"), "sender = 'SUP-XXXX' is no participant"),
        (Scope(participant="NHHDC"), "participant = 'NHHDC' is no participant"),
        (Scope(message="PUB-3"), "message = 'PUB-3' is no message of the market"),
        (Scope(message="d0010"), "message = 'd0010' is no message"),
        (Scope(network="dtn"), "network = 'dtn' is none of DIP, DTN, CSS"),
    ],
)
def test_a_scope_naming_nothing_real_is_refused(scope: Scope, named: str) -> None:
    text = _refusal(Loss(probability=1.0, scope=scope))
    assert "fault 1 (loss): " + named in text
    assert "Participants: NHHDC-NDCE, REGS-19, SUP-LGSB, SUP-MHSA" in text


def test_participant_faults_and_partition_sides_must_name_participants() -> None:
    text = _refusal(
        Slow(participant="SUP-LGSB", seconds=5),
        Crash(participant="REGS-91", at=datetime(2026, 3, 2, 16, tzinfo=UTC)),
        Partition(side_a=frozenset({"SUP-LGSB"}), side_b=frozenset({"NHHDC-NDCX"})),
    )
    assert "fault 1" not in text
    assert "fault 2 (crash): participant = 'REGS-91' is no participant" in text
    assert "fault 3 (partition): 'NHHDC-NDCX' in the partition is no participant" in text


def test_rules_that_name_real_things_are_accepted() -> None:
    plan = FaultPlan(
        faults=(
            Loss(probability=0.5, scope=Scope(message="D0010", recipient="NHHDC-NDCE")),
            Loss(probability=0.5, scope=Scope(message="PUB-003", sender="DIP")),
            Loss(probability=0.5, scope=Scope(message="SecuredActive", network="CSS")),
            Loss(probability=0.5, scope=Scope(message="IF-003", network="DIP")),
        )
    )
    refuse_unmatched(plan, IDS)


def test_the_message_names_cover_every_network() -> None:
    names = message_names()
    assert {"D0010", "D0155", "IF-003", "PUB-003", "SecuredActive", "DIP-RESPONSE"} <= names
    assert "PUB-3" not in names


def test_a_simulation_refuses_a_plan_against_its_own_participants() -> None:
    setup = default_market(seed=1, mpans=1)
    bad = FaultPlan(faults=(Loss(probability=1.0, scope=Scope(recipient="NHHDC-NDCX")),))
    with pytest.raises(ScenarioError, match="recipient = 'NHHDC-NDCX'"):
        Simulation(attrs.evolve(setup, faults=bad))


def test_market_run_refuses_the_plan_with_exit_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "bad.toml"
    plan.write_text('[[fault]]\nkind = "loss"\nprobability = 1.0\nmessage = "PUB-3"\n')
    assert main(["run", "--mpans", "1", "--faults", str(plan), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "message = 'PUB-3' is no message of the market" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
