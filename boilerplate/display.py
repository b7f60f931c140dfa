"""Show a classified :class:`~boilerplate.document.Document` as HTML (what Jupyter displays).

The page's text is rendered as-is (separators kept, ``white-space: pre-wrap``), each block
on a background coloured by its label, with a small badge giving the label and its score
in front of it and every score on hover (the ``title`` attribute). A legend counts the
blocks per label. All styling is inline, so the fragment looks the same in Jupyter, in a
static notebook viewer (which strips ``<style>`` elements) and in a plain HTML file.

>>> from boilerplate.document import Block, Document
>>> doc = Document("Hi <you>\\n\\nFoto: AFP", [
...     Block(0, 8, "Hi <you>", "body", {"body": 0.9, "caption": 0.1}),
...     Block(10, 19, "Foto: AFP", "caption", {"body": 0.2, "caption": 0.8})])
>>> html = document_html(doc)
>>> "Hi &lt;you&gt;" in html and "caption 0.80" in html
True
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .document import LABELS

if TYPE_CHECKING:
    from .document import Block, Document

# Background (light) and accent (dark) colour per label; the accent is the badge and border.
LABEL_COLOURS: dict[str, tuple[str, str]] = {
    "body": ("#dcf2d6", "#2f7d32"),
    "caption": ("#fdebbd", "#a86a00"),
    "embed": ("#d9e6ff", "#2a5bb8"),
    "ad": ("#f8d4d4", "#b02a2a"),
    "ticker": ("#e9ddf7", "#6a43a6"),
}
UNLABELLED_COLOURS = ("#ececec", "#777777")
"""Colours for a block with no label (an unclassified document)."""

MAX_BLOCKS_DEFAULT = 2000
"""Blocks shown by default; a notebook cell with a 10 MB page would otherwise freeze the browser."""

_FONT = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;"


def document_html(doc: "Document", *, max_blocks: int | None = MAX_BLOCKS_DEFAULT) -> str:
    """An HTML fragment showing ``doc``: header, legend, then the text coloured by label.

    ``max_blocks`` caps the blocks rendered (``None``: all); the rest is summarised in one line.

    >>> from boilerplate.document import Block, Document
    >>> html = document_html(Document("a\\n\\nb", [Block(0, 1, "a", "body"), Block(3, 4, "b", "ad")]))
    >>> html.count('class="bp-block"')
    2
    """
    blocks = doc.blocks if max_blocks is None else doc.blocks[:max_blocks]
    parts: list[str] = []
    pos = 0
    for i, block in enumerate(blocks):
        parts.append(_esc(doc.text[pos:block.start]))
        parts.append(_block_html(i, block))
        pos = block.end
    hidden = len(doc.blocks) - len(blocks)
    if hidden:
        parts.append(
            f'\n<span style="color:#777;font-style:italic">… {hidden} more block'
            f'{"s" if hidden != 1 else ""} not shown (document_html(doc, max_blocks=None) shows all)</span>'
        )
    else:
        parts.append(_esc(doc.text[pos:]))
    body = "".join(parts)
    return (
        f'<div class="bp-document" style="{_FONT} line-height:1.55; color:#1a1a1a; max-width:100%;">'
        f"{_header_html(doc)}{legend_html(doc.blocks)}"
        f'<div class="bp-text" style="white-space:pre-wrap; overflow-wrap:anywhere; border:1px solid #ddd; '
        f'border-radius:4px; padding:8px 10px; background:#fff;">{body}</div></div>'
    )


def legend_html(blocks: "list[Block]") -> str:
    """The legend: a swatch, the label and its block count, for every label (and 'unlabelled' if any)."""
    counts: dict[str | None, int] = {}
    for b in blocks:
        counts[b.label] = counts.get(b.label, 0) + 1
    keys: list[str | None] = list(LABELS) + [k for k in counts if k not in LABELS]
    items = []
    for key in keys:
        bg, fg = _colours(key)
        name = key if key is not None else "unlabelled"
        items.append(
            f'<span style="display:inline-block; margin:0 10px 4px 0; white-space:nowrap;">'
            f'<span style="display:inline-block; width:0.9em; height:0.9em; vertical-align:-0.1em; '
            f'background:{bg}; border:2px solid {fg}; border-radius:2px;"></span> '
            f'<b style="color:{fg}">{_esc(name)}</b> {counts.get(key, 0)}</span>'
        )
    return f'<div class="bp-legend" style="margin:4px 0 6px 0;">{"".join(items)}</div>'


def html_page(fragment: str, title: str = "boilerplate") -> str:
    """Wrap an HTML fragment into a complete UTF-8 page (no external resources)."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_esc(title)}</title>"
        "</head>\n<body style=\"margin:16px; font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif;\">\n"
        f"{fragment}\n</body></html>\n"
    )


def save_html(doc: "Document", path: str | os.PathLike, *, max_blocks: int | None = None) -> Path:
    """Write ``doc`` as a standalone HTML file and return its path."""
    path = Path(path)
    title = doc.id or doc.url or "document"
    path.write_text(html_page(document_html(doc, max_blocks=max_blocks), title=title), encoding="utf-8")
    return path


def _header_html(doc: "Document") -> str:
    bits = []
    if doc.id is not None:
        bits.append(f"<b>{_esc(doc.id)}</b>")
    if doc.url is not None:
        bits.append(_esc(doc.url))
    bits.append(f"{len(doc.text):,} chars, {len(doc.blocks):,} blocks")
    return f'<div style="color:#555; margin-bottom:2px;">{" · ".join(bits)}</div>'


def _block_html(i: int, block: "Block") -> str:
    bg, fg = _colours(block.label)
    name = block.label if block.label is not None else "?"
    score = (block.scores or {}).get(block.label) if block.label is not None else None
    badge_text = name if score is None else f"{name} {score:.2f}"
    tip = [f"block {i} · chars {block.start}–{block.end}"]
    if block.scores:
        ranked = sorted(block.scores.items(), key=lambda kv: -kv[1])
        tip.append(" · ".join(f"{k} {v:.2f}" for k, v in ranked))
    return (
        f'<span class="bp-block" data-label="{_esc(name)}" title="{_esc(chr(10).join(tip))}" '
        f'style="background:{bg}; box-shadow: inset 3px 0 0 {fg}; padding:1px 3px 1px 5px; '
        f'border-radius:2px; -webkit-box-decoration-break:clone; box-decoration-break:clone;">'
        f'<span class="bp-tag" style="font-size:10px; color:#fff; background:{fg}; border-radius:2px; padding:0 3px; '
        f'margin-right:4px; user-select:none;">{_esc(badge_text)}</span>{_esc(block.text)}</span>'
    )


def _colours(label: str | None) -> tuple[str, str]:
    if label is None:
        return UNLABELLED_COLOURS
    return LABEL_COLOURS.get(label, UNLABELLED_COLOURS)


def _esc(s: str) -> str:
    return html.escape(s, quote=True)
