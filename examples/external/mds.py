"""A stand-alone Market-wide Data Service (MDS) that joins ``market serve`` over HTTP.

It stands for a real system written by someone else: it uses only the Python
standard library and the ``cryptography`` package, and knows the market only
through the files ``market serve`` writes into the ``--keys`` folder and the
DIP's HTTP API. What it does, as the simulated MDS does:

* it receives the DIP's webhooks, verifies each signature and answers 201
  (401 when the signature does not verify, 400 when the body is not a JSON
  array of publications);
* from IF-003 ``[ReverseMigNotification]`` it remembers each MPAN's
  ``MHHSRegimeEndDate``;
* from IF-021 ``[ActivePower]`` / ``[ReactivePower]`` it refuses every day
  after that date: one IF-014 ``[ActivePowerRejected]`` with ECS1001 per day,
  posted to ``POST {dip}/dip-channel/IF-014`` by a background worker.

Run it first, then ``market serve`` (see README.md in this folder)::

    python examples/external/mds.py --keys /tmp/mdskeys --listen 127.0.0.1:8191
    market serve --scenario examples/external/late-consumption.toml \\
        --external MDS=http://127.0.0.1:8191 --keys /tmp/mdskeys --until-done
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import queue
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generic, NoReturn, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ROLE = "MDS"
SUCCESS = "MSG0000 - Success"
SCHEMA_FAILURE = "MSG1001 - Schema Failure"
SIGNATURE_FAILED = "MSG1009 - Signature Verification Failed"
UNAVAILABLE = "MSG5003 - Service Unavailable"
DATA_SERVICE_NOT_APPOINTED = "ECS1001 - Data Service Not Appointed for Date of SP Submission"

SIGNATURE = "X-DIP-Signature"
SIGNATURE_DATE = "X-DIP-Signature-Date"
CONTENT_HASH = "X-DIP-Content-Hash"
CERTIFICATE = "X-DIP-Signature-Certificate"

#: Webhook paths other than publications; the MDS verifies and acknowledges them.
OTHER_ENDPOINTS = ("statusmessage", "dtn", "css", "events")
#: The largest webhook body read (the DIP's own limit is 1 MiB).
MAX_BODY = 4 * 1024 * 1024
#: Submission retries on 503 / 429 / no answer: first wait, longest wait, give up after.
FIRST_WAIT = 0.2
LONGEST_WAIT = 5.0
RETRY_FOR = 120.0
#: Seconds to wait for the DIP to answer one submission.
SUBMIT_TIMEOUT = 30.0

T = TypeVar("T")
#: How a help text names the JSON type a field must be.
KIND_NAMES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    type(None): "null",
}


_LOG_LOCK = threading.Lock()


def log(text: str) -> None:
    """One line on stderr (whole, even when several threads log at once)."""
    with _LOG_LOCK:
        sys.stderr.write(f"mds: {text}\n")
        sys.stderr.flush()


# ---------------------------------------------------------------- signing (brief e.1)


def content_hash(body: bytes) -> str:
    """``base64(SHA-256(body))``: the ``X-DIP-Content-Hash`` of ``body``."""
    return base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def string_to_sign(url: str, signature_date: str, body_hash: str) -> str:
    """``POST;lowercase(fullUrl);signatureDate;contentHash``."""
    return f"POST;{url.lower()};{signature_date};{body_hash}"


def signature_date_now() -> str:
    """The wall clock as ``X-DIP-Signature-Date`` wants it: ``2026-02-27T18:05:12.345Z``."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def signing_headers(
    url: str, body: bytes, key: rsa.RSAPrivateKey, certificate_header: str
) -> dict[str, str]:
    """The four signing headers of a POST of ``body`` to ``url``."""
    body_hash = content_hash(body)
    signed_at = signature_date_now()
    text = string_to_sign(url, signed_at, body_hash).encode("utf-8")
    signature = key.sign(text, padding.PKCS1v15(), hashes.SHA256())
    return {
        SIGNATURE: base64.b64encode(signature).decode("ascii"),
        SIGNATURE_DATE: signed_at,
        CONTENT_HASH: body_hash,
        CERTIFICATE: certificate_header,
    }


