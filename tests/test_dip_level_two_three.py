"""D15 and D16 from a scenario: the DIP's late register (level 2) and stale role map (level 3)."""

from __future__ import annotations

import copy
import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from actors.markets.default import build_market
from actors.markets.default_cast import OUTGOING_SUPPLIER, QUALIFIED_SUPPLIER, REGS
from market.checks import check_journal, format_verdict
from market.cli.main import main
from market.kernel.exceptions import ScenarioError
from market.load.spec import LoadSpec
from market.networks.dip_gateway import Admission, DipGateway
from market.networks.dip_routing import default_routes
from market.process.options import ProcessOptions
from market.process.scenario import MarketSetup
from market.process.scenario_spec import DecisionRates, ScenarioSpec, spec_from_mapping
from market.runtime.resubmission import STATUS_RETRY_POLICY
from market.runtime.simulation import RunResult, Simulation, journal_dicts
from tests.defences import MPAN, START, broker, context, directory, notification

Events = list[dict[str, Any]]


def _setup(mpans: int = 3, variants: str = "T", seed: int = 5, **rates: float) -> MarketSetup:
    spec = ScenarioSpec(seed=seed, mpans=mpans, variants=variants, decisions=DecisionRates(**rates))
    return build_market(spec)


def _run(setup: MarketSetup) -> tuple[RunResult, Events]:
    result = Simulation(setup).run_sync()
    return result, journal_dicts(result.journal)


def _level(events: Events, level: int) -> Events:
    return [e for e in events if e["kind"] == "rejected" and e["detail"].get("level") == level]


def _noted(events: Events, name: str) -> Events:
    return [e for e in events if e["kind"] == "state_changed" and e["detail"]["event"] == name]


def _status_messages(result: RunResult, status: str) -> Events:
    return [
        e
        for e in journal_dicts(result.journal)
        if e["kind"] == "delivered"
        and e["message"] == "DIP-STATUS"
        and f"'status': '{status}'" in str(e)
    ]


def _at(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["at"])


@pytest.fixture(scope="module")
def lagging() -> tuple[RunResult, Events]:
    """Every MPAN's register entry lags: each of REGS's IF-003s is refused at level 2 first."""
    return _run(_setup(mpans=3, variants="mixed", dip_register_lag=1.0))


@pytest.fixture(scope="module")
def stale() -> tuple[RunResult, Events]:
    """Every MPAN's role map still lists the qualified supplier beside the outgoing one."""
    return _run(_setup(mpans=3, variants="mixed", stale_dip_routing=1.0, late_consumption=1.0))


def test_d15_a_lagging_register_refuses_at_level_two_and_the_sender_resubmits(
    lagging: tuple[RunResult, Events],
) -> None:
    """MSG1006 InboundRuleFailure after MSG0000, a status message to REGS, resubmissions, OK."""
    result, events = lagging
    refused = _level(events, 2)
    assert refused
    assert {(e["detail"]["code"], e["detail"]["status"]) for e in refused} == {
        ("MSG1006", "InboundRuleFailure")
    }
    assert {e["recipient"] for e in refused} == {REGS.participant_id}
    accepted = {e["detail"]["transaction_id"] for e in events if e["kind"] == "accepted"}
    assert {e["detail"]["transaction_id"] for e in refused} <= accepted
    statuses = _status_messages(result, "InboundRuleFailure")
    assert len(statuses) == len(refused)
    assert {e["recipient"] for e in statuses} == {REGS.participant_id}
    assert len(_noted(events, "dip_submission_resubmitted")) == len(refused)
    assert not _noted(events, "dip_submission_abandoned")
    assert result.all_completed and result.verdict.ok, format_verdict(result.verdict)
    assert {r.level for r in result.verdict.dip_rejections} == {2}
    lines = format_verdict(result.verdict)
    assert any("level 2 InboundRuleFailure MSG1006" in line for line in lines)


def test_d15_resubmissions_back_off_until_the_register_has_the_mpan(
    lagging: tuple[RunResult, Events],
) -> None:
    """One IF-003's attempts: waits double (10, 20, 40 min), the last one lands after the lag."""
    _, events = lagging
    mpan = _level(events, 2)[0]["mpan"]
    attempts = [
        e
        for e in events
        if e["kind"] == "submitted"
        and e["mpan"] == mpan
        and e["event_code"] == "[ReverseMigNotification]"
    ]
    lag = timedelta(minutes=ProcessOptions().dip_register_lag_minutes)
    gaps = [_at(b) - _at(a) for a, b in itertools.pairwise(attempts)]
    first_wait, _ = STATUS_RETRY_POLICY["MSG1006"]
    assert [round(gap / first_wait) for gap in gaps] == [1, 2, 4]
    assert _at(attempts[-1]) - _at(attempts[0]) >= lag > _at(attempts[-2]) - _at(attempts[0])


