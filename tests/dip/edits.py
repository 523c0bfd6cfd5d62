"""Edits of a parsed DIP payload, addressed by a path such as ``A0.primaryRecipients[1]``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Edit = Callable[[Any], None]


def _locate(root: Any, path: str) -> tuple[Any, Any]:
    """The container and key or index that ``path`` (``A0.primaryRecipients[1]``) ends at."""
    tokens: list[str | int] = [
        int(token[1:-1]) if token.startswith("[") else token
        for token in re.findall(r"[^.\[\]]+|\[\d+\]", path)
    ]
    node = root
    for token in tokens[:-1]:
        node = node[token]
    return node, tokens[-1]


def put(path: str, value: object) -> Edit:
    """An edit setting the payload member at ``path`` to ``value``."""

    def edit(payload: Any) -> None:
        node, key = _locate(payload, path)
        node[key] = value

    return edit


def drop(path: str) -> Edit:
    """An edit removing the payload member at ``path``."""

    def edit(payload: Any) -> None:
        node, key = _locate(payload, path)
        del node[key]

    return edit


def rename(path: str, new_key: str) -> Edit:
    """An edit renaming the key at ``path`` (keeping its value)."""

    def edit(payload: Any) -> None:
        node, key = _locate(payload, path)
        node[new_key] = node.pop(key)

    return edit
