"""The process's words: the paths a switch can follow, REGS's decision and an MPAN's regime.

Three vocabularies, kept apart because they answer different questions:

* :class:`Path`: the paths of ``docs/message-flows.md`` that the process model
  has step tables for, and that checks and reports judge a journal against;
* :class:`SwitchPath`: what the Registration Service decides at C5 (D1/D2),
  before the meter variant picks which reverse-migration path it becomes;
* :class:`Regime`: which settlement regime REGS holds an MPAN in.

All are :class:`enum.StrEnum`: members equal their strings (``Path.RM_T ==
"RM-T"``), so journal details, reports and journal files read back as dicts
are unchanged.
"""

from __future__ import annotations

import enum


class Path(enum.StrEnum):
    """A path of ``docs/message-flows.md``, in the order reports list them."""

    # Reverse migration of a traditional (variant T) meter.
    RM_T = "RM-T"
    # Reverse migration of an advanced (variant A) meter, with HH legacy agents.
    RM_A = "RM-A"
    # Reverse migration of a smart (variant S) meter.
    RM_S = "RM-S"
    # Legacy change of supply: the MPAN never migrated.
    COS_L = "COS-L"
    # MHHS change of supply: the gaining supplier is MHHS-qualified.
    COS_M = "COS-M"
    # Forward migration (D12): a qualified supplier gains an unmigrated MPAN and appoints
    # MHHS services with appointment scenario MCS (Migration Change of Supplier).
    MCS = "MCS"
    # Related MPAN (D13): REGS refuses appointments on a linked export (REG1038) or
    # related secondary (REG1039) MPAN; its services follow the site's primary MPAN.
    REL = "REL"
    # Objected: the outgoing supplier kept the customer.
    OBJ = "OBJ"
    # Withdrawn: the gaining supplier withdrew the secured switch (D4).
    WDR = "WDR"


class SwitchPath(enum.StrEnum):
    """The change of supply REGS decides a secured switch is (C5, decisions D1/D2)."""

    # A migrated MPAN won by a supplier that is not MHHS-qualified.
    REVERSE_MIGRATION = "RM"
    # The MPAN never migrated: a plain legacy change of supply.
    LEGACY_CHANGE_OF_SUPPLY = "COS-L"
    # The gaining supplier is MHHS-qualified.
    MHHS_CHANGE_OF_SUPPLY = "COS-M"
    # The MPAN never migrated and the gaining supplier is MHHS-qualified (D12).
    FORWARD_MIGRATION = "MCS"


class Regime(enum.StrEnum):
    """The settlement regime REGS holds an MPAN in."""

    # Migrated: settled half-hourly under MHHS, served by data and metering services.
    MHHS = "MHHS"
    # Not (or no longer) migrated: served by legacy agents over the DTN.
    LEGACY = "LEGACY"
