"""A sharded journal folder: its manifest is hostile input, its shards are read one at a time.

The folder is built as a sharded run writes it: the default market's scenario split in
two (:func:`market.shards.plan.scenario_shards`), each shard's journal gzipped with
:func:`market.kernel.journal_stream.open_journal_file`, then the manifest.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from actors.markets.default import build_market
from market.cli.main import main
from market.kernel.journal import write_journal_file
from market.kernel.journal_stream import open_journal_file
from market.process.scenario_spec import ScenarioSpec
from market.runtime.simulation import Simulation
from market.shards.manifest import (
    FORMAT,
    MANIFEST_NAME,
    ShardEntry,
    is_sharded_journal,
    read_manifest,
    shard_file_name,
    shard_paths,
    write_manifest,
)
from market.shards.merge import merged_digest
from market.shards.plan import scenario_shards
from tests.journal_files import sealed_bytes, write_gzip

#: A valid MPAN core (its check digit holds) that neither shard draws.
ELSEWHERE = "1952499358227"


def _lines(path: Path) -> list[str]:
    """A shard file's event lines, decompressed (its closing record left out)."""
    *lines, _ = gzip.decompress(path.read_bytes()).decode().splitlines()
    return lines


def _mpans(lines: list[str]) -> set[str]:
    return {event["mpan"] for event in map(json.loads, lines) if event.get("mpan")}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two shards of a four-MPAN run of the default market, written as a sharded run does."""
    folder = tmp_path_factory.mktemp("sharded") / "run"
    folder.mkdir()
    entries = []
    for index, spec in enumerate(scenario_shards(ScenarioSpec(seed=7, mpans=4), 2)):
        journal = Simulation(build_market(spec)).run_sync().journal
        with open_journal_file(folder / shard_file_name(index)) as stream:
            write_journal_file(journal.lines(), stream, signing="modelled")
        entries.append(
            ShardEntry(
                index=index,
                file=shard_file_name(index),
                seed=spec.seed,
                events=len(journal),
                digest=journal.digest(),
            )
        )
    write_manifest(folder, entries)
    zero, one = (_mpans(_lines(path)) for path in sorted(folder.glob("shard-*")))
    assert len(zero) == len(one) == 2 and not zero & one and ELSEWHERE not in zero | one
    return folder


@pytest.fixture
def sharded(pristine: Path, tmp_path: Path) -> Path:
    """A copy of :func:`pristine` for the test to change."""
    return Path(shutil.copytree(pristine, tmp_path / "run"))


def _document(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / MANIFEST_NAME).read_text())
    return document


def _replace_shard(folder: Path, index: int, lines: list[str]) -> ShardEntry:
    """Write ``lines`` as shard ``index``'s file, sealed; the entry that would vouch for it."""
    path = folder / shard_file_name(index)
    write_gzip(path, sealed_bytes(lines))
    closing = json.loads(gzip.decompress(path.read_bytes()).decode().splitlines()[-1])
    entry = read_manifest(folder).shards[index]
    return attrs.evolve(entry, events=closing["events"], digest=closing["digest"])


def _vouch(folder: Path, index: int, entry: ShardEntry) -> None:
    """Rewrite the manifest with shard ``index``'s entry replaced by ``entry``."""
    entries = list(read_manifest(folder).shards)
    entries[index] = entry
    write_manifest(folder, entries)