@dataclass(frozen=True)
class Certificate:
    """A PEM certificate: its RSA public key and its ``X-DIP-Signature-Certificate`` value."""

    public_key: rsa.RSAPublicKey
    header: str


def signature_problem(
    url: str, headers: Mapping[str, str], body: bytes, dip: Certificate
) -> str | None:
    """Why a webhook's signature does not verify against the DIP's certificate, or ``None``."""
    missing = [
        name
        for name in (SIGNATURE, SIGNATURE_DATE, CONTENT_HASH, CERTIFICATE)
        if not headers.get(name)
    ]
    if missing:
        return f"missing header {', '.join(missing)}"
    body_hash = content_hash(body)
    if headers[CONTENT_HASH] != body_hash:
        return f"{CONTENT_HASH} is not base64(SHA-256) of the body received"
    if headers[CERTIFICATE] != dip.header:
        return f"{CERTIFICATE} is not the DIP's certificate (dip.cert.pem)"
    text = string_to_sign(url, headers[SIGNATURE_DATE], body_hash).encode("utf-8")
    try:
        signature = base64.b64decode(headers[SIGNATURE], validate=True)
        dip.public_key.verify(signature, text, padding.PKCS1v15(), hashes.SHA256())
    except (ValueError, InvalidSignature):
        return f"{SIGNATURE} does not verify over POST;lowercase(url);date;contentHash for {url}"
    return None


# ---------------------------------------------------------------- the keys folder


class NotReadyError(Exception):
    """A file of the keys folder is missing or unreadable (``market serve`` has not written it)."""


class WatchedFile(Generic[T]):
    """One file of the keys folder: read when first needed, read again whenever it changes."""

    def __init__(self, path: Path, parse: Callable[[bytes], T]) -> None:
        self.path = path
        self.parse = parse
        self._stamp: tuple[int, int] | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def value(self) -> T:
        """The file's parsed content; raises :class:`NotReadyError` if it cannot be had."""
        with self._lock:
            try:
                stat = self.path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                if stamp != self._stamp or self._value is None:
                    self._value = self.parse(self.path.read_bytes())
                    self._stamp = stamp  # the stamp from before the read: a later write reloads
            except (OSError, ValueError) as error:
                raise NotReadyError(f"{self.path}: {error}") from None
            return self._value


def parse_certificate(pem: bytes) -> Certificate:
    """A PEM certificate holding an RSA key."""
    public_key = x509.load_pem_x509_certificate(pem).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("not an RSA certificate")
    return Certificate(public_key=public_key, header=base64.b64encode(pem).decode("ascii"))


def parse_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    """An unencrypted PEM (PKCS8) RSA private key."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def parse_market(data: bytes) -> dict[str, Any]:
    """``market.json``: the DIP's URL and every participant."""
    market = json.loads(data)
    if not isinstance(market, dict) or not isinstance(market.get("participants"), list):
        raise ValueError("not a market directory")
    return market


@dataclass(frozen=True)
class Identity:
    """What the MDS signs its submissions with, and where it sends them."""

    dip_id: str
    dip_url: str
    key: rsa.RSAPrivateKey
    certificate_header: str


class KeysFolder:
    """The files ``market serve`` writes at start: keys, certificates and ``market.json``."""

    def __init__(self, folder: Path, participant: str, dip_url: str | None) -> None:
        self.participant = participant
        self.dip_url = dip_url
        self.dip_certificate = WatchedFile(folder / "dip.cert.pem", parse_certificate)
        self.own_certificate = WatchedFile(folder / f"{participant}.cert.pem", parse_certificate)
        self.own_key = WatchedFile(folder / f"{participant}.key.pem", parse_private_key)
        self.market = WatchedFile(folder / "market.json", parse_market)

    def identity(self) -> Identity:
        """Its DIP ID, the DIP's URL, its key and certificate; raises :class:`NotReadyError`."""
        market = self.market.value()
        entry = next((p for p in market["participants"] if p.get("id") == self.participant), None)
        if entry is None or not entry.get("dip_id"):
            raise NotReadyError(f"market.json has no participant {self.participant} with a DIP ID")
        dip_url = self.dip_url or market.get("dip_url")
        if not dip_url:
            raise NotReadyError("market.json has no dip_url; pass --dip URL")
        return Identity(
            dip_id=entry["dip_id"],
            dip_url=str(dip_url).rstrip("/"),
            key=self.own_key.value(),
            certificate_header=self.own_certificate.value().header,
        )


