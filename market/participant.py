"""The participant API: everything a market participant, built-in or yours, is written against.

Import it from ``market`` (``from market import Context, D0011, Participant``);
this module is where the API is gathered and documented.

**A participant** subclasses :class:`Participant` and overrides
``on_message(ctx, message)`` (and ``on_start(ctx)`` to act before anything
arrives). It is built as ``YourClass(identity)``: its
:class:`ParticipantIdentity` (journal id, :class:`Role`, DIP ID, MPID) comes
from the market builder, and ``self.identity.role`` is its only role. It keeps
its own state, acts only on the messages it receives, never holds a reference
to another participant, and reaches the market only through ``ctx``, its
:class:`Context`::

    from market import Context, D0011, D0155, Participant

    class Collector(Participant):
        def on_message(self, ctx: Context, message: object) -> None:
            if isinstance(message, D0155):
                ctx.send_flow(
                    D0011, to=message.sender, mpan_core=message.mpan_core,
                    appointed_role=message.appointed_role,
                    effective_from_date=message.effective_from_date,
                    contract_reference=message.contract_reference,
                )

**What arrives** in ``on_message``: DIP publications as :class:`DipEnvelope`
(its ``custom`` is a custom block such as :class:`ReverseMigNotification`,
its ``common.m0`` the MPAN block :class:`M0`); the DIP's answer to each of
your submissions as :class:`DipResponse` and later verdicts as
:class:`DipStatusMessage`; D-flows as :class:`DFlow` subclasses named by flow
id (``flow.from_mpid``, ``flow.sender``, ``flow.mpan_core`` and the flow's
data items); CSS events as :class:`CssMessage` subclasses
(:class:`LossNotification` ...); your own timer payloads.

**What you send**: each method builds the message from you, sends it, returns it.

* ``ctx.submit(custom_block, primary_recipients=..., m0=..., correlation_id=None,
  r0=None)``: an IF-nnn envelope to the DIP (S1 filled in: your DIP ID and
  role, the time, a new sender unique reference); ``r0`` is ``R0.accepted()``
  or ``R0.rejected(code)`` on interfaces that answer a request.
* ``ctx.send_flow(D0086, to=Address(mpid=..., role=...), mpan_core=..., <data
  items>)``: a D-flow from your MPID and role; the data items are typed
  keyword parameters of the flow class, so mypy checks them.
  ``ctx.forward_flow(flow, to=...)`` passes a received flow on, readdressed.
* ``ctx.reject(publication, code, rule=..., level=3)``: refuse a publication
  with a :class:`ResponseCode` (``REJECTED_BY_RECIPIENT`` when no business
  code fits); the DIP tells its sender.
* ``ctx.send(message)``: a CSS message (:class:`RegistrationRequest`,
  :class:`Objection`), a DIP JSON body (``str`` or ``bytes``) or anything else
  as it is; ``ctx.send_dip_request(envelopes)`` posts a signed :class:`DipRequest`.

**Time, randomness, journal.** ``ctx.now`` (UTC), ``ctx.today``, ``ctx.calendar``
(:class:`SettlementCalendar`, working days) and ``ctx.rng`` (a seeded ``random.Random``)
replace the wall clock and the global ``random``, so runs are reproducible.
``ctx.record(event, mpan=..., **data)`` journals a state change (snake_case, past tense).

**Timers** are messages to yourself: ``ctx.set_timer(at, payload, mpan=...)``
or ``ctx.set_timer_after(delay, payload)`` returns an id for
``ctx.cancel_timer``; at ``at`` the ``payload`` comes back to ``on_message``.
By convention a payload is a small frozen attrs value of your own (one class
per kind of timer, carrying the MPAN it is about), so ``match`` tells timers
from messages.

**The runtime's inbox and resubmission** run before ``on_message``: they drop
duplicates, resubmit DIP submissions refused for a reason that can be waited
out, and ask the DIP to replay after an outage or a restart. The class variables
of :class:`Participant` (``deduplicate`` ...) hand any of these to you.

**Determinism.** What a participant does in a batch is buffered in ``ctx.outbox``
(:class:`Send`, :class:`SetTimer`, :class:`CancelTimer`, :class:`Record`: a test can
read it) and handed to the broker after the batch, in participant-id order.
"""

