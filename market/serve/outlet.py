"""The DIP's calls to real systems: webhooks for publications and status messages, and the
simulator's extension for D-flows and CSS messages.

A stand-in hands the outlet each delivery (:meth:`Outlet.forward`); the outlet
renders it as the DIP (or the DTN, or the CSS) would send it and queues a
:class:`Call`. :class:`HttpOutlet` posts the calls with at most
``concurrency`` in flight per recipient: the broker never waits on a socket,
and the pacer holds virtual time still while calls are queued or in flight (the
backpressure). What the real system answers goes back into the market through
the port (:mod:`market.serve.port`), which records it for replay.

Where each call goes, for a system registered with base ``URL``:

* a publication: ``URL`` (or the ``callbackURL`` its ``pubconfig`` set for the
  channel), a JSON array of one egress message signed by the DIP;
* a status message about its own submission: ``URL/statusmessage`` (or what
  ``/statusmessage/config`` set), a JSON array of one status message;
* a D-flow: ``URL/dtn``, the flow's data items as the journal renders them;
* a CSS message: ``URL/css``, ``{"message": name, "mpan": ..., "to": ..., "items": ...}``;
* anything else delivered to it (a customer's signing, for a supplier): ``URL/events``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

import attrs
import httpx
import trio

from market.messages.css import CssMessage
from market.messages.dip import DipEnvelope, DipResponse, render_body
from market.messages.dip.signing import SigningKey, signing_headers
from market.messages.dip.status import DipStatusMessage
from market.messages.dip.wire import to_wire
from market.messages.dtn import DFlow, render_flow
from market.messages.rendering import render_payload
from market.participant import Context
from market.serve.errors import MarketClosedError
from market.serve.onboarding import External
from market.serve.traffic import Traffic

#: Webhook retries after the first attempt, and the wait before the first retry (doubling).
DEFAULT_RETRIES: Final = 4
DEFAULT_FIRST_BACKOFF: Final = 0.05
#: How long one webhook call may take before it counts as unanswered (seconds).
CALL_TIMEOUT: Final = 10.0


@attrs.frozen(kw_only=True, slots=True)
class Call:
    """One call the DIP makes to a real system."""

    participant: str
    endpoint: str
    url: str
    body: bytes
    at: datetime
    publication: DipEnvelope | None = None


@attrs.frozen(kw_only=True, slots=True)
class Answer:
    """What a real system answered a call: its status (``None``: none) and body text."""

    status: int | None
    text: str
    seconds: float


@attrs.define
class Callbacks:
    """Where one real system takes its calls; ``pubconfig`` changes them while it runs."""

    base: str
    channels: dict[str, str] = attrs.field(factory=dict)
    status_url: str | None = None

    def publication_url(self, interface_id: str) -> str:
        """Where a publication of ``interface_id`` goes (a base without a path: its ``/``,
        the path the call is made to and so the URL its signature covers)."""
        url = self.channels.get(interface_id, self.base)
        return url if urlsplit(url).path else f"{url}/"

    def statusmessage_url(self) -> str:
        """Where status messages go."""
        return self.status_url or f"{self.base}/statusmessage"


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")


class Outlet:
    """Renders deliveries to real systems as calls; keeps what each was published.

    This base class makes no calls (a replay stands in for the real systems);
    :class:`HttpOutlet` makes them.
    """

    def __init__(self, externals: tuple[External, ...], dip_key: SigningKey | None) -> None:
        self.externals = {e.participant_id: e for e in externals}
        self.callbacks = {e.participant_id: Callbacks(base=e.callback_url) for e in externals}
        self.dip_key = dip_key
        #: Every publication delivered to each real system, by transaction id (replay, L4).
        self.published: dict[str, dict[str, DipEnvelope]] = {pid: {} for pid in self.externals}
        #: Calls that were never answered after every retry, by participant (requeue).
        self.failed: dict[str, list[Call]] = {pid: [] for pid in self.externals}
        self.forwarded = 0

    def forward(self, participant_id: str, message: object, ctx: Context) -> None:
        """Render ``message`` for the real system playing ``participant_id`` and queue it."""
        call = self.call_for(participant_id, message, ctx.now)
        if call is None:
            return
        if call.publication is not None:
            d0 = call.publication.common.d0
            if d0 is not None:
                self.published[participant_id][d0.transaction_id] = call.publication
        self.forwarded += 1
        self.take(call)

    def call_for(self, pid: str, message: object, at: datetime) -> Call | None:
        """The call that carries ``message`` to ``pid``'s system (``None``: nothing to send)."""
        callbacks = self.callbacks[pid]
        if isinstance(message, DipEnvelope):
            return Call(
                participant=pid,
                endpoint="publication",
                url=callbacks.publication_url(message.interface_id),
                body=render_body([message]),
                at=at,
                publication=message,
            )
        if isinstance(message, DipResponse):
            return None  # answers reach a real system as the response to its own POST
        body: object
        if isinstance(message, DipStatusMessage):
            endpoint, url, body = "statusmessage", callbacks.statusmessage_url(), [to_wire(message)]
        elif isinstance(message, DFlow):
            endpoint, url, body = "dtn", f"{callbacks.base}/dtn", render_flow(message)
        elif isinstance(message, CssMessage):
            endpoint, url = "css", f"{callbacks.base}/css"
            body = {
                "message": type(message).__name__,
                "mpan": message.mpan_core,
                "to": {"role": str(message.to_role), "mpid": message.to_mpid},
                "items": message.items(),
            }
        else:
            rendered = render_payload(message)
            endpoint, url = "events", f"{callbacks.base}/events"
            body = {
                "event": type(message).__name__,
                "data": rendered[1] if rendered is not None else None,
            }
        return Call(participant=pid, endpoint=endpoint, url=url, body=_json_bytes(body), at=at)

    def take(self, call: Call) -> None:
        """Queue ``call`` (here: nothing is called; a replay has the answers recorded)."""

    @property
    def busy(self) -> bool:
        """Whether calls are queued or in flight."""
        return False

    def signed_headers(self, call: Call) -> Mapping[str, str]:
        """The DIP's four signing headers on ``call``, and its content type."""
        headers = {"Content-Type": "application/json"}
        if self.dip_key is not None:
            headers.update(
                signing_headers(
                    method="POST", url=call.url, body=call.body, at=call.at, key=self.dip_key
                )
            )
        return headers


