"""Load-test measurements: a pure function of the journal, the runtime's statistics and wall time.

:func:`measure_load` reads the journal once and returns a :class:`LoadReport`:
wall-clock throughput (messages and completed reverse migrations per second),
counts per network, DIP interface, D-flow and CSS message, messages per
reverse migration, latency percentiles in simulated time (send → delivery, from
each delivery's ``sent_at`` and ``at``; switch → completion per MPAN, from its
first observed step to the last of its path's terminal steps), mailbox
high-water marks per participant (from :class:`~market.runtime.runtime.RunStatistics`)
and dead letters. :meth:`LoadReport.to_json` is the ``--report`` file and the
console table shows the same numbers. Tested on hand-made journals.

(Named ``load_statistics`` rather than ``statistics`` so it never shadows the
standard library module.)
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import attrs

from market.checks.progress import MpanOutcome, mpan_outcomes
from market.kernel.event_kinds import EventKind
from market.kernel.journal import JournalEvent, event_to_dict
from market.kernel.local_time import format_journal_instant
from market.kernel.vocabulary import CSS, DIP, DTN
from market.process.model import TERMINAL_STEPS, VARIANT_PATHS

if TYPE_CHECKING:  # the runtime is async (trio); this module stays pure
    from market.process.scenario import MarketSetup
    from market.runtime.runtime import RunStatistics

#: The networks whose deliveries count as market messages (not customers' stimuli or timers).
MESSAGE_NETWORKS: Final = (DIP, DTN, CSS)
#: The percentiles every latency summary gives (nearest-rank), besides count and maximum.
PERCENTILES: Final = (50, 95, 99)
#: The reverse-migration paths (one per meter variant).
REVERSE_MIGRATION_PATHS: Final = frozenset(VARIANT_PATHS.values())
_TERMINAL: Final = frozenset(step for steps in TERMINAL_STEPS.values() for step in steps)
_OBSERVING: Final = frozenset({EventKind.DELIVERED, EventKind.ACCEPTED})


@attrs.frozen(kw_only=True)
class Latency:
    """A latency distribution in seconds of simulated time: count, nearest-rank percentiles, max.

    The nearest-rank p-th percentile is the smallest value with at least p % of
    the values at or below it; with no values every figure is ``None``.
    """

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Latency:
        """Summarise ``values`` (seconds)."""
        ordered = sorted(values)
        if not ordered:
            return cls(count=0, p50=None, p95=None, p99=None, max=None)
        p50, p95, p99 = (
            ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] for p in PERCENTILES
        )
        return cls(count=len(ordered), p50=p50, p95=p95, p99=p99, max=ordered[-1])

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the report: ``count``, ``p50``, ``p95``, ``p99``, ``max``."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class PathCount:
    """How many switching MPANs took one path, and how many of them completed it."""

    mpans: int
    completed: int


@attrs.frozen(kw_only=True)
class LoadReport:
    """Everything a load test measures; see :func:`measure_load` and the README's key list."""

    wall_seconds: float
    messages_delivered: int
    messages_by_network: Mapping[str, int]
    messages_by_interface: Mapping[str, int]
    messages_by_flow: Mapping[str, int]
    messages_by_css_message: Mapping[str, int]
    switches: int
    paths: Mapping[str, PathCount]
    reverse_migrations: int
    reverse_migrations_completed: int
    messages_per_reverse_migration: Mapping[str, float | None]
    delivery_latency: Mapping[str, Latency]
    switch_to_completion: Mapping[str, Latency]
    mailbox_high_water: Mapping[str, int]
    dead_letters: int
    journal_events: int
    runtime: RunStatistics

    @property
    def messages_per_second(self) -> float:
        """Market messages delivered per wall-clock second."""
        return self.messages_delivered / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def reverse_migrations_per_second(self) -> float:
        """Reverse migrations completed per wall-clock second."""
        if self.wall_seconds <= 0:
            return 0.0
        return self.reverse_migrations_completed / self.wall_seconds

    @property
    def completed(self) -> int:
        """Switching MPANs whose path completed."""
        return sum(count.completed for count in self.paths.values())

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (the keys the README lists)."""
        return {
            "throughput": {
                "wall_seconds": self.wall_seconds,
                "messages_per_s": self.messages_per_second,
                "reverse_migrations_completed_per_s": self.reverse_migrations_per_second,
            },
            "messages": {
                "delivered": self.messages_delivered,
                "by_network": dict(self.messages_by_network),
                "by_interface": dict(self.messages_by_interface),
                "by_flow": dict(self.messages_by_flow),
                "by_css_message": dict(self.messages_by_css_message),
            },
            "outcomes": {
                "switches": self.switches,
                "completed": self.completed,
                "by_path": {path: attrs.asdict(count) for path, count in self.paths.items()},
            },
            "reverse_migrations": {
                "started": self.reverse_migrations,
                "completed": self.reverse_migrations_completed,
                "messages_per_reverse_migration": dict(self.messages_per_reverse_migration),
            },
            "latency_seconds": {
                "delivery": {k: v.to_json() for k, v in self.delivery_latency.items()},
                "switch_to_completion": {
                    k: v.to_json() for k, v in self.switch_to_completion.items()
                },
            },
            "mailbox_high_water": dict(self.mailbox_high_water),
            "dead_letters": self.dead_letters,
            "runtime": {
                "journal_events": self.journal_events,
                "batches": self.runtime.batches,
                "deliveries": self.runtime.deliveries,
                "wakeups": self.runtime.wakeups,
                "pending": self.runtime.pending,
                "stopped_at": format_journal_instant(self.runtime.stopped_at),
            },
        }


@attrs.define
class _MpanTimes:
    """When one MPAN's first step was performed, and when each terminal step was first seen."""

    first_at: datetime
    terminal_at: dict[str, datetime] = attrs.field(factory=dict)


