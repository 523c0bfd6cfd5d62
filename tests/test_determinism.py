"""Same scenario and seed, same journal: byte for byte, whatever order trio runs tasks in."""

from __future__ import annotations

import attrs

from actors.markets.default import default_market
from market.byo.testing import SchedulePerturbingParticipant
from market.runtime.simulation import Simulation


def _digest(seed: int, mpans: int = 4, perturbation: int | None = None) -> str:
    setup = default_market(seed=seed, mpans=mpans)
    if perturbation is not None:
        wrapped = [
            SchedulePerturbingParticipant(p, perturbation_seed=perturbation * 1000 + i)
            for i, p in enumerate(setup.participants)
        ]
        setup = attrs.evolve(setup, participants=wrapped)
    return Simulation(setup).run_sync().journal.digest()


def test_same_seed_gives_an_identical_journal_digest() -> None:
    """Two runs of the same market and seed write byte-identical journals."""
    assert _digest(7) == _digest(7)


def test_perturbed_scheduling_does_not_change_the_journal() -> None:
    """Participants that yield to trio at random points still produce the same journal."""
    reference = _digest(7)
    assert {_digest(7, perturbation=p) for p in range(4)} == {reference}


def test_another_seed_gives_another_valid_run() -> None:
    """A different seed changes the journal, and every MPAN still completes."""
    result = Simulation(default_market(seed=8, mpans=4)).run_sync()
    assert result.all_completed
    assert result.journal.digest() != _digest(7)
