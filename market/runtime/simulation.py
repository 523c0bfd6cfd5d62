"""Run a market: wire journal, directory, DIP tables, broker and runtime, then judge the outcome.

``Simulation(setup).run()`` is the public entry point for scripts and tests;
the ``market run`` command is a thin shell around it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Final

import attrs
import trio

from market.checks import Verdict, check_journal, format_verdict
from market.checks.classification import restamp
from market.checks.outcome_facts import OutcomeFacts
from market.checks.progress import MpanOutcome, mpan_outcomes
from market.faults import FaultInjector
from market.faults.matching import refuse_unmatched
from market.kernel.broker import Broker
from market.kernel.directory import Directory
from market.kernel.exceptions import ParticipantCrashedError
from market.kernel.ids import Role
from market.kernel.journal import Journal, JournalEvent, event_to_dict, event_views
from market.kernel.queue import VirtualClock
from market.kernel.resources import fewer_gc_passes
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.rendering import render_payload, render_payload_lazily
from market.networks.dip_routing import MpanRoleMap, default_routes
from market.process.model import step_classifier
from market.process.scenario import MarketSetup
from market.runtime.pacing import Pacer
from market.runtime.runtime import RunStatistics, Runtime


@attrs.frozen(kw_only=True)
class RunResult:
    """What a run produced: the journal, each MPAN's outcome, the checkers' verdict, statistics."""

    journal: Journal
    outcomes: tuple[MpanOutcome, ...]
    verdict: Verdict
    statistics: RunStatistics

    @property
    def all_completed(self) -> bool:
        """Whether every switching MPAN reached the end of its path."""
        return all(outcome.completed for outcome in self.outcomes)


def build_mpan_roles(setup: MarketSetup, directory: Directory) -> MpanRoleMap:
    """The DIP's MPAN → role → DIP ID map, seeded from the population (brief e.3).

    The setup's stale supplier entries (D16) are kept beside the current ones.
    """
    roles = MpanRoleMap()
    for point in setup.population:
        supplier = directory.by_role_mpid(Role.SUPPLIER, point.supplier_mpid)
        supplier_dip_id = directory.identity(supplier).dip_id if supplier is not None else None
        if supplier_dip_id is not None:
            roles.set(point.mpan_core, Role.SUPPLIER, supplier_dip_id)
        for service in (point.data_service, point.metering_service):
            if service is not None:
                roles.set(point.mpan_core, service.role, service.dip_id)
    for mpan, stale_dip_id in setup.stale_supplier_dip_ids.items():
        roles.keep_stale(mpan, Role.SUPPLIER, stale_dip_id)
    return roles


class Simulation:
    """One run of one market setup; build it, subscribe to its journal, then ``run``."""

    def __init__(
        self,
        setup: MarketSetup,
        *,
        calendar: SettlementCalendar | None = None,
        on_batch: Callable[[int], None] | None = None,
        pacer: Pacer | None = None,
        keep_journal: bool = True,
    ) -> None:
        """``on_batch`` is called after every batch with the deliveries so far (progress bars);
        ``pacer`` paces the run around systems outside it (:mod:`market.runtime.pacing`).

        ``keep_journal=False`` keeps no journal events, so memory no longer grows
        with the journal: only the facts each MPAN's outcome rests on are kept
        (:class:`~market.checks.outcome_facts.OutcomeFacts`), and the run can only be
        run unjudged (:meth:`run_unjudged`). Subscribers still see every event.
        """
        refuse_unmatched(setup.faults, (p.participant_id for p in setup.participants))
        self.setup = setup
        self._variants = {p.mpan_core: p.variant for p in setup.population if p.migrated}
        self.calendar = calendar or SettlementCalendar()
        self.journal = Journal(render_payload, keep_events=keep_journal)
        self._facts: OutcomeFacts | None = None
        if not keep_journal:
            self._facts = OutcomeFacts(render_payload)
            self.journal.subscribe(self._facts.add)
        self.directory = Directory(p.identity for p in setup.participants)
        self.broker = Broker(
            directory=self.directory,
            journal=self.journal,
            clock=VirtualClock(setup.start_at),
            routes=default_routes(
                ees_always_on_if003=setup.options.ees_always_on_if003,
                lss_always_on_if021=setup.options.lss_always_on_if021,
            ),
            mpan_roles=build_mpan_roles(setup, self.directory),
            latencies=setup.latencies,
            classify_step=step_classifier(self._variant_of),
            faults=FaultInjector(setup.faults, seed=setup.seed),
            schedule_rng=random.Random(f"{setup.seed}/schedule")
            if setup.explore_schedule
            else None,
            defences=setup.dip_defences,
            known_mpans=frozenset(point.mpan_core for point in setup.population),
            register_lags=setup.dip_register_lags,
        )
        for stimulus in sorted(setup.stimuli, key=lambda s: (s.at, s.recipient, s.mpan_core)):
            self.broker.inject(
                stimulus.at,
                stimulus.recipient,
                stimulus.payload,
                mpan=stimulus.mpan_core,
                label=type(stimulus.payload).__name__,
            )
        self.runtime = Runtime(
            broker=self.broker,
            participants=setup.participants,
            calendar=self.calendar,
            seed=setup.seed,
            plan=setup.faults,
            real_time_scale=setup.real_time_scale,
            on_batch=on_batch,
            trust_built_in=setup.trust_built_in,
            pacer=pacer,
        )

    def _variant_of(self, mpan: str) -> str | None:
        """The meter variant of a migrated MPAN (``None`` for legacy MPANs and unknown ones)."""
        return self._variants.get(mpan)

    def subscribe(self, callback: Callable[[JournalEvent], None]) -> None:
        """Call ``callback`` with every journal event as it happens (narration, progress)."""
        self.journal.subscribe(callback)

    @property
    def journal_kept(self) -> bool:
        """Whether the journal keeps its events (so the run can be judged)."""
        return self._facts is None

    async def run(self) -> RunResult:
        """Run until nothing is left to deliver (or the setup's ``until``), then judge each MPAN.

        Raises ``ValueError`` for a simulation that keeps no journal: nothing to judge.
        """
        if self._facts is not None:
            raise ValueError(
                "this simulation keeps no journal (keep_journal=False): use run_unjudged()"
            )
        try:
            statistics = await self.runtime.run(until=self.setup.until)
        except ParticipantCrashedError as crash:
            crash.result = self._judge(self.runtime.statistics())
            raise
        return self._judge(statistics)

    def _judge(self, statistics: RunStatistics) -> RunResult:
        with fewer_gc_passes():
            records = restamp(event_views(self.journal, render_payload_lazily))
            mpans = self.setup.switching_mpans
            return RunResult(
                journal=self.journal,
                outcomes=tuple(mpan_outcomes(records, mpans, options=self.setup.options)),
                verdict=check_journal(
                    records, mpans=mpans, calendar=self.calendar, options=self.setup.options
                ),
                statistics=statistics,
            )

    def run_sync(self) -> RunResult:
        """:meth:`run` under ``trio.run``, for scripts that are not async themselves."""
        return trio.run(self.run)

    async def run_unjudged(self) -> UnjudgedRun:
        """Run as :meth:`run` does, then read each MPAN's outcome without judging the run.

        The outcomes come from the steps the broker stamped; no checker runs. A
        participant's crash ends the run and is reported, not raised.
        """
        crash: str | None = None
        try:
            statistics = await self.runtime.run(until=self.setup.until)
        except ParticipantCrashedError as error:
            crash = str(error)
            statistics = self.runtime.statistics()
        mpans = self.setup.switching_mpans
        if self._facts is not None:
            outcomes = self._facts.outcomes(mpans, options=self.setup.options)
        else:
            views = event_views(self.journal, render_payload_lazily)
            outcomes = mpan_outcomes(views, mpans, options=self.setup.options)
        return UnjudgedRun(
            outcomes=tuple(outcomes),
            statistics=statistics,
            events=len(self.journal),
            crash=crash,
        )

    def run_unjudged_sync(self) -> UnjudgedRun:
        """:meth:`run_unjudged` under ``trio.run``."""
        return trio.run(self.run_unjudged)


@attrs.frozen(kw_only=True)
class UnjudgedRun:
    """A run that was not judged: each MPAN's outcome, the statistics, and any crash."""

    outcomes: tuple[MpanOutcome, ...]
    statistics: RunStatistics
    #: Journal events the run appended (kept or not).
    events: int
    #: The crash that ended the run early, as its message (``None``: it ran to the end).
    crash: str | None = None


#: The first verdict line of a run that was not judged.
NOT_JUDGED: Final = "NOT JUDGED: no journal was kept (--journal none), so no checker ran"


@attrs.frozen(kw_only=True)
class RunSummary:
    """What a judged or unjudged run came to, in the terms both share."""

    outcomes: tuple[MpanOutcome, ...]
    statistics: RunStatistics
    #: Judged: the verdict passed. Unjudged: no crash and every switch completed.
    ok: bool
    #: The verdict's lines, or for an unjudged run :data:`NOT_JUDGED` and what it found.
    lines: tuple[str, ...]
    judged: bool
    #: The judged run (``None`` when it was not judged).
    result: RunResult | None = None


def run_and_summarise(simulation: Simulation) -> RunSummary:
    """Run ``simulation``: judged when it keeps its journal, else unjudged; a crash included."""
    if simulation.journal_kept:
        try:
            result = simulation.run_sync()
        except ParticipantCrashedError as crash:
            result = partial_result(crash)  # a finding: judged as far as it got
        return RunSummary(
            outcomes=result.outcomes,
            statistics=result.statistics,
            ok=result.verdict.ok,
            lines=tuple(format_verdict(result.verdict)),
            judged=True,
            result=result,
        )
    unjudged = simulation.run_unjudged_sync()
    completed = sum(outcome.completed for outcome in unjudged.outcomes)
    lines = [NOT_JUDGED]
    if unjudged.crash is not None:
        lines.append(f"the run ended early: {unjudged.crash}")
    lines.append(
        f"{completed:,} of {len(unjudged.outcomes):,} switches completed "
        "(as the broker stamped their steps)"
    )
    return RunSummary(
        outcomes=unjudged.outcomes,
        statistics=unjudged.statistics,
        ok=unjudged.crash is None and completed == len(unjudged.outcomes),
        lines=tuple(lines),
        judged=False,
    )


def partial_result(crash: ParticipantCrashedError) -> RunResult:
    """The judged run up to ``crash`` (raised by :meth:`Simulation.run`).

    Its journal ends at the crash and its verdict fails, naming the crash and
    every MPAN left unfinished. Raises ``ValueError`` for a crash raised elsewhere.
    """
    if not isinstance(crash.result, RunResult):
        raise ValueError(f"{crash}: not raised by Simulation.run, so no run to report")
    return crash.result


def journal_dicts(journal: Journal) -> list[dict[str, Any]]:
    """Every event of ``journal`` as the dict its journal line holds, payloads rendered.

    For code that needs real dicts (JSON output, tests comparing lines); the
    checkers of a live run read :func:`market.kernel.journal.event_views` instead,
    which render nothing up front and copy nothing.
    """
    return [event_to_dict(event, render_payload) for event in journal]
