"""Fault plans as data: what goes wrong, where, and when.

Every fault has a :class:`Scope` (which messages or participant it touches) and
a :class:`Window` of simulated time. Message faults (loss, delay, duplication,
reordering, corruption, partitions, a slow participant) act on messages the
broker transmits; availability faults (a DIP outage, a participant's webhook
down) on DIP submissions and deliveries; participant faults (clock skew, a
crash under a restart policy) on the participant itself. A plan is written in
TOML (``[[fault]]`` tables, see the README) or built from these values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Final, Literal, TypeVar, get_args

import attrs

from market.boundary import SCENARIO_FILE, InputError, read_toml
from market.faults.plan_values import checked
from market.faults.windows import BEGINNING, END, WindowAnchor, parse_instant, parse_window
from market.kernel.exceptions import ScenarioError


@attrs.frozen(kw_only=True, slots=True)
class Window:
    """When a fault is active: ``start <= at < end`` (UTC instants)."""

    start: datetime = BEGINNING
    end: datetime = END
    text: str = "always"

    @classmethod
    def parse(cls, text: str, anchor: WindowAnchor) -> Window:
        """A window from its calendar description (see :mod:`market.faults.windows`)."""
        start, end = parse_window(text, anchor)
        return cls(start=start, end=end, text=text)

    def contains(self, at: datetime) -> bool:
        """Whether the fault is active at ``at``."""
        return self.start <= at < self.end


@attrs.frozen(kw_only=True, slots=True)
class Scope:
    """Which messages a fault touches; ``None`` matches anything.

    ``message`` is an interface, publication or D-flow id (``IF-003``,
    ``PUB-003``, ``D0155``) or a CSS event name; ``participant`` matches either
    end of a message.
    """

    network: str | None = None
    message: str | None = None
    sender: str | None = None
    recipient: str | None = None
    participant: str | None = None

    def matches(self, *, network: str | None, message: str, sender: str, recipient: str) -> bool:
        """Whether a message with these attributes is in scope."""
        return (
            (self.network is None or self.network == network)
            and (self.message is None or self.message == message)
            and (self.sender is None or self.sender == sender)
            and (self.recipient is None or self.recipient == recipient)
            and (self.participant is None or self.participant in (sender, recipient))
        )


def _probability(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(f"fault.{attribute.name} = {value}: must be between 0 and 1")


def _non_negative(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value < 0:
        raise ScenarioError(f"fault.{attribute.name} = {value}: must not be negative")


@attrs.frozen(kw_only=True, slots=True)
class Loss:
    """Messages in scope are lost with ``probability`` (the network drops them)."""

    kind: ClassVar[str] = "loss"
    probability: float = attrs.field(validator=_probability)
    scope: Scope = Scope()
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class Delay:
    """Messages in scope arrive late: ``fixed``, ``uniform`` in [min, max], or ``exponential``."""

    kind: ClassVar[str] = "delay"
    distribution: Literal["fixed", "uniform", "exponential"] = attrs.field(
        default="fixed", validator=attrs.validators.in_(("fixed", "uniform", "exponential"))
    )
    seconds: float = attrs.field(default=0.0, validator=_non_negative)
    min_seconds: float = attrs.field(default=0.0, validator=_non_negative)
    max_seconds: float = attrs.field(default=0.0, validator=_non_negative)
    mean_seconds: float = attrs.field(default=0.0, validator=_non_negative)
    probability: float = attrs.field(default=1.0, validator=_probability)
    scope: Scope = Scope()
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class Duplicate:
    """Messages in scope are delivered ``copies`` extra times with ``probability``."""

    kind: ClassVar[str] = "duplicate"
    probability: float = attrs.field(validator=_probability)
    copies: int = 1
    scope: Scope = Scope()
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class Reorder:
    """Messages in scope are held a random time up to ``within_seconds``, so later ones overtake."""

    kind: ClassVar[str] = "reorder"
    probability: float = attrs.field(validator=_probability)
    within_seconds: float = attrs.field(default=300.0, validator=_non_negative)
    scope: Scope = Scope()
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class Corrupt:
    """DIP submissions in scope are corrupted on the wire, so they fail level-1 validation."""

    kind: ClassVar[str] = "corrupt"
    probability: float = attrs.field(validator=_probability)
    scope: Scope = Scope(network="DIP")
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class DipOutage:
    """The DIP is down: submissions are refused (HTTP 503) and publications wait for its return."""

    kind: ClassVar[str] = "dip_outage"
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class WebhookDown:
    """``participant``'s webhook is down: the DIP retries, then marks ``RetriesExhausted``."""

    kind: ClassVar[str] = "webhook_down"
    participant: str
    retries: int = 3
    retry_interval: timedelta = timedelta(minutes=10)
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class Partition:
    """Messages from ``side_a`` to ``side_b`` (and back unless ``one_way``) are dropped."""

    kind: ClassVar[str] = "partition"
    side_a: frozenset[str]
    side_b: frozenset[str]
    one_way: bool = False
    window: Window = Window()

    def cuts(self, sender: str, recipient: str) -> bool:
        """Whether the partition separates ``sender`` from ``recipient``."""
        forward = sender in self.side_a and recipient in self.side_b
        backward = sender in self.side_b and recipient in self.side_a
        return forward or (backward and not self.one_way)


