"""The DIP envelope round-trips and reads the brief's own examples."""

from __future__ import annotations

import json

import attrs
import msgspec
import pytest

from market.messages.dip import (
    A0,
    B064,
    CUSTOM_BLOCKS,
    D0,
    S0,
    CommonBlock,
    CustomBlock,
    DipEnvelope,
    DSDeAppRM,
    EnvelopeError,
    MSDeAppRM,
    ReadingCOR,
    ReadingCOS,
    ReverseMigNotification,
    event_codes_of,
    from_wire,
    parse_body,
    parse_envelope,
    render_body,
    render_envelope,
    to_wire,
)

from .builders import (
    LDSO,
    MDS,
    MPAN,
    OUTGOING_MSS,
    OUTGOING_SDS,
    OUTGOING_SUPPLIER,
    REGS,
    at,
    d0,
    ds_de_app_rm,
    m0,
    ms_de_app_rm,
    reading_cos,
    regs_s1,
    reverse_mig_notification,
    submitted,
)
from .examples import (
    DS_DE_APP_RM_CUSTOM_BLOCK,
    MS_DE_APP_RM_CUSTOM_BLOCK,
    READING_COS,
    REVERSE_MIG_NOTIFICATION_PUBLISHED,
    REVERSE_MIG_NOTIFICATION_SUBMITTED,
)

IF003_SUBMISSIONS = [
    pytest.param(reverse_mig_notification(), (MDS, LDSO), id="ReverseMigNotification"),
    pytest.param(ms_de_app_rm(), (OUTGOING_MSS,), id="MSDeAppRM"),
    pytest.param(ds_de_app_rm(), (OUTGOING_SDS,), id="DSDeAppRM"),
]


@pytest.mark.parametrize(("custom", "primary"), IF003_SUBMISSIONS)
def test_if003_submission_round_trips(custom: CustomBlock, primary: tuple[str, ...]) -> None:
    """An IF-003 envelope as submitted (no D0) renders and parses back to an equal value."""
    envelope = submitted(custom, primary)
    body = render_body([envelope])
    assert "D0" not in msgspec.json.decode(body)[0]["payload"]["CommonBlock"]
    assert parse_body(body) == [envelope]


@pytest.mark.parametrize(("custom", "primary"), IF003_SUBMISSIONS)
def test_if003_publication_round_trips(custom: CustomBlock, primary: tuple[str, ...]) -> None:
    """An IF-003 envelope as published (A0 secondary and always, D0) parses back equal."""
    envelope = submitted(custom, primary).published(d0(), (OUTGOING_SUPPLIER,), (MDS,))
    assert parse_body(render_body([envelope])) == [envelope]


def test_if041_reading_cos_round_trips() -> None:
    """An IF-041 ``[ReadingCOS]`` with both reading lists renders and parses back equal."""
    envelope = submitted(reading_cos(), (LDSO,))
    assert parse_body(render_body([envelope])) == [envelope]


def test_batch_of_envelopes_round_trips_in_order() -> None:
    """A body batching several envelopes parses back to the same envelopes in the same order."""
    envelopes = [
        submitted(ms_de_app_rm(), (OUTGOING_MSS,)),
        submitted(ds_de_app_rm(), (OUTGOING_SDS,)),
    ]
    assert parse_body(render_body(envelopes)) == envelopes


def test_brief_submitted_reverse_mig_notification_parses_to_typed_values() -> None:
    """The brief's submitted ``[ReverseMigNotification]`` parses into the expected typed values."""
    [envelope] = parse_body(REVERSE_MIG_NOTIFICATION_SUBMITTED)
    assert envelope.interface_id == "IF-003"
    assert envelope.event_code == "[ReverseMigNotification]"
    assert envelope.mpan_core == MPAN
    assert envelope.sender_dip_id == REGS
    assert envelope.publication_id is None
    assert envelope.common.s1.sender_timestamp == at("2026-02-27T18:05:12")
    assert envelope.common.s1.sub_text is None
    assert envelope.common.a0 == A0(primary_recipients=(MDS, LDSO))
    assert envelope.common.m0 == m0()
    assert envelope.custom == reverse_mig_notification()
    assert envelope == submitted(reverse_mig_notification(), (MDS, LDSO))


def test_rendering_reproduces_the_brief_submission() -> None:
    """Rendering the typed submission gives exactly the brief's JSON (keys, values and nulls)."""
    envelope = submitted(reverse_mig_notification(), (MDS, LDSO))
    assert msgspec.json.decode(render_body([envelope])) == json.loads(
        REVERSE_MIG_NOTIFICATION_SUBMITTED
    )


def test_published_reproduces_the_brief_delivery_to_the_ldso() -> None:
    """Stamping D0 and the secondary recipient gives the brief's JSON as delivered."""
    [envelope] = parse_body(REVERSE_MIG_NOTIFICATION_SUBMITTED)
    published = envelope.published(d0(), (OUTGOING_SUPPLIER,), ())
    assert published.publication_id == "PUB-003"
    assert published == parse_body(REVERSE_MIG_NOTIFICATION_PUBLISHED)[0]
    assert msgspec.json.decode(render_body([published])) == json.loads(
        REVERSE_MIG_NOTIFICATION_PUBLISHED
    )


