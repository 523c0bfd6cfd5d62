"""How much memory a run will need, estimated from its size before anything is built.

A run keeps every event of its journal, each with its typed message, until the
checkers have judged it, so its peak memory grows with the MPANs that switch;
an MPAN that is built but does not switch costs only its ``MeteringPoint`` and
its place in each participant's slice. A duplicate fault adds deliveries, and
with them journal events, in proportion to its probability and copies.

The figures are peak RSS (``/usr/bin/time -v``, Python 3.11, seed 1; signing
on or off makes no difference to memory), each within -3 % to +17 % of the estimate:

========================================================  =========  =========
run                                                       measured   estimated
========================================================  =========  =========
``market run --mpans 300`` (built-in market, judged)      100 MiB    97 MiB
``market run --mpans 2000``                               273 MiB    281 MiB
``market run --mpans 5000``                               590 MiB    607 MiB
``--mpans 2000`` with a duplicate fault, p = 1, 2 copies  606 MiB    711 MiB
``--profile bau-2024 --mpans 2000`` (2,000 switches)      210 MiB    223 MiB
``--profile bau-2024`` (10,805 switches)                  835 MiB    912 MiB
``--profile bau-2024 --mpans 100000``                     945 MiB    1,017 MiB
``--profile bau-2024 --mpans 1000000``                    2,009 MiB  2,072 MiB
``--profile dip-outage-drain --mpans 2000``               463 MiB    488 MiB
``market bench``, 10,000 in flight (not judged)           880 MiB    857 MiB
``market bench --levels 100000``                          7,600 MiB  7,994 MiB
========================================================  =========  =========

:func:`refusal` compares the estimate with the memory the machine has
available (``MemAvailable`` of ``/proc/meminfo``), or with ``--memory-limit``;
``--no-size-check`` skips it. The estimate is pure arithmetic, so a test can
pin it and pass any available figure.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs

from market.cli.load_progress import DIP_OUTAGE_FACTOR
from market.faults import Duplicate, Fault
from market.kernel.exceptions import UsageError
from market.load.spec import LoadSpec
from market.process.scenario_spec import ScenarioSpec

#: The interpreter with the simulator imported (measured 59 MiB), before any market.
BASE_MIB: Final = 64.0
#: Each MPAN built: its metering point and its entries in the participants' slices
#: (1.17-1.27 KiB measured with 100,000 and 1,000,000 MPANs).
KIB_PER_MPAN: Final = 1.2
#: Each reverse migration of the built-in market, judged at the end: about 160 journal
#: events with their messages and the checkers' views (106-109 KiB measured).
KIB_PER_REVERSE_MIGRATION: Final = 110.0
#: Each switch of a GB-shaped load (mostly changes of supply, about 110 events each; 74-77
#: KiB measured), and each reverse migration of ``market bench``, which is not judged (76-82).
KIB_PER_LOAD_SWITCH: Final = 80.0
#: Each switch of a GB-shaped load that keeps no journal (``--journal none``): the
#: participants' records of it, its outcome facts and its load statistics (16-19 KiB
#: measured on 20,000 and 40,000 switches, 12 per shard between a 1-day and a 5-day
#: 1,000,000-MPAN run).
KIB_PER_UNJUDGED_SWITCH: Final = 20.0
#: What a machine is taken to have where ``/proc/meminfo`` cannot be read (not Linux).
FALLBACK_AVAILABLE_MIB: Final = 8 * 1024.0

_MEMINFO: Final = Path("/proc/meminfo")


@attrs.frozen(kw_only=True)
class RunSize:
    """What a run's memory grows with: MPANs built, MPANs that switch, duplicated messages."""

    #: MPANs built (the population).
    mpans: int
    #: Of them, how many switch (each one's messages stay in the journal to the end).
    switches: int
    #: Peak KiB per switch: :data:`KIB_PER_REVERSE_MIGRATION` or :data:`KIB_PER_LOAD_SWITCH`.
    kib_per_switch: float = KIB_PER_REVERSE_MIGRATION
    #: Extra copies a duplicate fault delivers per message, on average (probability × copies).
    duplicate_copies: float = 0.0

    def describe(self) -> str:
        """``1,000,000 MPANs, 10,805 switching``: the size a refusal names."""
        text = f"{self.mpans:,} MPAN{'' if self.mpans == 1 else 's'}, {self.switches:,} switching"
        if self.duplicate_copies:
            text += f", {self.duplicate_copies:.2g} duplicate copies per message"
        return text


def estimate_peak_mib(size: RunSize) -> float:
    """The peak resident memory, MiB, a run of ``size`` is expected to reach (see the table)."""
    per_switch_kib = size.kib_per_switch * (1 + size.duplicate_copies)
    return BASE_MIB + (size.mpans * KIB_PER_MPAN + size.switches * per_switch_kib) / 1024


def duplicate_copies(faults: Iterable[Fault]) -> float:
    """Extra deliveries per message that ``faults`` duplicate, at most (scopes ignored)."""
    return sum((f.probability * f.copies for f in faults if isinstance(f, Duplicate)), 0.0)


def scenario_size(spec: ScenarioSpec, faults: Iterable[Fault] | None = None) -> RunSize:
    """A run of the built-in market: every MPAN switches (a reverse migration), judged.

    ``faults`` are those the run applies; ``None``: the scenario's own.
    """
    return RunSize(
        mpans=spec.mpans,
        switches=spec.mpans,
        duplicate_copies=duplicate_copies(spec.faults.faults if faults is None else faults),
    )


