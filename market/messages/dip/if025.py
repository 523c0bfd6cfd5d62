"""IF-025 / IF-026: the supplier maintains SSC and Profile Class; REGS answers and notifies.

The supplier submits IF-025 ``[SSCandProfileClass]`` to REGS; REGS answers with
IF-026 ``[SSCandProfileClass]``, which is both the outcome to the requester and
the notification to the DS, MS, LSS, LDSO, EES and MDR. The outcome is the
CommonBlock R0 of IF-026 (DES138 lists R0 in IF-026's composition, not in
IF-025's): in reverse migration REGS refuses the outgoing supplier's update with
``R0.rejected(SUPPLIER_DATA_ITEMS_UNMIGRATED)``, i.e. ``responseCode`` ``"R"``
and ``responseMessages`` ``["REG9002 - ..."]`` (brief d, D10).

DOC: both compositions (B013, B068, B030, B031, B032, plus R0 on IF-026), B032's
items, keys and field rules. RECON: which members the ``[SSCandProfileClass]``
event uses and requires (B032 required, B013 omittable because only a supplier
in the middle of a switch has a CSS registration to quote); B068, B030 and B031
belong to the other three events and are not modelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import attrs

from market.messages.dip.fields import wire_datetime, wire_text
from market.messages.dip.if003 import B013
from market.messages.dip.wire import wire_block


@attrs.frozen(kw_only=True)
class B032:
    """The legacy Profile Class and Standard Settlement Configuration, each nullable.

    Retained in MHHS only to help shape traditional meters' consumption; ``null``
    clears a value (REG0009 refuses clearing one that is already null).
    """

    profile_class: str | None = attrs.field(
        validator=wire_text(
            "profileClass",
            min_length=1,
            max_length=2,
            pattern=r"^\d{1,2}$",
            shape="one or two digits, e.g. '01'",
            nullable=True,
        )
    )
    profile_class_effective_from_date: datetime | None = attrs.field(
        validator=wire_datetime("profileClassEffectiveFromDate", nullable=True)
    )
    ssc: str | None = attrs.field(
        validator=wire_text(
            "SSC",
            length=4,
            pattern=r"^\d{4}$",
            shape="four digits, e.g. '0393'",
            nullable=True,
        )
    )
    ssc_effective_from_date: datetime | None = attrs.field(
        validator=wire_datetime("SSCEffectiveFromDate", nullable=True)
    )


@attrs.frozen(kw_only=True)
class SSCandProfileClassRequest:
    """IF-025 ``[SSCandProfileClass]``: the supplier asks REGS to record new SSC/Profile Class."""

    interface_id: ClassVar[str] = "IF-025"
    event_code: ClassVar[str] = "[SSCandProfileClass]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b032: B032 = attrs.field(validator=wire_block("B032", B032))


@attrs.frozen(kw_only=True)
class SSCandProfileClassNotification:
    """IF-026 ``[SSCandProfileClass]``: REGS's outcome (R0) and the values it now holds.

    On a rejection ``b032`` echoes the values the supplier asked for.
    """

    interface_id: ClassVar[str] = "IF-026"
    event_code: ClassVar[str] = "[SSCandProfileClass]"

    b013: B013 | None = attrs.field(
        default=None, validator=wire_block("B013", B013, omittable=True)
    )
    b032: B032 = attrs.field(validator=wire_block("B032", B032))
