"""Fault experiments: reports are values, reproducible from the seed, replayable by command."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import attrs
import pytest

from market.cli.main import main
from market.experiments.experiment import (
    Experiment,
    ExperimentReport,
    format_report,
    passes_every_check,
    run_experiment,
)
from market.experiments.report import (
    build_report,
    count_faults,
    count_recovery,
    last_step_dates,
    touched_mpans,
    unplanned_crashes,
)
from market.faults import FaultPlan, Loss, Scope
from market.kernel.journal import closing_line, digest_lines, read_journal_lines
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec

LOSSY_DIP = """
[[fault]]
kind = "loss"
probability = 0.3
network = "DIP"
"""
REGS_LOSES_ITS_STATE = """
[[fault]]
kind = "crash"
participant = "REGS-19"
at = "day 2 16:02"
restart = { mode = "lose" }
"""


def _experiment(tmp_path: Path, plan: str, **fields: Any) -> Experiment:
    faults = tmp_path / "plan.toml"
    faults.write_text(plan, encoding="utf-8")
    return Experiment(
        name="test",
        hypothesis="every MPAN completes",
        holds=passes_every_check,
        faults=faults,
        **({"mpans": 3} | fields),
    )


def test_same_experiment_and_seed_give_identical_reports(tmp_path: Path) -> None:
    """Two runs of one experiment under one seed give equal reports and equal report lines."""
    experiment = _experiment(tmp_path, LOSSY_DIP)
    first = run_experiment(experiment, seed=7, root=tmp_path)
    second = run_experiment(experiment, seed=7, root=tmp_path)
    assert first == second
    assert format_report(first) == format_report(second)
    assert first.seed == 7
    assert first.count("retrying") > 0


def test_the_replay_command_reproduces_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Running the report's command through market.cli.main gives the same journal and report."""
    experiment = _experiment(tmp_path, LOSSY_DIP)
    report = run_experiment(experiment, seed=3, root=tmp_path)
    assert report.replay_command == "market run --mpans 3 --faults plan.toml --seed 3"
    monkeypatch.chdir(tmp_path)
    words = shlex.split(report.replay_command)
    status = main([*words[1:], "--quiet", "--journal", "replay.jsonl"])
    assert status == (0 if report.verdict_ok else 1)
    assert f"journal digest {report.journal_digest[:16]}" in capsys.readouterr().out
    *lines, closing = (tmp_path / "replay.jsonl").read_text(encoding="utf-8").splitlines()
    assert digest_lines(lines) == report.journal_digest
    assert closing == closing_line(len(lines), report.journal_digest, signing="modelled")
    replayed = build_report(
        read_journal_lines(lines),
        name=report.name,
        hypothesis=report.hypothesis,
        seed=report.seed,
        mpans=[mpan.mpan for mpan in report.mpans],
        digest=digest_lines(lines),
        replay_command=report.replay_command,
    )
    assert replayed == attrs.evolve(report, hypothesis_holds=None)


def test_a_scenario_file_and_variant_mix_appear_in_the_replay_command(tmp_path: Path) -> None:
    """A scenario file is named with --scenario; a built-in variant mix with --variant."""
    scenario = tmp_path / "scenario.toml"
    scenario.write_text("[market]\nmpans = 2\n", encoding="utf-8")
    experiment = _experiment(tmp_path, LOSSY_DIP, scenario=scenario, mpans=None)
    assert run_experiment(experiment, root=tmp_path).replay_command == (
        "market run --scenario scenario.toml --faults plan.toml --seed 1"
    )
    mixed = ScenarioSpec(mpans=2, variants=VARIANT_MIXES["mixed"])
    experiment = attrs.evolve(experiment, scenario=mixed)
    assert run_experiment(experiment, root=tmp_path).replay_command == (
        "market run --mpans 2 --variant mixed --faults plan.toml --seed 1"
    )


