"""HH advances (D0036, D0275) and the previous agents named in D0148 / D0311."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from market.kernel.ids import Role
from market.messages.dtn import D0036, D0148, D0275, D0311, FlowError, parse_flow, render_flow

from .test_flows import sample

#: The Sunday the clocks go back (50 periods) and the one they go forward (46).
CLOCKS_BACK = date(2026, 10, 25)
CLOCKS_FORWARD = date(2026, 3, 29)


def _periods(count: int, kwh: str = "0.625") -> tuple[tuple[int, str], ...]:
    return tuple((period, kwh) for period in range(1, count + 1))


@pytest.mark.parametrize(
    ("day", "count"), [(CLOCKS_BACK, 50), (CLOCKS_FORWARD, 46), (date(2026, 3, 2), 48)]
)
def test_advances_carry_one_value_per_settlement_period_of_the_day(day: date, count: int) -> None:
    """A D0036 holds exactly as many values as its settlement day has periods."""
    flow = attrs.evolve(sample(D0036), settlement_date=day, period_values=_periods(count))

    assert parse_flow(render_flow(flow)) == flow


def test_48_values_on_the_day_the_clocks_go_back_are_refused() -> None:
    """The 25-hour day needs 50 values; 48 is refused, naming the day and its length."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0275), settlement_date=CLOCKS_BACK)

    assert caught.value.field == "D0275.period_values"
    assert "2026-10-25, which has 50; got 48" in caught.value.rule


def test_periods_out_of_order_are_refused() -> None:
    """Period numbers run 1, 2, … in order; a swapped pair is refused, naming the position."""
    values = ((2, "0.625"), (1, "0.625"), *_periods(48)[2:])

    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0036), period_values=values)

    assert caught.value.field == "D0036.period_values"
    assert "pair 1 is numbered 2" in caught.value.rule


@pytest.mark.parametrize("kwh", ["0.62", "-0.625", "0,625", "1"])
def test_a_value_that_is_not_kwh_with_three_decimals_is_refused(kwh: str) -> None:
    """Each advance is non-negative kWh with exactly three decimals."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0036), period_values=_periods(48, kwh))

    assert caught.value.field == "D0036.period_values"


def test_period_values_render_as_nested_lists() -> None:
    """The (period, kWh) pairs become [period, kWh] lists in the journal."""
    assert sample(D0036).items()["period_values"][:2] == [[1, "0.625"], [2, "0.625"]]


def test_outgoing_agent_roles_render_as_codes_or_null() -> None:
    """D0148 renders a named outgoing MSA's role as its code and an unnamed DC's as null."""
    items = sample(D0148).items()

    assert items["outgoing_meter_operator_role"] == "MSA"
    assert items["outgoing_data_collector_role"] is None


def test_d0148_without_outgoing_agents_parses_with_none() -> None:
    """A D0148 rendered before the outgoing-agent items existed parses with them all None."""
    rendered = render_flow(sample(D0148))
    items = dict(rendered["items"])  # type: ignore[call-overload]
    for name in ("outgoing_meter_operator_mpid", "outgoing_meter_operator_role"):
        del items[name]

    parsed = parse_flow(rendered | {"items": items})

    assert isinstance(parsed, D0148)
    assert parsed.outgoing_meter_operator_mpid is None
    assert parsed.outgoing_meter_operator_role is None


def test_a_role_without_its_mpid_is_refused() -> None:
    """An outgoing agent's role is only useful with its MPID, so one alone is refused."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0148), outgoing_data_collector_role=Role.ADVANCED_DATA_SERVICE)

    assert caught.value.field == "D0148.outgoing_data_collector_role"
    assert "given exactly when outgoing_data_collector_mpid is given" in caught.value.rule


def test_an_mpid_without_its_role_is_refused() -> None:
    """An old meter operator's MPID alone cannot address a D0170, so it is refused."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0311), old_meter_operator_role=None)

    assert caught.value.field == "D0311.old_meter_operator_role"


def test_a_supplier_is_no_previous_meter_operator() -> None:
    """The old meter operator is a legacy MOP or an MHHS metering service, never a supplier."""
    with pytest.raises(FlowError) as caught:
        attrs.evolve(sample(D0311), old_meter_operator_role=Role.SUPPLIER)

    assert caught.value.field == "D0311.old_meter_operator_role"
    assert "Role.SUPPLIER" in caught.value.rule


def test_parse_refuses_an_unknown_role_code_in_an_optional_role_item() -> None:
    """An optional role item holding no Role code is refused, naming the item."""
    rendered = render_flow(sample(D0311))
    items = dict(rendered["items"])  # type: ignore[call-overload]
    items["old_data_collector_role"] = "XX"

    with pytest.raises(FlowError) as caught:
        parse_flow(rendered | {"items": items})

    assert caught.value.field == "D0311.old_data_collector_role"
