"""Process options: every reconstructed (RECON) behaviour the brief leaves open, with its default.

The brief marks much of the reverse-migration timing and routing as a
reconstruction. Each such choice is one field here, named after the brief's
own option where it has one; the README lists them. Defaults follow the brief.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final, Literal, get_args

import attrs

from market.kernel.exceptions import ScenarioError

#: Who sends IF-041 ``[ReadingCOS]`` in the smart variant (brief c.4, ``smart_if041_sender``).
If041Sender = Literal["OUTGOING_SUPPLIER", "OUTGOING_SDS"]


def _days(most: int) -> Callable[[Any, attrs.Attribute[int], int], None]:
    """A validator: a whole number of days from 0 to ``most``."""

    def check(_instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            raise ScenarioError(
                f"options.{attribute.name} = {value!r}: must be a whole number of days "
                f"from 0 to {most}"
            )

    return check


#: The longest register lag (D15) the senders' resubmissions can wait out: an MPAN's message
#: refused at level 2 is resubmitted after 10, 20, 40, 80 and 160 minutes (310 in all,
#: :data:`market.runtime.resubmission.STATUS_RETRY_POLICY`), so a lag of up to 240 minutes
#: leaves room for the DIP's latency on every attempt.
MAX_DIP_REGISTER_LAG_MINUTES: Final = 240


def _lag_minutes(_instance: Any, attribute: attrs.Attribute[int], value: int) -> None:
    most = MAX_DIP_REGISTER_LAG_MINUTES
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ScenarioError(
            f"options.{attribute.name} = {value!r}: must be a whole number of minutes from 1 to "
            f"{most} (senders give up on a message the DIP still refuses after 310 minutes)"
        )


def _tolerance(_instance: Any, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ScenarioError(
            f"options.{attribute.name} = {value}: must be a finite, non-negative number of kWh"
        )


def _placeholder_dip_id(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or len(value) != 10 or not value.isascii() or not value.isalnum():
        raise ScenarioError(
            f"options.{attribute.name} = {value!r}: must be 10 ASCII letters or digits "
            "(B002 incomingSupplierDIPID is a non-nullable 10-character field)"
        )


def _flag(_instance: Any, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise ScenarioError(f"options.{attribute.name} = {value!r}: must be true or false")


def _if041_sender(_instance: Any, attribute: attrs.Attribute[str], value: str) -> None:
    allowed = get_args(If041Sender)
    if value not in allowed:
        raise ScenarioError(
            f"options.{attribute.name} = {value!r}: must be one of {', '.join(allowed)}"
        )


@attrs.frozen(kw_only=True)
class ProcessOptions:
    """The RECON choices of a run (see the README's table for the evidence behind each)."""

    #: c.1 / D5: REGS waits for D0205 (legacy agents known) before IF-003 [MSDeAppRM]/[DSDeAppRM],
    #: so B095/B096 name the incoming MOP and DC. ``False`` de-appoints on securing, without them.
    deappoint_waits_for_legacy_agents: bool = attrs.field(default=True, validator=_flag)
    #: c.0 / open question 6: ``MHHSRegimeEndDate = SSD − n days`` (local midnight).
    regime_end_days_before_ssd: int = attrs.field(default=1, validator=_days(28))
    #: open question 2: the B002 ``incomingSupplierDIPID`` REGS writes when the gaining
    #: supplier has no DIP ID (the schema makes it a non-nullable 10-character field).
    placeholder_incoming_supplier_dip_id: str = attrs.field(
        default="0000000000", validator=_placeholder_dip_id
    )
    #: open question 4: EES learns of reverse migrations as an *always* recipient of PUB-003.
    ees_always_on_if003: bool = attrs.field(default=True, validator=_flag)
    #: brief f.1 / e.3: the Load Shaping Service is an *always* recipient of IF-021
    #: ``[ActivePower]`` (T1, A1, S1b). ``False``: only MDS, the supplier and the LDSO get it.
    lss_always_on_if021: bool = attrs.field(default=True, validator=_flag)
    #: C2 (RECON): the CSS objection window closes this many working days after the request,
    #: at 16:00.
    objection_window_working_days: int = attrs.field(default=1, validator=_days(28))
    #: C1: the gaining supplier asks for a supply start date this many working days ahead.
    supply_start_lead_working_days: int = attrs.field(default=2, validator=_days(28))
    #: D9 / open question 8: the legacy DC deems the CoS read if none is valid this many
    #: working days after SSD (legacy practice SSD ± 5 WD).
    cos_read_cutoff_working_days: int = attrs.field(default=5, validator=_days(28))
    #: D8: readings differing by more than this many kWh are disputed with D0300 (BSCP504).
    dispute_tolerance_kwh: Decimal = attrs.field(default=Decimal("250"), validator=_tolerance)
    #: c.4 S3 / open question 3: the outgoing MHHS supplier (default) or the outgoing SDS
    #: shares the smart change-of-supply read with IF-041 ``[ReadingCOS]``.
    smart_if041_sender: If041Sender = attrs.field(
        default="OUTGOING_SUPPLIER",
        validator=_if041_sender,
    )
    #: c.4 / BPM-003's smart variant: the map has no Outgoing DS lane, so the de-appointed
    #: SDS takes no further part (default ``False``: REGS still de-appoints it, C15, and the
    #: outgoing supplier's IF-041 goes to the LDSO). ``True`` gives the SDS the lane of the
    #: traditional variant: IF-063 ``[MDRStop]`` (S1), its last IF-021 (S1b), reading history
    #: on a D0170 (S2h), and the outgoing supplier's IF-041 addressed to it.
    smart_outgoing_ds_lane: bool = attrs.field(default=False, validator=_flag)
    #: D15 (RECON lag): a lagging MPAN enters the DIP's MPAN register this many minutes after
    #: the DIP first judges a message about it (``decisions.dip_register_lag`` picks them).
    dip_register_lag_minutes: int = attrs.field(default=60, validator=_lag_minutes)

    def outgoing_ds_takes_part(self, variant: str) -> bool:
        """Whether the outgoing data service acts after its de-appointment (C15) in ``variant``.

        Always, but in the smart variant (``S``) only with ``smart_outgoing_ds_lane``.
        """
        return variant != "S" or self.smart_outgoing_ds_lane

    def __attrs_post_init__(self) -> None:
        if self.supply_start_lead_working_days <= self.objection_window_working_days:
            raise ScenarioError(
                f"options.supply_start_lead_working_days = {self.supply_start_lead_working_days}"
                " must be more than options.objection_window_working_days = "
                f"{self.objection_window_working_days}: a switch is secured when the objection "
                "window closes, and IF-003 must reach the market before the supply start date"
            )
        if self.smart_if041_sender == "OUTGOING_SDS" and not self.smart_outgoing_ds_lane:
            raise ScenarioError(
                "options.smart_if041_sender = 'OUTGOING_SDS' needs options.smart_outgoing_ds_lane"
                " = true: in the process map's smart variant the outgoing DS has no lane, so it"
                " cannot share the change-of-supply read"
            )


#: The options' defaults, for the checkers and views that are not told a run's options.
DEFAULT_OPTIONS: Final = ProcessOptions()
