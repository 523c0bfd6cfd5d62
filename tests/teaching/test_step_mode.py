"""Step mode: explain each delivered message, pause for the reader, quit on q; never hang in CI."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from market.cli.main import main
from market.kernel.journal import JournalEvent
from market.teaching import QuitRequestedError, Stepper

AT = datetime(2026, 2, 27, 16, 0, 3, tzinfo=UTC)


def _publication(seq: int) -> JournalEvent:
    return JournalEvent(
        seq=seq,
        at=AT,
        kind="delivered",
        network="DIP",
        message="PUB-003",
        event_code="[ReverseMigNotification]",
        sender="DIP",
        recipient="MDS",
        mpan="1935657896617",
        step="C8",
    )


def test_stepper_explains_and_waits_then_quits_on_q() -> None:
    """Each delivery is explained and followed by a prompt; Enter goes on, q stops the run."""
    out = io.StringIO()
    answers = iter(["\n", "q\n"])
    stepper = Stepper(out=out, read_line=lambda: next(answers))
    stepper(_publication(0))
    with pytest.raises(QuitRequestedError, match="after 2 delivered messages"):
        stepper(_publication(1))
    text = out.getvalue()
    assert "PUB-003 [ReverseMigNotification]   DIP → MDS" in text
    assert "step C8: DIP publishes it to MDS, LDSO and the outgoing supplier" in text
    assert "(due: seconds after C7)" in text
    assert text.count("[Enter] next message") == 2


def test_stepper_without_a_terminal_never_reads() -> None:
    """With no terminal the stepper tells every message and never waits for input."""
    out = io.StringIO()
    stepper = Stepper(out=out, read_line=None)
    for seq in range(3):
        stepper(_publication(seq))
    assert stepper.delivered == 3 and "[Enter]" not in out.getvalue()


def test_run_step_without_a_terminal_finishes(capsys: pytest.CaptureFixture[str]) -> None:
    """'market run --step' under pytest (no terminal) explains each message and completes."""
    assert main(["run", "--step", "--mpans", "1"]) == 0
    out = capsys.readouterr().out
    assert "step T6: Legacy DC settles the CoS reading, tells both suppliers" in out
    assert "Outcome: 1 of 1 MPANs completed" in out


class _Terminal(io.StringIO):
    """A fake terminal on standard input that answers q at the first pause."""

    def isatty(self) -> bool:
        """Pretend to be a terminal, so step mode pauses."""
        return True


def test_run_step_quits_when_the_reader_types_q(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a terminal, typing q at the first pause stops the run with exit status 0."""
    monkeypatch.setattr("sys.stdin", _Terminal("q\n"))
    assert main(["run", "--step", "--mpans", "1"]) == 0
    out = capsys.readouterr().out
    assert "stopped at your request after 1 delivered messages" in out
    assert "Outcome:" not in out
