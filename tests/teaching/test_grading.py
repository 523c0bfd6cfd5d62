"""The grader, on a correct and on wrong learner implementations of the incoming data collector."""

from __future__ import annotations

from pathlib import Path

import pytest

from actors.markets.default import build_market
from market.byo.loading import load_participant_class
from market.cli.main import main
from market.kernel.exceptions import UsageError
from market.kernel.ids import Role
from market.messages.dtn import D0011, D0155, Address
from market.participant import Context, Participant
from market.tools.grading import SCENARIOS, grade

LEARNER = Path(__file__).resolve().parents[2] / "examples" / "learner"


class AcceptsOnly(Participant):
    """A wrong data collector: accepts its appointments, then never settles a reading."""

    def on_message(self, ctx: Context, message: object) -> None:
        """Answer D0155 with D0011; ignore everything else."""
        if isinstance(message, D0155):
            ctx.send_flow(
                D0011,
                to=Address(mpid=message.supplier_mpid, role=Role.SUPPLIER),
                mpan_core=message.mpan_core,
                appointed_role=message.appointed_role,
                effective_from_date=message.effective_from_date,
                contract_reference=message.contract_reference,
            )


class Raises(Participant):
    """A wrong data collector whose handler raises on the first message."""

    def on_message(self, ctx: Context, message: object) -> None:
        """Fail as a half-written exercise does."""
        raise KeyError("site not found")


def test_model_answer_passes_every_scenario() -> None:
    """The guide's model answer sends what the built-in data collector sends, everywhere."""
    learner = load_participant_class(f"{LEARNER / 'model_answer.py'}:DataCollector")
    result = grade(learner, build_market=build_market)
    assert result.passed, [s.findings for s in result.scenarios]
    assert len(result.scenarios) == len(SCENARIOS)


def test_wrong_learner_is_told_which_step_never_happened_and_to_whom() -> None:
    """A DC that never settles hears it never sent D0086 to each supplier nor D0019 to the DA."""
    result = grade(AcceptsOnly, build_market=build_market, scenarios=SCENARIOS[:1])
    assert not result.passed
    findings = result.scenarios[0].findings
    assert any(
        "your data collector never sent D0086 to SUP-MHSA (step T6: Legacy DC settles the CoS "
        "reading, tells both suppliers)" in finding
        for finding in findings
    )
    assert any("never sent D0019 to NHHDA-NDAG (step T7" in finding for finding in findings)
    assert not any("D0011" in finding for finding in findings)


def test_a_learner_that_raises_is_told_what_and_on_which_message() -> None:
    """A crash is reported with the exception and the message and MPAN it was handling."""
    result = grade(Raises, build_market=build_market, scenarios=SCENARIOS[:1])
    first = result.scenarios[0].findings[0]
    assert first.startswith(
        "your data collector raised KeyError: 'site not found' (while handling D0155"
    )


def test_skeleton_fails_with_the_first_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    """market grade on the untouched skeleton exits 1 and says D0011 was never sent."""
    assert (
        main(
            ["grade", f"{LEARNER / 'data_collector.py'}:DataCollector", "--scenario", "traditional"]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "FAIL  traditional (exercises 1–2)" in out
    assert "your data collector never sent D0011 to SUP-LGSB (step C10" in out
    assert out.rstrip().endswith("0 of 1 scenarios passed")


def test_loading_something_that_is_not_a_participant_is_a_usage_error() -> None:
    """A name that is not a Participant subclass, or a missing file, is refused with advice."""
    with pytest.raises(UsageError, match=r"subclass market\.participant\.Participant"):
        load_participant_class("market.tools.grading:grade")
    with pytest.raises(UsageError, match="there is no file"):
        load_participant_class("missing.py:DataCollector")
