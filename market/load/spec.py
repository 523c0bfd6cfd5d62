"""Load specifications: the shape of a GB-scale load test, as plain validated data.

A :class:`LoadSpec` says how many changes of supply arrive per working day and
when in the day; over how many working days; how large the market's population
is and where the migration to MHHS stands (the share of MPANs migrated, the
share of switches that become reverse migrations, the share of suppliers not
yet qualified); the customer segments and meter variants; and how often the
participants take the exceptional branches (objections, rejected appointments,
disputed reads ...). It is pure data, validated on construction with errors
that name the field and the rule. ``actors.markets.gb.build_gb_market`` turns it
into a :class:`~market.process.scenario.MarketSetup`; :mod:`market.load.profiles` names
the presets of the domain brief, section (g).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Final

import attrs

from market.kernel.exceptions import ScenarioError
from market.kernel.settlement_calendar import SettlementCalendar
from market.process.options import ProcessOptions
from market.process.scenario_spec import VARIANTS, DecisionRates

#: Customer segments, as ElectraLink splits changes of supply: domestic, SME, I&C.
SEGMENTS: Final = ("domestic", "sme", "ic")

#: Hours of a local day (the intraday shape has one weight per hour).
HOURS_PER_DAY: Final = 24

#: When customers sign, by local hour [EST]: mostly working hours (08:00–18:00), a quieter
#: evening and a little at night. Weights, not shares: only their ratios matter.
WORKING_HOURS_SHAPE: Final = (
    (0.05,) * 7  # 00:00–07:00
    + (0.3,)  # 07:00
    + (1.0,) * 10  # 08:00–18:00
    + (0.5,) * 3  # 18:00–21:00
    + (0.15,) * 3  # 21:00–24:00
)


def _probability(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(f"load.{attribute.name} = {value}: must be a share between 0 and 1")


def _positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ScenarioError(f"load.{attribute.name} = {value}: must be more than 0")


def _shares(where: str, value: Mapping[str, float], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {unknown}; use {', '.join(allowed)}")
    if any(share < 0 for share in value.values()) or sum(value.values()) <= 0:
        raise ScenarioError(f"{where} = {dict(value)}: weights must be non-negative, not all zero")


#: Decision rates the GB-shaped market builder does not read (a rate there would match nothing).
_NOT_IN_GB_MARKETS: Final = (
    "withdrawal",
    "related_mpan",
    "legacy_agents_unknown",
    "dispute_rejected",
)


@attrs.frozen(kw_only=True)
class DipOutagePlan:
    """A DIP outage inside a load test: it starts at ``start_hour`` (UK local time) on the
    ``start_working_day``-th working day of the run (0 = the first day of switches) and
    lasts ``hours``. Submissions are refused meanwhile and resubmitted hourly by their
    senders, publications wait for the DIP's return, so a backlog builds and then drains."""

    start_working_day: int = 1
    start_hour: int = 8
    hours: float = 72.0

    def __attrs_post_init__(self) -> None:
        if self.start_working_day < 0:
            raise ScenarioError(
                f"load.dip_outage.start_working_day = {self.start_working_day}: "
                "count working days from 0 (the first day of switches)"
            )
        if not 0 <= self.start_hour < HOURS_PER_DAY:
            raise ScenarioError(
                f"load.dip_outage.start_hour = {self.start_hour}: must be a local hour, 0–23"
            )
        if not self.hours > 0:
            raise ScenarioError(f"load.dip_outage.hours = {self.hours}: must be more than 0")


def _default_variants() -> Mapping[str, Mapping[str, float]]:
    # [EST] Homes: mostly smart meters, the rest traditional. SMEs: some half-hourly
    # (advanced) sites. I&C: mostly advanced metering.
    return {
        "domestic": {"S": 0.62, "T": 0.38},
        "sme": {"S": 0.45, "T": 0.45, "A": 0.10},
        "ic": {"A": 0.80, "T": 0.20},
    }


