"""The Registration Service (REGS): who serves each MPAN, and the decider of reverse migration.

REGS hears of a secured switch from CSS (C4). For a migrated MPAN won by a
supplier that is not MHHS-qualified it decides a reverse migration (C5),
confirms the registration to the legacy supplier (C6, D0217), announces the
MPAN's departure from MHHS with IF-003 ``[ReverseMigNotification]`` (C7), and,
once the incoming supplier registers its legacy agents (C12, D0205), de-appoints
the outgoing MHHS Metering and Data Services with IF-003 ``[MSDeAppRM]`` and
``[DSDeAppRM]`` (C14, C15), naming the incoming legacy MOP and DC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import ClassVar

import attrs

from market.compose import dip_submission, dtn_flow
from market.css import SecuredActive
from market.dip import M0, DipResponse
from market.dip.if003 import (
    B002,
    B008,
    B009,
    B013,
    B094,
    B095,
    B096,
    DSDeAppRM,
    MSDeAppRM,
    ReverseMigNotification,
)
from market.dtn import D0205, D0209, D0217, D0311
from market.ids import Role
from market.local_time import local_midnight
from market.options import ProcessOptions
from market.participant import Context, Participant, ParticipantIdentity
from market.population import MeteringPoint, ServiceAppointment


@attrs.define(kw_only=True)
class ReverseMigration:
    """REGS's record of one reverse migration in progress."""

    css_registration_id: str
    incoming_supplier_mpid: str
    supply_start_date: date
    regime_end_date: date
    outgoing_supplier_mpid: str
    data_collector_mpid: str | None = None
    meter_operator_mpid: str | None = None
    data_aggregator_mpid: str | None = None
    deappointed: bool = False


@attrs.define(kw_only=True)
class Registration:
    """What REGS holds for one MPAN: regime, registrant and appointed services."""

    point: MeteringPoint
    regime: str
    supplier_mpid: str
    data_service: ServiceAppointment | None
    metering_service: ServiceAppointment | None
    reverse_migration: ReverseMigration | None = None


