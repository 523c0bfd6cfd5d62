"""Envelope plumbing and parties for the tests of the newly modelled DIP events.

Parties extend the brief's fictional ones (section e.4): the gaining qualified
supplier ``2300000202`` / ``MHSB``, its Data Service ``1400000302`` / ``SDSD``
and Metering Service ``1200000402`` / ``MSSE``, and MDR ``1600000501`` / ``MDRA``.
"""

from __future__ import annotations

from datetime import date

from market.messages.dip import (
    A0,
    B013,
    D0,
    R0,
    S0,
    S1,
    CommonBlock,
    CustomBlock,
    DipEnvelope,
    sender_unique_reference,
    transaction_id,
)

from .builders import (
    CSS_REGISTRATION,
    REGS,
    at,
    m0,
)

INCOMING_SUPPLIER = "2300000202"
INCOMING_SDS = "1400000302"
INCOMING_MSS = "1200000402"
MDR = "1600000501"
SSD = "2026-03-02T00:00:00"


SUPPLIER = (INCOMING_SUPPLIER, "SUP")
REGISTRATION = (REGS, "REGS")
DATA_SERVICE = (INCOMING_SDS, "SDS")
METERING_SERVICE = (INCOMING_MSS, "MSS")


def sender_s1(interface_id: str, dip_id: str, role: str, suffix: str = "T0000001") -> S1:
    """An S1 for ``dip_id`` in ``role`` whose reference names ``interface_id``."""
    return S1(
        environment_tag="SIT",
        sub_text=None,
        sender_unique_reference=sender_unique_reference(
            interface_id, dip_id, role, date(2026, 2, 27), suffix
        ),
        sender_timestamp=at("2026-02-27T18:05:12"),
        sender_dip_id=dip_id,
        sender_role_id=role,
        sender_correlation_id=None,
        dip_connection_provider_id=None,
    )


def envelope(
    custom: CustomBlock,
    primary: tuple[str, ...],
    sender: tuple[str, str],
    r0: R0 | None = None,
) -> DipEnvelope:
    """``custom`` as submitted by ``sender`` (DIP ID, role): A0 primary only, no D0."""
    dip_id, role = sender
    return DipEnvelope(
        common=CommonBlock(
            s0=S0.for_block(type(custom)),
            s1=sender_s1(custom.interface_id, dip_id, role),
            a0=A0(primary_recipients=primary),
            m0=m0(),
            r0=r0,
        ),
        custom=custom,
    )


def d0_for(interface_id: str, sender: tuple[str, str]) -> D0:
    """The D0 the DIP stamps on an ``interface_id`` message from ``sender``."""
    dip_id, role = sender
    return D0(
        transaction_id=transaction_id(interface_id, dip_id, role, date(2026, 2, 27), "00AB12"),
        transaction_timestamp=at("2026-02-27T18:05:13"),
        publication_id=interface_id.replace("IF", "PUB"),
        initial_correlation_id="CI-20260227-00CD34",
        replay_indicator=False,
        service_ticket_url=None,
    )


def b013() -> B013:
    """The brief's CSS registration."""
    return B013(css_registration_id=CSS_REGISTRATION)
