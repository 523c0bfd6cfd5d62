"""``market validate``: DIP JSON files against the shipped schemas, with paths and rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from market.cli.main import main
from tests.dip import examples


def _write(folder: Path, name: str, content: object) -> Path:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_the_briefs_examples_are_valid_in_every_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A submitted array, a published array, one body item and one message all pass: exit 0."""
    submitted = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    files = [
        _write(tmp_path, "submitted.json", submitted),
        _write(tmp_path, "published.json", examples.REVERSE_MIG_NOTIFICATION_PUBLISHED),
        _write(tmp_path, "item.json", submitted[0]),
        _write(tmp_path, "message.json", submitted[0]["payload"]),
        _write(tmp_path, "reading.json", examples.READING_COS),
    ]
    assert main(["validate", *map(str, files)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{files[0]}: valid DIP submission body"
    assert out[1] == f"{files[1]}: valid DIP publication body"
    assert out[2] == f"{files[2]}: valid DIP body item"
    assert out[3] == f"{files[3]}: valid DIP message"


def test_each_failure_is_printed_with_its_path_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every broken rule is listed, not just the first; the exit status is 1."""
    body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    common = body[0]["payload"]["CommonBlock"]
    common["S1"]["senderDIPID"] = "220000001"
    common["M0"]["GSPGroupID"] = "_j"
    body[0]["payload"]["CustomBlock"]["B013"]["extra"] = 1
    path = _write(tmp_path, "bad.json", body)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"{path}: $[0].payload.CommonBlock.S1.senderDIPID: '220000001' is too short "
        "[minLength 10]" in out
    )
    assert any(".CommonBlock.M0.GSPGroupID: '_j' is not one of" in line for line in out)
    assert any(".CustomBlock.B013: Additional properties" in line for line in out)
    assert out[-1] == f"{path}: invalid DIP submission body (4 problem(s))"


def test_rules_beyond_the_schema_are_checked_by_the_simulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong MPAN check digit passes the schema but not the simulator's parser."""
    body = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    body[0]["payload"]["CommonBlock"]["M0"]["MPANCore"] = "1900012345671"
    path = _write(tmp_path, "digit.json", body)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "$[0].payload.CommonBlock.M0.MPANCore: MPAN core '1900012345671': check digit" in out
    assert "[simulator]" in out


def test_a_published_array_needs_d0_on_every_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An array with D0 on one message is judged as published: the others need D0 too."""
    published = json.loads(examples.REVERSE_MIG_NOTIFICATION_PUBLISHED)
    submitted = json.loads(examples.REVERSE_MIG_NOTIFICATION_SUBMITTED)
    path = _write(tmp_path, "mixed.json", [*published, *submitted])
    assert main(["validate", str(path)]) == 1
    assert "$[1].payload.CommonBlock: 'D0' is a required property" in capsys.readouterr().out


def test_text_that_is_not_json_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A truncated file is a failure at ``$`` (exit 1), not a crash."""
    path = _write(tmp_path, "cut.json", examples.READING_COS[:100])
    assert main(["validate", str(path)]) == 1
    assert f"{path}: $: not valid JSON" in capsys.readouterr().out


def test_a_file_that_cannot_be_read_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file is bad input: exit 2 with the file named."""
    missing = tmp_path / "missing.json"
    assert main(["validate", str(missing)]) == 2
    assert f"{missing}: cannot read" in capsys.readouterr().err