#: What the outlet does with an answer: hand it to the port (which applies and records it).
AnswerHandler = Callable[[Call, Answer], Awaitable[None]]


class HttpOutlet(Outlet):
    """Posts calls with bounded concurrency per recipient, retrying what goes unanswered."""

    def __init__(
        self,
        externals: tuple[External, ...],
        dip_key: SigningKey,
        *,
        traffic: Traffic,
        concurrency: int = 8,
        retries: int = DEFAULT_RETRIES,
        first_backoff: float = DEFAULT_FIRST_BACKOFF,
    ) -> None:
        super().__init__(externals, dip_key)
        self.traffic = traffic
        self.concurrency = concurrency
        self.retries = retries
        self.first_backoff = first_backoff
        self._pending = 0
        #: The calls queued or in flight, by ``id``: how many times each (``outstanding``).
        self._outstanding: dict[int, int] = {}
        self._busy_since = 0.0
        #: Wall-clock seconds during which calls were queued or in flight.
        self.busy_seconds = 0.0
        self._channels: dict[str, tuple[Any, Any]] = {
            pid: trio.open_memory_channel[Call](float("inf")) for pid in self.externals
        }
        self._on_answer: AnswerHandler | None = None
        #: Called whenever a call ends (the pacer counts it as the real system's activity).
        self.on_change: Callable[[], None] | None = None

    @property
    def busy(self) -> bool:
        """Whether calls are queued or in flight."""
        return self._pending > 0

    @property
    def pending(self) -> int:
        """Calls queued or in flight."""
        return self._pending

    def outstanding(self, call: Call) -> bool:
        """Whether ``call`` (this very call, as taken) is queued or in flight."""
        return id(call) in self._outstanding

    def take(self, call: Call) -> None:
        """Queue ``call`` for its recipient's workers."""
        if self._pending == 0:
            self._busy_since = trio.current_time()
        self._pending += 1
        self._outstanding[id(call)] = self._outstanding.get(id(call), 0) + 1
        self._channels[call.participant][0].send_nowait(call)

    async def run(self, on_answer: AnswerHandler) -> None:
        """Call the real systems until cancelled: ``concurrency`` workers per recipient."""
        self._on_answer = on_answer
        limits = httpx.Limits(max_connections=self.concurrency * max(1, len(self.externals)))
        async with (
            httpx.AsyncClient(timeout=CALL_TIMEOUT, limits=limits) as client,
            trio.open_nursery() as nursery,
        ):
            for pid in self.externals:
                receive = self._channels[pid][1]
                for _ in range(self.concurrency):
                    nursery.start_soon(self._worker, client, receive)

    async def _worker(self, client: httpx.AsyncClient, receive: Any) -> None:
        async for call in receive:
            try:
                answer = await self._deliver(client, call)
                assert self._on_answer is not None
                await self._on_answer(call, answer)
            except MarketClosedError:
                pass  # the run ended while the call was out: its answer changes nothing now
            finally:
                self._pending -= 1
                left = self._outstanding.pop(id(call), 1) - 1
                if left:
                    self._outstanding[id(call)] = left
                if self._pending == 0:
                    self.busy_seconds += trio.current_time() - self._busy_since
                self._wake()

    async def _deliver(self, client: httpx.AsyncClient, call: Call) -> Answer:
        """Post ``call``; retry when unanswered or 5xx; the last answer (or none) is returned."""
        answer = Answer(status=None, text="", seconds=0.0)
        backoff = self.first_backoff
        for attempt in range(self.retries + 1):
            started = trio.current_time()
            try:
                response = await client.post(
                    call.url, content=call.body, headers=self.signed_headers(call)
                )
                text = response.text[:2000]
                answer = Answer(
                    status=response.status_code, text=text, seconds=trio.current_time() - started
                )
            except httpx.HTTPError as error:
                answer = Answer(
                    status=None,
                    text=f"{type(error).__name__}: {error}"[:500],
                    seconds=trio.current_time() - started,
                )
            self.traffic.observe(
                call.participant,
                "outbound",
                call.endpoint,
                status=answer.status,
                seconds=answer.seconds,
            )
            if answer.status is not None and answer.status < 500:
                return answer
            if attempt < self.retries:
                await trio.sleep(backoff)
                backoff *= 2
        return answer

    def _wake(self) -> None:
        if self.on_change is not None:
            self.on_change()
