"""Every input from a real system, checked, recorded in the journal and applied to the market.

The HTTP application (:mod:`market.serve.http_app`) authenticates a call and
hands it here; so does the outlet with each webhook answer. Each input is
applied between batches, when the pacer lets it in (so never while a
participant is handling a batch), as the external participant's own outbox:
a ``state_changed`` record ``external_input`` carrying everything the input
was (the *point* it was taken at: how many times the runtime had asked the
pacer before a batch; the request's URL, headers and body, or the webhook's
answer), then what it does to the market. A replay
(:mod:`market.serve.replay`) feeds the same records through the same
functions at the same points, so it reproduces the run.

A DIP submission goes to the broker as the signed HTTP request it was: the
DIP's gateway applies every rule to it, the signature against the certificate
registered at onboarding included. Its synchronous answers are taken from the
wire (:attr:`~market.networks.wire.Wire.answer_taps`) and become the HTTP
response. D-flows, CSS messages and status messages are checked here: the
signature, then the body, then that the sender sends as itself.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

import attrs

from market.boundary import DIP_BODY
from market.boundary.reading import InputError, decode_json
from market.kernel.broker import Broker
from market.kernel.ids import Role
from market.kernel.queue import Parcel
from market.messages import css as css_messages
from market.messages.css import CssMessage
from market.messages.dip import DipResponse, DipResponseItem
from market.messages.dip.codes import (
    DIP_UNAVAILABLE,
    REJECTED_BY_RECIPIENT,
    SCHEMA_FAILURE,
    SENDER_DIP_ID_MISMATCH,
    SUCCESS,
    UnknownResponseCodeError,
    response_code_of,
)
from market.messages.dip.signing import SIGNING_HEADERS, verification_problem
from market.messages.dip.status import DipStatusMessage, RecipientRejection
from market.messages.dip.transport import DipRequest, header_value
from market.messages.dip.wire import to_wire
from market.messages.dtn import FlowError, parse_flow
from market.participant import Context, OutboxEntry, Record, Send
from market.serve.onboarding import External
from market.serve.outlet import Answer, Call, Outlet
from market.serve.traffic import Traffic

#: The journal record every input from outside is, and the one each real system starts with.
INPUT_EVENT: Final = "external_input"
ONBOARDED_EVENT: Final = "external_onboarded"
#: HTTP statuses whose answer is not 201.
_MULTI_STATUS: Final = 207
_BAD_REQUEST: Final = 400
_UNAUTHORISED: Final = 401
_FORBIDDEN: Final = 403
_UNAVAILABLE: Final = 503


@attrs.frozen(kw_only=True, slots=True)
class HttpAnswer:
    """What the simulator answers a real system's call: status and JSON body."""

    status: int
    body: Any
    headers: Mapping[str, str] = attrs.field(factory=dict)


class Turn:
    """Waits for the pacer to let an input in; the replay's is always open."""

    @property
    def point(self) -> int:
        """How many times the runtime has asked before a batch: where an input taken now goes."""
        return 0

    async def wait(self) -> None:
        """Return once the market stands still between batches."""

    def input_instant(self) -> datetime | None:
        """The virtual instant to take an input at (``None``: the clock's own)."""
        return None


def _text_of(body: bytes, limit: int) -> dict[str, Any]:
    """How the journal records a body: as text, as base64, or (over the DIP's size limit,
    which refuses it unread) only its length."""
    if len(body) > limit:
        return {"body_omitted": len(body)}
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_b64": base64.b64encode(body).decode("ascii")}


def body_of(data: Mapping[str, Any]) -> bytes:
    """The body bytes a recorded input carried (:func:`_text_of` inverted; an omitted body,
    refused for its size alone, comes back as that many zero bytes)."""
    if "body_omitted" in data:
        return bytes(int(data["body_omitted"]))
    if "body_b64" in data:
        return base64.b64decode(str(data["body_b64"]))
    return str(data.get("body", "")).encode("utf-8")


def _problem(status: int, code: str, help_text: str) -> HttpAnswer:
    return HttpAnswer(status=status, body={"message": code, "help": help_text})