class RegistrationService(Participant):
    """REGS for one distribution area: registrations, the reverse-migration decision, IF-003."""

    role: ClassVar[Role] = Role.REGISTRATION_SERVICE

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        points: Mapping[str, MeteringPoint],
        qualified_supplier_mpids: frozenset[str],
        mds_dip_id: str,
        ldso_dip_id: str,
        options: ProcessOptions,
    ) -> None:
        super().__init__(identity)
        self.registrations = {
            mpan: Registration(
                point=point,
                regime="MHHS" if point.migrated else "LEGACY",
                supplier_mpid=point.supplier_mpid,
                data_service=point.data_service,
                metering_service=point.metering_service,
            )
            for mpan, point in points.items()
        }
        self.qualified_supplier_mpids = qualified_supplier_mpids
        self.mds_dip_id = mds_dip_id
        self.ldso_dip_id = ldso_dip_id
        self.options = options

    def on_message(self, ctx: Context, message: object) -> None:
        """React to CSS securing a switch, to D0205 registrations and to DIP responses."""
        match message:
            case SecuredActive():
                self._on_secured(ctx, message)
            case D0205():
                self._on_agents_registered(ctx, message)
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

    def _on_secured(self, ctx: Context, secured: SecuredActive) -> None:
        mpan = secured.mpan_core
        registration = self.registrations[mpan]
        gaining = secured.gaining_supplier_mpid
        qualified = gaining in self.qualified_supplier_mpids
        if registration.regime != "MHHS" or qualified:
            ctx.record(
                "switch_registered", mpan=mpan, regime=registration.regime, gaining_supplier=gaining
            )
            registration.supplier_mpid = gaining
            return
        ssd = secured.supply_start_date
        regime_end = ssd - timedelta(days=self.options.regime_end_days_before_ssd)
        registration.reverse_migration = ReverseMigration(
            css_registration_id=secured.css_registration_id,
            incoming_supplier_mpid=gaining,
            supply_start_date=ssd,
            regime_end_date=regime_end,
            outgoing_supplier_mpid=registration.supplier_mpid,
        )
        ctx.record(
            "reverse_migration_decided",
            mpan=mpan,
            incoming_supplier=gaining,
            supply_start_date=ssd.isoformat(),
            mhhs_regime_end_date=regime_end.isoformat(),
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0217,
                to_role=Role.SUPPLIER,
                to_mpid=gaining,
                mpan_core=mpan,
                supply_start_date=ssd,
                supplier_mpid=gaining,
                gsp_group_id=registration.point.gsp_group_id,
                css_registration_id=secured.css_registration_id,
            )
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0311,
                to_role=Role.SUPPLIER,
                to_mpid=gaining,
                mpan_core=mpan,
                old_supplier_mpid=registration.supplier_mpid,
                old_supplier_dip_id=None,
                supply_start_date=ssd,
            )
        )
        ctx.send(
            dip_submission(
                ctx,
                ReverseMigNotification(
                    b013=B013(css_registration_id=secured.css_registration_id),
                    b094=B094(mhhs_regime_end_date=local_midnight(regime_end)),
                    b002=self._b002(registration.reverse_migration),
                ),
                primary_recipients=(self.mds_dip_id, self.ldso_dip_id),
                m0=self._m0(registration),
            )
        )
        if not self.options.deappoint_waits_for_legacy_agents:
            self._deappoint(ctx, registration)

    def _b002(self, migration: ReverseMigration) -> B002:
        return B002(
            incoming_supplier_dip_id=self.options.placeholder_incoming_supplier_dip_id,
            incoming_supplier_mpid=migration.incoming_supplier_mpid,
            supplier_effective_from_date=local_midnight(migration.supply_start_date),
        )

    def _on_agents_registered(self, ctx: Context, update: D0205) -> None:
        mpan = update.mpan_core
        registration = self.registrations[mpan]
        migration = registration.reverse_migration
        if migration is None or update.from_mpid != migration.incoming_supplier_mpid:
            ctx.record("registration_update_refused", mpan=mpan, sender=update.from_mpid)
            return
        migration.data_collector_mpid = update.data_collector_mpid
        migration.meter_operator_mpid = update.meter_operator_mpid
        migration.data_aggregator_mpid = update.data_aggregator_mpid
        registration.regime = "LEGACY"
        registration.supplier_mpid = migration.incoming_supplier_mpid
        ctx.record(
            "legacy_agents_registered",
            mpan=mpan,
            data_collector=update.data_collector_mpid,
            meter_operator=update.meter_operator_mpid,
            data_aggregator=update.data_aggregator_mpid,
            effective_from=update.effective_from_date.isoformat(),
        )
        ctx.send(
            dtn_flow(
                ctx,
                D0209,
                to_role=update.data_aggregator_role,
                to_mpid=update.data_aggregator_mpid,
                mpan_core=mpan,
                supply_start_date=migration.supply_start_date,
                supplier_mpid=migration.incoming_supplier_mpid,
                data_collector_mpid=update.data_collector_mpid,
                profile_class=update.profile_class,
                standard_settlement_configuration=update.standard_settlement_configuration,
                instruction="NEW",
            )
        )
        if not migration.deappointed:
            self._deappoint(ctx, registration)

    def _deappoint(self, ctx: Context, registration: Registration) -> None:
        migration = registration.reverse_migration
        assert migration is not None  # only called for reverse migrations
        migration.deappointed = True
        ssd_midnight = local_midnight(migration.supply_start_date)
        regime_end = local_midnight(migration.regime_end_date)
        b013 = B013(css_registration_id=migration.css_registration_id)
        b002 = self._b002(migration)
        metering = registration.metering_service
        if metering is not None:
            ctx.send(
                dip_submission(
                    ctx,
                    MSDeAppRM(
                        b013=b013,
                        b008=B008(
                            de_appointed_metering_service_dip_id=metering.dip_id,
                            de_appointed_metering_service_mpid=metering.mpid,
                            metering_service_effective_from_date=local_midnight(
                                metering.effective_from
                            ),
                            metering_service_effective_to_date=regime_end,
                            de_appointment_reason_code="CSUPP",
                        ),
                        b002=b002,
                        b095=None
                        if migration.meter_operator_mpid is None
                        else B095(
                            reverse_migration_incoming_mop_mpid=migration.meter_operator_mpid,
                            reverse_migration_incoming_mop_effective_from_date=ssd_midnight,
                        ),
                    ),
                    primary_recipients=(metering.dip_id,),
                    m0=self._m0(registration),
                )
            )
            registration.metering_service = None
        data = registration.data_service
        if data is not None:
            ctx.send(
                dip_submission(
                    ctx,
                    DSDeAppRM(
                        b013=b013,
                        b009=B009(
                            de_appointed_data_service_dip_id=data.dip_id,
                            de_appointed_data_service_mpid=data.mpid,
                            data_service_effective_from_date=local_midnight(data.effective_from),
                            data_service_effective_to_date=regime_end,
                            de_appointment_reason_code="CSUPP",
                        ),
                        b002=b002,
                        b096=None
                        if migration.data_collector_mpid is None
                        else B096(
                            reverse_migration_incoming_dc_mpid=migration.data_collector_mpid,
                            reverse_migration_incoming_dc_effective_from_date=ssd_midnight,
                        ),
                    ),
                    primary_recipients=(data.dip_id,),
                    m0=self._m0(registration),
                )
            )
            registration.data_service = None

    def _on_dip_response(self, ctx: Context, response: DipResponse) -> None:
        for item in response.items:
            if not item.message.startswith("MSG0000"):
                ctx.record(
                    "dip_submission_rejected",
                    reference=item.sender_unique_reference,
                    response=item.message,
                    help=item.help,
                )
