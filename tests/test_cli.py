"""The ``market run`` command-line contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli import main
from market.journal import JOURNAL_KEYS


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
    lines = [json.loads(line) for line in path.read_text().splitlines()]
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
