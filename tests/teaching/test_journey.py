"""Journeys and their explanations, on hand-written journals."""

from __future__ import annotations

from market.teaching import explain_lines, journey_of, lanes_of
from market.teaching.journey import DELIVERED, LOST, REJECTED, LaneEvent, Message
from market.teaching.lanes import CENTRAL, LEGACY, MHHS, OTHER, OUTSIDE, lane_group
from tests.checks.builders import DC, IN, MPAN, OUT, JournalBuilder
from tests.teaching.journals import completed_migration, started_migration, with_faults


def test_messages_carry_step_meaning_and_submissions_go_to_the_dip() -> None:
    """Each message has its step and meaning; an accepted IF-003 is drawn from REGS to the DIP."""
    journey = journey_of(started_migration().events, MPAN)
    labels = [(m.sender, m.recipient, m.label) for m in journey.messages]
    assert labels[3] == ("REGS-19", "DIP", "C7 IF-003 [ReverseMigNotification]")
    assert labels[4] == ("DIP", "MDS", "C8 PUB-003 [ReverseMigNotification]")
    assert journey.messages[3].is_submission and not journey.messages[4].is_submission
    assert journey.messages[1].meaning == "Incoming supplier asks CSS to switch the MPAN to it"
    assert journey.path == "RM-T" and not journey.completed


def test_faults_become_lost_duplicate_crash_and_rejection_entries() -> None:
    """dropped → LOST with its reason; the second D0148 is the duplicate; crash and rejection."""
    journey = journey_of(with_faults(), MPAN)
    lost = [m for m in journey.messages if m.fate == LOST]
    assert [(m.label, m.note) for m in lost] == [("C10 D0011", "lost in transit")]
    copies = [m.duplicate for m in journey.messages if m.message == "D0148"]
    assert copies == [False, True]
    crashes = [e for e in journey.entries if isinstance(e, LaneEvent) and e.kind == "crashed"]
    assert [(c.participant, c.text) for c in crashes] == [(DC, "ValueError: boom")]
    rejected = [m for m in journey.messages if m.fate == REJECTED]
    assert [(m.sender, m.recipient, m.note) for m in rejected] == [
        (OUT, "DIP", "MSG1004 Sender Not Authorised For Interface")
    ]


def test_a_duplicate_fault_marks_only_arrivals_after_it() -> None:
    """A delivery before the duplicated fault is never the copy; the second one after it is."""
    builder = JournalBuilder()
    builder.dtn("C9", "D0155", IN, DC)
    builder.add("duplicated", network="DTN", message="D0155", sender=IN, recipient=DC)
    builder.dtn("C9", "D0155", IN, DC)
    builder.dtn("C9", "D0155", IN, DC)
    journey = journey_of(builder.events, MPAN)
    assert [m.duplicate for m in journey.messages] == [False, False, True]
    assert all(m.fate == DELIVERED for m in journey.messages)


def test_stuck_journey_says_what_it_waits_for_and_who_owes_it() -> None:
    """The outcome names the last step, each step due, its meaning and the participant owing it."""
    lines = explain_lines(journey_of(started_migration().events, MPAN))
    assert lines[0] == "MPAN 1935657896617: path RM-T (reverse migration, traditional meter)"
    assert lines[2] == (
        "Thu 26 Feb 09:00:00 GMT  OUTSIDE CustomerSigned                     customer → SUP-LGSB"
    )
    assert lines[3] == (
        "Thu 26 Feb 09:01:00 GMT  CSS     RegistrationRequest                SUP-LGSB → CSS"
        "              C1    Incoming supplier asks CSS to switch the MPAN to it"
    )
    assert "Outcome: RM-T stuck after C9." in lines
    assert (
        "  Waiting for C10 D0011 from NHHDC/NHHMOA/NHHDA, owed by NHHDC-NDCE: "
        "A legacy agent accepts its appointment (timing: typically within 5 WD)."
    ) in lines


def test_explanation_tells_state_changes_and_a_completed_outcome() -> None:
    """State changes are told as 'X noted event (facts)'; a finished MPAN says completed."""
    events = completed_migration()
    builder = JournalBuilder()
    builder.state(IN, "customer_signed", supply_start_date="2026-03-02")
    events = [*builder.events, *({**e, "seq": e["seq"] + 1} for e in events)]
    lines = explain_lines(journey_of(events, MPAN))
    assert lines[2].endswith("SUP-LGSB noted customer_signed (supply_start_date=2026-03-02)")
    assert lines[-1] == "Outcome: RM-T completed (19 steps)."


def test_lanes_are_grouped_mhhs_central_legacy() -> None:
    """Suppliers on the DIP are MHHS, others legacy; the DIP is central; unknown roles are Other."""
    lanes = lanes_of(journey_of(started_migration().events, MPAN))
    assert [(lane.participant, lane.group) for lane in lanes] == [
        ("customer", OUTSIDE),
        (OUT, MHHS),
        ("CSS", CENTRAL),
        ("REGS-19", CENTRAL),
        ("DIP", CENTRAL),
        ("MDS", CENTRAL),
        (IN, LEGACY),
        (DC, LEGACY),
    ]
    assert lane_group("X-1", None, on_dip=False) == OTHER
    assert lane_group("LDSO-19", "LDSO", on_dip=True) == MHHS


def test_journey_of_an_mpan_is_only_its_own_messages() -> None:
    """Another MPAN's messages are not part of this MPAN's journey."""
    builder = started_migration()
    other = JournalBuilder(mpan="1940641045226")
    other.dtn("C9", "D0155", IN, DC)
    events = [*builder.events, *({**e, "seq": 100 + e["seq"]} for e in other.events)]
    journey = journey_of(events, MPAN)
    assert all(isinstance(m, Message) for m in journey.messages)
    assert len(journey.messages) == 7