def _seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


@attrs.frozen(kw_only=True)
class MarketCounts:
    """How large the built market was: the ``profile`` section's counts."""

    population: int
    switches: int
    participants: int

    @classmethod
    def of(cls, setup: MarketSetup) -> MarketCounts:
        """The counts of one built market."""
        return cls(
            population=len(setup.population),
            switches=len(setup.switching_mpans),
            participants=len(setup.participants),
        )

    @classmethod
    def added(cls, counts: Iterable[MarketCounts]) -> MarketCounts:
        """A sharded market's counts: populations and switches add up; every shard has
        every participant, so the participants are one shard's."""
        counts = list(counts)
        return cls(
            population=sum(c.population for c in counts),
            switches=sum(c.switches for c in counts),
            participants=max((c.participants for c in counts), default=0),
        )


@attrs.define
class LoadTally:
    """The load statistics folded one journal event at a time, so no journal need be kept.

    Subscribe :meth:`add` to a live journal (``Journal.subscribe``) or feed it a
    journal's events, then :meth:`report`. It keeps counters, one delivery latency
    per delivered message (8 bytes each) and per MPAN its first step's time, its
    terminal steps' times and its deliveries per network: nothing of the events.
    """

    by_network: Counter[str] = attrs.field(factory=Counter)
    by_interface: Counter[str] = attrs.field(factory=Counter)
    by_flow: Counter[str] = attrs.field(factory=Counter)
    by_css: Counter[str] = attrs.field(factory=Counter)
    per_mpan_network: Counter[tuple[str, str]] = attrs.field(factory=Counter)
    delivery: dict[str, array[float]] = attrs.field(
        factory=lambda: {network: array("d") for network in MESSAGE_NETWORKS}
    )
    times: dict[str, _MpanTimes] = attrs.field(factory=dict)
    dead_letters: int = 0
    events: int = 0

    def add(self, event: JournalEvent) -> None:
        """Count one journal event."""
        self.events += 1
        kind = event.kind
        if kind == EventKind.DEAD_LETTERED:
            self.dead_letters += 1
            return
        if kind == EventKind.SUBMITTED and event.network == DIP and event.message:
            self.by_interface[event.message] += 1
        if kind in _OBSERVING and event.step is not None and event.mpan is not None:
            self._observe_step(event, event.mpan, event.step)
        if kind == EventKind.DELIVERED and event.network in MESSAGE_NETWORKS:
            self._count_delivery(event)

    def _observe_step(self, event: JournalEvent, mpan: str, step: str) -> None:
        performed = event.sent_at or event.at
        record = self.times.get(mpan)
        if record is None:
            self.times[mpan] = record = _MpanTimes(first_at=performed)
        elif performed < record.first_at:
            record.first_at = performed
        if step in _TERMINAL:
            record.terminal_at.setdefault(step, event.at)

    def _count_delivery(self, event: JournalEvent) -> None:
        network = str(event.network)
        message = event.message or "?"
        self.by_network[network] += 1
        {DIP: self.by_interface, DTN: self.by_flow, CSS: self.by_css}[network][message] += 1
        if event.mpan is not None:
            self.per_mpan_network[(event.mpan, network)] += 1
        if event.sent_at is not None:
            self.delivery[network].append(_seconds(event.sent_at, event.at))

    @classmethod
    def merged(cls, tallies: Iterable[LoadTally]) -> LoadTally:
        """One tally of runs over disjoint MPANs (a sharded run's shards), as if one run.

        Counts add up, latencies are pooled (so percentiles are the whole run's), and
        each MPAN's times come from the one tally that has it. Raises ``ValueError``
        when two tallies hold the same MPAN.
        """
        whole = cls()
        for tally in tallies:
            for mine, theirs in (
                (whole.by_network, tally.by_network),
                (whole.by_interface, tally.by_interface),
                (whole.by_flow, tally.by_flow),
                (whole.by_css, tally.by_css),
            ):
                mine.update(theirs)
            whole.per_mpan_network.update(tally.per_mpan_network)
            for network, latencies in tally.delivery.items():
                whole.delivery.setdefault(network, array("d")).extend(latencies)
            shared = whole.times.keys() & tally.times.keys()
            if shared:
                raise ValueError(f"MPAN {min(shared)} is in two tallies: they must be disjoint")
            whole.times.update(tally.times)
            whole.dead_letters += tally.dead_letters
            whole.events += tally.events
        return whole

    def report(
        self,
        outcomes: Iterable[MpanOutcome],
        statistics: RunStatistics,
        *,
        wall_seconds: float,
    ) -> LoadReport:
        """The measurements of the events added so far, with the switching MPANs' ``outcomes``."""
        return _report(list(outcomes), self, statistics=statistics, wall_seconds=wall_seconds)


