"""Re-run a served market without the real systems: their recorded inputs stand in for them.

A served run's journal holds everything that came from outside: each real
system's onboarding (callback URL, certificate, and the market's own
arguments) and every input, with the point of the run it was taken at (how
many times the runtime had asked its pacer before a batch) and its instant
(:mod:`market.serve.port`). :func:`replay` builds the same market, with
stand-ins whose calls go nowhere, and feeds each input through the same port
functions at the same point. Nothing else is random or timed, so a
replay is deterministic: the same journal gives the same digest every time,
and the digest of the run it recorded when that run was complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from market.kernel.broker import Broker
from market.kernel.exceptions import ParticipantCrashedError, ScenarioError, UsageError
from market.messages.dip.transport import DipRequest
from market.networks.dip_defences import RateLimit
from market.process.scenario import MarketSetup
from market.runtime.simulation import RunResult, Simulation, partial_result
from market.serve.onboarding import (
    External,
    certificate_of_header,
    check_playable,
    market_fingerprint,
)
from market.serve.outlet import Outlet
from market.serve.port import INPUT_EVENT, ONBOARDED_EVENT, Port, Turn, body_of
from market.serve.session import Relay, with_stand_ins


@attrs.frozen(kw_only=True)
class RecordedInput:
    """One input from outside, as the journal recorded it."""

    participant: str
    at: datetime
    data: Mapping[str, Any]

    @property
    def point(self) -> int:
        """The point of the run it was taken at."""
        return int(self.data["point"])


@attrs.frozen(kw_only=True)
class Recording:
    """What a served run's journal says came from outside it."""

    market: Mapping[str, Any]
    onboarded: Mapping[str, Mapping[str, Any]]
    inputs: tuple[RecordedInput, ...]


