"""Fault experiment: a duplicate storm.

Nine messages in ten arrive three times. The runtime's inbox of each participant drops what
it already handled (a DIP publication by its transaction id; an identical D-flow or CSS message) and
journals `duplicate_ignored`, so the business logic sees every message once, except the
appointment flows, which a participant answers again on purpose (a chased appointment must
be answered).

Run it from the repository root:  python examples/faults/duplicate_storm.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from market.experiments.experiment import Experiment, ExperimentReport, run_and_report

HERE = Path(__file__).resolve().parent


def hypothesis_holds(report: ExperimentReport) -> bool:
    """Duplicates journalled and ignored; every MPAN completed and conforms; nothing violated."""
    return (
        report.count("duplicated") > 0
        and report.count("duplicate_ignored") > 0
        and not report.with_outcome("stuck")
        and not report.violations
        and report.verdict_ok
    )


EXPERIMENT = Experiment(
    name="a duplicate storm (90 % of messages delivered three times)",
    hypothesis=(
        "The inboxes' deduplication keeps every MPAN conformant: the journal shows the "
        "copies as 'duplicated' and the inboxes' 'duplicate_ignored', every MPAN completes "
        "its path with no unexpected or out-of-order step, and no check is violated."
    ),
    holds=hypothesis_holds,
    scenario=HERE / "duplicate_storm.scenario.toml",
    faults=HERE / "duplicate_storm.faults.toml",
)

if __name__ == "__main__":
    sys.exit(run_and_report(EXPERIMENT, root=HERE.parent.parent))
