"""The progress bar of ``market run --profile``: deliveries, messages/s, simulated time, ETA.

The runtime calls :meth:`LoadProgress.on_batch` after every batch with the
deliveries so far (every message, stimulus and timer handed to a mailbox).
Wall time follows deliveries far more closely than simulated time (a run spends
most of its time on the few instants when CSS secures a day's switches), so the
bar counts deliveries against an estimate of the run's total
(:func:`expected_deliveries`); an estimate that turns out short is stretched so
the bar never claims to be done early. The bar draws on standard error only
when that is a terminal or ``--progress`` asks for it, and at most five times a
second. When standard error is not a terminal (a CI log), ``--progress``
writes one plain line every ten seconds instead of redrawing a bar.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Final, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from market.kernel.local_time import to_local

#: Deliveries per switch, averaged over the presets (bau-2024 40.6, pre-crisis-peak 43.5,
#: migration-overlap 39.9; measured on 2,000-MPAN runs): every message, stimulus and timer.
DELIVERIES_PER_SWITCH: Final = 41.0
#: How many more deliveries a 72-hour DIP outage causes (hourly resubmissions; measured 2.7×).
DIP_OUTAGE_FACTOR: Final = 2.7
_REFRESH_SECONDS: Final = 0.2
#: How often a plain progress line is written when standard error is not a terminal.
LINE_SECONDS: Final = 10.0
#: Once deliveries pass this share of the estimate, the estimate grows with them.
_STRETCH_AT: Final = 0.97


def expected_deliveries(switches: int, *, dip_outage: bool) -> float:
    """About how many deliveries a run of ``switches`` switches makes (the bar's 100 %)."""
    return max(1.0, switches * DELIVERIES_PER_SWITCH * (DIP_OUTAGE_FACTOR if dip_outage else 1.0))


class _Clock(Protocol):
    @property
    def now(self) -> datetime:
        """The current simulated instant."""


class LoadProgress:
    """Feeds a progress display from batch callbacks; also times the delivery phase."""

    def __init__(self, *, expected: float, start_at: datetime, console: Console | None) -> None:
        """``console`` is where progress shows (``None``: nowhere, timing only)."""
        self.expected = expected
        self.start_at = start_at
        self.started = time.perf_counter()
        #: Wall-clock instant (``perf_counter``) of the last batch: the end of the delivery phase.
        self.last_batch = self.started
        self.deliveries = 0
        self._clock: _Clock | None = None
        self._shown = self.started
        self._final = False
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._lines = console if console is not None and not console.is_terminal else None
        if console is not None and console.is_terminal:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.completed:>12,.0f} msgs"),
                TextColumn("{task.fields[rate]:>8,.0f} msgs/s"),
                TextColumn("{task.fields[simulated]}"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TimeElapsedColumn(),
                console=console,
            )
            self._task = self._progress.add_task(
                "simulating", total=expected, simulated="", rate=0.0
            )

    def watch(self, clock: _Clock) -> None:
        """Read simulated time from ``clock`` (the broker's virtual clock)."""
        self._clock = clock

    def __enter__(self) -> LoadProgress:
        self.started = time.perf_counter()
        self.last_batch = self._shown = self.started
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        # The run is over: the final figures are those of the last batch (the checkers that
        # judge the run afterwards are not deliveries).
        self.expected = max(self.deliveries, 1)
        self._final = True
        if self._progress is not None:
            self._show()
            self._progress.stop()
        elif self._lines is not None:
            self._write_line()

    @property
    def delivery_seconds(self) -> float:
        """Wall seconds from the start to the last batch (the simulation proper)."""
        return self.last_batch - self.started

    def on_batch(self, deliveries: int) -> None:
        """The runtime's callback: ``deliveries`` so far, after each batch."""
        self.deliveries = deliveries
        self.last_batch = time.perf_counter()
        if deliveries > self.expected * _STRETCH_AT:
            self.expected = deliveries / _STRETCH_AT
        if self._progress is not None and self.last_batch - self._shown >= _REFRESH_SECONDS:
            self._show()
        elif self._lines is not None and self.last_batch - self._shown >= LINE_SECONDS:
            self._write_line()

    def _now(self) -> str:
        now = self._clock.now if self._clock is not None else self.start_at
        return f"{to_local(now):%a %d %b %H:%M}"

    def _elapsed(self) -> float:
        return (self.last_batch if self._final else self._shown) - self.started

    def _rate(self) -> float:
        elapsed = self._elapsed()
        return self.deliveries / elapsed if elapsed > 0 else 0.0

    def _show(self) -> None:
        assert self._progress is not None and self._task is not None
        self._shown = time.perf_counter()
        self._progress.update(
            self._task,
            total=self.expected,
            completed=self.deliveries,
            simulated=self._now(),
            rate=self._rate(),
        )

    def _write_line(self) -> None:
        assert self._lines is not None
        self._shown = time.perf_counter()
        elapsed = self._elapsed()
        fraction = min(1.0, self.deliveries / self.expected)
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        self._lines.print(
            f"{self.deliveries:,} msgs ({fraction:.0%}), {self._rate():,.0f} msgs/s, "
            f"simulated {self._now()}, elapsed {elapsed:,.0f} s, "
            f"ETA {'-' if eta is None else f'{eta:,.0f} s'}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
