"""How virtual time moves while real systems take part: lockstep or the (scaled) wall clock.

**Lockstep** (the default): deliveries due at the instant the market is at go
on at once; before virtual time moves on, the market stands still until no
call to or from a real system is outstanding (webhooks queued or in flight,
requests being answered) and the real systems have been quiet for
``quiet_seconds`` of wall-clock time (so what a system sends right after
answering a webhook still comes in before time moves). Then it jumps to the
next due delivery: a month of market runs as fast as the real systems answer.

**Real clock**: virtual time follows the wall clock, ``time_scale`` virtual
seconds per second; an input is taken at the virtual instant its arrival
corresponds to. Webhooks still never wait on the broker: when more than
``high_water`` calls are queued, the market waits for them (backpressure).

Either way, inputs are let in only while the market stands still between
batches (:meth:`ServePacer.wait`), and the run ends once nothing is due,
nothing is outstanding and the systems are quiet (``until_done``), or at the
wall-clock ``deadline``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal

import trio

from market.kernel.broker import Broker
from market.serve.errors import MarketClosedError
from market.serve.outlet import HttpOutlet
from market.serve.port import Turn

ClockMode = Literal["lockstep", "real"]
CLOCK_MODES: Final[tuple[ClockMode, ...]] = ("lockstep", "real")
#: Calls queued to real systems past which, on the real clock, the market waits for them.
DEFAULT_HIGH_WATER: Final = 1_000


class ServePacer(Turn):
    """The pacer of a served market, and the turn its inputs wait for; see the module docstring."""

    def __init__(
        self,
        broker: Broker,
        outlet: HttpOutlet,
        *,
        clock: ClockMode = "lockstep",
        time_scale: float = 1.0,
        quiet_seconds: float = 0.02,
        until_done: bool = False,
        deadline: float | None = None,
        high_water: int = DEFAULT_HIGH_WATER,
    ) -> None:
        self.broker = broker
        self.outlet = outlet
        self.clock = clock
        self.time_scale = time_scale
        self.quiet_seconds = quiet_seconds
        self.until_done = until_done
        self.deadline = deadline
        self.high_water = high_water
        #: Why the run stopped: ``"done"``, ``"timeout"`` or ``None`` while it runs.
        self.stopped: str | None = None
        self.inbound = 0
        self._point = 0
        self._parked = False
        self._changed = trio.Event()
        self._last_activity = 0.0
        self._origin: tuple[float, datetime] | None = None
        self.lockstep_waits = 0
        self.lockstep_seconds = 0.0
        outlet.on_change = self.notify

    # ------------------------------------------------------------- the turn

    @property
    def point(self) -> int:
        """How many times the runtime has asked before a batch: where an input taken now goes."""
        return self._point

    async def wait(self) -> None:
        """Return once the market stands still between batches (an input may be applied).

        Raises :class:`MarketClosedError` once the run is over: nothing can be applied.
        """
        while not self._parked:
            if self.stopped is not None:
                raise MarketClosedError(self.stopped)
            await self._next_change()

    def input_instant(self) -> datetime | None:
        """On the real clock, the virtual instant now is (never past the next due delivery)."""
        if self.clock != "real" or self._origin is None:
            return None
        wall, virtual = self._origin
        at = virtual + timedelta(seconds=(trio.current_time() - wall) * self.time_scale)
        due = self.broker.next_due_at()
        return min(at, due) if due is not None else at

    def arrived(self) -> None:
        """A call from a real system came in (it is outstanding until :meth:`answered`)."""
        self.inbound += 1
        self.notify()

    def answered(self) -> None:
        """A call from a real system was answered."""
        self.inbound -= 1
        self.notify()

    def notify(self) -> None:
        """Something a real system did: an input, an answer, a webhook call ending."""
        self._last_activity = trio.current_time()
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def _next_change(self, timeout: float | None = None) -> None:
        changed = self._changed
        limit = float("inf") if timeout is None else timeout
        if self.deadline is not None:
            limit = min(limit, max(0.0, self.deadline - trio.current_time()))
        with trio.move_on_after(limit):
            await changed.wait()

    # ------------------------------------------------------------ the pacer

    async def before_batch(self, batches: int) -> bool:
        """Let inputs in and hold virtual time as the module docstring says; ``False`` to stop."""
        self._point += 1
        broker = self.broker
        if self._origin is None:
            self._origin = (trio.current_time(), broker.clock.now)
            self._last_activity = trio.current_time()
        due = broker.next_due_at()
        if due is not None and due <= broker.clock.now and self.inbound == 0:
            return True  # the same instant: time does not move
        started = trio.current_time()
        self._parked = True
        self._wake()
        try:
            going_on = await self._until_ready()
        finally:
            self._parked = False
            self._wake()
        self.lockstep_waits += 1
        self.lockstep_seconds += trio.current_time() - started
        return going_on

    def _timed_out(self) -> bool:
        if self.deadline is not None and trio.current_time() >= self.deadline:
            self.stopped = "timeout"
            return True
        return False

    async def _until_ready(self) -> bool:
        broker = self.broker
        while True:
            if self._timed_out():
                return False
            now = trio.current_time()
            outstanding = self.inbound > 0 or (
                self.outlet.busy
                if self.clock == "lockstep"
                else self.outlet.pending > self.high_water
            )
            if outstanding:
                await self._next_change()
                continue
            quiet_left = self.quiet_seconds - (now - self._last_activity)
            due = broker.next_due_at()
            if due is None:
                if quiet_left > 0 or self.outlet.busy:
                    await self._next_change(max(quiet_left, 0.0) or None)
                    continue
                if self.until_done:
                    self.stopped = "done"
                    return False
                await self._next_change()
                continue
            if self.clock == "lockstep":
                if due <= broker.clock.now:
                    return True
                if quiet_left > 0:
                    await self._next_change(quiet_left)
                    continue
                return True
            wait = self._wall_seconds_until(due)
            if wait > 0:
                await self._next_change(wait)
                continue
            return True

    def _wall_seconds_until(self, due: datetime) -> float:
        assert self._origin is not None
        wall, virtual = self._origin
        return wall + (due - virtual).total_seconds() / self.time_scale - trio.current_time()
