"""The benchmark's kernel yardstick: the simulator's own kernel moving trivial messages.

The broker, delivery queue, journal and runtime run as in a market, but the
participants do no domain work: each :class:`HopActor` answers a
:class:`BenchHop` by sending the hops that :data:`~market.tools.bench_pattern.RM_PATTERN`
says it causes. Every reverse migration follows the pattern on its own (59
deliveries, the same dozen actors, the same fan-out and virtual-time spacing),
and all of them start at the same instant, as in ``market bench``. What is left
to measure is the kernel's cost per message.

A :class:`BenchHop` is a CSS message, but the CSS interface carries only the
switching events it knows, from the party entitled to send each
(:mod:`market.networks.css_senders`) and with one latency for all. So the
broker is given one more network in front of its own, :class:`HopNetwork`,
which carries bench hops through the same :class:`~market.networks.wire.Wire`
as every network (journalled ``sent``, through the fault component, onto the
queue), each with its hop's delay as latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import ClassVar, Final

import attrs
import trio

from market.identity import ParticipantIdentity
from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.event_kinds import EventKind
from market.kernel.ids import Role, mpan_check_digit
from market.kernel.journal import Journal
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.kernel.vocabulary import CSS, no_steps
from market.messages.css import CssMessage
from market.messages.rendering import render_payload
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.networks.wire import Wire
from market.participant import Context, Participant
from market.runtime.runtime import RunStatistics, Runtime
from market.tools.bench_pattern import RM_PATTERN, Pattern
from market.tools.bench_timing import Level, level_of, needs_another_run

#: When every reverse migration starts (virtual time).
START_AT: Final = datetime(2026, 2, 26, 9, 0, tzinfo=UTC)


@attrs.frozen(kw_only=True, slots=True)
class BenchHop(CssMessage):
    """A trivial message: hop ``hop`` of the pattern, for reverse migration ``rm``."""

    message_name: ClassVar[str] = "BenchHop"

    rm: int
    hop: int


class HopNetwork:
    """Carries :class:`BenchHop` messages to the pattern's recipient after the hop's delay."""

    __slots__ = ("_latencies", "_recipients", "wire")

    def __init__(self, wire: Wire, pattern: Pattern) -> None:
        self.wire = wire
        self._recipients = tuple(pattern.actors[hop.recipient] for hop in pattern.hops)
        self._latencies = tuple(timedelta(seconds=hop.delay) for hop in pattern.hops)

    def carries(self, message: object) -> bool:
        """Bench hops travel here."""
        return isinstance(message, BenchHop)

    def send(self, sender: str, message: object) -> None:
        """Journal ``message`` sent and queue it for its hop's recipient."""
        assert isinstance(message, BenchHop)
        hop = message.hop
        self.wire.send_addressed(
            network=CSS,
            label=BenchHop.message_name,
            sender=sender,
            recipient=self._recipients[hop],
            mpan=message.mpan_core,
            payload=message,
            latency=self._latencies[hop],
        )


class HopActor(Participant):
    """A trivial participant: on each hop it sends the hops the pattern says it causes."""

    def __init__(self, identity: ParticipantIdentity, pattern: Pattern) -> None:
        super().__init__(identity)
        self._children = pattern.children
        self._roles = tuple(Role(pattern.roles[hop.recipient]) for hop in pattern.hops)

    def on_message(self, ctx: Context, message: object) -> None:
        """Send the next hops of ``message``'s reverse migration."""
        if isinstance(message, BenchHop):
            roles = self._roles
            for child in self._children[message.hop]:
                ctx.send(
                    BenchHop(
                        mpan_core=message.mpan_core, to_role=roles[child], rm=message.rm, hop=child
                    )
                )


def bench_mpan(rm: int) -> str:
    """A valid MPAN core for reverse migration ``rm`` (distributor 19, as the built-in market)."""
    first_twelve = f"19{rm:010d}"
    return f"{first_twelve}{mpan_check_digit(first_twelve)}"


@attrs.frozen(kw_only=True)
class KernelMarket:
    """A kernel ready to run ``concurrent`` reverse migrations of trivial messages."""

    concurrent: int
    pattern: Pattern
    journal: Journal
    broker: Broker
    runtime: Runtime

    def completed(self) -> int:
        """Reverse migrations whose terminal hop has been delivered (read from the journal)."""
        terminal = self.pattern.terminal
        return sum(
            1
            for e in self.journal
            if e.kind == EventKind.DELIVERED
            and isinstance(e.payload, BenchHop)
            and e.payload.hop == terminal
        )


