"""The pytest plugin for participant authors: its fixtures, and that pytest finds it installed."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from importlib.metadata import entry_points

import pytest

from examples.own_participant.aggregator import SettlementAggregator
from market import Context, Participant, ParticipantIdentity, Role
from market.byo.participant_testing import (
    DEFAULT_START,
    bare_context,
    run_with_participants,
    sent_messages,
)
from market.kernel.exceptions import ScenarioError

pytest_plugins = ["pytester"]

AGGREGATOR = ParticipantIdentity(
    participant_id="NHHDA-NDAG", role=Role.NHH_DATA_AGGREGATOR, mpid="NDAG"
)


class _ForgetfulAggregator(Participant):
    """A buggy aggregator: it never answers an appointment."""

    def on_message(self, ctx: Context, message: object) -> None:
        ctx.record("message_ignored", kind=type(message).__name__)


def test_the_plugin_is_installed_as_a_pytest11_entry_point() -> None:
    """``pip install`` registers the plugin, so other projects' pytest runs load it."""
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins.get("mhhs_market") == "market.byo.pytest_plugin"


@pytest.mark.slow
def test_a_fresh_pytest_run_gets_both_fixtures_without_importing_them(
    pytester: pytest.Pytester,
) -> None:
    """A user's test file names the fixtures as arguments and nothing else; it passes."""
    pytester.makepyfile(
        test_user=textwrap.dedent(
            """
            from market import D0011, D0153, Address, Context, Participant, ParticipantIdentity
            from market import Role
            from market.byo.participant_testing import sent_messages

            class Aggregator(Participant):
                def on_message(self, ctx: Context, message: object) -> None:
                    if isinstance(message, D0153):
                        ctx.send_flow(
                            D0011,
                            to=Address(mpid=message.supplier_mpid, role=Role.SUPPLIER),
                            mpan_core=message.mpan_core,
                            appointed_role=message.appointed_role,
                            effective_from_date=message.effective_from_date,
                            contract_reference=message.contract_reference,
                        )

            def test_whole_market(market_run):
                run = market_run({"NHHDA-NDAG": Aggregator}, mpans=1)
                assert run.ok, run.summary()
                assert run.messages_sent() == ["D0011"]

            def test_one_handler(participant_context):
                identity = ParticipantIdentity(
                    participant_id="NHHDA-NDAG", role=Role.NHH_DATA_AGGREGATOR, mpid="NDAG"
                )
                ctx = participant_context(Aggregator(identity))
                Aggregator(identity).on_message(ctx, "junk")
                assert sent_messages(ctx) == []
            """
        )
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--rootdir", ".")
    result.assert_outcomes(passed=2)


def test_a_run_reports_the_verdict_and_what_the_played_participant_sent_and_received() -> None:
    """The verdict is the market's; sent/received are the played participant's journal lines."""
    run = run_with_participants({"NHHDA-NDAG": SettlementAggregator}, mpans=2, seed=3)
    assert run.ok, run.summary()
    assert run.played == ("NHHDA-NDAG",)
    assert run.messages_sent() == ["D0011", "D0011"]
    assert all(e["sender"] == "NHHDA-NDAG" for e in run.sent())
    assert all(e["recipient"] == "NHHDA-NDAG" for e in run.received())
    assert run.messages_received().count("D0153") == 2
    assert run.messages_received().count("D0019") == 2


def test_a_participant_that_never_answers_shows_in_what_it_sent_and_in_the_verdict() -> None:
    """The market routes round one silent aggregator (the supplier appoints the backup), so
    check what yours sent; when every aggregator is silent the verdict fails and says why."""
    one = run_with_participants({"NHHDA-NDAG": _ForgetfulAggregator}, mpans=1)
    assert one.messages_sent() == []
    assert "D0153" in one.messages_received()
    every = run_with_participants({"NHHDA": _ForgetfulAggregator}, mpans=1)
    assert not every.ok
    assert "stuck after C10" in every.summary() and "verdict: FAILED" in every.summary()


def test_several_played_participants_must_be_named() -> None:
    """A role target plays several participants: sent() asks which one."""
    run = run_with_participants({"NHHDA": SettlementAggregator}, mpans=1)
    assert len(run.played) > 1 and "NHHDA-NDAG" in run.played
    with pytest.raises(ValueError, match="say which one"):
        run.sent()
    assert run.messages_sent("NHHDA-NDAG") == ["D0011"]


def test_bad_requests_are_refused_with_what_to_do() -> None:
    """An unknown target or variant is an error naming it, not a silent default run."""
    with pytest.raises(ScenarioError, match="NHHDA-NDAX"):
        run_with_participants({"NHHDA-NDAX": SettlementAggregator})
    with pytest.raises(ValueError, match="variant 'Q'"):
        run_with_participants({"NHHDA-NDAG": SettlementAggregator}, variant="Q")


def test_a_bare_context_stands_at_its_instant_and_keeps_what_was_sent() -> None:
    """No market behind it: ctx.now is the instant given, sends stay in the outbox."""
    aggregator = SettlementAggregator(AGGREGATOR)
    at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    ctx = bare_context(aggregator, at=at)
    assert ctx.now == at and ctx.identity == aggregator.identity
    assert bare_context(aggregator).now == DEFAULT_START
    aggregator.on_message(ctx, "junk")
    assert sent_messages(ctx) == []
    assert [getattr(e, "event", None) for e in ctx.outbox] == ["message_ignored"]
    with pytest.raises(ValueError, match="aware"):
        bare_context(aggregator, at=datetime(2026, 3, 2, 10))  # noqa: DTZ001  (the point)
