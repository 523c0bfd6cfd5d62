"""Fault experiment: a 72-hour DIP outage over the Easter bank holidays.

The market opens on Tuesday 31 March 2026; the DIP goes down at 00:00 on Wednesday 1 April
and comes back at 00:00 on Saturday 4 April, after Good Friday. Every submission in that
time is refused with MSG5003; the runtime's resubmission sends it again every hour (for up to
four days), and publications already accepted wait for the DIP to return. Deadlines are in
working days, so Good Friday and Easter Monday give the late switches room.

Run it from the repository root:  python examples/faults/bank_holiday_outage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, ExperimentReport, run_and_report

HERE = Path(__file__).resolve().parent


def hypothesis_holds(report: ExperimentReport) -> bool:
    """Refusals happened, each was resubmitted, and every MPAN completed within its deadline."""
    return (
        report.count("refused") > 0
        and report.count("dip_submission_resubmitted") == report.count("refused")
        and report.count("dip_submission_abandoned") == 0
        and not report.with_outcome("stuck")
        and not report.violations
    )


EXPERIMENT = Experiment(
    name="a 72-hour DIP outage over Good Friday 2026",
    hypothesis=(
        "Every refused submission (MSG5003) is resubmitted by the runtime, none is "
        "abandoned, and every MPAN still completes within its liveness deadline (later, "
        "after the DIP returns) with no check violated."
    ),
    holds=hypothesis_holds,
    scenario=HERE / "bank_holiday_outage.scenario.toml",
    faults=HERE / "bank_holiday_outage.faults.toml",
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
