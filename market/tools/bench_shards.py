"""The speed-up of N shards over one: a ``bau-2024`` load run, both ways, in one bench run.

The same load (``--shard-mpans`` MPANs of ``bau-2024``, one working day) runs
as one shard on a local Dask cluster of one worker process, then as ``N``
shards on a cluster of ``N``. Each side's time is its makespan: the longest
shard's own time in its worker (building its market, running and judging it),
so the clusters' start-up is not counted. ``speedup`` is the N-shard
throughput (deliveries per second of makespan) over the one-shard throughput.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs

from market.load.profiles import load_profile
from market.shards.cluster import run_shards
from market.shards.merge import merge
from market.shards.plan import load_shards
from market.shards.work import ShardResult, ShardTask

PROFILE: Final = "bau-2024"
GB_MARKET_BUILDER: Final = "actors.markets.gb:build_gb_market"
#: The default population of the comparison: about 165,000 deliveries, 30 s on one core.
DEFAULT_SHARD_MPANS: Final = 4_000
#: Issue 17's target for two shards on a two-core machine.
SPEEDUP_TARGET: Final = 1.7


@attrs.frozen(kw_only=True)
class ShardSide:
    """One side of the comparison: its shards' figures and its throughput."""

    shards: tuple[ShardResult, ...]

    @property
    def makespan(self) -> float:
        """The longest shard's own time (build, run, judge) in its worker."""
        return max(s.seconds for s in self.shards)

    @property
    def deliveries(self) -> int:
        """Deliveries across its shards."""
        return sum(s.deliveries for s in self.shards)

    @property
    def throughput(self) -> float:
        """Deliveries per second of makespan."""
        return self.deliveries / self.makespan

    def as_json(self) -> dict[str, Any]:
        """The side as JSON: its throughput and each shard's time and memory."""
        return {
            "shards": len(self.shards),
            "deliveries": self.deliveries,
            "makespan_seconds": round(self.makespan, 3),
            "deliveries_per_second": round(self.throughput, 1),
            "per_shard": [
                {
                    "index": s.index,
                    "mpans": s.mpans,
                    "deliveries": s.deliveries,
                    "build_seconds": round(s.build_seconds, 3),
                    "run_seconds": round(s.run_seconds, 3),
                    "deliveries_per_second": round(s.deliveries / s.seconds, 1),
                    "peak_rss_mb": round(s.peak_rss_mb, 1),
                    "verdict_ok": s.verdict_ok,
                }
                for s in self.shards
            ],
        }


def _side(tasks: Sequence[ShardTask]) -> ShardSide:
    results = run_shards(tasks, workers=len(tasks))
    return ShardSide(shards=merge(results).shards)


def compare_shards(shards: int, *, mpans: int = DEFAULT_SHARD_MPANS) -> dict[str, Any]:
    """One shard, then ``shards`` shards, of the same load; the figures as JSON."""
    spec = load_profile(PROFILE, mpans=mpans)

    def tasks(count: int) -> list[ShardTask]:
        return [
            ShardTask(index=i, shards=count, builder=GB_MARKET_BUILDER, spec=shard)
            for i, shard in enumerate(load_shards(spec, count))
        ]

    one = _side(tasks(1))
    many = _side(tasks(shards))
    speedup = many.throughput / one.throughput
    return {
        "profile": PROFILE,
        "mpans": mpans,
        "speedup": round(speedup, 2),
        "target": SPEEDUP_TARGET if shards == 2 else None,
        "one": one.as_json(),
        "many": many.as_json(),
    }
