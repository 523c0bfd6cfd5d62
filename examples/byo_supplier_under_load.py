"""Drive 300 reverse migrations through a user-written outgoing supplier and check the verdict.

Run it:  python examples/byo_supplier_under_load.py

The supplier in examples/byo/simple_supplier.py replaces the built-in SUP-MHSA
(same identity, the participant API only). The script prints how many MPANs
completed and the verdict, and exits 1 if the checkers find a problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actors.markets.default import build_market
from examples.byo.simple_supplier import SimpleOutgoingSupplier
from market.byo.replace import replace_participants
from market.checks import format_verdict
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation

SEED = 2026


def main() -> int:
    """Run the load; 0 when every MPAN completed and every check passed."""
    setup = build_market(ScenarioSpec(seed=SEED, mpans=300, switch_days=2))
    setup = replace_participants(setup, {"SUP-MHSA": SimpleOutgoingSupplier})
    result = Simulation(setup).run_sync()
    print(f"{result.statistics.deliveries} deliveries; seed {SEED}")
    print("\n".join(format_verdict(result.verdict)))
    return 0 if result.verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
