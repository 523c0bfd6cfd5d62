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
from rich.console import Console

from market.cli import run_load
from market.cli.common import EXIT_FAILED, EXIT_OK, no_journal, signing_mode
from market.cli.diagram import write_text
from market.cli.footprint import RunSize, check_shard_sizes, load_size, scenario_size
from market.cli.load_progress import LINE_SECONDS
from market.cli.load_tables import print_load_tables
from market.kernel.exceptions import ScenarioError, UsageError
from market.load.spec import LoadSpec
from market.load.statistics import LoadTally, MarketCounts
from market.runtime.simulation import RunSummary
from market.shards.cluster import local_workers, run_shards
from market.shards.manifest import MANIFEST_NAME, ShardEntry, shard_file_name, write_manifest
from market.shards.merge import MergedRun, merge, merged_statistics
from market.shards.plan import MAX_SHARDS, load_shards, scenario_shards
from market.shards.progress import ProgressBoard, ShardProgress
from market.shards.work import ShardResult, ShardTask

MARKET_BUILDER: Final = "actors.markets.default:build_market"
GB_MARKET_BUILDER: Final = "actors.markets.gb:build_gb_market"
#: Options a sharded run cannot take yet, and why.
_NOT_SHARDED: Final = {
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


def journal_folder(args: argparse.Namespace) -> Path | None:
    """The ``--journal DIR`` of a sharded run, made ready before any work (``None``: none).

    DIR is a new folder (its parent must exist) or an empty one: it will hold one
    journal file per shard and the manifest (:mod:`market.shards.manifest`). For
    ``--journal none`` (load runs only) nothing is written and ``None`` is returned.
    """
    path: Path | None = getattr(args, "journal", None)
    if path is None:
        return None
    if no_journal(args):
        if args.profile is None:
            raise UsageError(
                "--journal none: only a load run (--profile NAME) can keep no journal; a "
                "scenario's shards are judged from theirs (name a folder for them instead)"
            )
        return None
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"--journal {path}: is a file; with --shards it names a folder (new or empty) for "
            "one journal file per shard and a manifest"
        )
    if path.is_dir() and any(path.iterdir()):
        raise UsageError(
            f"--journal {path}: the folder is not empty; name a new or empty folder so that "
            "no journal of another run is mixed in"
        )
    if not path.parent.is_dir():
        raise UsageError(f"--journal {path}: folder {path.parent} does not exist")
    return path


def tasks_of(args: argparse.Namespace, journal: Path | None = None) -> list[ShardTask]:
    """One task per shard for the market the arguments describe; each writes its journal
    into the folder ``journal`` when one is given."""
    from market.cli import run  # noqa: PLC0415 - run imports this module

    if args.shards is None:
        raise UsageError("--cluster only makes sense with --shards N")
    for name, why in _NOT_SHARDED.items():
        if getattr(args, name, None) not in (None, False, []):
            option = "--" + name.replace("_", "-")
            raise UsageError(f"{option} cannot be combined with --shards yet: {why}")
    signing = signing_mode(args)
    try:
        added = None  # a profile's plan, added to each built shard (a scenario's is in its spec)
        if args.profile is not None:
            load = run_load.profile_spec(args)
            if args.faults is not None:  # every shard starts on the profile's first day
                added = run_load.profile_fault_plan(load, args.faults)
            specs: list[Any] = load_shards(load, args.shards)
            builder = GB_MARKET_BUILDER
        else:
            spec = run.scenario_from_args(args)
            if spec.participants:
                raise UsageError(
                    f"--scenario {args.scenario}: its [participants] table cannot be combined "
                    "with --shards yet: your classes would have to be importable on every worker"
                )
            plan = run.fault_plan_of(spec, args.faults)
            if plan is not None:
                spec = attrs.evolve(spec, faults=plan)
            specs = scenario_shards(spec, args.shards)
            builder = MARKET_BUILDER
    except ScenarioError as error:
        raise UsageError(str(error)) from error
    return [
        ShardTask(
            index=index,
            shards=len(specs),
            builder=builder,
            spec=shard,
            faults=added,
            signing=signing,
            journal_file=None if journal is None else str(journal / shard_file_name(index)),
            keep_journal=not no_journal(args),
        )
        for index, shard in enumerate(specs)
    ]


