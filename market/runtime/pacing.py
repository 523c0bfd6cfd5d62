"""What the runtime asks before every batch when the market is not alone: may it go on?

A run on its own goes as fast as its queue allows. A market that real systems
outside it take part in (``market serve``) must not let virtual time run away
from them: a :class:`Pacer` is asked before each batch, lets their inputs in
while the market stands still, and says when the run is over.
"""

from __future__ import annotations

from typing import Protocol


class Pacer(Protocol):
    """Asked by the runtime before each batch; see the module docstring."""

    async def before_batch(self, batches: int) -> bool:
        """Wait until the next batch may be handed out; ``False`` ends the run.

        ``batches`` is how many batches have been handed out so far: the point of
        the run at which any input taken now is applied (and replayed).
        """
        ...
