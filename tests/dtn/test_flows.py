"""D-flows: construction, the render/parse round trip, and errors that name the field."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypeVar

import attrs
import pytest

from market.kernel.exceptions import MarketError
from market.kernel.ids import Role
from market.messages.dtn import (
    D0004,
    D0010,
    D0011,
    D0019,
    D0036,
    D0086,
    D0148,
    D0149,
    D0150,
    D0151,
    D0153,
    D0155,
    D0170,
    D0172,
    D0205,
    D0209,
    D0217,
    D0261,
    D0268,
    D0275,
    D0300,
    D0302,
    D0311,
    FLOW_TYPES,
    DFlow,
    FlowError,
    FlowHeader,
    parse_flow,
    render_flow,
)

MPAN = "1900012345670"
SSD = date(2025, 3, 7)
INCOMING_SUPPLIER = "LEGS"
OUTGOING_SUPPLIER = "MHHS"
DATA_COLLECTOR = "NDCA"
METER_OPERATOR = "NMOA"
DATA_AGGREGATOR = "NDAA"
REGISTRATION = "REGS"

_Flow = TypeVar("_Flow", bound=DFlow)


def sample_flows() -> list[DFlow]:
    """One valid flow of every type, as a variant-T (or, for HH flows, variant-A) RM sends it."""
    supplier_to_dc = FlowHeader(
        from_mpid=INCOMING_SUPPLIER,
        from_role=Role.SUPPLIER,
        to_mpid=DATA_COLLECTOR,
        to_role=Role.NHH_DATA_COLLECTOR,
        mpan_core=MPAN,
    )
    dc_to_supplier = FlowHeader(
        from_mpid=DATA_COLLECTOR,
        from_role=Role.NHH_DATA_COLLECTOR,
        to_mpid=INCOMING_SUPPLIER,
        to_role=Role.SUPPLIER,
        mpan_core=MPAN,
    )
    registration_to_supplier = FlowHeader(
        from_mpid=REGISTRATION,
        from_role=Role.REGISTRATION_SERVICE,
        to_mpid=INCOMING_SUPPLIER,
        to_role=Role.SUPPLIER,
        mpan_core=MPAN,
    )
    mop_to_dc = FlowHeader(
        from_mpid=METER_OPERATOR,
        from_role=Role.NHH_METER_OPERATOR,
        to_mpid=DATA_COLLECTOR,
        to_role=Role.NHH_DATA_COLLECTOR,
        mpan_core=MPAN,
    )
    hh_dc_to_supplier = attrs.evolve(
        dc_to_supplier,
        from_mpid="HDCE",
        from_role=Role.HH_DATA_COLLECTOR,
    )
    return [
        D0155(
            supplier_to_dc,
            appointed_role=Role.NHH_DATA_COLLECTOR,
            effective_from_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            smart_cos_indicator=True,
            measurement_class="A",
            gsp_group_id="_J",
            contract_reference="DC-2025-0001",
        ),
        D0153(
            attrs.evolve(supplier_to_dc, to_mpid=DATA_AGGREGATOR, to_role=Role.NHH_DATA_AGGREGATOR),
            appointed_role=Role.NHH_DATA_AGGREGATOR,
            effective_from_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            gsp_group_id="_J",
            contract_reference="DA-2025-0001",
        ),
        D0011(
            dc_to_supplier,
            appointed_role=Role.NHH_DATA_COLLECTOR,
            effective_from_date=SSD,
            contract_reference="DC-2025-0001",
        ),
        D0261(
            dc_to_supplier,
            appointed_role=Role.NHH_DATA_COLLECTOR,
            effective_from_date=SSD,
            contract_reference="DC-2025-0001",
            rejection_reason="No capacity in GSP group _J",
        ),
        D0151(
            supplier_to_dc,
            terminated_role=Role.NHH_DATA_COLLECTOR,
            effective_to_date=date(2025, 9, 30),
            contract_reference="DC-2025-0001",
        ),
        D0148(
            supplier_to_dc,
            effective_from_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            data_collector_mpid=None,
            meter_operator_mpid=METER_OPERATOR,
            data_aggregator_mpid=DATA_AGGREGATOR,
            outgoing_meter_operator_mpid="MSAD",
            outgoing_meter_operator_role=Role.ADVANCED_METERING_SERVICE,
        ),
        D0302(
            supplier_to_dc,
            customer_name="A. Customer",
            site_postcode="SW1A 1AA",
            priority_services_register=False,
        ),
        D0205(
            attrs.evolve(supplier_to_dc, to_mpid=REGISTRATION, to_role=Role.REGISTRATION_SERVICE),
            effective_from_date=SSD,
            data_collector_mpid=DATA_COLLECTOR,
            data_collector_role=Role.NHH_DATA_COLLECTOR,
            meter_operator_mpid=METER_OPERATOR,
            meter_operator_role=Role.NHH_METER_OPERATOR,
            data_aggregator_mpid=DATA_AGGREGATOR,
            data_aggregator_role=Role.NHH_DATA_AGGREGATOR,
            measurement_class="A",
            profile_class=1,
            standard_settlement_configuration="0393",
        ),
        D0217(
            registration_to_supplier,
            supply_start_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            gsp_group_id="_J",
            css_registration_id="3f1c9e2a-5b7d-4c11-9a0e-2d6f8b4c7e10",
        ),
        D0172(
            registration_to_supplier,
            effective_from_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            data_collector_mpid=DATA_COLLECTOR,
            meter_operator_mpid=METER_OPERATOR,
            data_aggregator_mpid=DATA_AGGREGATOR,
        ),
        D0209(
            attrs.evolve(
                registration_to_supplier, to_mpid=DATA_AGGREGATOR, to_role=Role.NHH_DATA_AGGREGATOR
            ),
            supply_start_date=SSD,
            supplier_mpid=INCOMING_SUPPLIER,
            data_collector_mpid=DATA_COLLECTOR,
            profile_class=1,
            standard_settlement_configuration="0393",
            instruction="NEW",
        ),
        D0311(
            registration_to_supplier,
            old_supplier_mpid=OUTGOING_SUPPLIER,
            old_supplier_dip_id="2200000019",
            supply_start_date=SSD,
            old_meter_operator_mpid="MSAD",
            old_meter_operator_role=Role.ADVANCED_METERING_SERVICE,
            old_data_collector_mpid="ADSC",
            old_data_collector_role=Role.ADVANCED_DATA_SERVICE,
        ),
        D0150(
            mop_to_dc,
            meter_id="K12A345678",
            meter_type="N",
            effective_from_date=SSD,
            registers=("01", "02"),
        ),
        D0149(
            mop_to_dc,
            meter_id="K12A345678",
            effective_from_date=SSD,
            register_mappings=(("01", "00206"), ("02", "00221")),
        ),
        D0268(
            attrs.evolve(
                mop_to_dc, to_role=Role.HH_DATA_COLLECTOR, from_role=Role.HH_METER_OPERATOR
            ),
            meter_id="E10BG01234",
            outstation_id="OS123",
            effective_from_date=SSD,
            channels=("AI", "RI"),
            ct_ratio="200/5",
        ),
        D0170(
            attrs.evolve(mop_to_dc, to_mpid="SMSO", to_role=Role.SMART_METERING_SERVICE),
            requested_item="MTD",
        ),
        D0010(
            attrs.evolve(supplier_to_dc, from_mpid="SDSA", from_role=Role.SMART_DATA_SERVICE),
            meter_id="K12A345678",
            register_id="01",
            reading_date=date(2025, 3, 6),
            reading="012345.6",
            reading_type="O",
            reading_method=None,
        ),
        D0086(
            dc_to_supplier,
            meter_id="K12A345678",
            register_id="01",
            supply_start_date=SSD,
            reading="012345.6",
            reading_type="D",
            incoming_supplier_mpid=INCOMING_SUPPLIER,
            outgoing_supplier_mpid=OUTGOING_SUPPLIER,
        ),
        D0019(
            attrs.evolve(dc_to_supplier, to_mpid=DATA_AGGREGATOR, to_role=Role.NHH_DATA_AGGREGATOR),
            effective_from_date=SSD,
            estimated_annual_consumption_kwh="3100.0",
            annualised_advance_kwh=None,
        ),
        D0300(
            attrs.evolve(supplier_to_dc, from_mpid=OUTGOING_SUPPLIER, to_role=Role.SUPPLIER),
            supply_start_date=SSD,
            meter_id="K12A345678",
            register_id="01",
            disputed_reading="012345.6",
            proposed_reading="012601.0",
            dispute_reason="Closing MHHS read differs by more than 250 kWh",
            dispute_reference="DSP-0001",
            resolution=None,
        ),
        D0036(
            attrs.evolve(hh_dc_to_supplier, to_mpid="HDAH", to_role=Role.HH_DATA_AGGREGATOR),
            settlement_date=SSD,
            measurement_quantity="AI",
            supplier_mpid=INCOMING_SUPPLIER,
            period_values=tuple((period, "0.625") for period in range(1, 49)),
        ),
        D0275(
            hh_dc_to_supplier,
            settlement_date=SSD,
            measurement_quantity="AI",
            supplier_mpid=INCOMING_SUPPLIER,
            period_values=tuple((period, "0.625") for period in range(1, 49)),
        ),
        D0004(
            dc_to_supplier,
            meter_id="K12A345678",
            attempted_date=date(2025, 3, 10),
            failure_reason="No access to the meter",
        ),
    ]


def _with_header(flow: _Flow, **changes: Any) -> _Flow:
    """``flow`` with some of its header's parts changed (and validated again)."""
    return attrs.evolve(flow, header=attrs.evolve(flow.header, **changes))


