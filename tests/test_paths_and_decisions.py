"""Each meter variant and each decision point of brief section (d), end to end from a scenario."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from actors.markets.default import build_market
from market.cli.main import main
from market.kernel.exceptions import ScenarioError
from market.process.options import ProcessOptions
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import RunResult, Simulation, journal_dicts

SCENARIOS = Path(__file__).resolve().parent.parent / "examples" / "scenarios"


def _run(
    mpans: int = 2, variant: str = "T", **fields: Any
) -> tuple[RunResult, list[dict[str, Any]]]:
    options = fields.pop("options", ProcessOptions())
    spec = ScenarioSpec(
        seed=11,
        mpans=mpans,
        variants={variant: 1.0},
        decisions=DecisionRates(**fields),
        options=options,
    )
    result = Simulation(build_market(spec)).run_sync()
    return result, journal_dicts(result.journal)


def _delivered(events: list[dict[str, Any]], message: str) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] == "delivered" and e["message"] == message]


def _paths(result: RunResult) -> set[str | None]:
    return {outcome.path for outcome in result.outcomes}


@pytest.mark.parametrize(
    ("variant", "path", "signature"),
    [("T", "RM-T", "D0019"), ("A", "RM-A", "D0036"), ("S", "RM-S", "PUB-041")],
)
def test_each_variant_completes_its_own_path(variant: str, path: str, signature: str) -> None:
    """A variant's reverse migration takes its own path, shows its own messages, and conforms."""
    result, events = _run(variant=variant)
    assert _paths(result) == {path}
    assert result.verdict.ok, result.verdict.problems
    assert _delivered(events, signature)


def test_variant_a_hands_over_half_hourly_details() -> None:
    """Variant A: the MSA releases D0268 to the HHMOA, who forwards it; HH agents are appointed."""
    _, events = _run(variant="A")
    senders = {(e["sender"], e["recipient"]) for e in _delivered(events, "D0268")}
    assert ("MSA-MSAF", "HHMOA-HMOK") in senders
    assert ("HHMOA-HMOK", "HHDC-HDCJ") in senders
    assert not _delivered(events, "D0086")  # no NHH change-of-supply read for an HH site


def test_variant_s_shares_the_cos_read_on_if041_and_stops_the_mdr() -> None:
    """Variant S follows the map: no Outgoing DS lane, so IF-041 reaches the LDSO only.

    The de-appointed SDS is not routed the change-of-supply read and sends nothing after its
    de-appointment: no IF-063, no IF-021 and no D0010.
    """
    _, events = _run(variant="S")
    pub041 = _delivered(events, "PUB-041")
    assert {e["recipient"] for e in pub041} == {"LDSO-19"}
    assert {e["step"] for e in pub041} == {"S3"}
    sds_sent = {
        e["message"] for e in events if e["kind"] == "submitted" and e["sender"] == "SDS-SDSC"
    }
    assert not sds_sent & {"IF-063", "IF-021", "IF-041"}
    assert all(e["sender"] != "SDS-SDSC" for e in _delivered(events, "D0010"))
    assert any(
        e["sender"] == "SDS-SDSC" and (e["detail"] or {}).get("event") == "no_further_role"
        for e in events
    )


def test_option_smart_outgoing_ds_lane_keeps_the_outgoing_sds_in_the_flow() -> None:
    """smart_outgoing_ds_lane = true: the SDS is a PUB-041 recipient and sends IF-063 to the MDR."""
    result, events = _run(variant="S", options=ProcessOptions(smart_outgoing_ds_lane=True))
    assert {e["recipient"] for e in _delivered(events, "PUB-041")} == {"SDS-SDSC", "LDSO-19"}
    assert _delivered(events, "PUB-063")
    assert result.verdict.ok, result.verdict.problems


def test_option_outgoing_sds_sends_if041_instead() -> None:
    """With the lane and smart_if041_sender = OUTGOING_SDS, the SDS submits IF-041 instead."""
    options = ProcessOptions(smart_outgoing_ds_lane=True, smart_if041_sender="OUTGOING_SDS")
    result, events = _run(variant="S", options=options)
    submitted = [e for e in events if e["kind"] == "submitted" and e["message"] == "IF-041"]
    assert submitted and {e["sender"] for e in submitted} == {"SDS-SDSC"}
    assert {e["recipient"] for e in _delivered(events, "PUB-041")} == {"SUP-MHSA", "LDSO-19"}
    assert result.verdict.ok


def test_outgoing_sds_without_the_lane_is_refused_as_if041_sender() -> None:
    """The OUTGOING_SDS sender needs the lane: the refusal names both options."""
    with pytest.raises(ScenarioError, match=r"smart_if041_sender.*smart_outgoing_ds_lane"):
        ProcessOptions(smart_if041_sender="OUTGOING_SDS")


def test_d1_an_unmigrated_mpan_follows_a_plain_legacy_change_of_supply() -> None:
    """D1: a legacy MPAN gets no IF-003; the new MOP asks the old one for the MTDs (L1/L2)."""
    result, events = _run(legacy_mpan=1.0)
    assert _paths(result) == {"COS-L"}
    assert not [e for e in events if e["message"] in ("IF-003", "PUB-003")]
    assert {e["step"] for e in _delivered(events, "D0170")} == {"L1", "L3"}
    assert result.verdict.ok


