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
    """Remembers what one participant was handed, to drop exact repeats."""

    deduplicate: bool
    #: D-flows (by id) always handed over, even identical repeats (a chased appointment).
    redelivered_flows: frozenset[str] = frozenset()
    seen: set[object] = attrs.field(factory=set)

    def is_duplicate(self, message: object) -> bool:
        """Whether ``message`` was already handled (and so must not be handled again)."""
        if not self.deduplicate:
            return False
        key: object
        if isinstance(message, DipEnvelope):
            d0 = message.common.d0
            if d0 is None:
                return False
            key = ("DIP", d0.transaction_id)
        elif isinstance(message, DFlow) and message.flow_id in self.redelivered_flows:
            return False
        elif isinstance(message, DFlow | CssMessage):
            key = message
        else:
            return False
        if key in self.seen:
            return True
        self.seen.add(key)
        return False
