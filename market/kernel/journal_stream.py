"""Writing a journal file while the run goes, instead of from a journal kept whole at the end.

:class:`JournalStream` subscribes to a :class:`~market.kernel.journal.Journal`
and writes each event's line the moment the journal appends it; :meth:`close`
ends the file with the closing record (:func:`~market.kernel.journal.closing_line`).
The file is the one :meth:`Journal.write` would have written, byte for byte, so
``market check`` reads it as any other, and its digest is the run's digest even
when the journal keeps no events.

:func:`open_journal_file` opens the file: gzip-compressed when its name ends in
``.gz``, with no name and no time in the gzip header, so the same run always
gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from market.kernel.journal import (
    Journal,
    JournalEvent,
    LineDigest,
    PayloadRenderer,
    closing_line,
    event_to_line,
)


class JournalStream:
    """Writes every event it is given to ``stream`` as a journal line, then the closing record."""

    def __init__(
        self,
        stream: IO[str],
        render_payload: PayloadRenderer | None,
        *,
        signing: str | None = None,
    ) -> None:
        self._stream = stream
        self._render_payload = render_payload
        self._signing = signing
        self._digest = LineDigest()
        self._closed = False

    @property
    def events(self) -> int:
        """Event lines written so far."""
        return self._digest.count

    def add(self, event: JournalEvent) -> None:
        """Write one event's line (a journal subscriber: ``journal.subscribe(stream.add)``)."""
        if self._closed:
            raise ValueError("the journal file is closed: no more events can be written to it")
        line = event_to_line(event, self._render_payload)
        self._digest.add(line)
        self._stream.write(line)
        self._stream.write("\n")

    def digest(self) -> str:
        """The digest of the lines written so far (the run's journal digest once it ended)."""
        return self._digest.hexdigest()

    def close(self) -> str:
        """Write the closing record over every line written; return the journal's digest."""
        digest = self.digest()
        if not self._closed:
            self._stream.write(closing_line(self._digest.count, digest, signing=self._signing))
            self._stream.write("\n")
            self._closed = True
        return digest


def is_gzip_name(path: Path) -> bool:
    """Whether a journal written to ``path`` is gzip-compressed (its name ends in ``.gz``)."""
    return path.name.endswith(".gz")


@contextmanager
def open_journal_file(path: Path) -> Iterator[IO[str]]:
    """``path`` opened to write a journal file's text: gzip when named ``*.gz``, else plain.

    The gzip header holds no file name and a zero time, so the bytes depend on the
    journal alone. Raises ``OSError`` when the file cannot be written.
    """
    if not is_gzip_name(path):
        with path.open("w", encoding="utf-8") as stream:
            yield stream
        return
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
        io.TextIOWrapper(compressed, encoding="utf-8", newline="\n") as stream,
    ):
        yield stream


@contextmanager
def streamed_to(
    journal: Journal, path: Path | None, *, signing: str | None = None
) -> Iterator[JournalStream | None]:
    """While the block runs, write ``journal``'s events to the file ``path`` as they come.

    The file is closed with its closing record when the block ends without an error
    (a run cut short by one leaves a file without it, which ``market check`` refuses).
    ``path`` ``None``: nothing is written and ``None`` is yielded. ``OSError`` if the
    file cannot be written.
    """
    if path is None:
        yield None
        return
    with open_journal_file(path) as file:
        stream = JournalStream(file, journal.render_payload, signing=signing)
        journal.subscribe(stream.add)
        yield stream
        stream.close()
