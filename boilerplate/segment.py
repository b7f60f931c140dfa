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

import numpy as np

from .document import Block
from .errors import InputError

# Every line terminator Python's str.splitlines knows; CRLF counts as one.
_LINE_TERMINATORS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
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
    starts, ends, paragraph_ends = _lines(text)
    spans: list[tuple[int, int]] = []
    first = 0
    for end in paragraph_ends:
        if end - first == 1:  # most paragraphs are one line: no tuple list to build
            spans.append((starts[first], ends[first]))
        else:
            para = list(zip(starts[first:end], ends[first:end]))
            if _is_wrapped_prose(text, para):
                spans.append((para[0][0], para[-1][1]))
            else:
                spans.extend(para)
        first = end
    return _split_long(text, spans)


def _lines(text: str) -> tuple[list[int], list[int], list[int]]:
    """The non-blank lines of ``text`` as stripped ``(start, end)`` offsets, and the index just
    past each paragraph's last line (paragraphs end at blank lines and at U+2029).

    Computed with numpy over the whole text: a Python step per line was a tenth of the
    library's time on pages of short lines.
    """
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kind = _CHAR_KIND[np.minimum(cp, len(_CHAR_KIND) - 1)]
    terminator = (kind & _TERMINATOR) != 0
    crlf = np.zeros(len(cp), dtype=bool)  # the \r of each \r\n: its \n is no terminator of its own
    crlf[:-1] = (cp[:-1] == 13) & (cp[1:] == 10)
    terminator[1:] &= ~crlf[:-1]
    stops = np.flatnonzero(terminator)  # each line's content ends at its terminator, the last at the text's end
    line_stop = np.append(stops, len(cp))
    line_start = np.concatenate(([0], stops + 1 + crlf[stops]))
    visible = np.flatnonzero((kind & _WHITESPACE) == 0)
    first = np.searchsorted(visible, line_start)
    last = np.searchsorted(visible, line_stop) - 1
    visible = np.append(visible, len(cp))  # a sentinel for lines after the last visible character
    non_blank = visible[first] < line_stop
    ends_paragraph = np.ones(len(line_stop), dtype=bool)  # the last line, or followed by a blank one
    ends_paragraph[:-1] = ~non_blank[1:]
    ends_paragraph[:-1] |= cp[stops] == ord(_PARAGRAPH_SEPARATOR)
    ends_paragraph = ends_paragraph[non_blank]
    return (visible[first[non_blank]].tolist(), (visible[last[non_blank]] + 1).tolist(),
            (np.flatnonzero(ends_paragraph) + 1).tolist())


_WHITESPACE, _TERMINATOR = 1, 2


def _char_kinds() -> np.ndarray:
    """Whitespace (``str.isspace``) and line-terminator bits for code points up to the last
    whitespace character (U+3000); the table's last entry stands for every code point above."""
    kinds = np.zeros(0x3002, dtype=np.uint8)
    kinds[[i for i in range(0x3001) if chr(i).isspace()]] = _WHITESPACE
    kinds[[ord(c) for c in _LINE_TERMINATORS]] |= _TERMINATOR
    return kinds


_CHAR_KIND = _char_kinds()


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
