"""Every newly modelled event round-trips as submitted and as published, and is catalogued."""

from __future__ import annotations

import msgspec
import pytest

from market.messages.dip import (
    CUSTOM_BLOCKS,
    R0_INTERFACES,
    DipEnvelope,
    event_codes_of,
    parse_body,
    render_body,
)

from .builders import MDS, OUTGOING_SUPPLIER
from .envelope_builders import d0_for
from .event_builders import all_new_envelopes

NEW_EVENTS = [pytest.param(built, sender, id=name) for name, built, sender in all_new_envelopes()]


@pytest.mark.parametrize(("envelope", "sender"), NEW_EVENTS)
def test_submission_round_trips(envelope: DipEnvelope, sender: tuple[str, str]) -> None:
    """A new event as submitted (no D0) renders and parses back to an equal envelope."""
    body = render_body([envelope])
    assert "D0" not in msgspec.json.decode(body)[0]["payload"]["CommonBlock"]
    assert parse_body(body) == [envelope]


@pytest.mark.parametrize(("envelope", "sender"), NEW_EVENTS)
def test_publication_round_trips(envelope: DipEnvelope, sender: tuple[str, str]) -> None:
    """A new event as published (D0 stamped, secondary and always filled) parses back equal."""
    published = envelope.published(
        d0_for(envelope.interface_id, sender), (OUTGOING_SUPPLIER,), (MDS,)
    )
    assert published.publication_id == envelope.interface_id.replace("IF", "PUB")
    assert parse_body(render_body([published])) == [published]


@pytest.mark.parametrize(("envelope", "sender"), NEW_EVENTS)
def test_r0_is_sent_exactly_on_the_interfaces_that_carry_it(
    envelope: DipEnvelope, sender: tuple[str, str]
) -> None:
    """The CommonBlock has an R0 key after M0 exactly when the interface's composition lists R0."""
    common = msgspec.json.decode(render_body([envelope]))[0]["payload"]["CommonBlock"]
    if envelope.interface_id in R0_INTERFACES:
        assert list(common)[-2:] == ["M0", "R0"]
    else:
        assert "R0" not in common


def test_batch_of_every_new_event_round_trips_in_order() -> None:
    """One body batching all nineteen new events parses back to the same envelopes in order."""
    envelopes = [built for _, built, _ in all_new_envelopes()]
    assert len(envelopes) == 19
    assert parse_body(render_body(envelopes)) == envelopes


@pytest.mark.parametrize(
    ("interface_id", "events"),
    [
        ("IF-001", ("[ChangeOfSupplier]",)),
        ("IF-014", ("[ActivePowerRejected]",)),
        ("IF-021", ("[ActivePower]", "[ReactivePower]")),
        ("IF-025", ("[SSCandProfileClass]",)),
        ("IF-026", ("[SSCandProfileClass]",)),
        ("IF-031", ("[DSApp]", "[MSApp]")),
        ("IF-032", ("[DSAppInitialResp]", "[MSAppInitialResp]")),
        ("IF-033", ("[DSAppSPRequest]", "[MSAppSPRequest]")),
        ("IF-034", ("[DSAppSPResponse]", "[MSAppSPResponse]")),
        ("IF-035", ("[DSAppAccepted]", "[MSAppAccepted]")),
        ("IF-036", ("[DSAppActive]", "[MSAppActive]")),
        ("IF-063", ("[MDRStop]",)),
    ],
)
def test_catalogue_lists_the_new_events(interface_id: str, events: tuple[str, ...]) -> None:
    """Each new interface lists exactly the event codes the brief asked for."""
    assert event_codes_of(interface_id) == events


def test_each_event_class_names_its_own_interface_and_code() -> None:
    """Every catalogue entry's class declares the interface and event code it is filed under."""
    for (interface_id, event_code), block in CUSTOM_BLOCKS.items():
        assert (block.interface_id, block.event_code) == (interface_id, event_code)


def test_same_event_code_on_two_interfaces_maps_to_two_classes() -> None:
    """IF-025 and IF-026 share ``[SSCandProfileClass]`` yet are distinct CustomBlock classes."""
    request = CUSTOM_BLOCKS[("IF-025", "[SSCandProfileClass]")]
    notification = CUSTOM_BLOCKS[("IF-026", "[SSCandProfileClass]")]
    assert request is not notification