def test_d15_a_register_that_never_learns_the_mpan_is_given_up_after_the_attempts() -> None:
    """Attempts are bounded: six refusals, dip_submission_abandoned, the MPAN left stuck."""
    setup = _setup(mpans=1)
    never = {setup.switching_mpans[0]: timedelta(days=30)}
    result, events = _run(attrs.evolve(setup, dip_register_lags=never))
    _, attempts = STATUS_RETRY_POLICY["MSG1006"]
    abandoned = _noted(events, "dip_submission_abandoned")
    assert abandoned and {e["detail"]["attempts"] for e in abandoned} == {attempts}
    assert len(_level(events, 2)) == attempts * len(abandoned)
    assert not result.verdict.ok


def test_d15_the_register_learns_the_mpan_its_lag_after_the_first_message() -> None:
    """Gateway alone: refused (level 2, 'not yet') before the lag runs out, accepted after it."""
    gateway = DipGateway(
        directory=directory(),
        routes=default_routes(),
        known_mpans=frozenset({MPAN}),
        register_lags={MPAN: timedelta(minutes=30)},
    )
    envelope = notification(context(broker(), "REGS"))
    assert isinstance(gateway.admit("REGS", envelope, at=START), Admission)
    early = gateway.level_two_rejection(envelope, at=START)
    assert early is not None and (early.code.code, early.level) == ("MSG1006", 2)
    assert "not yet in the DIP's MPAN register" in early.rule
    later = START + timedelta(minutes=29)
    assert gateway.level_two_rejection(envelope, at=later) is not None
    assert gateway.level_two_rejection(envelope, at=START + timedelta(minutes=30)) is None


def test_d16_a_stale_role_map_copy_is_refused_and_the_sender_is_told(
    stale: tuple[RunResult, Events],
) -> None:
    """SUP-MHSB refuses its copies (MSG1014, level 3); the submitter gets a status message."""
    result, events = stale
    refused = _level(events, 3)
    assert refused
    assert {(e["detail"]["code"], e["detail"]["status"]) for e in refused} == {
        ("MSG1014", "RejectedByRecipient")
    }
    assert {e["sender"] for e in refused} == {QUALIFIED_SUPPLIER.participant_id}
    assert {e["message"] for e in refused} >= {"PUB-003", "PUB-014", "PUB-021"}
    statuses = _status_messages(result, "RejectedByRecipient")
    assert len(statuses) == len(refused)
    assert {s["recipient"] for s in statuses} == {r["recipient"] for r in refused}
    assert not _noted(events, "dip_submission_resubmitted")  # a recipient's refusal is final


def test_d16_the_required_pub003_still_reaches_the_outgoing_supplier_and_the_verdict_is_ok(
    stale: tuple[RunResult, Events],
) -> None:
    """C8 still reaches SUP(out) for every MPAN; OK, with the level-3 refusals reported."""
    result, events = stale
    c8 = {
        e["mpan"]
        for e in events
        if e["kind"] == "delivered"
        and e["message"] == "PUB-003"
        and e["event_code"] == "[ReverseMigNotification]"
        and e["recipient"] == OUTGOING_SUPPLIER.participant_id
    }
    assert c8 == {outcome.mpan for outcome in result.outcomes}
    assert result.all_completed and result.verdict.ok, format_verdict(result.verdict)
    assert {r.level for r in result.verdict.dip_rejections} == {3}
    (line,) = [line for line in format_verdict(result.verdict) if line.startswith("DIP rejection")]
    assert "level 3 RejectedByRecipient MSG1014" in line and "by SUP-MHSB" in line


def test_the_same_seed_gives_the_same_journal_with_both_knobs_on() -> None:
    """Determinism: two runs of one seed with D15 and D16 on are byte-identical."""
    rates = {"dip_register_lag": 0.5, "stale_dip_routing": 0.5}
    first, _ = _run(_setup(mpans=4, variants="mixed", **rates))
    second, _ = _run(_setup(mpans=4, variants="mixed", **rates))
    assert first.journal.digest() == second.journal.digest()


