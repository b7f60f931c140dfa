"""Split a page's text into blocks, losslessly.

A block is a paragraph (lines between blank lines), or a single line when the paragraph's
lines are list-like (a ticker, a teaser list, a tweet and its byline). Wrapped prose (a
paragraph hard-wrapped into lines of similar length that run on into each other) stays one
block. Blocks never include leading or trailing whitespace: the separators between blocks are
exactly the text the blocks do not cover, so blocks + separators rebuild the input.

>>> [b.text for b in segment("Title\\n\\n3:15 One\\n3:14 Two\\n")]
['Title', '3:15 One', '3:14 Two']
"""
from __future__ import annotations

import re

from .document import Block
from .errors import InputError

# Every line terminator Python's str.splitlines knows, CRLF first so it counts once.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]|$)")
_PARAGRAPH_SEPARATOR = "\u2029"

# Wrapped prose: every line but the last at least this long, and no longer than
# WRAP_SPREAD times the shortest of them (a fixed column wrap).
WRAP_MIN_WIDTH = 40
WRAP_SPREAD = 1.35
# A block longer than this is cut at the next whitespace, so one pathological line cannot
# dominate a page's features (and a 10 MB line becomes ~2,000 ordinary blocks).
MAX_BLOCK_CHARS = 5000


def segment(text: str) -> list[Block]:
    """Split ``text`` into unlabelled :class:`Block` objects in document order.

    Raises :class:`InputError` if ``text`` is not a ``str``.

    >>> blocks = segment("a\\r\\n\\r\\n  b  ")
    >>> [(b.start, b.end, b.text) for b in blocks]
    [(0, 1, 'a'), (7, 8, 'b')]
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a str, got {type(text).__name__}")
    return [Block(s, e, text[s:e]) for s, e in block_spans(text)]


def block_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of the blocks of ``text`` (what :func:`segment` wraps)."""
    spans: list[tuple[int, int]] = []
    for para in _paragraphs(text):
        if len(para) == 1 or _is_wrapped_prose(text, para):
            spans.append((para[0][0], para[-1][1]))
        else:
            spans.extend(para)
    return _split_long(text, spans)


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Non-blank lines (stripped offsets), grouped into paragraphs by blank lines."""
    paras: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        s, e = m.span()
        if s == e:  # the empty match after the last terminator
            continue
        raw = m.group()
        content = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        stripped = content.strip()
        if not stripped:
            if cur:
                paras.append(cur)
                cur = []
            continue
        lead = len(content) - len(content.lstrip())
        cur.append((s + lead, s + lead + len(stripped)))
        if raw.endswith(_PARAGRAPH_SEPARATOR):  # U+2029 ends a paragraph by definition
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return paras


def _is_wrapped_prose(text: str, lines: list[tuple[int, int]]) -> bool:
    """True when a multi-line paragraph looks hard-wrapped at a fixed column.

    Lines of similar width are not enough (ticker headlines are too): most breaks must also fall
    mid-sentence, the next line going on in lower case or the line ending in a comma or hyphen.
    """
    widths = [e - s for s, e in lines[:-1]]
    shortest = min(widths)
    if shortest < WRAP_MIN_WIDTH or max(widths) > WRAP_SPREAD * shortest:
        return False
    run_on = sum(1 for (_, e), (s2, _) in zip(lines, lines[1:])
                 if text[s2].islower() or text[e - 1] in _RUN_ON_ENDINGS)
    return run_on >= 0.75 * (len(lines) - 1)


_RUN_ON_ENDINGS = ",-‐–;"


def _split_long(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if all(e - s <= MAX_BLOCK_CHARS for s, e in spans):
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > MAX_BLOCK_CHARS:
            cut = _cut_point(text, s, e)
            out.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if s < e:
            out.append((s, e))
    return out


def _cut_point(text: str, start: int, end: int) -> int:
    """An offset near start+MAX_BLOCK_CHARS: after a sentence end, else at whitespace, else hard."""
    limit = start + MAX_BLOCK_CHARS
    window = text[start + MAX_BLOCK_CHARS // 2:limit]
    for pattern in (". ", " "):
        i = window.rfind(pattern)
        if i >= 0:
            cut = start + MAX_BLOCK_CHARS // 2 + i + (1 if pattern == ". " else 0)
            # strip trailing whitespace from the block that ends here
            while cut > start and text[cut - 1].isspace():
                cut -= 1
            if cut > start:
                return cut
    return limit
