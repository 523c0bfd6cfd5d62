"""``market serve``: the simulated market with the DIP's HTTP API, for real systems to join."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import trio

from market.byo.loading import load_object
from market.checks import format_verdict
from market.cli.check import read_journal_file
from market.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_signing_option,
    journal_file,
    positive_int,
    time_scale,
    whole_number,
    with_signing,
    write_journal,
)
from market.cli.diagram import write_text
from market.cli.run import MARKET_BUILDER, fault_plan_of, scenario_from_args, with_fault_plan
from market.kernel.exceptions import UsageError
from market.networks.dip_defences import RateLimit
from market.process.scenario import MarketSetup
from market.process.scenario_spec import VARIANT_MIXES, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts
from market.serve.onboarding import parse_external
from market.serve.pacing import CLOCK_MODES, ServePacer
from market.serve.replay import rate_limit_args, read_recording, replay
from market.serve.session import ServeOptions, ServeResult, serve_market
from market.serve.traffic import Traffic
from market.teaching.html_report import render_report

_MAX_PORT: Final = 65_535


def add_parser(commands: Any) -> None:
    """Register ``market serve`` and its options."""
    serve = commands.add_parser(
        "serve",
        help="serve the market's DIP over HTTP so real systems can play participants",
        description=(
            "Run a market whose DIP is also reachable over HTTP on loopback, with the DIP's own "
            "API (signed POSTs to /dip-channel/{IF}, webhooks for publications, replay, requeue, "
            "deliveryStatus) plus the simulator's /dtn and /css extension, so a real system can "
            "play one or more participants against thousands of simulated counterparties. The "
            "first line on stdout is 'DIP listening on http://HOST:PORT'. See README, 'Test your "
            "own system against the market'."
        ),
        epilog=(
            "Exit status: 0 every MPAN completed and every check passed; 1 some MPAN is stuck, "
            "a check failed or --timeout passed first; 2 bad usage or input. Example: market "
            "serve --mpans 200 --external LDSO-19=http://127.0.0.1:8081 --keys keys "
            "--until-done --report load.json"
        ),
    )
    market = serve.add_argument_group("the market")
    market.add_argument("--scenario", type=Path, metavar="FILE", help="TOML scenario file")
    market.add_argument("--mpans", type=positive_int, help="how many customers switch (default 3)")
    market.add_argument("--seed", type=whole_number, help="scenario seed (default 1)")
    market.add_argument("--variant", choices=sorted(VARIANT_MIXES), help="meter variant of MPANs")
    market.add_argument("--faults", type=Path, metavar="FILE", help="TOML fault plan to apply")
    add_signing_option(market)
    http = serve.add_argument_group("the DIP on HTTP")
    http.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    http.add_argument(
        "--port",
        type=int_in(0, _MAX_PORT, "a port"),
        default=0,
        help="port to listen on (default 0: a free port)",
    )
    http.add_argument(
        "--external",
        action="append",
        default=[],
        metavar="PARTICIPANT_ID=CALLBACK_URL",
        help="the participant (a DIP user, e.g. LDSO-19, SUP-MHSA, MSS-MSSD) a real system at "
        "CALLBACK_URL plays; repeatable",
    )
    http.add_argument(
        "--keys",
        type=Path,
        default=Path("market-keys"),
        metavar="DIR",
        help="onboarding folder: ID.key.pem / ID.cert.pem per external participant (an existing "
        "ID.cert.pem is trusted as it is), dip.cert.pem and market.json (default market-keys)",
    )
    http.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="N/SECONDS",
        help="at most N submissions per SECONDS of virtual time from each external participant "
        "(429 past it)",
    )
    http.add_argument(
        "--concurrency",
        type=int_in(1, 256, "the webhook concurrency"),
        default=8,
        help="webhook calls in flight per external participant (default 8)",
    )
    http.add_argument(
        "--retries",
        type=int_in(0, 20, "the number of webhook retries"),
        default=4,
        help="webhook retries before a call is given up and kept for requeue (default 4)",
    )
    pace = serve.add_argument_group("time")
    pace.add_argument(
        "--clock",
        choices=CLOCK_MODES,
        default="lockstep",
        help="lockstep (default): virtual time stands still while a call to or from a real "
        "system is outstanding, then jumps; real: virtual time follows the wall clock",
    )
    pace.add_argument(
        "--time-scale",
        type=time_scale,
        default=1.0,
        help="with --clock real: virtual seconds per wall-clock second (default 1)",
    )
    pace.add_argument(
        "--quiet-ms",
        type=int_in(0, 60_000, "the quiet interval in milliseconds"),
        default=20,
        help="lockstep: how long the real systems must be quiet before time moves (default 20)",
    )
    pace.add_argument(
        "--until-done",
        action="store_true",
        help="stop when nothing is due, nothing is outstanding and the systems are quiet "
        "(without it the DIP stays up until --timeout or Ctrl-C)",
    )
    pace.add_argument(
        "--timeout",
        type=int_in(1, 30 * 86_400, "the timeout in seconds (30 days at most)"),
        metavar="SECONDS",
        help="stop after SECONDS of wall clock",
    )
    out = serve.add_argument_group("what it writes")
    out.add_argument("--journal", type=Path, metavar="PATH", help="write the journal (JSON lines)")
    out.add_argument("--report", type=Path, metavar="PATH", help="write the load report (JSON)")
    out.add_argument("--html", type=Path, metavar="PATH", help="write the HTML run report")
    out.add_argument(
        "--progress", action="store_true", help="live progress on stderr even when not a terminal"
    )


def int_in(low: int, high: int, what: str) -> Callable[[str], int]:
    """argparse type: a whole number from ``low`` to ``high`` (``what`` names it in errors)."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} is {low:,} to {high:,}, got {text}")
        return value

    return parse


