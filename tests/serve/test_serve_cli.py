"""The ``market serve`` and ``market run --replay`` command-line contract.

Bad usage is refused before anything listens (exit 2, naming what is wrong);
a served market with no external participant is the simulated market, digest
for digest; a replay refuses what is not the recording of a served market.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import trio

from market.cli.common import write_journal
from market.cli.main import main
from market.kernel.journal import closed_lines
from market.serve.session import ServeOptions
from tests.serve.support import Receiver, default_setup, served

_DIGEST = re.compile(r"journal digest ([0-9a-f]{16})")


def _serve(tmp_path: Path, *args: str) -> list[str]:
    return ["serve", "--keys", str(tmp_path / "keys"), "--until-done", "--timeout", "30", *args]


def _exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``market argv`` expecting exit 2 (usage, or argparse's); what it said on stderr."""
    try:
        status = main(argv)
    except SystemExit as exited:
        status = exited.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    assert status == 2, (captured.out, captured.err)
    assert "DIP listening" not in captured.out  # refused before anything listens
    return captured.err


def test_an_unknown_participant_is_named_with_the_dip_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _exits_2(_serve(tmp_path, "--external", "NOPE=http://127.0.0.1:1"), capsys)
    assert "--external NOPE: no such participant" in said
    users = said.split("the DIP users are", 1)[1]
    for user in ("LDSO-19", "MDS", "SUP-MHSA", "MSS-MSSD", "REGS-19"):
        assert user in users
    assert "SUP-LGSB" not in users and "NHHDC" not in users  # not DIP users


def test_a_participant_with_no_dip_id_cannot_be_played(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _exits_2(_serve(tmp_path, "--external", "SUP-LGSB=http://127.0.0.1:1"), capsys)
    assert "SUP-LGSB" in said and "is not a DIP user" in said


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("LDSO-19", "write PARTICIPANT_ID=CALLBACK_URL"),
        ("=http://127.0.0.1:1", "write PARTICIPANT_ID=CALLBACK_URL"),
        ("LDSO-19=ftp://127.0.0.1/x", "must be http:// or https://"),
        ("LDSO-19=127.0.0.1:8081", "must be http:// or https://"),
        ("LDSO-19=http://127.0.0.1:1/hook?a=b", "may not carry a query or fragment"),
        ("LDSO-19=http://127.0.0.1:1/hook#top", "may not carry a query or fragment"),
        ("LDSO-19=http://127.0.0.1:99999", "out of range"),
    ],
)
def test_a_malformed_external_is_refused_naming_the_rule(
    value: str, rule: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _exits_2(_serve(tmp_path, "--external", value), capsys)
    assert rule in said and "--external" in said


def test_one_participant_played_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = ["--external", "LDSO-19=http://127.0.0.1:1", "--external", "LDSO-19=http://127.0.0.1:2"]
    said = _exits_2(_serve(tmp_path, *twice), capsys)
    assert "LDSO-19" in said and "given twice" in said


@pytest.mark.parametrize(
    ("option", "value", "rule"),
    [
        ("--rate-limit", "0/1", "N at least 1"),
        ("--rate-limit", "5/0", "SECONDS above 0"),
        ("--rate-limit", "x", "write N/SECONDS"),
        ("--port", "70000", "a port is 0 to 65,535"),
        ("--port", "-1", "a port is 0 to 65,535"),
        ("--retries", "-1", "webhook retries is 0 to 20"),
        ("--quiet-ms", "-5", "quiet interval in milliseconds is 0 to 60,000"),
        ("--concurrency", "0", "webhook concurrency is 1 to 256"),
        ("--timeout", "0", "timeout in seconds"),
        ("--clock", "sundial", "--clock"),
    ],
)
def test_bad_option_values_are_argparse_errors(
    option: str, value: str, rule: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _exits_2(_serve(tmp_path, option, value), capsys)
    assert f"argument {option}" in said and rule in said


def test_a_journal_in_a_missing_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _exits_2(_serve(tmp_path, "--journal", "/no/such/dir/j.jsonl"), capsys)
    assert "--journal /no/such/dir/j.jsonl" in said and "does not exist" in said


def test_serve_help_mentions_lockstep_and_the_endpoints(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"])
    assert exited.value.code == 0
    said = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "lockstep" in said
    for endpoint in ("/dip-channel/{IF}", "replay", "requeue", "deliveryStatus", "/dtn", "/css"):
        assert endpoint in said, endpoint
    assert "DIP listening on http://HOST:PORT" in said


# ------------------------------------------------------------------ replay


def test_replay_of_a_file_that_is_no_journal_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello\n", encoding="utf-8")
    said = _exits_2(["run", "--replay", str(text)], capsys)
    assert str(text) in said
    said = _exits_2(["run", "--replay", str(tmp_path / "missing.jsonl")], capsys)
    assert "cannot read" in said


def test_replay_of_a_simulated_runs_journal_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "run.jsonl"
    assert main(["run", "--quiet", "--mpans", "2", "--journal", str(journal)]) == 0
    capsys.readouterr()
    said = _exits_2(["run", "--replay", str(journal)], capsys)
    assert "no external_onboarded record" in said and "no real system took part" in said


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, events: list[dict[str, object]]) -> None:
    lines = (json.dumps(e, separators=(",", ":")) for e in events)
    path.write_text("\n".join(closed_lines(lines, signing="modelled")) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_replay_of_a_recording_of_another_market_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A served journal replays as recorded; with its onboarding fingerprint changed (the
    closing digest made good again), the rebuilt market is not the one recorded: exit 2."""
    setup = default_setup(mpans=2, seed=3)
    market_args = {
        "scenario": None,
        "seed": 3,
        "mpans": 2,
        "variant": None,
        "faults": None,
        "signing": None,
        "rate_limit": None,
    }
    options = ServeOptions(until_done=True, timeout=30)
    result = trio.run(
        served, setup, {"LDSO-19": Receiver()}, tmp_path / "keys", options, market_args
    )
    recorded = tmp_path / "served.jsonl"
    write_journal(result.result, recorded, signing="modelled")
    assert main(["run", "--replay", str(recorded)]) == 0
    assert "the same as the recording's" in capsys.readouterr().out

    events = _lines(recorded)[:-1]  # without the closing record
    (detail,) = [
        d
        for e in events
        if isinstance(d := e.get("detail"), dict) and d.get("event") == "external_onboarded"
    ]
    assert detail["market"]["fingerprint"] != "0123456789abcdef"
    detail["market"]["fingerprint"] = "0123456789abcdef"
    altered = tmp_path / "altered.jsonl"
    _write(altered, events)
    said = _exits_2(["run", "--replay", str(altered)], capsys)
    assert "is not the one recorded" in said and "0123456789abcdef" in said


# ------------------------------------------------------- a served market, end to end


def _digest_of(text: str) -> str:
    found = _DIGEST.findall(text)
    assert found, text
    return str(found[-1])


@pytest.mark.slow
def test_serving_with_no_external_is_the_simulated_market(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [sys.executable, "-m", "market.cli.main", "serve", "--port", "0", "--until-done"]
    command += ["--keys", str(tmp_path / "keys"), "--timeout", "60"]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    first, *_ = done.stdout.splitlines()
    assert re.fullmatch(r"DIP listening on http://127\.0\.0\.1:\d+", first), first
    assert "no --external participant" in done.stderr
    assert (tmp_path / "keys" / "market.json").is_file()
    assert main(["run", "--quiet"]) == 0
    simulated = capsys.readouterr().out
    assert _digest_of(done.stdout) == _digest_of(simulated)
