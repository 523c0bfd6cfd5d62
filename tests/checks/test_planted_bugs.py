"""The planted bugs of issue 12: each one fails the run with the right MPAN, step and blame."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.checks import check_journal, format_verdict
from market.cli.main import main
from tests.checks.mutants import Journal

PLANTED = "examples.byo.planted_bugs"
MPANS = ("1952499358227", "1994174638915")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["run", "--quiet", "--mpans", "2", *args])
    return code, [line.strip() for line in capsys.readouterr().out.splitlines()]


def test_a_collector_that_forgets_the_outgoing_supplier_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = _run(capsys, "--participant", f"NHHDC-NDCE={PLANTED}:ForgetsOutgoing")
    assert code == 1
    for mpan in MPANS:
        assert (
            f"missing recipient: {mpan} RM-T T6 D0086 never reached SUP(out) SUP-MHSA "
            "(owed by NHHDC-NDCE)"
        ) in lines
    assert "verdict: FAILED (problems: 2)" in lines


def test_a_misaddressed_d0019_is_the_wrong_party_and_leaves_t7_undone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = _run(capsys, "--participant", f"NHHDC-NDCE={PLANTED}:MisaddressesD0019")
    assert code == 1
    for mpan in MPANS:
        assert (
            f"wrong party: {mpan} RM-T D0019 from NHHDC-NDCE (NHHDC) to SUP-LGSB (SUP) fits no "
            "step: T7 D0019 goes from NHHDC to NHHDA"
        ) in lines
        assert (
            f"{mpan} RM-T stuck after T6: waiting for T7 D0019 from NHHDC "
            "(sent by NHHDC-NDCE to the wrong party SUP-LGSB (SUP))"
        ) in lines


def test_a_late_d0086_is_late_by_working_days(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(capsys, "--participant", f"NHHDC-NDCE={PLANTED}:LateD0086")
    assert code == 1
    for mpan in MPANS:
        assert (
            f"late: {mpan} RM-T T6 D0086 late by 2 working days (rule: by "
            "SSD+cos_read_cutoff_working_days = SSD+5wd; due by 2026-03-09, performed 2026-03-11)"
        ) in lines


def test_a_flow_lost_by_a_fault_is_blamed_on_the_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "loss.faults.toml"
    plan.write_text(
        '[[fault]]\nkind = "loss"\nprobability = 1.0\nnetwork = "DTN"\n'
        'message = "D0010"\nrecipient = "NHHDC-NDCE"\n'
    )
    code, lines = _run(capsys, "--variant", "S", "--faults", str(plan))
    assert code == 1
    for mpan in MPANS:
        assert (
            f"{mpan} RM-S stuck after S3: waiting for S2 D0010 from SUP(in) "
            "(sent by SUP-LGSB, lost on the way to NHHDC-NDCE (loss: lost in transit))"
        ) in lines


def test_a_partition_names_what_the_stuck_collector_never_received(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines = _run(capsys, "--faults", "examples/faults/collector_partition.faults.toml")
    assert code == 1
    assert (
        f"{MPANS[0]} RM-T stuck after T4: waiting for T6 D0086 from NHHDC (owed by NHHDC-NDCE, "
        "which never received T2 D0010 from SDS-SDSC: the network lost it "
        "(partition: SDS-SDSC cut off from NHHDC-NDCE))"
    ) in lines


def test_a_publication_lost_for_good_leaves_its_step_undone_blamed_on_the_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """lossy_dip's one lost PUB-021: the step's missing recipient names the loss, not the sender."""
    scenario, plan = (f"examples/faults/lossy_dip.{name}.toml" for name in ("scenario", "faults"))
    code = main(["run", "--quiet", "--scenario", scenario, "--faults", plan, "--seed", "1"])
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert (
        "missing recipient: 1968689965428 RM-A A1 IF-021 [ActivePower] never reached MDS "
        "(sent by ADS-ADSE, lost on the way to MDS (loss: lost in transit))"
    ) in lines
    assert not [
        line for line in lines if line.startswith("missing recipient") and "owed by" in line
    ]


def test_a_flow_an_agent_sent_to_itself_is_the_wrong_party(rich_journal: Journal) -> None:
    """An agent both outgoing and incoming (the GB market's D0170 to self) fails the verdict."""
    index, event = next(
        (i, e)
        for i, e in enumerate(rich_journal)
        if e.get("kind") == "delivered"
        and e.get("network") == "DTN"
        and e.get("message") == "D0010"
    )
    mutated = list(rich_journal)
    mutated[index] = {**event, "recipient": event["sender"]}
    lines = format_verdict(check_journal(mutated))
    sender, mpan = event["sender"], event["mpan"]
    assert [
        line
        for line in lines
        if line.startswith(f"wrong party: {mpan} ")
        and line.endswith(f"D0010 from {sender} (NHHDC) to {sender} (NHHDC): sent to itself")
    ]
    assert lines[-1].startswith("verdict: FAILED")
    assert not [line for line in format_verdict(check_journal(rich_journal)) if "itself" in line]