@attrs.frozen(kw_only=True, slots=True)
class Slow:
    """``participant`` takes ``seconds`` longer to receive each message (a slow system)."""

    kind: ClassVar[str] = "slow"
    participant: str
    seconds: float = attrs.field(validator=_non_negative)
    window: Window = Window()


@attrs.frozen(kw_only=True, slots=True)
class ClockSkew:
    """``participant``'s clock runs ``seconds`` ahead (negative: behind) of true time."""

    kind: ClassVar[str] = "clock_skew"
    participant: str
    seconds: float


RestartMode = Literal["keep", "lose", "none"]


@attrs.frozen(kw_only=True, slots=True)
class RestartPolicy:
    """How a crashed participant comes back: with its state, rebuilt without it, or not at all.

    At most ``max_restarts`` restarts within ``within``; one more crash inside
    that span stops the run (the supervisor gives up, and says so).
    """

    mode: RestartMode = attrs.field(
        default="keep", validator=attrs.validators.in_(("keep", "lose", "none"))
    )
    max_restarts: int = 3
    within: timedelta = timedelta(hours=24)
    delay: timedelta = timedelta(minutes=5)


@attrs.frozen(kw_only=True, slots=True)
class Crash:
    """``participant`` crashes at ``at`` and restarts (or not) as ``restart`` says."""

    kind: ClassVar[str] = "crash"
    participant: str
    at: datetime
    restart: RestartPolicy = RestartPolicy()


Fault = (
    Loss
    | Delay
    | Duplicate
    | Reorder
    | Corrupt
    | DipOutage
    | WebhookDown
    | Partition
    | Slow
    | ClockSkew
    | Crash
)


@attrs.frozen(kw_only=True)
class FaultPlan:
    """The faults of one experiment, and the restart policy for participants that crash on a bug.

    ``bug_restart`` applies when a participant's handler raises (a bug, not a
    planned crash): ``None`` means no supervision, so the run stops.
    """

    faults: tuple[Fault, ...] = ()
    bug_restart: RestartPolicy | None = None

    def of_kind(self, kind: str) -> tuple[Fault, ...]:
        """The plan's faults of one kind (``loss``, ``crash`` ...)."""
        return tuple(fault for fault in self.faults if fault.kind == kind)


#: Every kind of fault a plan may name, and the class that models it.
FAULT_TYPES: Final[Mapping[str, type]] = {
    "loss": Loss,
    "delay": Delay,
    "duplicate": Duplicate,
    "reorder": Reorder,
    "corrupt": Corrupt,
    "dip_outage": DipOutage,
    "webhook_down": WebhookDown,
    "partition": Partition,
    "slow": Slow,
    "clock_skew": ClockSkew,
    "crash": Crash,
}
_SCOPE_KEYS: Final = ("network", "message", "sender", "recipient", "participant")


_T = TypeVar("_T")
_RESTART_MODES: Final = get_args(RestartMode)
_DISTRIBUTIONS: Final = ("fixed", "uniform", "exponential")


def _one_of(value: str, allowed: Sequence[str], where: str) -> str:
    if value not in allowed:
        raise ScenarioError(f"{where} = {value!r}: use one of {', '.join(allowed)}")
    return value


def _in(where: str, key: str, read: Callable[[], _T]) -> _T:
    """``read()``, its :class:`ScenarioError` prefixed with the fault and key it is about."""
    try:
        return read()
    except ScenarioError as error:
        raise ScenarioError(f"{where}.{key}: {error}") from None