def _detail(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if event.get("kind") != "state_changed":
        return None
    detail = event.get("detail")
    return detail if isinstance(detail, Mapping) else None


def read_recording(events: Sequence[Mapping[str, Any]], where: str) -> Recording:
    """The onboarding and inputs in a journal's events; exit 2 if it recorded no served run."""
    onboarded: dict[str, Mapping[str, Any]] = {}
    inputs: list[RecordedInput] = []
    for number, event in enumerate(events, start=1):
        detail = _detail(event)
        if detail is None or detail.get("event") not in (ONBOARDED_EVENT, INPUT_EVENT):
            continue
        pid = event.get("sender")
        data = {k: v for k, v in detail.items() if k != "event"}
        if not isinstance(pid, str):
            raise UsageError(f"{where}: event {number}: an external input without a sender")
        if detail["event"] == ONBOARDED_EVENT:
            if not isinstance(data.get("certificate"), str) or not isinstance(
                data.get("market"), Mapping
            ):
                raise UsageError(
                    f"{where}: event {number}: {ONBOARDED_EVENT} needs a certificate and the "
                    "market's arguments"
                )
            onboarded[pid] = data
            continue
        try:
            at = datetime.fromisoformat(str(event.get("at")))
            int(data["point"])
            kind = data["input"]
        except (KeyError, TypeError, ValueError) as error:
            raise UsageError(
                f"{where}: event {number}: an {INPUT_EVENT} record needs an instant, a point and "
                f"an input kind ({type(error).__name__}: {error})"
            ) from error
        if kind not in _APPLY:
            raise UsageError(
                f"{where}: event {number}: input kind {kind!r} is not one of "
                f"{', '.join(sorted(_APPLY))}"
            )
        inputs.append(RecordedInput(participant=pid, at=at, data=data))
    if not onboarded:
        raise UsageError(
            f"{where}: no {ONBOARDED_EVENT} record: no real system took part in this run "
            "(market serve --external ID=URL --journal PATH records one); a run without one "
            "replays as market run does, from its seed"
        )
    first = next(iter(onboarded.values()))
    return Recording(market=first["market"], onboarded=onboarded, inputs=tuple(inputs))


class ReplayTurn(Turn):
    """Paces a replay: at point ``n``, the inputs recorded at point ``n``, in their order."""

    def __init__(self, broker: Broker, inputs: Sequence[RecordedInput]) -> None:
        self.broker = broker
        self._inputs = list(reversed(inputs))
        self._point = 0
        self._at: datetime | None = None
        self.port: Port | None = None
        #: Why the replay could not follow its recording (``None`` while it does).
        self.diverged: str | None = None

    @property
    def point(self) -> int:
        """The point the input being applied was taken at."""
        return self._point

    def input_instant(self) -> datetime | None:
        """The instant the input being applied was taken at."""
        return self._at

    async def before_batch(self, batches: int) -> bool:
        """Apply what came in at this point; ``False`` once nothing is left to do."""
        self._point += 1
        assert self.port is not None
        inputs = self._inputs
        while inputs and inputs[-1].point == self._point:
            recorded = inputs.pop()
            self._at = recorded.at
            _APPLY[str(recorded.data["input"])](self.port, recorded)
        self._at = None
        due = self.broker.next_due_at()
        if inputs and (inputs[-1].point < self._point or due is None):
            self.diverged = (
                f"{len(inputs)} inputs recorded at point {inputs[-1].point} and later were not "
                f"taken (the replay is at point {self._point} after {batches} batches, "
                f"{'with nothing left to deliver' if due is None else 'past them'}): the market "
                "replayed is not the one recorded"
            )
            return False
        return due is not None


def _apply_dip(port: Port, recorded: RecordedInput) -> None:
    data = dict(recorded.data)
    headers = data.get("headers")
    request = DipRequest(
        url=str(data.get("url", "")),
        body=body_of(data),
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {},
        method=str(data.get("method", "POST")),
    )
    port.apply_dip(recorded.participant, request, data)


def _apply_checked(port: Port, recorded: RecordedInput) -> None:
    port.apply_checked(recorded.participant, dict(recorded.data))


def _apply_webhook(port: Port, recorded: RecordedInput) -> None:
    port.apply_webhook(recorded.participant, dict(recorded.data))


_APPLY: dict[str, Callable[[Port, RecordedInput], None]] = {
    "dip": _apply_dip,
    "dtn": _apply_checked,
    "css": _apply_checked,
    "statusmessage": _apply_checked,
    "webhook": _apply_webhook,
}


def externals_of(recording: Recording, setup: MarketSetup) -> tuple[External, ...]:
    """The recorded real systems, as the market being replayed knows them."""
    externals = []
    for pid, data in sorted(recording.onboarded.items()):
        identity = check_playable(setup.participants, pid)
        try:
            certificate = certificate_of_header(str(data["certificate"]), identity.dip_id or pid)
        except ValueError as error:
            raise UsageError(f"the certificate recorded for {pid} is not one: {error}") from error
        externals.append(
            External(
                identity=identity,
                callback_url=str(data.get("callback_url", "")),
                certificate=certificate,
            )
        )
    return tuple(externals)


def rate_limit_args(limit: RateLimit | None) -> dict[str, float] | None:
    """How the journal records the external participants' rate limit."""
    if limit is None:
        return None
    return {"requests": limit.requests, "seconds": limit.per.total_seconds()}


def rate_limit_of(recorded: object) -> RateLimit | None:
    """The rate limit :func:`rate_limit_args` recorded; exit 2 if it is not one."""
    if recorded is None:
        return None
    try:
        assert isinstance(recorded, Mapping)
        return RateLimit(
            requests=int(recorded["requests"]), per=timedelta(seconds=float(recorded["seconds"]))
        )
    except (AssertionError, KeyError, TypeError, ValueError, ScenarioError) as error:
        raise UsageError(f"the recorded rate limit {recorded!r} is not one ({error})") from error


@attrs.frozen(kw_only=True)
class ReplayResult:
    """A replayed run, and whether it kept to its recording."""

    result: RunResult
    diverged: str | None
    inputs: int


def replay(setup: MarketSetup, recording: Recording) -> ReplayResult:
    """Re-run ``setup`` (the recorded market) with the recorded inputs; see the module."""
    recorded = recording.market.get("fingerprint")
    rebuilt = market_fingerprint(setup.participants, setup.population)
    if recorded != rebuilt:
        raise UsageError(
            f"the market rebuilt from the recorded arguments ({dict(recording.market)}) is not "
            f"the one recorded: its participants and MPANs digest to {rebuilt}, the recording's "
            f"to {recorded}; replay with the scenario and fault files the run was served with, "
            "at the paths it recorded"
        )
    externals = externals_of(recording, setup)
    limit = rate_limit_of(recording.market.get("rate_limit"))
    relay = Relay()
    simulation = Simulation(
        with_stand_ins(setup, {e.participant_id: e.callback_url for e in externals}, relay)
    )
    turn = ReplayTurn(simulation.broker, recording.inputs)
    port = Port(simulation.broker, externals, Outlet(externals, None), turn)
    relay.port = port
    turn.port = port
    simulation.runtime.pacer = turn
    if limit is not None:
        for external in externals:
            simulation.broker.gateway.rate_limits[external.participant_id] = limit
    port.onboard(recording.market)
    try:
        result = simulation.run_sync()
    except ParticipantCrashedError as crash:
        result = partial_result(crash)
    return ReplayResult(result=result, diverged=turn.diverged, inputs=len(recording.inputs))
