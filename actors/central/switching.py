"""The Central Switching Service: registration requests, the objection window, securing.

CSS knows which supplier is registered for each MPAN and which Registration
Service holds it (by distributor). It tells the losing supplier (C2), waits for
the objection window to close (a timer), and then either reports the objection
to the gaining supplier (D3) or secures the switch and tells REGS and the losing
supplier (C4). Until the supply start date the gaining supplier may withdraw a
secured switch (D4); CSS then tells REGS and the losing supplier, who stays
registered.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

import attrs

from market.kernel.ids import Role
from market.messages.css import (
    LossNotification,
    LossWithdrawn,
    Objection,
    RegistrationObjected,
    RegistrationRequest,
    RegistrationWithdrawal,
    RegistrationWithdrawn,
    SecuredActive,
)
from market.participant import Context, Participant, ParticipantIdentity
from market.process.options import ProcessOptions


@attrs.frozen(kw_only=True, slots=True)
class ObjectionWindowClosed:
    """Timer: the objection window of one registration has closed."""

    css_registration_id: str


@attrs.define(kw_only=True)
class PendingSwitch:
    """A registration request inside its objection window."""

    request: RegistrationRequest
    css_registration_id: str
    losing_supplier_mpid: str
    objection: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class SecuredSwitch:
    """A secured switch a withdrawal (D4) may still undo: until its supply start date."""

    css_registration_id: str
    gaining_supplier_mpid: str
    losing_supplier_mpid: str
    supply_start_date: date


class CentralSwitchingService(Participant):
    """CSS: one per market; switches MPANs between suppliers after an objection window."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        registered_supplier: Mapping[str, str],
        registration_service_by_distributor: Mapping[str, str],
        options: ProcessOptions,
    ) -> None:
        super().__init__(identity)
        self.registered_supplier = dict(registered_supplier)
        self.registration_service_by_distributor = dict(registration_service_by_distributor)
        self.options = options
        self.pending: dict[str, PendingSwitch] = {}
        #: The last secured switch of each MPAN, kept for a withdrawal (D4).
        self.secured: dict[str, SecuredSwitch] = {}

    def on_message(self, ctx: Context, message: object) -> None:
        """Handle registration requests, objections and the objection-window timer."""
        match message:
            case RegistrationRequest():
                self._on_request(ctx, message)
            case Objection():
                self._on_objection(ctx, message)
            case ObjectionWindowClosed():
                self._on_window_closed(ctx, message)
            case RegistrationWithdrawal():
                self._on_withdrawal(ctx, message)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_request(self, ctx: Context, request: RegistrationRequest) -> None:
        mpan = request.mpan_core
        losing = self.registered_supplier[mpan]
        css_id = str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
        self.pending[css_id] = PendingSwitch(
            request=request, css_registration_id=css_id, losing_supplier_mpid=losing
        )
        deadline = ctx.calendar.working_instant(
            ctx.calendar.add_working_days(ctx.today, self.options.objection_window_working_days), 16
        )
        ctx.record("registration_requested", mpan=mpan, css_registration_id=css_id)
        ctx.send(
            LossNotification(
                mpan_core=mpan,
                to_role=Role.SUPPLIER,
                to_mpid=losing,
                css_registration_id=css_id,
                gaining_supplier_mpid=request.gaining_supplier_mpid,
                supply_start_date=request.requested_supply_start_date,
                objection_deadline=deadline,
            )
        )
        ctx.set_timer(deadline, ObjectionWindowClosed(css_registration_id=css_id), mpan=mpan)

    def _on_objection(self, ctx: Context, objection: Objection) -> None:
        pending = self.pending.get(objection.css_registration_id)
        if pending is None or objection.losing_supplier_mpid != pending.losing_supplier_mpid:
            ctx.record(
                "objection_refused", mpan=objection.mpan_core, reason="no such pending switch"
            )
            return
        pending.objection = objection.reason
        ctx.record("objection_raised", mpan=objection.mpan_core, reason=objection.reason)

    def _on_window_closed(self, ctx: Context, closed: ObjectionWindowClosed) -> None:
        pending = self.pending.pop(closed.css_registration_id)
        request = pending.request
        mpan = request.mpan_core
        if pending.objection is not None:
            ctx.send(
                RegistrationObjected(
                    mpan_core=mpan,
                    to_role=Role.SUPPLIER,
                    to_mpid=request.gaining_supplier_mpid,
                    css_registration_id=pending.css_registration_id,
                    reason=pending.objection,
                )
            )
            return
        self.registered_supplier[mpan] = request.gaining_supplier_mpid
        self.secured[mpan] = SecuredSwitch(
            css_registration_id=pending.css_registration_id,
            gaining_supplier_mpid=request.gaining_supplier_mpid,
            losing_supplier_mpid=pending.losing_supplier_mpid,
            supply_start_date=request.requested_supply_start_date,
        )
        ctx.record("switch_secured", mpan=mpan, supplier=request.gaining_supplier_mpid)
        for role, mpid in (
            (Role.REGISTRATION_SERVICE, self.registration_service_by_distributor[mpan[:2]]),
            (Role.SUPPLIER, pending.losing_supplier_mpid),
        ):
            ctx.send(
                SecuredActive(
                    mpan_core=mpan,
                    to_role=role,
                    to_mpid=mpid,
                    css_registration_id=pending.css_registration_id,
                    gaining_supplier_mpid=request.gaining_supplier_mpid,
                    losing_supplier_mpid=pending.losing_supplier_mpid,
                    supply_start_date=request.requested_supply_start_date,
                )
            )

    def _on_withdrawal(self, ctx: Context, withdrawal: RegistrationWithdrawal) -> None:
        """D4: undo a secured switch for its gaining supplier, before the supply start date."""
        mpan = withdrawal.mpan_core
        switch = self.secured.get(mpan)
        refusal = None
        if switch is None or switch.css_registration_id != withdrawal.css_registration_id:
            refusal = "no such secured switch"
        elif switch.gaining_supplier_mpid != withdrawal.gaining_supplier_mpid:
            refusal = "only the gaining supplier may withdraw"
        elif ctx.today >= switch.supply_start_date:
            refusal = "the supply start date has passed"
        if refusal is not None or switch is None:
            ctx.record("withdrawal_refused", mpan=mpan, reason=refusal)
            return
        del self.secured[mpan]
        self.registered_supplier[mpan] = switch.losing_supplier_mpid
        ctx.record("switch_withdrawn", mpan=mpan, reason=withdrawal.reason)
        ctx.send(
            RegistrationWithdrawn(
                mpan_core=mpan,
                to_role=Role.REGISTRATION_SERVICE,
                to_mpid=self.registration_service_by_distributor[mpan[:2]],
                css_registration_id=switch.css_registration_id,
                gaining_supplier_mpid=switch.gaining_supplier_mpid,
                losing_supplier_mpid=switch.losing_supplier_mpid,
                reason=withdrawal.reason,
            )
        )
        ctx.send(
            LossWithdrawn(
                mpan_core=mpan,
                to_role=Role.SUPPLIER,
                to_mpid=switch.losing_supplier_mpid,
                css_registration_id=switch.css_registration_id,
                gaining_supplier_mpid=switch.gaining_supplier_mpid,
                reason=withdrawal.reason,
            )
        )
