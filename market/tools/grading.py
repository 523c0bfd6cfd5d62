"""Grading a learner's participant: run scenarios with it in the market, say what it got wrong.

The exercises of ``docs/guide/`` ask a learner to write the incoming NHH data
collector. :func:`grade` builds each scenario's market twice with the market
builder (``actors.markets.default:build_market``, loaded by name because ``market``
never imports ``actors``): once as built, for reference, and once with the
participant ``NHHDC-NDCE`` swapped for the learner's class, constructed with
the same identity. Nothing else changes (ARCHITECTURE rule 1: replacing a
participant needs no change elsewhere).

Then it compares what the data collector sent in the two runs, message by
message (which D-flow, to whom, with which data items), and reads the
checkers' verdict on the learner's run. Findings are in the learner's terms:
which step never happened, what the DC should have sent to whom, which item
was wrong, which message made its code raise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from market.byo.replace import play_participants
from market.checks import format_verdict
from market.kernel.event_kinds import EventKind
from market.kernel.exceptions import ParticipantCrashedError
from market.participant import Participant, ParticipantIdentity
from market.process.model import step_by_id
from market.process.options import ProcessOptions
from market.process.scenario import MarketSetup
from market.process.scenario_spec import DecisionRates, ScenarioSpec
from market.runtime.simulation import Simulation, journal_dicts

#: The participant the exercises replace: the incoming NHH data collector of the built-in market.
DATA_COLLECTOR: Final = "NHHDC-NDCE"
#: Numeric data items compared with this tolerance (kWh), the others exactly.
TOLERANCE_KWH: Final = Decimal("0.01")

MarketBuilder = Callable[[ScenarioSpec], MarketSetup]
LearnerFactory = Callable[[ParticipantIdentity], Participant]


@attrs.frozen(kw_only=True, slots=True)
class GradingScenario:
    """One scenario a learner's data collector must handle, and the exercise it tests."""

    name: str
    exercises: str
    title: str
    spec: ScenarioSpec


def _spec(**fields: Any) -> ScenarioSpec:
    return ScenarioSpec(seed=fields.pop("seed", 2026), mpans=fields.pop("mpans", 2), **fields)


#: The scenarios ``market grade`` runs, in exercise order.
SCENARIOS: Final = (
    GradingScenario(
        name="traditional",
        exercises="1–2",
        title="a traditional meter: accept the appointment, settle the customer's reading",
        spec=_spec(variants={"T": 1.0}),
    ),
    GradingScenario(
        name="smart",
        exercises="1–2",
        title="a smart meter: the change-of-supply read comes from DCC via the supplier",
        spec=_spec(variants={"S": 1.0}),
    ),
    GradingScenario(
        name="no-customer-read",
        exercises="3",
        title="no customer reading (D9): deem one at the cut-off",
        spec=_spec(variants={"T": 1.0}, decisions=DecisionRates(no_customer_read=1.0)),
    ),
    GradingScenario(
        name="never-migrated",
        exercises="4",
        title="an MPAN that never migrated (COS-L): ask the old DC for the reading history",
        spec=_spec(variants={"T": 1.0}, decisions=DecisionRates(legacy_mpan=1.0)),
    ),
    GradingScenario(
        name="no-b096",
        exercises="4",
        title="de-appointment without B096 (D5): ask the outgoing Smart Data Service with D0170",
        spec=_spec(
            variants={"T": 1.0},
            options=ProcessOptions(deappoint_waits_for_legacy_agents=False),
        ),
    ),
)


@attrs.frozen(kw_only=True, slots=True)
class ScenarioGrade:
    """How the learner's participant did in one scenario: passed, or what is wrong."""

    scenario: GradingScenario
    findings: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """No finding: the learner's DC sent what the reference DC sent and every check passed."""
        return not self.findings


@attrs.frozen(kw_only=True, slots=True)
class Grade:
    """The grade over every scenario."""

    learner: str
    scenarios: tuple[ScenarioGrade, ...]

    @property
    def passed(self) -> bool:
        """Whether every scenario passed."""
        return all(scenario.passed for scenario in self.scenarios)