def load_size(spec: LoadSpec, faults: Iterable[Fault] = (), *, journal: bool = True) -> RunSize:
    """A GB-shaped load: the profile's switches (capped by ``mpans``) in its population.

    ``journal=False`` (``--journal none``): each switch costs
    :data:`KIB_PER_UNJUDGED_SWITCH`, not :data:`KIB_PER_LOAD_SWITCH`.

    A DIP outage (the profile's or one in ``faults``) multiplies each switch's
    deliveries, and its memory with them, by the progress bar's
    :data:`~market.cli.load_progress.DIP_OUTAGE_FACTOR` (2.7; 2.7 measured for memory).
    """
    faults = tuple(faults)
    expected = math.ceil(spec.expected_switches)
    switches = expected if spec.mpans is None else min(spec.mpans, expected)
    outage = spec.dip_outage is not None or any(f.kind == "dip_outage" for f in faults)
    return RunSize(
        mpans=max(spec.mpans or 0, switches),
        switches=switches,
        kib_per_switch=(KIB_PER_LOAD_SWITCH if journal else KIB_PER_UNJUDGED_SWITCH)
        * (DIP_OUTAGE_FACTOR if outage else 1.0),
        duplicate_copies=duplicate_copies(faults),
    )


def available_mib(meminfo: Path = _MEMINFO) -> float:
    """The memory this machine can give a new process, MiB (``MemAvailable``).

    Where ``meminfo`` cannot be read or has no such line (not Linux), the fixed
    :data:`FALLBACK_AVAILABLE_MIB`, so the check stays deterministic.
    """
    try:
        lines = meminfo.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return FALLBACK_AVAILABLE_MIB
    for line in lines:
        name, _, value = line.partition(":")
        fields = value.split()
        if name == "MemAvailable" and fields and fields[0].isdigit():
            return int(fields[0]) / 1024  # kB
    return FALLBACK_AVAILABLE_MIB


def refusal(size: RunSize, available: float, *, limit_given: bool = False) -> str | None:
    """Why a run of ``size`` will not fit in ``available`` MiB, or ``None`` when it will.

    ``limit_given``: ``available`` is the user's ``--memory-limit``, not the machine's.
    """
    estimate = estimate_peak_mib(size)
    if estimate <= available:
        return None
    return (
        f"{size.describe()}: estimated to need {_gib(estimate)} at peak, more than "
        f"{_budget(available, limit_given=limit_given)}; "
        "make the run smaller, or pass --memory-limit GIB or --no-size-check to run it anyway"
    )


def check_shard_sizes(sizes: Sequence[RunSize], at_once: int, args: argparse.Namespace) -> None:
    """Refuse (:class:`UsageError`) shards of ``sizes`` that will not fit on this machine
    when ``at_once`` of them (each its own worker process) run together."""
    if args.no_size_check or not sizes:
        return
    available, limit_given = _available(args)
    largest = max(sizes, key=estimate_peak_mib)
    peaks = sorted((estimate_peak_mib(size) for size in sizes), reverse=True)
    together = sum(peaks[:at_once])
    if together <= available:
        return
    raise UsageError(
        f"{len(sizes)} shards, {at_once} at a time on this machine (the largest "
        f"{largest.describe()}): estimated to need {_gib(together)} together at peak "
        f"({_gib(peaks[0])} the largest), more than "
        f"{_budget(available, limit_given=limit_given)}; run them on a Dask cluster "
        "(--cluster), make the run smaller, or pass --memory-limit GIB or --no-size-check"
    )


def _available(args: argparse.Namespace) -> tuple[float, bool]:
    """The MiB a run may use (``--memory-limit``, else ``MemAvailable``), and whether the
    user gave the limit."""
    if args.memory_limit is not None:
        return args.memory_limit * 1024, True
    return available_mib(), False


def _budget(available: float, *, limit_given: bool) -> str:
    """How a refusal names the memory it compared with."""
    return (
        f"--memory-limit {_gib(available)}" if limit_given else f"the {_gib(available)} available"
    )


def _gib(mib: float) -> str:
    return f"{mib / 1024:,.1f} GiB"


def _gibibytes(text: str) -> float:
    """argparse type: a positive number of GiB."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of GiB") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of GiB, got {text}")
    return value


def add_size_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--memory-limit GIB`` and ``--no-size-check``, for the commands that build markets."""
    options = parser.add_mutually_exclusive_group()
    options.add_argument(
        "--memory-limit",
        type=_gibibytes,
        metavar="GIB",
        help=(
            "refuse a run whose estimated peak memory is above GIB gibibytes (default: the "
            "memory this machine has available, MemAvailable)"
        ),
    )
    options.add_argument(
        "--no-size-check",
        action="store_true",
        help="run however large the estimated peak memory is (it may exhaust the machine)",
    )


def check_size(size: RunSize, args: argparse.Namespace) -> None:
    """Refuse (:class:`UsageError`) a run of ``size`` the size options say will not fit."""
    if args.no_size_check:
        return
    available, limit_given = _available(args)
    problem = refusal(size, available, limit_given=limit_given)
    if problem is not None:
        raise UsageError(problem)
