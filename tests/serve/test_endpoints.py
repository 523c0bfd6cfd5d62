"""The served DIP's endpoints, one by one, against in-process real systems.

One served market (34 MPANs, seed 3) with four real systems, each an
in-process receiver whose behaviour calls the DIP while the market stands
still (lockstep):

* SUP-MHSA, on its first call, moves its IF-003 publications and its status
  messages to new URLs (``pubconfig``, ``/statusmessage/config``), tries both
  for others and with bad bodies, asks ``deliveryStatus`` about nothing, submits
  an IF-025 for an MPAN the DIP does not know and sends malformed D-flows and
  CSS messages; when the level-2 refusal reaches its new status URL it asks
  ``deliveryStatus`` again; on its first D0086 it disputes the reading (a D0300
  to the incoming supplier, who answers) and forges a flow from another party;
* MDS refuses its first IF-003 publication at level 3 (its webhook answers
  400), the second at level 4 (``POST /statusmessage``), and on its first
  IF-021 replays its IF-003 publications with every filter, and (signing as the
  EES's system, which got three IF-003 publications per MPAN) pages through
  more than a hundred;
* LDSO-19's webhook answers 503 to one publication until the outlet gives it
  up, then, on its next call, asks for a requeue (twice) and on a later one
  reads the requeue's status;
* EES only answers 201.

A second, small served market runs inside a DIP outage, so the supplier's
submission is refused with 503.
"""

from __future__ import annotations

import json
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import trio

from market.cli.check import read_journal_file
from market.cli.common import write_journal
from market.cli.main import main
from market.faults.plan import DipOutage, FaultPlan, Window
from market.messages.dip.status import DipStatusMessage
from market.participant import ParticipantIdentity
from market.serve.session import ServeOptions, ServeResult
from tests.serve.support import (
    Received,
    Receiver,
    Said,
    Signer,
    default_setup,
    served,
    supplier_update,
)

pytestmark = pytest.mark.slow

NOT_IN_THE_MARKET = "1900000000013"  # a valid MPAN core the DIP's register does not hold
MPANS = 34  # the EES gets three IF-003 publications per MPAN: over a hundred
RETRIES = 2  # the outlet's retries after the first attempt
SUP_DIP_ID = "2300000101"
MDS_DIP_ID = "1800000001"
LDSO_DIP_ID = "2500000019"
EES_DIP_ID = "2700000001"


async def _call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    signer: Signer | None,
    body: bytes = b"",
    *,
    signed_url: str | None = None,
    signed_method: str | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """Call the DIP as a real system does (signed over exactly ``url``): status, JSON, headers."""
    headers = (
        signer.headers(signed_url or url, body, signed_method or method)
        if signer is not None
        else {}
    )
    response = await client.request(method, url, content=body, headers=headers)
    return response.status_code, response.json(), dict(response.headers)


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _publication(received: Received) -> dict[str, Any] | None:
    """The envelope a publication call carries (``None``: not a publication)."""
    try:
        body = received.json()
    except ValueError:
        return None
    if isinstance(body, list) and body and isinstance(body[0], dict) and "payload" in body[0]:
        envelope: dict[str, Any] = body[0]["payload"]
        return envelope
    return None


def _transaction(envelope: dict[str, Any]) -> str:
    return str(envelope["CommonBlock"]["D0"]["transactionID"])


def _interface(envelope: dict[str, Any]) -> str:
    return str(envelope["CommonBlock"]["S0"]["interfaceID"])


async def _virtual_now(client: httpx.AsyncClient, base: str) -> datetime:
    health = (await client.get(f"{base}/health")).json()
    return datetime.fromisoformat(health["virtual_time"])


class System:
    """A real system's behaviour: what it answered and was answered; its own faults kept."""

    def __init__(self, keys: Path, pid: str) -> None:
        self.keys = keys
        self.pid = pid
        self.answers: dict[str, Any] = {}
        self.errors: list[str] = []
        self._client: httpx.AsyncClient | None = None
        self._begun: set[str] = set()
        self._signers: dict[str, Signer] = {}

    def once(self, step: str) -> bool:
        """True the first time only: concurrent webhook calls must not both take a step."""
        first = step not in self._begun
        self._begun.add(step)
        return first

    def signer(self, pid: str | None = None) -> Signer:
        """The signer of ``pid`` (by default this system's own); loading a key is slow."""
        pid = pid or self.pid
        if pid not in self._signers:
            self._signers[pid] = Signer.of(self.keys, pid)
        return self._signers[pid]

    async def __call__(self, receiver: Receiver, received: Received) -> Said:
        if self._client is None:  # one client for the run: making one costs milliseconds
            self._client = httpx.AsyncClient()
        try:
            return await self.handle(self._client, receiver.dip_url, received)
        except Exception:  # a failing behaviour must fail the tests, not just the webhook
            self.errors.append(traceback.format_exc())
            return None

    async def aclose(self) -> None:
        """Close the system's HTTP client."""
        if self._client is not None:
            await self._client.aclose()

    async def handle(self, client: httpx.AsyncClient, base: str, received: Received) -> Said:
        """Make this system's calls on ``received``; what to answer it."""
        raise NotImplementedError


