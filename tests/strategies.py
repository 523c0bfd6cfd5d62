"""Hypothesis strategies for hostile DIP input: random JSON, garbage, and one-change mutations."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

# Text without line breaks: a schema pattern's ``$`` is end-of-input in ECMA-262 (the JSON
# Schema dialect) but also matches before a final newline in Python's ``re``, which the
# ``jsonschema`` package uses; the simulator's parser follows ECMA-262.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30
)
JSON_LEAVES = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | TEXT
)
#: Any JSON value, small.
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)


def locations(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The path of every value inside a JSON document, the document itself first."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += locations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += locations(value, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, documents: Sequence[Any]) -> Any:
    """One of ``documents`` with one thing changed: a value replaced, retyped, dropped or added."""
    document = copy.deepcopy(draw(st.sampled_from(documents)))
    path = draw(st.sampled_from(locations(document)[1:]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(["replace", "drop", "add", "retype"]))
    if action == "replace":
        parent[last] = draw(JSON_VALUES)
    elif action == "retype" and isinstance(parent[last], str):
        original = parent[last]
        parent[last] = draw(
            st.sampled_from([original[:-1], original + "0", original.upper(), original.lower()])
        )
    elif action == "drop" and isinstance(parent, dict):
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last][draw(TEXT)] = draw(JSON_VALUES)
    return document


@st.composite
def truncated(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` cut short somewhere (never whole)."""
    return body[: draw(st.integers(0, len(body) - 1))]
