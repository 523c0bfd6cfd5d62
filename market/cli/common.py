"""What several subcommands share: exit codes, usage errors, argument types."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from market.process.options import ProcessOptions
from market.process.scenario_spec import load_scenario

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def whole_number(text: str) -> int:
    """argparse type: any whole number (seeds may be negative)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def add_scenario_options_argument(parser: argparse.ArgumentParser) -> None:
    """``--scenario FILE`` for the commands that judge or tell a journal written earlier."""
    parser.add_argument(
        "--scenario",
        type=Path,
        metavar="FILE",
        help=(
            "the scenario file the run used: its [options] decide the RECON steps (the smart "
            "variant's outgoing DS lane, ...) and the timing rules that follow them (T6 and S4 "
            "by SSD + cos_read_cutoff_working_days); default: the options' defaults"
        ),
    )


def scenario_options(scenario: Path | None) -> ProcessOptions | None:
    """The ``[options]`` of ``--scenario FILE``, or ``None`` (the defaults) without one."""
    return load_scenario(scenario).options if scenario is not None else None
