"""Every example script runs with its fixed seed and passes its own check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted(
    p
    for p in (Path(__file__).resolve().parent.parent / "examples").glob("*.py")
    if not p.name.startswith("_")
)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_and_succeeds(script: Path) -> None:
    """The script exits 0 and prints the same output twice (fixed seed)."""
    runs = [
        subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
        for _ in range(2)
    ]
    assert runs[0].returncode == 0, runs[0].stdout + runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
