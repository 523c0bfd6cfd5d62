"""Each reverse migration reaches its last step within N working days of its SSD."""

from __future__ import annotations

from market.checks import check_liveness
from market.checks.facts import supply_start_date
from tests.checks.builders import (
    DA,
    DC,
    MPAN,
    RM_T_LINES,
    JournalBuilder,
    journal,
    rm_t_without,
)


def _late_journal(t7_at: str) -> list[dict[str, object]]:
    builder = JournalBuilder()
    journal(*(step for step in RM_T_LINES if step != "T7"), builder=builder)
    builder.at(t7_at).dtn("T7", "D0019", DC, DA)
    return builder.events


def test_a_migration_finished_on_its_ssd_is_live() -> None:
    """T7 on the SSD (2 March 2026) is well within 10 working days."""
    assert check_liveness(journal()) == ()


def test_the_deadline_counts_working_days_from_the_ssd() -> None:
    """SSD Monday 2 March + 10 working days is Monday 16 March: T7 on the 16th is in time."""
    assert check_liveness(_late_journal("2026-03-16T17:00:00+00:00")) == ()


def test_a_late_terminal_step_is_reported_with_ssd_deadline_and_date() -> None:
    """T7 on 17 March misses the 16 March deadline."""
    (violation,) = check_liveness(_late_journal("2026-03-17T09:00:00+00:00"))
    assert violation.describe() == (
        f"{MPAN} RM-T reached T7 on 2026-03-17, after its deadline 2026-03-16 (SSD 2026-03-02)"
    )


def test_a_terminal_step_that_never_came_is_reported() -> None:
    """A stuck reverse migration never reaches T7."""
    (violation,) = check_liveness(rm_t_without("T3", "T4", "T6", "T7"))
    assert violation.describe() == (
        f"{MPAN} RM-T never reached T7 (SSD 2026-03-02, deadline 2026-03-16)"
    )
    assert violation.reached_on is None


def test_the_number_of_working_days_is_configurable() -> None:
    """With 5 working days, T7 on 10 March is late (deadline Monday 9 March)."""
    (violation,) = check_liveness(_late_journal("2026-03-10T09:00:00+00:00"), working_days=5)
    assert str(violation.deadline) == "2026-03-09"


def test_the_ssd_comes_from_b002_then_d0217_then_d0155() -> None:
    """B002 of a PUB-003 wins over a D0217, which wins over a D0155."""
    builder = JournalBuilder().dtn("C9", "D0155", "SUP-LGSB", DC, effective_from_date="2026-03-04")
    assert str(supply_start_date(builder.events)) == "2026-03-04"
    builder.dtn("C6", "D0217", "REGS-19", "SUP-LGSB", supply_start_date="2026-03-03")
    assert str(supply_start_date(builder.events)) == "2026-03-03"
    assert str(supply_start_date(journal("C7"))) == "2026-03-02"