def sample(flow_type: type[_Flow]) -> _Flow:
    """The sample flow of ``flow_type``."""
    return next(flow for flow in sample_flows() if isinstance(flow, flow_type))


@pytest.mark.parametrize("flow", sample_flows(), ids=lambda flow: flow.flow_id)
def test_rendered_flow_parses_back_to_an_equal_flow(flow: DFlow) -> None:
    """A flow rendered, written as JSON text and parsed back is equal to the original."""
    rendered = render_flow(flow)

    assert parse_flow(json.loads(json.dumps(rendered))) == flow
    assert render_flow(parse_flow(rendered)) == rendered


def test_every_registered_flow_type_has_one_sample() -> None:
    """The registry and the samples cover the same flow ids, so a new flow needs a sample."""
    sample_ids = [flow.flow_id for flow in sample_flows()]

    assert sorted(sample_ids) == sorted(FLOW_TYPES)


@pytest.mark.parametrize("flow_id", sorted(FLOW_TYPES))
def test_flow_class_is_named_by_its_flow_id_and_documented(flow_id: str) -> None:
    """Each flow class is named by its flow id and carries its DTC name and typical direction."""
    flow_type = FLOW_TYPES[flow_id]

    assert flow_type.__name__ == flow_type.flow_id == flow_id
    assert flow_type.flow_name
    assert flow_type.typical_direction
    assert flow_type.__doc__