class Port:
    """Applies what real systems send to the market, and answers them."""

    def __init__(
        self,
        broker: Broker,
        externals: Sequence[External],
        outlet: Outlet,
        turn: Turn,
        traffic: Traffic | None = None,
    ) -> None:
        """``traffic``: where publications the real systems accepted are counted (a live run's)."""
        self.broker = broker
        self.traffic = traffic
        self.externals = {e.participant_id: e for e in externals}
        self._by_certificate = {e.certificate.certificate_header: e for e in externals}
        self.outlet = outlet
        self.turn = turn
        self._limit = broker.gateway.defences.max_payload_bytes
        #: What the DIP knows of each real system's submissions, by senderUniqueReference.
        self.delivery_status: dict[str, dict[str, list[dict[str, Any]]]] = {
            pid: {} for pid in self.externals
        }
        for external in externals:
            broker.gateway.certificates[external.dip_id] = external.certificate

    # ------------------------------------------------------------ onboarding

    def onboard(self, market: Mapping[str, Any]) -> None:
        """Journal each real system's onboarding (its callback URL and certificate)."""
        for pid, external in sorted(self.externals.items()):
            data = {
                "callback_url": external.callback_url,
                "certificate": external.certificate.certificate_header,
                "market": dict(market),
            }
            self.broker.accept_outbox(pid, [Record(ONBOARDED_EVENT, None, data)])

    def identify(self, headers: Mapping[str, str]) -> External | None:
        """The real system whose registered certificate a call presents (mutual TLS stands in)."""
        presented = header_value(headers, SIGNING_HEADERS[3])
        return self._by_certificate.get(presented) if presented else None

    # ------------------------------------------------------------ forwarding

    def forward(self, participant_id: str, message: object, ctx: Context) -> None:
        """A stand-in's delivery: note status messages for ``deliveryStatus``, then send it on."""
        if isinstance(message, DipStatusMessage) and message.sender_unique_reference is not None:
            self._note_status(
                participant_id,
                message.sender_unique_reference,
                stage=message.stage,
                status=message.status,
                at=message.timestamp,
                message=message.message,
            )
        self.outlet.forward(participant_id, message, ctx)

    def _note_status(self, pid: str, reference: str, **status: Any) -> None:
        if isinstance(status.get("at"), datetime):
            status["at"] = status["at"].isoformat()
        self.delivery_status[pid].setdefault(reference, []).append(status)

    # ----------------------------------------------------------------- inputs

    async def dip_submission(self, pid: str, request: DipRequest) -> HttpAnswer:
        """A ``POST /dip-channel/{IF}``: the DIP judges it as it judges any submission."""
        await self.turn.wait()
        return self.apply_dip(pid, request, self._stamp(request))

    def apply_dip(self, pid: str, request: DipRequest, data: dict[str, Any]) -> HttpAnswer:
        """Record and submit ``request`` now; its answers become the HTTP response."""
        taps = self.broker.wire.answer_taps
        taken: list[Parcel] = []
        taps[pid] = taken
        try:
            self._apply(pid, data, [Send(request)])
        finally:
            del taps[pid]
        answer = answer_of(taken, now=self.broker.clock.now)
        for item in answer.body.get("messageArray", ()):
            reference = item.get("senderUniqueReference")
            if reference:
                self._note_status(
                    pid,
                    reference,
                    stage="Inbound",
                    status="GoodToGo"
                    if str(item.get("message", "")).startswith("MSG0000")
                    else "InboundRuleFailure",
                    at=self.broker.clock.now,
                    message=item.get("message"),
                )
        return answer

    async def flow(self, pid: str, url: str, headers: Mapping[str, str], body: bytes) -> HttpAnswer:
        """A ``POST /dtn``: a D-flow the real system sends on the DTN."""
        return await self._checked(pid, "dtn", url, headers, body)

    async def css(self, pid: str, url: str, headers: Mapping[str, str], body: bytes) -> HttpAnswer:
        """A ``POST /css``: a CSS message the real system sends."""
        return await self._checked(pid, "css", url, headers, body)

    async def status_message(
        self, pid: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> HttpAnswer:
        """A ``POST /statusmessage``: the real system refuses a publication it had (level 4)."""
        return await self._checked(pid, "statusmessage", url, headers, body)

    async def _checked(
        self, pid: str, kind: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> HttpAnswer:
        request = DipRequest(url=url, body=body, headers=dict(headers))
        refused = verification_problem(request, self.externals[pid].certificate)
        await self.turn.wait()
        data = {"input": kind, "point": self.turn.point, "url": url, **_text_of(body, self._limit)}
        if refused is not None:
            data["refused"] = refused
        return self.apply_checked(pid, data)

    def apply_checked(self, pid: str, data: dict[str, Any]) -> HttpAnswer:
        """Judge and apply a recorded D-flow, CSS or status-message input (live or replayed)."""
        self._set_clock(data)
        refused = data.get("refused")
        if refused is not None:
            self._apply(pid, data, [])
            return _problem(_UNAUTHORISED, "MSG1009 - Signature Verification Failed", refused)
        judge = _JUDGES[str(data["input"])]
        entries, answer = judge(self, pid, body_of(data))
        self._apply(pid, data, entries)
        return answer

    async def webhook_answered(self, call: Call, answer: Answer) -> None:
        """The outlet's news of a call: a refused or undeliverable one changes the market."""
        publication = call.publication
        if publication is not None and answer.status == 201:
            if self.traffic is not None:
                delivered = self.traffic.publications_delivered
                delivered[call.participant] = delivered.get(call.participant, 0) + 1
            return
        if answer.status is not None and answer.status < 300:
            return
        await self.turn.wait()
        d0 = publication.common.d0 if publication is not None else None
        data = {
            "input": "webhook",
            "point": self.turn.point,
            "endpoint": call.endpoint,
            "url": call.url,
            "transaction_id": d0.transaction_id if d0 is not None else None,
            "status": answer.status,
            "text": answer.text,
        }
        if answer.status is None or answer.status >= 500:
            self.outlet.failed[call.participant].append(call)
        self.apply_webhook(call.participant, data)

    def apply_webhook(self, pid: str, data: dict[str, Any]) -> None:
        """Record a webhook's answer; a 4xx to a publication is a level-3 rejection."""
        self._set_clock(data)
        status = data.get("status")
        entries: list[OutboxEntry] = []
        transaction = data.get("transaction_id")
        publication = self.outlet.published[pid].get(str(transaction)) if transaction else None
        if publication is not None and isinstance(status, int) and 400 <= status < 500:
            rule = f"the webhook answered {status}: {_first_problem(str(data.get('text', '')))}"
            entries.append(
                Send(
                    RecipientRejection(
                        publication=publication, code=REJECTED_BY_RECIPIENT, rule=rule, level=3
                    )
                )
            )
        self._apply(pid, data, entries)

    # ------------------------------------------------------------------ helpers

    def _stamp(self, request: DipRequest) -> dict[str, Any]:
        headers = {name: request.header(name) or "" for name in SIGNING_HEADERS}
        return {
            "input": "dip",
            "point": self.turn.point,
            "url": request.url,
            "method": request.method,
            "headers": headers,
            **_text_of(request.body, self._limit),
        }

    def _set_clock(self, data: dict[str, Any]) -> None:
        at = self.turn.input_instant()
        if at is not None and at > self.broker.clock.now:
            self.broker.clock.now = at

    def _apply(self, pid: str, data: dict[str, Any], entries: Sequence[OutboxEntry]) -> None:
        self._set_clock(data)
        self.broker.accept_outbox(pid, [Record(INPUT_EVENT, None, data), *entries])

    def _judge_flow(self, pid: str, body: bytes) -> tuple[list[OutboxEntry], HttpAnswer]:
        try:
            flow = parse_flow(decode_json(body, DIP_BODY))
        except InputError as error:
            return [], _problem(_BAD_REQUEST, SCHEMA_FAILURE.message, str(error))
        except FlowError as error:
            where = flow_path(error.field)
            return [], _problem(_BAD_REQUEST, SCHEMA_FAILURE.message, f"{where}: {error.rule}")
        identity = self.externals[pid].identity
        if flow.from_mpid != identity.mpid or flow.from_role != identity.role:
            return [], _problem(
                _FORBIDDEN,
                SENDER_DIP_ID_MISMATCH.message,
                f"{flow.flow_id} is from {flow.from_role} {flow.from_mpid}, but the certificate "
                f"is {pid}'s ({identity.role} {identity.mpid}); send as yourself",
            )
        return [Send(flow)], HttpAnswer(status=201, body={"message": SUCCESS.message})

    def _judge_css(self, pid: str, body: bytes) -> tuple[list[OutboxEntry], HttpAnswer]:
        try:
            message = parse_css(decode_json(body, DIP_BODY))
        except (InputError, ValueError, TypeError) as error:
            return [], _problem(_BAD_REQUEST, SCHEMA_FAILURE.message, str(error))
        return [Send(message)], HttpAnswer(status=201, body={"message": SUCCESS.message})

    def _judge_status(self, pid: str, body: bytes) -> tuple[list[OutboxEntry], HttpAnswer]:
        try:
            value = decode_json(body, DIP_BODY)
        except InputError as error:
            return [], _problem(_BAD_REQUEST, SCHEMA_FAILURE.message, str(error))
        items = value if isinstance(value, list) else [value]
        entries: list[OutboxEntry] = []
        for index, item in enumerate(items):
            where = f"$[{index}]" if isinstance(value, list) else "$"
            if not isinstance(item, dict):
                return [], _problem(_BAD_REQUEST, SCHEMA_FAILURE.message, f"{where}: not an object")
            transaction = item.get("transactionID")
            publication = (
                self.outlet.published[pid].get(transaction)
                if isinstance(transaction, str)
                else None
            )
            if publication is None:
                return [], _problem(
                    _BAD_REQUEST,
                    SCHEMA_FAILURE.message,
                    f"{where}.transactionID: {transaction!r} is not a publication delivered "
                    f"to {pid}",
                )
            if item.get("status") != "RejectedByRecipient":
                continue  # other statuses (Delivered, ...) are news, not refusals
            rule = item.get("help") or item.get("message") or "refused by the recipient"
            entries.append(
                Send(
                    RecipientRejection(
                        publication=publication,
                        code=REJECTED_BY_RECIPIENT,
                        rule=str(rule)[:500],
                        level=4,
                    )
                )
            )
        return entries, HttpAnswer(status=201, body={"message": SUCCESS.message})


_JUDGES: Final[dict[str, Callable[[Port, str, bytes], tuple[list[OutboxEntry], HttpAnswer]]]] = {
    "dtn": Port._judge_flow,
    "css": Port._judge_css,
    "statusmessage": Port._judge_status,
}


#: The keys of a rendered D-flow's envelope (everything else is a data item).
_FLOW_KEYS: Final = ("flow", "mpan", "from", "to", "items")


def flow_path(field: str) -> str:
    """The JSON path of a rendered D-flow that a :class:`FlowError` field names.

    ``flow`` → ``$.flow``; ``D0300.from`` → ``$.from``; ``D0300.from_role`` →
    ``$.from.role``; ``D0300.items`` → ``$.items``; ``D0300.supply_start_date`` →
    ``$.items.supply_start_date``.
    """
    head, _, rest = field.partition(".")
    if not rest:
        return "$.flow" if head == "flow" else "$"
    top, _, _ = rest.partition(".")
    for side in ("from", "to"):
        for part in ("role", "mpid"):
            if top == f"{side}_{part}":
                return f"$.{side}.{part}"
    return f"$.{rest}" if top in _FLOW_KEYS else f"$.items.{rest}"


def _first_problem(text: str) -> str:
    """The first ``help`` (else ``message``) of a StandardResponse body's ``messageArray``
    (or of a bare message object), else the body's start."""
    try:
        value = decode_json(text, DIP_BODY)
    except InputError:
        return text[:200] or "(no body)"
    items = value.get("messageArray") if isinstance(value, dict) else value
    for item in items if isinstance(items, list) else [value]:
        if isinstance(item, dict):
            said = item.get("help") or item.get("message")
            if said:
                return str(said)[:200]
    return text[:200]


def answer_of(taken: Sequence[Parcel], *, now: datetime) -> HttpAnswer:
    """The HTTP answer to a submission from the DIP's synchronous answers to it.

    201 when every envelope was accepted, 207 when some were, otherwise the
    status of the first refusal's code (400 unless the code says otherwise;
    503 for an outage).
    """
    items: list[DipResponseItem] = []
    for parcel in taken:
        payload = parcel.payload
        if isinstance(payload, DipResponse):
            items.extend(payload.items)
    body = to_wire(DipResponse(items=tuple(items), timestamp=now))
    codes = []
    for item in items:
        try:
            codes.append(response_code_of(item.message))
        except UnknownResponseCodeError:
            codes.append(SCHEMA_FAILURE)
    succeeded = sum(code.success for code in codes)
    if codes and succeeded == len(codes):
        return HttpAnswer(status=201, body=body)
    if succeeded:
        return HttpAnswer(status=_MULTI_STATUS, body=body)
    first = codes[0] if codes else SCHEMA_FAILURE
    if first is DIP_UNAVAILABLE:
        return HttpAnswer(status=_UNAVAILABLE, body=body)
    return HttpAnswer(status=first.http_status or _BAD_REQUEST, body=body)


_CSS_CLASSES: Final = {
    cls.__name__: cls
    for cls in vars(css_messages).values()
    if isinstance(cls, type) and issubclass(cls, CssMessage) and cls is not CssMessage
}


def parse_css(value: object) -> CssMessage:
    """``{"message": name, "mpan": ..., "to": {"role", "mpid"}, "items": {...}}`` → the message.

    Raises ``ValueError`` naming the JSON path and rule of the first problem.
    """
    if not isinstance(value, dict):
        raise ValueError("$: a CSS message is a JSON object")
    name = value.get("message")
    cls = _CSS_CLASSES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(
            f"$.message: {name!r} is not a CSS message; use one of "
            f"{', '.join(sorted(_CSS_CLASSES))}"
        )
    to = value.get("to")
    items = value.get("items", {})
    if not isinstance(to, dict) or not isinstance(items, dict):
        raise ValueError("$.to and $.items must be JSON objects")
    mpan = value.get("mpan")
    if not isinstance(mpan, str):
        raise ValueError("$.mpan: the MPAN core, 13 digits, is required")
    try:
        role = Role(str(to.get("role")))
    except ValueError:
        raise ValueError(f"$.to.role: {to.get('role')!r} is not a role") from None
    fields = {f.name: f for f in attrs.fields(cls)}
    arguments = {}
    for name, raw in items.items():
        where = f"$.items.{name}"
        if name not in fields or name in ("mpan_core", "to_role", "to_mpid"):
            raise ValueError(f"{where}: {cls.__name__} has no such item")
        if not isinstance(raw, str):
            raise ValueError(f"{where}: must be a string, got {type(raw).__name__}")
        arguments[name] = _css_value(str(fields[name].type), raw, where)
    try:
        return cls(mpan_core=mpan, to_role=role, to_mpid=to.get("mpid"), **arguments)
    except (TypeError, ValueError) as error:
        raise ValueError(f"$: {cls.__name__}: {error}") from None


def _css_value(annotation: str, value: str, where: str) -> object:
    """A CSS item's text as its field holds it: a date, an instant, or the text itself."""
    try:
        if annotation == "datetime":
            instant = datetime.fromisoformat(value)
            if instant.tzinfo is None:
                raise ValueError("no UTC offset")
            return instant
        if annotation == "date":
            return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{where}: {value!r} is not an ISO {annotation} ({error})") from None
    return value
