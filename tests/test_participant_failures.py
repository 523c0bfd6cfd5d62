"""A user's participant that raises is a finding; one that cannot be used is refused in a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors.legacy.nhh_agents import NhhDataCollector
from market.checks import check_journal, format_verdict
from market.cli.main import main
from market.kernel.journal import read_journal_lines
from market.participant import Context


class RaisesOnD0150(NhhDataCollector):
    """An incoming collector whose code raises on the meter technical details."""

    @classmethod
    def replacing(cls, built_in: NhhDataCollector) -> RaisesOnD0150:
        made = cls.__new__(cls)
        made.__dict__.update(built_in.__dict__)
        return made

    def on_message(self, ctx: Context, message: object) -> None:
        if type(message).__name__ == "D0150":
            raise KeyError("register_id")
        super().on_message(ctx, message)


def test_a_participant_that_raises_gets_a_journal_and_a_verdict_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "run.jsonl"
    target = "NHHDC-NDCE=tests.test_participant_failures:RaisesOnD0150"
    code = main(
        ["run", "--quiet", "--mpans", "2", "--participant", target, "--journal", str(journal)]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" not in out
    crash = [line.strip() for line in out.splitlines() if line.strip().startswith("crash:")]
    assert crash[0].startswith("crash: NHHDC-NDCE crashed handling D0150 (MPAN ")
    assert crash[0].endswith("KeyError: 'register_id'")
    assert crash[1] == "crash: left 2 MPANs unfinished: 1952499358227, 1994174638915"
    assert "verdict: FAILED" in out
    # The journal was written, and judging it again finds the same crash.
    events = list(read_journal_lines(journal.read_text().splitlines()))
    assert any(event["kind"] == "crashed" for event in events)
    again = format_verdict(check_journal(events))
    assert crash[0] in again
    assert main(["check", str(journal)]) == 1


def test_a_supervised_crash_is_not_a_finding_of_its_own() -> None:
    """A crash the journal says was restarted (``restart`` in its detail) is no finding."""
    base = {"at": "2026-03-02T10:00:00+00:00", "sender": "REGS-19", "recipient": "REGS-19"}
    restarted = {
        **base,
        "seq": 0,
        "kind": "crashed",
        "detail": {"restart": "keep", "planned": True},
    }
    assert check_journal([restarted]).crashes == ()
    bug = {**base, "seq": 0, "kind": "crashed", "detail": {"error": "KeyError: 'x'"}}
    given_up = {**base, "seq": 1, "kind": "gave_up", "detail": {"restarts": 3}}
    verdict = check_journal([bug, given_up])
    assert not verdict.ok
    assert [crash.error for crash in verdict.crashes] == [
        "KeyError: 'x'",
        "given up after 3 restarts",
    ]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("NHHDC-NDCE", "write TARGET=package.module:Class"),
        ("NHHDC-NDCE=tests.test_participant_failures", "write TARGET=package.module:Class"),
        ("NHHDC-NDCE=no_such_module_here:X", "cannot import no_such_module_here"),
        ("NHHDC-NDCE=BROKEN:Collector", "SyntaxError"),
        ("NHHDC-NDCE=tests.test_participant_failures:Path", "is not a participant class"),
        ("NHHDC-NDCE=market.participant:Participant", "does not define on_message"),
        ("NHHDC-NDCE=actors.legacy.nhh_agents:NhhDataCollector", "YourClass(identity) raised"),
        (
            "SUP-LGSB=tests.test_participant_failures:RaisesOnD0150",
            "it is a NhhDataCollector, which plays NHHDC, and SUP-LGSB is a SUP",
        ),
        ("NHHDC-XXXX=tests.test_participant_failures:RaisesOnD0150", "no participant has that id"),
        ("NHHDC-NDCE=missing.py:Collector", "there is no file missing.py"),
    ],
)
def test_every_unusable_participant_is_refused_in_one_line(
    value: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def collector(:\n")
    value = value.replace("BROKEN", str(broken))
    assert main(["run", "--quiet", "--mpans", "1", "--participant", value]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert says in err
    assert "Traceback" not in err


def test_a_file_form_plays_a_participant_in_market_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "own_collector.py"
    own.write_text(
        "from tests.test_participant_failures import RaisesOnD0150\n"
        "class Quiet(RaisesOnD0150):\n"
        "    def on_message(self, ctx, message):\n"
        "        return super(RaisesOnD0150, self).on_message(ctx, message)\n"
    )
    code = main(["run", "--quiet", "--mpans", "1", "--participant", f"NHHDC-NDCE={own}:Quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert "NHHDC-NDCE played by participant_own_collector:Quiet" in captured.err
    assert "verdict: OK" in captured.out
