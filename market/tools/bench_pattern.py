"""The delivery pattern of one reverse migration, as data, for the benchmark's yardsticks.

The kernel with trivial messages (:mod:`market.tools.bench_kernel`) and the peers
(:mod:`market.tools.peers`) replay this pattern instead of the market's domain
logic, so that each moves the same deliveries between the same actors with the
same fan-out and the same virtual-time spacing as a real reverse migration.

:data:`RM_PATTERN` was derived once, by :func:`derive_pattern`, from the journal
of a 1-MPAN run of the built-in market with every customer signing at the start
(``market bench``'s set-up), and is kept here as a literal so that importing
this module runs nothing. ``tests/test_bench_peers.py`` checks it against a
live run.

The model: each delivery (message or timer firing) is a :class:`Hop`, caused
by one earlier hop (its *parent*). The actor handling the parent sends the hop
at once, to arrive ``delay`` virtual seconds later. A hop's parent is the first
delivery to the party that acted (the sender; for a DIP message, the submitter)
at the instant the message was sent (or the timer set); a delivery with no such
cause (the customer's meter reading, a stimulus) is given the first delivery of
the previous delivery instant. The first delivery (the customer signing) is the
root: it comes from outside.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final, NamedTuple

import attrs

from market.kernel.event_kinds import EventKind
from market.kernel.journal import JournalEvent
from market.kernel.vocabulary import DIP

#: Journal steps that end a reverse migration (as in :data:`market.tools.bench.TERMINAL_STEPS`).
_TERMINAL_STEPS: Final = frozenset({"T7", "A5", "S5"})


class Hop(NamedTuple):
    """One delivery of the pattern, as indexes into :attr:`Pattern.actors` and ``hops``."""

    #: The actor that sends it: the recipient of the parent (-1: the root, from outside).
    sender: int
    recipient: int
    #: The hop whose delivery causes this one (-1: the root).
    parent: int
    #: Virtual seconds from the parent's delivery to this one's.
    delay: int
    #: What the real run delivered (``D0155``, ``PUB-003``, a timer's payload type).
    label: str


def _children(pattern: Pattern) -> tuple[tuple[int, ...], ...]:
    children: list[list[int]] = [[] for _ in pattern.hops]
    for index, hop in enumerate(pattern.hops):
        if hop.parent >= 0:
            children[hop.parent].append(index)
    return tuple(tuple(c) for c in children)


@attrs.frozen(kw_only=True)
class Pattern:
    """The deliveries of one reverse migration: who sends what to whom, caused by what, when."""

    #: Participant ids of the real run, in order of first delivery.
    actors: tuple[str, ...]
    #: Each actor's role code (``SUP``, ``REGS`` ...), as in :class:`market.kernel.ids.Role`.
    roles: tuple[str, ...]
    hops: tuple[Hop, ...]
    #: The hop whose delivery completes a reverse migration (the journal's terminal step).
    terminal: int
    #: For each hop, the hops its delivery causes (the fan-out), in hop order.
    children: tuple[tuple[int, ...], ...] = attrs.field(init=False)
    #: Each hop's recipient (actor index), in hop order.
    recipients: tuple[int, ...] = attrs.field(init=False)
    #: Each hop's delay after its parent (virtual seconds), in hop order.
    delays: tuple[int, ...] = attrs.field(init=False)

    @children.default
    def _children_default(self) -> tuple[tuple[int, ...], ...]:
        return _children(self)

    @recipients.default
    def _recipients_default(self) -> tuple[int, ...]:
        return tuple(hop.recipient for hop in self.hops)

    @delays.default
    def _delays_default(self) -> tuple[int, ...]:
        return tuple(hop.delay for hop in self.hops)

    def __len__(self) -> int:
        return len(self.hops)

    @property
    def root(self) -> int:
        """The hop that starts a reverse migration (delivered from outside)."""
        return 0

    def offsets(self) -> tuple[int, ...]:
        """Each hop's delivery instant, in virtual seconds after the root's."""
        at: list[int] = []
        for hop in self.hops:
            at.append(0 if hop.parent < 0 else at[hop.parent] + hop.delay)
        return tuple(at)


def _is_delivery(event: JournalEvent) -> bool:
    return event.kind in (EventKind.DELIVERED, EventKind.TIMER_FIRED)


def derive_pattern(events: Iterable[JournalEvent], roles: Mapping[str, str]) -> Pattern:
    """The pattern of a 1-MPAN run's journal ``events`` (see the module docstring).

    ``roles`` maps every participant id of the run to its role code; other
    senders (``DIP``, ``customer``) are parts of the market or outside it.
    """
    events = list(events)
    # The DIP answers a submission to its submitter; a publication names it by correlation id.
    submitters = {
        e.correlation_id: e.recipient
        for e in events
        if e.kind == EventKind.ACCEPTED and e.recipient is not None
    }
    timers_set = {
        (e.sender, e.message, (e.detail or {}).get("fires_at")): e.at
        for e in events
        if e.kind == EventKind.TIMER_SET
    }
    deliveries = [e for e in events if _is_delivery(e)]
    instants = sorted({e.at for e in deliveries})
    first_at: dict[datetime, int] = {}
    first_to: dict[tuple[str | None, datetime], int] = {}
    actors: list[str] = []
    hops: list[Hop] = []
    terminal = -1
    for index, event in enumerate(deliveries):
        recipient = event.recipient or ""
        if recipient not in actors:
            actors.append(recipient)
        sender = event.sender or ""
        sent_at = event.sent_at or event.at
        if event.kind == EventKind.TIMER_FIRED:
            sent_at = timers_set.get((sender, event.message, event.at.isoformat()), event.at)
        if sender in roles:
            acting: str | None = sender
        elif event.correlation_id in submitters:
            acting = submitters[event.correlation_id]
        else:
            acting = recipient if event.network == DIP else None
        parent = first_to.get((acting, sent_at), -1)
        if parent < 0 and index > 0:
            previous = instants[instants.index(event.at) - 1]
            parent = first_at[previous]
        first_at.setdefault(event.at, index)
        first_to.setdefault((recipient, event.at), index)
        parent_hop = hops[parent] if parent >= 0 else None
        hops.append(
            Hop(
                sender=-1 if parent_hop is None else parent_hop.recipient,
                recipient=actors.index(recipient),
                parent=parent,
                delay=0
                if parent < 0
                else round((event.at - deliveries[parent].at).total_seconds()),
                label=event.message or "",
            )
        )
        if event.step in _TERMINAL_STEPS:
            terminal = index
    return Pattern(
        actors=tuple(actors),
        roles=tuple(roles[actor] for actor in actors),
        hops=tuple(hops),
        terminal=terminal,
    )


def pattern_literal(pattern: Pattern) -> str:
    """Python source for ``pattern``, as :data:`RM_PATTERN` is written below."""
    lines = ["Pattern(", f"    actors={pattern.actors!r},", f"    roles={pattern.roles!r},"]
    lines.append("    hops=(")
    lines.extend(f"        {hop!r}," for hop in pattern.hops)
    lines += ["    ),", f"    terminal={pattern.terminal},", ")"]
    return "\n".join(lines)


#: One reverse migration of the built-in market (seed 1, 1 MPAN), from :func:`derive_pattern`.
RM_PATTERN: Final = Pattern(
    actors=(
        "SUP-LGSB",
        "CSS",
        "SUP-MHSA",
        "REGS-19",
        "MDS",
        "LDSO-19",
        "EES",
        "NHHDC-NDCE",
        "NHHMOA-NMOF",
        "NHHDA-NDAG",
        "MSS-MSSD",
        "SDS-SDSC",
        "LSS",
    ),
    roles=(
        "SUP",
        "CSS",
        "SUP",
        "REGS",
        "MDS",
        "LDSO",
        "EES",
        "NHHDC",
        "NHHMOA",
        "NHHDA",
        "MSS",
        "SDS",
        "LSS",
    ),
    hops=(
        Hop(sender=-1, recipient=0, parent=-1, delay=0, label="CustomerSigned"),
        Hop(sender=0, recipient=1, parent=0, delay=1, label="RegistrationRequest"),
        Hop(sender=1, recipient=2, parent=1, delay=1, label="LossNotification"),
        Hop(sender=1, recipient=1, parent=1, delay=111599, label="ObjectionWindowClosed"),
        Hop(sender=1, recipient=3, parent=3, delay=1, label="SecuredActive"),
        Hop(sender=1, recipient=2, parent=3, delay=1, label="SecuredActive"),
        Hop(sender=3, recipient=3, parent=4, delay=0, label="DIP-RESPONSE"),
        Hop(sender=3, recipient=4, parent=4, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=5, parent=4, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=2, parent=4, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=6, parent=4, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=0, parent=4, delay=60, label="D0217"),
        Hop(sender=3, recipient=0, parent=4, delay=60, label="D0311"),
        Hop(sender=0, recipient=7, parent=11, delay=60, label="D0155"),
        Hop(sender=0, recipient=8, parent=11, delay=60, label="D0155"),
        Hop(sender=0, recipient=9, parent=11, delay=60, label="D0153"),
        Hop(sender=9, recipient=0, parent=15, delay=60, label="D0011"),
        Hop(sender=7, recipient=0, parent=13, delay=60, label="D0011"),
        Hop(sender=8, recipient=0, parent=14, delay=60, label="D0011"),
        Hop(sender=0, recipient=7, parent=16, delay=60, label="D0148"),
        Hop(sender=0, recipient=8, parent=16, delay=60, label="D0148"),
        Hop(sender=0, recipient=9, parent=16, delay=60, label="D0148"),
        Hop(sender=0, recipient=7, parent=16, delay=60, label="D0302"),
        Hop(sender=0, recipient=8, parent=16, delay=60, label="D0302"),
        Hop(sender=0, recipient=9, parent=16, delay=60, label="D0302"),
        Hop(sender=0, recipient=3, parent=16, delay=60, label="D0205"),
        Hop(sender=3, recipient=3, parent=25, delay=0, label="DIP-RESPONSE"),
        Hop(sender=3, recipient=3, parent=25, delay=0, label="DIP-RESPONSE"),
        Hop(sender=3, recipient=10, parent=25, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=6, parent=25, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=11, parent=25, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=6, parent=25, delay=2, label="PUB-003"),
        Hop(sender=3, recipient=9, parent=25, delay=60, label="D0209"),
        Hop(sender=3, recipient=0, parent=25, delay=60, label="D0172"),
        Hop(sender=10, recipient=8, parent=28, delay=60, label="D0150"),
        Hop(sender=10, recipient=8, parent=28, delay=60, label="D0149"),
        Hop(sender=8, recipient=7, parent=34, delay=60, label="D0150"),
        Hop(sender=8, recipient=0, parent=34, delay=60, label="D0150"),
        Hop(sender=8, recipient=5, parent=34, delay=60, label="D0150"),
        Hop(sender=8, recipient=7, parent=34, delay=60, label="D0149"),
        Hop(sender=8, recipient=0, parent=34, delay=60, label="D0149"),
        Hop(sender=8, recipient=5, parent=34, delay=60, label="D0149"),
        Hop(sender=11, recipient=11, parent=30, delay=230157, label="SendReadingHistory"),
        Hop(sender=11, recipient=7, parent=42, delay=60, label="D0010"),
        Hop(sender=11, recipient=7, parent=42, delay=60, label="D0010"),
        Hop(sender=0, recipient=0, parent=11, delay=233939, label="AppointmentChase"),
        Hop(sender=0, recipient=0, parent=11, delay=233939, label="AppointmentChase"),
        Hop(sender=0, recipient=0, parent=11, delay=233939, label="AppointmentChase"),
        Hop(sender=0, recipient=0, parent=45, delay=3600, label="CustomerReading"),
        Hop(sender=11, recipient=11, parent=30, delay=237357, label="SubmitConsumption"),
        Hop(sender=11, recipient=11, parent=49, delay=0, label="DIP-RESPONSE"),
        Hop(sender=11, recipient=4, parent=49, delay=2, label="PUB-021"),
        Hop(sender=11, recipient=2, parent=49, delay=2, label="PUB-021"),
        Hop(sender=11, recipient=5, parent=49, delay=2, label="PUB-021"),
        Hop(sender=11, recipient=12, parent=49, delay=2, label="PUB-021"),
        Hop(sender=0, recipient=7, parent=48, delay=60, label="D0010"),
        Hop(sender=7, recipient=0, parent=55, delay=60, label="D0086"),
        Hop(sender=7, recipient=2, parent=55, delay=60, label="D0086"),
        Hop(sender=7, recipient=9, parent=55, delay=60, label="D0019"),
    ),
    terminal=58,
)
