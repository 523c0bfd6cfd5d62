"""Shared fixtures: a small market built the way the CLI builds it."""

from __future__ import annotations

import pytest

from actors.markets import default_market
from market.simulation import RunResult, Simulation


@pytest.fixture
def default_run() -> RunResult:
    """One run of the built-in default market (seed 1, three MPANs)."""
    return Simulation(default_market(seed=1, mpans=3)).run_sync()
