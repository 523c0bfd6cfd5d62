"""Journal files written for tests the way a run writes them: gzip-compressed, sealed."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from pathlib import Path

from market.kernel.journal import closed_lines


def write_gzip(path: Path, data: bytes) -> Path:
    """Write ``data`` gzip-compressed to ``path`` (no name and no time in the header, as a run)."""
    path.write_bytes(gzip.compress(data, mtime=0))
    return path


def sealed_bytes(lines: Iterable[str]) -> bytes:
    """Event ``lines`` (no newlines) as a journal file's bytes, the closing record last."""
    return "".join(line + "\n" for line in closed_lines(lines)).encode()
