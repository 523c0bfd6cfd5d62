"""Small hand-written journals for the teaching views: a started reverse migration, with faults."""

from __future__ import annotations

from typing import Any

from tests.checks.builders import DC, IN, OUT, REGS, SSD, JournalBuilder, journal


def started_migration() -> JournalBuilder:
    """A customer signs, CSS is told, REGS announces the reverse migration, a DC is appointed."""
    builder = JournalBuilder()
    builder.add(
        "delivered", network="OUTSIDE", message="CustomerSigned", sender="customer", recipient=IN
    )
    builder.css("C1", "RegistrationRequest", IN, "CSS")
    builder.css("C2", "LossNotification", "CSS", OUT, supply_start_date=SSD)
    builder.dip(
        "IF-003",
        "[ReverseMigNotification]",
        REGS,
        ["MDS", OUT],
        step="C7",
        publication_step="C8",
        correlation="CI-1",
    )
    builder.dtn("C9", "D0155", IN, DC, appointed_role="NHHDC", effective_from_date=SSD)
    return builder


def with_faults() -> list[dict[str, Any]]:
    """The started migration, then a lost D0011, a duplicated D0148, a crash and a rejection."""
    builder = started_migration()
    builder.add(
        "dropped",
        network="DTN",
        message="D0011",
        sender=DC,
        recipient=IN,
        step="C10",
        detail={"fault": "loss", "reason": "lost in transit"},
    )
    builder.add(
        "duplicated",
        network="DTN",
        message="D0148",
        sender=IN,
        recipient=DC,
        step="C11",
        detail={"fault": "duplicated"},
    )
    builder.dtn("C11", "D0148", IN, DC)
    builder.dtn("C11", "D0148", IN, DC)
    builder.add("crashed", sender=DC, message="D0148", detail={"error": "ValueError: boom"})
    builder.add(
        "rejected",
        network="DIP",
        message="IF-025",
        event_code="[SSCandProfileClass]",
        sender="DIP",
        recipient=OUT,
        detail={"code": "MSG1004", "text": "Sender Not Authorised For Interface"},
    )
    return builder.events


def completed_migration() -> list[dict[str, Any]]:
    """Every step of a variant-T reverse migration, in order (from the checks' builders)."""
    return journal()