def test_flows_are_immutable_and_hashable() -> None:
    """A flow cannot be changed after it is built, so it can be shared and used as a key."""
    flow = sample(D0155)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flow.supplier_mpid = "XXXX"  # type: ignore[misc]
    assert {flow: 1}[sample(D0155)] == 1


def test_render_gives_header_and_json_ready_items() -> None:
    """Rendering puts the header in from/to/mpan and items as ISO dates, role codes and values."""
    assert render_flow(sample(D0155)) == {
        "flow": "D0155",
        "from": {"mpid": INCOMING_SUPPLIER, "role": "SUP"},
        "to": {"mpid": DATA_COLLECTOR, "role": "NHHDC"},
        "mpan": MPAN,
        "items": {
            "appointed_role": "NHHDC",
            "effective_from_date": "2025-03-07",
            "supplier_mpid": INCOMING_SUPPLIER,
            "smart_cos_indicator": True,
            "measurement_class": "A",
            "gsp_group_id": "_J",
            "contract_reference": "DC-2025-0001",
        },
    }


def test_items_render_tuples_as_lists() -> None:
    """Tuples of register ids and of register mappings become (nested) lists."""
    assert sample(D0150).items()["registers"] == ["01", "02"]
    assert sample(D0149).items()["register_mappings"] == [["01", "00206"], ["02", "00221"]]


def test_defaulted_item_may_be_left_out_when_parsing() -> None:
    """A D0150 without measurement_quantity parses with the default, active import."""
    items = sample(D0150).items()
    del items["measurement_quantity"]

    assert parse_flow(render_flow(sample(D0150)) | {"items": items}) == sample(D0150)


