"""Liveness: every reverse migration ends within so many working days of its supply start.

The legacy side must be settling the MPAN soon after the supply start date
(SSD): the D0019 (or, for variant A, the D0036) to the legacy aggregator is
the last step, and it is due by the SSD plus ``working_days`` England & Wales
working days (default 10; :class:`~market.kernel.settlement_calendar.SettlementCalendar`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Final

import attrs

from market.checks.facts import Event, events_by_mpan, settlement_day_at, supply_start_date
from market.checks.progress import observed_step, path_of
from market.kernel.settlement_calendar import SettlementCalendar
from market.process.model import TERMINAL_STEPS, VARIANT_PATHS
from market.process.vocabulary import Path

#: Working days after the SSD by which a reverse migration must have reached its last step.
DEFAULT_WORKING_DAYS: Final = 10


@attrs.frozen(kw_only=True, slots=True)
class LivenessViolation:
    """A reverse migration that reached its last step late, or never (``reached_on`` None)."""

    mpan: str
    path: Path
    supply_start_date: date
    deadline: date
    terminal_step: str
    reached_on: date | None

    def describe(self) -> str:
        """One line for people, with the SSD, the deadline and when the last step came."""
        if self.reached_on is None:
            return (
                f"{self.mpan} {self.path} never reached {self.terminal_step} "
                f"(SSD {self.supply_start_date}, deadline {self.deadline})"
            )
        return (
            f"{self.mpan} {self.path} reached {self.terminal_step} on {self.reached_on}, "
            f"after its deadline {self.deadline} (SSD {self.supply_start_date})"
        )


def check_liveness(
    events: Iterable[Event],
    *,
    working_days: int = DEFAULT_WORKING_DAYS,
    calendar: SettlementCalendar | None = None,
) -> tuple[LivenessViolation, ...]:
    """Every reverse migration (RM-T, RM-A, RM-S) that missed its deadline, by MPAN.

    The deadline is ``calendar.add_working_days(SSD, working_days)``; the
    terminal step counts on the settlement date it was first observed. An MPAN
    whose journal states no SSD cannot be judged and is left out; a journal
    that ends before the deadline still reports a terminal step it never shows.
    """
    calendar = calendar or SettlementCalendar()
    reverse_migrations = frozenset(VARIANT_PATHS.values())
    violations = []
    for mpan, mpan_events in sorted(events_by_mpan(events).items()):
        path = path_of(mpan_events)
        ssd = supply_start_date(mpan_events)
        if path not in reverse_migrations or ssd is None:
            continue
        (terminal,) = TERMINAL_STEPS[path]
        reached_on = next(
            (settlement_day_at(e) for e in mpan_events if observed_step(e) == terminal), None
        )
        deadline = calendar.add_working_days(ssd, working_days)
        if reached_on is None or reached_on > deadline:
            violations.append(
                LivenessViolation(
                    mpan=mpan,
                    path=path,
                    supply_start_date=ssd,
                    deadline=deadline,
                    terminal_step=terminal,
                    reached_on=reached_on,
                )
            )
    return tuple(violations)
