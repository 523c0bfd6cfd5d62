"""Hostile calls to the served DIP: each is refused with its status and code, the market goes on.

One served market, four real systems (MDS, LDSO-19, SUP-MHSA, SUP-MHSB, all in-process
receivers). On its first publication the MDS's system makes every hostile call
while the market stands still (lockstep), then the run goes on; every MPAN must
still complete.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from market.cli.check import read_journal_file
from market.cli.common import write_journal
from market.cli.main import main
from market.networks.dip_defences import RateLimit
from market.participant import ParticipantIdentity
from market.serve.session import ServeOptions, ServeResult
from tests.serve.support import (
    Received,
    Receiver,
    Signer,
    default_setup,
    served,
    supplier_update,
)

pytestmark = pytest.mark.slow

NOT_IN_THE_MARKET = "1900000000013"  # a valid MPAN core the DIP's register does not hold


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> Any:
    response = await client.post(url, content=body, headers=headers)
    return response.status_code, response.json()


class Hostile:
    """The MDS's system: on its first publication, every hostile call; the answers kept."""

    def __init__(
        self, keys: Path, supplier: ParticipantIdentity, rival: ParticipantIdentity
    ) -> None:
        self.keys = keys
        self.supplier = supplier
        self.rival = rival
        self.answers: dict[str, Any] = {}

    async def __call__(self, receiver: Receiver, received: Received) -> int | None:
        if self.answers or not receiver.publications():
            return None
        self.answers["started"] = True
        base = receiver.dip_url
        channel = f"{base}/dip-channel/IF-003"
        mds = Signer.of(self.keys, "MDS")
        ldso = Signer.of(self.keys, "LDSO-19")
        supplier = Signer.of(self.keys, "SUP-MHSA")
        publication = received.json()[0]["payload"]
        del publication["CommonBlock"]["D0"]
        regs_body = json.dumps([{"payload": publication}]).encode()
        async with httpx.AsyncClient() as client:
            answers = self.answers
            answers["unsigned"] = await _post(client, channel, regs_body, {})
            headers = mds.headers(channel, regs_body)
            answers["tampered"] = await _post(client, channel, regs_body + b" ", headers)
            answers["other"] = await _post(
                client, channel, regs_body, ldso.headers(channel, regs_body)
            )
            huge = b"[" + b" " * (1024 * 1024 + 10) + b"]"
            answers["oversize"] = await _post(client, channel, huge, mds.headers(channel, huge))
            broken = b'[{"payload": '
            answers["broken"] = await _post(client, channel, broken, mds.headers(channel, broken))
            wrong = b'[{"payload": 5}]'
            answers["wrong"] = await _post(client, channel, wrong, mds.headers(channel, wrong))
            answers["burst"] = [
                (await _post(client, channel, b"[]", ldso.headers(channel, b"[]")))[0]
                for _ in range(4)
            ]
            health = (await client.get(f"{base}/health")).json()
            at = datetime.fromisoformat(health["virtual_time"])
            if025 = f"{base}/dip-channel/IF-025"
            body, _ = supplier_update(self.supplier, at, NOT_IN_THE_MARKET)
            answers["not_appointed"] = await _post(
                client, if025, body, supplier.headers(if025, body)
            )
            # SUP-MHSB asks to change the supplier data of an MPAN SUP-MHSA supplies.
            theirs = publication["CommonBlock"]["M0"]["MPANCore"]
            self.answers["theirs"] = theirs
            rival_body, _ = supplier_update(self.rival, at, theirs)
            rival = Signer.of(self.keys, "SUP-MHSB")
            answers["not_its_own"] = await _post(
                client, if025, rival_body, rival.headers(if025, rival_body)
            )
            answers["wrong_channel"] = await _post(
                client, channel, body, supplier.headers(channel, body)
            )
            answers["get"] = (await client.get(channel)).status_code
            answers["nowhere"] = (await client.post(f"{base}/nowhere", content=b"x")).status_code
        return None


@pytest.fixture(scope="module")
def hostile_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ServeResult, Hostile, dict[str, Receiver]]:
    import trio

    keys = tmp_path_factory.mktemp("keys")
    setup = default_setup(mpans=6, seed=3)
    receivers = {pid: Receiver() for pid in ("MDS", "LDSO-19", "SUP-MHSA", "SUP-MHSB")}
    identities = {p.participant_id: p.identity for p in setup.participants}
    hostile = Hostile(keys, identities["SUP-MHSA"], identities["SUP-MHSB"])
    receivers["MDS"].behaviour = hostile
    options = ServeOptions(
        until_done=True,
        timeout=120,
        rate_limit=RateLimit(requests=4, per=timedelta(hours=1)),
    )
    market_args = {
        "scenario": None,
        "seed": 3,
        "mpans": 6,
        "variant": None,
        "faults": None,
        "signing": None,
        "rate_limit": {"requests": 4, "seconds": 3600.0},
    }
    result = trio.run(served, setup, receivers, keys, options, market_args)
    return result, hostile, receivers