def test_d2_a_qualified_gainer_follows_the_mhhs_change_of_supply() -> None:
    """D2: IF-001 and the IF-031..IF-036 exchange for both services; no legacy D-flows."""
    result, events = _run(qualified_gainer=1.0)
    assert _paths(result) == {"COS-M"}
    events_seen = {e["event_code"] for e in events if e["kind"] == "delivered"}
    for service in ("DS", "MS"):
        for suffix in ("InitialResp", "SPRequest", "SPResponse", "Accepted", "Active"):
            assert f"[{service}App{suffix}]" in events_seen
    assert "[ChangeOfSupplier]" in events_seen
    assert not _delivered(events, "D0155")
    assert result.verdict.ok


def test_d3_an_objection_stops_the_switch_before_any_reverse_migration() -> None:
    """D3: the outgoing supplier objects; CSS tells the gainer; no SecuredActive, no IF-003."""
    result, events = _run(objection=1.0)
    assert _paths(result) == {"OBJ"}
    assert len(_delivered(events, "RegistrationObjected")) == 2
    assert not _delivered(events, "SecuredActive")
    assert not [e for e in events if e["message"] == "IF-003"]
    assert result.verdict.ok


def test_d5_deappointing_before_the_legacy_agents_are_known() -> None:
    """D5 (option false): DeAppRM carries no B095/B096; the new MOP and DC ask with D0170."""
    result, events = _run(options=ProcessOptions(deappoint_waits_for_legacy_agents=False))
    deappointments = [
        e for e in _delivered(events, "PUB-003") if e["event_code"] != "[ReverseMigNotification]"
    ]
    assert deappointments
    assert all("B095" not in e["envelope"]["CustomBlock"] for e in deappointments)
    assert all("B096" not in e["envelope"]["CustomBlock"] for e in deappointments)
    assert {e["step"] for e in _delivered(events, "D0170")} == {"T2q", "T3q"}
    assert result.verdict.ok


def test_d6_a_rejected_appointment_goes_to_the_backup_agent() -> None:
    """D6: every first-choice agent rejects (D0261); the supplier appoints its backups."""
    result, events = _run(agent_rejection=1.0)
    assert {e["sender"] for e in _delivered(events, "D0261")} == {
        "NHHDC-NDCE",
        "NHHMOA-NMOF",
        "NHHDA-NDAG",
    }
    registered = [
        e
        for e in events
        if e["kind"] == "state_changed" and e["detail"]["event"] == "legacy_agents_registered"
    ]
    assert {(e["detail"]["data_collector"], e["detail"]["meter_operator"]) for e in registered} == {
        ("NDCH", "NMOI")
    }
    assert result.verdict.ok


def test_d8_disagreeing_reads_are_disputed_and_resolved() -> None:
    """D8: the outgoing supplier raises D0300, the incoming supplier agrees; nothing left open."""
    result, events = _run(reads_disagree=1.0)
    disputes = _delivered(events, "D0300")
    assert [e["flow"]["items"]["resolution"] for e in disputes].count(None) == 2
    assert [e["flow"]["items"]["resolution"] for e in disputes].count("AGREED") == 2
    assert not result.verdict.open_disputes
    assert result.verdict.ok


def test_d9_no_customer_reading_means_a_deemed_read_at_the_cut_off() -> None:
    """D9: without a customer read the DC deems the CoS read (type D) at SSD + 5 WD, 17:00."""
    result, events = _run(no_customer_read=1.0)
    readings = _delivered(events, "D0086")
    assert {e["flow"]["items"]["reading_type"] for e in readings} == {"D"}
    assert all(e["at"].startswith("2026-03-09T17:01") for e in readings)
    assert result.verdict.ok


def test_d10_supplier_data_update_during_reverse_migration_is_rejected_reg9002() -> None:
    """D10: IF-025 from the outgoing supplier is answered by IF-026 with R0 rejected REG9002."""
    result, events = _run(supplier_data_update=1.0)
    answers = _delivered(events, "PUB-026")
    assert answers
    for answer in answers:
        r0 = answer["envelope"]["CommonBlock"]["R0"]
        assert r0["responseCode"] == "R"
        assert r0["responseMessages"][0].startswith("REG9002")
    assert result.verdict.ok


def test_d11_consumption_after_the_regime_end_is_rejected_ecs1001() -> None:
    """D11: IF-021 for the SSD (after MHHSRegimeEndDate) gets IF-014 with ECS1001 from MDS."""
    result, events = _run(late_consumption=1.0)
    rejections = _delivered(events, "PUB-014")
    assert rejections
    assert all(
        e["envelope"]["CommonBlock"]["R0"]["responseMessages"][0].startswith("ECS1001")
        for e in rejections
    )
    assert {e["recipient"] for e in rejections} >= {"SDS-SDSC"}
    assert result.verdict.ok


@pytest.mark.slow
def test_commands_that_read_a_journal_judge_it_by_the_scenario_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A journal run with the lane is judged OK only under its own options (--scenario FILE)."""
    scenario = tmp_path / "lane.toml"
    scenario.write_text(
        "[market]\nmpans = 2\nvariants = {S = 1.0}\n\n[options]\nsmart_outgoing_ds_lane = true\n"
    )
    journal = tmp_path / "run.jsonl"
    assert main(["run", "--quiet", "--scenario", str(scenario), "--journal", str(journal)]) == 0
    capsys.readouterr()
    assert main(["check", str(journal)]) == 1
    assert "unexpected step S1 IF-063 [MDRStop]" in capsys.readouterr().out
    assert main(["check", "--scenario", str(scenario), str(journal)]) == 0
    mpan = _journal_lines(journal)[0]["mpan"]
    for command in ("explain", "diagram"):
        args = [command, "--journal", str(journal), "--mpan", mpan, "--scenario", str(scenario)]
        assert main(args) == 0
        assert "IF-063" in capsys.readouterr().out


def _journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]
