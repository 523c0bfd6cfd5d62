"""A served market: the simulation, its stand-ins, the DIP on HTTP and the webhook outlet, run
together in one trio nursery until the market is done (or the deadline)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import hypercorn.config
import hypercorn.trio
import trio

from market.checks import Verdict
from market.kernel.exceptions import ParticipantCrashedError
from market.messages.dip.signing import SigningKey
from market.networks.dip_defences import RateLimit
from market.participant import Context
from market.process.scenario import MarketSetup
from market.runtime.simulation import RunResult, Simulation, partial_result
from market.serve.http_app import DipApp
from market.serve.onboarding import (
    External,
    market_fingerprint,
    mpans_of,
    onboard,
    write_directory,
)
from market.serve.outlet import DEFAULT_RETRIES, HttpOutlet
from market.serve.pacing import ClockMode, ServePacer
from market.serve.port import Port
from market.serve.stand_in import StandIn
from market.serve.traffic import Traffic


@attrs.frozen(kw_only=True)
class ServeOptions:
    """How ``market serve`` runs: where it listens, how it paces time, when it stops."""

    host: str = "127.0.0.1"
    port: int = 0
    clock: ClockMode = "lockstep"
    time_scale: float = 1.0
    quiet_seconds: float = 0.02
    until_done: bool = False
    timeout: float | None = None
    concurrency: int = 8
    retries: int = DEFAULT_RETRIES
    rate_limit: RateLimit | None = None


@attrs.frozen(kw_only=True)
class ServeResult:
    """A served run: the judged run, who played what, how the real systems were loaded."""

    result: RunResult
    externals: tuple[External, ...]
    traffic: Traffic
    stopped: str | None
    wall_seconds: float
    lockstep_waits: int
    lockstep_seconds: float
    webhook_busy_seconds: float
    mpans: Mapping[str, tuple[str, ...]]

    def report(self) -> dict[str, Any]:
        """The load report (``--report`` JSON): traffic, throughput, lockstep, verdicts."""
        outcomes = {o.mpan: o for o in self.result.outcomes}
        failing = failing_mpans(self.result.verdict)
        delivered = self.traffic.publications_delivered
        inbound = sum(
            row["requests"] for row in self.traffic.summary() if row["direction"] == "inbound"
        )
        externals = {}
        for external in self.externals:
            pid = external.participant_id
            own = [outcomes[m] for m in self.mpans[pid] if m in outcomes]
            externals[pid] = {
                "callback_url": external.callback_url,
                "mpans": len(own),
                "completed": sum(o.completed for o in own),
                "stuck": [
                    {"mpan": o.mpan, "last_step": o.last_step, "waiting_for": o.waiting_for}
                    for o in own
                    if not o.completed
                ],
                "failing": sorted(failing & set(self.mpans[pid])),
                "publications_delivered": delivered.get(pid, 0),
                "publications_per_second": round(delivered.get(pid, 0) / self.wall_seconds, 1)
                if self.wall_seconds > 0
                else 0.0,
            }
        calls = self.traffic.requests
        return {
            "stopped": self.stopped,
            "wall_seconds": round(self.wall_seconds, 3),
            "verdict_ok": self.result.verdict.ok,
            "all_completed": self.result.all_completed,
            "journal_digest": self.result.journal.digest(),
            "externals": externals,
            "traffic": self.traffic.summary(),
            "webhooks_busy_seconds": round(self.webhook_busy_seconds, 3),
            "lockstep": {
                "waits": self.lockstep_waits,
                "seconds": round(self.lockstep_seconds, 3),
                "inbound_calls": inbound,
                "calls": calls,
            },
        }


def failing_mpans(verdict: Verdict) -> set[str]:
    """The MPANs that make ``verdict`` fail: not conforming, or named by a broken rule."""
    failing = {c.mpan for c in verdict.conformance if not c.conforms}
    for problems in (
        verdict.liveness,
        verdict.invariants,
        verdict.conservation,
        verdict.crashes,
        verdict.deliveries,
    ):
        failing.update(m for p in problems if isinstance(m := getattr(p, "mpan", None), str))
    return failing


class Relay:
    """Where stand-ins forward to: the port, once the market around them is built."""

    def __init__(self) -> None:
        self.port: Port | None = None

    def forward(self, participant_id: str, message: object, ctx: Context) -> None:
        """Hand a stand-in's delivery to the port."""
        assert self.port is not None  # set before the run starts
        self.port.forward(participant_id, message, ctx)