def test_a_plan_given_as_values_has_no_replay_command(tmp_path: Path) -> None:
    """Without a plan file there is no command to replay; the report says to rerun the script."""
    plan = FaultPlan(faults=(Loss(probability=0.1, scope=Scope(network="DIP")),))
    experiment = attrs.evolve(_experiment(tmp_path, LOSSY_DIP), faults=plan)
    report = run_experiment(experiment, root=tmp_path)
    assert report.replay_command is None
    assert "Replay: run this experiment again" in "\n".join(format_report(report))


def test_a_lost_registration_state_leaves_stuck_mpans_owed_by_regs(tmp_path: Path) -> None:
    """Stuck MPANs carry the step they wait for and who owes it; the hypothesis is judged."""
    experiment = _experiment(tmp_path, REGS_LOSES_ITS_STATE)
    report = run_experiment(experiment, root=tmp_path)
    stuck = report.with_outcome("stuck")
    assert stuck and all(mpan.owed_by == ("REGS-19",) for mpan in stuck)
    assert report.hypothesis_holds is False
    assert not report.passed
    assert report.problems[0] == stuck[0].describe()
    assert "owed by REGS-19" in stuck[0].describe()
    assert report.count("restarted") == 1
    assert any(line.startswith("liveness:") for line in report.violations)


def test_faults_recovery_and_crashes_are_read_from_a_hand_written_journal() -> None:
    """Touched MPANs, counts, last-step dates and unplanned crashes come from journal lines."""
    events: list[dict[str, Any]] = [
        {"kind": "delivered", "mpan": "A", "step": "C1", "at": "2026-02-26T09:00:01+00:00"},
        {"kind": "retrying", "mpan": "A"},
        {"kind": "accepted", "mpan": "A", "step": "C7", "at": "2026-02-27T16:00:01+00:00"},
        {"kind": "refused", "mpan": None},
        {
            "kind": "delivered",
            "message": "DIP-RESPONSE",
            "mpan": "B",
            "response": {"messageArray": [{"message": "MSG5003 - Service Unavailable"}]},
        },
        {"kind": "state_changed", "detail": {"event": "dip_submission_resubmitted"}},
        {"kind": "state_changed", "detail": {"event": "appointment_chased"}},
        {"kind": "state_changed", "detail": {"event": "duplicate_ignored"}},
        {"kind": "replay_requested", "sender": "SUP-MHSA"},
        {"kind": "crashed", "sender": "REGS-19", "detail": {"planned": True, "restart": "lose"}},
        {
            "kind": "crashed",
            "sender": "NHHDC-NDCE",
            "message": "D0010",
            "mpan": "C",
            "detail": {"error": "RuntimeError: boom"},
        },
    ]
    assert touched_mpans(events) == {"A": ("retrying",), "B": ("refused",), "C": ("crashed",)}
    assert count_faults(events) == (("crashed", 2), ("refused", 1), ("retrying", 1))
    assert count_recovery(events) == (
        ("appointment_chased", 1),
        ("dip_submission_resubmitted", 1),
        ("duplicate_ignored", 1),
        ("replay_requested", 1),
    )
    assert last_step_dates(events) == {"A": "2026-02-27"}
    assert unplanned_crashes(events) == (
        "crash: NHHDC-NDCE raised RuntimeError: boom handling D0010 (MPAN C)",
    )


def test_the_report_reads_as_sentences(tmp_path: Path) -> None:
    """The console lines name the hypothesis, the counts, each MPAN and the judgement."""
    report: ExperimentReport = run_experiment(_experiment(tmp_path, LOSSY_DIP), root=tmp_path)
    lines = format_report(report)
    assert lines[0] == "Experiment: test"
    assert lines[1] == "Hypothesis: every MPAN completes"
    assert lines[2].startswith("Run: seed 1, 3 MPANs, ")
    assert any(line.startswith("Faults injected: ") and "retrying" in line for line in lines)
    assert sum(line.startswith("  19") for line in lines) == 3
    assert lines[-1] == ("Hypothesis holds" if report.hypothesis_holds else "Hypothesis FAILS")
