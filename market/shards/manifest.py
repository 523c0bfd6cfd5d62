"""The manifest of a sharded journal folder: which shard files it holds, and what they digest to.

A sharded run (``market run --shards N --journal DIR``) writes one gzip journal
file per shard (:func:`shard_file_name`) and :data:`MANIFEST_NAME`, which lists
each shard's seed, event count and journal digest, and the run's one digest
(:func:`market.shards.merge.merged_digest` of the shards' digests, in index
order). The readers (``market check``, ``explain``, ``report``) trust a shard
file only as far as the manifest vouches for it (:func:`check_shard_file`), and
the manifest only as far as :func:`read_manifest` checks it: it comes from
outside, so every field has its rule, and a file name is never a path the
manifest chooses (the index names the file).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from market.boundary import InputError, InputLimits, decode_json
from market.kernel.exceptions import UsageError
from market.shards.merge import merged_digest
from market.shards.plan import MAX_SHARDS

#: What ``$.format`` says: the layout this version writes and reads.
FORMAT: Final = "market-sharded-journal/1"
#: The manifest's name inside a sharded journal folder.
MANIFEST_NAME: Final = "manifest.json"

#: A manifest crosses the boundary under these: one entry per shard, each a flat object.
MANIFEST_FILE: Final = InputLimits(
    name="sharded journal manifest",
    max_bytes=1024 * 1024,
    max_depth=4,
    max_string_chars=256,
    max_array_items=MAX_SHARDS,
)

_HEX_DIGEST: Final = re.compile(r"[0-9a-f]{64}")
_TOP_KEYS: Final = ("format", "shards", "digest")
_ENTRY_KEYS: Final = ("index", "file", "seed", "events", "digest")


def shard_name(index: int) -> str:
    """Shard ``index``'s name (``shard-000``): its journal file's stem, its report's folder."""
    return f"shard-{index:03d}"


def shard_file_name(index: int) -> str:
    """Shard ``index``'s journal file in a sharded journal folder: ``shard-000.jsonl.gz``."""
    return f"{shard_name(index)}.jsonl.gz"


_FOLDER_HOLDS: Final = (
    f"a sharded journal folder holds {MANIFEST_NAME} and the shard journals it lists "
    f"({shard_file_name(0)}, {shard_file_name(1)} ...), as 'market run --shards N --journal "
    "DIR' writes them"
)


@attrs.frozen(kw_only=True)
class ShardEntry:
    """What the manifest says of one shard: its file, seed, and its journal's size and digest."""

    index: int
    file: str
    seed: int
    events: int
    digest: str


@attrs.frozen(kw_only=True)
class Manifest:
    """A sharded journal folder's manifest, checked: its shards in index order, the run's digest."""

    shards: tuple[ShardEntry, ...]
    digest: str


def manifest_document(entries: Sequence[ShardEntry]) -> dict[str, Any]:
    """The manifest's JSON document for ``entries`` (in index order), with the merged digest."""
    return {
        "format": FORMAT,
        "shards": [attrs.asdict(entry) for entry in entries],
        "digest": merged_digest([entry.digest for entry in entries]),
    }


def write_manifest(folder: Path, entries: Sequence[ShardEntry]) -> Path:
    """Write ``folder``'s manifest for ``entries``; return its path.

    Atomic (a temporary file in ``folder``, then renamed over the manifest), so a
    reader sees the old manifest or the new one, never half of one. Entries that
    :func:`read_manifest` would refuse raise :class:`UsageError` before anything
    is written; ``OSError`` when the folder cannot be written.
    """
    path = folder / MANIFEST_NAME
    document = manifest_document(entries)
    manifest_from_document(document, path)
    text = json.dumps(document, indent=2) + "\n"
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=".manifest-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as temporary:
            temporary.write(text)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return path


def read_manifest(folder: Path) -> Manifest:
    """``folder``'s manifest, checked; a :class:`UsageError` naming JSON path and rule if not."""
    path = folder / MANIFEST_NAME
    try:
        with path.open("rb") as file:
            data = file.read(MANIFEST_FILE.max_bytes + 1)
    except FileNotFoundError as error:
        raise UsageError(f"{path}: missing: {_FOLDER_HOLDS}") from error
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from error
    try:
        document = decode_json(data, MANIFEST_FILE)
    except InputError as error:
        raise UsageError(f"{path}: {error.path}: {error.rule}") from error
    return manifest_from_document(document, path)


