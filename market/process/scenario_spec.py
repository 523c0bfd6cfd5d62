"""Scenario specifications: the population, the mix of meter variants and decision outcomes.

A :class:`ScenarioSpec` is what a scenario file (TOML) says. It is pure data,
validated on load with errors that name the field, the rule and what to write
instead; market builders (``actors.markets.default.build_market``) turn it into a
:class:`~market.process.scenario.MarketSetup`.

Decision probabilities are of two kinds, both reproducible from the seed:
facts of the world the generator draws per MPAN (the MPAN never migrated, the
customer picks an MHHS-qualified supplier, the customer gives no reading, the
outgoing supplier's closing read is off, the DIP's register or role map is
behind for the MPAN), and behaviours of participants that
each draws from its own ``ctx.rng`` (the outgoing supplier objects, an agent
rejects its appointment, a supplier updates data it may not, a data service
submits consumption too late, REGS de-appoints before it knows the legacy agents).

A scenario may also carry its own fault plan: ``[[fault]]`` tables and a
``[bug_restart]`` table, exactly as in a fault-plan file, their windows anchored
on the scenario's start day and first SSD. ``--faults FILE`` replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from market.boundary import SCENARIO_FILE, InputError, read_toml
from market.faults import FaultPlan, WindowAnchor, plan_from_mapping
from market.kernel.exceptions import ScenarioError
from market.kernel.settlement_calendar import FIRST_YEAR, LAST_YEAR, SettlementCalendar
from market.process.options import ProcessOptions

VARIANTS: Final = ("T", "A", "S")
#: The longest a scenario's customers may take to sign: ten years of working days.
MAX_SWITCH_DAYS: Final = 2610


def _rate(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(
            f"decisions.{attribute.name} = {value}: must be a probability between 0 and 1"
        )


@attrs.frozen(kw_only=True)
class DecisionRates:
    """How often each decision point (brief section d) takes its exceptional branch."""

    #: D1: the MPAN never migrated, so the switch is a plain legacy change of supply.
    legacy_mpan: float = attrs.field(default=0.0, validator=_rate)
    #: D2: the customer picks an MHHS-qualified supplier, so the switch is an MHHS CoS.
    qualified_gainer: float = attrs.field(default=0.0, validator=_rate)
    #: D12: of the MPANs that never migrated, the share won by an MHHS-qualified supplier,
    #: who migrates them forward (appointment scenario MCS).
    forward_migration: float = attrs.field(default=0.0, validator=_rate)
    #: D13: of the MHHS changes of supply, the share whose MPAN is a linked export or related
    #: secondary MPAN; the gaining supplier asks to appoint on it and REGS refuses.
    related_mpan: float = attrs.field(default=0.0, validator=_rate)
    #: D3: the outgoing supplier objects; no switch, no reverse migration.
    objection: float = attrs.field(default=0.0, validator=_rate)
    #: D4: the customer cancels once the switch is secured; the incoming supplier withdraws it
    #: at CSS, after REGS issued its IF-003 → manual intervention.
    withdrawal: float = attrs.field(default=0.0, validator=_rate)
    #: D6: a legacy agent rejects its appointment (D0261); the supplier appoints another.
    agent_rejection: float = attrs.field(default=0.0, validator=_rate)
    #: D8: the outgoing supplier's closing read disagrees beyond tolerance → D0300.
    reads_disagree: float = attrs.field(default=0.0, validator=_rate)
    #: D8: the incoming supplier rejects the disputed reading (D0300 REJECTED): left open.
    dispute_rejected: float = attrs.field(default=0.0, validator=_rate)
    #: D9: the customer gives no reading, so the DC deems one at the cut-off.
    no_customer_read: float = attrs.field(default=0.0, validator=_rate)
    #: D10: the outgoing supplier tries to update supplier data items (IF-025) → REG9002.
    supplier_data_update: float = attrs.field(default=0.0, validator=_rate)
    #: D5: REGS does not know the gaining supplier's legacy agents when it de-appoints a
    #: reverse migration (where ``options.deappoint_waits_for_legacy_agents`` has it wait):
    #: it de-appoints on securing, B095/B096 omitted, and D0311 names the outgoing services.
    legacy_agents_unknown: float = attrs.field(default=0.0, validator=_rate)
    #: D11: the outgoing data service submits IF-021 after MHHSRegimeEndDate → ECS1001.
    late_consumption: float = attrs.field(default=0.0, validator=_rate)
    #: D15: the DIP's MPAN register learns the MPAN late (``options.dip_register_lag_minutes``
    #: after the first message about it): the DIP refuses it at level 2 (MSG1006 by status
    #: message) and the sender resubmits.
    dip_register_lag: float = attrs.field(default=0.0, validator=_rate)
    #: D16: the DIP's role map still lists a former supplier for the MPAN: that supplier gets
    #: copies of the MPAN's publications and refuses them at level 3 (MSG1014).
    stale_dip_routing: float = attrs.field(default=0.0, validator=_rate)


def _variants(
    instance: object, attribute: attrs.Attribute[Mapping[str, float]], value: Mapping[str, float]
) -> None:
    unknown = set(value) - set(VARIANTS)
    if unknown:
        raise ScenarioError(
            f"market.variants: unknown variant(s) {sorted(unknown)}; use T, A and/or S"
        )
    if any(share < 0 for share in value.values()) or sum(value.values()) <= 0:
        raise ScenarioError(
            f"market.variants = {dict(value)}: shares must be non-negative and not all zero"
        )


def _variant_mix(value: str | Mapping[str, float]) -> Mapping[str, float]:
    """A named mix (``"T"``, ``"mixed"`` ...) as its shares; a mapping as it is."""
    if not isinstance(value, str):
        return value
    if value not in VARIANT_MIXES:
        raise ScenarioError(
            f"market.variants = {value!r}: use one of {', '.join(VARIANT_MIXES)} "
            "or a table such as { T = 0.5, A = 0.2, S = 0.3 }"
        )
    return VARIANT_MIXES[value]


@attrs.frozen(kw_only=True)
class ScenarioSpec:
    """Everything a scenario file can set; every field has a sensible default."""

    seed: int = 1
    mpans: int = attrs.field(default=3)
    start_day: date = attrs.field(default=date(2026, 2, 26))
    #: Customers sign over this many working days from ``start_day``.
    switch_days: int = attrs.field(default=1)
    #: Shares of each meter variant, or a named mix of :data:`VARIANT_MIXES` (``"mixed"``).
    variants: Mapping[str, float] = attrs.field(
        factory=lambda: {"T": 1.0}, converter=_variant_mix, validator=_variants
    )
    decisions: DecisionRates = attrs.field(factory=DecisionRates)
    options: ProcessOptions = attrs.field(factory=ProcessOptions)
    #: Your own classes playing participants: target (id or role) → ``package.module:Class``.
    participants: Mapping[str, str] = attrs.field(factory=dict)
    #: The scenario's own fault plan (its ``[[fault]]`` and ``[bug_restart]`` tables).
    faults: FaultPlan = attrs.field(factory=FaultPlan)

    def window_anchor(self) -> WindowAnchor:
        """What a fault plan's relative windows (``day 3``, ``SSD-1``) are relative to."""
        first_ssd = SettlementCalendar().add_working_days(
            self.start_day, self.options.supply_start_lead_working_days
        )
        return WindowAnchor(start_day=self.start_day, first_supply_start_date=first_ssd)

    @mpans.validator
    def _positive(self, attribute: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ScenarioError(f"market.mpans = {value}: at least one MPAN must switch")

    @start_day.validator
    def _in_calendar(self, attribute: attrs.Attribute[date], value: date) -> None:
        # the run goes on past its start, so the start's year must have a year after it
        if not FIRST_YEAR <= value.year < LAST_YEAR:
            raise ScenarioError(
                f"market.start = {value}: the settlement calendar covers {FIRST_YEAR}-{LAST_YEAR},"
                f" so a run starts from {FIRST_YEAR}-01-01 to {LAST_YEAR - 1}-12-31"
            )

    @switch_days.validator
    def _switch_span(self, attribute: attrs.Attribute[int], value: int) -> None:
        if not 1 <= value <= MAX_SWITCH_DAYS:
            raise ScenarioError(
                f"market.switch_days = {value}: customers sign over 1 to {MAX_SWITCH_DAYS:,} "
                "working days (ten years)"
            )


#: ``--variant`` choices: one variant, or ``mixed`` (T 50 %, A 20 %, S 30 %).
VARIANT_MIXES: Final[Mapping[str, Mapping[str, float]]] = {
    "T": {"T": 1.0},
    "A": {"A": 1.0},
    "S": {"S": 1.0},
    "mixed": {"T": 0.5, "A": 0.2, "S": 0.3},
}

_SECTIONS: Final = {"market", "decisions", "options", "participants", "fault", "bug_restart"}
_MARKET_KEYS: Final = {"seed", "mpans", "start", "switch_days", "variants"}


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ScenarioError(
            f"{where}: unknown key(s) {unknown}; allowed: {', '.join(sorted(allowed))}"
        )


def _typed(value: object, kind: type, where: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is Decimal and isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return Decimal(str(value))
        except ArithmeticError:  # decimal.InvalidOperation: not a number at all
            raise ScenarioError(f"{where} = {value!r}: must be a number") from None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ScenarioError(f"{where} = {value!r}: must be {kind.__name__}")
    return value


def spec_from_mapping(data: Mapping[str, Any]) -> ScenarioSpec:
    """Build and validate a spec from parsed TOML (``[market]``, ``[decisions]``, ``[options]``)."""
    _check_keys(data, _SECTIONS, "scenario")
    market = data.get("market", {})
    _check_keys(market, _MARKET_KEYS, "[market]")
    fields: dict[str, Any] = {}
    market_fields: tuple[tuple[str, str, type], ...] = (
        ("seed", "seed", int),
        ("mpans", "mpans", int),
        ("start", "start_day", date),
        ("switch_days", "switch_days", int),
    )
    for key, name, field_type in market_fields:
        if key in market:
            fields[name] = _typed(market[key], field_type, f"market.{key}")
    if "variants" in market:
        variants = market["variants"]
        if isinstance(variants, str):
            fields["variants"] = variants
        elif not isinstance(variants, Mapping):
            raise ScenarioError(
                f'market.variants = {variants!r}: use a named mix such as "mixed" '
                "or a table such as { T = 0.5, A = 0.2, S = 0.3 }"
            )
        else:
            fields["variants"] = {
                k: _typed(v, float, f"market.variants.{k}") for k, v in dict(variants).items()
            }
    decisions = data.get("decisions", {})
    rate_names = {a.name for a in attrs.fields(DecisionRates)}
    _check_keys(decisions, rate_names, "[decisions]")
    fields["decisions"] = DecisionRates(
        **{k: _typed(v, float, f"decisions.{k}") for k, v in decisions.items()}
    )
    options = data.get("options", {})
    option_fields = {a.name: a for a in attrs.fields(ProcessOptions)}
    _check_keys(options, set(option_fields), "[options]")
    converted: dict[str, Any] = {}
    for key, value in options.items():
        kind: type = type(option_fields[key].default)
        converted[key] = _typed(value, kind, f"options.{key}")
    participants = data.get("participants", {})
    for target, reference in participants.items():
        if not isinstance(reference, str) or ":" not in reference:
            raise ScenarioError(
                f'participants.{target} = {reference!r}: write "package.module:Class"'
            )
    fields["participants"] = dict(participants)
    fields["options"] = ProcessOptions(**converted)
    spec = ScenarioSpec(**fields)
    plan = {key: data[key] for key in ("fault", "bug_restart") if key in data}
    if not plan:
        return spec
    return attrs.evolve(spec, faults=plan_from_mapping(plan, spec.window_anchor()))


def load_scenario(path: Path) -> ScenarioSpec:
    """Read a TOML scenario file; errors name the file, the field and the rule."""
    try:
        data = read_toml(path, SCENARIO_FILE)
    except InputError as error:
        raise ScenarioError(str(error)) from None
    try:
        return spec_from_mapping(data)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from error
