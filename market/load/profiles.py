"""The load profiles of the domain brief, section (g), as named :class:`LoadSpec` presets.

The arithmetic behind each number (brief section g; EST marks an estimate):

* **Changes of supply per working day.** ElectraLink's six-month moving average
  for 2024 is about 225k electricity changes of supply a month: 225k ÷ 21
  working days ≈ **10.7k per working day** (``bau-2024``). Before the energy
  crisis (2019–2021) it was 480k–550k a month: 550k ÷ 21 ≈ **26k per working
  day** (``pre-crisis-peak``).
* **Reverse migrations.** RM/day = CoS/day × f_migrated × f_nonqualified_gainer.
  Mid-migration: 10.7k × 0.5 × 0.05 ≈ 270/day, so an RM share of 2–5 % of
  switches; ``bau-2024`` takes 0.5 migrated and a 3 % RM share (≈ 320 RMs per
  working day). The brief's stress case, 26k × 0.8 × 0.15 ≈ 3.1k/day (a 12 %
  share), is ``pre-crisis-peak``'s.
* **Forward migration.** 30m MPANs ÷ 18 months ≈ 1.7m a month ≈ 80k migrations
  per working day. The participants have no forward-migration process, so
  ``migration-overlap`` does **not** simulate them: it runs the BAU switching
  load on a population in the overlap's state (40 % migrated, the top of the RM
  range: 5 %) and carries the 80k/WD only as a figure the report repeats.
* **DIP outage.** Participants must survive a **72-hour** DIP outage (DIP
  open-day FAQ). ``dip-outage-drain`` runs BAU switching with the DIP down from
  08:00 on the second working day for 72 hours (a :class:`~market.faults.DipOutage`):
  submissions are refused (MSG5003) and resubmitted hourly by their senders,
  publications wait, and the backlog drains when the DIP returns.

Common to all [EST]: 30 suppliers, the six largest holding 85 % of MPANs (the
largest ≈ 23 %, as GB's large suppliers do in Ofgem's 2024 market shares) and
24 smaller ones sharing the rest in a thinning tail; the smallest 20 % are not
MHHS-qualified; 87.5 % domestic, 10.5 % SME and 2 % I&C customers (ElectraLink,
July 2024: 225k domestic, 27k SME, 4k I&C); customers sign mostly in working
hours. ``pre-crisis-peak`` doubles the rate from 17:00 to 19:00 (the submission
cut-offs).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from market.kernel.exceptions import ScenarioError
from market.load.spec import WORKING_HOURS_SHAPE, DipOutagePlan, LoadSpec
from market.process.scenario_spec import DecisionRates

#: [EST] How often participants take the exceptional branches under BAU load.
BAU_BEHAVIOURS: Final = DecisionRates(
    objection=0.02,
    agent_rejection=0.02,
    reads_disagree=0.02,
    no_customer_read=0.15,
    supplier_data_update=0.01,
    late_consumption=0.01,
)

#: The BAU intraday shape with the rate doubled from 17:00 to 19:00 (pre-crisis cut-offs).
EVENING_BURST_SHAPE: Final = tuple(
    weight * 2 if hour in (17, 18) else weight for hour, weight in enumerate(WORKING_HOURS_SHAPE)
)

_BAU: Final = LoadSpec(
    name="bau-2024",
    description="BAU 2024: 10.7k changes of supply per working day, 3 % reverse migrations",
    switches_per_working_day=10_700,
    migrated_share=0.5,
    reverse_migration_share=0.03,
    behaviours=BAU_BEHAVIOURS,
)

#: Every preset by name, in the brief's order.
PROFILES: Final[Mapping[str, LoadSpec]] = MappingProxyType(
    {
        "bau-2024": _BAU,
        "pre-crisis-peak": attrs.evolve(
            _BAU,
            name="pre-crisis-peak",
            description=(
                "Pre-crisis peak: 26k changes of supply per working day, 2× from 17:00 to "
                "19:00; the brief's stress case of 80 % migrated and a 12 % RM share"
            ),
            switches_per_working_day=26_000,
            hourly_shape=EVENING_BURST_SHAPE,
            migrated_share=0.8,
            reverse_migration_share=0.12,
        ),
        "migration-overlap": attrs.evolve(
            _BAU,
            name="migration-overlap",
            description=(
                "BAU switching during the migration window: 40 % migrated, a 5 % RM share; "
                "the 80k forward migrations per working day are NOT simulated"
            ),
            migrated_share=0.4,
            reverse_migration_share=0.05,
            forward_migrations_per_working_day=80_000,
        ),
        "dip-outage-drain": attrs.evolve(
            _BAU,
            name="dip-outage-drain",
            description=(
                "BAU switching with the DIP down for 72 hours from 08:00 on the second "
                "working day; the backlog builds, then drains"
            ),
            dip_outage=DipOutagePlan(start_working_day=1, start_hour=8, hours=72.0),
        ),
    }
)


def load_profile(
    name: str, *, working_days: int | None = None, mpans: int | None = None, seed: int | None = None
) -> LoadSpec:
    """The preset ``name`` with the command line's ``--days``, ``--mpans`` and ``--seed``."""
    try:
        profile = PROFILES[name]
    except KeyError:
        raise ScenarioError(
            f"load profile {name!r}: no such profile; use one of {', '.join(PROFILES)}"
        ) from None
    return attrs.evolve(
        profile,
        working_days=profile.working_days if working_days is None else working_days,
        mpans=profile.mpans if mpans is None else mpans,
        seed=profile.seed if seed is None else seed,
    )
