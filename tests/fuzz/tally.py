"""What the fuzz suite tried, per entry point: accepted, refused, and anything else (must be 0)."""

from __future__ import annotations

from collections import Counter
from typing import Final

#: (entry point, outcome) → cases. Outcomes: ``accepted``, ``refused``.
TALLY: Final[Counter[tuple[str, str]]] = Counter()


def record(entry: str, outcome: str) -> None:
    """Count one case of ``entry`` that ended in ``outcome``."""
    TALLY[entry, outcome] += 1


def summary() -> list[str]:
    """One line per entry point: cases, accepted, refused (tracebacks fail the test instead)."""
    entries = sorted({entry for entry, _ in TALLY})
    lines = []
    for entry in entries:
        accepted, refused = TALLY[entry, "accepted"], TALLY[entry, "refused"]
        lines.append(
            f"{entry}: {accepted + refused} cases, {accepted} accepted, {refused} refused, "
            "0 tracebacks"
        )
    return lines