def kernel_market(
    concurrent: int,
    *,
    pattern: Pattern = RM_PATTERN,
    calendar: SettlementCalendar | None = None,
    wrap: Callable[[Participant], Participant] | None = None,
) -> KernelMarket:
    """Wire journal, directory, broker and runtime around one :class:`HopActor` per actor.

    Every reverse migration's first hop is injected at :data:`START_AT`. ``wrap``
    replaces each participant (a test's schedule-perturbing wrapper).
    """
    participants: list[Participant] = [
        HopActor(ParticipantIdentity(participant_id=actor, role=Role(role)), pattern)
        for actor, role in zip(pattern.actors, pattern.roles, strict=True)
    ]
    if wrap is not None:
        participants = [wrap(p) for p in participants]
    journal = Journal(render_payload)
    directory = Directory(p.identity for p in participants)
    broker = Broker(
        directory=directory,
        journal=journal,
        clock=VirtualClock(START_AT),
        routes=default_routes(),
        mpan_roles=MpanRoleMap(),
    )
    wire = Wire(
        directory=directory,
        journal=journal,
        queue=broker.queue,
        faults=broker.faults,
        latencies=broker.latencies,
        classify_step=no_steps,
        dead_letters=broker.dead_letters,
    )
    broker.networks = (HopNetwork(wire, pattern), *broker.networks)
    root = pattern.hops[pattern.root]
    first, role = pattern.actors[root.recipient], Role(pattern.roles[root.recipient])
    for rm in range(concurrent):
        mpan = bench_mpan(rm)
        hop = BenchHop(mpan_core=mpan, to_role=role, rm=rm, hop=pattern.root)
        broker.inject(START_AT, first, hop, mpan=mpan, label=BenchHop.message_name)
    runtime = Runtime(
        broker=broker,
        participants=participants,
        calendar=calendar or SettlementCalendar(),
        seed=1,
    )
    return KernelMarket(
        concurrent=concurrent, pattern=pattern, journal=journal, broker=broker, runtime=runtime
    )


@attrs.frozen(kw_only=True)
class KernelRun:
    """One timed run: its market (journal included), statistics and phase marks."""

    market: KernelMarket
    statistics: RunStatistics
    #: Seconds from every task started to the last batch handled.
    seconds: float
    #: Seconds to start and to stop the participants' tasks.
    fixed: float


def _mark(marks: dict[str, float], phase: str) -> None:
    marks[phase] = time.perf_counter()


def run_kernel_once(
    concurrent: int, *, pattern: Pattern = RM_PATTERN, calendar: SettlementCalendar | None = None
) -> KernelRun:
    """Build a kernel market and run it, timed as :func:`market.tools.bench.run_level` times."""
    market = kernel_market(concurrent, pattern=pattern, calendar=calendar)
    marks = {"launched": time.perf_counter()}
    statistics = trio.run(partial(market.runtime.run, on_phase=partial(_mark, marks)))
    marks["ended"] = time.perf_counter()
    return KernelRun(
        market=market,
        statistics=statistics,
        seconds=marks["drained"] - marks["started"],
        fixed=marks["started"] - marks["launched"] + marks["ended"] - marks["drained"],
    )


def run_kernel_level(concurrent: int, raw: float, *, pattern: Pattern = RM_PATTERN) -> Level:
    """Run ``concurrent`` simultaneous reverse migrations of trivial messages; time delivery.

    As :func:`market.tools.bench.run_level`: the clock runs between the
    runtime's ``started`` and ``drained`` marks, and a level that takes under
    :data:`~market.tools.bench_timing.MIN_TIMED_SECONDS` is run again on a fresh
    kernel (up to :data:`~market.tools.bench_timing.MAX_REPEATS` runs), figures added up.
    """
    calendar = SettlementCalendar()
    deliveries = completed = runs = 0
    seconds = fixed = 0.0
    while needs_another_run(runs, seconds):
        run = run_kernel_once(concurrent, pattern=pattern, calendar=calendar)
        seconds += run.seconds
        fixed += run.fixed
        deliveries += run.statistics.deliveries
        completed += run.market.completed()
        runs += 1
    return level_of(
        concurrent,
        runs=runs,
        deliveries=deliveries,
        completed=completed,
        seconds=seconds,
        fixed=fixed,
        raw=raw,
    )
