"""A small DIP market for the defence tests: identities, a broker, messages, and readers."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.ids import Role
from market.kernel.journal import Journal, JournalEvent
from market.kernel.queue import Delivery, VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import (
    B002,
    B013,
    B094,
    M0,
    DipEnvelope,
    DipResponse,
    ReverseMigNotification,
)
from market.networks.dip_defences import DEFAULT_DEFENCES, DipDefences
from market.networks.dip_gateway import DipGateway
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.participant import Context, ParticipantIdentity

MPAN = "1900012345670"
UNKNOWN_MPAN = "1900000000013"
START = datetime(2026, 2, 27, 16, 0, tzinfo=UTC)

IDENTITIES = {
    "REGS": ParticipantIdentity(
        participant_id="REGS", role=Role.REGISTRATION_SERVICE, dip_id="2200000019", mpid="RGSJ"
    ),
    "MDS": ParticipantIdentity(
        participant_id="MDS", role=Role.MARKETWIDE_DATA_SERVICE, dip_id="1800000001"
    ),
    "LDSO": ParticipantIdentity(participant_id="LDSO", role=Role.LDSO, dip_id="2500000019"),
    "OUTSUP": ParticipantIdentity(
        participant_id="OUTSUP", role=Role.SUPPLIER, dip_id="2300000101", mpid="MHSA"
    ),
    "INSUP": ParticipantIdentity(participant_id="INSUP", role=Role.SUPPLIER, mpid="LGSB"),
}


def directory() -> Directory:
    """The directory of :data:`IDENTITIES`."""
    return Directory(IDENTITIES.values())


def broker(
    defences: DipDefences = DEFAULT_DEFENCES,
    *,
    gateway: DipGateway | None = None,
    known_mpans: frozenset[str] | None = frozenset({MPAN}),
) -> Broker:
    """A broker over :data:`IDENTITIES` whose DIP knows only :data:`MPAN`."""
    return Broker(
        directory=directory(),
        journal=Journal(),
        clock=VirtualClock(START),
        routes=default_routes(ees_always_on_if003=False),
        mpan_roles=MpanRoleMap({MPAN: {Role.SUPPLIER: "2300000101"}}),
        defences=defences,
        known_mpans=known_mpans,
        gateway=gateway,
    )


def context(the_broker: Broker, pid: str) -> Context:
    """The context participant ``pid`` would have in ``the_broker``'s market."""
    return Context(
        IDENTITIES[pid], clock=the_broker.clock, calendar=SettlementCalendar(), rng=random.Random(0)
    )


def notification(
    ctx: Context, *, mpan: str = MPAN, primary: tuple[str, ...] = ("1800000001", "2500000019")
) -> DipEnvelope:
    """IF-003 ``[ReverseMigNotification]`` from ``ctx``'s participant about ``mpan``."""
    return ctx.submit(
        ReverseMigNotification(
            b013=B013(css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10"),
            b094=B094(mhhs_regime_end_date=datetime(2026, 3, 1, tzinfo=UTC)),
            b002=B002(
                incoming_supplier_dip_id="0000000000",
                incoming_supplier_mpid="LGSB",
                supplier_effective_from_date=datetime(2026, 3, 2, tzinfo=UTC),
            ),
        ),
        primary_recipients=primary,
        m0=M0(mpan_core=mpan, distributor_dip_id="2500000019", gsp_group_id="_J"),
    )


def drain(the_broker: Broker) -> list[Delivery]:
    """Every delivery the broker hands out until its queue is empty, in order."""
    delivered: list[Delivery] = []
    while the_broker.pending:
        for batch in the_broker.next_batch().values():
            delivered.extend(batch)
    return delivered


def responses(deliveries: list[Delivery], pid: str) -> list[DipResponse]:
    """The DIP's synchronous answers among ``deliveries`` to participant ``pid``."""
    return [
        d.payload for d in deliveries if d.recipient == pid and isinstance(d.payload, DipResponse)
    ]


def rejections(journal: Journal) -> list[JournalEvent]:
    """Every ``rejected`` event of ``journal``."""
    return [event for event in journal if event.kind == "rejected"]


def detail(event: JournalEvent) -> dict[str, Any]:
    """An event's detail as a plain dict (empty when it has none)."""
    return dict(event.detail or {})
