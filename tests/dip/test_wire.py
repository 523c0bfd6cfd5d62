"""The generic codec between attrs wire classes and JSON-shaped dicts."""

from __future__ import annotations

import attrs
import pytest

from market.messages.dip import EnvelopeError, from_wire, to_wire
from market.messages.dip.field_rules import json_type
from market.messages.dip.fields import wire_datetime, wire_flag, wire_text, wire_text_list
from market.messages.dip.wire import unknown_key_rule, wire_block, wire_block_list

from .builders import at


@attrs.frozen(kw_only=True)
class Leaf:
    """A tiny wire class for codec tests."""

    name: str = attrs.field(validator=wire_text("name", min_length=1, max_length=3))


@attrs.frozen(kw_only=True)
class Tree:
    """A wire class using every kind of rule."""

    label: str | None = attrs.field(validator=wire_text("label", nullable=True))
    flag: bool = attrs.field(validator=wire_flag("flag"))
    when: str | None = attrs.field(default=None, validator=wire_datetime("when", nullable=True))
    leaf: Leaf | None = attrs.field(
        default=None, validator=wire_block("leaf", Leaf, omittable=True)
    )
    leaves: tuple[Leaf, ...] = attrs.field(
        default=(), validator=wire_block_list("leaves", Leaf, max_items=2)
    )
    tags: tuple[str, ...] = attrs.field(default=(), validator=wire_text_list("tags", length=2))


@attrs.frozen
class Unruled:
    """An attrs class whose field has no wire rule."""

    name: str


def test_to_wire_follows_declaration_order_and_rules() -> None:
    """Nullable ``None`` renders as null, omittable ``None`` is left out, tuples become lists."""
    tree = Tree(label=None, flag=True, leaves=(Leaf(name="a"),), tags=("xy",))
    wire = to_wire(tree)
    assert wire == {
        "label": None,
        "flag": True,
        "when": None,
        "leaves": [{"name": "a"}],
        "tags": ["xy"],
    }
    assert list(wire) == ["label", "flag", "when", "leaves", "tags"]
    assert from_wire(Tree, wire) == tree


def test_datetimes_render_as_dt003() -> None:
    """A datetime renders in UK local offset, 25 characters, and parses back to the same instant."""

    @attrs.frozen(kw_only=True)
    class Stamp:
        at: object = attrs.field(validator=wire_datetime("at"))

    summer = at("2026-06-01T11:00:00")
    assert to_wire(Stamp(at=summer)) == {"at": "2026-06-01T12:00:00+01:00"}
    assert from_wire(Stamp, {"at": "2026-06-01T12:00:00+01:00"}) == Stamp(at=summer)


def test_nested_error_paths_use_keys_and_indexes() -> None:
    """An error deep in a list of blocks names the full JSON path from the root given."""
    data = {
        "label": None,
        "flag": False,
        "when": None,
        "leaves": [{"name": "a"}, {"name": "abcd"}],
        "tags": [],
    }
    with pytest.raises(EnvelopeError) as caught:
        from_wire(Tree, data, "$.root")
    assert (caught.value.path, caught.value.rule) == (
        "$.root.leaves[1].name",
        "must be 1 to 3 characters, got 4",
    )


def test_list_size_is_checked_before_items() -> None:
    """A list over its maxItems fails at the list, without parsing each item first."""
    data = {"label": None, "flag": False, "when": None, "leaves": [None, None, None], "tags": []}
    with pytest.raises(EnvelopeError) as caught:
        from_wire(Tree, data)
    assert (caught.value.path, caught.value.rule) == (
        "$.leaves",
        "must have at most 2 items, got 3",
    )


def test_unknown_keys_are_reported_before_missing_ones() -> None:
    """A misspelt key is reported as unknown, with a hint, not as the real key missing."""
    with pytest.raises(EnvelopeError) as caught:
        from_wire(Leaf, {"Name": "a"})
    assert (caught.value.path, caught.value.rule) == (
        "$.Name",
        "unknown key 'Name' (did you mean 'name'?)",
    )


def test_unknown_key_rule_hints_only_close_matches() -> None:
    """A close or case-only difference gets a hint; an unrelated key lists what is allowed."""
    assert unknown_key_rule("gspGroupID", ["MPANCore", "GSPGroupID"]).endswith(
        "(did you mean 'GSPGroupID'?)"
    )
    assert (
        unknown_key_rule("B010", ["B013", "B095"]) == "unknown key 'B010' (allowed: 'B013', 'B095')"
    )


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "null"),
        (True, "boolean"),
        (1, "number"),
        (1.5, "number"),
        ("", "string"),
        ([], "array"),
        ({}, "object"),
    ],
)
def test_json_type_names(value: object, name: str) -> None:
    """Error messages name JSON types as JSON does."""
    assert json_type(value) == name


def test_class_without_wire_rules_is_refused() -> None:
    """An attrs class whose fields carry no wire rule cannot be rendered, and the error says why."""
    with pytest.raises(TypeError, match=r"Unruled\.name has no wire rule"):
        to_wire(Unruled("a"))


def test_non_object_is_refused_at_its_path() -> None:
    """A block given as something other than a JSON object fails at the block's own path."""
    with pytest.raises(EnvelopeError) as caught:
        from_wire(Leaf, ["name"], "$.CommonBlock.S0")
    assert (caught.value.path, caught.value.rule) == (
        "$.CommonBlock.S0",
        "must be an object, got array",
    )