def test_brief_ms_de_app_rm_custom_block_parses_and_renders() -> None:
    """The brief's ``[MSDeAppRM]`` CustomBlock parses to typed blocks and renders back verbatim."""
    wire = json.loads(MS_DE_APP_RM_CUSTOM_BLOCK)
    block = from_wire(MSDeAppRM, wire, "$.CustomBlock")
    assert block == ms_de_app_rm()
    assert block.b008.metering_service_effective_to_date == at("2026-03-01T00:00:00")
    assert block.b095 is not None
    assert block.b095.reverse_migration_incoming_mop_mpid == "NMOF"
    assert to_wire(block) == wire


def test_brief_ds_de_app_rm_custom_block_parses_and_renders() -> None:
    """The brief's ``[DSDeAppRM]`` CustomBlock parses to typed blocks and renders back verbatim."""
    wire = json.loads(DS_DE_APP_RM_CUSTOM_BLOCK)
    block = from_wire(DSDeAppRM, wire, "$.CustomBlock")
    assert block == ds_de_app_rm()
    assert block.b009.de_appointed_data_service_mpid == "SDSC"
    assert to_wire(block) == wire


def test_brief_reading_cos_parses_to_typed_values() -> None:
    """The brief's IF-041 ``[ReadingCOS]`` parses into typed readings and renders back verbatim."""
    [envelope] = parse_body(READING_COS)
    assert isinstance(envelope.custom, ReadingCOS)
    assert envelope.common.s1.sender_correlation_id == "CI-20260227-7F3A9C21D4E84B10"
    assert envelope.custom == reading_cos()
    assert envelope.custom.b064_list is not None
    [reading] = envelope.custom.b064_list
    assert reading.cumulative_register_reading == "12345.678"
    assert reading.site_visit_check_code is None
    assert msgspec.json.decode(render_body([envelope])) == json.loads(READING_COS)


@pytest.mark.parametrize(
    ("custom", "absent"),
    [
        pytest.param(ms_de_app_rm(with_b095=False), "B095", id="B095"),
        pytest.param(ds_de_app_rm(with_b096=False), "B096", id="B096"),
    ],
)
def test_optional_incoming_agent_block_is_omitted_when_none(
    custom: CustomBlock, absent: str
) -> None:
    """B095/B096 set to ``None`` are left off the wire, and absence parses back to ``None``."""
    wire = to_wire(custom)
    assert absent not in wire
    assert from_wire(type(custom), wire) == custom


def test_reading_lists_are_omitted_when_none_and_sent_empty_when_empty() -> None:
    """``None`` leaves B064List/B065List off the wire; ``()`` sends an empty array."""
    assert to_wire(ReadingCOS()) == {}
    assert to_wire(ReadingCOS(b064_list=(), b065_list=())) == {"B064List": [], "B065List": []}
    assert from_wire(ReadingCOS, {}) == ReadingCOS()


def test_all_ten_if041_event_codes_are_modelled() -> None:
    """Every IF-041 event code of the brief maps to its own class with the same block shape."""
    expected = {
        "[ReadingRemote]",
        "[ReadingRemv]",
        "[ReadingInstl]",
        "[ReadingEnergisationChg]",
        "[ReadingCOR]",
        "[ReadingOnSite]",
        "[ReadingCOS]",
        "[DSEstimate]",
        "[SupplierAgreedCOS]",
        "[ReadingOverride]",
    }
    assert set(event_codes_of("IF-041")) == expected
    assert len({CUSTOM_BLOCKS[("IF-041", code)] for code in expected}) == 10


def test_same_readings_under_different_if041_events_differ() -> None:
    """A ``[ReadingCOR]`` is not equal to a ``[ReadingCOS]`` carrying the same readings."""
    readings = reading_cos()
    same_readings: object = ReadingCOR(b064_list=readings.b064_list, b065_list=readings.b065_list)
    assert same_readings != readings


def test_if041_event_code_chooses_the_custom_block_class() -> None:
    """The same IF-041 readings under ``[ReadingCOR]`` parse into a :class:`ReadingCOR`."""
    data = json.loads(READING_COS)[0]["payload"]
    data["CommonBlock"]["S0"]["eventCode"] = "[ReadingCOR]"
    assert isinstance(parse_envelope(data).custom, ReadingCOR)


def test_custom_block_must_match_s0() -> None:
    """Building an envelope whose CustomBlock is not the one S0 names fails naming the field."""
    common = submitted(ms_de_app_rm(), (OUTGOING_MSS,)).common
    with pytest.raises(EnvelopeError) as caught:
        DipEnvelope(common=common, custom=ds_de_app_rm())
    assert caught.value.path == "DipEnvelope.custom"
    assert caught.value.rule == "must be a MSDeAppRM for IF-003 [MSDeAppRM], got DSDeAppRM"


