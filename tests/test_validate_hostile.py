"""``market validate`` on hostile files: refused through the input boundary, output capped.

Each case reproduces what an adversarial pass found (a traceback, or a run
that never ended) and pins what the command does instead: exit 2 and one line
naming the file, the JSON path and the rule; or, for a body with thousands of
failures, at most ``--max-errors`` lines of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli.main import main
from market.cli.validate import DEFAULT_MAX_ERRORS, read_bytes
from market.kernel.exceptions import UsageError
from tests.dip import examples


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``market validate path``; assert exit 2 with one line and no traceback; the line."""
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1
    return lines[0]


def test_nesting_a_thousand_deep_is_refused_not_a_recursion_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,000 nested arrays (a RecursionError before) are refused for their depth."""
    path = _write(tmp_path, "deep.json", "[" * 1000 + "]" * 1000)
    line = _refused(path, capsys)
    # at $ when the decoder gives up on the depth, at the 17th level when the check does
    # (msgspec builds and versions differ in how deep they decode)
    assert line.startswith(f"market validate: {path}: refused at $")
    assert line.endswith(": nested deeper than 16 levels")


def test_nesting_just_past_the_limit_names_the_deepest_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Seventeen levels: the refusal names the JSON path where the limit is passed."""
    path = _write(tmp_path, "seventeen.json", "[" * 17 + "]" * 17)
    line = _refused(path, capsys)
    assert line == f"market validate: {path}: refused at $" + "[0]" * 16 + (
        ": nested deeper than 16 levels"
    )


def test_an_integer_of_5000_digits_is_refused_not_a_value_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An integer past Python's 4,300-digit conversion limit (a ValueError before) is refused."""
    path = _write(tmp_path, "digits.json", "[" + "7" * 5000 + "]")
    line = _refused(path, capsys)
    assert line == f"market validate: {path}: refused at $[0]: integer value out of range"


def test_an_integer_over_18_digits_is_refused_at_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 25-digit integer decodes, then breaks the DIP body's 18-digit limit at ``$[0].n``."""
    path = _write(tmp_path, "long.json", '[{"n": ' + "9" * 25 + "}]")
    line = _refused(path, capsys)
    assert line == (
        f"market validate: {path}: refused at $[0].n: integer longer than 18 digits is out of range"
    )


def test_bytes_that_are_not_utf8_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Latin-1 text is refused with the offset of the first byte that is not UTF-8."""
    path = _write(tmp_path, "latin1.json", '{"name": "caf\xe9"}'.encode("latin-1"))
    line = _refused(path, capsys)
    assert line == (
        f"market validate: {path}: refused at $: not UTF-8 text (byte 13); save it as UTF-8"
    )


def test_an_array_of_10001_items_is_refused_for_its_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past the DIP body's 10,000 items the array is refused whole, not validated item by item."""
    path = _write(tmp_path, "many.json", json.dumps([1] * 10_001))
    line = _refused(path, capsys)
    assert line == (
        f"market validate: {path}: refused at $: has 10001 items, over the limit of 10000"
    )


def test_a_50_mb_file_is_refused_from_its_size_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 50 MB file (280 s and 1.6 GB before) is refused from its size on disk, unread.

    The line gives the whole size, which only the file system knows: a read stops
    one byte past the 1 MiB limit. The file is sparse, so the test writes nothing.
    """
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    line = _refused(path, capsys)
    assert line == (
        f"market validate: {path}: refused at $: DIP body of 52428800 bytes is over the limit "
        "of 1048576"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs a device without a size")
def test_a_stream_without_a_size_is_refused_once_it_passes_the_limit() -> None:
    """A device whose size the file system does not know is read only to one byte past the limit."""
    with pytest.raises(UsageError, match=r"/dev/zero: refused at \$: DIP body is over the limit"):
        read_bytes(Path("/dev/zero"))


def test_a_date_out_of_range_is_a_failure_of_the_message_not_an_overflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Year 9999 at -23:59 (an OverflowError once) is a rule the message breaks: exit 1."""
    body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    body[0]["payload"]["CustomBlock"]["B094"]["MHHSRegimeEndDate"] = "9999-12-31T23:59:59-23:59"
    path = _write(tmp_path, "year.json", json.dumps(body))
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert (
        f"{path}: $[0].payload.CustomBlock.B094.MHHSRegimeEndDate: datetime "
        "'9999-12-31T23:59:59-23:59': year 9999 is outside 1900-2199 [simulator]"
    ) in captured.out.splitlines()


def test_a_refused_file_stops_the_command_before_any_other_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A valid file and a refused one: exit 2 and the refusal alone, nothing that reads as valid."""
    good = _write(tmp_path, "good.json", examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    deep = _write(tmp_path, "deep.json", "[" * 40 + "]" * 40)
    assert main(["validate", str(good), str(deep)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"market validate: {deep}: refused at $")


def _wrong_items(folder: Path, count: int) -> Path:
    """A body of ``count`` integers: each item breaks the schema's ``type object``."""
    return _write(folder, "integers.json", json.dumps(list(range(count))))


def test_thousands_of_failures_print_at_most_20_lines_then_how_many_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """5,000 wrong items: 20 failures, '... and 4980 more', the count (once 5,001 lines)."""
    path = _wrong_items(tmp_path, 5000)
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == DEFAULT_MAX_ERRORS + 2
    assert all(line.endswith("is not of type 'object' [type \"object\"]") for line in lines[:20])
    assert lines[-2] == f"{path}: ... and 4980 more (--all lists every one)"
    assert lines[-1] == f"{path}: invalid DIP submission body (5000 problem(s))"


def test_max_errors_sets_the_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--max-errors 3`` prints three failures, then how many more."""
    path = _wrong_items(tmp_path, 50)
    assert main(["validate", "--max-errors", "3", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert lines[3] == f"{path}: ... and 47 more (--all lists every one)"


def test_all_prints_every_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--all`` lists all 50 failures and no '... and more' line."""
    path = _wrong_items(tmp_path, 50)
    assert main(["validate", "--all", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 51
    assert not any("more (--all" in line for line in lines)


def test_a_body_with_fewer_failures_than_the_cap_prints_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At the cap exactly (20 failures) nothing is held back."""
    path = _wrong_items(tmp_path, DEFAULT_MAX_ERRORS)
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == DEFAULT_MAX_ERRORS + 1
    assert "more (--all" not in lines[-2]


@pytest.mark.parametrize("argv", [["--max-errors", "0"], ["--all", "--max-errors", "5"]])
def test_a_bad_cap_is_a_usage_error(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cap below 1, or a cap together with --all, exits 2."""
    path = _wrong_items(tmp_path, 3)
    with pytest.raises(SystemExit) as raised:
        main(["validate", *argv, str(path)])
    assert raised.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