class Supplier(System):
    """SUP-MHSA's system: moves its webhooks, submits, asks, disputes; see the module."""

    def __init__(self, keys: Path, identity: ParticipantIdentity) -> None:
        super().__init__(keys, "SUP-MHSA")
        self.identity = identity
        self.reference: str | None = None

    async def handle(self, client: httpx.AsyncClient, base: str, received: Received) -> Said:
        answers = self.answers
        own = f"http://{received.headers['host']}"
        me = self.signer()
        if self.once("first"):
            answers["first_path"] = received.path
            await self._first(client, base, own, me)
        if received.path == "/moved/status" and self.once("known_status"):
            url = f"{base}/dip-channel/IF-025/deliveryStatus/{SUP_DIP_ID}/{self.reference}"
            answers["known_status"] = await _call(client, "GET", url, me)
        is_reading = received.path == "/dtn" and received.json()["flow"] == "D0086"
        if is_reading and self.once("dispute"):
            await self._dispute(client, base, me, received.json())
        return None

    async def _first(self, client: httpx.AsyncClient, base: str, own: str, me: Signer) -> None:
        answers = self.answers
        pubconfig = f"{base}/dip-channel/IF-003/pubconfig/{SUP_DIP_ID}"
        moved = _json({"callbackURL": f"{own}/moved/if003"})
        answers["pubconfig"] = await _call(client, "POST", pubconfig, me, moved)
        others = f"{base}/dip-channel/IF-003/pubconfig/{MDS_DIP_ID}"
        answers["pubconfig_other"] = await _call(client, "POST", others, me, moved)
        answers["pubconfig_no_url"] = await _call(
            client, "POST", pubconfig, me, _json({"url": f"{own}/x"})
        )
        answers["pubconfig_ftp"] = await _call(
            client, "POST", pubconfig, me, _json({"callbackURL": "ftp://127.0.0.1/x"})
        )
        config = f"{base}/statusmessage/config/{SUP_DIP_ID}"
        answers["status_config"] = await _call(
            client, "POST", config, me, _json({"callbackURL": f"{own}/moved/status"})
        )
        answers["status_config_other"] = await _call(
            client,
            "POST",
            f"{base}/statusmessage/config/{MDS_DIP_ID}",
            me,
            _json({"callbackURL": f"{own}/x"}),
        )
        unknown = f"{base}/dip-channel/IF-025/deliveryStatus/{SUP_DIP_ID}/S-NO-SUCH-REFERENCE"
        answers["unknown_status"] = await _call(client, "GET", unknown, me)
        answers["tampered_get"] = await _call(
            client, "GET", unknown, me, signed_url=unknown.replace("S-NO-SUCH", "S-ANOTHER")
        )
        answers["get_signed_as_post"] = await _call(
            client, "GET", unknown, me, signed_method="POST"
        )
        answers["unsigned_get"] = await _call(client, "GET", unknown, None)
        certificate_only = {"X-DIP-Signature-Certificate": me.certificate_header}
        response = await client.get(unknown, headers=certificate_only)
        answers["certificate_only_get"] = response.status_code, response.json()
        others_status = f"{base}/dip-channel/IF-025/deliveryStatus/{MDS_DIP_ID}/S-X"
        answers["others_status"] = await _call(client, "GET", others_status, me)
        body, self.reference = supplier_update(
            self.identity, await _virtual_now(client, base), NOT_IN_THE_MARKET
        )
        answers["if025"] = await _call(client, "POST", f"{base}/dip-channel/IF-025", me, body)
        answers["dtn_broken"] = await _call(client, "POST", f"{base}/dtn", me, b'{"flow": ')
        answers["dtn_shape"] = await _call(
            client, "POST", f"{base}/dtn", me, _json({"flow": "D0300"})
        )
        answers["css_broken"] = await _call(client, "POST", f"{base}/css", me, b"[1, ")
        answers["css_unknown"] = await _call(
            client, "POST", f"{base}/css", me, _json({"message": "Nope"})
        )

    async def _dispute(
        self, client: httpx.AsyncClient, base: str, me: Signer, reading: dict[str, Any]
    ) -> None:
        """T8: the losing supplier disputes the incoming one's CoS reading (a D0300)."""
        items = reading["items"]
        dispute = {
            "flow": "D0300",
            "from": {"mpid": "MHSA", "role": "SUP"},
            "to": {"mpid": items["incoming_supplier_mpid"], "role": "SUP"},
            "mpan": reading["mpan"],
            "items": {
                "supply_start_date": items["supply_start_date"],
                "meter_id": items["meter_id"],
                "register_id": items["register_id"],
                "disputed_reading": items["reading"],
                "proposed_reading": "00001.000",
                "dispute_reason": "the customer read differs",
                "dispute_reference": "DSPEXT0001",
                "resolution": None,
            },
        }
        self.answers["dispute_mpan"] = reading["mpan"]
        self.answers["dispute"] = await _call(client, "POST", f"{base}/dtn", me, _json(dispute))
        forged = {**dispute, "from": {"mpid": "NDCE", "role": "NHHDC"}}
        self.answers["forged"] = await _call(client, "POST", f"{base}/dtn", me, _json(forged))


