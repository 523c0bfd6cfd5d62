"""A simulator of the GB electricity market's MHHS reverse migration.

What a participant author needs is importable from here; ``market.participant`` is the
guide to it. Importing ``market`` loads message types only: no trio, no CLI.
"""

from __future__ import annotations

from market.participant import B002 as B002
from market.participant import B003 as B003
from market.participant import B004 as B004
from market.participant import B007 as B007
from market.participant import B008 as B008
from market.participant import B009 as B009
from market.participant import B012 as B012
from market.participant import B013 as B013
from market.participant import B014 as B014
from market.participant import B015 as B015
from market.participant import B022 as B022
from market.participant import B023 as B023
from market.participant import B024 as B024
from market.participant import B025 as B025
from market.participant import B026 as B026
from market.participant import B032 as B032
from market.participant import B044 as B044
from market.participant import B045 as B045
from market.participant import B046 as B046
from market.participant import B047 as B047
from market.participant import B060 as B060
from market.participant import B064 as B064
from market.participant import B065 as B065
from market.participant import B067 as B067
from market.participant import B070 as B070
from market.participant import B071 as B071
from market.participant import B072 as B072
from market.participant import B083 as B083
from market.participant import B094 as B094
from market.participant import B095 as B095
from market.participant import B096 as B096
from market.participant import B900 as B900
from market.participant import D0 as D0
from market.participant import D0004 as D0004
from market.participant import D0010 as D0010
from market.participant import D0011 as D0011
from market.participant import D0019 as D0019
from market.participant import D0036 as D0036
from market.participant import D0086 as D0086
from market.participant import D0148 as D0148
from market.participant import D0149 as D0149
from market.participant import D0150 as D0150
from market.participant import D0151 as D0151
from market.participant import D0153 as D0153
from market.participant import D0155 as D0155
from market.participant import D0170 as D0170
from market.participant import D0205 as D0205
from market.participant import D0209 as D0209
from market.participant import D0217 as D0217
from market.participant import D0261 as D0261
from market.participant import D0268 as D0268
from market.participant import D0275 as D0275
from market.participant import D0300 as D0300
from market.participant import D0302 as D0302
from market.participant import D0311 as D0311
from market.participant import DATA_SERVICE_NOT_APPOINTED as DATA_SERVICE_NOT_APPOINTED
from market.participant import DIP_UNAVAILABLE as DIP_UNAVAILABLE
from market.participant import (
    DUPLICATE_SENDER_UNIQUE_REFERENCE as DUPLICATE_SENDER_UNIQUE_REFERENCE,
)
from market.participant import DUPLICATE_SETTLEMENT_PERIOD as DUPLICATE_SETTLEMENT_PERIOD
from market.participant import EFFECTIVE_DATE_RETROSPECTIVE as EFFECTIVE_DATE_RETROSPECTIVE
from market.participant import M0 as M0
from market.participant import METHOD_NOT_ALLOWED as METHOD_NOT_ALLOWED
from market.participant import NON_QUALIFIED_SUPPLIER as NON_QUALIFIED_SUPPLIER
from market.participant import PAST_FINAL_RECONCILIATION as PAST_FINAL_RECONCILIATION
from market.participant import PAYLOAD_TOO_LARGE as PAYLOAD_TOO_LARGE
from market.participant import PROPOSED_APPOINTMENT_ACCEPTED as PROPOSED_APPOINTMENT_ACCEPTED
from market.participant import R0 as R0
from market.participant import REJECTED_BY_RECIPIENT as REJECTED_BY_RECIPIENT
from market.participant import SCHEMA_FAILURE as SCHEMA_FAILURE
from market.participant import SENDER_DIP_ID_MISMATCH as SENDER_DIP_ID_MISMATCH
from market.participant import SENDER_NOT_AUTHORISED as SENDER_NOT_AUTHORISED
from market.participant import (
    SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS as SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS,
)
from market.participant import SIGNATURE_INVALID as SIGNATURE_INVALID
from market.participant import SUCCESS as SUCCESS
from market.participant import SUPPLIER_DATA_ITEMS_UNMIGRATED as SUPPLIER_DATA_ITEMS_UNMIGRATED
from market.participant import TOO_MANY_REQUESTS as TOO_MANY_REQUESTS
from market.participant import UNKNOWN_CHANNEL as UNKNOWN_CHANNEL
from market.participant import UNKNOWN_INTERFACE_OR_EVENT_CODE as UNKNOWN_INTERFACE_OR_EVENT_CODE
from market.participant import UNKNOWN_MPAN as UNKNOWN_MPAN
from market.participant import UNKNOWN_RECIPIENT as UNKNOWN_RECIPIENT
from market.participant import UNKNOWN_SENDER as UNKNOWN_SENDER
from market.participant import ActivePower as ActivePower
from market.participant import ActivePowerRejected as ActivePowerRejected
from market.participant import Address as Address
from market.participant import CancelTimer as CancelTimer
from market.participant import ChangeOfSupplier as ChangeOfSupplier
from market.participant import Context as Context
from market.participant import CssMessage as CssMessage
from market.participant import CumulativeReadings as CumulativeReadings
from market.participant import CustomBlock as CustomBlock
from market.participant import DFlow as DFlow
from market.participant import DipEnvelope as DipEnvelope
from market.participant import DipJsonLogic as DipJsonLogic
from market.participant import DipJsonParticipant as DipJsonParticipant
from market.participant import DipRequest as DipRequest
from market.participant import DipResponse as DipResponse
from market.participant import DipStatusMessage as DipStatusMessage
from market.participant import DSApp as DSApp
from market.participant import DSAppAccepted as DSAppAccepted
from market.participant import DSAppActive as DSAppActive
from market.participant import DSAppInitialResp as DSAppInitialResp
from market.participant import DSAppSPRequest as DSAppSPRequest
from market.participant import DSAppSPResponse as DSAppSPResponse
from market.participant import DSDeAppRM as DSDeAppRM
from market.participant import DSEstimate as DSEstimate
from market.participant import EnvelopeError as EnvelopeError
from market.participant import FlowError as FlowError
from market.participant import FlowHeader as FlowHeader
from market.participant import LossNotification as LossNotification
from market.participant import MarketError as MarketError
from market.participant import MDRStop as MDRStop
from market.participant import MSApp as MSApp
from market.participant import MSAppAccepted as MSAppAccepted
from market.participant import MSAppActive as MSAppActive
from market.participant import MSAppInitialResp as MSAppInitialResp
from market.participant import MSAppSPRequest as MSAppSPRequest
from market.participant import MSAppSPResponse as MSAppSPResponse
from market.participant import MSDeAppRM as MSDeAppRM
from market.participant import Objection as Objection
from market.participant import OutboxEntry as OutboxEntry
from market.participant import Participant as Participant
from market.participant import ParticipantIdentity as ParticipantIdentity
from market.participant import ReadingCOR as ReadingCOR
from market.participant import ReadingCOS as ReadingCOS
from market.participant import ReadingEnergisationChg as ReadingEnergisationChg
from market.participant import ReadingInstl as ReadingInstl
from market.participant import ReadingOnSite as ReadingOnSite
from market.participant import ReadingOverride as ReadingOverride
from market.participant import ReadingRemote as ReadingRemote
from market.participant import ReadingRemv as ReadingRemv
from market.participant import RecipientRejection as RecipientRejection
from market.participant import Record as Record
from market.participant import RegistrationObjected as RegistrationObjected
from market.participant import RegistrationRequest as RegistrationRequest
from market.participant import ReplayRequest as ReplayRequest
from market.participant import ResponseCode as ResponseCode
from market.participant import ReverseMigNotification as ReverseMigNotification
from market.participant import Role as Role
from market.participant import ScenarioError as ScenarioError
from market.participant import SecuredActive as SecuredActive
from market.participant import Send as Send
from market.participant import SetTimer as SetTimer
from market.participant import SettlementCalendar as SettlementCalendar
from market.participant import SSCandProfileClassNotification as SSCandProfileClassNotification
from market.participant import SSCandProfileClassRequest as SSCandProfileClassRequest
from market.participant import SupplierAgreedCOS as SupplierAgreedCOS
from market.participant import WebhookRestored as WebhookRestored
from market.participant import format_reading as format_reading
from market.participant import parse_body as parse_body
from market.participant import parse_envelope as parse_envelope
from market.participant import parse_flow as parse_flow
from market.participant import render_body as render_body
from market.participant import render_envelope as render_envelope
from market.participant import render_flow as render_flow
from market.participant import render_response as render_response

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
