"""A scenario's ``[participants]`` play their parts in every kind of run, and replays match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from market.cli.main import main
from market.experiments.experiment import Experiment, run_experiment
from market.experiments.report import passes_every_check

FORGETFUL = "examples.byo.planted_bugs:ForgetsOutgoing"


def _scenario(folder: Path, participants: str, mpans: int = 2) -> Path:
    path = folder / "scenario.toml"
    path.write_text(f"[market]\nmpans = {mpans}\n\n[participants]\n{participants}\n")
    return path


def _no_faults(folder: Path) -> Path:
    path = folder / "plan.toml"
    path.write_text("# no faults\n")
    return path


def test_a_sweep_plays_the_scenarios_participants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = _scenario(tmp_path, f'NHHDC-NDCE = "{FORGETFUL}"')
    output = tmp_path / "out"
    argv = ["sweep", "--scenario", str(scenario), "--seeds", "2", "--output", str(output)]
    assert main([*argv, "--faults", str(_no_faults(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert "seed 1: FAILED: missing recipient: " in out
    assert "T6 D0086 never reached SUP(out) SUP-MHSA (owed by NHHDC-NDCE)" in out


def test_an_experiment_plays_them_and_its_replay_line_gives_the_same_digest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = _scenario(tmp_path, f'NHHDC-NDCE = "{FORGETFUL}"')
    experiment = Experiment(
        name="forgetful collector",
        hypothesis="the verdict catches the forgotten recipient",
        holds=passes_every_check,
        faults=_no_faults(tmp_path),
        scenario=scenario,
        seed=4,
    )
    report = run_experiment(experiment, root=tmp_path)
    assert not report.verdict_ok
    assert any(v.startswith("missing recipient: ") for v in report.violations)
    assert report.replay_command is not None
    words = report.replay_command.split()
    assert words[:2] == ["market", "run"]
    monkeypatch.chdir(tmp_path)
    assert main([*words[1:], "--quiet"]) == 1
    digest = re.search(r"journal digest ([0-9a-f]{16})", capsys.readouterr().out)
    assert digest is not None
    assert report.journal_digest.startswith(digest.group(1))


def test_grade_accepts_a_scenario_file_and_plays_its_participants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "played"
    supplier = tmp_path / "noting_supplier.py"
    supplier.write_text(
        "from pathlib import Path\n"
        "from examples.byo.simple_supplier import SimpleOutgoingSupplier\n\n"
        "class NotingSupplier(SimpleOutgoingSupplier):\n"
        "    def on_message(self, ctx, message):\n"
        f"        Path({str(marker)!r}).write_text('yes')\n"
        "        super().on_message(ctx, message)\n"
    )
    scenario = _scenario(tmp_path, f'SUP-MHSA = "{supplier}:NotingSupplier"')
    learner = "examples/learner/model_answer.py:DataCollector"
    assert main(["grade", learner, "--scenario", str(scenario)]) == 0
    assert marker.read_text() == "yes"
    assert "scenario" in capsys.readouterr().out


def test_grade_refuses_an_unknown_scenario_name_or_a_bad_participants_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learner = "examples/learner/model_answer.py:DataCollector"
    assert main(["grade", learner, "--scenario", "nope"]) == 2
    assert "--scenario 'nope': no such scenario; use one of traditional" in capsys.readouterr().err
    scenario = _scenario(tmp_path, 'NHHDC-NDCX = "examples.byo.planted_bugs:ForgetsOutgoing"')
    assert main(["grade", learner, "--scenario", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert "NHHDC-NDCX: no participant has that id or role" in err
    assert "Traceback" not in err
