"""How ``market bench`` times a level (long enough to measure, on fresh markets each run)
and the figures of one level, for the full market and the kernel alike."""

from __future__ import annotations

import math
from typing import Any, Final

import attrs

from market.kernel.resources import peak_rss_mb

#: A level's delivery time below which it is run again on a fresh market (1 RM takes ~3 ms).
MIN_TIMED_SECONDS: Final = 0.25
#: At most this many runs of one level.
MAX_REPEATS: Final = 200


def needs_another_run(runs: int, seconds: float) -> bool:
    """Whether a level timed ``seconds`` over ``runs`` runs must run once more."""
    return runs < MAX_REPEATS and (runs == 0 or seconds < MIN_TIMED_SECONDS)


@attrs.frozen(kw_only=True)
class Level:
    """One concurrency level's figures."""

    concurrent: int
    #: Runs added up (more than one only for levels too small to time in one run).
    runs: int
    deliveries: int
    completed: int
    #: Wall-clock seconds of delivery, from every task started to the last batch, over all runs.
    seconds: float
    #: Mean wall-clock milliseconds per run to start and to stop the participants' tasks.
    fixed_ms: float
    msgs_per_s: float
    rms_per_s: float
    ratio: float
    peak_rss_mb: float

    def as_json(self) -> dict[str, Any]:
        """The level's documented keys (``concurrent``, ``msgs_per_s``, ``ratio`` ...)."""
        return {
            "concurrent": self.concurrent,
            "msgs_per_s": round(self.msgs_per_s),
            "rms_per_s": round(self.rms_per_s, 1),
            "ratio": round(self.ratio, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "runs": self.runs,
            "deliveries": self.deliveries,
            "completed": self.completed,
            "seconds": round(self.seconds, 3),
            "fixed_ms": round(self.fixed_ms, 2),
        }


def level_of(
    concurrent: int,
    *,
    runs: int,
    deliveries: int,
    completed: int,
    seconds: float,
    fixed: float,
    raw: float,
) -> Level:
    """A level's figures from its runs' totals (``fixed``: seconds of starting and stopping)."""
    msgs = deliveries / seconds
    return Level(
        concurrent=concurrent,
        runs=runs,
        deliveries=deliveries,
        completed=completed,
        seconds=seconds,
        fixed_ms=fixed / runs * 1000,
        msgs_per_s=msgs,
        rms_per_s=completed / seconds,
        ratio=msgs / raw if raw else math.nan,
        peak_rss_mb=peak_rss_mb(),
    )
