"""Sequence diagrams as Mermaid text, pinned exactly on hand-written journals."""

from __future__ import annotations

from market.teaching import journey_mermaid, journey_of
from market.teaching.mermaid import mermaid_text
from tests.checks.builders import MPAN
from tests.teaching.journals import completed_migration, started_migration, with_faults

HEADER = """\
sequenceDiagram
    title MPAN 1935657896617: RM-T stuck after {last}
    actor customer as customer
    box rgb(225,236,252) MHHS
        participant SUP_MHSA as SUP-MHSA
    end
    box rgb(236,236,236) Central
        participant CSS as CSS
        participant REGS_19 as REGS-19
        participant DIP as DIP
        participant MDS as MDS
    end
    box rgb(253,236,214) Legacy
        participant SUP_LGSB as SUP-LGSB
        participant NHHDC_NDCE as NHHDC-NDCE
    end
    customer->>SUP_LGSB: CustomerSigned
    SUP_LGSB-)CSS: C1 RegistrationRequest
    CSS-)SUP_MHSA: C2 LossNotification
    REGS_19--)DIP: C7 IF-003 [ReverseMigNotification]
    DIP-->>MDS: C8 PUB-003 [ReverseMigNotification]
    DIP-->>SUP_MHSA: C8 PUB-003 [ReverseMigNotification]
    SUP_LGSB->>NHHDC_NDCE: C9 D0155
"""
WAITING = """\
    Note over CSS: WAITING FOR C4 SecuredActive
    Note over NHHDC_NDCE: WAITING FOR C10 D0011
    Note over REGS_19: WAITING FOR C14 IF-003 [MSDeAppRM]
    Note over REGS_19: WAITING FOR C15 IF-003 [DSDeAppRM]
"""


def test_lanes_grouped_and_networks_drawn_apart() -> None:
    """Lanes sit in MHHS / Central / Legacy boxes; CSS, DIP and DTN arrows differ; owers noted."""
    journey = journey_of(started_migration().events, MPAN)
    assert journey_mermaid(journey) == HEADER.format(last="C9") + WAITING


def test_faults_are_drawn_crossed_marked_and_noted() -> None:
    """A lost message is crossed, a duplicate marked, a crash noted, a rejection crossed at DIP."""
    journey = journey_of(with_faults(), MPAN)
    faults = """\
    NHHDC_NDCE-xSUP_LGSB: C10 D0011 (LOST: lost in transit)
    SUP_LGSB->>NHHDC_NDCE: C11 D0148
    SUP_LGSB->>NHHDC_NDCE: C11 D0148 (DUPLICATE)
    Note over NHHDC_NDCE: CRASHED ValueError: boom
    SUP_MHSA--xDIP: IF-025 [SSCandProfileClass] (REJECTED: MSG1004 Sender Not Authorised \
For Interface)
"""
    assert journey_mermaid(journey) == HEADER.format(last="C11") + faults + WAITING


def test_completed_journey_has_no_waiting_notes() -> None:
    """A completed reverse migration is titled completed and ends on its last arrow."""
    text = journey_mermaid(journey_of(completed_migration(), MPAN))
    assert text.splitlines()[1] == "    title MPAN 1935657896617: RM-T completed (19 steps)"
    assert text.endswith("    NHHDC_NDCE->>NHHDA_NDAG: T7 D0019\n")
    assert "WAITING" not in text


def test_text_that_would_break_mermaid_is_escaped() -> None:
    """Semicolons, hashes, angle brackets and newlines become Mermaid entity codes or spaces."""
    assert mermaid_text("a;b #1 <x>\nc") == "a#59;b #35;1 #lt;x#gt; c"