from __future__ import annotations

from market.byo.dip_json import DipJsonLogic, DipJsonParticipant
from market.context import Context
from market.identity import ParticipantIdentity
from market.kernel.exceptions import MarketError, ScenarioError
from market.kernel.ids import Role
from market.kernel.settlement_calendar import SettlementCalendar
from market.messages.css import (
    CssMessage,
    LossNotification,
    LossWithdrawn,
    Objection,
    RegistrationObjected,
    RegistrationRequest,
    RegistrationWithdrawal,
    RegistrationWithdrawn,
    SecuredActive,
)
from market.messages.dip import (
    B002,
    B003,
    B004,
    B007,
    B008,
    B009,
    B012,
    B013,
    B014,
    B015,
    B022,
    B023,
    B024,
    B025,
    B026,
    B032,
    B044,
    B045,
    B046,
    B047,
    B060,
    B064,
    B065,
    B067,
    B070,
    B071,
    B072,
    B083,
    B094,
    B095,
    B096,
    B900,
    D0,
    DATA_SERVICE_NOT_APPOINTED,
    DIP_UNAVAILABLE,
    DUPLICATE_SENDER_UNIQUE_REFERENCE,
    DUPLICATE_SETTLEMENT_PERIOD,
    EFFECTIVE_DATE_RETROSPECTIVE,
    M0,
    METHOD_NOT_ALLOWED,
    NON_QUALIFIED_SUPPLIER,
    PAST_FINAL_RECONCILIATION,
    PAYLOAD_TOO_LARGE,
    PROPOSED_APPOINTMENT_ACCEPTED,
    R0,
    REJECTED_BY_RECIPIENT,
    SCHEMA_FAILURE,
    SENDER_DIP_ID_MISMATCH,
    SENDER_NOT_AUTHORISED,
    SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS,
    SIGNATURE_INVALID,
    SUCCESS,
    SUPPLIER_DATA_ITEMS_UNMIGRATED,
    TOO_MANY_REQUESTS,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERFACE_OR_EVENT_CODE,
    UNKNOWN_MPAN,
    UNKNOWN_RECIPIENT,
    UNKNOWN_SENDER,
    ActivePower,
    ActivePowerRejected,
    ChangeOfSupplier,
    CumulativeReadings,
    CustomBlock,
    DipEnvelope,
    DipRequest,
    DipResponse,
    DipStatusMessage,
    DSApp,
    DSAppAccepted,
    DSAppActive,
    DSAppInitialResp,
    DSAppSPRequest,
    DSAppSPResponse,
    DSDeAppRM,
    DSEstimate,
    EnvelopeError,
    MDRStop,
    MSApp,
    MSAppAccepted,
    MSAppActive,
    MSAppInitialResp,
    MSAppSPRequest,
    MSAppSPResponse,
    MSDeAppRM,
    ReactivePower,
    ReadingCOR,
    ReadingCOS,
    ReadingEnergisationChg,
    ReadingInstl,
    ReadingOnSite,
    ReadingOverride,
    ReadingRemote,
    ReadingRemv,
    RecipientRejection,
    ResponseCode,
    ReverseMigNotification,
    SSCandProfileClassNotification,
    SSCandProfileClassRequest,
    SupplierAgreedCOS,
    parse_body,
    parse_envelope,
    render_body,
    render_envelope,
    render_response,
)
from market.messages.dtn import (
    D0004,
    D0010,
    D0011,
    D0019,
    D0036,
    D0086,
    D0148,
    D0149,
    D0150,
    D0151,
    D0153,
    D0155,
    D0170,
    D0172,
    D0205,
    D0209,
    D0217,
    D0261,
    D0268,
    D0275,
    D0300,
    D0302,
    D0311,
    Address,
    DFlow,
    FlowError,
    FlowHeader,
    parse_flow,
    render_flow,
)
from market.messages.system import ReplayRequest, WebhookRestored
from market.outbox import CancelTimer, OutboxEntry, Record, Send, SetTimer
from market.participant_base import Participant
from market.process.population import format_reading

