"""Small pieces shared by the subcommands: progress reporting and atomic JSON output."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable


def progress_printer(label: str, quiet: bool = False) -> Callable[[int, int], None] | None:
    """A callback printing 'label k/n' on stderr (None when quiet)."""
    if quiet:
        return None

    def report(done: int, total: int) -> None:
        print(f"{label} {done}/{total}", file=sys.stderr, flush=True)

    return report


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write JSON atomically (temp file, then rename), so no partial file is left behind."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


SHAPE_HELP = ("how to join pages given as block lists: 'both' (blank line and single newline, two pages each), "
              "'paragraph', 'wet', or 'as-is' (their own 'sep'); pages with text and spans are used as they are")