# ---------------------------------------------------------------- reading publications


class SchemaFailureError(Exception):
    """A webhook body the MDS cannot read; the message is the JSON path and why."""


def get(value: Any, path: str, keys: str, kind: type | tuple[type, ...] = dict) -> Any:
    """``value[k1][k2]...`` for the dotted ``keys``, which must be of ``kind``.

    ``path`` is where ``value`` is in the body (``$[0].payload``); a missing key
    or a wrong type raises :class:`SchemaFailureError` naming the full path.
    """
    for key in keys.split("."):
        if not isinstance(value, dict):
            raise SchemaFailureError(f"{path}: must be an object")
        if key not in value:
            raise SchemaFailureError(f"{path}.{key}: required")
        value, path = value[key], f"{path}.{key}"
    if not isinstance(value, kind):
        names = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(KIND_NAMES[k] for k in names)
        raise SchemaFailureError(f"{path}: must be {wanted}")
    return value


def date_part(text: str, path: str) -> date:
    """The calendar date a DT-003 datetime starts with (the DIP writes UK local midnight)."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise SchemaFailureError(f"{path}: {text!r} is not a YYYY-MM-DD... datetime") from None


def utc_timestamp(text: str, path: str) -> str:
    """A DT-003 datetime as a 25-character UTC one: ``YYYY-MM-DDThh:mm:ss+00:00``."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise SchemaFailureError(f"{path}: {text!r} is not an ISO 8601 datetime") from None
    if at.tzinfo is None:
        raise SchemaFailureError(f"{path}: {text!r} has no UTC offset")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


@dataclass(frozen=True)
class RegimeEnd:
    """From IF-003 ``[ReverseMigNotification]``: the MPAN leaves MHHS after ``end``."""

    mpan: str
    end: date


@dataclass(frozen=True)
class Consumption:
    """From IF-021: one MPAN's days of active or reactive consumption."""

    transaction_id: str
    mpan: str
    sender_dip_id: str
    timestamp: str  # D0.transactionTimestamp in UTC: the market's (virtual) time
    correlation_id: str | None
    m0: dict[str, Any]
    b044: dict[str, Any]
    b067: dict[str, Any]
    days: tuple[tuple[date, dict[str, Any]], ...]


@dataclass(frozen=True)
class Refusal:
    """One day of consumption the MDS refuses: the IF-014 it owes the data service."""

    consumption: Consumption
    day: date
    day_block: dict[str, Any]


def read_body(body: bytes) -> list[Any]:
    """The ``payload`` of each item of a webhook body (a JSON array of ``{"payload": ...}``)."""
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise SchemaFailureError(f"$: not JSON ({error})") from None
    if not isinstance(items, list):
        raise SchemaFailureError("$: must be an array")
    return [get(item, f"$[{index}]", "payload") for index, item in enumerate(items)]


def read_publication(payload: dict[str, Any], path: str) -> RegimeEnd | Consumption | None:
    """What the MDS needs from one publication (``None``: one it has no use for)."""
    event_code = get(payload, path, "CommonBlock.S0.eventCode", str)
    if event_code == "[ReverseMigNotification]":
        mpan = get(payload, path, "CommonBlock.M0.MPANCore", str)
        key = "CustomBlock.B094.MHHSRegimeEndDate"
        return RegimeEnd(mpan=mpan, end=date_part(get(payload, path, key, str), f"{path}.{key}"))
    if event_code in ("[ActivePower]", "[ReactivePower]"):
        return read_consumption(payload, path)
    return None


