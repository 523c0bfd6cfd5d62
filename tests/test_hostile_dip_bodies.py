"""Hostile DIP bodies: each one is a level-1 rejection (MSG1001) naming its path, never a crash."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from market.messages.dip import render_body
from market.networks.dip_defences import DEFAULT_DEFENCES
from market.networks.dip_gateway import Admission, DipGateway, GatewayRejection
from market.networks.dip_routing import default_routes
from tests.defences import MPAN, START, broker, context, directory, notification

Body = list[dict[str, Any]]


def _gateway() -> DipGateway:
    return DipGateway(
        directory=directory(),
        routes=default_routes(),
        defences=DEFAULT_DEFENCES,
        known_mpans=frozenset({MPAN}),
    )


def _valid_body() -> Body:
    body: Body = json.loads(render_body([notification(context(broker(), "REGS"))]))
    return body


def _s1(body: Body) -> dict[str, Any]:
    s1: dict[str, Any] = body[0]["payload"]["CommonBlock"]["S1"]
    return s1


def _timestamp(value: str) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        _s1(body)["senderTimestamp"] = value

    return change


def _publication(body: Body) -> None:
    body[0]["payload"]["CommonBlock"]["D0"] = {
        "transactionID": "T1",
        "transactionTimestamp": "2026-03-02T10:00:00+00:00",
        "publicationID": "PUB-999",
        "initialCorrelationID": None,
        "replayIndicator": False,
        "serviceTicketURL": None,
    }


TS = "$[0].payload.CommonBlock.S1.senderTimestamp"
CASES: dict[str, tuple[Callable[[Body], None] | bytes, str, str]] = {
    "year 1 with an offset": (_timestamp("0001-01-01T00:00:00+01:00"), TS, "year 1 is outside"),
    "year 9999": (_timestamp("9999-12-31T23:59:59-01:00"), TS, "year 9999 is outside"),
    "offset +00:99": (_timestamp("2026-03-02T10:00:00+00:99"), TS, "not a real one"),
    "offset +23:00": (_timestamp("2026-03-02T10:00:00+23:00"), TS, "not a real one"),
    "offset -13:00": (_timestamp("2026-03-02T10:00:00-13:00"), TS, "not a real one"),
    "offset +05:10": (_timestamp("2026-03-02T10:00:00+05:10"), TS, "not a real one"),
    "publicationID PUB-999": (_publication, "$[0].payload.CommonBlock.D0", "does not match"),
    "5000 nested arrays": (b"[" * 5000 + b"]" * 5000, "$", "nested deeper than 16 levels"),
    "17 nested arrays": (b"[" * 17 + b"]" * 17, "$", "nested deeper than 16 levels"),
    "an integer of 5000 digits": (b"[" + b"9" * 5000 + b"]", "$", "not valid JSON"),
    "a number out of range": (b"[1e999]", "$", "not valid JSON"),
    "invalid UTF-8": (b'["\xff"]', "$", "not valid JSON"),
    "a huge string": (b'["' + b"x" * 5000 + b'"]', "$[0]", "over the limit of 4096"),
}


def _body(case: Callable[[Body], None] | bytes) -> bytes:
    if isinstance(case, bytes):
        return case
    body = _valid_body()
    case(body)
    return json.dumps(body).encode()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_body_is_refused_at_level_one_with_its_path(name: str) -> None:
    case, path, rule = CASES[name]
    result = _gateway().admit("REGS", _body(case), at=START)
    if isinstance(result, Admission):
        (rejection,) = [v.rejection for v in result.verdicts if v.rejection is not None]
    else:
        rejection = result
    assert isinstance(rejection, GatewayRejection)
    assert (rejection.code.code, rejection.http_status) == ("MSG1001", 400), rejection
    assert rejection.path is not None and rejection.path.startswith(path), rejection
    assert rule in rejection.rule, rejection.rule


def test_the_valid_body_these_cases_start_from_is_admitted() -> None:
    result = _gateway().admit("REGS", json.dumps(_valid_body()).encode(), at=START)
    assert isinstance(result, Admission) and result.accepted
