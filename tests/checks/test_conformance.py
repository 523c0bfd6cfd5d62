"""Conformance of each MPAN's journal to its path, and who owes what when it is stuck."""

from __future__ import annotations

from market.checks import check_conformance, format_conformance, participant_roles
from market.kernel.ids import Role
from tests.checks.builders import (
    DA,
    DC,
    IN,
    LDSO,
    MOP,
    MPAN,
    MSS,
    OLD_MOP,
    OTHER_MPAN,
    OUT,
    REGS,
    SDS,
    JournalBuilder,
    journal,
    rm_t_without,
)


def _lines(events: list[dict[str, object]]) -> list[str]:
    return [line for report in check_conformance(events) for line in format_conformance(report)]


def test_a_complete_variant_t_reverse_migration_conforms() -> None:
    """Every RM-T step in order: one 'completed' line and nothing else."""
    (report,) = check_conformance(journal())
    assert report.conforms and report.path == "RM-T"
    assert format_conformance(report) == [f"{MPAN} RM-T completed (19 steps)"]


def test_a_stuck_reverse_migration_names_the_participant_that_owes_the_next_step() -> None:
    """Without T3 the MPAN is stuck after C15, and the MSS that got the de-appointment owes it."""
    assert _lines(rm_t_without("T3", "T4", "T6", "T7")) == [
        f"{MPAN} RM-T stuck after C15: waiting for T3 D0150 from MSS (owed by MSS-MSSD)"
    ]


def test_parallel_steps_due_together_are_all_listed() -> None:
    """Without the de-appointments the MPAN waits for both C14 and C15 from REGS."""
    assert _lines(rm_t_without("C14", "C15", "T3", "T4", "T6", "T7")) == [
        f"{MPAN} RM-T stuck after C13a: waiting for C14 IF-003 [MSDeAppRM] from REGS "
        "(owed by REGS-19) and C15 IF-003 [DSDeAppRM] from REGS (owed by REGS-19)"
    ]


def test_the_gaining_supplier_owes_its_own_steps() -> None:
    """Stuck after C8, the MPAN waits for the C1 sender's appointments (and REGS's C14/C15)."""
    assert _lines(journal("C1", "C2", "C4", "C6", "C7")) == [
        f"{MPAN} RM-T stuck after C8: waiting for C9 D0155 from SUP(in) (owed by {IN}) "
        f"and C9a D0153 from SUP(in) (owed by {IN}) "
        f"and C14 IF-003 [MSDeAppRM] from REGS (owed by {REGS}) "
        f"and C15 IF-003 [DSDeAppRM] from REGS (owed by {REGS})"
    ]


def test_an_owner_the_journal_never_shows_is_unidentified() -> None:
    """An expected MPAN with no events waits for C1 from a gaining supplier nobody has seen."""
    (report,) = check_conformance([], [MPAN])
    assert format_conformance(report) == [
        f"{MPAN} undecided stuck after (no step): waiting for C1 RegistrationRequest "
        "from SUP(in) (owed by an unidentified SUP(in))"
    ]


def test_unexpected_and_out_of_order_steps_are_reported() -> None:
    """A legacy switch showing an MSS D0150, and a D0155 before its D0217, breaks its path."""
    builder = JournalBuilder()
    journal(
        "C1", "C2", "C4", "C9", "C6", "C9a", "C10", "C11", "C12", "C13", "C13a", builder=builder
    )
    builder.dtn("L1", "D0170", MOP, OLD_MOP).dtn("L2", "D0150", OLD_MOP, MOP)
    journal("T3", "T4", "T6", "T7", builder=builder)
    (report,) = check_conformance(builder.events)
    assert (report.path, report.completed, report.conforms) == ("COS-L", True, False)
    assert format_conformance(report) == [
        f"{MPAN} COS-L unexpected step T3 D0150",
        f"{MPAN} COS-L out of order: C9 D0155 came before C6 D0217",
    ]


def test_a_completed_mpan_missing_a_required_step_does_not_conform() -> None:
    """Reaching T7 without D0205 is completed but reported as missing C12, C13 and C13a."""
    (report,) = check_conformance(rm_t_without("C12", "C13", "C13a"))
    assert report.completed and not report.conforms
    assert format_conformance(report) == [
        f"{MPAN} RM-T completed without C12 D0205 from SUP(in)",
        f"{MPAN} RM-T completed without C13 D0209 from REGS",
        f"{MPAN} RM-T completed without C13a D0172 from REGS",
    ]


