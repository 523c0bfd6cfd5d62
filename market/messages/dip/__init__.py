"""The DIP's JSON envelope as typed, immutable values, with the real wire shapes at the edges.

Build messages from frozen attrs blocks (their validators enforce the DIP
v2.2.1 field rules), send them as :func:`render_body`, and read what arrives
with :func:`parse_body`, whose :class:`EnvelopeError` names the JSON path and
the rule that failed.
"""

from market.kernel.exceptions import EnvelopeError as EnvelopeError
from market.messages.dip.appointment import B007 as B007
from market.messages.dip.appointment import B012 as B012
from market.messages.dip.appointment import B014 as B014
from market.messages.dip.appointment import B015 as B015
from market.messages.dip.appointment import B070 as B070
from market.messages.dip.appointment import B071 as B071
from market.messages.dip.appointment import B072 as B072
from market.messages.dip.catalogue import CUSTOM_BLOCKS as CUSTOM_BLOCKS
from market.messages.dip.catalogue import CustomBlock as CustomBlock
from market.messages.dip.catalogue import event_codes_of as event_codes_of
from market.messages.dip.codes import DATA_SERVICE_NOT_APPOINTED as DATA_SERVICE_NOT_APPOINTED
from market.messages.dip.codes import DIP_UNAVAILABLE as DIP_UNAVAILABLE
from market.messages.dip.codes import (
    DUPLICATE_SENDER_UNIQUE_REFERENCE as DUPLICATE_SENDER_UNIQUE_REFERENCE,
)
from market.messages.dip.codes import DUPLICATE_SETTLEMENT_PERIOD as DUPLICATE_SETTLEMENT_PERIOD
from market.messages.dip.codes import EFFECTIVE_DATE_RETROSPECTIVE as EFFECTIVE_DATE_RETROSPECTIVE
from market.messages.dip.codes import METHOD_NOT_ALLOWED as METHOD_NOT_ALLOWED
from market.messages.dip.codes import NON_QUALIFIED_SUPPLIER as NON_QUALIFIED_SUPPLIER
from market.messages.dip.codes import PAST_FINAL_RECONCILIATION as PAST_FINAL_RECONCILIATION
from market.messages.dip.codes import PAYLOAD_TOO_LARGE as PAYLOAD_TOO_LARGE
from market.messages.dip.codes import PROPOSED_APPOINTMENT_ACCEPTED as PROPOSED_APPOINTMENT_ACCEPTED
from market.messages.dip.codes import REJECTED_BY_RECIPIENT as REJECTED_BY_RECIPIENT
from market.messages.dip.codes import RESPONSE_CODES as RESPONSE_CODES
from market.messages.dip.codes import SCHEMA_FAILURE as SCHEMA_FAILURE
from market.messages.dip.codes import SENDER_DIP_ID_MISMATCH as SENDER_DIP_ID_MISMATCH
from market.messages.dip.codes import SENDER_NOT_AUTHORISED as SENDER_NOT_AUTHORISED
from market.messages.dip.codes import (
    SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS as SERVICE_PROVIDER_DATE_NOT_CONTIGUOUS,
)
from market.messages.dip.codes import SIGNATURE_INVALID as SIGNATURE_INVALID
from market.messages.dip.codes import SP_REJECTIONS as SP_REJECTIONS
from market.messages.dip.codes import SUCCESS as SUCCESS
from market.messages.dip.codes import (
    SUPPLIER_DATA_ITEMS_UNMIGRATED as SUPPLIER_DATA_ITEMS_UNMIGRATED,
)
from market.messages.dip.codes import TOO_MANY_REQUESTS as TOO_MANY_REQUESTS
from market.messages.dip.codes import UNKNOWN_CHANNEL as UNKNOWN_CHANNEL
from market.messages.dip.codes import (
    UNKNOWN_INTERFACE_OR_EVENT_CODE as UNKNOWN_INTERFACE_OR_EVENT_CODE,
)
from market.messages.dip.codes import UNKNOWN_MPAN as UNKNOWN_MPAN
from market.messages.dip.codes import UNKNOWN_RECIPIENT as UNKNOWN_RECIPIENT
from market.messages.dip.codes import UNKNOWN_SENDER as UNKNOWN_SENDER
from market.messages.dip.codes import ResponseCode as ResponseCode
from market.messages.dip.codes import UnknownResponseCodeError as UnknownResponseCodeError
from market.messages.dip.codes import response_code as response_code
from market.messages.dip.codes import response_code_of as response_code_of
from market.messages.dip.consumption import B044 as B044
from market.messages.dip.consumption import B045 as B045
from market.messages.dip.consumption import B046 as B046
from market.messages.dip.consumption import B047 as B047
from market.messages.dip.consumption import B067 as B067
from market.messages.dip.consumption import B900 as B900
from market.messages.dip.envelope import A0 as A0
from market.messages.dip.envelope import D0 as D0
from market.messages.dip.envelope import M0 as M0
from market.messages.dip.envelope import S0 as S0
from market.messages.dip.envelope import S1 as S1
from market.messages.dip.envelope import CommonBlock as CommonBlock
from market.messages.dip.envelope import DipEnvelope as DipEnvelope
from market.messages.dip.envelope import parse_body as parse_body
from market.messages.dip.envelope import parse_envelope as parse_envelope
from market.messages.dip.envelope import render_body as render_body
from market.messages.dip.envelope import render_envelope as render_envelope
from market.messages.dip.field_rules import FieldRuleError as FieldRuleError
from market.messages.dip.if001 import B003 as B003
from market.messages.dip.if001 import B004 as B004
from market.messages.dip.if001 import B022 as B022
from market.messages.dip.if001 import B023 as B023
from market.messages.dip.if001 import B024 as B024
from market.messages.dip.if001 import B025 as B025
from market.messages.dip.if001 import B026 as B026
from market.messages.dip.if001 import ChangeOfSupplier as ChangeOfSupplier
from market.messages.dip.if003 import B002 as B002
from market.messages.dip.if003 import B008 as B008
from market.messages.dip.if003 import B009 as B009
from market.messages.dip.if003 import B013 as B013
from market.messages.dip.if003 import B094 as B094
from market.messages.dip.if003 import B095 as B095
from market.messages.dip.if003 import B096 as B096
from market.messages.dip.if003 import DSDeAppRM as DSDeAppRM
from market.messages.dip.if003 import MSDeAppRM as MSDeAppRM
from market.messages.dip.if003 import ReverseMigNotification as ReverseMigNotification
from market.messages.dip.if014 import ActivePowerRejected as ActivePowerRejected
from market.messages.dip.if021 import ActivePower as ActivePower
from market.messages.dip.if021 import ReactivePower as ReactivePower
from market.messages.dip.if025 import B032 as B032
from market.messages.dip.if025 import (
    SSCandProfileClassNotification as SSCandProfileClassNotification,
)
from market.messages.dip.if025 import SSCandProfileClassRequest as SSCandProfileClassRequest
from market.messages.dip.if031_036 import DSApp as DSApp
from market.messages.dip.if031_036 import DSAppAccepted as DSAppAccepted
from market.messages.dip.if031_036 import DSAppActive as DSAppActive
from market.messages.dip.if031_036 import DSAppInitialResp as DSAppInitialResp
from market.messages.dip.if031_036 import DSAppSPRequest as DSAppSPRequest
from market.messages.dip.if031_036 import DSAppSPResponse as DSAppSPResponse
from market.messages.dip.if031_036 import MSApp as MSApp
from market.messages.dip.if031_036 import MSAppAccepted as MSAppAccepted
from market.messages.dip.if031_036 import MSAppActive as MSAppActive
from market.messages.dip.if031_036 import MSAppInitialResp as MSAppInitialResp
from market.messages.dip.if031_036 import MSAppSPRequest as MSAppSPRequest
from market.messages.dip.if031_036 import MSAppSPResponse as MSAppSPResponse
from market.messages.dip.if041 import B064 as B064
from market.messages.dip.if041 import B065 as B065
from market.messages.dip.if041 import CumulativeReadings as CumulativeReadings
from market.messages.dip.if041 import DSEstimate as DSEstimate
from market.messages.dip.if041 import ReadingCOR as ReadingCOR
from market.messages.dip.if041 import ReadingCOS as ReadingCOS
from market.messages.dip.if041 import ReadingEnergisationChg as ReadingEnergisationChg
from market.messages.dip.if041 import ReadingInstl as ReadingInstl
from market.messages.dip.if041 import ReadingOnSite as ReadingOnSite
from market.messages.dip.if041 import ReadingOverride as ReadingOverride
from market.messages.dip.if041 import ReadingRemote as ReadingRemote
from market.messages.dip.if041 import ReadingRemv as ReadingRemv
from market.messages.dip.if041 import SupplierAgreedCOS as SupplierAgreedCOS
from market.messages.dip.if063 import B060 as B060
from market.messages.dip.if063 import B083 as B083
from market.messages.dip.if063 import MDRStop as MDRStop
from market.messages.dip.outcome import R0 as R0
from market.messages.dip.outcome import R0_INTERFACES as R0_INTERFACES
from market.messages.dip.references import correlation_id as correlation_id
from market.messages.dip.references import sender_unique_reference as sender_unique_reference
from market.messages.dip.references import transaction_id as transaction_id
from market.messages.dip.response import DipResponse as DipResponse
from market.messages.dip.response import DipResponseItem as DipResponseItem
from market.messages.dip.response import parse_response as parse_response
from market.messages.dip.response import render_response as render_response
from market.messages.dip.status import DipStatusMessage as DipStatusMessage
from market.messages.dip.status import RecipientRejection as RecipientRejection
from market.messages.dip.transport import DipRequest as DipRequest
from market.messages.dip.wire import from_wire as from_wire
from market.messages.dip.wire import to_wire as to_wire
