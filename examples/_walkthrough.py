"""Shared by the variant walk-throughs: run one switching MPAN and tell its journey."""

from __future__ import annotations

from actors.markets.default import build_market
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts
from market.teaching import explain_lines, journey_of


def walk_through(variant: str, *, seed: int, introduction: str) -> int:
    """Print ``introduction``, then one ``variant`` MPAN's journey; 0 if it completed."""
    print(introduction.strip(), end="\n\n")
    spec = ScenarioSpec(seed=seed, mpans=1, variants={variant: 1.0})
    result = Simulation(build_market(spec)).run_sync()
    outcome = result.outcomes[0]
    print("\n".join(explain_lines(journey_of(journal_dicts(result.journal), outcome.mpan))))
    print(f"\n{outcome.describe()}")
    print(f"Replay: python examples/variant_{variant.lower()}.py")
    return 0 if outcome.completed and result.verdict.ok else 1
