"""What the process itself uses: peak memory for reports, cyclic-GC pacing for large runs.

Nothing here changes what a simulation does; it only measures the process or
changes how often CPython's cycle detector runs.
"""

from __future__ import annotations

import contextlib
import gc
import resource
import sys
from collections.abc import Iterator


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@contextlib.contextmanager
def fewer_gc_passes() -> Iterator[None]:
    """Run the body with rarer cyclic-GC passes, then restore the thresholds.

    A run allocates millions of small, long-lived, acyclic objects (journal
    events, messages; the checkers then add a view per event); CPython's default
    generation-0 threshold (700) triggers collections that rescan them over and
    over, which costs about a quarter of a large run's time and more of its
    judging. Reference counting still frees everything promptly; only the cycle
    detector runs less often: a young pass every 100,000 allocations, older ones
    a thousand times rarer (measured at 10,000 reverse migrations in flight, the
    older passes found no garbage at all and cost a sixth of the delivery time).
    What exists when the body starts (the built market) is frozen out of every
    pass (``gc.freeze``) until it ends. Nesting is fine: each exit restores the
    thresholds it found.
    """
    previous = gc.get_threshold()
    gc.set_threshold(100_000, 1_000, 1_000)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*previous)