def manifest_from_document(document: object, path: Path) -> Manifest:
    """The manifest ``document`` (decoded JSON) holds; if not, a :class:`UsageError` at ``path``."""
    try:
        return _manifest(document)
    except InputError as error:
        raise UsageError(f"{path}: {error.path}: {error.rule}") from error


def is_sharded_journal(path: Path) -> bool:
    """Whether ``path`` is a sharded journal folder: a directory holding :data:`MANIFEST_NAME`."""
    return path.is_dir() and (path / MANIFEST_NAME).exists()


def sharded_manifest(path: Path) -> Manifest | None:
    """The manifest when ``path`` is a sharded journal folder; ``None`` for a journal file.

    A directory without a manifest is a :class:`UsageError` saying what the folder
    should hold.
    """
    if not path.is_dir():
        return None
    if not (path / MANIFEST_NAME).exists():
        raise UsageError(f"{path}: a folder, but not a sharded journal folder: {_FOLDER_HOLDS}")
    return read_manifest(path)


def shard_paths(folder: Path, manifest: Manifest) -> list[Path]:
    """Each shard's journal file in ``folder``, in index order."""
    return [folder / entry.file for entry in manifest.shards]


def check_shard_file(path: Path, entry: ShardEntry, *, events: int, digest: str) -> None:
    """Refuse the shard file at ``path``, read as ``events`` events digesting to ``digest``,
    when it is not the one ``entry`` vouches for (a :class:`UsageError`)."""
    where = f"{MANIFEST_NAME} $.shards[{entry.index}]"
    if events != entry.events:
        raise UsageError(
            f"{path}: holds {events} events, but {where}.events says {entry.events}: the shard "
            "file is not the one the manifest vouches for"
        )
    if digest != entry.digest:
        raise UsageError(
            f"{path}: its journal digests to {digest[:16]}, but {where}.digest says "
            f"{entry.digest[:16]}: the shard file is not the one the manifest vouches for"
        )


def _shown(value: object) -> str:
    """``value`` as JSON spells it, cut short: for messages."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _object(value: object, where: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InputError(where, f"must be an object, not {_shown(value)}")
    for key in keys:
        if key not in value:
            raise InputError(f"{where}.{key}", f"missing: the object holds {', '.join(keys)}")
    for key in value:
        if key not in keys:
            raise InputError(
                f"{where}.{key}", f"unknown key: the object holds only {', '.join(keys)}"
            )
    return value


def _count(value: object, where: str) -> int:
    if type(value) is not int or value < 0:
        raise InputError(where, f"must be a whole number from 0, not {_shown(value)}")
    return value


def _hex_digest(value: object, where: str) -> str:
    if not isinstance(value, str) or not _HEX_DIGEST.fullmatch(value):
        raise InputError(where, f"must be 64 lowercase hex digits (SHA-256), not {_shown(value)}")
    return value


def _entry(value: object, position: int) -> ShardEntry:
    where = f"$.shards[{position}]"
    entry = _object(value, where, _ENTRY_KEYS)
    index = _count(entry["index"], f"{where}.index")
    if index != position:
        raise InputError(
            f"{where}.index",
            f"must be {position}: the shards are listed in index order from 0, not {index}",
        )
    file = shard_file_name(index)
    if entry["file"] != file:
        raise InputError(
            f"{where}.file",
            f"must be {file!r}, the name its index gives (no other name or path), not "
            f"{_shown(entry['file'])}",
        )
    seed = entry["seed"]
    if type(seed) is not int:
        raise InputError(f"{where}.seed", f"must be a whole number, not {_shown(seed)}")
    return ShardEntry(
        index=index,
        file=file,
        seed=seed,
        events=_count(entry["events"], f"{where}.events"),
        digest=_hex_digest(entry["digest"], f"{where}.digest"),
    )


def _manifest(document: object) -> Manifest:
    top = _object(document, "$", _TOP_KEYS)
    if top["format"] != FORMAT:
        raise InputError(
            "$.format",
            f"must be {FORMAT!r} (the only layout this version reads), not {_shown(top['format'])}",
        )
    listed = top["shards"]
    if not isinstance(listed, list) or not listed:
        raise InputError("$.shards", f"must be a non-empty array of shards, not {_shown(listed)}")
    shards = tuple(_entry(value, position) for position, value in enumerate(listed))
    digest = _hex_digest(top["digest"], "$.digest")
    expected = merged_digest([shard.digest for shard in shards])
    if digest != expected:
        raise InputError(
            "$.digest",
            f"must be the merged digest of the shards' digests ({expected[:16]}...), not "
            f"{digest[:16]}...: the manifest does not vouch for its own shards",
        )
    return Manifest(shards=shards, digest=digest)
