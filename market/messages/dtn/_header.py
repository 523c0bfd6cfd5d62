"""The D-flow header: who sends a flow to whom, in which role, about which metering point.

A flow class takes its header as its one positional argument, then its data
items as keywords: ``D0011(header, appointed_role=..., ...)``. Because the
header comes first, ``Context.send_flow`` can type its own signature from the
flow class's (``Concatenate[FlowHeader, P]``), so mypy checks every data item a
participant passes. The header is validated by the flow that carries it, so an
error names ``<flow id>.<field>`` just as for a data item.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from market.kernel.ids import Role
from market.messages.dtn import _checks as check


@attrs.frozen(kw_only=True, slots=True)
class Address:
    """A party on the DTN: an MPID and the role it acts in (one MPID may hold several roles)."""

    mpid: str
    role: Role


@attrs.frozen(kw_only=True, slots=True)
class FlowHeader:
    """What every D-flow carries before its data items: sender, recipient and MPAN core."""

    from_mpid: str
    from_role: Role
    to_mpid: str
    to_role: Role
    mpan_core: str

    @classmethod
    def between(cls, sender: Address, recipient: Address, mpan_core: str) -> FlowHeader:
        """The header of a flow from ``sender`` to ``recipient`` about ``mpan_core``."""
        return cls(
            from_mpid=sender.mpid,
            from_role=sender.role,
            to_mpid=recipient.mpid,
            to_role=recipient.role,
            mpan_core=mpan_core,
        )

    @property
    def sender(self) -> Address:
        """Who sent the flow: the address to answer it to."""
        return Address(mpid=self.from_mpid, role=self.from_role)

    @property
    def recipient(self) -> Address:
        """Who the flow is for."""
        return Address(mpid=self.to_mpid, role=self.to_role)


_FIELDS: Final = attrs.fields(FlowHeader)
_HEADER_CHECKS: Final = (
    (_FIELDS.from_mpid, check.mpid),
    (_FIELDS.from_role, check.any_role),
    (_FIELDS.to_mpid, check.mpid),
    (_FIELDS.to_role, check.any_role),
    (_FIELDS.mpan_core, check.mpan_core),
)


def check_header(flow: object, _attribute: attrs.Attribute[Any], header: object) -> None:
    """Validate a flow's header field by field, naming errors ``<flow id>.<field>``."""
    if not isinstance(header, FlowHeader):
        raise check.FlowError(
            f"{type(flow).__name__}.header", f"must be a FlowHeader, got {header!r}"
        )
    for attribute, validate in _HEADER_CHECKS:
        validate(flow, attribute, getattr(header, attribute.name))
