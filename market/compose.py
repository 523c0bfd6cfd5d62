"""Helpers for participants to build well-formed messages from their context.

Part of the participant API: built-in participants use exactly these, and so can
yours. They fill in what the context already knows (sender DIP ID and role,
MPID, timestamps, unique references) so a participant states only the business
content.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from market.kernel.exceptions import ScenarioError
from market.kernel.ids import Role
from market.messages.dip import (
    A0,
    M0,
    R0,
    S0,
    S1,
    CommonBlock,
    CustomBlock,
    DipEnvelope,
    DipRequest,
    render_body,
    sender_unique_reference,
)
from market.messages.dip.signing import KeyRing, shared_key_ring, sign_request
from market.messages.dip.transport import channel_url
from market.messages.dtn import DFlow
from market.participant import Context

FlowT = TypeVar("FlowT", bound=DFlow)

#: The DIP environment the simulated market runs in (S1.environmentTag).
ENVIRONMENT_TAG = "SIT"


def dip_submission(
    ctx: Context,
    custom: CustomBlock,
    *,
    primary_recipients: Iterable[str],
    m0: M0,
    correlation_id: str | None = None,
    r0: R0 | None = None,
) -> DipEnvelope:
    """An IF-nnn submission from this participant, ready for ``ctx.send``.

    ``r0`` is the response block the interfaces that answer a request carry
    (IF-014, IF-026, IF-032 ...): ``R0.accepted()`` or ``R0.rejected(code)``.
    """
    identity = ctx.identity
    if identity.dip_id is None:
        raise ScenarioError(
            f"{identity.participant_id} has no DIP ID, so it cannot submit {custom.interface_id}; "
            "give it a dip_id in the scenario or send a D-flow instead"
        )
    role = identity.role.value
    reference = sender_unique_reference(
        custom.interface_id, identity.dip_id, role, ctx.today, f"R{ctx.next_reference():09d}"
    )
    return DipEnvelope(
        common=CommonBlock(
            s0=S0(interface_id=custom.interface_id, event_code=custom.event_code),
            s1=S1(
                environment_tag=ENVIRONMENT_TAG,
                sub_text=None,
                sender_unique_reference=reference,
                sender_timestamp=ctx.now,
                sender_dip_id=identity.dip_id,
                sender_role_id=role,
                sender_correlation_id=correlation_id,
                dip_connection_provider_id=None,
            ),
            a0=A0(primary_recipients=tuple(primary_recipients)),
            d0=None,
            m0=m0,
            r0=r0,
        ),
        custom=custom,
    )


def dip_request(
    ctx: Context,
    body: Sequence[DipEnvelope] | bytes,
    *,
    interface_id: str | None = None,
    key_ring: KeyRing | None = None,
) -> DipRequest:
    """A signed ``POST`` of ``body`` to its DIP channel, as an HTTP client would send it.

    For participant code that speaks HTTP-shaped DIP: ``body`` is the envelopes
    (rendered here) or the exact bytes to post, in which case ``interface_id``
    names the channel. The request is signed with this participant's key from
    ``key_ring`` (the process-wide ring by default, the one the DIP trusts).
    """
    identity = ctx.identity
    if identity.dip_id is None:
        raise ScenarioError(
            f"{identity.participant_id} has no DIP ID, so it has no key to sign a DIP request "
            "with; give it a dip_id in the scenario"
        )
    if isinstance(body, bytes):
        if interface_id is None:
            raise ScenarioError("a raw DIP body needs interface_id= to name its channel")
        raw = body
    else:
        raw = render_body(body)
        interface_id = interface_id or body[0].interface_id
    ring = key_ring if key_ring is not None else shared_key_ring()
    request = DipRequest(url=channel_url(interface_id), body=raw)
    return sign_request(request, ring.signing_key(identity.dip_id), ctx.now)


def dtn_flow(
    ctx: Context,
    flow_type: type[FlowT],
    *,
    to_role: Role,
    to_mpid: str,
    mpan_core: str,
    **items: Any,
) -> FlowT:
    """A D-flow from this participant (its MPID and role as sender), ready for ``ctx.send``."""
    identity = ctx.identity
    if identity.mpid is None:
        raise ScenarioError(
            f"{identity.participant_id} has no MPID, so it cannot send {flow_type.flow_id} "
            "on the DTN"
        )
    return flow_type(
        from_mpid=identity.mpid,
        from_role=identity.role,
        to_mpid=to_mpid,
        to_role=to_role,
        mpan_core=mpan_core,
        **items,
    )
