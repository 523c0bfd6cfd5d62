"""Who a participant is in the market: its journal id, its role and its industry addresses."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from market.kernel.ids import Role, check_dip_id, check_mpid


def _optional(check: Callable[[str], str]) -> Callable[[object, object, str | None], None]:
    def validate(_instance: object, _attribute: object, value: str | None) -> None:
        if value is not None:
            check(value)

    return validate


@attrs.frozen(kw_only=True, slots=True)
class ParticipantIdentity:
    """Who a participant is in the market: one id in the journal, and its industry addresses.

    ``participant_id`` is the name the journal uses (``REGS-19``, ``SUP-LGSB``);
    ``role`` is the one role it plays (a participant's only role: the market
    builder gives it, nothing else states it); ``dip_id`` is its DIP ID when it
    is a DIP user (legacy agents are not); ``mpid`` is its market participant id
    on the DTN and at CSS.
    """

    participant_id: str
    role: Role
    dip_id: str | None = attrs.field(default=None, validator=_optional(check_dip_id))
    mpid: str | None = attrs.field(default=None, validator=_optional(check_mpid))
    name: str = ""
