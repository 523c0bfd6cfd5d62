"""Where messages are validated: once, where data the market did not build comes in.

Every wire field carries its rule as an attrs validator, so a message is checked
whenever it is constructed. That is right for whatever enters from outside (a
DIP body, a D-flow read from a file, a user's participant, a test) and waste for
the messages the built-in participants and the DIP build from values that were
checked when they entered: a run builds millions of them.

So the runtime runs the built-in participants (``actors.*``, the code of this
project, whose output the test suite validates: ``tests/test_trusted_output.py``)
and the broker's handling of their outboxes under :func:`trusted_construction`,
and every parser runs under :func:`validated`, whoever calls it. A user's
participant always runs with validators on, so its output is checked when it is
built, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import attrs


@contextmanager
def trusted_construction(trusted: bool = True) -> Iterator[None]:
    """Build messages without running their field rules while ``trusted`` (then restore).

    Not ``attrs.validators.disabled()``: that turns validators back on at exit even
    when the caller had them off.
    """
    were_disabled = attrs.validators.get_disabled()
    attrs.validators.set_disabled(trusted)
    try:
        yield
    finally:
        attrs.validators.set_disabled(were_disabled)


@contextmanager
def validated() -> Iterator[None]:
    """Run every field rule in the body, even inside trusted code (parsers use it)."""
    with trusted_construction(False):
        yield
