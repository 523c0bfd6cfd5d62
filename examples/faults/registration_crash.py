"""Fault experiment: the Registration Service crashes mid-flow and loses its state.

REGS-19 crashes two minutes after announcing the first two reverse migrations and comes
back five minutes later rebuilt from its start-up data. The incoming supplier's D0205
(which REGS held while it was down) then reaches a REGS that no longer knows the switch:
it refuses the registration update, and nothing in the market chases it. Customers who sign
after the restart are unaffected. The experiment shows the checkers' honesty: the stuck
MPANs are reported with the step they wait for and the participant who owes it.

Run it from the repository root:  python examples/faults/registration_crash.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, ExperimentReport, run_and_report

HERE = Path(__file__).resolve().parent


def hypothesis_holds(report: ExperimentReport) -> bool:
    """Some MPANs stuck, each owed by REGS-19; the rest completed; REGS restarted once."""
    stuck = report.with_outcome("stuck")
    return (
        report.count("restarted") == 1
        and len(stuck) > 0
        and all(mpan.owed_by == ("REGS-19",) for mpan in stuck)
        and len(stuck) < len(report.mpans)
    )


EXPERIMENT = Experiment(
    name="the Registration Service crashes with state loss mid-flow",
    hypothesis=(
        "The reverse migrations in flight at the crash get stuck after C12 (the incoming "
        "supplier's D0205), and for each the verdict names REGS-19 as the participant that "
        "owes the next step (D0209, D0172 and the IF-003 de-appointments); switches that start "
        "after the restart complete."
    ),
    holds=hypothesis_holds,
    scenario=HERE / "registration_crash.scenario.toml",
    faults=HERE / "registration_crash.faults.toml",
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
