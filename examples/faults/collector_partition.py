"""Fault experiment: the incoming data collector cut off from the DTN on the supply start date.

For twelve hours from midnight on the SSD, nothing reaches NHHDC-NDCE and nothing leaves it.
The DTN has no retries, so the outgoing SDS's reading history and the customer's reading are
lost. The meter technical details arrive after the partition, but at the cut-off (SSD + 5
working days, 17:00) the collector has neither a reading nor a history to deem one from: it
journals `cos_reading_unobtainable` and never sends D0086. No participant chases the lost
readings, so every reverse migration stops there.

Run it from the repository root:  python examples/faults/collector_partition.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, ExperimentReport, run_and_report

HERE = Path(__file__).resolve().parent


def hypothesis_holds(report: ExperimentReport) -> bool:
    """D-flows dropped, and every MPAN stuck waiting for D0086 owed by NHHDC-NDCE."""
    stuck = report.with_outcome("stuck")
    return (
        report.count("dropped") > 0
        and len(stuck) == len(report.mpans)
        and all(mpan.owed_by == ("NHHDC-NDCE",) for mpan in stuck)
        and all(any("D0086" in step for step in mpan.waiting_for) for mpan in stuck)
    )


EXPERIMENT = Experiment(
    name="the incoming data collector cut off from the DTN for 12 hours on the SSD",
    hypothesis=(
        "The dropped D0010s are never sent again, so every reverse migration gets stuck "
        "before T6, and the verdict names NHHDC-NDCE as owing the change-of-supply reading "
        "(D0086) for each MPAN."
    ),
    holds=hypothesis_holds,
    faults=HERE / "collector_partition.faults.toml",
    mpans=6,
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
