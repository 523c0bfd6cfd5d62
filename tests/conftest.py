"""Shared fixtures: a small market built the way the CLI builds it."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from actors.markets.default import default_market
from market.runtime.simulation import RunResult, Simulation

#: Examples per property test. Fixed and derandomized, so every CI run tries the same
#: inputs and costs the same (see README, Security); `HYPOTHESIS_PROFILE=dev` for a
#: randomized local search.
HYPOTHESIS_EXAMPLES = 200

settings.register_profile(
    "ci",
    max_examples=HYPOTHESIS_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def default_run() -> RunResult:
    """One run of the built-in default market (seed 1, three MPANs)."""
    return Simulation(default_market(seed=1, mpans=3)).run_sync()