def test_each_path_is_detected() -> None:
    """RM-T, RM-A, RM-S, COS-L, COS-M and OBJ journals are each judged on their own path."""
    paths = {}
    for mpan, extra in [
        ("RMT", lambda b: b.dip("IF-003", "[ReverseMigNotification]", REGS, [], step="C7")),
        (
            "RMA",
            lambda b: b.dip("IF-003", "[MSDeAppRM]", REGS, [], step="C14").dtn(
                "A3", "D0268", "MSA-MSAA", "HHMOA-HMOA"
            ),
        ),
        (
            "RMS",
            lambda b: b.dip("IF-003", "[DSDeAppRM]", REGS, [], step="C15").dtn(
                "C9", "D0155", IN, DC, smart_cos_indicator=True
            ),
        ),
        ("COSL", lambda b: b.dtn("C6", "D0217", REGS, IN)),
        ("COSM", lambda b: b.dip("IF-001", "[ChangeOfSupplier]", REGS, [], step="B1")),
        ("OBJ", lambda b: b.css("C3", "Objection", OUT, "CSS")),
    ]:
        builder = JournalBuilder(mpan).css("C1", "RegistrationRequest", IN, "CSS")
        extra(builder)
        (report,) = check_conformance(builder.events)
        paths[mpan] = report.path
    assert paths == {
        "RMT": "RM-T",
        "RMA": "RM-A",
        "RMS": "RM-S",
        "COSL": "COS-L",
        "COSM": "COS-M",
        "OBJ": "OBJ",
    }


def test_an_objected_switch_conforms_on_its_own_path() -> None:
    """C1, C2, C3, D3 is a complete OBJ path, judged independently of other MPANs."""
    objected = JournalBuilder(OTHER_MPAN).css("C1", "RegistrationRequest", IN, "CSS")
    objected.css("C2", "LossNotification", "CSS", OUT).css("C3", "Objection", OUT, "CSS")
    objected.css("D3", "RegistrationObjected", "CSS", IN)
    assert _lines(objected.events) == [f"{OTHER_MPAN} OBJ completed (4 steps)"]


def test_roles_come_from_flow_headers_envelopes_steps_and_routing() -> None:
    """D-flow headers, S1 sender roles, steps and routing maps pin roles; spelling never does."""
    roles = participant_roles(rm_t_without("T3", "T4", "T6", "T7"))
    assert roles[MSS] == Role.SMART_METERING_SERVICE  # only ever an IF-003 recipient
    assert roles["EES"] == Role.ELECTRICITY_ENQUIRY_SERVICE
    assert roles[REGS] == Role.REGISTRATION_SERVICE
    assert "MDS" not in roles and LDSO not in roles  # both only received C8: either could be MDS
    assert (roles[DC], roles[DA], roles["CSS"]) == (
        Role.NHH_DATA_COLLECTOR,
        Role.NHH_DATA_AGGREGATOR,
        Role.CENTRAL_SWITCHING_SERVICE,
    )


def test_an_answer_sharing_the_correlation_id_of_its_question_keeps_roles_apart() -> None:
    """An IF-014 carrying its IF-021's correlation id does not make the MDS look like the SDS."""
    builder = JournalBuilder()
    builder.dip("IF-021", "[ActivePower]", SDS, ["MDS", OUT], step="T1", correlation="CI-1")
    builder.dip(
        "IF-014", "[ActivePowerRejected]", "MDS", [SDS, OUT], step="D11", correlation="CI-1"
    )
    roles = participant_roles(builder.events)
    assert (roles["MDS"], roles[SDS]) == (Role.MARKETWIDE_DATA_SERVICE, Role.SMART_DATA_SERVICE)


def test_the_old_meter_operator_owes_the_legacy_handover() -> None:
    """On COS-L, L2 is owed by the MOP the new MOP asked with L1, not by the new MOP."""
    builder = JournalBuilder()
    journal(
        "C1", "C2", "C4", "C6", "C9", "C9a", "C10", "C11", "C12", "C13", "C13a", builder=builder
    )
    builder.dtn("L1", "D0170", MOP, OLD_MOP)
    assert _lines(builder.events) == [
        f"{MPAN} COS-L stuck after L1: waiting for L2 D0150 from NHHMOA(old) (owed by {OLD_MOP})"
    ]
