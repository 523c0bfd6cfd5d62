"""Central Switching Service messages: the switch, the objection window, securing.

CSS is not on the DIP: suppliers and Registration Services talk to it over its
own interface (REC). These values model the few events a reverse migration
needs (brief c.1, steps C1–C4). Each message names its recipient by role and
MPID; a message *to* the CSS leaves ``to_mpid`` as ``None`` because there is
exactly one switching service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

import attrs

from market.kernel.ids import Role, check_mpan_core, check_mpid


def _mpan(_instance: object, _attribute: object, value: str) -> None:
    check_mpan_core(value)


def _mpid(_instance: object, _attribute: object, value: str) -> None:
    check_mpid(value)


@attrs.frozen(kw_only=True, slots=True)
class CssMessage:
    """Base of CSS switching events: an MPAN and a recipient addressed by role and MPID."""

    message_name: ClassVar[str] = "CSS"

    mpan_core: str = attrs.field(validator=_mpan)
    to_role: Role
    to_mpid: str | None = None

    def items(self) -> dict[str, Any]:
        """The event's data as JSON-ready values, for the journal."""
        skip = {"mpan_core", "to_role", "to_mpid"}
        return {
            a.name: _jsonable(getattr(self, a.name))
            for a in attrs.fields(type(self))
            if a.name not in skip
        }


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@attrs.frozen(kw_only=True, slots=True)
class RegistrationRequest(CssMessage):
    """C1: the gaining supplier asks CSS to register the MPAN to it from a supply start date."""

    message_name: ClassVar[str] = "RegistrationRequest"

    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    requested_supply_start_date: date
    request_reference: str


@attrs.frozen(kw_only=True, slots=True)
class LossNotification(CssMessage):
    """C2: CSS tells the losing supplier; objections close at ``objection_deadline``."""

    message_name: ClassVar[str] = "LossNotification"

    css_registration_id: str
    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    supply_start_date: date
    objection_deadline: datetime


@attrs.frozen(kw_only=True, slots=True)
class Objection(CssMessage):
    """C3: the losing supplier objects (debt, contract): the switch fails, no reverse migration."""

    message_name: ClassVar[str] = "Objection"

    css_registration_id: str
    losing_supplier_mpid: str = attrs.field(validator=_mpid)
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class SecuredActive(CssMessage):
    """C4: the switch is secured; CSS tells the Registration Service and both suppliers."""

    message_name: ClassVar[str] = "SecuredActive"

    css_registration_id: str
    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    losing_supplier_mpid: str = attrs.field(validator=_mpid)
    supply_start_date: date


@attrs.frozen(kw_only=True, slots=True)
class RegistrationObjected(CssMessage):
    """D3: CSS tells the gaining supplier the losing supplier objected, so the switch failed."""

    message_name: ClassVar[str] = "RegistrationObjected"

    css_registration_id: str
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class RegistrationWithdrawal(CssMessage):
    """D4: the gaining supplier withdraws a secured registration before the supply start date.

    The customer cancelled (cooling-off) or the registration was erroneous. CSS
    accepts it only from the supplier the switch secured, before its supply start.
    """

    message_name: ClassVar[str] = "RegistrationWithdrawal"

    css_registration_id: str
    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class RegistrationWithdrawn(CssMessage):
    """D4a: CSS tells the Registration Service a secured switch is withdrawn.

    CSS has no event that withdraws what the Registration Service published
    meanwhile (an IF-003 reverse-migration notice).
    """

    message_name: ClassVar[str] = "RegistrationWithdrawn"

    css_registration_id: str
    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    losing_supplier_mpid: str = attrs.field(validator=_mpid)
    reason: str


@attrs.frozen(kw_only=True, slots=True)
class LossWithdrawn(CssMessage):
    """D4b: CSS tells the losing supplier the switch is withdrawn: it keeps the customer."""

    message_name: ClassVar[str] = "LossWithdrawn"

    css_registration_id: str
    gaining_supplier_mpid: str = attrs.field(validator=_mpid)
    reason: str
