"""Journal files from outside are hostile: every bad one is refused with one line, exit 2.

``market check``, ``report``, ``explain`` and ``diagram`` read journal files through
:func:`market.cli.check.read_journal_file`. Each reproduction here goes through the real
command line and must exit 2 with exactly one line on standard error naming the file,
the line, the field (JSON path) and the rule, never a traceback. A journal that a run
wrote, untouched, still reads and judges OK.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from market.cli.check import read_journal_file
from market.cli.main import main
from market.kernel.journal import closing_line
from tests.journal_files import sealed_bytes, write_gzip

#: The first (only) MPAN of a one-MPAN run of the default market.
MPAN = "1952499358227"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The journal file a one-MPAN run of the default market writes."""
    path = tmp_path_factory.mktemp("journal") / "run.jsonl"
    assert main(["run", "--quiet", "--mpans", "1", "--journal", str(path)]) == 0
    return path


@pytest.fixture
def events(written: Path) -> list[dict[str, Any]]:
    """The events of :func:`written`, as dicts to corrupt (its closing record left out)."""
    *lines, _ = written.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _sealed(path: Path, events: list[dict[str, Any]]) -> Path:
    """Write ``events`` as a journal file with a closing record that vouches for them."""
    path.write_bytes(sealed_bytes(json.dumps(event, separators=(",", ":")) for event in events))
    return path


def _refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run ``market ARGV``; it must exit 2 with one line on standard error, which is returned."""
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


def test_a_run_s_own_journal_reads_and_judges_ok(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Untouched, the file a run wrote passes every reader; the report's digest is the run's."""
    assert main(["check", str(written)]) == 0
    assert "verdict: OK (MPANs checked: 1)" in capsys.readouterr().out
    html = tmp_path / "report.html"
    assert main(["report", str(written), "--html", str(html)]) == 0
    assert main(["explain", "--journal", str(written), "--mpan", MPAN]) == 0
    assert main(["diagram", "--journal", str(written), "--mpan", MPAN]) == 0
    run = tmp_path / "again.jsonl"
    assert main(["run", "--quiet", "--mpans", "1", "--journal", str(run)]) == 0
    digest = capsys.readouterr().out.split("journal digest ")[1].split()[0]
    assert len(digest) == 16 and digest in html.read_text(encoding="utf-8")
    closing = json.loads(written.read_text(encoding="utf-8").splitlines()[-1])
    assert closing["kind"] == "journal_closed" and closing["digest"].startswith(digest)


def test_a_binary_file_is_not_utf_8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PNG's bytes: refused at line 1, naming the byte that is not UTF-8."""
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:1: $: not UTF-8 text (byte 0x89 at byte 0 of the line, 0 of "
        "the file); a journal is UTF-8 JSON lines"
    )


def test_a_line_that_is_not_utf_8_is_named_with_its_byte_offset(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Latin-1 byte in line 3: the line, its offset in the line and in the file."""
    lines = written.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"kind"', b'"k\xe9nd"', 1)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b"".join(lines))
    column = lines[2].index(b"\xe9")
    offset = len(lines[0]) + len(lines[1]) + column
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:3: $: not UTF-8 text (byte 0xe9 at byte {column} of the line, "
        f"{offset} of the file); a journal is UTF-8 JSON lines"
    )


def test_a_line_nested_5000_deep_is_refused_without_recursion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[[[[…]]]]`` 5,000 deep: the nesting limit, not a RecursionError."""
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 5000 + "]" * 5000 + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:1: $: nested deeper than 32 levels"
    )


