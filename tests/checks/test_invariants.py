"""Run-wide rules: one supplier per day, nothing MHHS after the regime end, agents from the SSD."""

from __future__ import annotations

from market.checks import (
    InvariantViolation,
    check_invariants,
    check_legacy_appointments,
    check_one_supplier,
    check_regime_end,
    check_time_runs_forward,
    open_disputes,
)
from market.checks.invariants import TIME_FORWARD
from tests.checks.builders import (
    IN,
    MOP,
    MPAN,
    OUT,
    REGS,
    RM_T_LINES,
    SDS,
    SSD,
    JournalBuilder,
    journal,
)

AFTER_END = "2026-03-02T00:00:00+00:00"


def _migration(*left_out: str) -> JournalBuilder:
    builder = JournalBuilder()
    journal(*(step for step in RM_T_LINES if step not in left_out), builder=builder)
    return builder


def _describe(violations: tuple[InvariantViolation, ...]) -> list[str]:
    return [violation.describe() for violation in violations]


def test_a_clean_reverse_migration_breaks_no_rule() -> None:
    """The default market's RM-T shape, with REGS's decision recorded, holds every invariant."""
    builder = _migration()
    builder.state(
        REGS, "reverse_migration_decided", incoming_supplier="LGSB", supply_start_date=SSD
    )
    assert check_invariants(builder.events) == ()
    assert open_disputes(builder.events) == ()


def test_two_suppliers_registered_from_one_day_break_the_one_supplier_rule() -> None:
    """REGS registering another supplier from the day CSS secured for LGSB is a violation."""
    builder = _migration()
    builder.state(REGS, "switch_registered", supplier="OTHR", supply_start_date=SSD)
    assert _describe(check_one_supplier(builder.events)) == [
        f'{MPAN} breaks "one registered supplier per settlement day": '
        "LGSB and OTHR are both registered from 2026-03-02"
    ]


def test_a_registration_before_the_previous_one_breaks_the_one_supplier_rule() -> None:
    """A later registration with an earlier supply start date is a violation."""
    builder = _migration()
    builder.state(REGS, "switch_registered", supplier="OTHR", supply_start_date="2026-03-01")
    assert _describe(check_one_supplier(builder.events)) == [
        f'{MPAN} breaks "one registered supplier per settlement day": '
        "OTHR registered from 2026-03-01, before the registration from 2026-03-02"
    ]


def test_a_deappointment_ending_after_the_regime_end_is_a_violation() -> None:
    """A DSDeAppRM whose dataServiceEffectiveToDate is the SSD leaves the SDS on a legacy day."""
    builder = _migration("C15")
    builder.dip(
        "IF-003",
        "[DSDeAppRM]",
        REGS,
        [SDS],
        step="C15",
        blocks={"B009": {"dataServiceEffectiveToDate": AFTER_END}},
    )
    assert _describe(check_regime_end(builder.events)) == [
        f'{MPAN} breaks "no MHHS service after MHHSRegimeEndDate": '
        "[DSDeAppRM] dataServiceEffectiveToDate 2026-03-02 is after MHHSRegimeEndDate 2026-03-01"
    ]


def test_an_mhhs_appointment_active_after_the_regime_end_is_a_violation() -> None:
    """An IF-036 [DSAppActive] effective from the SSD re-appoints an MHHS service too late."""
    builder = _migration()
    builder.dip(
        "IF-036",
        "[DSAppActive]",
        REGS,
        [SDS],
        step=None,
        blocks={"B015": {"incomingDataServiceEffectiveFromDate": AFTER_END}},
    )
    assert _describe(check_regime_end(builder.events)) == [
        f'{MPAN} breaks "no MHHS service after MHHSRegimeEndDate": '
        "IF-036 [DSAppActive] is effective from 2026-03-02, after MHHSRegimeEndDate 2026-03-01"
    ]


def _consumption(*days: str) -> dict[str, object]:
    return {"B900List": [{"B046": {"settlementDayDate": f"{day}T00:00:00+00:00"}} for day in days]}


def test_consumption_after_the_regime_end_must_be_rejected_with_ecs1001() -> None:
    """An IF-021 for the SSD is a violation until the MDS answers it with IF-014 ECS1001."""
    builder = _migration()
    builder.dip(
        "IF-021", "[ActivePower]", SDS, ["MDS"], step="T1", blocks=_consumption("2026-03-01")
    )
    builder.dip("IF-021", "[ActivePower]", SDS, ["MDS"], step="T1", blocks=_consumption(SSD))
    assert _describe(check_regime_end(builder.events)) == [
        f'{MPAN} breaks "no MHHS service after MHHSRegimeEndDate": IF-021 for settlement day '
        "2026-03-02 (after MHHSRegimeEndDate 2026-03-01) was not rejected with ECS1001"
    ]
    rejection = {"B900": {"B046": {"settlementDayDate": f"{SSD}T00:00:00+00:00"}}}
    builder.dip("IF-014", "[ActivePowerRejected]", "MDS", [SDS], step="D11", blocks=rejection)
    builder.events[-1]["envelope"]["CommonBlock"]["R0"] = {
        "responseCode": "R",
        "responseMessages": ["ECS1001 - Data Service Not Appointed for Date of SP Submission"],
    }
    assert check_regime_end(builder.events) == ()


def _quantities(day: str, *quantities: str) -> dict[str, object]:
    return {
        "B900List": [
            {
                "B045": {"measurementQuantityID": quantity},
                "B046": {"settlementDayDate": f"{day}T00:00:00+00:00"},
            }
            for quantity in quantities
        ]
    }


