"""What several subcommands share: exit codes, usage errors, loading objects by name."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, Final

from market.kernel.exceptions import MarketError

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2


class UsageError(MarketError, ValueError):
    """The command line or an input file is wrong; the message says how to fix it."""


def load_object(reference: str) -> Any:
    """Import ``package.module:name`` and return the named object."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"{reference!r}: write it as package.module:Name")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # your modules, next to where you run the command
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError(f"{reference!r}: cannot import {module_name} ({error})") from error
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise UsageError(f"{reference!r}: {module_name} has no {attribute}") from None


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def whole_number(text: str) -> int:
    """argparse type: any whole number (seeds may be negative)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
