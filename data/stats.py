#!/usr/bin/env python3
"""Count the labelled pages in ``data/``: pages and labelled lines per language and class.

    python data/stats.py            # Markdown table of everything under data/
    python data/stats.py data/hand  # only the hand-written pages

The table in ``data/README.md`` is this script's output.
"""
from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from boilerplate.document import LABELS  # noqa: E402
from boilerplate.pages import read_pages  # noqa: E402


def table(paths: list[str]) -> str:
    """A Markdown table: one row per language, columns pages (hand/generated), WET pages, spans per class.

    >>> "| total |" in table([str(HERE / "hand")])
    True
    """
    pages = read_pages(paths)
    per_lang: dict[str, Counter] = defaultdict(Counter)
    for page in pages:
        row = per_lang[page.lang or "?"]
        row["pages"] += 1
        row["hand" if page.source == "hand" else "generated"] += 1
        row["wet"] += "\n\n" not in page.text.replace("\r\n", "\n")
        row.update(s.label for s in page.spans)
    total: Counter = Counter()
    for row in per_lang.values():
        total.update(row)
    cols = ["pages", "hand", "generated", "wet", *LABELS]
    lines = ["| lang | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
    for lang in sorted(per_lang, key=lambda k: (-per_lang[k]["pages"], k)):
        lines.append(f"| {lang} | " + " | ".join(str(per_lang[lang][c]) for c in cols) + " |")
    lines.append("| total | " + " | ".join(str(total[c]) for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1:] or [str(HERE)]))
