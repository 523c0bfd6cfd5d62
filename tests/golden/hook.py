"""Run one command with every journal it builds recorded, then write their digests.

``python tests/golden/hook.py OUT.json script.py [args...]`` runs a script, and
``python tests/golden/hook.py OUT.json -m market [args...]`` runs the ``market``
command, as ``__main__``; at exit ``OUT.json`` holds ``[digest, events]`` for
every non-empty journal the process built, in the order they were built.
"""

from __future__ import annotations

import atexit
import json
import runpy
import sys
from pathlib import Path
from typing import Any

from market.kernel.journal import Journal

_built: list[Journal] = []
_init = Journal.__init__


def _recording_init(self: Journal, *args: Any, **kwargs: Any) -> None:
    _init(self, *args, **kwargs)
    _built.append(self)


def _write(out: Path) -> None:
    digests = [[journal.digest()[:16], len(journal)] for journal in _built if len(journal)]
    out.write_text(json.dumps(digests))


def main() -> None:
    out = Path(sys.argv[1])
    Journal.__init__ = _recording_init  # type: ignore[method-assign]
    atexit.register(_write, out)
    if sys.argv[2] == "-m":
        sys.argv = [sys.argv[3], *sys.argv[4:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[2:]
        sys.path.insert(0, str(Path(sys.argv[0]).resolve().parent))
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