__all__ = [
    "B002",
    "B003",
    "B004",
    "B007",
    "B008",
    "B009",
    "B012",
    "B013",
    "B014",
    "B015",
    "B022",
    "B023",
    "B024",
    "B025",
    "B026",
    "B032",
    "B044",
    "B045",
    "B046",
    "B047",
    "B060",
    "B064",
    "B065",
    "B067",
    "B070",
    "B071",
    "B072",
    "B083",
    "B094",
    "B095",
    "B096",
    "B900",
    "D0",
    "D0004",
    "D0010",
    "D0011",
    "D0019",
    "D0036",
    "D0086",
    "D0148",
    "D0149",
    "D0150",
    "D0151",
    "D0153",
    "D0155",
    "D0170",
    "D0172",
    "D0205",
    "D0209",
    "D0217",
    "D0261",
    "D0268",
    "D0275",
    "D0300",
    "D0302",
    "D0311",
    "DATA_SERVICE_NOT_APPOINTED",
    "DIP_UNAVAILABLE",
    "DUPLICATE_SENDER_UNIQUE_REFERENCE",
    "DUPLICATE_SETTLEMENT_PERIOD",
    "EFFECTIVE_DATE_RETROSPECTIVE",
    "M0",
    "METHOD_NOT_ALLOWED",
    "NON_QUALIFIED_SUPPLIER",
    "PAST_FINAL_RECONCILIATION",
    "PAYLOAD_TOO_LARGE",
    "PROPOSED_APPOINTMENT_ACCEPTED",
    "R0",
    "REJECTED_BY_RECIPIENT",
    "SCHEMA_FAILURE",
    "SENDER_DIP_ID_MISMATCH",
    "SENDER_NOT_AUTHORISED",
    "SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS",
    "SIGNATURE_INVALID",
    "SUCCESS",
    "SUPPLIER_DATA_ITEMS_UNMIGRATED",
    "TOO_MANY_REQUESTS",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_INTERFACE_OR_EVENT_CODE",
    "UNKNOWN_MPAN",
    "UNKNOWN_RECIPIENT",
    "UNKNOWN_SENDER",
    "ActivePower",
    "ActivePowerRejected",
    "Address",
    "CancelTimer",
    "ChangeOfSupplier",
    "Context",
    "CssMessage",
    "CumulativeReadings",
    "CustomBlock",
    "DFlow",
    "DSApp",
    "DSAppAccepted",
    "DSAppActive",
    "DSAppInitialResp",
    "DSAppSPRequest",
    "DSAppSPResponse",
    "DSDeAppRM",
    "DSEstimate",
    "DipEnvelope",
    "DipJsonLogic",
    "DipJsonParticipant",
    "DipRequest",
    "DipResponse",
    "DipStatusMessage",
    "EnvelopeError",
    "FlowError",
    "FlowHeader",
    "LossNotification",
    "LossWithdrawn",
    "MDRStop",
    "MSApp",
    "MSAppAccepted",
    "MSAppActive",
    "MSAppInitialResp",
    "MSAppSPRequest",
    "MSAppSPResponse",
    "MSDeAppRM",
    "MarketError",
    "Objection",
    "OutboxEntry",
    "Participant",
    "ParticipantIdentity",
    "ReactivePower",
    "ReadingCOR",
    "ReadingCOS",
    "ReadingEnergisationChg",
    "ReadingInstl",
    "ReadingOnSite",
    "ReadingOverride",
    "ReadingRemote",
    "ReadingRemv",
    "RecipientRejection",
    "Record",
    "RegistrationObjected",
    "RegistrationRequest",
    "RegistrationWithdrawal",
    "RegistrationWithdrawn",
    "ReplayRequest",
    "ResponseCode",
    "ReverseMigNotification",
    "Role",
    "SSCandProfileClassNotification",
    "SSCandProfileClassRequest",
    "ScenarioError",
    "SecuredActive",
    "Send",
    "SetTimer",
    "SettlementCalendar",
    "SupplierAgreedCOS",
    "WebhookRestored",
    "format_reading",
    "parse_body",
    "parse_envelope",
    "parse_flow",
    "render_body",
    "render_envelope",
    "render_flow",
    "render_response",
]
