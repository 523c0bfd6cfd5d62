"""Walk one reverse migration (variant T) from the customer's signature to the legacy EAC.

Run it:  python examples/first_reverse_migration.py

It builds the default market with a single switching customer, runs it with a
fixed seed, and prints the MPAN's journey step by step with what each BPM step
means. It exits 1 if the reverse migration does not complete, so CI can run it.
"""

from __future__ import annotations

import sys

from actors.markets import default_market
from market.process_model import STEPS_BY_ID
from market.simulation import Simulation, journal_dicts
from market.testing import steps_in_order

SEED = 2026


def main() -> int:
    """Run the walk-through and print the journey; 0 when the migration completed."""
    result = Simulation(default_market(seed=SEED, mpans=1)).run_sync()
    outcome = result.outcomes[0]
    print(f"MPAN {outcome.mpan}, seed {SEED}\n")
    events = journal_dicts(result.journal)
    for step_id in steps_in_order(events, outcome.mpan):
        step = STEPS_BY_ID[step_id]
        label = f"{step.message} {step.event_code or ''}".strip()
        print(f"  {step_id:<4} {step.actor:<6} {label:<34} {step.meaning}")
    print(f"\n{outcome.describe()}")
    return 0 if outcome.completed else 1


if __name__ == "__main__":
    sys.exit(main())
