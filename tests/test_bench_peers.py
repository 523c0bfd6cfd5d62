"""The bench's yardsticks: the delivery pattern, the kernel with trivial messages, the peers.

What each moves is counted exactly; how fast is never tested.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable

import pytest
import trio

from actors.markets.default import build_market
from market.byo.testing import SchedulePerturbingParticipant
from market.kernel.event_kinds import EventKind
from market.participant import Participant
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation
from market.tools.bench import simultaneous
from market.tools.bench_kernel import (
    START_AT,
    BenchHop,
    kernel_market,
    run_kernel_level,
    run_kernel_once,
)
from market.tools.bench_pattern import RM_PATTERN, derive_pattern
from market.tools.bench_timing import MIN_TIMED_SECONDS
from market.tools.peers import PeerResult, peers, run_asyncio
from market.tools.peers.simpy_actors import run_simpy_callback, run_simpy_process

#: Deliveries of one reverse migration of the built-in market (as tests/test_bench.py says).
DELIVERIES_PER_RM = 59
#: Batches of one 1-MPAN run of the built-in market, however many run in lockstep.
BATCHES_PER_RUN = 24


def test_the_pattern_has_the_deliveries_of_a_live_run() -> None:
    """Same count, same recipients (each as often), same delivery instants as a real RM."""
    setup = simultaneous(build_market(ScenarioSpec(seed=1, mpans=1)))
    simulation = Simulation(setup)
    statistics = trio.run(simulation.runtime.run)
    delivered = [
        e for e in simulation.journal if e.kind in (EventKind.DELIVERED, EventKind.TIMER_FIRED)
    ]
    assert len(RM_PATTERN) == statistics.deliveries == len(delivered) == DELIVERIES_PER_RM
    live = Counter(e.recipient for e in delivered)
    assert Counter(RM_PATTERN.actors[r] for r in RM_PATTERN.recipients) == live
    assert set(RM_PATTERN.actors) == set(live)
    first = delivered[0].at
    live_offsets = Counter(round((e.at - first).total_seconds()) for e in delivered)
    assert Counter(RM_PATTERN.offsets()) == live_offsets
    roles = {p.participant_id: p.identity.role.value for p in setup.participants}
    assert derive_pattern(simulation.journal, roles) == RM_PATTERN


def test_the_pattern_is_one_tree_with_fan_out() -> None:
    """One root; every other hop has an earlier parent and is sent by the parent's recipient."""
    hops = RM_PATTERN.hops
    assert [i for i, hop in enumerate(hops) if hop.parent < 0] == [RM_PATTERN.root]
    for index, hop in enumerate(hops[1:], start=1):
        assert 0 <= hop.parent < index
        assert hop.sender == hops[hop.parent].recipient
        assert hop.delay >= 0
    assert sum(len(c) for c in RM_PATTERN.children) == len(hops) - 1
    assert max(len(c) for c in RM_PATTERN.children) > 1
    assert RM_PATTERN.children[RM_PATTERN.terminal] == ()
    assert max(RM_PATTERN.offsets()) == RM_PATTERN.offsets()[RM_PATTERN.terminal]
    assert 10 <= len(RM_PATTERN.actors) <= 15


PEERS: dict[str, Callable[..., PeerResult]] = {
    "asyncio": run_asyncio,
    "simpy-process": run_simpy_process,
    "simpy-callback": run_simpy_callback,
}


@pytest.mark.parametrize("concurrent", [1, 100])
@pytest.mark.parametrize("name", sorted(PEERS))
def test_each_peer_delivers_every_hop_of_every_rm(name: str, concurrent: int) -> None:
    """A peer moves concurrent × 59 messages and completes every reverse migration."""
    result = PEERS[name](concurrent, RM_PATTERN)
    assert result.peer == name
    assert result.concurrent == concurrent
    assert result.deliveries == concurrent * len(RM_PATTERN)
    assert result.completed == concurrent
    assert result.seconds > 0


@pytest.mark.parametrize("run", [run_simpy_process, run_simpy_callback])
def test_the_simpy_peers_keep_the_virtual_spacing(run: Callable[..., PeerResult]) -> None:
    """In SimPy a reverse migration ends at the pattern's last delivery instant."""
    assert run(3, RM_PATTERN).virtual_seconds == max(RM_PATTERN.offsets())


def test_every_peer_is_listed() -> None:
    """``peers()`` names all three when SimPy is installed (the test extra installs it)."""
    assert list(peers()) == ["asyncio", "simpy-process", "simpy-callback"]


@pytest.mark.parametrize("concurrent", [1, 100])
def test_the_kernel_delivers_every_hop_in_the_real_batches(concurrent: int) -> None:
    """The kernel moves concurrent × 59 trivial messages in a real run's 24 batches."""
    run = run_kernel_once(concurrent)
    assert run.statistics.deliveries == concurrent * len(RM_PATTERN)
    assert run.statistics.batches == BATCHES_PER_RUN
    assert run.statistics.pending == 0
    assert run.market.completed() == concurrent
    assert run.market.broker.dead_letters == []
    offset = max(RM_PATTERN.offsets())
    assert (run.statistics.stopped_at - START_AT).total_seconds() == offset
    delivered = [e for e in run.market.journal if e.kind == EventKind.DELIVERED]
    assert len(delivered) == concurrent * len(RM_PATTERN)
    assert all(isinstance(e.payload, BenchHop) for e in delivered)
    assert run.seconds > 0


def test_a_kernel_level_adds_up_its_runs() -> None:
    """Small levels run again until timed long enough; figures are the runs' sums."""
    level = run_kernel_level(1, raw=100_000.0)
    assert level.seconds >= MIN_TIMED_SECONDS or level.runs == 200
    assert level.deliveries == len(RM_PATTERN) * level.runs
    assert level.completed == level.runs
    assert level.msgs_per_s == pytest.approx(level.deliveries / level.seconds)
    assert level.ratio == pytest.approx(level.msgs_per_s / 100_000.0)


def _kernel_digest(concurrent: int, perturbation: int | None = None) -> str:
    seeds = itertools.count(0 if perturbation is None else perturbation * 1000)

    def perturbed(participant: Participant) -> Participant:
        return SchedulePerturbingParticipant(participant, perturbation_seed=next(seeds))

    market = kernel_market(concurrent, wrap=None if perturbation is None else perturbed)
    trio.run(market.runtime.run)
    return market.journal.digest()


def test_the_kernel_run_is_deterministic() -> None:
    """Same concurrency, same journal digest: twice, and whatever order trio runs tasks in."""
    reference = _kernel_digest(100)
    assert _kernel_digest(100) == reference
    assert {_kernel_digest(100, perturbation=p) for p in range(2)} == {reference}
    assert _kernel_digest(99) != reference
