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
    """Retries at work, nobody stuck, and every violation names a publication lost for good.

    Each such loss is named twice: by the conservation check (the PUB never reached its
    recipient) and by the process model (the step never reached a party it must reach,
    lost on the way, so not owed by its sender).
    """
    conservation = [v for v in report.violations if v.startswith("conservation:")]
    lost_steps = [
        v
        for v in report.violations
        if v.startswith("missing recipient:") and ", lost on the way to " in v
    ]
    unreplayed = report.count("retries_exhausted") - report.count("replayed")
    return (
        report.count("retrying") > 0
        and not report.with_outcome("stuck")
        and len(report.with_outcome("recovered")) > 0
        and len(conservation) == unreplayed
        and len(conservation) + len(lost_steps) == len(report.violations)
    )


EXPERIMENT = Experiment(
    name="a lossy DIP (20 % of publications lost in transit)",
    hypothesis=(
        "The DIP's retries recover the losses: every MPAN completes and the journal shows "
        "'retrying'. A publication lost on all four attempts is not replayed, and the "
        "conservation check names each such loss, as does the step it left undone (lost on the "
        "way, not owed by its sender); nothing else is violated."
    ),
    holds=hypothesis_holds,
    scenario=HERE / "lossy_dip.scenario.toml",
    faults=HERE / "lossy_dip.faults.toml",
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
