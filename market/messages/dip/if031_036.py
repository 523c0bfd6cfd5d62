"""IF-031 to IF-036: appointing a Data Service or Metering Service (path COS-M, B31–B36).

The gaining, MHHS-qualified supplier proposes each provider to REGS (IF-031);
REGS validates the request and answers (IF-032, outcome in the CommonBlock
R0: ``A``, or ``R`` with REG codes such as REG1024), asks the provider (IF-033),
which accepts or refuses with an SP code in B007 (IF-034); REGS relays the
outcome (IF-035) and, once the switch is active, confirms the appointment to
the supplier, the providers, LDSO, MDS and EES (IF-036). Each interface has a
``DS…`` and an ``MS…`` event; the DS events carry B071 (or B015), the MS
events B070 (or B014).

DOC: the interfaces, event codes, which blocks each composition lists, and R0
on IF-032 only (IF-034 and IF-035 carry the outcome in B007 instead).
IF-035 ``[MSAppAccepted]`` = B007, B012, B013, B070 is also confirmed by a
public payload. RECON: the split of each composition between the DS and MS
event, the requiredness of each member (the blocks shown are required except
B013, which only a change of supplier has, and B072, which a first
appointment lacks), and the omission of the composition's optional context
blocks (IF-033's and IF-036's MPAN address, connection, meter and related-MPAN
blocks, IF-035/IF-036's MDR blocks B019/B066/B092/B099, IF-036's B005, B016
and B017), which are not modelled.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from market.messages.dip.appointment import B007, B012, B014, B015, B070, B071, B072
from market.messages.dip.if003 import B013
from market.messages.dip.wire import wire_block


@attrs.frozen(kw_only=True)
class DSApp:
    """IF-031 ``[DSApp]``: the supplier asks REGS to appoint this Data Service."""

    interface_id: ClassVar[str] = "IF-031"
    event_code: ClassVar[str] = "[DSApp]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b071: B071 = attrs.field(validator=wire_block("B071", B071))


@attrs.frozen(kw_only=True)
class MSApp:
    """IF-031 ``[MSApp]``: the supplier asks REGS to appoint this Metering Service."""

    interface_id: ClassVar[str] = "IF-031"
    event_code: ClassVar[str] = "[MSApp]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b070: B070 = attrs.field(validator=wire_block("B070", B070))


@attrs.frozen(kw_only=True)
class DSAppInitialResp:
    """IF-032 ``[DSAppInitialResp]``: REGS's verdict (in R0), echoing the proposal."""

    interface_id: ClassVar[str] = "IF-032"
    event_code: ClassVar[str] = "[DSAppInitialResp]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b071: B071 = attrs.field(validator=wire_block("B071", B071))


@attrs.frozen(kw_only=True)
class MSAppInitialResp:
    """IF-032 ``[MSAppInitialResp]``: REGS's verdict (in R0), echoing the proposal."""

    interface_id: ClassVar[str] = "IF-032"
    event_code: ClassVar[str] = "[MSAppInitialResp]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b070: B070 = attrs.field(validator=wire_block("B070", B070))


@attrs.frozen(kw_only=True)
class DSAppSPRequest:
    """IF-033 ``[DSAppSPRequest]``: REGS asks the Data Service to consider the appointment."""

    interface_id: ClassVar[str] = "IF-033"
    event_code: ClassVar[str] = "[DSAppSPRequest]"

    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b071: B071 = attrs.field(validator=wire_block("B071", B071))


@attrs.frozen(kw_only=True)
class MSAppSPRequest:
    """IF-033 ``[MSAppSPRequest]``: REGS asks the MS, naming any incumbent MS."""

    interface_id: ClassVar[str] = "IF-033"
    event_code: ClassVar[str] = "[MSAppSPRequest]"

    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b070: B070 = attrs.field(validator=wire_block("B070", B070))
    b072: B072 | None = attrs.field(
        default=None, validator=wire_block("B072", B072, omittable=True)
    )


@attrs.frozen(kw_only=True)
class DSAppSPResponse:
    """IF-034 ``[DSAppSPResponse]``: the DS accepts (SP000) or refuses (SP001–SP099)."""

    interface_id: ClassVar[str] = "IF-034"
    event_code: ClassVar[str] = "[DSAppSPResponse]"

    b007: B007 = attrs.field(validator=wire_block("B007", B007))
    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b071: B071 = attrs.field(validator=wire_block("B071", B071))


@attrs.frozen(kw_only=True)
class MSAppSPResponse:
    """IF-034 ``[MSAppSPResponse]``: the MS accepts (SP000) or refuses (SP001–SP099)."""

    interface_id: ClassVar[str] = "IF-034"
    event_code: ClassVar[str] = "[MSAppSPResponse]"

    b007: B007 = attrs.field(validator=wire_block("B007", B007))
    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b070: B070 = attrs.field(validator=wire_block("B070", B070))


@attrs.frozen(kw_only=True)
class DSAppAccepted:
    """IF-035 ``[DSAppAccepted]``: REGS tells the supplier and the DS the DS accepted."""

    interface_id: ClassVar[str] = "IF-035"
    event_code: ClassVar[str] = "[DSAppAccepted]"

    b007: B007 = attrs.field(validator=wire_block("B007", B007))
    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b071: B071 = attrs.field(validator=wire_block("B071", B071))


@attrs.frozen(kw_only=True)
class MSAppAccepted:
    """IF-035 ``[MSAppAccepted]``: REGS tells the supplier and the MS the MS accepted."""

    interface_id: ClassVar[str] = "IF-035"
    event_code: ClassVar[str] = "[MSAppAccepted]"

    b007: B007 = attrs.field(validator=wire_block("B007", B007))
    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b070: B070 = attrs.field(validator=wire_block("B070", B070))


@attrs.frozen(kw_only=True)
class DSAppActive:
    """IF-036 ``[DSAppActive]``: REGS confirms the Data Service appointment to all parties."""

    interface_id: ClassVar[str] = "IF-036"
    event_code: ClassVar[str] = "[DSAppActive]"

    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b015: B015 = attrs.field(validator=wire_block("B015", B015))


@attrs.frozen(kw_only=True)
class MSAppActive:
    """IF-036 ``[MSAppActive]``: REGS confirms the Metering Service appointment to all parties."""

    interface_id: ClassVar[str] = "IF-036"
    event_code: ClassVar[str] = "[MSAppActive]"

    b012: B012 = attrs.field(validator=wire_block("B012", B012))
    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b014: B014 = attrs.field(validator=wire_block("B014", B014))


#: Every IF-031 to IF-036 event, one class per event code.
APPOINTMENT_EVENTS: Final = (
    DSApp,
    MSApp,
    DSAppInitialResp,
    MSAppInitialResp,
    DSAppSPRequest,
    MSAppSPRequest,
    DSAppSPResponse,
    MSAppSPResponse,
    DSAppAccepted,
    MSAppAccepted,
    DSAppActive,
    MSAppActive,
)
