"""Messages between the runtime's inbox and resubmission, the DIP and the runtime (no business).

They model the plumbing every real participant has around its business
logic: the DIP telling a participant its webhook works again, the participant
asking the DIP to replay what it missed, a resubmission timer, a planned crash.
The runtime handles them before (or instead of) the participant's
``on_message``, through the participant's recovery hooks.
"""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen(kw_only=True, slots=True)
class ReplayRequest:
    """Participant → DIP: redeliver what could not be delivered, and (with ``since``) what was.

    Replayed publications carry ``replayIndicator = true`` in D0.
    """

    since: datetime | None = None


@attrs.frozen(kw_only=True, slots=True)
class WebhookRestored:
    """DIP → participant: its webhook answers again after being down since ``down_since``."""

    down_since: datetime


@attrs.frozen(kw_only=True, slots=True)
class Resubmit:
    """Timer: resubmit the DIP submission with sender reference ``reference`` (rejected before)."""

    reference: str
    attempt: int


@attrs.frozen(kw_only=True, slots=True)
class PlannedCrash:
    """Runtime: the fault plan crashes this participant now (its index in the plan's crashes)."""

    index: int


@attrs.frozen(kw_only=True, slots=True)
class RestartDue:
    """Runtime: a crashed participant restarts now."""

    state_lost: bool