class Mds(System):
    """The MDS's system: refuses at levels 3 and 4, replays; see the module."""

    def __init__(self, keys: Path) -> None:
        super().__init__(keys, "MDS")
        self.refused_level_3: dict[str, Any] | None = None
        self.refused_level_4: dict[str, Any] | None = None

    async def handle(self, client: httpx.AsyncClient, base: str, received: Received) -> Said:
        envelope = _publication(received)
        if envelope is None:
            return None
        if _interface(envelope) == "IF-003":
            if self.refused_level_3 is None:
                self.refused_level_3 = envelope
                problem = {
                    "messageArray": [
                        {"message": "MSG1001 - Schema Failure", "help": "B094 is not wanted here"}
                    ]
                }
                return 400, _json(problem)
            if self.refused_level_4 is None:
                self.refused_level_4 = envelope
                await self._refuse_later(client, base, _transaction(envelope))
        elif _interface(envelope) == "IF-021" and self.once("replay"):
            await self._replay(client, base)
        return None

    async def _refuse_later(self, client: httpx.AsyncClient, base: str, transaction: str) -> None:
        me = self.signer()
        url = f"{base}/statusmessage"
        refusal = [
            {"transactionID": transaction, "status": "RejectedByRecipient", "help": "no thanks"}
        ]
        self.answers["level_4"] = await _call(client, "POST", url, me, _json(refusal))
        unknown = [
            {"transactionID": "T-NOT-A-PUBLICATION", "status": "RejectedByRecipient", "help": "?"}
        ]
        self.answers["level_4_unknown"] = await _call(client, "POST", url, me, _json(unknown))

    async def _replay(self, client: httpx.AsyncClient, base: str) -> None:
        answers = self.answers
        me = self.signer()
        url = f"{base}/dip-channel/IF-003/replay/{MDS_DIP_ID}"

        async def replay(request: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
            return await _call(client, "POST", url, me, _json(request))

        answers["replay_all"] = await replay({})
        assert self.refused_level_3 is not None and self.refused_level_4 is not None
        mpan = self.refused_level_3["CommonBlock"]["M0"]["MPANCore"]
        answers["replay_mpan"] = await replay({"MPAN": mpan})
        answers["replay_event"] = await replay({"eventCode": "[ReverseMigNotification]"})
        answers["replay_other_event"] = await replay({"eventCode": "[DSDeAppRM]"})
        wanted = [_transaction(self.refused_level_3), _transaction(self.refused_level_4)]
        answers["replay_ids"] = await replay({"transactionIDs": wanted})
        answers["replay_no_ids"] = await replay({"transactionIDs": []})
        answers["replay_101_ids"] = await replay({"transactionIDs": [f"T-{n}" for n in range(101)]})
        answers["replay_bad_token"] = await replay({"continuationToken": "next"})
        answers["replay_other"] = await _call(
            client, "POST", f"{base}/dip-channel/IF-003/replay/{EES_DIP_ID}", me, b"{}"
        )
        # The EES's system pages through its IF-003 publications.
        ees = self.signer("EES")
        ees_url = f"{base}/dip-channel/IF-003/replay/{EES_DIP_ID}"
        first = await _call(client, "POST", ees_url, ees, b"{}")
        answers["ees_first_page"] = first
        token = first[2].get("x-continuation-token")
        request = _json({"continuationToken": int(token)}) if token else b"{}"
        answers["ees_second_page"] = await _call(client, "POST", ees_url, ees, request)


class Ldso(System):
    """LDSO-19's system: its webhook fails one publication for good, then it asks for a requeue."""

    def __init__(self, keys: Path) -> None:
        super().__init__(keys, "LDSO-19")
        self.failing: str | None = None
        self.deliveries = 0
        self._released: trio.Event | None = None

    @property
    def released(self) -> trio.Event:
        """Set once the requeue's calls are made: the requeued publication is held till then."""
        if self._released is None:
            self._released = trio.Event()
        return self._released

    async def handle(self, client: httpx.AsyncClient, base: str, received: Received) -> Said:
        envelope = _publication(received)
        if envelope is not None:
            transaction = _transaction(envelope)
            if self.failing is None and _interface(envelope) == "IF-003":
                self.failing = transaction
            if transaction == self.failing:
                self.deliveries += 1
                if self.deliveries <= RETRIES + 1:
                    return 503, b'{"message":"down for maintenance"}'
                with trio.move_on_after(10):
                    await self.released.wait()  # the requeued call: outstanding until then
                return None
            if _interface(envelope) == "IF-021" and self.once("status_later"):
                self.answers["status_later"] = await self._status(client, base)
        elif received.path == "/dtn" and self.once("requeue"):
            await self._requeue(client, base)
        return None

    async def _status(self, client: httpx.AsyncClient, base: str) -> Any:
        url = f"{base}/dip-channel/IF-003/requeueStatus/{LDSO_DIP_ID}"
        return await _call(client, "GET", url, self.signer())

    async def _requeue(self, client: httpx.AsyncClient, base: str) -> None:
        answers = self.answers
        me = self.signer()
        url = f"{base}/dip-channel/IF-003/requeue/{LDSO_DIP_ID}"
        answers["status_before"] = await self._status(client, base)
        try:
            answers["requeue"] = await _call(client, "POST", url, me, b"{}")
            answers["requeue_again"] = await _call(client, "POST", url, me, b"{}")
            answers["status_processing"] = await self._status(client, base)
        finally:
            self.released.set()


@attrs.frozen
class Run:
    """The served run and its real systems."""

    served: ServeResult
    supplier: Supplier
    mds: Mds
    ldso: Ldso
    receivers: dict[str, Receiver]

    def receiver(self, pid: str) -> Receiver:
        """The receiver playing ``pid``."""
        return self.receivers[pid]


def _run_served(
    setup: Any,
    receivers: dict[str, Receiver],
    keys: Path,
    options: ServeOptions,
    systems: tuple[System, ...],
) -> ServeResult:
    async def runner() -> ServeResult:
        try:
            market = {"seed": setup.seed, "mpans": len(setup.population)}
            return await served(setup, receivers, keys, options, market)
        finally:
            for system in systems:
                await system.aclose()

    return trio.run(runner)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    keys = tmp_path_factory.mktemp("keys")
    setup = default_setup(mpans=MPANS, seed=3)
    identity = next(p.identity for p in setup.participants if p.participant_id == "SUP-MHSA")
    supplier, mds, ldso = Supplier(keys, identity), Mds(keys), Ldso(keys)
    receivers: dict[str, Receiver] = {
        "SUP-MHSA": Receiver(behaviour=supplier),
        "MDS": Receiver(behaviour=mds),
        "LDSO-19": Receiver(behaviour=ldso),
        "EES": Receiver(),
    }
    options = ServeOptions(until_done=True, timeout=60, retries=RETRIES)
    result = _run_served(setup, receivers, keys, options, (supplier, mds, ldso))
    return Run(served=result, supplier=supplier, mds=mds, ldso=ldso, receivers=receivers)


def _inputs(run: Run, pid: str, kind: str) -> list[dict[str, Any]]:
    return [
        dict(e.detail)
        for e in run.served.result.journal
        if e.kind == "state_changed"
        and e.sender == pid
        and e.detail is not None
        and e.detail.get("event") == "external_input"
        and e.detail.get("input") == kind
    ]


def test_every_behaviour_ran_without_a_fault_of_its_own(run: Run) -> None:
    assert run.served.stopped == "done"
    for system in (run.supplier, run.mds, run.ldso):
        assert system.errors == [], system.errors[0]
    assert run.supplier.answers["first_path"] == "/css"  # a LossNotification, before any IF-003
    for key in ("known_status", "dispute"):
        assert key in run.supplier.answers
    assert "level_4" in run.mds.answers and "replay_all" in run.mds.answers
    assert "requeue" in run.ldso.answers and "status_later" in run.ldso.answers


# ------------------------------------------------------------------ 1. pubconfig


def test_pubconfig_moves_the_channels_publications_to_the_new_url(run: Run) -> None:
    status, body, _ = run.supplier.answers["pubconfig"]
    assert status == 200 and body["message"].startswith("MSG0000")
    assert body["callbackURL"].endswith("/moved/if003")
    paths: dict[str, set[str]] = {}
    for call in run.receiver("SUP-MHSA").calls:
        envelope = _publication(call)
        if envelope is not None:
            paths.setdefault(_interface(envelope), set()).add(call.path)
    assert paths["IF-003"] == {"/moved/if003"}  # every IF-003, none at the base URL
    assert paths["IF-021"] == {"/"}  # another channel stays where it was
    moved = [c for c in run.receiver("SUP-MHSA").calls if c.path == "/moved/if003"]
    assert len(moved) == MPANS


def test_pubconfig_for_another_participant_is_403(run: Run) -> None:
    status, body, _ = run.supplier.answers["pubconfig_other"]
    assert status == 403 and body["message"].startswith("MSG1004")
    assert MDS_DIP_ID in body["help"] and SUP_DIP_ID in body["help"]
    # ...and it moved nothing: the MDS still gets its IF-003 publications at its base URL.
    assert all(c.path == "/" for c in run.receiver("MDS").calls if _publication(c) is not None)


def test_pubconfig_without_a_callback_url_is_400(run: Run) -> None:
    for key in ("pubconfig_no_url", "pubconfig_ftp"):
        status, body, _ = run.supplier.answers[key]
        assert status == 400 and body["message"].startswith("MSG1001")
        assert body["help"].startswith("$.callbackURL")


# ------------------------------------------------------- 2. statusmessage config


def test_statusmessage_config_moves_status_messages(run: Run) -> None:
    status, body, _ = run.supplier.answers["status_config"]
    assert status == 200 and body["callbackURL"].endswith("/moved/status")
    calls = run.receiver("SUP-MHSA").calls
    moved = [item for c in calls if c.path == "/moved/status" for item in c.json()]
    assert [s["message"] for s in moved] == ["MSG1006 - Unknown MPAN"]
    assert moved[0]["senderUniqueReference"] == run.supplier.reference
    assert not [c for c in calls if c.path == "/statusmessage"]
    status, body, _ = run.supplier.answers["status_config_other"]
    assert status == 403 and body["message"].startswith("MSG1004")


# ------------------------------------------------------------- 3. deliveryStatus


def test_delivery_status_of_an_unknown_reference_is_404(run: Run) -> None:
    status, body, _ = run.supplier.answers["unknown_status"]
    assert status == 404 and "S-NO-SUCH-REFERENCE" in body["help"]


def test_delivery_status_of_another_participants_submissions_is_403(run: Run) -> None:
    status, body, _ = run.supplier.answers["others_status"]
    assert status == 403 and body["message"].startswith("MSG1004")


def test_delivery_status_lists_the_inbound_answer_then_the_status_message(run: Run) -> None:
    status, body, _ = run.supplier.answers["if025"]
    assert status == 201
    assert body["messageArray"][0]["senderUniqueReference"] == run.supplier.reference
    status, body, _ = run.supplier.answers["known_status"]
    assert status == 200 and body["senderUniqueReference"] == run.supplier.reference
    assert [(s["stage"], s["status"], s["message"][:7]) for s in body["statuses"]] == [
        ("Inbound", "GoodToGo", "MSG0000"),
        ("Inbound", "InboundRuleFailure", "MSG1006"),
    ]


# ---------------------------------------------------------------------- 4. replay


def _payloads(answer: tuple[int, Any, dict[str, str]]) -> list[dict[str, Any]]:
    status, body, _ = answer
    assert status == 200, body
    assert all(set(item) == {"payload"} for item in body)
    return [item["payload"] for item in body]


def test_replay_returns_the_channels_publications_marked_as_replayed(run: Run) -> None:
    replayed = _payloads(run.mds.answers["replay_all"])
    delivered = [
        e for c in run.receiver("MDS").calls if (e := _publication(c)) and _interface(e) == "IF-003"
    ]
    assert len(replayed) == MPANS
    assert all(p["CommonBlock"]["D0"]["replayIndicator"] is True for p in replayed)
    assert all(p["CommonBlock"]["D0"]["replayIndicator"] is False for p in delivered)
    # The very publications delivered (the refused ones too), but for the indicator.
    for payload in replayed:
        payload["CommonBlock"]["D0"]["replayIndicator"] = False
    by_transaction = {_transaction(e): e for e in delivered}
    assert {_transaction(p): p for p in replayed} == by_transaction


def test_replay_filters_narrow_it(run: Run) -> None:
    answers = run.mds.answers
    assert run.mds.refused_level_3 is not None and run.mds.refused_level_4 is not None
    mpan = run.mds.refused_level_3["CommonBlock"]["M0"]["MPANCore"]
    by_mpan = _payloads(answers["replay_mpan"])
    assert [p["CommonBlock"]["M0"]["MPANCore"] for p in by_mpan] == [mpan]
    assert len(_payloads(answers["replay_event"])) == MPANS
    assert _payloads(answers["replay_other_event"]) == []  # the MDS gets no [DSDeAppRM]
    by_ids = _payloads(answers["replay_ids"])
    assert {_transaction(p) for p in by_ids} == {
        _transaction(run.mds.refused_level_3),
        _transaction(run.mds.refused_level_4),
    }


def test_replay_refuses_bad_transaction_id_lists_and_tokens(run: Run) -> None:
    for key in ("replay_no_ids", "replay_101_ids"):
        status, body, _ = run.mds.answers[key]
        assert status == 400 and body["help"].startswith("$.transactionIDs"), key
    status, body, _ = run.mds.answers["replay_bad_token"]
    assert status == 400 and body["help"].startswith("$.continuationToken")
    status, body, _ = run.mds.answers["replay_other"]
    assert status == 403


def test_replay_pages_past_a_hundred_with_a_continuation_token(run: Run) -> None:
    status, first, headers = run.mds.answers["ees_first_page"]
    assert status == 206 and len(first) == 100
    assert headers["x-continuation-token"] == "100"
    status, rest, headers = run.mds.answers["ees_second_page"]
    assert status == 200 and "x-continuation-token" not in headers
    pages = [item["payload"] for item in first + rest]
    ees_if003 = [
        e for c in run.receiver("EES").calls if (e := _publication(c)) and _interface(e) == "IF-003"
    ]
    assert len(pages) == len(ees_if003) == 3 * MPANS
    assert len({_transaction(p) for p in pages}) == len(pages)
    assert {_transaction(p) for p in pages} == {_transaction(e) for e in ees_if003}


# ------------------------------------------------------------- 5. levels 3 and 4


def _rejections(run: Run, level: int) -> list[Any]:
    return [
        e
        for e in run.served.result.journal
        if e.kind == "rejected" and e.detail is not None and e.detail.get("level") == level
    ]


def _status_messages_to(run: Run, pid: str, transaction: str) -> list[DipStatusMessage]:
    return [
        e.payload
        for e in run.served.result.journal
        if e.kind == "delivered"
        and e.message == "DIP-STATUS"
        and e.recipient == pid
        and isinstance(e.payload, DipStatusMessage)
        and e.payload.transaction_id == transaction
    ]


def test_a_webhook_answering_400_is_a_level_3_rejection(run: Run) -> None:
    refused = run.mds.refused_level_3
    assert refused is not None
    transaction = _transaction(refused)
    (event,) = _rejections(run, 3)
    assert event.sender == "MDS" and event.recipient == "REGS-19"
    assert event.detail["status"] == "RejectedByRecipient"
    assert event.detail["code"] == "MSG1014"
    assert event.detail["transaction_id"] == transaction
    assert event.detail["rule"] == "the webhook answered 400: B094 is not wanted here"
    (told,) = _status_messages_to(run, "REGS-19", transaction)
    assert told.status == "RejectedByRecipient" and told.stage == "Outbound"
    assert told.recipient_id == MDS_DIP_ID and told.message.startswith("MSG1014")
    (webhook,) = _inputs(run, "MDS", "webhook")
    assert webhook["status"] == 400 and webhook["transaction_id"] == transaction


def test_a_status_message_refusing_a_publication_is_a_level_4_rejection(run: Run) -> None:
    status, body, _ = run.mds.answers["level_4"]
    assert status == 201 and body["message"].startswith("MSG0000")
    refused = run.mds.refused_level_4
    assert refused is not None
    transaction = _transaction(refused)
    (event,) = _rejections(run, 4)
    assert event.sender == "MDS" and event.recipient == "REGS-19"
    assert event.detail["code"] == "MSG1014" and event.detail["transaction_id"] == transaction
    assert event.detail["rule"] == "no thanks"
    (told,) = _status_messages_to(run, "REGS-19", transaction)
    assert told.status == "RejectedByRecipient" and told.recipient_id == MDS_DIP_ID


def test_a_status_message_about_an_unknown_transaction_is_400(run: Run) -> None:
    status, body, _ = run.mds.answers["level_4_unknown"]
    assert status == 400 and body["help"].startswith("$[0].transactionID")
    assert "T-NOT-A-PUBLICATION" in body["help"]
    recorded = _inputs(run, "MDS", "statusmessage")
    assert len(recorded) == 2  # both were inputs; only the first rejected anything


# ---------------------------------------------------------------- 6. requeue


def test_a_webhook_answering_503_is_retried_then_given_up_and_recorded(run: Run) -> None:
    failing = run.ldso.failing
    assert failing is not None
    deliveries = [
        c
        for c in run.receiver("LDSO-19").calls
        if (e := _publication(c)) and _transaction(e) == failing
    ]
    assert len(deliveries) == RETRIES + 1 + 1  # every attempt, then the requeued one
    (webhook,) = _inputs(run, "LDSO-19", "webhook")
    assert webhook["status"] == 503 and webhook["transaction_id"] == failing
    assert webhook["endpoint"] == "publication" and "maintenance" in webhook["text"]
    # Unanswered is not refused: no rejection from LDSO-19, the call is kept for a requeue.
    assert all(e.sender != "LDSO-19" for e in run.served.result.journal if e.kind == "rejected")


def test_requeue_pushes_the_given_up_call_again(run: Run) -> None:
    answers = run.ldso.answers
    status, body, _ = answers["status_before"]
    assert status == 404  # no requeue asked for yet
    status, body, _ = answers["requeue"]
    assert status == 202 and body["calls"] == 1 and body["requeueId"].startswith("RQ-")


def test_a_second_requeue_while_one_is_processing_is_429(run: Run) -> None:
    status, body, _ = run.ldso.answers["requeue_again"]
    assert status == 429 and body["message"].startswith("MSG")
    status, body, _ = run.ldso.answers["status_processing"]
    assert status == 200 and body["status"] == "Processing"
    assert body["requeueId"] == run.ldso.answers["requeue"][1]["requeueId"]


def test_requeue_status_is_completed_once_the_webhook_answers_again(run: Run) -> None:
    status, body, _ = run.ldso.answers["status_later"]
    assert status == 200, body
    assert body["status"] == "Completed"
    assert body["requeueId"] == run.ldso.answers["requeue"][1]["requeueId"]


# -------------------------------------------------------------- 7. /dtn and /css


def test_a_malformed_dtn_or_css_body_is_400_naming_where(run: Run) -> None:
    answers = run.supplier.answers
    for key in ("dtn_broken", "css_broken"):
        status, body, _ = answers[key]
        assert status == 400 and body["help"].startswith("$: not valid JSON"), key
    status, body, _ = answers["dtn_shape"]
    assert status == 400 and body["help"].startswith("$.from: missing key")
    status, body, _ = answers["css_unknown"]
    assert status == 400 and body["help"].startswith("$.message:")


def test_a_d_flow_from_another_party_is_403(run: Run) -> None:
    status, body, _ = run.supplier.answers["forged"]
    assert status == 403 and body["message"].startswith("MSG1008")
    assert "NHHDC NDCE" in body["help"]
    forged = [
        e
        for e in run.served.result.journal
        if e.kind == "sent"
        and e.network == "DTN"
        and e.sender == "NHHDC-NDCE"
        and e.message == "D0300"
    ]
    assert forged == []


def test_a_d_flow_from_the_system_itself_is_sent_and_answered(run: Run) -> None:
    status, body, _ = run.supplier.answers["dispute"]
    assert status == 201 and body["message"].startswith("MSG0000")
    mpan = run.supplier.answers["dispute_mpan"]
    (sent,) = [
        e
        for e in run.served.result.journal
        if e.kind == "sent"
        and e.network == "DTN"
        and e.message == "D0300"
        and e.sender == "SUP-MHSA"
    ]
    assert sent.recipient == "SUP-LGSB" and sent.mpan == mpan
    # The incoming supplier answers the dispute, and the answer reaches the system's /dtn.
    answers = [
        c.json()
        for c in run.receiver("SUP-MHSA").calls
        if c.path == "/dtn" and c.json()["flow"] == "D0300"
    ]
    assert len(answers) == 1 and answers[0]["mpan"] == mpan
    assert answers[0]["items"]["dispute_reference"] == "DSPEXT0001"
    assert answers[0]["items"]["resolution"] in ("AGREED", "REJECTED")


# ----------------------------------------------------------------- 8. signatures


def test_management_calls_are_signed_over_exactly_what_is_called(run: Run) -> None:
    answers = run.supplier.answers
    for key in ("tampered_get", "get_signed_as_post"):
        status, body, _ = answers[key]
        assert status == 401 and body["message"].startswith("MSG1009"), key
        assert "does not verify" in body["help"]
    status, body, _ = answers["unsigned_get"]
    assert status == 401 and body["message"].startswith("MSG1007")  # no certificate: unknown
    status, body = answers["certificate_only_get"]
    assert status == 401 and body["message"].startswith("MSG1009")
    assert body["help"].startswith("missing header")


# -------------------------------------------------------------------- replay


def test_the_run_with_every_kind_of_input_replays_to_its_digest(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Webhook refusals and failures, status messages, D-flows, CSS and refused calls are
    all recorded inputs; management calls (pubconfig, replay, requeue) change nothing."""
    kinds = {
        e.detail["input"]
        for e in run.served.result.journal
        if e.kind == "state_changed"
        and e.detail is not None
        and e.detail.get("event") == "external_input"
    }
    assert kinds == {"dip", "dtn", "css", "statusmessage", "webhook"}
    recorded = tmp_path / "served.jsonl"
    write_journal(run.served.result, recorded, signing="modelled")
    replayed = tmp_path / "replayed.jsonl"
    main(["run", "--replay", str(recorded), "--journal", str(replayed)])
    said = capsys.readouterr().out
    assert "the same as the recording's" in said, said
    assert read_journal_file(replayed).digest == run.served.result.journal.digest()


# -------------------------------------------------------------- 9. a DIP outage


class DuringOutage(System):
    """SUP-MHSA's system submits on its first call, which the outage covers."""

    def __init__(self, keys: Path, identity: ParticipantIdentity) -> None:
        super().__init__(keys, "SUP-MHSA")
        self.identity = identity

    async def handle(self, client: httpx.AsyncClient, base: str, received: Received) -> Said:
        if self.once("submit"):
            at = await _virtual_now(client, base)
            self.answers["at"] = at
            mpan = received.json()["mpan"]
            body, _ = supplier_update(self.identity, at, mpan)
            url = f"{base}/dip-channel/IF-025"
            self.answers["submitted"] = await _call(client, "POST", url, self.signer(), body)
        return None


@pytest.fixture(scope="module")
def outage_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[ServeResult, DuringOutage, Any]:
    keys = tmp_path_factory.mktemp("outage-keys")
    setup = default_setup(mpans=2, seed=3)
    window = Window(start=setup.start_at, end=setup.start_at + timedelta(hours=1), text="test")
    setup = attrs.evolve(setup, faults=FaultPlan(faults=(DipOutage(window=window),)))
    identity = next(p.identity for p in setup.participants if p.participant_id == "SUP-MHSA")
    system = DuringOutage(keys, identity)
    receivers: dict[str, Receiver] = {"SUP-MHSA": Receiver(behaviour=system)}
    options = ServeOptions(until_done=True, timeout=30, retries=RETRIES)
    return _run_served(setup, receivers, keys, options, (system,)), system, window


def test_a_submission_during_a_dip_outage_is_503(outage_run: Any) -> None:
    served_run, system, window = outage_run
    assert system.errors == []
    assert window.contains(system.answers["at"])  # the system did submit inside the outage
    status, body, _ = system.answers["submitted"]
    assert status == 503
    assert body["messageArray"][0]["message"].startswith("MSG5003")
    refused = [
        e
        for e in served_run.result.journal
        if e.kind == "refused" and e.detail is not None and e.detail.get("fault") == "dip_outage"
    ]
    assert [(e.sender, e.recipient, e.message) for e in refused] == [("SUP-MHSA", "DIP", "IF-025")]
    assert served_run.stopped == "done"