def _rate(text: str) -> RateLimit:
    count, sep, seconds = text.partition("/")
    try:
        requests, period = int(count), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write N/SECONDS, e.g. 10/1") from None
    if not sep or requests < 1 or not 0 < period <= 86_400:
        raise argparse.ArgumentTypeError(
            f"{text!r}: N at least 1 and SECONDS above 0 and at most 86400"
        )
    return RateLimit(requests=requests, per=timedelta(seconds=period))


def market_args(args: argparse.Namespace) -> dict[str, Any]:
    """What a replay needs to rebuild this market (journalled at onboarding)."""
    return {
        "scenario": str(args.scenario) if args.scenario is not None else None,
        "seed": args.seed,
        "mpans": args.mpans,
        "variant": args.variant,
        "faults": str(args.faults) if args.faults is not None else None,
        "signing": "off" if args.no_signing else args.signing,
        "rate_limit": rate_limit_args(args.rate_limit),
    }


def build_setup(args: argparse.Namespace) -> tuple[ScenarioSpec, MarketSetup]:
    """The market the arguments describe (as ``market run`` builds it)."""
    spec = scenario_from_args(args)
    plan = fault_plan_of(spec, args.faults)
    builder: Callable[[ScenarioSpec], MarketSetup] = load_object(MARKET_BUILDER)
    setup = with_signing(with_fault_plan(builder(spec), plan), args)
    return spec, setup


def serve_command(args: argparse.Namespace) -> int:
    """Serve the market; the exit status says whether it passed."""
    journal_file(args)
    for path, flag in (
        (args.report, "--report"),
        (args.html, "--html"),
    ):
        if path is not None and not path.parent.is_dir():
            raise UsageError(f"{flag} {path}: folder {path.parent} does not exist")
    playing: dict[str, str] = {}
    for text in args.external:
        pid, url = parse_external(text)
        if pid in playing:
            raise UsageError(f"--external {pid}: given twice; one system plays a participant")
        playing[pid] = url
    if not playing:
        print(
            "market serve: no --external participant: every participant is simulated and the "
            "DIP is open for calls only",
            file=sys.stderr,
        )
    spec, setup = build_setup(args)
    options = ServeOptions(
        host=args.host,
        port=args.port,
        clock=args.clock,
        time_scale=args.time_scale,
        quiet_seconds=args.quiet_ms / 1000,
        until_done=args.until_done,
        timeout=args.timeout,
        concurrency=args.concurrency,
        retries=args.retries,
        rate_limit=args.rate_limit,
    )
    show_progress = args.progress or sys.stderr.isatty()

    def listening(url: str) -> None:
        print(f"DIP listening on {url}", flush=True)

    try:
        served = trio.run(
            lambda: serve_market(
                setup,
                playing=playing,
                keys_dir=args.keys,
                options=options,
                market_args=market_args(args),
                on_listening=listening,
                on_progress=_show_progress if show_progress else None,
            )
        )
    except OSError as error:
        raise UsageError(
            f"--host {args.host} --port {args.port}: cannot listen ({error})"
        ) from error
    return report(served, spec, args, setup)


def _show_progress(simulation: Simulation, traffic: Traffic, pacer: ServePacer) -> None:
    stats = simulation.runtime.statistics()
    print(
        f"\r{stats.stopped_at:%Y-%m-%d %H:%M} virtual · {stats.deliveries:,} deliveries · "
        f"{traffic.requests:,} HTTP calls · {pacer.outlet.pending:,} webhooks queued   ",
        end="",
        file=sys.stderr,
        flush=True,
    )