def test_a_5000_digit_integer_is_out_of_range_at_its_field(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sequence number of 5,000 digits: named by its JSON path, not Python's int limit."""
    lines = written.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"seq":1,', '"seq":' + "9" * 5000 + ",", 1)
    path = tmp_path / "huge.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:2: $.seq: an integer of 5000 digits is out of range (at most 18)"
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(
    literal: str, written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's json would read these literals; a journal line may not hold them."""
    lines = written.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"seq":0,', f'"seq":{literal},', 1)
    path = tmp_path / "nan.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:1: $.seq: {literal} is not a JSON number (JSON has no NaN or "
        "Infinity)"
    )


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (("seq", "7"), "$.seq: must be a whole number from 0, not a string '7'"),
        (("seq", True), "$.seq: must be a whole number from 0, not a boolean True"),
        (("seq", None), "$.seq: missing: every journal event has a 'seq'"),
        (("kind", 3), "$.kind: must be a non-empty string"),
        (("at", "yesterday"), "$.at: must be an ISO 8601 instant with its UTC offset "),
        (("at", "2026-03-02T10:00:00"), "$.at: must be an ISO 8601 instant with its UTC offset"),
        (("at", "0001-01-01T00:00:00+00:00"), "$.at: year 1 is outside 1900-2199"),
        (("sender", ["REGS-19"]), "$.sender: must be a string, not an array"),
        (("mpan", 1952499358227), "$.mpan: an MPAN core is a string of 13 digits, not a number"),
        (("detail", "routed"), "$.detail: must be an object, not a string"),
        (("flow", []), "$.flow: must be an object, not an array"),
    ],
)
def test_a_field_of_the_wrong_type_is_named(
    change: tuple[str, object],
    refused: str,
    events: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A field the checkers read, of a type no run writes: its line, JSON path and rule."""
    field, value = change
    events[4][field] = value
    journal = _sealed(tmp_path / "typed.jsonl", events)
    refusal = _refusal(capsys, "check", str(journal))
    assert refusal.startswith(f"market check: {journal}:5: {refused}"), refusal


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (("routed", "detail", "recipients", 5), "$.detail.recipients: must be an array of "),
        (("routed", "detail", "transaction_id", 7), "$.detail.transaction_id: must be a string"),
        (("delivered", "envelope", "CommonBlock", None), "$.envelope.CommonBlock: must be an "),
        (("delivered", "flow", "items", []), "$.flow.items: must be an object, not an array"),
    ],
)
def test_a_nested_field_the_checkers_read_is_typed_too(
    change: tuple[str, str, str, object],
    refused: str,
    events: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Inside detail and rendered messages, what the checkers look up or sort by is checked."""
    kind, outer, inner, value = change
    index = next(i for i, e in enumerate(events) if e["kind"] == kind and outer in e)
    events[index][outer][inner] = value
    journal = _sealed(tmp_path / "nested.jsonl", events)
    refusal = _refusal(capsys, "check", str(journal))
    assert refusal.startswith(f"market check: {journal}:{index + 1}: {refused}"), refusal


def test_an_invalid_mpan_check_digit_is_refused_at_read_time(
    events: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The MPAN on every line with its check digit wrong: refused, not judged "completed"."""
    wrong = MPAN[:12] + str((int(MPAN[12]) + 1) % 10)
    for event in events:
        if event.get("mpan") == MPAN:
            event["mpan"] = wrong
    journal = _sealed(tmp_path / "mpan.jsonl", events)
    assert _refusal(capsys, "check", str(journal)) == (
        f"market check: {journal}:1: $.mpan: MPAN core '{wrong}': check digit is {wrong[12]}, "
        f"but the weighted sum of the first 12 digits gives {MPAN[12]}"
    )


def test_a_journal_cut_short_is_truncated(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its last lines gone (closing record with them): truncated, after its last line."""
    lines = written.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(lines[:40]) + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:40: truncated: no closing record after line 40 (the run did "
        "not finish writing it, or a version without closing records did: run it again)"
    )


def test_a_journal_without_its_closing_record_is_truncated(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every event there but no closing record (a journal of an older version too): refused."""
    *lines, _ = written.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "unclosed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    refusal = _refusal(capsys, "report", str(path), "--html", str(tmp_path / "r.html"))
    assert refusal.startswith(f"market report: {path}:{len(lines)}: truncated: no closing record")
    assert not (tmp_path / "r.html").exists()


def test_a_line_cut_in_half_is_not_json(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A write that stopped inside a line: that line is named."""
    text = written.read_text(encoding="utf-8")
    path = tmp_path / "half.jsonl"
    path.write_text(text[: text.index("\n", 2000) + 40])
    number = text[:2000].count("\n") + 2
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:{number}: $: not valid JSON: Input data was truncated"
    )


def test_an_event_changed_under_its_closing_record_is_altered(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One event's sender rewritten, the closing record kept: the digest no longer matches."""
    lines = written.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10].replace('"sender":"', '"sender":"X', 1)
    path = tmp_path / "altered.jsonl"
    path.write_text("\n".join(lines) + "\n")
    refusal = _refusal(capsys, "explain", "--journal", str(path), "--mpan", MPAN)
    stated = json.loads(lines[-1])["digest"]
    assert refusal.startswith(
        f"market explain: {path}:{len(lines)}: $.digest: altered or truncated: the "
        f"{len(lines) - 1} events digest to "
    )
    assert refusal.endswith(f", the closing record says {stated[:16]}")


def test_an_event_removed_under_its_closing_record_is_counted(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line taken from the middle: the closing record counts one event more than the file."""
    lines = written.read_text(encoding="utf-8").splitlines()
    del lines[20]
    path = tmp_path / "removed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert _refusal(capsys, "diagram", "--journal", str(path), "--mpan", MPAN) == (
        f"market diagram: {path}:{len(lines)}: $.events: altered or truncated: the closing "
        f"record counts {len(lines)} events, the file holds {len(lines) - 1}"
    )


def test_lines_after_the_closing_record_are_refused(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another run's lines appended after the closing record: a journal ends at that record."""
    text = written.read_text(encoding="utf-8")
    closing = text.count("\n")
    path = tmp_path / "appended.jsonl"
    path.write_text(text + text.splitlines()[0] + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:{closing + 1}: a line after the closing record (line "
        f"{closing}): a journal ends at its closing record"
    )


def test_a_closing_record_of_the_wrong_shape_is_refused(
    events: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A closing record whose count is not a number: its field and rule."""
    lines = [json.dumps(event) for event in events]
    path = tmp_path / "shape.jsonl"
    closing = json.loads(closing_line(len(lines), "0" * 64)) | {"events": "all"}
    path.write_text("\n".join([*lines, json.dumps(closing)]) + "\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:{len(lines) + 1}: $.events: the event count is a whole number"
    )


def test_an_empty_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Zero bytes (or only blank lines): nothing to judge."""
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}: the journal is empty (no events and no closing record)"
    )


def test_a_line_over_the_size_limit_is_refused_without_reading_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file with no newline in its first MiB: refused after one line's limit, not read whole."""
    path = tmp_path / "long.jsonl"
    path.write_bytes(b" " * (1024 * 1024 + 1))
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}:1: $: a journal line is over the limit of 1048576 bytes"
    )


def test_a_step_sent_by_the_wrong_role_fails_the_verdict(
    events: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """IF-003 submitted by the gaining supplier instead of REGS, re-sealed: the verdict fails."""
    index = next(
        i
        for i, e in enumerate(events)
        if e["kind"] == "submitted" and e["event_code"] == "[ReverseMigNotification]"
    )
    assert events[index]["sender"] == "REGS-19"
    events[index]["sender"] = "SUP-LGSB"
    journal = _sealed(tmp_path / "wrong-sender.jsonl", events)
    assert main(["check", str(journal)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{MPAN} RM-T wrong sender at seq {index}: C7 IF-003 [ReverseMigNotification] "
        "submitted by SUP-LGSB (SUP): the process has REGS send it"
    ) in out
    assert (
        f"{MPAN} RM-T wrong sender at seq {index + 1}: C7 IF-003 [ReverseMigNotification] "
        f"accepted from REGS-19, but seq {index} says SUP-LGSB submitted it"
    ) in out
    assert "verdict: FAILED" in out


def test_a_d_flow_delivered_as_from_the_other_supplier_fails_the_verdict(
    events: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A D0155 (the gaining supplier's) sent and delivered as from the losing supplier."""
    for event in events:
        if event.get("message") == "D0155" and event["kind"] in ("sent", "delivered"):
            event["sender"] = "SUP-MHSA"
    journal = _sealed(tmp_path / "other-supplier.jsonl", events)
    assert main(["check", str(journal)]) == 1
    out = capsys.readouterr().out
    assert (
        "C9 D0155 sent by SUP-MHSA (SUP), but the MPAN's gaining supplier (SUP(in)) is SUP-LGSB"
    ) in out


def test_the_console_script_prints_no_traceback(tmp_path: Path) -> None:
    """Through a fresh interpreter, as a user runs it: exit 2, one line, no traceback."""
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 5000 + "]" * 5000 + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "market.cli.main", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == f"market check: {path}:1: $: nested deeper than 32 levels\n"


@pytest.mark.parametrize(
    ("extra", "rule"),
    [
        ({"signing": "hmac"}, "$.signing: the signing mode is one of modelled, rsa, off"),
        ({"signing": 1}, "$.signing: the signing mode is one of modelled, rsa, off"),
        ({"who": "me"}, "$: a closing record has the keys kind, events, digest, perhaps signing"),
    ],
)
def test_a_closing_record_with_a_bad_signing_mode_or_key_is_refused(
    events: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: dict[str, Any],
    rule: str,
) -> None:
    """The closing record may say how the run signed, in a known mode; nothing else."""
    lines = [json.dumps(event) for event in events]
    path = tmp_path / "signing.jsonl"
    closing = json.loads(closing_line(len(lines), "0" * 64)) | extra
    path.write_text("\n".join([*lines, json.dumps(closing)]) + "\n")
    assert _refusal(capsys, "check", str(path)).startswith(
        f"market check: {path}:{len(lines) + 1}: {rule}"
    )


def test_a_gzip_journal_reads_and_judges_like_the_plain_one(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Known by its magic bytes, not its name: the same events, digest and verdict lines."""
    packed = write_gzip(tmp_path / "run.jsonl", written.read_bytes())
    plain, unpacked = read_journal_file(written), read_journal_file(packed)
    assert unpacked == plain and packed.read_bytes()[:2] == b"\x1f\x8b"
    assert main(["check", str(written)]) == 0
    expected = capsys.readouterr().out
    assert main(["check", str(packed)]) == 0
    assert capsys.readouterr().out == expected
    assert main(["explain", "--journal", str(packed), "--mpan", MPAN]) == 0


def test_a_truncated_gzip_journal_is_refused(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A gzip file cut in half (a copy not finished): exit 2 naming the file, not a traceback."""
    data = gzip.compress(written.read_bytes(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    assert _refusal(capsys, "check", str(path)) == (
        f"market check: {path}: the gzip stream is corrupt or truncated (Compressed file ended "
        "before the end-of-stream marker was reached); a gzip journal must decompress whole: "
        "copy or write it again"
    )


@pytest.mark.parametrize(
    ("offset", "cause"),
    [(2, "Unknown compression method"), (-8, "CRC check failed")],
    ids=["header", "trailer"],
)
def test_a_corrupt_gzip_journal_is_refused(
    written: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], offset: int, cause: str
) -> None:
    """A byte changed in the gzip header or its CRC: exit 2 saying the stream is corrupt."""
    data = bytearray(gzip.compress(written.read_bytes(), mtime=0))
    data[offset] ^= 0xFF
    path = tmp_path / "corrupt.jsonl.gz"
    path.write_bytes(bytes(data))
    assert _refusal(capsys, "check", str(path)).startswith(
        f"market check: {path}: the gzip stream is corrupt or truncated ({cause}"
    )


def test_a_gzip_bomb_is_refused_by_the_line_limit_without_inflating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """50 MB of one byte without a newline (49 kB packed): refused at one line's limit."""
    path = write_gzip(tmp_path / "bomb.jsonl.gz", b"a" * 50_000_000)
    tracemalloc.start()
    try:
        line = _refusal(capsys, "check", str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert line == f"market check: {path}:1: $: a journal line is over the limit of 1048576 bytes"
    assert peak < 8 * 1024 * 1024  # a few lines' worth, far from the 50 MB inflated
