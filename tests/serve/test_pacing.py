"""Lockstep and real-clock pacing of a served market."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio

from market.serve.session import ServeOptions
from tests.serve.support import Received, Receiver, Signer, default_setup, served

pytestmark = pytest.mark.slow


class AnswersLater:
    """An LDSO system that, 50 ms after answering its first D-flow, sends one of its own."""

    def __init__(self, keys: Path) -> None:
        self.keys = keys
        self.nursery: trio.Nursery | None = None
        self.sent: list[tuple[int, Any]] = []
        self.prompted_by: dict[str, Any] | None = None

    async def __call__(self, receiver: Receiver, received: Received) -> int | None:
        if received.path != "/dtn" or self.prompted_by is not None:
            return None
        self.prompted_by = received.json()
        assert self.nursery is not None
        self.nursery.start_soon(self._follow_up, receiver.dip_url)
        return None

    async def _follow_up(self, dip_url: str) -> None:
        await trio.sleep(0.05)  # after the webhook was answered: only the quiet interval waits
        body = b'{"flow": "D9999"}'
        url = f"{dip_url}/dtn"
        async with httpx.AsyncClient() as client:
            response = await client.post(
                url, content=body, headers=Signer.of(self.keys, "LDSO-19").headers(url, body)
            )
        self.sent.append((response.status_code, response.json()))


async def _run_with_follow_up(keys: Path, quiet: float) -> tuple[Any, AnswersLater]:
    later = AnswersLater(keys)
    receiver = Receiver(behaviour=later)
    async with trio.open_nursery() as nursery:
        later.nursery = nursery
        result = await served(
            default_setup(mpans=2),
            {"LDSO-19": receiver},
            keys,
            ServeOptions(until_done=True, timeout=60, quiet_seconds=quiet),
        )
    return result, later


def test_lockstep_holds_virtual_time_while_the_system_is_not_yet_quiet(tmp_path: Path) -> None:
    result, later = trio.run(_run_with_follow_up, tmp_path, 0.5)
    assert later.sent and later.sent[0][0] == 400  # an unknown flow: refused, with its path
    assert "D9999" in later.sent[0][1]["help"]
    journal = list(result.result.journal)
    delivered = next(
        e
        for e in journal
        if e.kind == "delivered" and e.recipient == "LDSO-19" and e.network == "DTN"
    )
    follow_up = next(
        e
        for e in journal
        if e.kind == "state_changed" and e.detail.get("event") == "external_input"
    )
    # The system took 50 ms of wall clock to answer; virtual time did not move meanwhile.
    assert follow_up.at == delivered.at
    assert result.stopped == "done" and result.result.verdict.ok


def test_the_real_clock_paces_virtual_time_by_the_wall_clock(tmp_path: Path) -> None:
    setup = default_setup(mpans=1)
    started = time.perf_counter()
    result = trio.run(
        served,
        setup,
        {"LDSO-19": Receiver()},
        tmp_path,
        ServeOptions(until_done=True, timeout=60, clock="real", time_scale=2_000_000),
    )
    wall = time.perf_counter() - started
    span = (result.result.statistics.stopped_at - setup.start_at).total_seconds()
    assert result.result.verdict.ok and result.stopped == "done"
    assert span > 100_000  # the run covers days of virtual time ...
    assert wall >= span / 2_000_000 * 0.9  # ... and the wall clock paced it (never faster)
