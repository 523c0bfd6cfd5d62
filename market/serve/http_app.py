"""The DIP's HTTP interface, as an ASGI application served by hypercorn's trio worker.

Endpoints (brief e.1, and the simulator's extension for the DTN and the CSS):

=======  ===========================================================  ==========================
method   path                                                         what
=======  ===========================================================  ==========================
POST     ``/dip-channel/{IF}``                                        submit (array body)
POST     ``/dip-channel/{IF}/pubconfig/{recipient}``                  set the channel's webhook
POST     ``/dip-channel/{IF}/replay/{recipient}``                     re-read publications
POST     ``/dip-channel/{IF}/requeue/{recipient}``                    re-push failed webhooks
GET      ``/dip-channel/{IF}/requeueStatus/{recipient}``              how the requeue went
GET      ``/dip-channel/{IF}/deliveryStatus/{recipient}/{reference}`` a submission's statuses
POST     ``/statusmessage``                                           refuse a publication (L4)
POST     ``/statusmessage/config/{recipient}``                        set the status webhook
POST     ``/dtn``                                                     send a D-flow (extension)
POST     ``/css``                                                     send a CSS message
GET      ``/health``                                                  is the DIP up (no auth)
=======  ===========================================================  ==========================

Every call but ``/health`` is authenticated by the certificate it presents
(``X-DIP-Signature-Certificate`` stands in for mutual TLS: it must be one
registered at onboarding, else 401) and must carry the four signing headers.
No call, however malformed, raises out of the application: a bad one is
answered (4xx) and the market goes on; a fault of the simulator's own is a 500
naming it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Final
from urllib.parse import urlsplit

import attrs
import trio

from market.boundary import DIP_BODY
from market.boundary.reading import InputError, decode_json
from market.messages.dip import DipEnvelope, render_envelope
from market.messages.dip.codes import (
    DIP_UNAVAILABLE,
    METHOD_NOT_ALLOWED,
    PAYLOAD_TOO_LARGE,
    SCHEMA_FAILURE,
    SENDER_NOT_AUTHORISED,
    SUCCESS,
    TOO_MANY_REQUESTS,
    UNKNOWN_CHANNEL,
    UNKNOWN_SENDER,
)
from market.messages.dip.signing import verification_problem
from market.messages.dip.transport import DipRequest, header_value
from market.serve.errors import MarketClosedError
from market.serve.onboarding import External
from market.serve.outlet import Call, HttpOutlet
from market.serve.pacing import ServePacer
from market.serve.port import HttpAnswer, Port
from market.serve.traffic import Traffic

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: The message of a 404 about a submission or requeue the DIP has no record of (no MSG code:
#: none is registered for it).
NOT_FOUND: Final = "Not Found"
#: Publications per page of a replay answer (the rest follows an ``X-Continuation-Token``).
REPLAY_PAGE: Final = 100


class ClientGoneError(Exception):
    """The client went away before its body arrived."""


@attrs.frozen(kw_only=True)
class Incoming:
    """One authenticated call: who made it, to which endpoint, with what."""

    external: External
    endpoint: str
    segments: list[str]
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def recipient(self) -> str:
        """The ``{recipient-id}`` of the path (a management call's subject)."""
        if self.endpoint == "statusmessage-config":
            return self.segments[2]
        return self.segments[3]


def _problem(status: int, message: str, help_text: str) -> HttpAnswer:
    return HttpAnswer(status=status, body={"message": message, "help": help_text})


class DipApp:
    """The ASGI application; see the module docstring."""

    def __init__(self, port: Port, pacer: ServePacer, outlet: HttpOutlet, traffic: Traffic) -> None:
        self.port = port
        self.pacer = pacer
        self.outlet = outlet
        self.traffic = traffic
        self.limit = port.broker.gateway.defences.max_payload_bytes
        self._requeues: dict[str, dict[str, Any]] = {}
        #: The calls each participant's last requeue pushed again (what its status is about).
        self._requeued: dict[str, list[Call]] = {}
        self._requeue_count = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = trio.current_time()
        self.pacer.arrived()
        who = "unknown"
        endpoint = "unrouted"
        try:
            try:
                who, endpoint, answer = await self._handle(scope, receive)
            except ClientGoneError:
                return
            except MarketClosedError as closed:
                answer = _problem(
                    503,
                    DIP_UNAVAILABLE.message,
                    f"the market has stopped ({closed}); nothing more can be submitted",
                )
            except Exception as error:  # the simulator's own fault: answer it, keep serving
                answer = _problem(
                    500, "MSG5000 - Internal Server Error", f"{type(error).__name__}: {error}"
                )
        finally:
            self.pacer.answered()
        await _respond(send, answer)
        self.traffic.observe(
            who, "inbound", endpoint, status=answer.status, seconds=trio.current_time() - started
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[str, str, HttpAnswer]:
        method = str(scope.get("method", "")).upper()
        path = str(scope.get("path", ""))
        segments = [s for s in path.split("/") if s]
        endpoint = endpoint_of(segments)
        if endpoint == "health" and method == "GET":
            return "anyone", endpoint, HttpAnswer(status=200, body=self._health())
        if endpoint == "unrouted":
            return (
                "unknown",
                endpoint,
                _problem(404, UNKNOWN_CHANNEL.message, f"{path} is not an endpoint of this DIP"),
            )
        wanted = _ENDPOINT_METHODS[endpoint]
        if method != wanted:
            return (
                "unknown",
                endpoint,
                _problem(
                    405,
                    METHOD_NOT_ALLOWED.message,
                    f"{method} is not allowed on {path}; use {wanted}",
                ),
            )
        headers = _headers(scope)
        external = self.port.identify(headers)
        if external is None:
            return (
                "unknown",
                endpoint,
                _problem(
                    401,
                    UNKNOWN_SENDER.message,
                    "X-DIP-Signature-Certificate is missing or is no certificate registered at "
                    "onboarding; sign with the certificate in your --keys folder",
                ),
            )
        incoming = Incoming(
            external=external,
            endpoint=endpoint,
            segments=segments,
            url=_full_url(scope, headers, path),
            headers=headers,
            body=await _read_body(receive, self.limit),
        )
        return external.participant_id, endpoint, await self._route(incoming)

    async def _route(self, incoming: Incoming) -> HttpAnswer:
        pid = incoming.external.participant_id
        endpoint = incoming.endpoint
        if endpoint == "dip-channel":
            request = DipRequest(url=incoming.url, body=incoming.body, headers=incoming.headers)
            return await self.port.dip_submission(pid, request)
        if len(incoming.body) > self.limit:
            return _too_large(self.limit)
        if endpoint in _RECORDED:
            handler = getattr(self.port, _RECORDED[endpoint])
            answer: HttpAnswer = await handler(pid, incoming.url, incoming.headers, incoming.body)
            return answer
        return self._manage(incoming)

    def _manage(self, incoming: Incoming) -> HttpAnswer:
        """pubconfig, replay, requeue, requeueStatus, deliveryStatus and statusmessage config:
        calls about the caller's own deliveries, which change nothing in the market."""
        refused = _refusal(incoming)
        if refused is not None:
            return refused
        if incoming.endpoint in ("deliveryStatus", "requeueStatus"):
            return self._status(incoming)
        try:
            body = decode_json(incoming.body, DIP_BODY) if incoming.body else {}
        except InputError as error:
            return _problem(400, SCHEMA_FAILURE.message, str(error))
        if not isinstance(body, dict):
            return _problem(400, SCHEMA_FAILURE.message, "$: the body must be a JSON object")
        pid = incoming.external.participant_id
        if incoming.endpoint in ("pubconfig", "statusmessage-config"):
            return self._configure(pid, incoming, body)
        replaying = incoming.endpoint == "replay"
        channel = incoming.segments[1]
        return self._replay(pid, channel, body) if replaying else self._requeue(pid, channel)

    def _status(self, incoming: Incoming) -> HttpAnswer:
        pid = incoming.external.participant_id
        if incoming.endpoint == "deliveryStatus":
            reference = incoming.segments[4]
            statuses = self.port.delivery_status[pid].get(reference)
            if statuses is None:
                return _problem(404, NOT_FOUND, f"no submission {reference} from {pid}")
            return HttpAnswer(
                status=200, body={"senderUniqueReference": reference, "statuses": statuses}
            )
        requeue = self._requeues.get(pid)
        if requeue is None:
            return _problem(404, NOT_FOUND, f"{pid} has asked for no requeue")
        return HttpAnswer(status=200, body=self._requeue_status(pid, requeue))

    def _configure(self, pid: str, incoming: Incoming, request: dict[str, Any]) -> HttpAnswer:
        url = request.get("callbackURL")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            return _problem(
                400, SCHEMA_FAILURE.message, "$.callbackURL: an http:// or https:// URL is required"
            )
        callbacks = self.outlet.callbacks[pid]
        if incoming.endpoint == "pubconfig":
            callbacks.channels[incoming.segments[1]] = str(url)
        else:
            callbacks.status_url = str(url)
        return HttpAnswer(status=200, body={"message": SUCCESS.message, "callbackURL": url})

    def _replay(self, pid: str, channel: str, request: dict[str, Any]) -> HttpAnswer:
        wanted_ids = request.get("transactionIDs")
        if wanted_ids is not None and (
            not isinstance(wanted_ids, list) or not 1 <= len(wanted_ids) <= 100
        ):
            return _problem(400, SCHEMA_FAILURE.message, "$.transactionIDs: 1 to 100 ids")
        mpan = request.get("MPAN")
        event_code = request.get("eventCode")
        start = request.get("datetimeFrom")
        end = request.get("datetimeTo")
        token = request.get("continuationToken", 0)
        if not isinstance(token, int) or token < 0:
            return _problem(400, SCHEMA_FAILURE.message, "$.continuationToken: a whole number")
        found = [
            envelope
            for transaction, envelope in self.outlet.published[pid].items()
            if envelope.interface_id == channel
            and (wanted_ids is None or transaction in wanted_ids)
            and (mpan is None or envelope.mpan_core == mpan)
            and (event_code is None or envelope.event_code == event_code)
            and _within(envelope, start, end)
        ]
        page = [_replayed(envelope) for envelope in found[token : token + REPLAY_PAGE]]
        if token + REPLAY_PAGE < len(found):
            return HttpAnswer(
                status=206,
                body=page,
                headers={"X-Continuation-Token": str(token + REPLAY_PAGE)},
            )
        return HttpAnswer(status=200, body=page)

    def _requeue(self, pid: str, channel: str) -> HttpAnswer:
        """Push again the channel's publications (and any status message or flow) that no
        webhook call ever delivered."""
        current = self._requeues.get(pid)
        if current is not None and self._requeue_status(pid, current)["status"] == "Processing":
            return _problem(
                429, TOO_MANY_REQUESTS.message, "a requeue is already outstanding; wait for it"
            )
        failed = self.outlet.failed[pid]
        calls = [
            c for c in failed if c.publication is None or c.publication.interface_id == channel
        ]
        self.outlet.failed[pid] = [c for c in failed if c not in calls]
        self._requeue_count += 1
        requeue_id = f"RQ-{self._requeue_count:06d}"
        self._requeues[pid] = {"requeueId": requeue_id, "calls": len(calls)}
        self._requeued[pid] = calls
        for call in calls:
            self.outlet.take(call)
        return HttpAnswer(status=202, body={"requeueId": requeue_id, "calls": len(calls)})

    def _requeue_status(self, pid: str, requeue: dict[str, Any]) -> dict[str, Any]:
        """How the requeue's own calls went (not other calls, to this system or another)."""
        calls = self._requeued.get(pid, [])
        failed = {id(call) for call in self.outlet.failed[pid]}
        failed_again = sum(id(call) in failed for call in calls)
        if any(self.outlet.outstanding(call) for call in calls):
            status = "Processing"
        elif failed_again == 0:
            status = "Completed"
        elif failed_again >= requeue["calls"]:
            status = "Failed"
        else:
            status = "PartialCompletion"
        return {**requeue, "status": status}

    def _health(self) -> dict[str, Any]:
        broker = self.port.broker
        return {
            "status": "up",
            "virtual_time": broker.clock.now.isoformat(),
            "pending": broker.pending,
            "stopped": self.pacer.stopped,
        }


_ENDPOINT_METHODS: Final = {
    "dip-channel": "POST",
    "pubconfig": "POST",
    "replay": "POST",
    "requeue": "POST",
    "requeueStatus": "GET",
    "deliveryStatus": "GET",
    "statusmessage": "POST",
    "statusmessage-config": "POST",
    "dtn": "POST",
    "css": "POST",
    "health": "GET",
}


#: Each endpoint's path: its segments, ``*`` for any one segment.
_PATHS: Final = {
    ("dip-channel", "*"): "dip-channel",
    ("dip-channel", "*", "pubconfig", "*"): "pubconfig",
    ("dip-channel", "*", "replay", "*"): "replay",
    ("dip-channel", "*", "requeue", "*"): "requeue",
    ("dip-channel", "*", "requeueStatus", "*"): "requeueStatus",
    ("dip-channel", "*", "deliveryStatus", "*", "*"): "deliveryStatus",
    ("statusmessage",): "statusmessage",
    ("statusmessage", "config", "*"): "statusmessage-config",
    ("dtn",): "dtn",
    ("css",): "css",
    ("health",): "health",
}
#: Endpoints whose calls are inputs to the market: the port method that records and applies each.
_RECORDED: Final = {"dtn": "flow", "css": "css", "statusmessage": "status_message"}


def endpoint_of(segments: list[str]) -> str:
    """Which endpoint a path's segments name (``"unrouted"`` when none)."""
    for pattern, name in _PATHS.items():
        if len(pattern) == len(segments) and all(
            p in ("*", s) for p, s in zip(pattern, segments, strict=True)
        ):
            return name
    return "unrouted"


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", ()):
        name = bytes(raw_name).decode("latin-1")
        headers[name] = bytes(raw_value).decode("latin-1")
    return headers


def _full_url(scope: Scope, headers: Mapping[str, str], path: str) -> str:
    """The URL the client called, as it signed it: scheme, its Host header, the path."""
    host = header_value(headers, "host")
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 0)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{path}"


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The request body, read up to one byte past ``limit`` (then no further)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGoneError
        chunk = bytes(message.get("body", b""))
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return b"".join(chunks)[: limit + 1]
        if not message.get("more_body", False):
            return b"".join(chunks)


def _within(envelope: DipEnvelope, start: object, end: object) -> bool:
    """Whether a publication's transaction time is within a replay's datetimeFrom/To."""
    d0 = envelope.common.d0
    stamp = d0.transaction_timestamp.isoformat() if d0 is not None else ""
    return not (isinstance(start, str) and stamp < start) and not (
        isinstance(end, str) and stamp > end
    )


def _replayed(envelope: DipEnvelope) -> dict[str, object]:
    """A publication as a replay returns it: ``replayIndicator`` true."""
    rendered = render_envelope(envelope)
    common = rendered["CommonBlock"]
    if isinstance(common, dict) and isinstance(common.get("D0"), dict):
        common["D0"]["replayIndicator"] = True
    return {"payload": rendered}


def _refusal(incoming: Incoming) -> HttpAnswer | None:
    """Why a management call may not go on (a bad signature, another's deliveries), or None."""
    external = incoming.external
    request = DipRequest(
        url=incoming.url,
        body=incoming.body,
        headers=incoming.headers,
        method=_ENDPOINT_METHODS[incoming.endpoint],
    )
    problem = verification_problem(request, external.certificate)
    if problem is not None:
        return _problem(401, "MSG1009 - Signature Verification Failed", problem)
    if incoming.recipient != external.dip_id:
        return _problem(
            403,
            SENDER_NOT_AUTHORISED.message,
            f"{incoming.recipient} is not your DIP ID ({external.dip_id}); you may only manage "
            "your own deliveries",
        )
    return None


def _too_large(limit: int) -> HttpAnswer:
    return _problem(
        413,
        PAYLOAD_TOO_LARGE.message,
        f"body is over the limit of {limit} bytes; split it into several calls",
    )


async def _respond(send: Send, answer: HttpAnswer) -> None:
    payload = json.dumps(answer.body, separators=(",", ":"), sort_keys=True).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode("ascii")),
    ]
    headers.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items())
    try:
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
    except (OSError, trio.BrokenResourceError, trio.ClosedResourceError):
        return  # the client went away: nothing to answer