def test_bad_mpid_names_flow_and_field() -> None:
    """A lower-case MPID is refused, naming the flow, the field and the rule."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0155), supplier_mpid="abc")

    assert caught.value.field == "D0155.supplier_mpid"
    assert "4 upper-case letters" in caught.value.rule
    assert str(caught.value).startswith("D0155.supplier_mpid: ")


def test_bad_header_mpid_names_the_header_field() -> None:
    """A bad sender MPID is refused as ``<flow>.from_mpid``."""
    with pytest.raises(FlowError) as caught:
        _with_header(sample(D0010), from_mpid="SDS1")

    assert caught.value.field == "D0010.from_mpid"


def test_bad_mpan_check_digit_names_flow_and_field() -> None:
    """An MPAN core with a wrong check digit is refused, naming the field and the rule."""
    with pytest.raises(FlowError) as caught:
        _with_header(sample(D0086), mpan_core="1900012345671")

    assert caught.value.field == "D0086.mpan_core"
    assert "check digit" in caught.value.rule


@pytest.mark.parametrize(
    "reading", ["", ".", "abc", "12.", ".5", "12345", "1234567890.1", "1.2345", "12,5"]
)
def test_reading_without_digits_either_side_of_the_point_is_refused(reading: str) -> None:
    """A reading needs 1–9 digits, a point and 1–3 decimals."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0010), reading=reading)

    assert caught.value.field == "D0010.reading"


def test_negative_reading_is_accepted() -> None:
    """A negative reading (an export correction) keeps its sign and digits exactly."""
    assert attrs.evolve(sample(D0010), reading="-0012.500").reading == "-0012.500"


def test_d0155_refuses_a_supplier_as_appointed_role() -> None:
    """A D0155 appoints a meter operator or data collector, never a supplier."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0155), appointed_role=Role.SUPPLIER)

    assert caught.value.field == "D0155.appointed_role"
    assert "Role.SUPPLIER" in caught.value.rule


def test_role_code_string_is_refused_with_the_fix() -> None:
    """A role given as its bare code is refused, telling the caller to use the Role member."""
    with pytest.raises(FlowError, match=r"use Role\('NHHDC'\)"):
        attrs.evolve(sample(D0155), appointed_role="NHHDC")  # type: ignore[arg-type]


def test_datetime_is_refused_where_a_date_is_expected() -> None:
    """A datetime would not survive the round trip, so a date field refuses it."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0155), effective_from_date=datetime(2025, 3, 7, 0, 0))  # noqa: DTZ001

    assert caught.value.field == "D0155.effective_from_date"


def test_bool_is_refused_as_profile_class() -> None:
    """``True`` is an ``int`` to Python but not a profile class."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0205), profile_class=True)

    assert caught.value.field == "D0205.profile_class"


def test_flow_error_is_a_market_error_and_a_value_error() -> None:
    """Callers may catch a flow error as the simulator's own or as Python's ValueError."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0302), customer_name="")

    assert isinstance(caught.value, MarketError)
    assert isinstance(caught.value, ValueError)


def test_parse_refuses_an_unknown_flow_id() -> None:
    """An unknown flow id is refused as the ``flow`` field, naming the id."""
    rendered = render_flow(sample(D0155)) | {"flow": "D9999"}

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered)

    assert caught.value.field == "flow"
    assert "'D9999'" in caught.value.rule


def test_parse_refuses_an_unknown_item() -> None:
    """An item the flow does not carry is refused, naming the flow and the item."""
    rendered = render_flow(sample(D0155))
    rendered["items"] = {**sample(D0155).items(), "colour": "blue"}

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered)

    assert caught.value.field == "D0155.colour"
    assert "unknown data item" in caught.value.rule


def test_parse_refuses_a_missing_item() -> None:
    """A required item left out is refused, naming the flow and the item."""
    items = sample(D0155).items()
    del items["supplier_mpid"]
    rendered = render_flow(sample(D0155)) | {"items": items}

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered)

    assert caught.value.field == "D0155.supplier_mpid"
    assert caught.value.rule == "missing data item"


def test_parse_refuses_a_date_that_is_not_iso() -> None:
    """A date item must be 'YYYY-MM-DD'; anything else is refused, naming the item."""
    items = sample(D0155).items() | {"effective_from_date": "07/03/2025"}

    with pytest.raises(FlowError) as caught:
        parse_flow(render_flow(sample(D0155)) | {"items": items})

    assert caught.value.field == "D0155.effective_from_date"


def test_parse_refuses_an_unknown_role_code() -> None:
    """A sender role that is no Role code is refused as ``<flow>.from_role``."""
    rendered = render_flow(sample(D0155)) | {"from": {"mpid": INCOMING_SUPPLIER, "role": "XX"}}

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered)

    assert caught.value.field == "D0155.from_role"


def test_parse_refuses_an_unknown_envelope_key() -> None:
    """A key beside flow, from, to, mpan and items is refused, naming the key."""
    rendered = render_flow(sample(D0155)) | {"sent_at": "2025-03-06"}

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered)

    assert caught.value.field == "D0155.sent_at"