def with_stand_ins(setup: MarketSetup, playing: Mapping[str, object], relay: Relay) -> MarketSetup:
    """``setup`` with a :class:`StandIn` in the place of every participant in ``playing``."""
    participants = [
        StandIn(p.identity, forwarder=relay) if p.participant_id in playing else p
        for p in setup.participants
    ]
    return attrs.evolve(setup, participants=participants)


async def serve_market(
    setup: MarketSetup,
    *,
    playing: Mapping[str, str],
    keys_dir: Path,
    options: ServeOptions,
    market_args: Mapping[str, Any],
    on_listening: Callable[[str], None],
    on_progress: Callable[[Simulation, Traffic, ServePacer], None] | None = None,
) -> ServeResult:
    """Run ``setup`` with real systems playing ``playing`` (id → callback URL); see the module."""
    dip_key = SigningKey.generate("DIP")
    externals = onboard(keys_dir, playing, setup.participants, setup.population, dip_key)
    relay = Relay()
    simulation = Simulation(with_stand_ins(setup, playing, relay))
    traffic = Traffic()
    outlet = HttpOutlet(
        externals,
        dip_key,
        traffic=traffic,
        concurrency=options.concurrency,
        retries=options.retries,
    )
    pacer = ServePacer(
        simulation.broker,
        outlet,
        clock=options.clock,
        time_scale=options.time_scale,
        quiet_seconds=options.quiet_seconds,
        until_done=options.until_done,
    )
    port = Port(simulation.broker, externals, outlet, pacer, traffic)
    relay.port = port
    if options.rate_limit is not None:
        for external in externals:
            simulation.broker.gateway.rate_limits[external.participant_id] = options.rate_limit
    simulation.runtime.pacer = pacer
    app = DipApp(port, pacer, outlet, traffic)
    config = hypercorn.config.Config()
    config.bind = [f"{options.host}:{options.port}"]
    config.accesslog = None
    config.errorlog = None
    started = trio.current_time()
    if options.timeout is not None:
        pacer.deadline = started + options.timeout
    async with trio.open_nursery() as nursery:
        shutdown = trio.Event()
        binds = await nursery.start(
            functools.partial(
                hypercorn.trio.serve,
                app,  # type: ignore[arg-type]  # a plain ASGI 3 callable; hypercorn's types are narrower
                config,
                shutdown_trigger=shutdown.wait,
            )
        )
        write_directory(
            keys_dir / "market.json",
            externals,
            setup.participants,
            setup.population,
            dip_url=binds[0],
        )
        on_listening(binds[0])
        nursery.start_soon(outlet.run, port.webhook_answered)
        if on_progress is not None:
            nursery.start_soon(_progress, on_progress, simulation, traffic, pacer)
        port.onboard(
            {**market_args, "fingerprint": market_fingerprint(setup.participants, setup.population)}
        )
        try:
            result = await simulation.run()
        except ParticipantCrashedError as crash:
            result = partial_result(crash)  # a finding: judged like any run
        finally:
            shutdown.set()
            nursery.cancel_scope.cancel()
    return ServeResult(
        result=result,
        externals=externals,
        traffic=traffic,
        stopped=pacer.stopped,
        wall_seconds=trio.current_time() - started,
        lockstep_waits=pacer.lockstep_waits,
        lockstep_seconds=pacer.lockstep_seconds,
        webhook_busy_seconds=outlet.busy_seconds,
        mpans={e.participant_id: tuple(mpans_of(e.identity, setup.population)) for e in externals},
    )


async def _progress(
    show: Callable[[Simulation, Traffic, ServePacer], None],
    simulation: Simulation,
    traffic: Traffic,
    pacer: ServePacer,
) -> None:
    while True:
        await trio.sleep(1.0)
        show(simulation, traffic, pacer)
