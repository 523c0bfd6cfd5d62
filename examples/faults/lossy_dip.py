"""Fault experiment: a lossy DIP.

One DIP publication in five is lost in transit. The DIP retries a lost delivery three
times, ten minutes apart, so a publication is only lost for good when all four attempts
fail (0.2 ** 4, about one in 600). Nobody asks the DIP to replay such a loss, because no
participant knows it missed something: the conservation check must name each one.

Run it from the repository root:  python examples/faults/lossy_dip.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, ExperimentReport, run_and_report

HERE = Path(__file__).resolve().parent


def hypothesis_holds(report: ExperimentReport) -> bool:
    """Retries at work, nobody stuck, and every violation a conservation line for a lost PUB."""
    conservation = [v for v in report.violations if v.startswith("conservation:")]
    unreplayed = report.count("retries_exhausted") - report.count("replayed")
    return (
        report.count("retrying") > 0
        and not report.with_outcome("stuck")
        and len(report.with_outcome("recovered")) > 0
        and len(conservation) == len(report.violations) == unreplayed
    )


EXPERIMENT = Experiment(
    name="a lossy DIP (20 % of publications lost in transit)",
    hypothesis=(
        "The DIP's retries recover the losses: every MPAN completes and the journal shows "
        "'retrying'. A publication lost on all four attempts is not replayed, and the "
        "conservation check names each such loss; nothing else is violated."
    ),
    holds=hypothesis_holds,
    scenario=HERE / "lossy_dip.scenario.toml",
    faults=HERE / "lossy_dip.faults.toml",
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