def run_sharded(args: argparse.Namespace) -> int:
    """Run the sharded market; print and report it; exit 0 when every shard passed."""
    report_path: Path | None = getattr(args, "report", None)
    if report_path is not None and not report_path.parent.is_dir():
        raise UsageError(f"--report {report_path}: folder {report_path.parent} does not exist")
    journal = journal_folder(args)
    tasks = tasks_of(args, journal)
    if args.cluster is None:  # a cluster's memory is its own business
        check_shard_sizes([task_size(task) for task in tasks], local_workers(len(tasks)), args)
    if journal is not None:
        journal.mkdir(exist_ok=True)
    where = args.cluster or f"a local cluster of {local_workers(len(tasks))} worker processes"
    print(f"Running {len(tasks)} shards on {where}", file=sys.stderr)

    board = ProgressLines(len(tasks), show=getattr(args, "progress", False) or sys.stderr.isatty())

    def finished(result: ShardResult, done: int) -> None:
        board.finished(result.index)
        print(
            f"  shard {result.index} done ({done} of {len(tasks)}): {result.completed} of "
            f"{result.mpans} MPANs completed, {result.deliveries:,} deliveries in "
            f"{result.run_seconds:.1f} s, peak {result.peak_rss_mb:,.0f} MiB",
            file=sys.stderr,
        )

    started = time.perf_counter()
    merged = merge(
        run_shards(
            tasks,
            cluster=args.cluster,
            on_shard=finished,
            on_progress=board.on_progress,
        )
    )
    wall = time.perf_counter() - started
    if journal is not None:
        write_manifest(journal, manifest_entries(merged))
    document = sharded_report(merged, wall)
    if args.profile is not None:
        document["load"] = load_document(run_load.profile_spec(args), merged)
    if report_path is not None:
        write_text(report_path, json.dumps(document, indent=2) + "\n", "--report")
    if args.log_format == "json":
        print(json.dumps(document))
    else:
        if "load" in document:
            print_load_tables(Console(highlight=False), document["load"])
        print_merged(merged, wall)
        if journal is not None:
            print(f"Journal written to {journal} ({len(tasks)} shard files and {MANIFEST_NAME})")
    return EXIT_OK if merged.verdict_ok else EXIT_FAILED


class ProgressLines(ProgressBoard):
    """The board of a sharded run, printed to standard error at most every ten seconds."""

    def __init__(self, shards: int, *, show: bool, every: float = LINE_SECONDS) -> None:
        super().__init__(shards)
        self._show = show
        self._every = every
        self._printed = time.perf_counter()

    def on_progress(self, progress: ShardProgress) -> None:
        """Take a progress event; print the board when it is time to."""
        if not self.update(progress) or not self._show:
            return
        now = time.perf_counter()
        if now - self._printed >= self._every:
            self._printed = now
            print(f"  {self.line()}", file=sys.stderr, flush=True)


def load_document(spec: LoadSpec, merged: MergedRun) -> dict[str, Any]:
    """A sharded load test's ``--report`` document, with the keys an unsharded one has.

    The shards' tallies, outcomes and runtime statistics are merged as one run's
    (latencies pooled, so percentiles are the whole market's); wall times are each
    phase's longest shard (the makespan), memory each worker's highest.
    """
    kept = []
    for shard in merged.shards:
        if shard.load is None:
            raise ValueError(f"shard {shard.index} of a load test sent back no load statistics")
        kept.append(shard.load)
    outcomes = tuple(sorted((o for load in kept for o in load.outcomes), key=lambda o: o.mpan))
    statistics = merged_statistics([load.statistics for load in kept])
    delivering = max(shard.run_seconds - shard.judge_seconds for shard in merged.shards)
    report = LoadTally.merged(load.tally for load in kept).report(
        outcomes, statistics, wall_seconds=delivering
    )
    summary = RunSummary(
        outcomes=outcomes,
        statistics=statistics,
        ok=merged.verdict_ok,
        lines=tuple(f"shard {s.index}: {line}" for s in merged.shards for line in s.verdict_lines),
        judged=merged.judged,
    )
    phases = {
        "build": max(shard.build_seconds for shard in merged.shards),
        "run": delivering,
        "judge": max(shard.judge_seconds for shard in merged.shards),
        "measure": 0.0,
        "total": max(shard.seconds for shard in merged.shards),
    }
    memory = {
        "after_build": round(max(shard.built_rss_mb for shard in merged.shards), 1),
        "peak": round(max(shard.peak_rss_mb for shard in merged.shards), 1),
    }
    counts = MarketCounts.added(load.counts for load in kept)
    return run_load.report_document(spec, counts, summary, report, phases, memory=memory)


def task_size(task: ShardTask) -> RunSize:
    """What one shard's worker will hold (:mod:`market.cli.footprint`)."""
    faults = () if task.faults is None else task.faults.faults
    if isinstance(task.spec, LoadSpec):
        return load_size(task.spec, faults, journal=task.keep_journal)
    return scenario_size(task.spec, faults or None)


def manifest_entries(merged: MergedRun) -> list[ShardEntry]:
    """The manifest's line for each shard of a run that wrote its journal."""
    entries = []
    for shard in merged.shards:
        if shard.digest is None:
            raise ValueError(f"shard {shard.index} wrote no journal, so it has no manifest entry")
        entries.append(
            ShardEntry(
                index=shard.index,
                file=shard_file_name(shard.index),
                seed=shard.seed,
                events=shard.events,
                digest=shard.digest,
            )
        )
    return entries


def _short(digest: str | None) -> str:
    return "none (--journal none)" if digest is None else digest[:16]


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
            f"{_short(shard.digest)}"
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
        f"deliveries in {wall:.1f} s; journal digest {_short(merged.digest)}"
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
                "judged": s.judged,
                "digest": s.digest,
            }
            for s in merged.shards
        ],
        "mpans": merged.mpans,
        "completed": merged.completed,
        "deliveries": merged.deliveries,
        "wall_seconds": round(wall, 3),
        "verdict_ok": merged.verdict_ok,
        "judged": merged.judged,
        "journal_digest": merged.digest,
    }
