"""Event views read exactly as the journal lines they stand for, without copying the journal."""

from __future__ import annotations

import pytest

from market.kernel.journal import EventView, PayloadRenderer, event_to_dict, event_views
from market.messages.rendering import LazyEnvelope, render_payload, render_payload_lazily
from market.runtime.simulation import RunResult


@pytest.mark.parametrize("renderer", [render_payload, render_payload_lazily])
def test_every_view_equals_its_journal_line(
    default_run: RunResult, renderer: PayloadRenderer
) -> None:
    """Each view compares equal to event_to_dict's dict: keys, order, values, payloads."""
    views = event_views(default_run.journal, renderer)
    assert len(views) == len(default_run.journal)
    for event, view in zip(default_run.journal, views, strict=True):
        line = event_to_dict(event, render_payload)
        assert list(view) == list(line)
        assert dict(view) == line
        assert view == line


def test_view_reads_like_a_dict(default_run: RunResult) -> None:
    """``get`` defaults, ``in`` and ``[]`` behave as on the line's dict."""
    delivered = next(
        e
        for e in default_run.journal
        if e.kind == "delivered" and (e.message or "").startswith("PUB-")
    )
    view = EventView(delivered, render_payload)
    assert view["envelope"]["CommonBlock"]["S0"]["eventCode"] == delivered.event_code
    assert "flow" not in view
    assert view.get("flow", "absent") == "absent"
    assert view.get("mpan") == delivered.mpan
    with pytest.raises(KeyError):
        view["no-such-key"]


def test_views_keep_no_rendered_payload(default_run: RunResult) -> None:
    """A view renders its payload each time it is read: nothing kept, the same value each time."""
    delivered = next(e for e in default_run.journal if e.kind == "delivered" and e.network == "DTN")
    view = EventView(delivered, render_payload)
    first = view["flow"]
    again = view["flow"]
    assert first == again
    assert first is not again


def test_a_lazy_envelope_renders_one_block_at_a_time(default_run: RunResult) -> None:
    """``CommonBlock`` and ``CustomBlock`` are the rendered envelope's, read separately."""
    delivered = next(
        e
        for e in default_run.journal
        if e.kind == "delivered" and (e.message or "").startswith("PUB-")
    )
    view = EventView(delivered, render_payload_lazily)
    envelope = view["envelope"]
    assert isinstance(envelope, LazyEnvelope)
    full = event_to_dict(delivered, render_payload)["envelope"]
    assert list(envelope) == list(full)
    assert envelope["CommonBlock"] == full["CommonBlock"]
    assert envelope["CustomBlock"] == full["CustomBlock"]
    assert len(envelope) == 2
    with pytest.raises(KeyError):
        envelope["R0"]