def swap_participant(
    setup: MarketSetup, participant_id: str, factory: LearnerFactory
) -> MarketSetup:
    """``setup`` with ``participant_id`` replaced by ``factory(its identity)``."""
    participants = list(setup.participants)
    for index, participant in enumerate(participants):
        if participant.participant_id == participant_id:
            participants[index] = factory(participant.identity)
            return attrs.evolve(setup, participants=participants)
    raise LookupError(f"the market has no participant {participant_id} to replace")


@attrs.frozen(kw_only=True, slots=True)
class _Sent:
    """One message the data collector sent, as the journal shows it."""

    mpan: str
    message: str
    recipient: str
    step: str | None
    items: Mapping[str, Any]
    dead_letter: str | None = None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sent_by(events: Iterable[Mapping[str, Any]], participant_id: str) -> list[_Sent]:
    sent = []
    for event in events:
        if event.get("sender") != participant_id or event.get("mpan") is None:
            continue
        flow = _mapping(event.get("flow"))
        items = _mapping(flow.get("items"))
        if event.get("kind") == EventKind.DELIVERED:
            sent.append(
                _Sent(
                    mpan=str(event["mpan"]),
                    message=str(event.get("message")),
                    recipient=str(event.get("recipient")),
                    step=event.get("step"),
                    items=items,
                )
            )
        elif event.get("kind") == EventKind.DEAD_LETTERED:
            to = _mapping(flow.get("to"))
            sent.append(
                _Sent(
                    mpan=str(event["mpan"]),
                    message=str(event.get("message")),
                    recipient=f"{to.get('role')}/{to.get('mpid')}",
                    step=None,
                    items=items,
                    dead_letter=str((event.get("detail") or {}).get("reason")),
                )
            )
    return sent


def _why(step: str | None) -> str:
    if step is None:
        return ""
    try:
        return f" (step {step}: {step_by_id(step).meaning})"
    except KeyError:
        return f" (step {step})"


def _same(expected: object, actual: object) -> bool:
    if expected == actual:
        return True
    try:
        return abs(Decimal(str(expected)) - Decimal(str(actual))) <= TOLERANCE_KWH
    except (InvalidOperation, ValueError):
        return False


def _merged(found: Iterable[tuple[str, str]]) -> list[str]:
    """``(MPAN, finding)`` pairs as findings, each once, with the MPANs it applies to."""
    mpans: dict[str, list[str]] = {}
    for mpan, text in found:
        if mpan not in mpans.setdefault(text, []):
            mpans[text].append(mpan)
    return [f"MPAN {', '.join(where)}: {text}" for text, where in mpans.items()]


def compare_sent(expected: Sequence[_Sent], actual: Sequence[_Sent]) -> list[str]:
    """What the learner's DC sent differently from the reference DC, message by message."""
    found: list[tuple[str, str]] = [
        (s.mpan, f"your {s.message} to {s.recipient} reached nobody: {s.dead_letter}")
        for s in actual
        if s.dead_letter is not None
    ]
    delivered = [s for s in actual if s.dead_letter is None]
    wanted = Counter((s.mpan, s.message, s.recipient) for s in expected)
    got = Counter((s.mpan, s.message, s.recipient) for s in delivered)
    steps = {(s.mpan, s.message, s.recipient): s.step for s in [*expected, *delivered]}
    for key in sorted(wanted.keys() | got.keys()):
        mpan, message, recipient = key
        if got[key] == 0:
            text = f"your data collector never sent {message} to {recipient}{_why(steps[key])}"
        elif wanted[key] == 0:
            text = (
                f"your data collector sent {message} to {recipient}, which the process does "
                "not call for here"
            )
        elif got[key] != wanted[key]:
            text = (
                f"your data collector sent {message} to {recipient} {got[key]} times; "
                f"expected {wanted[key]}"
            )
        else:
            continue
        found.append((mpan, text))
    by_key = {(s.mpan, s.message, s.recipient): s for s in delivered}
    for reference in expected:
        mine = by_key.get((reference.mpan, reference.message, reference.recipient))
        if mine is None:
            continue
        found.extend(
            (
                reference.mpan,
                f"your {reference.message} to {reference.recipient} says {item} = "
                f"{mine.items.get(item)!r}; expected {value!r}",
            )
            for item, value in reference.items.items()
            if not _same(value, mine.items.get(item))
        )
    return _merged(found)


