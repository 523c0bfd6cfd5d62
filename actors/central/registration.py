"""The Registration Service (REGS): who serves each MPAN, and the decider of reverse migration.

REGS hears of a secured switch from CSS (C4) and decides, per switch, which
change of supply it is (C5, decisions D1/D2):

* the MPAN never migrated → a plain legacy change of supply (``COS-L``): D0217
  and D0311 to the gaining supplier, then D0205 / D0209 as for any legacy switch;
* the MPAN never migrated and the gaining supplier is MHHS-qualified → a forward
  migration (``MCS``, D12): D0217 and D0311, then the supplier's IF-031 with
  appointment scenario MCS; the MPAN is MHHS once both services are active;
* the gaining supplier is MHHS-qualified → an MHHS change of supply (``COS-M``);
* a migrated MPAN won by a supplier that is not qualified → a reverse migration
  (``RM``): D0217 (C6), IF-003 ``[ReverseMigNotification]`` (C7) and, once the
  incoming supplier registers its legacy agents (C12, D0205), IF-003
  ``[MSDeAppRM]`` / ``[DSDeAppRM]`` (C14, C15) naming the incoming MOP and DC.

A switch withdrawn at CSS after REGS issued its IF-003 (D4) cannot be undone by
any public event: REGS journals ``manual_intervention_required`` and leaves the
MPAN with its outgoing supplier and services, as a person would have to sort out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from actors.central.deappointments import data_service_deappointment, metering_service_deappointment
from actors.central.registration_appointments import (
    answer_appointment_request,
    appointment_refusal,
    appointment_scenario,
    change_of_supplier_notice,
    relay_provider_response,
)
from actors.central.registration_records import (
    FORWARD_MIGRATION,
    LEGACY_CHANGE_OF_SUPPLY,
    MHHS_CHANGE_OF_SUPPLY,
    REVERSE_MIGRATION,
    ChangeOfSupply,
    Registration,
)
from actors.support import refuse_unknown_mpan
from market.kernel.ids import Role
from market.kernel.local_time import local_midnight
from market.messages.css import RegistrationWithdrawn, SecuredActive
from market.messages.dip import (
    M0,
    R0,
    SUPPLIER_DATA_ITEMS_UNMIGRATED,
    DipEnvelope,
    DipResponse,
    DSApp,
    DSAppSPResponse,
    MSApp,
    MSAppSPResponse,
    SSCandProfileClassNotification,
    SSCandProfileClassRequest,
)
from market.messages.dip.if003 import (
    B002,
    B013,
    B094,
    ReverseMigNotification,
)
from market.messages.dtn import D0172, D0205, D0209, D0217, D0311, Address
from market.participant import Context, Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint, ServiceAppointment
from market.process.vocabulary import Regime


class RegistrationService(Participant):
    """REGS for one distribution area: registrations, the reverse-migration decision, IF-003."""

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        points: Mapping[str, MeteringPoint],
        qualified_suppliers: Mapping[str, str],
        mds_dip_id: str,
        ldso_dip_id: str,
        options: ProcessOptions,
        agents_unknown_probability: float = 0.0,
    ) -> None:
        super().__init__(identity)
        self.registrations = {
            mpan: Registration(
                point=point,
                regime=Regime.MHHS if point.migrated else Regime.LEGACY,
                supplier_mpid=point.supplier_mpid,
                data_service=point.data_service,
                metering_service=point.metering_service,
            )
            for mpan, point in points.items()
        }
        #: MHHS-qualified suppliers (ISD/MDD): MPID → DIP ID.
        self.qualified_suppliers = dict(qualified_suppliers)
        self.mds_dip_id = mds_dip_id
        self.ldso_dip_id = ldso_dip_id
        self.options = options
        #: D5 (scenario ``decisions.legacy_agents_unknown``): how often, where the run's option
        #: has REGS wait for the legacy agents, it de-appoints a reverse migration without them.
        self.agents_unknown_probability = agents_unknown_probability

    def on_message(self, ctx: Context, message: object) -> None:
        """React to CSS securing a switch, to D0205 registrations and to DIP responses."""
        match message:
            case SecuredActive():
                self._on_secured(ctx, message)
            case D0205():
                self._on_agents_registered(ctx, message)
            case RegistrationWithdrawn():
                self._on_withdrawn(ctx, message)
            case DipEnvelope() if message.mpan_core not in self.registrations:
                refuse_unknown_mpan(ctx, message)
            case DipEnvelope(custom=DSApp() | MSApp()):
                self._on_appointment_request(ctx, message)
            case DipEnvelope(custom=DSAppSPResponse() | MSAppSPResponse()):
                self._on_provider_response(ctx, message)
            case DipEnvelope(custom=SSCandProfileClassRequest()):
                self._on_supplier_data_update(ctx, message)
            case DipResponse():
                self._on_dip_response(ctx, message)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _m0(self, registration: Registration) -> M0:
        return M0(
            mpan_core=registration.point.mpan_core,
            distributor_dip_id=self.ldso_dip_id,
            gsp_group_id=registration.point.gsp_group_id,
        )

    # ------------------------------------------------------------ C4 / C5

    def _on_secured(self, ctx: Context, secured: SecuredActive) -> None:
        registration = self.registrations[secured.mpan_core]
        gaining = secured.gaining_supplier_mpid
        if registration.regime != Regime.MHHS:
            qualified = gaining in self.qualified_suppliers
            path = FORWARD_MIGRATION if qualified else LEGACY_CHANGE_OF_SUPPLY
        elif gaining in self.qualified_suppliers:
            path = MHHS_CHANGE_OF_SUPPLY
        else:
            path = REVERSE_MIGRATION
        change = ChangeOfSupply(
            path=path,
            css_registration_id=secured.css_registration_id,
            incoming_supplier_mpid=gaining,
            supply_start_date=secured.supply_start_date,
            outgoing_supplier_mpid=registration.supplier_mpid,
            waits_for_legacy_agents=self.options.deappoint_waits_for_legacy_agents,
        )
        registration.change = change
        if path == REVERSE_MIGRATION:
            self._decide_reverse_migration(ctx, registration, change)
        elif path in (LEGACY_CHANGE_OF_SUPPLY, FORWARD_MIGRATION):
            ctx.record(
                "switch_registered",
                mpan=secured.mpan_core,
                path=path,
                supplier=gaining,
                supply_start_date=change.supply_start_date.isoformat(),
            )
            self._confirm_registration(ctx, registration, change)
            if path == FORWARD_MIGRATION:
                registration.supplier_mpid = gaining
        else:
            ctx.record(
                "switch_registered",
                mpan=secured.mpan_core,
                path=path,
                supplier=gaining,
                supply_start_date=change.supply_start_date.isoformat(),
            )
            self._notify_mhhs_change_of_supply(ctx, registration, change)
            registration.supplier_mpid = gaining

    # ---------------------------------------------------------------- D4

    def _on_withdrawn(self, ctx: Context, withdrawn: RegistrationWithdrawn) -> None:
        """D4: CSS withdrew a secured switch; after an IF-003 only a person can put it right."""
        mpan = withdrawn.mpan_core
        registration = self.registrations[mpan]
        change = registration.change
        if change is None or change.css_registration_id != withdrawn.css_registration_id:
            ctx.record("withdrawal_unmatched", mpan=mpan)
            return
        registration.change = None
        if change.path != REVERSE_MIGRATION:
            ctx.record("switch_withdrawn", mpan=mpan, path=change.path)
            return
        assert change.regime_end_date is not None  # set when the reverse migration was decided
        ctx.record(
            "manual_intervention_required",
            mpan=mpan,
            decision="D4",
            reason="switch withdrawn after IF-003 [ReverseMigNotification]; "
            "no public event withdraws a reverse migration",
            mhhs_regime_end_date=change.regime_end_date.isoformat(),
            services_deappointed=change.deappointed,
        )

    # ------------------------------------------------------------- COS-M

    def _notify_mhhs_change_of_supply(
        self, ctx: Context, registration: Registration, change: ChangeOfSupply
    ) -> None:
        """B1: IF-001 [ChangeOfSupplier] to the incoming supplier, MDS and the LDSO."""
        incoming_dip_id = self.qualified_suppliers[change.incoming_supplier_mpid]
        ssd = local_midnight(change.supply_start_date)
        ctx.submit(
            change_of_supplier_notice(
                registration.point,
                css_registration_id=change.css_registration_id,
                incoming=(incoming_dip_id, change.incoming_supplier_mpid),
                outgoing=(
                    self.qualified_suppliers[change.outgoing_supplier_mpid],
                    change.outgoing_supplier_mpid,
                ),
                supply_start=ssd,
                supply_end=local_midnight(change.supply_start_date - timedelta(days=1)),
            ),
            primary_recipients=(incoming_dip_id, self.mds_dip_id, self.ldso_dip_id),
            m0=self._m0(registration),
        )

    def _on_appointment_request(self, ctx: Context, envelope: DipEnvelope) -> None:
        """B32 and B33: answer the supplier (refusing what the REG rules bar), then ask the
        proposed provider."""
        registration = self.registrations[envelope.mpan_core]
        custom = envelope.custom
        assert isinstance(custom, DSApp | MSApp)
        refusal = appointment_refusal(
            appointment_scenario(custom),
            migrated=registration.regime == Regime.MHHS,
            requester_qualified=envelope.sender_dip_id in self.qualified_suppliers.values(),
            relationship=registration.point.relationship,
        )
        answer_appointment_request(
            ctx,
            envelope,
            supplier_mpid=registration.supplier_mpid,
            m0=self._m0(registration),
            refusal=refusal,
        )

    def _on_provider_response(self, ctx: Context, envelope: DipEnvelope) -> None:
        """B35 and B36: relay the provider's answer; confirm the appointment to all parties.

        On a forward migration (D12) the MPAN enters MHHS once both services are active.
        """
        registration = self.registrations[envelope.mpan_core]
        accepted = relay_provider_response(
            ctx,
            envelope,
            m0=self._m0(registration),
            also_confirm_to=(self.ldso_dip_id, self.mds_dip_id),
        )
        change = registration.change
        if accepted and change is not None and change.path == FORWARD_MIGRATION:
            self._migrate(ctx, registration, envelope)

    def _migrate(self, ctx: Context, registration: Registration, envelope: DipEnvelope) -> None:
        """D12: record the MHHS service the forward migration appointed; both make it MHHS."""
        custom = envelope.custom
        assert isinstance(custom, DSAppSPResponse | MSAppSPResponse)
        assert registration.change is not None
        role = Role(envelope.common.s1.sender_role_id)
        since = registration.change.supply_start_date
        if isinstance(custom, DSAppSPResponse):
            registration.data_service = ServiceAppointment(
                role=role,
                dip_id=custom.b071.proposed_data_service_dip_id,
                mpid=custom.b071.proposed_data_service_mpid,
                effective_from=since,
            )
        else:
            registration.metering_service = ServiceAppointment(
                role=role,
                dip_id=custom.b070.proposed_metering_service_dip_id,
                mpid=custom.b070.proposed_metering_service_mpid,
                effective_from=since,
            )
        if registration.data_service is None or registration.metering_service is None:
            return
        registration.regime = Regime.MHHS
        ctx.record(
            "forward_migration_completed",
            mpan=envelope.mpan_core,
            supplier=registration.supplier_mpid,
            data_service=registration.data_service.mpid,
            metering_service=registration.metering_service.mpid,
            effective_from=since.isoformat(),
        )

    # --------------------------------------------------------------- D10

    def _on_supplier_data_update(self, ctx: Context, envelope: DipEnvelope) -> None:
        """IF-025 answered by IF-026: rejected with REG9002 while the MPAN is reverse-migrating.

        A request from a supplier that is not the MPAN's registrant is refused as a
        recipient refuses a publication not meant for it (MSG1014, level 3): the DIP
        routes by interface and MPAN, it does not know who may change what.
        """
        custom = envelope.custom
        assert isinstance(custom, SSCandProfileClassRequest)
        registration = self.registrations[envelope.mpan_core]
        change = registration.change
        suppliers = {registration.supplier_mpid}  # the registrant, and while a change of
        if change is not None:  # supply is in flight the supplier losing the MPAN too
            suppliers.add(change.outgoing_supplier_mpid)
        allowed = {self.qualified_suppliers.get(mpid) for mpid in suppliers}
        if envelope.sender_dip_id not in allowed:
            ctx.record(
                "supplier_data_update_refused",
                mpan=envelope.mpan_core,
                supplier=envelope.sender_dip_id,
            )
            ctx.reject(
                envelope,
                rule=f"DIP ID {envelope.sender_dip_id} is not the registered supplier of MPAN "
                f"{envelope.mpan_core} ({registration.supplier_mpid}); only the registrant may "
                "change its supplier data items",
            )
            return
        migrating = change is not None and change.path == REVERSE_MIGRATION
        outcome = R0.rejected(SUPPLIER_DATA_ITEMS_UNMIGRATED) if migrating else R0.accepted()
        ctx.record(
            "supplier_data_update_rejected" if migrating else "supplier_data_update_accepted",
            mpan=envelope.mpan_core,
            supplier=envelope.sender_dip_id,
        )
        ctx.submit(
            SSCandProfileClassNotification(b032=custom.b032, b013=custom.b013),
            primary_recipients=(envelope.sender_dip_id,),
            m0=self._m0(registration),
            r0=outcome,
        )

    def _decide_reverse_migration(
        self, ctx: Context, registration: Registration, change: ChangeOfSupply
    ) -> None:
        mpan = registration.point.mpan_core
        change.regime_end_date = change.supply_start_date - timedelta(
            days=self.options.regime_end_days_before_ssd
        )
        # Drawn only when asked for, so runs without D5 "No" draw as they always did.
        if (
            change.waits_for_legacy_agents
            and self.agents_unknown_probability > 0
            and ctx.rng.random() < self.agents_unknown_probability
        ):
            change.waits_for_legacy_agents = False
            ctx.record("legacy_agents_unknown", mpan=mpan)
        ctx.record(
            "reverse_migration_decided",
            mpan=mpan,
            incoming_supplier=change.incoming_supplier_mpid,
            supply_start_date=change.supply_start_date.isoformat(),
            mhhs_regime_end_date=change.regime_end_date.isoformat(),
        )
        self._confirm_registration(ctx, registration, change)
        ctx.submit(
            ReverseMigNotification(
                b013=B013(css_registration_id=change.css_registration_id),
                b094=B094(mhhs_regime_end_date=local_midnight(change.regime_end_date)),
                b002=self._b002(change),
            ),
            primary_recipients=(self.mds_dip_id, self.ldso_dip_id),
            m0=self._m0(registration),
        )
        if not change.waits_for_legacy_agents:
            self._deappoint(ctx, registration, change)

    def _confirm_registration(
        self, ctx: Context, registration: Registration, change: ChangeOfSupply
    ) -> None:
        """C6: D0217, and D0311 naming the old supplier and who the new agents ask for data.

        The old agents are named only where no IF-003 will name the new ones: a
        legacy MPAN's legacy agents (to a legacy or, D12, an MHHS gaining supplier),
        or (when REGS de-appoints without waiting for the legacy agents) the outgoing
        MHHS metering and data services; a smart
        meter's data service only when the run gives it an outgoing DS lane.
        """
        mpan = registration.point.mpan_core
        gaining = change.incoming_supplier_mpid
        ctx.send_flow(
            D0217,
            to=Address(mpid=gaining, role=Role.SUPPLIER),
            mpan_core=mpan,
            supply_start_date=change.supply_start_date,
            supplier_mpid=gaining,
            gsp_group_id=registration.point.gsp_group_id,
            css_registration_id=change.css_registration_id,
        )
        old_mop: Address | None = None
        old_dc: Address | None = None
        legacy = registration.point.legacy_agents
        if change.path in (LEGACY_CHANGE_OF_SUPPLY, FORWARD_MIGRATION) and legacy is not None:
            old_mop = Address(mpid=legacy.meter_operator_mpid, role=Role.NHH_METER_OPERATOR)
            old_dc = Address(mpid=legacy.data_collector_mpid, role=Role.NHH_DATA_COLLECTOR)
        elif not change.waits_for_legacy_agents:
            metering, data = registration.metering_service, registration.data_service
            if metering is not None:
                old_mop = Address(mpid=metering.mpid, role=metering.role)
            if data is not None and self.options.outgoing_ds_takes_part(registration.point.variant):
                old_dc = Address(mpid=data.mpid, role=data.role)
        ctx.send_flow(
            D0311,
            to=Address(mpid=gaining, role=Role.SUPPLIER),
            mpan_core=mpan,
            old_supplier_mpid=change.outgoing_supplier_mpid,
            old_supplier_dip_id=None,
            supply_start_date=change.supply_start_date,
            old_meter_operator_mpid=old_mop.mpid if old_mop else None,
            old_meter_operator_role=old_mop.role if old_mop else None,
            old_data_collector_mpid=old_dc.mpid if old_dc else None,
            old_data_collector_role=old_dc.role if old_dc else None,
        )

    def _b002(self, change: ChangeOfSupply) -> B002:
        return B002(
            incoming_supplier_dip_id=self.options.placeholder_incoming_supplier_dip_id,
            incoming_supplier_mpid=change.incoming_supplier_mpid,
            supplier_effective_from_date=local_midnight(change.supply_start_date),
        )

    # ---------------------------------------------------------- C12 / C13

    def _on_agents_registered(self, ctx: Context, update: D0205) -> None:
        mpan = update.mpan_core
        registration = self.registrations[mpan]
        change = registration.change
        if change is None or update.from_mpid != change.incoming_supplier_mpid:
            ctx.record("registration_update_refused", mpan=mpan, sender=update.from_mpid)
            return
        change.data_collector_mpid = update.data_collector_mpid
        change.meter_operator_mpid = update.meter_operator_mpid
        change.data_aggregator_mpid = update.data_aggregator_mpid
        registration.regime = Regime.LEGACY
        registration.supplier_mpid = change.incoming_supplier_mpid
        ctx.record(
            "legacy_agents_registered",
            mpan=mpan,
            path=change.path,
            supplier=change.incoming_supplier_mpid,
            data_collector=update.data_collector_mpid,
            meter_operator=update.meter_operator_mpid,
            data_aggregator=update.data_aggregator_mpid,
            effective_from=update.effective_from_date.isoformat(),
        )
        ctx.send_flow(
            D0209,
            to=Address(mpid=update.data_aggregator_mpid, role=update.data_aggregator_role),
            mpan_core=mpan,
            supply_start_date=change.supply_start_date,
            supplier_mpid=change.incoming_supplier_mpid,
            data_collector_mpid=update.data_collector_mpid,
            profile_class=update.profile_class,
            standard_settlement_configuration=update.standard_settlement_configuration,
            instruction="NEW",
        )
        ctx.send_flow(
            D0172,
            to=Address(mpid=change.incoming_supplier_mpid, role=Role.SUPPLIER),
            mpan_core=mpan,
            effective_from_date=update.effective_from_date,
            supplier_mpid=change.incoming_supplier_mpid,
            data_collector_mpid=update.data_collector_mpid,
            meter_operator_mpid=update.meter_operator_mpid,
            data_aggregator_mpid=update.data_aggregator_mpid,
        )
        if change.path == REVERSE_MIGRATION and not change.deappointed:
            self._deappoint(ctx, registration, change)

    # ---------------------------------------------------------- C14 / C15

    def _deappoint(self, ctx: Context, registration: Registration, change: ChangeOfSupply) -> None:
        """C14 / C15: IF-003 de-appointments of the outgoing services, naming incoming agents."""
        change.deappointed = True
        b002 = self._b002(change)
        metering = registration.metering_service
        if metering is not None:
            ctx.submit(
                metering_service_deappointment(change, metering, b002),
                primary_recipients=(metering.dip_id,),
                m0=self._m0(registration),
            )
            registration.metering_service = None
        data = registration.data_service
        if data is not None:
            ctx.submit(
                data_service_deappointment(change, data, b002),
                primary_recipients=(data.dip_id,),
                m0=self._m0(registration),
            )
            registration.data_service = None

    def _on_dip_response(self, ctx: Context, response: DipResponse) -> None:
        for item in response.items:
            if not item.response_code.is_success:
                ctx.record(
                    "dip_submission_rejected",
                    reference=item.sender_unique_reference,
                    response=item.message,
                    help=item.help,
                )
