"""Every kind of journal event, named once.

A journal line's ``kind`` says what happened; checks, reports and diagrams
branch on it. Naming the kinds here means a typo is a type error rather than a
silent miss, and a new kind cannot appear without being listed (the tests
compare these members with what real runs journal). Members are
:class:`enum.StrEnum` values, equal to (and hashed, formatted and JSON-encoded
as) their strings, so journals, digests and journal files read back as plain
dicts are unchanged.

Restarts are not a kind of their own: the runtime journals them as a
``state_changed`` whose detail ``event`` is ``restarted``.
"""

from __future__ import annotations

import enum


class EventKind(enum.StrEnum):
    """What a journal event records (README, "The journal"; fault kinds: "Fault plan format")."""

    # A participant handed a DIP submission (IF-nnn) to the DIP.
    SUBMITTED = "submitted"
    # The DIP passed a submission's level-1 validation and will publish it.
    ACCEPTED = "accepted"
    # The DIP (or a recipient, by status message) refused a submission, with a code.
    REJECTED = "rejected"
    # The DIP worked out a publication's recipients (the routing map is in the detail).
    ROUTED = "routed"
    # A participant put a D-flow on the DTN or a message on the CSS interface.
    SENT = "sent"
    # A message reached its recipient's mailbox.
    DELIVERED = "delivered"
    # A message nobody could receive (unknown recipient, or one that stays down).
    DEAD_LETTERED = "dead_lettered"
    # A participant asked for a message to itself later.
    TIMER_SET = "timer_set"
    # A timer's message reached the participant that set it.
    TIMER_FIRED = "timer_fired"
    # A participant cancelled a timer before it fired.
    TIMER_CANCELLED = "timer_cancelled"
    # A participant recorded a change of its own state (``ctx.record``; restarts too).
    STATE_CHANGED = "state_changed"
    # A participant stopped: its handler raised, or a fault plan crashed it.
    CRASHED = "crashed"
    # The network lost a message (loss or partition fault).
    DROPPED = "dropped"
    # The DIP will push a publication again after a failed attempt.
    RETRYING = "retrying"
    # The DIP stopped pushing a publication (RetriesExhausted) after its last retry.
    RETRIES_EXHAUSTED = "retries_exhausted"
    # A message will arrive later than its latency (delay, slow, outage, recipient down).
    DELAYED = "delayed"
    # The network sent extra copies of a message.
    DUPLICATED = "duplicated"
    # The network held a message back so that later ones overtake it.
    REORDERED = "reordered"
    # A DIP submission was garbled on the wire (it then fails level-1 validation).
    CORRUPTED = "corrupted"
    # The DIP refused a submission during an outage (MSG5003).
    REFUSED = "refused"
    # A participant asked the DIP to replay the publications it missed.
    REPLAY_REQUESTED = "replay_requested"
    # The DIP pushed a missed publication again, with ``replayIndicator=true``.
    REPLAYED = "replayed"
    # The supervisor stopped restarting a participant that crashed too often.
    GAVE_UP = "gave_up"
