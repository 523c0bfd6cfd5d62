"""Wire rules of the identifiers that recur across DIP blocks.

One place says what a DIP ID or an MPID looks like on the wire, so S1, M0, A0
and the IF-003 blocks cannot drift apart.
"""

from __future__ import annotations

from market.kernel.ids import check_dip_id, check_mpid
from market.messages.dip.field_rules import TextRule
from market.messages.dip.fields import wire_text


def dip_id_text(key: str, *, nullable: bool = False) -> TextRule:
    """A DIP ID field: exactly 10 characters, letters or digits."""
    return wire_text(key, length=10, check=check_dip_id, nullable=nullable)


def mpid_text(key: str, *, nullable: bool = False) -> TextRule:
    """A market participant id field: exactly 4 upper-case letters."""
    return wire_text(key, length=4, check=check_mpid, nullable=nullable)