def read_consumption(payload: dict[str, Any], path: str) -> Consumption:
    """An IF-021 publication's MPAN, sender, time, correlation and days."""
    days = []
    day_blocks = get(payload, path, "CustomBlock.B900List", list)
    for index, block in enumerate(day_blocks):
        where = f"{path}.CustomBlock.B900List[{index}]"
        days.append((date_part(get(block, where, "B046.settlementDayDate", str), where), block))
    return Consumption(
        transaction_id=get(payload, path, "CommonBlock.D0.transactionID", str),
        mpan=get(payload, path, "CommonBlock.M0.MPANCore", str),
        sender_dip_id=get(payload, path, "CommonBlock.S1.senderDIPID", str),
        timestamp=utc_timestamp(
            get(payload, path, "CommonBlock.D0.transactionTimestamp", str),
            f"{path}.CommonBlock.D0.transactionTimestamp",
        ),
        correlation_id=get(payload, path, "CommonBlock.D0.initialCorrelationID", (str, type(None))),
        m0=get(payload, path, "CommonBlock.M0"),
        b044=get(payload, path, "CustomBlock.B044"),
        b067=get(payload, path, "CustomBlock.B067"),
        days=tuple(days),
    )


# ---------------------------------------------------------------- the MDS's rules


class MarketwideDataService:
    """The MDS's memory: each MPAN's regime end, and the consumption already judged."""

    def __init__(self) -> None:
        self.regime_end: dict[str, date] = {}
        self.judged: set[str] = set()
        self._lock = threading.Lock()

    def take(self, facts: list[RegimeEnd | Consumption]) -> list[Refusal]:
        """Remember regime ends; the days of consumption to refuse (after the regime end)."""
        refusals = []
        with self._lock:
            for fact in facts:
                if isinstance(fact, RegimeEnd):
                    self.regime_end[fact.mpan] = fact.end
                elif fact.transaction_id not in self.judged:  # a repeat is judged once
                    self.judged.add(fact.transaction_id)
                    refusals.extend(self.refused_days(fact))
        return refusals

    def refused_days(self, consumption: Consumption) -> list[Refusal]:
        """The days of ``consumption`` after its MPAN's regime end (none if no end is known)."""
        end = self.regime_end.get(consumption.mpan)
        if end is None:
            return []
        return [
            Refusal(consumption=consumption, day=day, day_block=block)
            for day, block in consumption.days
            if day > end
        ]


def rejection_payload(refusal: Refusal, dip_id: str, reference: str) -> dict[str, Any]:
    """The IF-014 ``[ActivePowerRejected]`` envelope refusing one day (ECS1001)."""
    consumption = refusal.consumption
    return {
        "CommonBlock": {
            "S0": {
                "interfaceID": "IF-014",
                "schemaVersion": "011",
                "eventCode": "[ActivePowerRejected]",
            },
            "S1": {
                "environmentTag": "SIT",
                "subText": None,
                "senderUniqueReference": reference,
                "senderTimestamp": consumption.timestamp,
                "senderDIPID": dip_id,
                "senderRoleID": ROLE,
                "senderCorrelationID": consumption.correlation_id,
                "DIPConnectionProviderID": None,
            },
            "A0": {
                "primaryRecipients": [consumption.sender_dip_id],
                "secondaryRecipients": [],  # the DIP adds these on publication
                "always": [],
            },
            "M0": consumption.m0,
            "R0": {"responseCode": "R", "responseMessages": [DATA_SERVICE_NOT_APPOINTED]},
        },
        "CustomBlock": {
            "B044": consumption.b044,
            "B067": consumption.b067,
            "B900": refusal.day_block,
        },
    }


# ---------------------------------------------------------------- submitting to the DIP


