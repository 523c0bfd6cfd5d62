"""The MHHS-qualified supplier: outgoing in a reverse migration, gaining in an MHHS CoS.

As the outgoing supplier it may object to a loss (C3, D3), stops MHHS billing
when PUB-003 announces the regime end (C16), shares a smart meter's
change-of-supply read with IF-041 when the option says so (S3), may try to
update supplier data items it no longer may (IF-025, D10), and checks the
legacy DC's change-of-supply reading against its own closing read, disputing it
with D0300 beyond the tolerance (T8, D8). As the gaining supplier of an MHHS
change of supply it asks REGS to appoint its data and metering services
(IF-031, path COS-M).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

import attrs

from actors.central.registration_appointments import (
    MIGRATION_CHANGE_OF_SUPPLIER,
    appointment_requests,
)
from actors.support import refuse_unknown_mpan
from market.kernel.ids import Role
from market.kernel.local_time import (
    format_journal_instant,
    local_instant,
    local_midnight,
    settlement_date_of,
)
from market.messages.css import (
    LossNotification,
    LossWithdrawn,
    Objection,
    RegistrationObjected,
    RegistrationRequest,
    SecuredActive,
)
from market.messages.dip import (
    B032,
    M0,
    ChangeOfSupplier,
    DipEnvelope,
    DipResponse,
    SSCandProfileClassRequest,
)
from market.messages.dip.if003 import ReverseMigNotification
from market.messages.dip.if041 import B064, ReadingCOS
from market.messages.dtn import D0010, D0086, D0217, D0300, Address, DFlow
from market.participant import Context, Participant, ParticipantIdentity
from market.process.options import ProcessOptions
from market.process.population import MeteringPoint, ServiceAppointment, format_reading
from market.process.stimuli import CustomerSigned

#: The answers to what an MHHS supplier itself asks the Registration Service: IF-026
#: (to its IF-025) and IF-032 (to its IF-031 appointment requests).
ANSWERS_TO_SUPPLIER_REQUESTS = frozenset({"IF-026", "IF-032"})


@attrs.define(kw_only=True)
class Loss:
    """The outgoing supplier's record of one MPAN it is losing."""

    point: MeteringPoint
    supply_start_date: date | None = None
    closing_reading: Decimal | None = None
    incoming_supplier_mpid: str | None = None
    correlation_id: str | None = None
    dispute_reference: str | None = None


@attrs.frozen(kw_only=True, slots=True)
class ShareCosReading:
    """Timer: on the supply start date, share the smart meter's midnight read with IF-041 (S3)."""

    mpan_core: str


