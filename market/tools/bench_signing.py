"""What signing costs: the same load run unsigned, in the modelled scheme and with RSA.

One ``bau-2024`` day of a market of ``mpans`` MPANs (the load profile every
user runs) is delivered three times in this process, on fresh markets, with
``signing = "off"``, ``"modelled"`` and ``"rsa"``; each run is timed from every
participant's task running to the last batch, as a bench level is. The runs
deliver the same messages (the journal is the same in every mode), so the
ratios of their times are what signing costs a run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any, Final

import attrs
import trio

from market.load.profiles import load_profile
from market.load.spec import LoadSpec
from market.networks.dip_defences import SigningMode
from market.process.scenario import MarketSetup
from market.runtime.simulation import Simulation

#: The load profile the comparison runs.
SIGNING_PROFILE: Final = "bau-2024"
#: MPANs of the compared market by default (about 83,000 deliveries, 35,000 of them signed).
DEFAULT_SIGNING_MPANS: Final = 2_000
#: The modes compared, in the order they run.
COMPARED_MODES: Final[tuple[SigningMode, ...]] = ("off", "modelled", "rsa")


@attrs.frozen(kw_only=True)
class SigningRun:
    """One mode's run: what it delivered, how many calls it signed, how long it took."""

    mode: SigningMode
    deliveries: int
    signed: int
    seconds: float


@attrs.frozen(kw_only=True)
class SigningFigures:
    """The three runs of the same load and the ratios of their delivery times."""

    profile: str
    mpans: int
    runs: tuple[SigningRun, ...]

    def seconds(self, mode: SigningMode) -> float:
        """Delivery seconds of the run in ``mode``."""
        return next(run.seconds for run in self.runs if run.mode == mode)

    @property
    def signed_over_unsigned(self) -> float:
        """Default (modelled) signing's delivery time over the unsigned run's."""
        return self.seconds("modelled") / self.seconds("off")

    @property
    def rsa_over_unsigned(self) -> float:
        """RSA signing's delivery time over the unsigned run's."""
        return self.seconds("rsa") / self.seconds("off")

    def as_json(self) -> dict[str, Any]:
        """The ``signing`` object of ``market bench --json``."""
        return {
            "profile": self.profile,
            "mpans": self.mpans,
            "signed_over_unsigned": round(self.signed_over_unsigned, 3),
            "rsa_over_unsigned": round(self.rsa_over_unsigned, 3),
            "runs": [
                {
                    "mode": run.mode,
                    "deliveries": run.deliveries,
                    "signed": run.signed,
                    "seconds": round(run.seconds, 3),
                }
                for run in self.runs
            ],
        }


def _timed_run(setup: MarketSetup, mode: SigningMode) -> SigningRun:
    setup = attrs.evolve(setup, dip_defences=attrs.evolve(setup.dip_defences, signing=mode))
    simulation = Simulation(setup)
    marks: dict[str, float] = {}

    def mark(phase: str) -> None:
        marks[phase] = time.perf_counter()

    statistics = trio.run(partial(simulation.runtime.run, on_phase=mark))
    return SigningRun(
        mode=mode,
        deliveries=statistics.deliveries,
        signed=simulation.broker.gateway.statistics().signed,
        seconds=marks["drained"] - marks["started"],
    )


def compare_signing(
    build: Callable[[LoadSpec], MarketSetup],
    *,
    mpans: int = DEFAULT_SIGNING_MPANS,
    modes: tuple[SigningMode, ...] = COMPARED_MODES,
) -> SigningFigures:
    """Deliver one ``bau-2024`` day of ``mpans`` MPANs once per mode, on fresh markets."""
    spec = load_profile(SIGNING_PROFILE, mpans=mpans)
    runs = tuple(_timed_run(build(spec), mode) for mode in modes)
    return SigningFigures(profile=SIGNING_PROFILE, mpans=mpans, runs=runs)
