"""What several subcommands share: exit codes, usage errors, argument types."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

import attrs

from market.boundary import SCENARIO_FILE
from market.kernel.exceptions import UsageError
from market.kernel.journal import write_journal_file
from market.kernel.journal_stream import open_journal_file
from market.networks.dip_defences import SIGNING_MODES, SigningMode
from market.process.options import ProcessOptions
from market.process.scenario import MarketSetup
from market.process.scenario_spec import MAX_SWITCH_DAYS, load_scenario
from market.runtime.simulation import RunResult

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2


#: The most digits a count on the command line may have: the bound a scenario file's
#: integers obey, so a size is always a number the footprint estimate can weigh.
MAX_DIGITS: Final = SCENARIO_FILE.max_int_digits


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1 (and at most :data:`MAX_DIGITS` digits)."""
    too_long = argparse.ArgumentTypeError(f"must have at most {MAX_DIGITS} digits")
    try:
        value = int(text)
    except ValueError:  # Python's own limit (4,300 digits) is a ValueError too
        if text.strip().isdigit():
            raise too_long from None
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value >= 10**MAX_DIGITS:
        raise too_long
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def working_days(text: str) -> int:
    """argparse type: ``--days``, from 1 to :data:`MAX_SWITCH_DAYS` working days (ten years).

    The same bound a scenario's ``switch_days`` obeys: beyond it a run's calendar
    outgrows any plausible test, and no memory figure could make it sensible, so
    no option lifts it.
    """
    value = positive_int(text)
    if value > MAX_SWITCH_DAYS:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_SWITCH_DAYS:,} working days (ten years), got {value:,}"
        )
    return value


def whole_number(text: str) -> int:
    """argparse type: a whole number of at most :data:`MAX_DIGITS` digits (seeds may be < 0)."""
    digits = text.strip().lstrip("+-")
    if digits.isdigit() and len(digits.lstrip("0")) > MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"must have at most {MAX_DIGITS} digits")
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None


#: ``--real-time SCALE``: virtual seconds per wall-clock second. Below the lower bound a run
#: would all but stand still; above the upper one the clock outruns any real I/O.
TIME_SCALES: Final = (0.001, 1_000_000.0)


def time_scale(text: str) -> float:
    """argparse type: a finite ``--real-time`` scale within :data:`TIME_SCALES`."""
    low, high = TIME_SCALES
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
    if not low <= value <= high:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(
            f"must be from {low:g} to {high:,.0f} virtual seconds per second, got {value:g}"
        )
    return value


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


def add_signing_option(group: argparse._ArgumentGroup) -> None:
    """``--signing MODE`` and its shorthand ``--no-signing`` (= ``--signing off``)."""
    group.add_argument(
        "--signing",
        choices=SIGNING_MODES,
        default=None,
        help=(
            "how DIP calls are signed and verified: 'modelled' (default: a keyed SHA-256 "
            "signature bound to the sender's key and the body's hash, refusing exactly what "
            "RSA refuses, at about 2 us a message), 'rsa' (RSA PKCS#1 v1.5 SHA-256 as on the "
            "real DIP, about 0.3 ms a message) or 'off'; the journal is the same in every mode"
        ),
    )
    group.add_argument(
        "--no-signing",
        action="store_true",
        help="shorthand for --signing off",
    )


def signing_mode(args: argparse.Namespace) -> SigningMode | None:
    """The signing mode ``--signing`` / ``--no-signing`` ask for (``None``: the market's own)."""
    if args.no_signing and args.signing not in (None, "off"):
        raise UsageError(f"--no-signing contradicts --signing {args.signing}; give one of them")
    mode: SigningMode | None = "off" if args.no_signing else args.signing
    return mode


def with_signing(setup: MarketSetup, args: argparse.Namespace) -> MarketSetup:
    """``setup`` with the signing mode ``--signing`` / ``--no-signing`` asked for."""
    mode = signing_mode(args)
    if mode is None:
        return setup
    return attrs.evolve(setup, dip_defences=attrs.evolve(setup.dip_defences, signing=mode))


#: ``--journal none``: keep no journal (a load or sharded run reports statistics only).
NO_JOURNAL: Final = "none"


def no_journal(args: argparse.Namespace) -> bool:
    """Whether the command line says ``--journal none``."""
    journal = getattr(args, "journal", None)
    return journal is not None and str(journal) == NO_JOURNAL


def journal_file(args: argparse.Namespace) -> Path | None:
    """The ``--journal`` file to write, checked before any work (``None``: none asked for).

    ``--journal none`` is refused here: only a load run (``--profile``) or a sharded
    run can go without a journal, and they read it with :func:`no_journal` first.
    """
    path: Path | None = getattr(args, "journal", None)
    if path is None:
        return None
    if str(path) == NO_JOURNAL:
        raise UsageError(
            "--journal none: only a load run (--profile NAME) or a sharded run (--shards N) can "
            "keep no journal; this run is judged from its journal (name a file, or ./none for a "
            "file called none)"
        )
    if not path.parent.is_dir():
        raise UsageError(f"--journal {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise UsageError(f"--journal {path}: is a folder; name the journal file to write")
    return path


def write_journal(result: RunResult, path: Path, *, signing: str) -> None:
    """Write the run's journal to ``path``: JSON lines, then the closing record (with the
    signing mode the run used); gzip-compressed when the name ends in ``.gz``."""
    try:
        with open_journal_file(path) as stream:
            write_journal_file(result.journal.lines(), stream, signing=signing)
    except OSError as error:
        raise UsageError(f"--journal {path}: cannot write ({error.strerror})") from error