def _restart(data: object, where: str) -> RestartPolicy:
    if not isinstance(data, Mapping):
        raise ScenarioError(
            f'{where} = {data!r}: write a table, e.g. {{ mode = "keep", delay_minutes = 5 }}'
        )
    allowed = {"mode", "max_restarts", "within_hours", "delay_minutes"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    values = {key: checked("restart", key, value, where) for key, value in data.items()}
    fields: dict[str, Any] = {}
    if "mode" in values:
        fields["mode"] = _one_of(values["mode"], _RESTART_MODES, f"{where}.mode")
    if "max_restarts" in values:
        fields["max_restarts"] = values["max_restarts"]
    if "within_hours" in values:
        fields["within"] = timedelta(hours=values["within_hours"])
    if "delay_minutes" in values:
        fields["delay"] = timedelta(minutes=values["delay_minutes"])
    return RestartPolicy(**fields)


def _fault(data: Mapping[str, Any], anchor: WindowAnchor, where: str) -> Fault:  # noqa: PLR0912  (one branch per kind-specific key)
    table = dict(data)
    kind = table.pop("kind", None)
    if kind not in FAULT_TYPES:
        raise ScenarioError(f"{where}.kind = {kind!r}: use one of {', '.join(FAULT_TYPES)}")
    cls = FAULT_TYPES[kind]
    table = {
        key: value if key == "restart" else checked(kind, key, value, where)
        for key, value in table.items()
    }
    names = {a.name for a in attrs.fields(cls)} - {"kind"}
    fields: dict[str, Any] = {}
    if "distribution" in table:
        _one_of(table["distribution"], _DISTRIBUTIONS, f"{where}.distribution")
    if "window" in table:
        if "window" not in names:
            raise ScenarioError(f"{where}: a {kind} fault has no window")
        fields["window"] = _in(where, "window", lambda: Window.parse(table.pop("window"), anchor))
    scope = {key: table.pop(key) for key in _SCOPE_KEYS if key in table and "scope" in names}
    if scope:
        fields["scope"] = Scope(**scope)
    if kind == "partition":
        fields["side_a"] = frozenset(table.pop("between", ()))
        fields["side_b"] = frozenset(table.pop("and", ()))
        if not fields["side_a"] or not fields["side_b"]:
            raise ScenarioError(
                f'{where}: a partition needs both sides, e.g. between = ["NHHDC-NDCE"] and '
                'and = ["SUP-LGSB"] (participant ids)'
            )
        names = (names - {"side_a", "side_b"}) | {"between", "and"}
    if kind == "crash":
        if "at" not in table:
            raise ScenarioError(f"{where}: a crash needs 'at', e.g. at = \"day 2 10:00\"")
        fields["at"] = _in(where, "at", lambda: parse_instant(table.pop("at"), anchor))
        fields["restart"] = _restart(table.pop("restart", {}), f"{where}.restart")
    if kind == "webhook_down":
        if "retry_interval" in table:
            raise ScenarioError(f"{where}: write retry_interval_minutes = 10 (a number of minutes)")
        if "retry_interval_minutes" in table:
            fields["retry_interval"] = timedelta(minutes=table.pop("retry_interval_minutes"))
    unknown = sorted(set(table) - names)
    if unknown:
        raise ScenarioError(
            f"{where}: unknown key(s) {unknown} for a {kind} fault; "
            f"allowed: {sorted(names | set(_SCOPE_KEYS) | {'window'})}"
        )
    fields.update(table)
    try:
        fault: Fault = cls(**fields)
    except (TypeError, ValueError) as error:
        raise ScenarioError(f"{where} ({kind}): {error}") from error
    return fault


def plan_from_mapping(data: Mapping[str, Any], anchor: WindowAnchor) -> FaultPlan:
    """A plan from parsed TOML: ``[[fault]]`` tables and an optional ``[bug_restart]``."""
    unknown = sorted(set(data) - {"fault", "bug_restart"})
    if unknown:
        raise ScenarioError(
            f"fault plan: unknown key(s) {unknown}; use [[fault]] and [bug_restart]"
        )
    faults: Sequence[Mapping[str, Any]] = data.get("fault", [])
    bug = data.get("bug_restart")
    return FaultPlan(
        faults=tuple(_fault(f, anchor, f"fault[{i}]") for i, f in enumerate(faults)),
        bug_restart=_restart(bug, "bug_restart") if bug is not None else None,
    )


def load_fault_plan(path: Path, anchor: WindowAnchor) -> FaultPlan:
    """Read a TOML fault plan; errors name the file, the fault and the rule."""
    try:
        data = read_toml(path, SCENARIO_FILE)
    except InputError as error:
        raise ScenarioError(str(error)) from None
    try:
        return plan_from_mapping(data, anchor)
    except ScenarioError as error:
        raise ScenarioError(f"{path}: {error}") from error