_SUMMARY_LINE: Final = re.compile(r"^\S+: \d+ completed, \d+ stuck$")


def _verdict_findings(lines: Iterable[str], participant_id: str) -> list[str]:
    """The checkers' problem lines, naming the learner's participant as theirs."""
    yours = f"your data collector ({participant_id})"
    return [
        f"checker: {line.replace(participant_id, yours)}"
        for line in lines
        if not line.startswith("verdict:") and not _SUMMARY_LINE.match(line)
    ]


def grade_scenario(
    scenario: GradingScenario,
    factory: LearnerFactory,
    *,
    build_market: MarketBuilder,
    participant_id: str = DATA_COLLECTOR,
) -> ScenarioGrade:
    """Run one scenario with the reference market and with the learner's participant; compare."""

    def market() -> MarketSetup:  # a fresh one per run: participants keep state
        return play_participants(build_market(scenario.spec), scenario.spec.participants)

    reference = Simulation(market()).run_sync()
    expected = _sent_by(journal_dicts(reference.journal), participant_id)
    try:
        setup = swap_participant(market(), participant_id, factory)
    except (TypeError, ValueError) as error:
        return ScenarioGrade(
            scenario=scenario,
            findings=(f"your class could not be built with the DC's identity: {error}",),
        )
    simulation = Simulation(setup)
    findings: list[str] = []
    try:
        result = simulation.run_sync()
    except ParticipantCrashedError as crash:
        cause = crash.__cause__
        findings.append(
            f"your data collector raised {type(cause).__name__}: {cause} "
            f"({str(crash).removeprefix(f'participant {participant_id} crashed ')})"
        )
        actual = _sent_by(journal_dicts(simulation.journal), participant_id)
        findings.extend(f for f in compare_sent(expected, actual) if "never sent" in f)
        return ScenarioGrade(scenario=scenario, findings=tuple(findings))
    actual = _sent_by(journal_dicts(result.journal), participant_id)
    findings.extend(compare_sent(expected, actual))
    if not result.verdict.ok:
        findings.extend(_verdict_findings(format_verdict(result.verdict), participant_id))
    return ScenarioGrade(scenario=scenario, findings=tuple(findings))


def grade(
    factory: LearnerFactory,
    *,
    build_market: MarketBuilder,
    learner: str = "your data collector",
    scenarios: Sequence[GradingScenario] = SCENARIOS,
) -> Grade:
    """Grade ``factory``'s participant on every scenario (see the module docstring)."""
    return Grade(
        learner=learner,
        scenarios=tuple(
            grade_scenario(scenario, factory, build_market=build_market) for scenario in scenarios
        ),
    )


def _exercises(scenario: GradingScenario) -> str:
    plural = "s" if "–" in scenario.exercises else ""
    return f"exercise{plural} {scenario.exercises}"


def format_grade(result: Grade) -> list[str]:
    """Console lines: one per scenario (PASS / FAIL), each finding under its scenario, a total."""
    lines = [f"Grading {result.learner} as {DATA_COLLECTOR}, the incoming NHH data collector"]
    for scenario in result.scenarios:
        mark = "PASS" if scenario.passed else "FAIL"
        lines.append(
            f"{mark}  {scenario.scenario.name} ({_exercises(scenario.scenario)}): "
            f"{scenario.scenario.title}"
        )
        lines.extend(f"      - {finding}" for finding in scenario.findings)
    passed = sum(s.passed for s in result.scenarios)
    lines.append(f"{passed} of {len(result.scenarios)} scenarios passed")
    return lines
