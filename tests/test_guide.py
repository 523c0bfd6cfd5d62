"""The guide's shown output is real: every console block's command is run and must print it.

Run ``python tests/test_guide.py`` to regenerate the outputs after a change in behaviour.
A block is a fenced ``console`` block whose first line is ``$ COMMAND``; an HTML comment
``<!-- show: head N, tail M -->`` just before it shows only the first N and last M lines.
Each chapter runs in a fresh folder where ``examples`` and ``docs`` are links to the
repository's, so the commands read exactly as a reader types them from the repository root.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide"
CHAPTERS = sorted(GUIDE.glob("[0-9]*.md"))
BLOCK = re.compile(
    r"(?P<show><!-- show: head (?P<head>\d+), tail (?P<tail>\d+) -->\n)?"
    r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```\n",
    re.S,
)


def run_command(command: str) -> str:
    """Run one guide command in the current folder; its standard output and error, as shown."""
    argv = shlex.split(command)
    if argv[0] == "market":
        from market.cli.main import main

        out = io.StringIO()
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(out),
            contextlib.suppress(SystemExit),
        ):
            main(argv[1:])
        return out.getvalue()
    if argv[0] == "python":
        done = subprocess.run(
            [sys.executable, *argv[1:]], capture_output=True, text=True, check=False
        )
        return done.stdout + done.stderr
    raise ValueError(f"the guide runs market and python commands only, not {command!r}")


def shown(text: str, head: int | None, tail: int | None) -> str:
    """The lines a block shows: all, or the first ``head`` and last ``tail`` with a gap line."""
    lines = text.rstrip("\n").splitlines()
    if head is None or tail is None or len(lines) <= head + tail + 1:
        return "\n".join(lines) + "\n"
    hidden = len(lines) - head - tail
    return "\n".join([*lines[:head], f"[... {hidden} more lines ...]", *lines[-tail:]]) + "\n"


def render(chapter: Path) -> str:
    """The chapter with every block's output replaced by what its command prints now."""
    text = chapter.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        for name in ("examples", "docs"):
            (Path(folder) / name).symlink_to(ROOT / name)
        previous = Path.cwd()
        os.environ["COLUMNS"] = "100"
        os.chdir(folder)
        try:

            def replace(match: re.Match[str]) -> str:
                head = int(match["head"]) if match["show"] else None
                tail = int(match["tail"]) if match["show"] else None
                output = shown(run_command(match["command"]), head, tail)
                return f"{match['show'] or ''}```console\n$ {match['command']}\n{output}```\n"

            return BLOCK.sub(replace, text)
        finally:
            os.chdir(previous)


def test_guide_has_its_chapters() -> None:
    """The guide has its six numbered chapters, each with at least one real command."""
    assert len(CHAPTERS) == 6
    assert all(BLOCK.search(chapter.read_text()) for chapter in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
@pytest.mark.slow
def test_chapter_shows_the_real_output(chapter: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the chapter prints exactly what the chapter shows."""
    monkeypatch.setenv("COLUMNS", "100")
    assert render(chapter) == chapter.read_text(encoding="utf-8")


if __name__ == "__main__":
    for path in CHAPTERS:
        path.write_text(render(path), encoding="utf-8")
        print(f"regenerated {path.relative_to(ROOT)}")