def post(url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int | None, str]:
    """POST ``body``; the HTTP status (``None``: no answer) and the answer's text."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with opener.open(request, timeout=SUBMIT_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError as error:  # refused, reset, timed out
        return None, str(error)


class Submitter:
    """The background worker: sends each refusal as an IF-014, one at a time, in order."""

    def __init__(self, keys: KeysFolder, *, skip_one: bool) -> None:
        self.keys = keys
        self.skip_one = skip_one
        self.skipped = False
        self.refusals: queue.Queue[Refusal] = queue.Queue()
        self.sent = 0
        # The start time keeps references unique if the MDS is restarted during a run.
        self._reference_prefix = f"X{int(time.time())}N"

    def run(self) -> NoReturn:
        """Send refusals as they come, forever (a daemon thread)."""
        while True:
            refusal = self.refusals.get()
            if self.skips():
                log(
                    f"defect skip-one-rejection: not sending the IF-014 for MPAN "
                    f"{refusal.consumption.mpan} day {refusal.day}"
                )
                continue
            self.submit(refusal)

    def skips(self) -> bool:
        """The planted defect: the first IF-014 it owes is never sent."""
        if not self.skip_one or self.skipped:
            return False
        self.skipped = True
        return True

    def submit(self, refusal: Refusal) -> None:
        """Build, sign and post one IF-014; retry while the DIP is unavailable."""
        what = f"IF-014 for MPAN {refusal.consumption.mpan} day {refusal.day}"
        try:
            identity = self.keys.identity()
        except NotReadyError as error:
            log(f"{what}: not sent, the keys folder is not ready: {error}")
            return
        self.sent += 1
        stamp = refusal.consumption.timestamp[:10].replace("-", "")
        reference = f"S-IF-014-{identity.dip_id}-{ROLE}-{stamp}-{self._reference_prefix}{self.sent}"
        payload = rejection_payload(refusal, identity.dip_id, reference)
        body = json.dumps([{"payload": payload}], separators=(",", ":")).encode("utf-8")
        url = f"{identity.dip_url}/dip-channel/IF-014"
        status, text = self.post_with_retries(url, body, identity)
        if status is not None and 200 <= status < 300:
            log(f"{what}: {status} accepted ({reference})")
        else:
            log(f"{what}: given up, the DIP answered {status}: {text[:300]}")

    def post_with_retries(
        self, url: str, body: bytes, identity: Identity
    ) -> tuple[int | None, str]:
        """Post ``body`` (signed afresh each time) until the DIP answers other than 503 / 429."""
        deadline = time.monotonic() + RETRY_FOR
        wait = FIRST_WAIT
        while True:
            headers = signing_headers(url, body, identity.key, identity.certificate_header)
            status, text = post(url, body, headers)
            retryable = status is None or status in (429, 503)
            if not retryable or time.monotonic() + wait > deadline:
                return status, text
            log(f"DIP answered {status}; retrying in {wait:.1f} s")
            time.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)


# ---------------------------------------------------------------- the webhooks


def answer(message: str, help_text: str | None = None) -> dict[str, Any]:
    """A StandardResponse-like body."""
    if help_text is None:
        return {"messageArray": [{"message": message}]}
    return {"message": message, "help": help_text}


def endpoint_of(path: str) -> str:
    """``statusmessage``, ``dtn``, ``css``, ``events`` or (anything else) ``publication``."""
    last = path.partition("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return last if last in OTHER_ENDPOINTS else "publication"


class WebhookApp:
    """What the MDS answers each webhook; the HTTP handler only moves bytes."""

    def __init__(
        self,
        keys: KeysFolder,
        mds: MarketwideDataService,
        submitter: Submitter,
        *,
        unavailable_calls: int,
    ) -> None:
        self.keys = keys
        self.mds = mds
        self.submitter = submitter
        self.unavailable_left = unavailable_calls
        self._lock = threading.Lock()

    def handle(
        self, url: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """The status and body that answer a webhook ``POST`` to ``url``."""
        endpoint = endpoint_of(path)
        if endpoint == "publication" and self.take_unavailable():
            log(f"answering 503 to a publication (--unavailable-calls, {url})")
            return 503, answer(UNAVAILABLE, "the MDS webhook is down; retry later")
        try:
            dip = self.keys.dip_certificate.value()
        except NotReadyError as error:
            log(f"webhook {url}: 401, cannot verify: {error}")
            return 401, answer(SIGNATURE_FAILED, "the MDS has no DIP certificate yet")
        problem = signature_problem(url, headers, body, dip)
        if problem is not None:
            log(f"webhook {url}: 401, {problem}")
            return 401, answer(SIGNATURE_FAILED, problem)
        try:
            if endpoint == "publication":
                self.take_publications(body)
            else:
                self.note_other(endpoint, body)
        except SchemaFailureError as failure:
            log(f"webhook {url}: 400, {failure}")
            return 400, answer(SCHEMA_FAILURE, str(failure))
        return 201, answer(SUCCESS)

    def take_unavailable(self) -> bool:
        """Whether this publication call is one of the first ``--unavailable-calls``."""
        with self._lock:
            if self.unavailable_left <= 0:
                return False
            self.unavailable_left -= 1
            return True

    def take_publications(self, body: bytes) -> None:
        """Read every publication first (all or nothing), then act and queue the refusals."""
        facts = []
        for index, payload in enumerate(read_body(body)):
            fact = read_publication(payload, f"$[{index}].payload")
            if fact is not None:
                facts.append(fact)
        for refusal in self.mds.take(facts):
            self.submitter.refusals.put(refusal)

    def note_other(self, endpoint: str, body: bytes) -> None:
        """A status message, D-flow, CSS message or event: check it is JSON, log status news."""
        try:
            value = json.loads(body)
        except (UnicodeDecodeError, ValueError) as error:
            raise SchemaFailureError(f"$: not JSON ({error})") from None
        if endpoint == "statusmessage":
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, dict):
                    raise SchemaFailureError("$: a status message must be an object")
                log(
                    f"status message: {item.get('status')} {item.get('message')} "
                    f"for {item.get('senderUniqueReference') or item.get('transactionID')}"
                )


class WebhookHandler(BaseHTTPRequestHandler):
    """Hands each POST to the :class:`WebhookApp` of its server and writes the answer."""

    protocol_version = "HTTP/1.1"  # keep-alive: the DIP sends many calls on few connections
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: MdsServer

    def do_POST(self) -> None:
        """A webhook call."""
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_json(400, answer(SCHEMA_FAILURE, "$: a Content-Length up to 4 MiB is needed"))
            return
        body = self.rfile.read(length)
        url = f"http://{self.headers.get('Host', '')}{self.path}"
        headers = {
            name: self.headers.get(name, "")
            for name in (SIGNATURE, SIGNATURE_DATE, CONTENT_HASH, CERTIFICATE)
        }
        status, reply = self.server.app.handle(url, self.path, headers, body)
        self.send_json(status, reply)

    def do_GET(self) -> None:
        """Only POSTs are webhooks."""
        self.send_json(405, answer("MSG1005 - Method Not Allowed", "webhooks are POSTs"))

    def send_json(self, status: int, reply: dict[str, Any]) -> None:
        """Answer ``status`` with ``reply`` as JSON."""
        data = json.dumps(reply).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the app logs one line per submission and per error."""


class MdsServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its :class:`WebhookApp`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: WebhookApp) -> None:
        super().__init__(address, WebhookHandler)
        self.app = app


# ---------------------------------------------------------------- the command line


def listen_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` → ``(host, port)``."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: write HOST:PORT, e.g. 127.0.0.1:8191")
    return host, int(port)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description="A stand-alone Market-wide Data Service for `market serve`.",
    )
    parser.add_argument(
        "--keys",
        type=Path,
        required=True,
        metavar="DIR",
        help="the folder `market serve --keys DIR` writes keys and market.json to",
    )
    parser.add_argument(
        "--listen",
        type=listen_address,
        default=("127.0.0.1", 0),
        metavar="HOST:PORT",
        help="where to take webhooks (default 127.0.0.1:0)",
    )
    parser.add_argument(
        "--dip", metavar="URL", help="the DIP's base URL (default: dip_url in market.json)"
    )
    parser.add_argument(
        "--participant", default="MDS", help="the participant id it plays (default MDS)"
    )
    parser.add_argument(
        "--defect",
        choices=["skip-one-rejection"],
        help="plant a defect: never send the first IF-014 it owes",
    )
    parser.add_argument(
        "--unavailable-calls",
        type=int,
        default=0,
        metavar="N",
        help="answer 503 to the first N publication webhooks",
    )
    return parser.parse_args(argv)


def stop(signum: int, frame: object) -> NoReturn:
    """SIGTERM: leave quietly."""
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    """Serve webhooks and submit refusals until killed."""
    args = parse_args(argv)
    keys = KeysFolder(args.keys, args.participant, args.dip)
    submitter = Submitter(keys, skip_one=args.defect == "skip-one-rejection")
    app = WebhookApp(
        keys, MarketwideDataService(), submitter, unavailable_calls=args.unavailable_calls
    )
    try:
        server = MdsServer(args.listen, app)
    except OSError as error:
        log(f"cannot listen on {args.listen[0]}:{args.listen[1]}: {error}")
        return 2
    host, port = args.listen[0], server.server_port  # the real port, even for --listen HOST:0
    print(f"external {args.participant} listening on http://{host}:{port}", flush=True)
    threading.Thread(target=submitter.run, name="submitter", daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