def test_the_knobs_draw_from_their_own_stream_and_leave_the_population_as_it_was() -> None:
    """D15/D16 rates change which MPANs lag or are stale, never any other per-MPAN fact."""
    plain = _setup(mpans=30, variants="mixed", reads_disagree=0.3)
    knobs = _setup(mpans=30, variants="mixed", reads_disagree=0.3, dip_register_lag=0.5)
    assert plain.population == knobs.population
    assert [s.at for s in plain.stimuli] == [s.at for s in knobs.stimuli]
    assert (plain.dip_register_lags, plain.stale_supplier_dip_ids) == ({}, {})
    assert 0 < len(knobs.dip_register_lags) < 30


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"decisions": {"dip_register_lag": 1.5}}, "decisions.dip_register_lag = 1.5"),
        ({"decisions": {"stale_dip_routing": -0.1}}, "decisions.stale_dip_routing = -0.1"),
        ({"options": {"dip_register_lag_minutes": 0}}, "options.dip_register_lag_minutes = 0"),
        ({"options": {"dip_register_lag_minutes": 241}}, "from 1 to 240"),
        ({"options": {"dip_register_lag_minutes": 1.5}}, "must be int"),
    ],
)
def test_bad_knob_values_are_refused_naming_the_key_and_the_rule(
    data: dict[str, Any], words: str
) -> None:
    """A rate outside 0..1 or a lag outside 1..240 whole minutes is a ScenarioError."""
    with pytest.raises(ScenarioError, match=words.replace(".", r"\.")):
        spec_from_mapping(data)


def test_a_bad_knob_in_a_scenario_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``market run --scenario`` with a rate of 2: exit 2, naming the key and the rule."""
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[decisions]\nstale_dip_routing = 2\n")
    assert main(["run", "--quiet", "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "decisions.stale_dip_routing = 2.0" in err and "between 0 and 1" in err


def test_a_gb_shaped_load_refuses_the_dip_knobs() -> None:
    """GB-shaped markets do not draw D15/D16 facts: a rate there is refused, not ignored."""
    with pytest.raises(ScenarioError, match=r"load\.behaviours\.dip_register_lag"):
        LoadSpec(
            name="x",
            switches_per_working_day=100,
            migrated_share=0.5,
            reverse_migration_share=0.1,
            behaviours=DecisionRates(dip_register_lag=0.1),
        )


# ------------------------------------------------------------------ checker mutants


def _duplicates(events: Events) -> list[str]:
    verdict = check_journal(events)
    return [p.describe() for p in verdict.deliveries if p.kind == "duplicated"]


def test_a_resubmission_after_a_level_two_refusal_is_no_duplicate(
    lagging: tuple[RunResult, Events],
) -> None:
    """The real journal: several accepted IF-003s per step, none counted as a duplicate."""
    _, events = lagging
    assert _duplicates(events) == []


def test_mutant_a_genuine_duplicate_send_is_still_flagged(
    lagging: tuple[RunResult, Events],
) -> None:
    """A second acceptance of the finally published IF-003, never refused: duplicated."""
    _, events = lagging
    refused = {e["detail"]["transaction_id"] for e in _level(events, 2)}
    index, last = next(
        (i, e)
        for i, e in enumerate(events)
        if e["kind"] == "accepted"
        and e["event_code"] == "[ReverseMigNotification]"
        and e["detail"]["transaction_id"] not in refused
    )
    twin = copy.deepcopy(last)
    twin["detail"]["transaction_id"] += "-TWIN"
    mutant = [*events[: index + 1], twin, *events[index + 1 :]]
    (problem,) = [p for p in _duplicates(mutant) if "[ReverseMigNotification]" in p]
    assert last["mpan"] in problem and "sent 2 times" in problem


def test_mutant_a_resubmission_whose_original_was_never_refused_is_flagged(
    lagging: tuple[RunResult, Events],
) -> None:
    """The level-2 refusals of one MPAN removed: its resubmissions are duplicates."""
    _, events = lagging
    mpan = _level(events, 2)[0]["mpan"]
    mutant = [e for e in events if not (e in _level(events, 2) and e["mpan"] == mpan)]
    problems = _duplicates(mutant)
    assert problems and all(mpan in p for p in problems)


def test_mutant_a_refusal_of_another_transaction_does_not_excuse_a_resubmission(
    lagging: tuple[RunResult, Events],
) -> None:
    """Level-2 refusals naming transactions the DIP never accepted excuse nothing."""
    _, events = lagging
    mutant = copy.deepcopy(events)
    for event in _level(mutant, 2):
        event["detail"]["transaction_id"] = "T-IF-003-0000000000-REGS-20260226-NEVER"
    assert _duplicates(mutant)
