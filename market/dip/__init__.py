"""The DIP's JSON envelope as typed, immutable values, with the real wire shapes at the edges.

Build messages from frozen attrs blocks (their validators enforce the DIP
v2.2.1 field rules), send them as :func:`render_body`, and read what arrives
with :func:`parse_body`, whose :class:`EnvelopeError` names the JSON path and
the rule that failed.
"""

from market.dip.catalogue import CUSTOM_BLOCKS as CUSTOM_BLOCKS
from market.dip.catalogue import CustomBlock as CustomBlock
from market.dip.catalogue import event_codes_of as event_codes_of
from market.dip.codes import DATA_SERVICE_NOT_APPOINTED as DATA_SERVICE_NOT_APPOINTED
from market.dip.codes import DUPLICATE_SENDER_UNIQUE_REFERENCE as DUPLICATE_SENDER_UNIQUE_REFERENCE
from market.dip.codes import NON_QUALIFIED_SUPPLIER as NON_QUALIFIED_SUPPLIER
from market.dip.codes import RESPONSE_CODES as RESPONSE_CODES
from market.dip.codes import SCHEMA_FAILURE as SCHEMA_FAILURE
from market.dip.codes import SENDER_NOT_AUTHORISED as SENDER_NOT_AUTHORISED
from market.dip.codes import SUCCESS as SUCCESS
from market.dip.codes import SUPPLIER_DATA_ITEMS_UNMIGRATED as SUPPLIER_DATA_ITEMS_UNMIGRATED
from market.dip.codes import UNKNOWN_INTERFACE_OR_EVENT_CODE as UNKNOWN_INTERFACE_OR_EVENT_CODE
from market.dip.codes import UNKNOWN_MPAN as UNKNOWN_MPAN
from market.dip.codes import UNKNOWN_RECIPIENT as UNKNOWN_RECIPIENT
from market.dip.codes import ResponseCode as ResponseCode
from market.dip.codes import UnknownResponseCodeError as UnknownResponseCodeError
from market.dip.codes import response_code as response_code
from market.dip.envelope import A0 as A0
from market.dip.envelope import D0 as D0
from market.dip.envelope import M0 as M0
from market.dip.envelope import S0 as S0
from market.dip.envelope import S1 as S1
from market.dip.envelope import CommonBlock as CommonBlock
from market.dip.envelope import DipEnvelope as DipEnvelope
from market.dip.envelope import parse_body as parse_body
from market.dip.envelope import parse_envelope as parse_envelope
from market.dip.envelope import render_body as render_body
from market.dip.envelope import render_envelope as render_envelope
from market.dip.field_rules import FieldRuleError as FieldRuleError
from market.dip.if003 import B002 as B002
from market.dip.if003 import B008 as B008
from market.dip.if003 import B009 as B009
from market.dip.if003 import B013 as B013
from market.dip.if003 import B094 as B094
from market.dip.if003 import B095 as B095
from market.dip.if003 import B096 as B096
from market.dip.if003 import DSDeAppRM as DSDeAppRM
from market.dip.if003 import MSDeAppRM as MSDeAppRM
from market.dip.if003 import ReverseMigNotification as ReverseMigNotification
from market.dip.if041 import B064 as B064
from market.dip.if041 import B065 as B065
from market.dip.if041 import CumulativeReadings as CumulativeReadings
from market.dip.if041 import DSEstimate as DSEstimate
from market.dip.if041 import ReadingCOR as ReadingCOR
from market.dip.if041 import ReadingCOS as ReadingCOS
from market.dip.if041 import ReadingEnergisationChg as ReadingEnergisationChg
from market.dip.if041 import ReadingInstl as ReadingInstl
from market.dip.if041 import ReadingOnSite as ReadingOnSite
from market.dip.if041 import ReadingOverride as ReadingOverride
from market.dip.if041 import ReadingRemote as ReadingRemote
from market.dip.if041 import ReadingRemv as ReadingRemv
from market.dip.if041 import SupplierAgreedCOS as SupplierAgreedCOS
from market.dip.references import correlation_id as correlation_id
from market.dip.references import sender_unique_reference as sender_unique_reference
from market.dip.references import transaction_id as transaction_id
from market.dip.response import DipResponse as DipResponse
from market.dip.response import DipResponseItem as DipResponseItem
from market.dip.response import parse_response as parse_response
from market.dip.response import render_response as render_response
from market.dip.wire import from_wire as from_wire
from market.dip.wire import to_wire as to_wire
from market.exceptions import EnvelopeError as EnvelopeError
