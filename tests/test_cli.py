"""The ``market run`` command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli.main import main
from market.kernel.journal import CLOSING_KIND, JOURNAL_KEYS, closed_lines


def test_run_narrates_the_flow_and_reports_every_mpan_completed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no options: a narrated trace with networks, messages and steps, then outcome lines."""
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "IF-003 [ReverseMigNotification] submits" in out
    assert "PUB-003 [DSDeAppRM]" in out
    assert "SUP-LGSB → NHHDC-NDCE" in out
    assert "Outcome: 3 of 3 MPANs completed" in out
    assert "verdict: OK" in out
    assert out.count("│ completed │") == 3


def test_journal_lines_carry_the_contract_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--journal writes one JSON event per line with seq, at, kind, network, message ... step."""
    path = tmp_path / "run.jsonl"
    assert main(["run", "--quiet", "--mpans", "2", "--journal", str(path)]) == 0
    *lines, closing = [json.loads(line) for line in path.read_text().splitlines()]
    assert closing == {
        "kind": CLOSING_KIND,
        "events": len(lines),
        "digest": closing["digest"],
        "signing": "modelled",
    }
    assert [line["seq"] for line in lines] == list(range(len(lines)))
    assert all(set(JOURNAL_KEYS) <= set(line) for line in lines)
    publications = [e for e in lines if e["kind"] == "delivered" and e["message"] == "PUB-003"]
    assert publications and all(
        e["envelope"]["CommonBlock"]["D0"]["publicationID"] == "PUB-003" for e in publications
    )
    assert lines[0]["at"].endswith("+00:00")
    assert "Journal written to" in capsys.readouterr().out


def test_quiet_prints_only_the_outcome(capsys: pytest.CaptureFixture[str]) -> None:
    """--quiet drops the narration but keeps the outcome lines."""
    assert main(["run", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "PUB-003" not in out
    assert "Outcome: 3 of 3" in out


def test_json_log_format_prints_json_lines_with_time_and_participant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--log-format json: every line is a JSON object carrying simulated time and participant."""
    assert main(["run", "--log-format", "json", "--mpans", "1"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["event"] == "message_delivered"
    assert all("at" in line for line in lines)
    assert any(line.get("participant") == "REGS-19" for line in lines)
    assert lines[-2]["event"] == "mpan_outcome_reported" and lines[-2]["completed"] is True
    assert lines[-1]["event"] == "verdict_reported" and lines[-1]["ok"] is True


def test_bad_usage_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    """An impossible option value exits 2 and says what was wrong."""
    with pytest.raises(SystemExit) as exited:
        main(["run", "--mpans", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_unwritable_journal_path_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A journal path that cannot be written is bad input: exit 2 naming the path."""
    assert main(["run", "--quiet", "--journal", str(tmp_path / "missing" / "j.jsonl")]) == 2
    assert "--journal" in capsys.readouterr().err


def test_variant_option_runs_that_variant(capsys: pytest.CaptureFixture[str]) -> None:
    """--variant S runs smart-meter reverse migrations and reports them per path."""
    assert main(["run", "--quiet", "--variant", "S", "--mpans", "2"]) == 0
    out = capsys.readouterr().out
    assert "RM-S: 2 completed, 0 stuck" in out


def test_scenario_file_with_command_line_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--scenario reads the file; --mpans on the command line overrides the file's value."""
    scenario = tmp_path / "s.toml"
    scenario.write_text("[market]\nmpans = 50\n[decisions]\nobjection = 1.0\n")
    assert main(["run", "--quiet", "--scenario", str(scenario), "--mpans", "2"]) == 0
    assert "OBJ: 2 completed, 0 stuck" in capsys.readouterr().out


def test_a_bad_scenario_file_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario with an unknown decision is bad input: exit 2 and the key is named."""
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[decisions]\nobjections = 0.1\n")
    assert main(["run", "--quiet", "--scenario", str(scenario)]) == 2
    assert "objections" in capsys.readouterr().err


def test_check_judges_a_journal_written_earlier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """market check on a good journal exits 0; on a run cut off half way, 1 naming the MPAN."""
    path = tmp_path / "run.jsonl"
    assert main(["run", "--quiet", "--mpans", "1", "--journal", str(path)]) == 0
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert "verdict: OK" in capsys.readouterr().out
    lines = path.read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(line + "\n" for line in closed_lines(lines[: len(lines) // 2])))
    assert main(["check", str(cut)]) == 1
    out = capsys.readouterr().out
    assert "stuck after" in out and "owed by" in out


def test_check_rejects_a_file_that_is_not_a_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not JSON lines exits 2 with the file and line number."""
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    assert main(["check", str(path)]) == 2
    assert "notes.txt:1" in capsys.readouterr().err
