"""A participant's inbox filter: a message already handled is not handed over again.

Real participants sit behind DIP-facing software that ignores a publication it
has already processed (same transaction id: replays and duplicates happen) and
an identical D-flow or CSS message received twice. The runtime keeps one
:class:`DuplicateFilter` per participant; a participant opts out with
``deduplicate = False`` to see every copy itself.
"""

from __future__ import annotations

import attrs

from market.messages.css import CssMessage
from market.messages.dip import DipEnvelope
from market.messages.dtn import DFlow


@attrs.define
class DuplicateFilter:
    """Remembers what one participant was handed, to drop exact repeats.

    A D-flow or CSS message is a repeat when it equals one handed over before.
    Equal messages are of one class and about one MPAN, so they are kept by
    class and MPAN core and a new one is compared only with those: no message
    is hashed whole (that walks every field, and a set would do it on every
    check), and most are the only one of their class for their MPAN.
    """

    deduplicate: bool
    #: D-flows (by id) always handed over, even identical repeats (a chased appointment).
    redelivered_flows: frozenset[str] = frozenset()
    #: Transaction ids of the DIP publications handed over.
    transactions: set[str] = attrs.field(factory=set)
    #: D-flows and CSS messages handed over, by class then MPAN core: the message, or
    #: the list of them when one participant was handed several unequal ones.
    messages: dict[type, dict[str, object]] = attrs.field(factory=dict)

    def is_duplicate(self, message: object) -> bool:
        """Whether ``message`` was already handled (and so must not be handled again)."""
        if not self.deduplicate:
            return False
        if isinstance(message, DipEnvelope):
            d0 = message.common.d0
            if d0 is None:
                return False
            transactions = self.transactions
            known = len(transactions)
            transactions.add(d0.transaction_id)
            return len(transactions) == known
        if isinstance(message, DFlow):
            if message.flow_id in self.redelivered_flows:
                return False
        elif not isinstance(message, CssMessage):
            return False
        return self._handed_before(message, message.mpan_core)

    def _handed_before(self, message: DFlow | CssMessage, mpan: str) -> bool:
        """Whether an equal message was handed over; remembers ``message`` if not."""
        by_mpan = self.messages.get(type(message))
        if by_mpan is None:
            by_mpan = self.messages[type(message)] = {}
        seen = by_mpan.get(mpan)
        if seen is None:
            by_mpan[mpan] = message
            return False
        if type(seen) is list:
            if message in seen:
                return True
            seen.append(message)
            return False
        if seen is message or seen == message:
            return True
        by_mpan[mpan] = [seen, message]
        return False
