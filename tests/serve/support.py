"""An in-process real system for the ``market serve`` tests: a webhook receiver and a signer.

The receiver is an ASGI application served by hypercorn in the test's own trio
nursery; it records every call the DIP makes to it and can run a test's
coroutine (its "behaviour") before answering a call, while the market stands
still (lockstep).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import hypercorn.config
import hypercorn.trio
import trio
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from actors.markets.default import build_market
from market.kernel.queue import VirtualClock
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.dip import M0, render_body
from market.messages.dip.if025 import B032, SSCandProfileClassRequest
from market.participant import Context, ParticipantIdentity
from market.process.scenario import MarketSetup
from market.process.scenario_spec import ScenarioSpec
from market.serve.session import ServeOptions, ServeResult, serve_market


@attrs.define
class Received:
    """One call the DIP made to the receiver."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The call's body as JSON."""
        return json.loads(self.body)


#: A webhook answer: a status, or a status and a body (otherwise 201 and a success body).
Said = int | tuple[int, bytes] | None
Behaviour = Callable[["Receiver", Received], Awaitable[Said]]
#: The body a real system answers a webhook with when it has nothing else to say.
OK_BODY = b'{"messageArray":[{"message":"MSG0000 - Success"}]}'


@attrs.define
class Receiver:
    """A real system's webhook endpoint: records calls, answers 201 unless told otherwise."""

    behaviour: Behaviour | None = None
    calls: list[Received] = attrs.field(factory=list)
    dip_url: str = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """ASGI entry point."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        received = Received(path=scope["path"], headers=headers, body=b"".join(chunks))
        self.calls.append(received)
        said: Said = None
        if self.behaviour is not None:
            said = await self.behaviour(self, received)
        status, body = said if isinstance(said, tuple) else (said or 201, b"")
        body = body or OK_BODY
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def publications(self, event_code: str | None = None) -> list[dict[str, Any]]:
        """Every publication envelope received (optionally of one event code)."""
        found = []
        for call in self.calls:
            if call.path.rstrip("/") in ("", "/") or call.path == "/":
                for item in call.json():
                    envelope = item["payload"]
                    if event_code in (None, envelope["CommonBlock"]["S0"]["eventCode"]):
                        found.append(envelope)
        return found


async def start_receiver(nursery: trio.Nursery, receiver: Receiver) -> str:
    """Serve ``receiver`` on a free loopback port; its base URL."""
    config = hypercorn.config.Config()
    config.bind = ["127.0.0.1:0"]
    config.accesslog = None
    config.errorlog = None
    binds = await nursery.start(functools.partial(hypercorn.trio.serve, receiver, config))
    return str(binds[0])


def default_setup(**spec: Any) -> MarketSetup:
    """The built-in market for a scenario spec's fields."""
    return build_market(ScenarioSpec(**spec))


async def served(
    setup: MarketSetup,
    receivers: Mapping[str, Receiver],
    keys: Path,
    options: ServeOptions | None = None,
    market_args: Mapping[str, Any] | None = None,
) -> ServeResult:
    """Run ``setup`` with each receiver playing its participant id, until done."""
    options = options or ServeOptions(until_done=True, timeout=120)
    async with trio.open_nursery() as nursery:
        urls = {pid: await start_receiver(nursery, r) for pid, r in receivers.items()}

        def listening(url: str) -> None:
            for receiver in receivers.values():
                receiver.dip_url = url

        result = await serve_market(
            setup,
            playing=urls,
            keys_dir=keys,
            options=options,
            market_args=market_args or {"seed": setup.seed},
            on_listening=listening,
        )
        nursery.cancel_scope.cancel()
    return result


def supplier_update(identity: ParticipantIdentity, at: datetime, mpan: str) -> tuple[bytes, str]:
    """An IF-025 body from the supplier ``identity`` about ``mpan`` at virtual ``at``, and its
    senderUniqueReference."""
    supplier = Context(
        identity, clock=VirtualClock(at), calendar=SettlementCalendar(), rng=random.Random(0)
    )
    envelope = supplier.submit(
        SSCandProfileClassRequest(
            b032=B032(
                profile_class="1",
                profile_class_effective_from_date=supplier.now,
                ssc="0393",
                ssc_effective_from_date=supplier.now,
            )
        ),
        primary_recipients=("2200000019",),
        m0=M0(mpan_core=mpan, distributor_dip_id="2500000019", gsp_group_id="_J"),
    )
    return render_body([envelope]), envelope.common.s1.sender_unique_reference


@attrs.frozen
class Signer:
    """A real system's key and certificate, as onboarding wrote them to the keys folder."""

    key: rsa.RSAPrivateKey
    certificate_header: str

    @classmethod
    def of(cls, keys: Path, pid: str) -> Signer:
        """The signer of ``pid`` in ``keys``."""
        key = serialization.load_pem_private_key((keys / f"{pid}.key.pem").read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        header = base64.b64encode((keys / f"{pid}.cert.pem").read_bytes()).decode()
        return cls(key=key, certificate_header=header)

    def headers(self, url: str, body: bytes, method: str = "POST") -> dict[str, str]:
        """The four signing headers of a call to ``url`` with ``body``."""
        body_hash = base64.b64encode(hashlib.sha256(body).digest()).decode()
        now = datetime.now(UTC)
        date = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
        text = f"{method};{url.lower()};{date};{body_hash}".encode()
        signature = self.key.sign(text, padding.PKCS1v15(), hashes.SHA256())
        return {
            "X-DIP-Signature": base64.b64encode(signature).decode(),
            "X-DIP-Signature-Date": date,
            "X-DIP-Content-Hash": body_hash,
            "X-DIP-Signature-Certificate": self.certificate_header,
            "Content-Type": "application/json",
        }
