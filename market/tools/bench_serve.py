"""How fast ``market serve`` pushes publications to a real system, and what lockstep costs.

``python -m market.tools.bench_serve [--mpans N] [--concurrency C]`` runs, in one
process, the market of ``examples/external/late-consumption.toml`` (scaled to
``N`` MPANs) twice: once with every participant simulated, once with the MDS
played by a trivial real system on loopback: an ASGI app on hypercorn, in a
process of its own (as a real system is), that answers every webhook 201 at
once and sends nothing; the served run's verdict fails for want of the MDS's
IF-014s, which is not what is measured. It prints JSON:

* ``publications_per_second``: publications delivered to the real system per
  second of the served run's wall clock (the market's own work included);
* ``publications_per_busy_second``: the same per second during which webhook
  calls were queued or in flight (the push rate itself);
* ``lockstep_overhead_ms_per_call``: the served run's extra wall time over the
  simulated one, per HTTP call across the boundary (what HTTP, signing and
  holding virtual time cost per call, the real system's own time being ~0);
* the wall times, calls and quiet interval they come from.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import hypercorn.config
import hypercorn.trio
import trio

from market.byo.loading import load_object
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec, load_scenario
from market.runtime.simulation import Simulation
from market.serve.session import ServeOptions, serve_market

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "external" / "late-consumption.toml"
#: The built-in market builder, loaded by name: ``market`` never imports ``actors``.
MARKET_BUILDER = "actors.markets.default:build_market"
_OK = b'{"messageArray":[{"message":"MSG0000 - Success"}]}'


def _build(spec: ScenarioSpec) -> MarketSetup:
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    return builder(spec)


async def _acknowledge(scope: Any, receive: Any, send: Any) -> None:
    """A real system that takes every call and answers 201 at once."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    while (await receive()).get("more_body"):
        pass
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-length", str(len(_OK)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": _OK})


async def _serve_acknowledger() -> None:
    config = hypercorn.config.Config()
    config.bind = ["127.0.0.1:0"]
    config.accesslog = None
    config.errorlog = None
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(functools.partial(hypercorn.trio.serve, _acknowledge, config))
        print(binds[0], flush=True)


async def _served(
    mpans: int, concurrency: int, quiet_ms: int, keys: Path, url: str
) -> dict[str, Any]:
    spec = attrs.evolve(load_scenario(SCENARIO), mpans=mpans)
    served = await serve_market(
        _build(spec),
        playing={"MDS": url},
        keys_dir=keys,
        options=ServeOptions(
            until_done=True, concurrency=concurrency, quiet_seconds=quiet_ms / 1000
        ),
        market_args={"mpans": mpans},
        on_listening=lambda _url: None,
    )
    return served.report()


def measure(mpans: int, concurrency: int = 8, quiet_ms: int = 20) -> dict[str, Any]:
    """Both runs and the figures the module docstring lists."""
    spec = attrs.evolve(load_scenario(SCENARIO), mpans=mpans)
    started = time.perf_counter()
    Simulation(_build(spec)).run_sync()
    simulated = time.perf_counter() - started
    receiver = subprocess.Popen(
        [sys.executable, "-m", "market.tools.bench_serve", "--acknowledge"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.stdout is not None
        url = receiver.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as keys:
            report = trio.run(_served, mpans, concurrency, quiet_ms, Path(keys), url)
    finally:
        receiver.terminate()
        receiver.wait(timeout=30)
    served = report["wall_seconds"]
    calls = report["lockstep"]["calls"]
    delivered = report["externals"]["MDS"]["publications_delivered"]
    return {
        "mpans": mpans,
        "concurrency": concurrency,
        "quiet_ms": quiet_ms,
        "simulated_seconds": round(simulated, 3),
        "served_seconds": served,
        "calls": calls,
        "publications_delivered": delivered,
        "publications_per_second": round(delivered / served, 1),
        "webhooks_busy_seconds": report["webhooks_busy_seconds"],
        "publications_per_busy_second": round(delivered / report["webhooks_busy_seconds"], 1)
        if report["webhooks_busy_seconds"]
        else None,
        "lockstep_waits": report["lockstep"]["waits"],
        "lockstep_overhead_ms_per_call": round((served - simulated) / calls * 1000, 3)
        if calls
        else None,
        "verdict_ok": report["verdict_ok"],
    }


def main() -> None:
    """Command line: print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpans", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--quiet-ms", type=int, default=20)
    parser.add_argument("--acknowledge", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.acknowledge:  # the real system's own process
        trio.run(_serve_acknowledger)
        return
    print(json.dumps(measure(args.mpans, args.concurrency, args.quiet_ms), indent=2))


if __name__ == "__main__":
    main()
