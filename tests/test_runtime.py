"""The actor runtime: start handshake, batching, timers, async handlers, crashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.exceptions import ParticipantCrashedError
from market.kernel.ids import Role
from market.kernel.journal import Journal
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.participant import Context, Participant, ParticipantIdentity
from market.runtime.runtime import Runtime

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@attrs.frozen
class Tick:
    """A timer payload carrying a counter."""

    n: int


class Ticker(Participant):
    """Sets ``count`` timers at start, all due at the same instant, and records each firing."""

    def __init__(self, identity: ParticipantIdentity, count: int) -> None:
        super().__init__(identity)
        self.count = count
        self.fired: list[tuple[datetime, int]] = []

    def on_start(self, ctx: Context) -> None:
        for n in range(self.count):
            ctx.set_timer_after(timedelta(hours=1), Tick(n))

    def on_message(self, ctx: Context, message: object) -> None:
        assert isinstance(message, Tick)
        self.fired.append((ctx.now, message.n))
        if message.n == 0:
            ctx.record("first_tick_seen", count=self.count)


class AsyncTicker(Ticker):
    """The same, with an ``async def on_message`` (for participants doing real I/O)."""

    async def on_message(self, ctx: Context, message: object) -> None:  # type: ignore[override]
        super().on_message(ctx, message)


class Crasher(Participant):
    """Raises on its first message: a bug in participant code."""

    def on_start(self, ctx: Context) -> None:
        ctx.set_timer_after(timedelta(minutes=5), Tick(0))

    def on_message(self, ctx: Context, message: object) -> None:
        raise ValueError("participant bug")


def _runtime(*participants: Participant) -> Runtime:
    directory = Directory(p.identity for p in participants)
    broker = Broker(
        directory=directory,
        journal=Journal(),
        clock=VirtualClock(START),
        routes=default_routes(),
        mpan_roles=MpanRoleMap(),
    )
    return Runtime(broker=broker, participants=participants, calendar=SettlementCalendar(), seed=1)


def _identity(pid: str, role: Role) -> ParticipantIdentity:
    return ParticipantIdentity(participant_id=pid, role=role)


async def test_a_participant_drains_its_whole_batch_in_one_wakeup() -> None:
    """Fifty timers due together arrive as one batch: fifty deliveries, one wake-up."""
    ticker = Ticker(_identity("T", Role.MARKETWIDE_DATA_SERVICE), 50)
    stats = await _runtime(ticker).run()
    assert stats.deliveries == 50
    assert stats.wakeups == 1
    assert stats.mailbox_high_water == {"T": 50}
    assert ticker.fired == [(START + timedelta(hours=1), n) for n in range(50)]


async def test_async_handlers_are_awaited() -> None:
    """A participant whose on_message is a coroutine function takes part like any other."""
    ticker = AsyncTicker(_identity("A", Role.MARKETWIDE_DATA_SERVICE), 3)
    runtime = _runtime(ticker)
    await runtime.run()
    assert [n for _, n in ticker.fired] == [0, 1, 2]
    assert [e.detail for e in runtime.broker.journal if e.kind == "state_changed"] == [
        {"event": "first_tick_seen", "count": 3}
    ]


async def test_a_crash_is_journalled_then_raised() -> None:
    """A handler's exception stops the run, after a 'crashed' journal event naming it."""
    runtime = _runtime(Crasher(_identity("C", Role.LDSO)))
    with pytest.raises(ParticipantCrashedError, match="participant C crashed") as caught:
        await runtime.run()
    assert isinstance(caught.value.__cause__, ValueError)
    crashed = [e for e in runtime.broker.journal if e.kind == "crashed"]
    assert len(crashed) == 1
    assert crashed[0].detail == {"error": "ValueError: participant bug"}


async def test_run_stops_at_until_and_leaves_later_deliveries_queued() -> None:
    """With ``until``, the run stops before later deliveries and reports them pending."""
    ticker = Ticker(_identity("T", Role.MARKETWIDE_DATA_SERVICE), 2)
    stats = await _runtime(ticker).run(until=START + timedelta(minutes=30))
    assert ticker.fired == []
    assert stats.pending == 2