@attrs.frozen(kw_only=True)
class LoadSpec:
    """Everything a GB-shaped load test is made of; see the module docstring.

    ``mpans`` is the population: ``None`` means exactly the MPANs that switch at
    the profile's full rate over ``working_days``. A number smaller than the
    expected switches (``switches_per_working_day × working_days``) scales the
    load down: every MPAN switches once, at times drawn from the same intraday
    shape. A larger number keeps the full rate and adds MPANs that do not switch
    (they cost memory, as the rest of a real market does).
    """

    name: str
    description: str = ""
    seed: int = 1
    #: The first working day of switches (a later day is used if this is not a working day).
    start_day: date = date(2026, 3, 2)
    working_days: int = attrs.field(default=1)
    switches_per_working_day: float = attrs.field(validator=_positive)
    mpans: int | None = None
    #: Share of the market's MPANs already migrated to MHHS (f_migrated in the brief).
    migrated_share: float = attrs.field(validator=_probability)
    #: Share of switches that become reverse migrations (the builder calibrates to it).
    reverse_migration_share: float = attrs.field(validator=_probability)
    suppliers: int = 30
    #: Share of the suppliers (by count, the smallest first) that are not MHHS-qualified.
    unqualified_supplier_share: float = attrs.field(default=0.2, validator=_probability)
    #: One weight per local hour, 00:00 first: when in the day customers sign.
    hourly_shape: tuple[float, ...] = WORKING_HOURS_SHAPE
    segments: Mapping[str, float] = attrs.field(
        factory=lambda: {"domestic": 0.875, "sme": 0.105, "ic": 0.02}
    )
    variants_by_segment: Mapping[str, Mapping[str, float]] = attrs.field(factory=_default_variants)
    #: How often participants take each exceptional branch (objection, D6, D8, D9, D10, D11).
    behaviours: DecisionRates = attrs.field(factory=DecisionRates)
    options: ProcessOptions = attrs.field(factory=ProcessOptions)
    dip_outage: DipOutagePlan | None = None
    #: Forward migrations per working day the profile stands for. Not simulated (the
    #: participants have no forward-migration process); reports show it as context.
    forward_migrations_per_working_day: int = 0

    def __attrs_post_init__(self) -> None:
        self._check_counts()
        if len(self.hourly_shape) != HOURS_PER_DAY or any(w < 0 for w in self.hourly_shape):
            raise ScenarioError(
                f"load.hourly_shape: need {HOURS_PER_DAY} non-negative weights (one per local "
                f"hour from 00:00), got {len(self.hourly_shape)}"
            )
        if sum(self.hourly_shape) <= 0:
            raise ScenarioError("load.hourly_shape: at least one hour must have a weight above 0")
        _shares("load.segments", self.segments, SEGMENTS)
        for segment in self.segments:
            mix = self.variants_by_segment.get(segment)
            if mix is None:
                raise ScenarioError(
                    f"load.variants_by_segment: no meter variant mix for segment {segment!r}; "
                    f"add one, e.g. {{ T = 0.4, S = 0.6 }}"
                )
            _shares(f"load.variants_by_segment.{segment}", mix, VARIANTS)
        self._check_behaviours()
        if self.reverse_migration_share > 0 and self.unqualified_suppliers == 0:
            raise ScenarioError(
                f"load.reverse_migration_share = {self.reverse_migration_share} needs a supplier "
                f"that is not qualified, but unqualified_supplier_share = "
                f"{self.unqualified_supplier_share} of {self.suppliers} suppliers gives none; "
                "raise it or set reverse_migration_share = 0"
            )
        if self.unqualified_suppliers == self.suppliers and self.migrated_share > 0:
            raise ScenarioError(
                f"load.unqualified_supplier_share = {self.unqualified_supplier_share}: every "
                "supplier unqualified leaves nobody to hold migrated MPANs; lower it or set "
                "migrated_share = 0"
            )
        if self.unqualified_gain_share > 1:
            raise ScenarioError(
                f"load.reverse_migration_share = {self.reverse_migration_share} is more than "
                f"migrated_share × (1 − objection) = "
                f"{self.migrated_share * (1 - self.behaviours.objection):.4f}: only migrated "
                "MPANs that switch without objection can reverse-migrate; lower the share"
            )

    def _check_counts(self) -> None:
        if self.working_days < 1:
            raise ScenarioError(
                f"load.working_days = {self.working_days}: switches need at least 1 working day"
            )
        if self.mpans is not None and self.mpans < 1:
            raise ScenarioError(f"load.mpans = {self.mpans}: the market needs at least 1 MPAN")
        if self.suppliers < 2:
            raise ScenarioError(
                f"load.suppliers = {self.suppliers}: a change of supply needs at least 2 suppliers"
            )
        if self.forward_migrations_per_working_day < 0:
            raise ScenarioError(
                f"load.forward_migrations_per_working_day = "
                f"{self.forward_migrations_per_working_day}: must not be negative"
            )

    def _check_behaviours(self) -> None:
        for name, instead in (
            ("legacy_mpan", "migrated_share"),
            ("qualified_gainer", "reverse_migration_share"),
            ("forward_migration", "forward_migrations_per_working_day"),
        ):
            if getattr(self.behaviours, name):
                raise ScenarioError(
                    f"load.behaviours.{name} = {getattr(self.behaviours, name)}: a GB-shaped "
                    f"market derives it from the population; set {instead} instead and leave "
                    f"{name} at 0"
                )
        for name in ("dip_register_lag", "stale_dip_routing"):
            if getattr(self.behaviours, name):
                raise ScenarioError(
                    f"load.behaviours.{name} = {getattr(self.behaviours, name)}: GB-shaped "
                    "markets do not draw the DIP's register and role-map facts (D15, D16); "
                    f"leave {name} at 0 and use a [decisions] scenario for them"
                )
        for name in _NOT_IN_GB_MARKETS:
            if getattr(self.behaviours, name):
                raise ScenarioError(
                    f"load.behaviours.{name} = {getattr(self.behaviours, name)}: GB-shaped "
                    "markets do not model this decision; it would match nothing. Leave "
                    f"{name} at 0 and use a [decisions] scenario for it"
                )

    def first_working_day(self, calendar: SettlementCalendar) -> date:
        """The day switches begin: ``start_day``, or the next working day when it is not one."""
        if calendar.is_working_day(self.start_day):
            return self.start_day
        return calendar.next_working_day(self.start_day)

    @property
    def expected_switches(self) -> float:
        """Changes of supply the profile's full rate gives over ``working_days``."""
        return self.switches_per_working_day * self.working_days

    @property
    def scale(self) -> float:
        """The fraction of the profile's rate that is simulated: below 1 when ``mpans`` caps it."""
        if self.mpans is None or self.mpans >= self.expected_switches:
            return 1.0
        return self.mpans / self.expected_switches

    @property
    def unqualified_suppliers(self) -> int:
        """How many suppliers are not MHHS-qualified (the smallest ones)."""
        return min(self.suppliers, math.floor(self.suppliers * self.unqualified_supplier_share))

    @property
    def unqualified_gain_share(self) -> float:
        """Share of migrated MPANs' switches won by unqualified suppliers (the calibration).

        A switch becomes a reverse migration when the MPAN migrated, the losing
        supplier does not object, and the gaining supplier is not qualified:
        ``RM share = migrated_share × (1 − objection) × this``.
        """
        reachable = self.migrated_share * (1 - self.behaviours.objection)
        if reachable == 0:
            return math.inf if self.reverse_migration_share > 0 else 0.0
        return self.reverse_migration_share / reachable