def measure_load(
    events: Sequence[JournalEvent],
    statistics: RunStatistics,
    *,
    wall_seconds: float,
    outcomes: Iterable[MpanOutcome] | None = None,
) -> LoadReport:
    """Measure a run from its journal ``events``, runtime ``statistics`` and ``wall_seconds``.

    ``outcomes`` are the switching MPANs' outcomes (``RunResult.outcomes``); when
    omitted they are read from ``events`` (without payloads, so the legacy-path
    variant guesses that need a D-flow's items fall back to variant T).
    """
    if outcomes is None:
        outcomes = mpan_outcomes(event_to_dict(event) for event in events)
    tally = LoadTally()
    for event in events:
        tally.add(event)
    return tally.report(outcomes, statistics, wall_seconds=wall_seconds)


def _completion_seconds(
    outcomes: Sequence[MpanOutcome], times: Mapping[str, _MpanTimes]
) -> dict[str, list[float]]:
    """Per path, each completed MPAN's time from its first step to its last terminal step."""
    completion: dict[str, list[float]] = {}
    for outcome in outcomes:
        record = times.get(outcome.mpan)
        if not outcome.completed or outcome.path is None or record is None:
            continue
        ends = [record.terminal_at.get(step) for step in TERMINAL_STEPS[outcome.path]]
        if all(end is not None for end in ends):
            finished = max(end for end in ends if end is not None)
            completion.setdefault(outcome.path, []).append(_seconds(record.first_at, finished))
    return completion


def _per_reverse_migration(
    reverse: Sequence[MpanOutcome], per_mpan_network: Mapping[tuple[str, str], int]
) -> dict[str, float | None]:
    """Messages delivered per reverse migration, in all and per network."""
    reversing = frozenset(outcome.mpan for outcome in reverse)
    per_rm: dict[str, float | None] = {}
    for network in ("all", *MESSAGE_NETWORKS):
        total = sum(
            count
            for (mpan, net), count in per_mpan_network.items()
            if mpan in reversing and network in ("all", net)
        )
        per_rm[network] = total / len(reverse) if reverse else None
    return per_rm


def _report(
    outcomes: Sequence[MpanOutcome],
    tally: LoadTally,
    *,
    statistics: RunStatistics,
    wall_seconds: float,
) -> LoadReport:
    paths: dict[str, list[MpanOutcome]] = {}
    for outcome in outcomes:
        paths.setdefault(outcome.path or "undecided", []).append(outcome)
    completion = _completion_seconds(outcomes, tally.times)
    reverse = [o for o in outcomes if o.path in REVERSE_MIGRATION_PATHS]
    delivery = tally.delivery
    all_delivery = [value for values in delivery.values() for value in values]
    all_completion = [value for values in completion.values() for value in values]
    return LoadReport(
        wall_seconds=wall_seconds,
        messages_delivered=sum(tally.by_network.values()),
        messages_by_network={n: tally.by_network[n] for n in MESSAGE_NETWORKS},
        messages_by_interface=dict(sorted(tally.by_interface.items())),
        messages_by_flow=dict(sorted(tally.by_flow.items())),
        messages_by_css_message=dict(sorted(tally.by_css.items())),
        switches=len(outcomes),
        paths={
            path: PathCount(mpans=len(group), completed=sum(o.completed for o in group))
            for path, group in sorted(paths.items())
        },
        reverse_migrations=len(reverse),
        reverse_migrations_completed=sum(o.completed for o in reverse),
        messages_per_reverse_migration=_per_reverse_migration(reverse, tally.per_mpan_network),
        delivery_latency={
            "all": Latency.of(all_delivery),
            **{n: Latency.of(delivery[n]) for n in MESSAGE_NETWORKS},
        },
        switch_to_completion={
            "all": Latency.of(all_completion),
            **{path: Latency.of(values) for path, values in sorted(completion.items())},
        },
        mailbox_high_water=dict(statistics.mailbox_high_water),
        dead_letters=tally.dead_letters,
        journal_events=tally.events,
        runtime=statistics,
    )
