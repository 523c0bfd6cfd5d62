"""Print the fuzz suite's figures after the run (cases, accepted and refused per entry point)."""

from __future__ import annotations

import pytest

from tests.fuzz.tally import summary


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures the issue-14 note reports, from this very run."""
    lines = summary()
    if lines:
        terminalreporter.section("fuzz figures")
        for line in lines:
            terminalreporter.write_line(line)
