"""Loading your code by name: ``package.module:name`` and ``file.py:Class`` references.

Used wherever a user names a participant class or a market builder (the
``--participant`` option, a scenario's ``[participants]``, ``market grade``,
an experiment's ``market``). Every way a reference can be wrong is a
:class:`~market.kernel.exceptions.UsageError` in one line that says which.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from market.kernel.exceptions import UsageError
from market.participant import Participant


def load_object(reference: str) -> Any:
    """Import ``package.module:name`` and return the named object."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise UsageError(f"{reference!r}: write it as package.module:Name")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # your modules, next to where you run the command
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # a user's module: any error while importing it is theirs
        raise UsageError(f"{reference!r}: cannot import {module_name} ({_said(error)})") from error
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise UsageError(f"{reference!r}: {module_name} has no {attribute}") from None


def load_participant_class(reference: str) -> type[Participant]:
    """The participant class ``reference`` names: ``package.module:Class`` or ``file.py:Class``.

    Like ``python -m``, the current folder is importable. Anything else (no
    ``:``, no such file, a module that fails to import, a name that is not a
    :class:`~market.participant.Participant` subclass, a class that does not
    define ``on_message``) is a :class:`UsageError` saying which.
    """
    module_part, _, name = reference.rpartition(":")
    if not module_part or not name:
        raise UsageError(f"{reference!r}: write it as package.module:Class or file.py:Class")
    found = _load_file(reference, Path(module_part), name) if module_part.endswith(".py") else None
    if found is None:
        found = load_object(reference)
    if not (isinstance(found, type) and issubclass(found, Participant)):
        raise UsageError(
            f"{reference!r} is not a participant class: subclass market.participant.Participant"
        )
    if found.on_message is Participant.on_message:
        raise UsageError(f"{reference!r}: {name} does not define on_message(self, ctx, message)")
    return found


def _load_file(reference: str, path: Path, name: str) -> object:
    if not path.is_file():
        raise UsageError(f"{reference!r}: there is no file {path}")
    spec = importlib.util.spec_from_file_location(f"participant_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"{reference!r}: cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a user's file: any error while running it is theirs
        raise UsageError(f"{reference!r}: cannot import {path} ({_said(error)})") from error
    found = getattr(module, name, None)
    if found is None:
        raise UsageError(f"{reference!r}: {path} has no {name}")
    return found


def _said(error: BaseException) -> str:
    """An exception in one line: ``SyntaxError: invalid syntax (collector.py, line 3)``."""
    return f"{type(error).__name__}: {error}".splitlines()[0]