class MhhsSupplier(Participant):
    """An MHHS-qualified supplier; in a reverse migration, the outgoing supplier.

    It may object to a loss (D3, with ``objection_probability``), stops MHHS
    billing when PUB-003 announces the regime end (C16), shares a smart meter's
    change-of-supply read with IF-041 when the option says so (S3), and checks the
    legacy DC's change-of-supply reading (D0086; for an HH site the HHDC's D0010,
    A5b) against its own closing read, raising D0300 when they differ by more than
    the tolerance (T8, A6, S6; D8). A publication about an MPAN it neither holds
    nor gains (a stale DIP role map's copy, D16) it refuses with MSG1014.
    """

    def __init__(
        self,
        identity: ParticipantIdentity,
        *,
        portfolio: Mapping[str, MeteringPoint],
        distributor_dip_ids: Mapping[str, str],
        objection_probability: float,
        options: ProcessOptions,
        preferred_services: Mapping[str, tuple[ServiceAppointment, ServiceAppointment]]
        | None = None,
        data_update_probability: float = 0.0,
        registration_service_dip_ids: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(identity)
        self.portfolio = dict(portfolio)
        #: The LDSO's DIP ID per distributor id (first two MPAN digits), for M0.
        self.distributor_dip_ids = dict(distributor_dip_ids)
        self.objection_probability = objection_probability
        #: The data and metering service it appoints on a gain, per market segment (S / A).
        self.preferred_services = dict(preferred_services or {})
        #: Chance it tries to update supplier data items (IF-025) during a reverse migration.
        self.data_update_probability = data_update_probability
        #: The Registration Service's DIP ID per distributor id, for a forward migration (D12).
        self.registration_service_dip_ids = dict(registration_service_dip_ids or {})
        self.options = options
        self.losses: dict[str, Loss] = {}
        #: MPANs it is gaining in an MHHS change of supply (PUB-001 named it the incoming one).
        self.gains: set[str] = set()

    def _serves(self, mpan: str) -> bool:
        """Whether ``mpan`` is its own: in its portfolio, or one it is gaining."""
        return mpan in self.portfolio or mpan in self.gains

    def on_message(self, ctx: Context, message: object) -> None:
        """Handle loss notifications, PUB-003, D0086, D0300 answers and the IF-041 timer."""
        match message:
            case CustomerSigned():
                self._on_signed(ctx, message)
            case RegistrationObjected() | SecuredActive() | LossWithdrawn():
                self._on_switch_news(ctx, message)
            case LossNotification():
                self._on_loss_notified(ctx, message)
            case DipEnvelope(custom=ReverseMigNotification()):
                self._on_reverse_migration(ctx, message)
            case DipEnvelope(custom=ChangeOfSupplier()):
                self._on_change_of_supplier(ctx, message)
            case ShareCosReading():
                self._share_cos_reading(ctx, message.mpan_core)
            case D0086() | D0010():
                self._on_reading_flow(ctx, message)
            case D0217():
                self._on_unmigrated_gain(ctx, message)
            case D0300():
                ctx.record(
                    "dispute_resolved",
                    mpan=message.mpan_core,
                    dispute_reference=message.dispute_reference,
                    resolution=message.resolution,
                )
            case DipResponse():
                self._on_dip_response(ctx, message)
            case DipEnvelope() | DFlow():
                self._on_details(ctx, message)
            case _:
                ctx.record("message_ignored", kind=type(message).__name__)

    def _on_switch_news(
        self, ctx: Context, news: RegistrationObjected | SecuredActive | LossWithdrawn
    ) -> None:
        """CSS: a gain failed (D3), a loss secured (C4a) or a loss withdrawn (D4b)."""
        mpan = news.mpan_core
        if isinstance(news, RegistrationObjected):
            ctx.record("switch_failed", mpan=mpan, reason=news.reason)
        elif isinstance(news, SecuredActive):
            ctx.record("loss_secured", mpan=mpan)
        else:
            loss = self.losses.pop(mpan, None)
            billing_stopped = loss is not None and loss.closing_reading is not None
            ctx.record("loss_withdrawn", mpan=mpan, mhhs_billing_stopped=billing_stopped)

    def _on_signed(self, ctx: Context, signed: CustomerSigned) -> None:
        """C1 as the gaining supplier of an MHHS change of supply."""
        ssd = ctx.calendar.add_working_days(ctx.today, self.options.supply_start_lead_working_days)
        ctx.record("customer_signed", mpan=signed.mpan_core, supply_start_date=ssd.isoformat())
        assert self.identity.mpid is not None  # a supplier always has an MPID
        ctx.send(
            RegistrationRequest(
                mpan_core=signed.mpan_core,
                to_role=Role.CENTRAL_SWITCHING_SERVICE,
                gaining_supplier_mpid=self.identity.mpid,
                requested_supply_start_date=ssd,
                request_reference=f"RR{ctx.next_reference():08d}",
            )
        )

    def _on_loss_notified(self, ctx: Context, notice: LossNotification) -> None:
        mpan = notice.mpan_core
        point = self.portfolio[mpan]
        self.losses[mpan] = Loss(
            point=point,
            supply_start_date=notice.supply_start_date,
            incoming_supplier_mpid=notice.gaining_supplier_mpid,
        )
        if ctx.rng.random() < self.objection_probability:
            assert self.identity.mpid is not None
            ctx.record("loss_objected", mpan=mpan, reason="DEBT")
            ctx.send(
                Objection(
                    mpan_core=mpan,
                    to_role=Role.CENTRAL_SWITCHING_SERVICE,
                    css_registration_id=notice.css_registration_id,
                    losing_supplier_mpid=self.identity.mpid,
                    reason="DEBT",
                )
            )
            return
        ctx.record("loss_accepted", mpan=mpan)

    def _on_reverse_migration(self, ctx: Context, envelope: DipEnvelope) -> None:
        mpan = envelope.mpan_core
        if mpan not in self.portfolio:
            refuse_unknown_mpan(ctx, envelope)
            return
        custom = envelope.custom
        assert isinstance(custom, ReverseMigNotification)
        loss = self.losses.setdefault(mpan, Loss(point=self.portfolio[mpan]))
        ssd = settlement_date_of(custom.b002.supplier_effective_from_date)
        loss.supply_start_date = ssd
        loss.incoming_supplier_mpid = custom.b002.incoming_supplier_mpid
        loss.closing_reading = loss.point.register_on(ssd) + loss.point.supplier_read_offset_kwh
        d0 = envelope.common.d0
        loss.correlation_id = d0.initial_correlation_id if d0 is not None else None
        ctx.record(
            "mhhs_billing_stopped",
            mpan=mpan,
            mhhs_regime_end_date=format_journal_instant(custom.b094.mhhs_regime_end_date),
            closing_reading=format_reading(loss.closing_reading),
        )
        if self.data_update_probability and ctx.rng.random() < self.data_update_probability:
            self._update_supplier_data(ctx, envelope, ssd)
        if loss.point.variant == "S" and self.options.smart_if041_sender == "OUTGOING_SUPPLIER":
            ctx.set_timer(
                max(local_instant(ssd, 9), ctx.now), ShareCosReading(mpan_core=mpan), mpan=mpan
            )

    def _update_supplier_data(self, ctx: Context, notice: DipEnvelope, ssd: date) -> None:
        """D10: an SSC change requested while the MPAN leaves MHHS; REGS must refuse it."""
        effective = local_midnight(ssd - timedelta(days=1))
        ctx.record("supplier_data_update_requested", mpan=notice.mpan_core)
        ctx.submit(
            SSCandProfileClassRequest(
                b032=B032(
                    profile_class="1",
                    profile_class_effective_from_date=effective,
                    ssc="0393",
                    ssc_effective_from_date=effective,
                )
            ),
            primary_recipients=(notice.sender_dip_id,),
            m0=notice.common.m0,
        )

    def _on_change_of_supplier(self, ctx: Context, envelope: DipEnvelope) -> None:
        """B1 received: as the gaining supplier, ask REGS to appoint DS and MS (B31d, B31m)."""
        custom = envelope.custom
        assert isinstance(custom, ChangeOfSupplier)
        mpan = envelope.mpan_core
        if custom.b002.incoming_supplier_mpid != self.identity.mpid:
            ctx.record("loss_confirmed", mpan=mpan)
            return
        segment = custom.b026.market_segment_indicator
        services = self.preferred_services.get(segment)
        self.gains.add(mpan)
        ctx.record("gain_confirmed", mpan=mpan, market_segment=segment)
        if services is None:
            ctx.record("no_service_provider_for_segment", mpan=mpan, market_segment=segment)
            return
        for request in appointment_requests(
            css_registration_id=custom.b013.css_registration_id,
            data_service=services[0],
            metering_service=services[1],
            effective_from=custom.b002.supplier_effective_from_date,
        ):
            ctx.submit(
                request,
                primary_recipients=(envelope.sender_dip_id,),
                m0=envelope.common.m0,
            )

    def _on_details(self, ctx: Context, message: DipEnvelope | DFlow) -> None:
        """Anything else addressed to it: a publication about an MPAN not its own is refused
        (D16, a stale DIP role map's copy); a refusal (R0 ``R``) of its own request is
        ``request_refused``, one of another party's it is copied on ``refusal_noted``."""
        if isinstance(message, DipEnvelope) and not self._serves(message.mpan_core):
            refuse_unknown_mpan(ctx, message)
            return
        r0 = message.common.r0 if isinstance(message, DipEnvelope) else None
        if isinstance(message, DipEnvelope) and r0 is not None and r0.response_code == "R":
            own = message.interface_id in ANSWERS_TO_SUPPLIER_REQUESTS
            ctx.record(
                "request_refused" if own else "refusal_noted",
                mpan=message.mpan_core,
                event_code=message.event_code,
                response=list(r0.response_messages),
            )
            return
        ctx.record("details_received", mpan=message.mpan_core, kind=type(message).__name__)

    def _on_unmigrated_gain(self, ctx: Context, confirmation: D0217) -> None:
        """D12: REGS registered an unmigrated MPAN to it: appoint MHHS services with MCS.

        A forward migration: the IF-031s (B31d, B31m) carry appointment scenario MCS
        and go to the Registration Service of the MPAN's distributor. A traditional
        meter is in the smart (non-advanced) market segment.
        """
        mpan = confirmation.mpan_core
        if confirmation.supplier_mpid != self.identity.mpid:
            ctx.record("details_received", mpan=mpan, kind="D0217")
            return
        self.gains.add(mpan)
        distributor = mpan[:2]
        registration_service = self.registration_service_dip_ids.get(distributor)
        services = self.preferred_services.get("S")
        ctx.record("gain_confirmed", mpan=mpan, market_segment="S", scenario="MCS")
        if registration_service is None or services is None:
            ctx.record(
                "forward_migration_impossible",
                mpan=mpan,
                reason="no Registration Service DIP ID"
                if registration_service is None
                else "no service provider for segment S",
            )
            return
        m0 = M0(
            mpan_core=mpan,
            distributor_dip_id=self.distributor_dip_ids[distributor],
            gsp_group_id=confirmation.gsp_group_id,
        )
        for request in appointment_requests(
            css_registration_id=confirmation.css_registration_id,
            data_service=services[0],
            metering_service=services[1],
            effective_from=local_midnight(confirmation.supply_start_date),
            scenario=MIGRATION_CHANGE_OF_SUPPLIER,
        ):
            ctx.submit(request, primary_recipients=(registration_service,), m0=m0)

    def _share_cos_reading(self, ctx: Context, mpan: str) -> None:
        """S3: IF-041 [ReadingCOS] to the LDSO, or to the outgoing SDS when it has a lane.

        The process map's smart variant has no Outgoing DS lane (the SDS is being
        de-appointed), so by default the LDSO is the primary recipient; with
        ``smart_outgoing_ds_lane`` the SDS is, and the DIP copies the LDSO.
        """
        loss = self.losses.get(mpan)
        if loss is None:
            ctx.record("cos_reading_not_shared", mpan=mpan, reason="the switch was withdrawn")
            return
        point = loss.point
        assert loss.supply_start_date is not None and loss.closing_reading is not None
        distributor = self.distributor_dip_ids[mpan[:2]]
        if not self.options.smart_outgoing_ds_lane:
            primary = distributor
        elif point.data_service is not None:
            primary = point.data_service.dip_id
        else:
            ctx.record("cos_reading_not_shared", mpan=mpan, reason="no data service known")
            return
        ctx.submit(
            ReadingCOS(
                b064_list=(
                    B064(
                        meter_id=point.meter_id,
                        cumulative_register_reading=format_reading(loss.closing_reading),
                        cumulative_register_reading_date_time=local_midnight(
                            loss.supply_start_date
                        ),
                        reading_method="A",
                        site_visit_check_code=None,
                    ),
                )
            ),
            primary_recipients=(primary,),
            m0=M0(
                mpan_core=mpan,
                distributor_dip_id=distributor,
                gsp_group_id=point.gsp_group_id,
            ),
            correlation_id=loss.correlation_id,
        )

    def _on_reading_flow(self, ctx: Context, reading: D0086 | D0010) -> None:
        """A CoS read: the legacy DC's D0086 (T6, S4), or an HH site's D0010 from the HHDC (A5b)."""
        if isinstance(reading, D0086):
            self._on_cos_reading(ctx, reading, reading.incoming_supplier_mpid)
            return
        loss = self.losses.get(reading.mpan_core)
        if (
            reading.reading_type != "A"
            or loss is None
            or loss.point.variant != "A"
            or loss.incoming_supplier_mpid is None
        ):
            ctx.record("details_received", mpan=reading.mpan_core, kind=type(reading).__name__)
            return
        self._on_cos_reading(ctx, reading, loss.incoming_supplier_mpid)

    def _on_cos_reading(
        self, ctx: Context, reading: D0086 | D0010, incoming_supplier_mpid: str
    ) -> None:
        """The CoS read received (T6, S4 D0086; A5b D0010): agree, or raise D0300 (T8, A6, S6)."""
        loss = self.losses.get(reading.mpan_core)
        if loss is None or loss.closing_reading is None or loss.supply_start_date is None:
            ctx.record("cos_reading_unexpected", mpan=reading.mpan_core)
            return
        difference = abs(Decimal(reading.reading) - loss.closing_reading)
        if difference <= self.options.dispute_tolerance_kwh:
            ctx.record(
                "cos_reading_agreed",
                mpan=reading.mpan_core,
                reading=reading.reading,
                own_reading=format_reading(loss.closing_reading),
            )
            return
        loss.dispute_reference = f"DSP{ctx.next_reference():08d}"
        ctx.record(
            "cos_reading_disputed",
            mpan=reading.mpan_core,
            reading=reading.reading,
            own_reading=format_reading(loss.closing_reading),
            dispute_reference=loss.dispute_reference,
        )
        ctx.send_flow(
            D0300,
            to=Address(mpid=incoming_supplier_mpid, role=Role.SUPPLIER),
            mpan_core=reading.mpan_core,
            supply_start_date=loss.supply_start_date,
            meter_id=reading.meter_id,
            register_id=reading.register_id,
            disputed_reading=reading.reading,
            proposed_reading=format_reading(loss.closing_reading),
            dispute_reason=f"differs by {format_reading(difference)} kWh",
            dispute_reference=loss.dispute_reference,
            resolution=None,
        )

    def _on_dip_response(self, ctx: Context, response: DipResponse) -> None:
        for item in response.items:
            if not item.response_code.is_success:
                ctx.record(
                    "dip_submission_rejected",
                    reference=item.sender_unique_reference,
                    response=item.message,
                    help=item.help,
                )
