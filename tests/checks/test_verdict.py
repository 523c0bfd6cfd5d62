"""The verdict: every check over one journal, summed up per path, with each problem listed."""

from __future__ import annotations

from market.checks import check_journal, format_verdict
from tests.checks.builders import (
    IN,
    MPAN,
    OTHER_MPAN,
    OUT,
    REGS,
    SSD,
    JournalBuilder,
    journal,
    merged,
    rm_t_without,
)


def _objected(mpan: str = OTHER_MPAN) -> list[dict[str, object]]:
    builder = JournalBuilder(mpan).css("C1", "RegistrationRequest", IN, "CSS")
    builder.css("C2", "LossNotification", "CSS", OUT).css("C3", "Objection", OUT, "CSS")
    return builder.css("D3", "RegistrationObjected", "CSS", IN).events


def test_a_clean_run_is_ok_with_a_summary_per_path() -> None:
    """A complete reverse migration and an objected switch: OK, one summary line per path."""
    verdict = check_journal(merged(journal(), _objected()))
    assert verdict.ok and (verdict.completed, verdict.stuck) == (2, 0)
    assert format_verdict(verdict) == [
        "RM-T: 1 completed, 0 stuck",
        "OBJ: 1 completed, 0 stuck",
        "verdict: OK (MPANs checked: 2)",
    ]


def test_every_problem_is_listed_and_fails_the_verdict() -> None:
    """A stuck migration, its deadline, a second supplier and an expected MPAN that never began."""
    events = rm_t_without("T3", "T4", "T6", "T7")
    registered = JournalBuilder().state(
        REGS, "switch_registered", supplier="OTHR", supply_start_date=SSD
    )
    verdict = check_journal(merged(events, registered.events), mpans=["1900000000007"])
    assert not verdict.ok and verdict.problems == 4
    assert format_verdict(verdict) == [
        "RM-T: 0 completed, 1 stuck",
        "undecided: 0 completed, 1 stuck",
        "1900000000007 undecided stuck after (no step): waiting for C1 RegistrationRequest "
        "from SUP(in) (owed by an unidentified SUP(in))",
        f"{MPAN} RM-T stuck after C15: waiting for T3 D0150 from MSS (owed by MSS-MSSD)",
        f"liveness: {MPAN} RM-T never reached T7 (SSD 2026-03-02, deadline 2026-03-16)",
        f'invariant: {MPAN} breaks "one registered supplier per settlement day": '
        "OTHR and LGSB are both registered from 2026-03-02",
        "verdict: FAILED (problems: 4)",
    ]


def test_open_disputes_are_reported_without_failing_the_verdict() -> None:
    """A raised, unanswered D0300 is listed as an open dispute, and the verdict stays OK."""
    builder = JournalBuilder()
    journal(builder=builder)
    builder.at("2026-03-03T10:00:00+00:00")
    builder.dtn("T8", "D0300", OUT, IN, dispute_reference="DSP1", resolution=None)
    verdict = check_journal(builder.events)
    assert verdict.ok
    assert format_verdict(verdict)[-2:] == [
        f"open dispute: {MPAN} D0300 dispute DSP1 raised by {OUT} "
        "at 2026-03-03T10:00:00+00:00 is open (unanswered)",
        "verdict: OK (MPANs checked: 1)",
    ]


def test_the_liveness_window_is_a_parameter() -> None:
    """With a zero-day window, a migration finishing on its SSD is still in time."""
    assert check_journal(journal(), liveness_working_days=0).ok
