"""How ``market bench`` times a level: long enough to measure, on fresh markets each run."""

from __future__ import annotations

from typing import Final

#: A level's delivery time below which it is run again on a fresh market (1 RM takes ~3 ms).
MIN_TIMED_SECONDS: Final = 0.25
#: At most this many runs of one level.
MAX_REPEATS: Final = 200


def needs_another_run(runs: int, seconds: float) -> bool:
    """Whether a level timed ``seconds`` over ``runs`` runs must run once more."""
    return runs < MAX_REPEATS and (runs == 0 or seconds < MIN_TIMED_SECONDS)
