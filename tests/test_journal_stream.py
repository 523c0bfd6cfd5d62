"""A journal written while the run goes is the file a kept journal writes, gzip or not."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from actors.markets.default import build_market
from market.kernel.journal import write_journal_file
from market.kernel.journal_stream import JournalStream, open_journal_file, streamed_to
from market.messages.rendering import render_payload
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation


def _streamed(path: Path, mpans: int) -> tuple[str, str, str | None]:
    """The kept journal's file text and digest, and the streamed file's digest."""
    simulation = Simulation(build_market(ScenarioSpec(mpans=mpans)))
    with streamed_to(simulation.journal, path) as stream:
        result = simulation.run_sync()
    text = io.StringIO()
    write_journal_file(result.journal.lines(), text)
    return text.getvalue(), result.journal.digest(), None if stream is None else stream.digest()


def test_a_streamed_journal_is_the_file_a_kept_journal_writes(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    expected, digest, streamed = _streamed(path, 3)
    assert streamed == digest
    assert path.read_text(encoding="utf-8") == expected


def test_a_gzip_journal_is_the_same_bytes_on_every_run(tmp_path: Path) -> None:
    written = []
    for name in ("a.jsonl.gz", "b.jsonl.gz"):
        expected, _, _ = _streamed(tmp_path / name, 2)
        written.append((tmp_path / name).read_bytes())
        assert gzip.decompress(written[-1]).decode("utf-8") == expected
    assert written[0] == written[1]  # no file name and no time in the gzip header


def test_a_stream_refuses_events_after_its_closing_record() -> None:
    text = io.StringIO()
    stream = JournalStream(text, render_payload)
    stream.close()
    assert json.loads(text.getvalue())["events"] == 0
    simulation = Simulation(build_market(ScenarioSpec(mpans=1)))
    simulation.subscribe(stream.add)
    with pytest.raises(ValueError, match="closed"):
        simulation.run_sync()


def test_open_journal_file_compresses_only_gz_names(tmp_path: Path) -> None:
    for name, compressed in (("x.jsonl", False), ("x.jsonl.gz", True)):
        with open_journal_file(tmp_path / name) as stream:
            stream.write("{}\n")
        assert (tmp_path / name).read_bytes().startswith(b"\x1f\x8b") is compressed
