"""``market run --shards N [--cluster tcp://HOST:PORT]``: one market in N shards, on Dask.

A sharded run builds one spec per shard (:mod:`market.shards.plan`), runs the
shards on Dask (:mod:`market.shards.cluster`), merges what they found
(:mod:`market.shards.merge`) and prints it as an unsharded run does, ending
with the merged journal digest. The scenario's or the profile's market is
sharded alike.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Final

import attrs

from market.cli.common import EXIT_FAILED, EXIT_OK, signing_mode
from market.kernel.exceptions import ScenarioError, UsageError
from market.shards.cluster import local_workers, run_shards
from market.shards.merge import MergedRun, merge
from market.shards.plan import MAX_SHARDS, load_shards, scenario_shards
from market.shards.work import ShardResult, ShardTask

MARKET_BUILDER: Final = "actors.markets.default:build_market"
GB_MARKET_BUILDER: Final = "actors.markets.gb:build_gb_market"
#: Options a sharded run cannot take yet, and why.
_NOT_SHARDED: Final = {
    "journal": "each shard's journal stays in its worker",
    "html": "the HTML report reads one journal",
    "step": "step mode narrates one market",
    "replay": "a replay re-runs one served market",
    "participant": "your class would have to be importable on every worker",
    "explore_schedule": "schedule exploration is a single-process sweep",
    "real_time": "the real clock paces one market",
}


def add_options(group: argparse._ArgumentGroup) -> None:
    """Add ``--shards`` and ``--cluster`` to ``market run``."""
    group.add_argument(
        "--shards",
        type=_shards,
        metavar="N",
        help="split the market by MPAN into N shards (each a full market with its own derived "
        "seed) and run them in parallel on Dask; the merged digest is the same on every run "
        "for the same N (see README, Scale out)",
    )
    group.add_argument(
        "--cluster",
        metavar="tcp://HOST:PORT",
        help="with --shards: run them on the Dask scheduler at this address (its workers need "
        "this package installed) instead of a local cluster of worker processes",
    )


def _shards(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 1 <= value <= MAX_SHARDS:
        raise argparse.ArgumentTypeError(f"from 1 to {MAX_SHARDS}, got {value}")
    return value


def wants_shards(args: argparse.Namespace) -> bool:
    """Whether the command line asks for a sharded run."""
    return getattr(args, "shards", None) is not None or getattr(args, "cluster", None) is not None


def tasks_of(args: argparse.Namespace) -> list[ShardTask]:
    """One task per shard for the market the arguments describe."""
    from market.cli import run, run_load  # noqa: PLC0415 - run imports this module

    if args.shards is None:
        raise UsageError("--cluster only makes sense with --shards N")
    for name, why in _NOT_SHARDED.items():
        if getattr(args, name, None) not in (None, False, []):
            option = "--" + name.replace("_", "-")
            raise UsageError(f"{option} cannot be combined with --shards yet: {why}")
    signing = signing_mode(args)
    try:
        if args.profile is not None:
            if args.faults is not None:
                raise UsageError(
                    "--faults cannot be combined with --profile --shards yet: a profile's fault "
                    "windows are anchored on the built market"
                )
            specs: list[Any] = load_shards(run_load.profile_spec(args), args.shards)
            builder = GB_MARKET_BUILDER
        else:
            spec = run.scenario_from_args(args)
            plan = run.fault_plan_of(spec, args.faults)
            if plan is not None:
                spec = attrs.evolve(spec, faults=plan)
            specs = scenario_shards(spec, args.shards)
            builder = MARKET_BUILDER
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    return [
        ShardTask(index=index, shards=len(specs), builder=builder, spec=shard, signing=signing)
        for index, shard in enumerate(specs)
    ]


def run_sharded(args: argparse.Namespace) -> int:
    """Run the sharded market; print and report it; exit 0 when every shard passed."""
    tasks = tasks_of(args)
    report_path: Path | None = getattr(args, "report", None)
    if report_path is not None and not report_path.parent.is_dir():
        raise UsageError(f"--report {report_path}: folder {report_path.parent} does not exist")
    where = args.cluster or f"a local cluster of {local_workers(len(tasks))} worker processes"
    print(f"Running {len(tasks)} shards on {where}", file=sys.stderr)

    def finished(result: ShardResult, done: int) -> None:
        print(
            f"  shard {result.index} done ({done} of {len(tasks)}): {result.completed} of "
            f"{result.mpans} MPANs completed, {result.deliveries:,} deliveries in "
            f"{result.run_seconds:.1f} s, peak {result.peak_rss_mb:,.0f} MiB",
            file=sys.stderr,
        )

    started = time.perf_counter()
    merged = merge(run_shards(tasks, cluster=args.cluster, on_shard=finished))
    wall = time.perf_counter() - started
    print_merged(merged, wall)
    if report_path is not None:
        report_path.write_text(json.dumps(sharded_report(merged, wall), indent=2) + "\n")
    return EXIT_OK if merged.verdict_ok else EXIT_FAILED


def print_merged(merged: MergedRun, wall: float) -> None:
    """The merged outcome, each shard's figures and verdict, then the merged digest."""
    print(f"Outcome: {merged.completed} of {merged.mpans} MPANs completed")
    for stuck in merged.stuck:
        print(
            f"  {stuck.mpan} stuck after {stuck.last_step or '-'}, waiting for {stuck.waiting_for}"
        )
    print("Shards:")
    for shard in merged.shards:
        rate = shard.deliveries / shard.run_seconds if shard.run_seconds else 0.0
        print(
            f"  {shard.index}: seed {shard.seed}, {shard.mpans} MPANs, {shard.deliveries:,} "
            f"deliveries ({rate:,.0f}/s), build {shard.build_seconds:.1f} s, run "
            f"{shard.run_seconds:.1f} s, peak {shard.peak_rss_mb:,.0f} MiB, digest "
            f"{shard.digest[:16]}"
        )
    print("Conformance:")
    for shard in merged.shards:
        for line in shard.verdict_lines:
            print(f"  shard {shard.index}: {line}")
    print(f"  verdict: {'OK' if merged.verdict_ok else 'FAILED'} (shards: {len(merged.shards)})")
    count = len(merged.shards)
    print(
        f"{count} shard{'s' if count != 1 else ''}; {merged.events:,} journal events; "
        f"{merged.deliveries:,} "
        f"deliveries in {wall:.1f} s; journal digest {merged.digest[:16]}"
    )


def sharded_report(merged: MergedRun, wall: float) -> dict[str, Any]:
    """``--report`` JSON of a sharded run: the merged figures and each shard's."""
    return {
        "shards": [
            {
                "index": s.index,
                "seed": s.seed,
                "mpans": s.mpans,
                "completed": s.completed,
                "stuck": s.stuck_count,
                "deliveries": s.deliveries,
                "batches": s.batches,
                "events": s.events,
                "build_seconds": round(s.build_seconds, 3),
                "run_seconds": round(s.run_seconds, 3),
                "deliveries_per_second": round(s.deliveries / s.run_seconds, 1)
                if s.run_seconds
                else None,
                "peak_rss_mb": round(s.peak_rss_mb, 1),
                "verdict_ok": s.verdict_ok,
                "digest": s.digest,
            }
            for s in merged.shards
        ],
        "mpans": merged.mpans,
        "completed": merged.completed,
        "deliveries": merged.deliveries,
        "wall_seconds": round(wall, 3),
        "verdict_ok": merged.verdict_ok,
        "journal_digest": merged.digest,
    }