def _refuse(builder: JournalBuilder, day: str, quantity: str) -> None:
    block = {
        "B045": {"measurementQuantityID": quantity},
        "B046": {"settlementDayDate": f"{day}T00:00:00+00:00"},
    }
    builder.dip("IF-014", "[ActivePowerRejected]", "MDS", [SDS], step="D11", blocks={"B900": block})
    builder.events[-1]["envelope"]["CommonBlock"]["R0"] = {
        "responseCode": "R",
        "responseMessages": ["ECS1001 - Data Service Not Appointed for Date of SP Submission"],
    }


def test_a_refused_active_day_does_not_excuse_the_same_days_reactive_power() -> None:
    """Mutant: the MDS refuses a late day's active power and forgets its reactive power."""
    builder = _migration()
    builder.dip("IF-021", "[ActivePower]", SDS, ["MDS"], step="T1", blocks=_quantities(SSD, "AI"))
    builder.dip("IF-021", "[ReactivePower]", SDS, ["MDS"], step="T1", blocks=_quantities(SSD, "RI"))
    _refuse(builder, SSD, "AI")
    assert _describe(check_regime_end(builder.events)) == [
        f'{MPAN} breaks "no MHHS service after MHHSRegimeEndDate": IF-021 for settlement day '
        "2026-03-02 (after MHHSRegimeEndDate 2026-03-01) was not rejected with ECS1001 for "
        "quantity RI"
    ]
    _refuse(builder, SSD, "RI")
    assert check_regime_end(builder.events) == ()


def test_one_refused_day_does_not_excuse_another_day_of_the_same_submission() -> None:
    """Mutant: two late days in one IF-021 (one correlation id), only the first refused."""
    builder = _migration()
    days = {
        "B900List": [
            *_quantities(SSD, "AI")["B900List"],  # type: ignore[misc]
            *_quantities("2026-03-03", "AI")["B900List"],
        ]
    }  # type: ignore[misc]
    builder.dip("IF-021", "[ActivePower]", SDS, ["MDS"], step="T1", blocks=days)
    _refuse(builder, SSD, "AI")
    described = _describe(check_regime_end(builder.events))
    assert len(described) == 1 and "settlement day 2026-03-03" in described[0]


def test_legacy_agents_must_be_appointed_from_the_ssd() -> None:
    """A D0155 to the MOP effective the day after the SSD breaks the rule; the others hold."""
    builder = _migration("C9")
    builder.dtn("C9", "D0155", IN, MOP, appointed_role="NHHMOA", effective_from_date="2026-03-03")
    assert _describe(check_legacy_appointments(builder.events)) == [
        f'{MPAN} breaks "legacy agents effective from the SSD": '
        "D0155 to NHHMOA-NMOF is effective from 2026-03-03, not the SSD 2026-03-02"
    ]


def test_a_raised_dispute_is_open_until_answered() -> None:
    """A D0300 without resolution is an open dispute; the answer with its reference closes it."""
    builder = _migration()
    builder.at("2026-03-03T10:00:00+00:00")
    builder.dtn("T8", "D0300", OUT, IN, dispute_reference="DSP1", resolution=None)
    (dispute,) = open_disputes(builder.events)
    assert dispute.describe() == (
        f"{MPAN} D0300 dispute DSP1 raised by {OUT} at 2026-03-03T10:00:00+00:00 "
        "is open (unanswered)"
    )
    builder.dtn("T8", "D0300", IN, OUT, dispute_reference="DSP1", resolution="AGREED")
    assert open_disputes(builder.events) == ()


def test_a_rejected_dispute_stays_open_naming_who_rejected_it() -> None:
    """REJECTED answers the D0300 but does not settle it; a later AGREED answer does."""
    builder = _migration()
    builder.at("2026-03-03T10:00:00+00:00")
    builder.dtn("T8", "D0300", OUT, IN, dispute_reference="DSP1", resolution=None)
    builder.dtn("T8", "D0300", IN, OUT, dispute_reference="DSP1", resolution="REJECTED")
    (dispute,) = open_disputes(builder.events)
    assert dispute.rejected_by == IN
    assert dispute.describe().endswith(f"is open (rejected by {IN})")
    builder.dtn("T8", "D0300", IN, OUT, dispute_reference="DSP1", resolution="AGREED")
    assert open_disputes(builder.events) == ()


def test_an_event_stamped_before_the_one_it_follows_breaks_time_running_forward() -> None:
    """A restart journaled an hour before its crash (issue 14) is a broken run, not an OK one."""
    builder = _migration()
    assert check_time_runs_forward(builder.events) == ()
    crash = builder.add("participant_crashed", sender=REGS).events[-1]
    builder.at("2026-02-26T08:00:00+00:00").add("participant_restarted", sender=REGS)
    violations = check_time_runs_forward(builder.events)
    assert [v.rule for v in violations] == [TIME_FORWARD]
    assert f"comes after event {crash['seq']} at {crash['at']}" in violations[0].message
    assert violations == tuple(
        v for v in check_invariants(builder.events) if v.rule == TIME_FORWARD
    )


def test_time_is_compared_as_instants_whatever_the_offset() -> None:
    """09:30+01:00 is 08:30 UTC, so after 08:00Z it runs forward and after 09:00Z backwards."""
    builder = JournalBuilder(start="2026-02-26T08:00:00+00:00").add("x")
    builder.at("2026-02-26T09:30:00+01:00").add("y")
    assert check_time_runs_forward(builder.events) == ()
    builder = JournalBuilder(start="2026-02-26T09:00:00+00:00").add("x")
    builder.at("2026-02-26T09:30:00+01:00").add("y")
    assert len(check_time_runs_forward(builder.events)) == 1