def _refusal(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run ``market ARGV``; it must exit 2 with one line on standard error, which is returned."""
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    [line] = captured.err.splitlines()
    return line


def test_the_manifest_is_written_deterministically_and_reads_back(pristine: Path) -> None:
    """Indented JSON, keys in order, a trailing newline, no temporary file; it reads back."""
    text = (pristine / MANIFEST_NAME).read_text()
    document = json.loads(text)
    assert text == json.dumps(document, indent=2) + "\n"
    assert list(document) == ["format", "shards", "digest"] and document["format"] == FORMAT
    assert list(document["shards"][1]) == ["index", "file", "seed", "events", "digest"]
    assert sorted(p.name for p in pristine.iterdir()) == [
        MANIFEST_NAME,
        "shard-000.jsonl.gz",
        "shard-001.jsonl.gz",
    ]
    manifest = read_manifest(pristine)
    assert manifest.digest == merged_digest([s.digest for s in manifest.shards])
    assert shard_paths(pristine, manifest) == [
        pristine / "shard-000.jsonl.gz",
        pristine / "shard-001.jsonl.gz",
    ]
    assert is_sharded_journal(pristine) and not is_sharded_journal(pristine / "shard-000.jsonl.gz")


def test_check_judges_each_shard_then_the_whole_run(
    pristine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each shard's lines as for its own file, prefixed; then one verdict with the run's digest."""
    assert main(["check", str(pristine)]) == 0
    *lines, last = capsys.readouterr().out.splitlines()
    digest = _document(pristine)["digest"]
    assert last == f"verdict: OK (shards: 2); journal digest {digest[:16]}"
    for index in (0, 1):
        assert main(["check", str(pristine / shard_file_name(index))]) == 0
        own = capsys.readouterr().out.splitlines()
        assert own[-1] == "verdict: OK (MPANs checked: 2)"
        prefix = f"shard {index}: "
        assert [line.removeprefix(prefix) for line in lines if line.startswith(prefix)] == own
    assert all(line.startswith(("shard 0: ", "shard 1: ")) for line in lines)


def test_a_failing_shard_fails_the_run(sharded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Shard 1 cut off half way (and vouched for): exit 1, naming shard 1 as the one failed."""
    lines = _lines(sharded / shard_file_name(1))
    _vouch(sharded, 1, _replace_shard(sharded, 1, lines[: len(lines) // 2]))
    assert main(["check", str(sharded)]) == 1
    out = capsys.readouterr().out
    *_, last = out.splitlines()
    digest = _document(sharded)["digest"]
    assert last == f"verdict: FAILED (shards: 2, failed: 1); journal digest {digest[:16]}"
    assert "shard 0: verdict: OK (MPANs checked: 2)" in out
    assert "shard 1: verdict: FAILED" in out and "stuck after" in out


def _set(path: tuple[str | int, ...], value: object) -> Callable[[dict[str, Any]], object]:
    def change(document: dict[str, Any]) -> object:
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
        return document

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], object]:
    def change(document: dict[str, Any]) -> object:
        del document["shards"][0][key]
        return document

    return change


def _upper_digest(document: dict[str, Any]) -> object:
    document["shards"][1]["digest"] = document["shards"][1]["digest"].upper()
    return document


#: Each lie a manifest can tell, and the JSON path and rule its refusal names.
LIES: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "not JSON": (lambda _: b'{"format": ', "$: not valid JSON"),
    "over 1 MiB": (lambda _: b" " * (1024 * 1024 + 1), "$: sharded journal manifest of"),
    "not an object": (lambda d: d["shards"], "$: must be an object, not [{"),
    "another format": (
        _set(("format",), "market-sharded-journal/2"),
        "$.format: must be 'market-sharded-journal/1'",
    ),
    "no shards": (_set(("shards",), []), "$.shards: must be a non-empty array of shards, not []"),
    "shards an object": (_set(("shards",), {}), "$.shards: must be a non-empty array"),
    "an entry not an object": (_set(("shards", 1), "shard-001"), "$.shards[1]: must be an object"),
    "a missing key": (_drop("seed"), "$.shards[0].seed: missing: the object holds index, file"),
    "an extra key": (
        _set(("shards", 0, "path"), "/etc/passwd"),
        "$.shards[0].path: unknown key: the object holds only index, file, seed, events, digest",
    ),
    "a boolean count": (
        _set(("shards", 0, "events"), True),
        "$.shards[0].events: must be a whole number from 0, not true",
    ),
    "a negative count": (
        _set(("shards", 1, "events"), -1),
        "$.shards[1].events: must be a whole number from 0, not -1",
    ),
    "a seed as text": (
        _set(("shards", 0, "seed"), "7"),
        '$.shards[0].seed: must be a whole number, not "7"',
    ),
    "an index out of place": (
        _set(("shards", 1, "index"), 0),
        "$.shards[1].index: must be 1: the shards are listed in index order from 0",
    ),
    "a path out of the folder": (
        _set(("shards", 1, "file"), "../../etc/shard-001.jsonl.gz"),
        "$.shards[1].file: must be 'shard-001.jsonl.gz', the name its index gives",
    ),
    "an uppercase digest": (_upper_digest, "$.shards[1].digest: must be 64 lowercase hex digits"),
    "a short digest": (_set(("digest",), "abc"), "$.digest: must be 64 lowercase hex digits"),
    "a digest of other shards": (
        _set(("digest",), "0" * 64),
        "$.digest: must be the merged digest of the shards' digests",
    ),
}


@pytest.mark.parametrize("lie", LIES)
def test_a_lying_manifest_is_refused_naming_its_json_path(
    sharded: Path, capsys: pytest.CaptureFixture[str], lie: str
) -> None:
    """Every rule a manifest breaks is refused: exit 2, the file, the JSON path and the rule."""
    change, rule = LIES[lie]
    manifest = sharded / MANIFEST_NAME
    changed = change(_document(sharded))
    manifest.write_bytes(changed if isinstance(changed, bytes) else json.dumps(changed).encode())
    assert _refusal(capsys, "check", str(sharded)).startswith(f"market check: {manifest}: {rule}")


def test_a_folder_without_a_manifest_says_what_it_should_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain folder is not a journal: the refusal says what a sharded journal folder holds."""
    assert _refusal(capsys, "check", str(tmp_path)) == (
        f"market check: {tmp_path}: a folder, but not a sharded journal folder: a sharded journal "
        "folder holds manifest.json and the shard journals it lists (shard-000.jsonl.gz, "
        "shard-001.jsonl.gz ...), as 'market run --shards N --journal DIR' writes them"
    )


def test_a_shard_file_the_manifest_does_not_vouch_for_is_refused(
    sharded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A whole, sealed shard file whose events differ from its entry's: exit 2, both named."""
    path = sharded / shard_file_name(1)
    lines = _lines(path)
    entry = read_manifest(sharded).shards[1]
    changed = _replace_shard(sharded, 1, [*lines[:-1], lines[-1].replace('"seq":', '"seq": ', 1)])
    assert changed.events == entry.events
    assert _refusal(capsys, "check", str(sharded)) == (
        f"market check: {path}: its journal digests to {changed.digest[:16]}, but manifest.json "
        f"$.shards[1].digest says {entry.digest[:16]}: the shard file is not the one the "
        "manifest vouches for"
    )
    _replace_shard(sharded, 1, lines[:-1])
    assert _refusal(capsys, "check", str(sharded)) == (
        f"market check: {path}: holds {entry.events - 1} events, but manifest.json "
        f"$.shards[1].events says {entry.events}: the shard file is not the one the manifest "
        "vouches for"
    )


def test_an_mpan_in_two_shards_is_refused(
    sharded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shard 1 a copy of shard 0 (and vouched for): the shards are not disjoint, exit 2."""
    zero = read_manifest(sharded).shards[0]
    shutil.copyfile(sharded / zero.file, sharded / shard_file_name(1))
    _vouch(sharded, 1, attrs.evolve(zero, index=1, file=shard_file_name(1)))
    first = min(_mpans(_lines(sharded / zero.file)))
    assert _refusal(capsys, "check", str(sharded)) == (
        f"market check: {sharded / shard_file_name(1)}: MPAN {first} is in shard 0 too (2 shared "
        "in all): the shards of a sharded journal hold disjoint MPANs"
    )


def test_explain_finds_the_shard_that_holds_the_mpan(
    pristine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shard is named first, then the journey exactly as from that shard's own file."""
    path = pristine / shard_file_name(1)
    mpan = min(_mpans(_lines(path)))
    assert main(["explain", "--journal", str(path), "--mpan", mpan]) == 0
    own = capsys.readouterr().out
    assert main(["explain", "--journal", str(pristine), "--mpan", mpan]) == 0
    first, rest = capsys.readouterr().out.split("\n", 1)
    assert first == f"MPAN {mpan} is in shard 1 ({path})"
    assert rest == own


def test_explain_an_mpan_no_shard_holds_names_some_it_does(
    pristine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An MPAN in neither shard: exit 2, naming the MPANs the folder does hold."""
    held = sorted(
        _mpans(_lines(pristine / "shard-000.jsonl.gz"))
        | _mpans(_lines(pristine / "shard-001.jsonl.gz"))
    )
    assert _refusal(capsys, "explain", "--journal", str(pristine), "--mpan", ELSEWHERE) == (
        f"market explain: --mpan {ELSEWHERE}: no shard of {pristine} mentions it; MPANs in this "
        f"sharded journal: {', '.join(held)}"
    )


def test_report_writes_one_report_per_shard_and_an_index(
    pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OUT/shard-NNN/report.html for each shard, with its own digest; OUT/index.html links them."""
    out = tmp_path / "reports"
    assert main(["report", str(pristine), "--html", str(out)]) == 0
    assert (
        capsys.readouterr().out
        == f"Report written to {out / 'index.html'} (shards: 2, one report each beside it)\n"
    )
    manifest = read_manifest(pristine)
    index = (out / "index.html").read_text()
    assert f"journal digest <code>{manifest.digest[:16]}</code>" in index
    for entry in manifest.shards:
        page = (out / f"shard-{entry.index:03d}" / "report.html").read_text()
        assert entry.digest[:16] in page and str(pristine / entry.file) in page
        assert f'<a href="shard-{entry.index:03d}/report.html">{entry.file}</a>' in index
    assert index.count('<td class="ok">OK</td>') == 2
    assert _refusal(capsys, "report", str(pristine), "--html", str(out)).startswith(
        f"market report: --html {out}: not empty"
    )


def test_report_of_a_failing_shard_exits_1_and_marks_it(
    sharded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shard cut off half way: every report is still written, the index marks it FAILED."""
    lines = _lines(sharded / shard_file_name(0))
    _vouch(sharded, 0, _replace_shard(sharded, 0, lines[: len(lines) // 2]))
    out = tmp_path / "reports"
    out.mkdir()
    assert main(["report", str(sharded), "--html", str(out)]) == 1
    index = (out / "index.html").read_text()
    assert 'class="failed">FAILED</td>' in index and index.count('<td class="ok">OK</td>') == 1
    assert (out / "shard-001" / "report.html").is_file()