def report(
    served: ServeResult, spec: ScenarioSpec, args: argparse.Namespace, setup: MarketSetup
) -> int:
    """Print the outcome, write journal, report and HTML; the exit status."""
    result = served.result
    signing = setup.dip_defences.signing
    if args.journal is not None:
        write_journal(result, args.journal, signing=signing)
    load = served.report()
    if args.report is not None:
        write_text(args.report, json.dumps(load, indent=2) + "\n", "--report")
    if args.html is not None:
        facts = {
            "seed": str(spec.seed),
            "journal digest": result.journal.digest()[:16],
            "signing": f"{signing} (simulated participants); rsa over HTTP",
            **traffic_facts(load),
        }
        html = render_report(
            journal_dicts(result.journal),
            title=f"Served market report: seed {spec.seed}, {len(result.outcomes)} MPANs",
            verdict=result.verdict,
            facts=facts,
        )
        write_text(args.html, html, "--html")
    if sys.stderr.isatty() or args.progress:
        print(file=sys.stderr)
    completed = sum(o.completed for o in result.outcomes)
    print(f"Outcome: {completed} of {len(result.outcomes)} MPANs completed")
    for outcome in result.outcomes:
        if not outcome.completed:
            print(
                f"  {outcome.mpan} stuck after {outcome.last_step or '-'}, "
                f"waiting for {outcome.waiting_for}"
            )
    for pid, summary in load["externals"].items():
        failing = summary["failing"]
        verdict = (
            f"{len(failing)} failing the checks ({', '.join(failing[:5])}"
            + (", ...)" if len(failing) > 5 else ")")
            if failing
            else "none failing the checks"
        )
        print(
            f"{pid} (external): {summary['completed']} of {summary['mpans']} of its MPANs "
            f"completed, {verdict}; {summary['publications_delivered']} publications "
            f"delivered, {summary['publications_per_second']} per second"
        )
    for row in load["traffic"]:
        print(
            f"  {row['participant']} {row['direction']} {row['endpoint']}: {row['requests']} "
            f"calls, {row['errors']} errors, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
            f"p99 {row['p99_ms']} ms"
        )
    print("Conformance:")
    for line in format_verdict(result.verdict):
        print(f"  {line}")
    if served.stopped == "timeout":
        print(f"Stopped by --timeout after {args.timeout} s, before the market was done")
    print(
        f"Seed {spec.seed}; {len(result.journal)} journal events; "
        f"{result.statistics.deliveries} deliveries in {result.statistics.batches} batches; "
        f"journal digest {result.journal.digest()[:16]}"
    )
    passed = result.verdict.ok and served.stopped != "timeout"
    return EXIT_OK if passed else EXIT_FAILED


def traffic_facts(load: Mapping[str, Any]) -> dict[str, str]:
    """The load report as summary rows of the HTML report."""
    facts = {}
    for pid, summary in load["externals"].items():
        facts[f"{pid} (external)"] = (
            f"{summary['completed']} of {summary['mpans']} MPANs completed; "
            f"{summary['publications_delivered']} publications, "
            f"{summary['publications_per_second']} per second"
        )
    for row in load["traffic"]:
        facts[f"{row['participant']} {row['direction']} {row['endpoint']}"] = (
            f"{row['requests']} calls, {row['errors']} errors; p50 {row['p50_ms']} ms, "
            f"p95 {row['p95_ms']} ms, p99 {row['p99_ms']} ms"
        )
    lockstep = load["lockstep"]
    facts["lockstep"] = f"{lockstep['waits']} waits, {lockstep['seconds']} s in all"
    return facts


def replay_command(args: argparse.Namespace) -> int:
    """``market run --replay JOURNAL``: the recorded served market, without its real systems."""
    journal = journal_file(args)
    recorded = read_journal_file(args.replay)
    recording = read_recording(recorded.events, str(args.replay))
    market = recording.market
    replay_args = argparse.Namespace(
        scenario=Path(market["scenario"]) if market.get("scenario") else None,
        seed=market.get("seed"),
        mpans=market.get("mpans"),
        variant=market.get("variant"),
        faults=Path(market["faults"]) if market.get("faults") else None,
        signing=market.get("signing"),
        no_signing=False,
    )
    spec, setup = build_setup(replay_args)
    replayed = replay(setup, recording)
    result = replayed.result
    if journal is not None:
        write_journal(result, journal, signing=setup.dip_defences.signing)
    completed = sum(o.completed for o in result.outcomes)
    print(f"Replayed {args.replay}: {replayed.inputs} recorded inputs from outside")
    print(f"Outcome: {completed} of {len(result.outcomes)} MPANs completed")
    for outcome in result.outcomes:
        if not outcome.completed:
            print(
                f"  {outcome.mpan} stuck after {outcome.last_step or '-'}, "
                f"waiting for {outcome.waiting_for}"
            )
    print("Conformance:")
    for line in format_verdict(result.verdict):
        print(f"  {line}")
    digest = result.journal.digest()
    same = "the same as" if digest == recorded.digest else "not the same as"
    print(
        f"Seed {spec.seed}; {len(result.journal)} journal events; journal digest {digest[:16]}, "
        f"{same} the recording's ({recorded.digest[:16]})"
    )
    if replayed.diverged is not None:
        print(f"The replay diverged: {replayed.diverged}")
        return EXIT_FAILED
    return EXIT_OK if result.verdict.ok else EXIT_FAILED
