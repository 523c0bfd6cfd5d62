"""Decode and check outside input (JSON) within :class:`InputLimits`."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from market.boundary.limits import InputLimits
from market.kernel.exceptions import MarketError


class InputError(MarketError, ValueError):
    """An input broke a boundary rule at ``path`` (``$[0].payload``, ``market.mpans``)."""

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


def _child(path: str, key: object, *, toml: bool) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if toml:
        return f"{path}.{key}" if path else str(key)
    return f"{path}.{key}"


def check_tree(value: object, limits: InputLimits, root: str = "$", *, toml: bool = False) -> None:
    """Raise :class:`InputError` at the first value of ``value`` that breaks ``limits``.

    Iterative, so depth costs no recursion; paths are JSON paths (``$[0].a``) or,
    with ``toml``, dotted keys (``market.variants.T``).
    """
    stack: list[tuple[object, str, int]] = [(value, root, 1)]
    while stack:
        item, path, depth = stack.pop()
        where = path or "the file"
        if not isinstance(item, Mapping | list):
            problem = scalar_problem(item, limits)
            if problem is not None:
                raise InputError(where, problem)
            continue
        if depth > limits.max_depth:
            raise InputError(where, f"nested deeper than {limits.max_depth} levels")
        if len(item) > limits.max_array_items:
            raise InputError(
                where, f"has {len(item)} items, over the limit of {limits.max_array_items}"
            )
        pairs = item.items() if isinstance(item, Mapping) else enumerate(item)
        for key, child in pairs:
            if isinstance(key, str) and len(key) > limits.max_string_chars:
                raise InputError(where, f"a key is over {limits.max_string_chars} characters")
            stack.append((child, _child(path, key, toml=toml), depth + 1))


def scalar_problem(item: object, limits: InputLimits) -> str | None:
    """The limit one string, number or date breaks, or ``None``."""
    if isinstance(item, str) and len(item) > limits.max_string_chars:
        return f"string of {len(item)} characters, over the limit of {limits.max_string_chars}"
    if isinstance(item, int) and not isinstance(item, bool):
        if abs(item) >= 10**limits.max_int_digits:
            return f"integer longer than {limits.max_int_digits} digits is out of range"
    elif isinstance(item, float) and not math.isfinite(item):
        return f"{item} is not a finite number"
    elif isinstance(item, date) and item.year not in limits.years:  # datetimes too
        return f"year {item.year} is outside {limits.years.start}-{limits.years.stop - 1}"
    return None


def decode_json(data: bytes | str, limits: InputLimits) -> Any:
    """JSON ``data`` decoded and checked against ``limits``; :class:`InputError` otherwise."""
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > limits.max_bytes:
        raise InputError(
            "$", f"{limits.name} of {size} bytes is over the limit of {limits.max_bytes}"
        )
    try:
        decoded = msgspec.json.decode(data)
    except RecursionError:
        raise InputError("$", f"nested deeper than {limits.max_depth} levels") from None
    except msgspec.DecodeError as error:
        raise InputError("$", f"not valid JSON: {error}") from None
    check_tree(decoded, limits)
    return decoded


def read_toml(path: Path, limits: InputLimits) -> dict[str, Any]:
    """The TOML file at ``path`` decoded and checked against ``limits``.

    Over-size files are refused before they are read whole; the text must be
    UTF-8. An :class:`InputError`'s path names the file and the dotted key
    (``plan.toml: fault[2].seconds``).
    """
    where = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(limits.max_bytes + 1)
    except OSError as error:
        raise InputError(where, f"cannot read ({error.strerror})") from None
    if len(data) > limits.max_bytes:
        raise InputError(where, f"{limits.name} is over the limit of {limits.max_bytes} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(where, f"not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    try:
        decoded = tomllib.loads(text)
    except RecursionError:
        raise InputError(where, f"nested deeper than {limits.max_depth} levels") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(where, f"not valid TOML ({error})") from None
    except ValueError:  # an integer longer than Python converts (4,300 digits)
        raise InputError(
            where, f"an integer longer than {limits.max_int_digits} digits is out of range"
        ) from None
    try:
        check_tree(decoded, limits, root="", toml=True)
    except InputError as error:
        raise InputError(f"{where}: {error.path}", error.rule) from None
    return decoded