def test_envelope_for_unmodelled_event_cannot_be_built() -> None:
    """An S0 naming an event with no CustomBlock class is refused when the envelope is built."""
    common = attrs.evolve(
        submitted(ms_de_app_rm(), (OUTGOING_MSS,)).common,
        s0=S0(interface_id="IF-003", event_code="[MSDeApp]"),
    )
    with pytest.raises(EnvelopeError, match=r"unknown event code \[MSDeApp\] for IF-003"):
        DipEnvelope(common=common, custom=ms_de_app_rm())


def test_publishing_needs_primary_recipients() -> None:
    """A submission without A0 cannot be published, since the DIP routes on primaryRecipients."""
    envelope = DipEnvelope(
        common=CommonBlock(s0=S0.for_block(DSDeAppRM), s1=regs_s1(), m0=m0()),
        custom=ds_de_app_rm(),
    )
    with pytest.raises(EnvelopeError) as caught:
        envelope.published(d0(), (), ())
    assert caught.value.path == "$.CommonBlock.A0"


def test_published_keeps_primary_and_replaces_d0() -> None:
    """Publishing keeps the sender's primary recipients and fills in what the DIP decides."""
    envelope = submitted(ds_de_app_rm(), (OUTGOING_SDS,))
    replayed = attrs.evolve(d0(), replay_indicator=True)
    published = envelope.published(d0(), [OUTGOING_SUPPLIER], []).published(replayed, (), (MDS,))
    assert published.common.a0 == A0(primary_recipients=(OUTGOING_SDS,), always=(MDS,))
    assert published.common.d0 == replayed
    assert envelope.common.d0 is None


def test_render_envelope_gives_the_payload_object() -> None:
    """``render_envelope`` gives the payload object, and ``parse_envelope`` reads it back."""
    envelope = submitted(reverse_mig_notification(), (MDS, LDSO))
    payload = render_envelope(envelope)
    assert list(payload) == ["CommonBlock", "CustomBlock"]
    assert parse_envelope(payload) == envelope


def test_render_body_refuses_an_empty_batch() -> None:
    """An empty body would break the DIP's ``minItems 1``, so it is refused when rendering."""
    with pytest.raises(EnvelopeError, match="at least 1 item"):
        render_body([])


def test_common_block_is_immutable() -> None:
    """Envelope blocks are frozen: changing a field means building a new value."""
    s1 = regs_s1()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s1.sender_dip_id = "2300000101"  # type: ignore[misc]


def test_d0_fields_are_typed() -> None:
    """D0 parsed from the brief's publication holds a datetime and a bool, not strings."""
    [envelope] = parse_body(REVERSE_MIG_NOTIFICATION_PUBLISHED)
    assert envelope.common.d0 == d0()
    assert isinstance(envelope.common.d0, D0)
    assert envelope.common.d0.replay_indicator is False
    assert envelope.common.d0.transaction_timestamp == at("2026-02-27T18:05:13")


def test_reading_list_items_are_typed() -> None:
    """Parsed B064 items are :class:`B064` values whose instant is timezone-aware."""
    [envelope] = parse_body(READING_COS)
    assert isinstance(envelope.custom, ReadingCOS)
    assert envelope.custom.b064_list is not None
    item = envelope.custom.b064_list[0]
    assert isinstance(item, B064)
    assert item.cumulative_register_reading_date_time.utcoffset() is not None


def test_custom_blocks_table_lists_if003_events() -> None:
    """The catalogue maps the three IF-003 event codes to their classes."""
    assert CUSTOM_BLOCKS[("IF-003", "[ReverseMigNotification]")] is ReverseMigNotification
    assert CUSTOM_BLOCKS[("IF-003", "[MSDeAppRM]")] is MSDeAppRM
    assert CUSTOM_BLOCKS[("IF-003", "[DSDeAppRM]")] is DSDeAppRM


@pytest.mark.parametrize(("custom", "primary"), IF003_SUBMISSIONS)
def test_a_body_is_the_same_bytes_whether_its_custom_block_was_encoded_before_or_not(
    custom: CustomBlock, primary: tuple[str, ...]
) -> None:
    """``render_body`` keeps each CustomBlock's encoding for its publications: same bytes."""
    envelope = submitted(custom, primary)
    published = envelope.published(d0(), (OUTGOING_SUPPLIER,), (MDS,))
    for value in (envelope, published, envelope, published):  # first encoded, then kept
        expected = msgspec.json.encode([{"payload": render_envelope(value)}])
        assert render_body([value]) == expected
    # A different CustomBlock with the same fields is encoded afresh, not taken for the first.
    changed = attrs.evolve(envelope, custom=attrs.evolve(custom))
    assert render_body([changed]) == render_body([envelope])
    assert render_body([envelope, published]) == msgspec.json.encode(
        [{"payload": render_envelope(envelope)}, {"payload": render_envelope(published)}]
    )
