"""Who may send each CSS message: the rule by which the CSS interface authenticates senders.

In the market only the Central Switching Service originates switching events
(a loss notice, a secured switch, an objection's or a withdrawal's notices); a
supplier sends the CSS its own requests (a registration request, an objection,
a withdrawal), under its own MPID and only to the CSS. The CSS interface knows
who sent a message (the broker tells it; the directory says that sender's role
and MPID) and carries a message only from a sender entitled to it, as the DTN
carries a flow only from its owner.

The rule is a pure function of plain values so that two parties apply the one
table: the network, which knows the sender's identity from the directory, and
the verdict (:mod:`market.checks.forgeries`), which reads it off the journal.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from market.kernel.ids import Role
from market.messages.css import (
    LossNotification,
    LossWithdrawn,
    Objection,
    RegistrationObjected,
    RegistrationRequest,
    RegistrationWithdrawal,
    RegistrationWithdrawn,
    SecuredActive,
)

_CSS: Final = Role.CENTRAL_SWITCHING_SERVICE
_SUPPLIER: Final = Role.SUPPLIER


@attrs.frozen(kw_only=True, slots=True)
class CssEntitlement:
    """Who may send one kind of CSS message: the role that originates it, and as whom."""

    #: The one role that sends this message: the CSS, or a supplier.
    sender: Role
    #: The field naming the sender's own MPID: a supplier speaks only for itself.
    own_mpid_field: str | None = None

    @property
    def from_a_party(self) -> bool:
        """A party's request, which goes only to the CSS (the CSS's own events go anywhere)."""
        return self.sender != _CSS


#: Every CSS message by name (``message_name``, as the journal spells it) and who may send it.
CSS_SENDERS: Final[Mapping[str, CssEntitlement]] = MappingProxyType(
    {
        RegistrationRequest.message_name: CssEntitlement(
            sender=_SUPPLIER, own_mpid_field="gaining_supplier_mpid"
        ),
        LossNotification.message_name: CssEntitlement(sender=_CSS),
        Objection.message_name: CssEntitlement(
            sender=_SUPPLIER, own_mpid_field="losing_supplier_mpid"
        ),
        SecuredActive.message_name: CssEntitlement(sender=_CSS),
        RegistrationObjected.message_name: CssEntitlement(sender=_CSS),
        RegistrationWithdrawal.message_name: CssEntitlement(
            sender=_SUPPLIER, own_mpid_field="gaining_supplier_mpid"
        ),
        RegistrationWithdrawn.message_name: CssEntitlement(sender=_CSS),
        LossWithdrawn.message_name: CssEntitlement(sender=_CSS),
    }
)

#: Ends the reason of every refusal for its sender, so that the verdict tells a refused
#: forgery from a message refused for having no recipient, or lost to a fault.
SENDER_REFUSED: Final = "the CSS interface carries a message only from a sender entitled to it"

_SENDER_NAMES: Final = {_CSS: "the CSS", _SUPPLIER: "a supplier"}


def sender_refusal(
    message: str,
    *,
    role: Role | None,
    mpid: str | None,
    to_role: Role | None,
    items: Mapping[str, object],
) -> str | None:
    """Why a sender of ``role`` and ``mpid`` may not send ``message`` (by name); ``None`` if it may.

    ``to_role`` is the role the message is addressed to and ``items`` its fields
    (:meth:`CssMessage.items`). A ``None`` role, MPID or addressee means "not
    known" (a journal need not say): that part of the rule is not applied, so
    an unknown sender is never called a forger.
    """
    entitlement = CSS_SENDERS.get(message)
    if entitlement is None:
        return f"no party sends {message} on the CSS interface"
    if role is not None and role != entitlement.sender:
        return f"only {_SENDER_NAMES[entitlement.sender]} sends {message}"
    if entitlement.from_a_party and to_role is not None and to_role != _CSS:
        return f"a supplier sends {message} only to the CSS, not to {to_role}"
    field = entitlement.own_mpid_field
    if field is not None and mpid is not None and field in items and items[field] != mpid:
        return f"{message} names {field} {items[field]}, not the sender's own MPID {mpid}"
    return None
