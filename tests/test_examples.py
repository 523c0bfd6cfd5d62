"""Every example script runs with its fixed seed and passes its own check."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))
FAULT_EXPERIMENTS = sorted(
    p for p in (ROOT / "examples" / "faults").glob("*.py") if not p.name.startswith("_")
)
#: A path written from the file system's root: ``/work/...`` (a lone ``/`` in prose is fine).
ABSOLUTE_PATH = re.compile(r"(?:^|[\s'\"(=])/[\w.-]+/")


def _run_twice(script: Path) -> list[subprocess.CompletedProcess[str]]:
    return [
        subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
        for _ in range(2)
    ]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.slow
def test_example_runs_and_succeeds(script: Path) -> None:
    """The script exits 0 and prints the same output twice (fixed seed)."""
    runs = _run_twice(script)
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


def test_there_are_at_least_five_fault_experiments() -> None:
    """examples/faults/ holds at least five experiment scripts, each with its TOML fault plan."""
    assert len(FAULT_EXPERIMENTS) >= 5
    for script in FAULT_EXPERIMENTS:
        assert script.with_suffix(".faults.toml").is_file(), script.name


@pytest.mark.parametrize("script", FAULT_EXPERIMENTS, ids=lambda p: p.name)
@pytest.mark.slow
def test_fault_experiment_holds_and_prints_a_portable_report(script: Path) -> None:
    """The experiment's hypothesis holds (exit 0); its report is identical twice, path-free."""
    runs = _run_twice(script)
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert "Hypothesis holds" in runs[0].stdout
    assert "Replay: market run " in runs[0].stdout
    assert not ABSOLUTE_PATH.search(runs[0].stdout), runs[0].stdout
    assert str(ROOT) not in runs[0].stdout