def test_a_call_without_a_registered_certificate_is_401(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["unsigned"]
    assert status == 401 and body["message"].startswith("MSG1007")


def test_a_body_changed_after_signing_is_401_and_journalled(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["tampered"]
    assert status == 401
    assert body["messageArray"][0]["message"].startswith("MSG1009")
    rejected = [
        e
        for e in hostile_run[0].result.journal
        if e.kind == "rejected" and e.recipient == "MDS" and e.detail["code"] == "MSG1009"
    ]
    assert len(rejected) == 1 and "changed after signing" in rejected[0].detail["rule"]


def test_another_participants_certificate_is_403(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["other"]
    assert status == 403
    item = body["messageArray"][0]
    assert item["message"].startswith("MSG1008") and "LDSO-19" in item["help"]


def test_an_oversize_body_is_413(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["oversize"]
    assert status == 413 and body["messageArray"][0]["message"].startswith("MSG1010")


def test_malformed_json_is_400_with_the_json_path(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["broken"]
    assert status == 400 and body["messageArray"][0]["message"].startswith("MSG1001")
    status, body = hostile_run[1].answers["wrong"]
    assert status == 400 and body["messageArray"][0]["help"].startswith("$[0].payload")


def test_a_burst_over_the_rate_limit_is_429(hostile_run: Any) -> None:
    # LDSO-19 had used one of its four requests; the fourth of the burst is one too many.
    assert hostile_run[1].answers["burst"] == [400, 400, 400, 429]


def test_a_submission_for_an_mpan_not_its_own_is_refused_later(hostile_run: Any) -> None:
    status, _ = hostile_run[1].answers["not_appointed"]
    assert status == 201  # the DIP's level 1 does not know who serves an MPAN...
    statuses = [
        item
        for call in hostile_run[2]["SUP-MHSA"].calls
        if call.path == "/statusmessage"
        for item in call.json()
    ]
    assert any(s["message"].startswith("MSG1006") for s in statuses), statuses  # ...level 2 does


def test_a_supplier_data_update_for_another_suppliers_mpan_is_refused_by_regs(
    hostile_run: Any,
) -> None:
    status, _ = hostile_run[1].answers["not_its_own"]
    assert status == 201  # the DIP knows the MPAN; it does not know who may change what...
    statuses = [
        item
        for call in hostile_run[2]["SUP-MHSB"].calls
        if call.path == "/statusmessage"
        for item in call.json()
    ]
    assert [s["message"][:7] for s in statuses] == ["MSG1014"], statuses  # ...REGS does
    assert "is not the registered supplier" in statuses[0]["help"]
    theirs = hostile_run[1].answers["theirs"]
    refused = [
        e
        for e in hostile_run[0].result.journal
        if e.kind == "state_changed" and e.detail.get("event") == "supplier_data_update_refused"
    ]
    assert [e.mpan for e in refused] == [theirs]


def test_an_interface_posted_to_another_channel_is_refused(hostile_run: Any) -> None:
    status, body = hostile_run[1].answers["wrong_channel"]
    assert (
        status == 400
        and "post each interface to its own channel" in body["messageArray"][0]["help"]
    )


def test_wrong_methods_and_paths(hostile_run: Any) -> None:
    assert hostile_run[1].answers["get"] == 405
    assert hostile_run[1].answers["nowhere"] == 404


def test_the_market_completes_every_other_mpan_after_all_that(hostile_run: Any) -> None:
    result = hostile_run[0].result
    assert hostile_run[1].answers["started"]
    assert hostile_run[0].stopped == "done"
    others = [o for o in result.outcomes if o.mpan != NOT_IN_THE_MARKET]
    assert len(others) == 6 and all(o.completed for o in others)
    # The verdict is honest about the one the real system got wrong, and only that one.
    assert not result.verdict.ok
    failing = {c.mpan for c in result.verdict.conformance if not c.completed}
    assert failing == {NOT_IN_THE_MARKET}


def test_a_replay_of_the_recorded_run_gives_its_digest_every_time(
    hostile_run: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "served.jsonl"
    write_journal(hostile_run[0].result, recorded, signing="modelled")
    digests = []
    for attempt in range(2):
        replayed = tmp_path / f"replayed-{attempt}.jsonl"
        status = main(["run", "--replay", str(recorded), "--journal", str(replayed)])
        captured = capsys.readouterr()
        said = captured.out
        assert "the same as the recording's" in said, (status, said, captured.err)
        assert status == 1  # the recorded run's verdict (one MPAN refused) replays too
        digests.append(read_journal_file(replayed).digest)
    assert digests[0] == digests[1] == hostile_run[0].result.journal.digest()
    inputs = [
        e
        for e in hostile_run[0].result.journal
        if e.kind == "state_changed" and e.detail["event"] == "external_input"
    ]
    assert {e.detail["input"] for e in inputs} >= {"dip"} and len(inputs) >= 10
