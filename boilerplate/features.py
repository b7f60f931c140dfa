"""Block features, computed for whole pages at once.

:func:`featurize` turns a page's text and its block spans into a float matrix, one row per
block, with a documented name for every column (:func:`feature_names`); :func:`featurize_many`
does the same for several pages in one pass over their joined text, with the same rows as page
by page (anything that looks beyond a block stops at its page's edges). The work is:

1. the text as a numpy array of code points, classified by a lookup table (letters, capitals,
   digits, spaces, punctuation, terminal punctuation, no-space scripts, quotes, symbols) and
   summed per block with one ``np.add.reduceat`` over the blocks' edges;
2. marker characters (``@``, ``#``, ``©``, ``…``, credit colons) found with numpy, one regex pass
   anchored at line starts (:data:`boilerplate.patterns.LINE_START`), and one for URLs;
3. each block's lower-cased word tokens, looked up once for stopwords (in the page's language and
   the block's own) and for the phrase lists of :mod:`boilerplate.patterns`;
4. language id of each block's first characters and the page's main language
   (:mod:`boilerplate.lang`);
5. layout: separators (blank line or single newline), paragraph runs, position, repetition
   within the page, and (when the page is classified with its site) across the site's pages;
6. context: the same measurements for the neighbouring blocks and windows around each block;
7. the page's own profile: some columns minus the page's median, maximum and text-weighted mean.

Bump :data:`FEATURE_VERSION` whenever a column changes meaning; models record it and refuse to
load against another version.
"""
from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from typing import Any, Iterator, Sequence

import numpy as np

from . import lang as _lang
from .sites import COLUMNS as SITE_COLUMNS
from .patterns import (CJK_DATE_MARKS, CLOSING_QUOTES, COUNT_AT_END, CREDIT_ABBREVIATIONS, CREDIT_WORDS,
                       DATE_SEPARATORS, LINE_START, LINE_START_GROUPS, MONTH_BEFORE_YEAR, NOSPACE_PHRASES, PHRASES,
                       QUOTE_CHARS, TERMINAL_PUNCT)

FEATURE_VERSION = 14  # 5 and 6 were candidates that stayed on branches (fv5a2, fv6b)

# Character classes (bits of the lookup table).
_ALPHA, _UPPER, _DIGIT, _SPACE, _PUNCT, _TERMINAL, _NOSPACE, _QUOTE, _SYMBOL, _BREAK, _LOWER, _SEPARATOR = (
    1 << k for k in range(12))
_CLASS_NAMES = ("alpha", "upper", "digit", "space", "punct", "terminal", "nospace_script", "quote", "symbol")

# Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar).
_NOSPACE_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                   (0x0E00, 0x0EFF), (0x1780, 0x17FF), (0x1000, 0x109F))
_NOSPACE_EVIDENCE = 3.0  # weight of a Han, kana or Thai character when deciding if a block is long enough for language id
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_SEPARATOR_CHARS = "|•·►▶»›"  # between items of menus and breadcrumbs


def _mark_ranges() -> list[tuple[int, int]]:
    """Code point ranges of the combining marks of letters (Unicode categories Mn, Mc, Me) in the BMP.

    Marks for symbols (U+20D0-20FF: keycaps) and variation selectors (U+FE00-FE0F: the emoji
    form of "❤️") are left out: they belong to symbols, not letters.
    """
    ranges: list[tuple[int, int]] = []
    for i in range(0x10000):
        if unicodedata.category(chr(i)) in ("Mn", "Mc", "Me") and not (0x20D0 <= i <= 0x20FF or 0xFE00 <= i <= 0xFE0F):
            if ranges and ranges[-1][1] == i - 1:
                ranges[-1] = (ranges[-1][0], i)
            else:
                ranges.append((i, i))
    return ranges


# A combining mark is part of its letter: Devanagari, Bengali or Tamil vowel signs, Thai vowels
# above and below, Arabic harakat. ``\w`` excludes most of them, so ``\w+`` cut "है" into "ह" and
# Hindi or Bengali words never matched their stoplists; zero-width (non-)joiners sit inside
# Persian and Indic words too.
_MARKS = _mark_ranges()
_MARK_CHARS = "".join(f"{chr(lo)}-{chr(hi)}" if hi > lo else chr(lo) for lo, hi in _MARKS)
_WORD_CHARS = r"\w\u200c\u200d" + _MARK_CHARS
_WORD = re.compile(f"[\\w{_MARK_CHARS}][{_WORD_CHARS}]*")  # a joiner never starts a word (emoji sequences)

# Columns measured on each block; neighbour and window columns are derived from some of them.
_BLOCK_COLUMNS = [
    "log_chars", "log_words", "log_tokens", "mean_word_len",
    *(f"ratio_{c}" for c in _CLASS_NAMES), "titlecase_word_ratio", "has_quote",
    "ends_terminal", "ends_colon", "ends_closing_quote", "ends_alnum", "ends_digit",
    "starts_upper", "starts_lower", "starts_digit", "starts_quote", "starts_dash", "starts_symbol",
    *(f"{g}_at_start" for g in LINE_START_GROUPS),
    "n_credit", "credit_at_end", "n_agency", "agency_at_end", "n_embed", "n_ad", "ad_token_fraction",
    "ad_at_start", "n_nospace_credit", "n_nospace_ad", "n_nospace_embed", "n_url", "n_handle", "n_hashtag",
    "n_copyright", "copyright_at_end", "n_ellipsis", "n_separator_chars", "n_date", "n_time", "count_at_end",
    "lang_known", "lang_conf", "lang_differs", "lang_is_english",
    "stop_density_page_lang", "stop_density_own_lang", "stop_count_page_lang",
    "sep_before_blank", "sep_after_blank", "log_paragraph_blocks", "index_in_paragraph", "last_in_paragraph",
    "rel_index", "rel_offset", "is_first", "is_last", "rel_length_to_max", "length_rank",
    "duplicate_count", "same_prefix_neighbours", "ticker_run_length", "article_word_share", "log_article_words",
    "period1_similarity", "period_best_similarity", "period_gain",
    *SITE_COLUMNS,
]
_PAGE_COLUMNS = ["page_log_blocks", "page_ticker_fraction", "page_lang_known", "page_median_log_chars",
                 "page_stop_density", "page_nospace_script"]
# Columns whose values for neighbours (-2, -1, +1, +2) are useful context.
_NEIGHBOUR_SOURCES = [
    "log_chars", "log_words", "ends_terminal", "ends_colon", "timestamp_prefix_at_start", "embed_byline_at_start",
    "n_embed", "n_credit", "credit_at_end", "lang_differs", "stop_density_page_lang", "ratio_punct",
    "titlecase_word_ratio", "n_ad", "sep_before_blank", "starts_upper", "ratio_digit", "n_url",
]
_NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
# Columns averaged over windows of +-3 and +-8 blocks.
_WINDOW_SOURCES = ["log_chars", "ends_terminal", "timestamp_prefix_at_start", "stop_density_page_lang",
                   "lang_differs", "n_ad", "sep_before_blank", "titlecase_word_ratio", "site_repeat_share",
                   "n_date", "n_time", "count_at_end"]
_WINDOWS = (3, 8)
# Columns compared with the page's own profile (its median block, its largest value, and the mean
# over its text, weighted by length): sites differ in paragraph length, punctuation and casing,
# and within a page the article is what stands out from the page's usual block.
_PAGE_RELATIVE_SOURCES = ["log_chars", "log_words", "stop_density_page_lang", "ratio_punct", "ends_terminal",
                          "titlecase_word_ratio", "ratio_digit"]
_PAGE_RELATIVE_REFERENCES = ("page_median", "page_max", "text_mean")


@functools.lru_cache(maxsize=1)
def feature_names() -> list[str]:
    """Names of the feature columns, in matrix order.

    >>> names = feature_names()
    >>> names[0], "timestamp_prefix_at_start" in names
    ('log_chars', True)
    """
    names = list(_BLOCK_COLUMNS) + list(_PAGE_COLUMNS)
    for off in _NEIGHBOUR_OFFSETS:
        tag = f"prev{-off}" if off < 0 else f"next{off}"
        names += [f"{tag}_{c}" for c in _NEIGHBOUR_SOURCES] + [f"{tag}_exists"]
    for w in _WINDOWS:
        names += [f"win{w}_{c}" for c in _WINDOW_SOURCES]
    for ref in _PAGE_RELATIVE_REFERENCES:
        names += [f"{c}_minus_{ref}" for c in _PAGE_RELATIVE_SOURCES]
    names.append("text_share_before")
    return names


def featurize(text: str, spans: Sequence[tuple[int, int]], site: np.ndarray | None = None) -> np.ndarray:
    """The feature matrix of a page: one row per ``(start, end)`` span, columns as :func:`feature_names`.

    ``site`` is the page's ``(n_blocks, 2)`` repetition within its group of pages
    (:func:`boilerplate.sites.repetition`); without it the page stands alone (zeros).

    >>> from boilerplate.segment import block_spans
    >>> text = "Title\\n\\n3:15 Something happened\\n3:10 Another thing"
    >>> X = featurize(text, block_spans(text))
    >>> X.shape == (3, len(feature_names()))
    True
    >>> col = feature_names().index("timestamp_prefix_at_start")
    >>> X[:, col].tolist()
    [0.0, 1.0, 1.0]
    """
    return featurize_with_tokens(text, spans, site)[0]


def featurize_with_tokens(text: str, spans: Sequence[tuple[int, int]],
                          site: np.ndarray | None = None) -> tuple[np.ndarray, list[list[str]]]:
    """:func:`featurize`, and each block's words as found on the way (lower-cased ``\\w+`` runs),
    for the lexical stage (:mod:`boilerplate.lexical`) to reuse instead of tokenising again."""
    return featurize_many([text], [spans], None if site is None else [site])


def featurize_many(texts: Sequence[str], spans_per_page: Sequence[Sequence[tuple[int, int]]],
                   sites: Sequence[np.ndarray | None] | None = None) -> tuple[np.ndarray, list[list[str]]]:
    """:func:`featurize_with_tokens` for several pages at once: their rows stacked in page order.

    Every page's rows are exactly those :func:`featurize` gives it alone (no value depends on
    the other pages of the batch); computing them together saves numpy's cost per call, which on
    pages of 100 short blocks is a third of the time.

    >>> a, b = "Title\\n\\n3:15 Something happened", "One more page.\\n\\nWith two blocks."
    >>> from boilerplate.segment import block_spans
    >>> X, _ = featurize_many([a, b], [block_spans(a), block_spans(b)])
    >>> bool((X == np.vstack([featurize(a, block_spans(a)), featurize(b, block_spans(b))])).all())
    True
    """
    if len(spans_per_page) != len(texts) or (sites is not None and len(sites) != len(texts)):
        raise ValueError("featurize_many needs one list of spans (and one site array, if any) per text")
    b = _Batch(texts, spans_per_page)
    n = b.n
    if n == 0:
        return np.zeros((0, len(feature_names())), dtype=np.float32), []
    cols: dict[str, np.ndarray] = {}
    _char_features(cols, b)
    _marker_features(cols, b)
    tokens = _language_features(cols, b)
    _layout_features(cols, b)
    _site_features(cols, b, sites)
    _page_features(cols, b)
    _context_features(cols, b)
    _page_relative_features(cols, b)
    return _stack_columns(cols, n), tokens


def _stack_columns(cols: dict[str, np.ndarray], n: int) -> np.ndarray:
    # Filled column by column, a row-major matrix is written with a stride of a whole row: a
    # cache miss per value. Rows of the transposed matrix fill in order, then one copy transposes.
    names = feature_names()
    by_column = np.empty((len(names), n), dtype=np.float32)
    for k, name in enumerate(names):
        by_column[k] = cols[name]
    return np.ascontiguousarray(by_column.T)


_PAGE_SEPARATOR = "\n"


class _Batch:
    """Pages joined into one text (a newline between two pages) and where their blocks are.

    Character measurements run once over the joined text; anything that looks past a block
    (neighbours, windows, the page's median, a regex that could run across a page's end) is
    bounded by the block's own page, so no page's values depend on the others.
    """

    def __init__(self, texts: Sequence[str], spans_per_page: Sequence[Sequence[tuple[int, int]]]):
        self.texts = texts
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(t) + len(_PAGE_SEPARATOR) for t in texts], out=offsets[1:])
        self.char_offset = offsets[:-1]  # where each page starts in the joined text
        sizes = np.fromiter(map(len, spans_per_page), dtype=np.int64, count=len(spans_per_page))
        self.n = n = int(sizes.sum())
        self.bounds = np.zeros(len(texts) + 1, dtype=np.int64)  # page p's rows: bounds[p]:bounds[p + 1]
        np.cumsum(sizes, out=self.bounds[1:])
        self.page = np.repeat(np.arange(len(texts)), sizes)  # each block's page
        self.first = self.bounds[self.page]  # the row of the page's first block
        self.last = self.bounds[self.page + 1]  # one past the page's last row
        self.page_size = sizes
        flat = np.fromiter(itertools.chain.from_iterable(itertools.chain.from_iterable(spans_per_page)),
                           dtype=np.int64, count=2 * n).reshape(n, 2)
        shift = self.char_offset[self.page]
        self.starts, self.ends = flat[:, 0] + shift, flat[:, 1] + shift
        self.block_texts = [t[s:e] for t, spans in zip(texts, spans_per_page) for s, e in spans]
        self.text = _PAGE_SEPARATOR.join(texts) if len(texts) > 1 else (texts[0] if texts else "")
        self.cp = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.classes = _classify_chars(self.cp)

    def pages(self) -> Iterator[tuple[int, str, int, slice]]:
        """Each page with blocks: its index, text, character offset and rows."""
        for p, text in enumerate(self.texts):
            if self.page_size[p]:
                yield p, text, int(self.char_offset[p]), slice(int(self.bounds[p]), int(self.bounds[p + 1]))

    def per_page(self, values: np.ndarray) -> np.ndarray:
        """Each row's page value (``values`` has one entry per page)."""
        return values[self.page]


# ---------------------------------------------------------------------------------------------
# 1. characters

@functools.lru_cache(maxsize=1)
def _char_table() -> np.ndarray:
    """Class bits for every code point of the Basic Multilingual Plane."""
    table = np.zeros(0x10000, dtype=np.uint16)
    for i in range(0x10000):
        ch = chr(i)
        cat = unicodedata.category(ch)
        bits = 0
        if ch.isalpha():
            bits |= _ALPHA
        if ch.isupper():
            bits |= _UPPER
        if ch.islower():
            bits |= _LOWER
        if ch.isdigit():
            bits |= _DIGIT
        if ch.isspace():
            bits |= _SPACE
        if cat.startswith("P"):
            bits |= _PUNCT
        if cat.startswith("S"):
            bits |= _SYMBOL
        table[i] = bits
    for lo, hi in _MARKS:  # a combining mark is part of its letter
        table[lo:hi + 1] |= _ALPHA
    for ch in TERMINAL_PUNCT:
        table[ord(ch)] |= _TERMINAL
    for ch in QUOTE_CHARS:
        table[ord(ch)] |= _QUOTE
    for lo, hi in _NOSPACE_RANGES:
        table[lo:hi + 1] |= _NOSPACE
    for ch in _SEPARATOR_CHARS:  # a bit of the table: np.isin over the text cost 2 ms per MB
        table[ord(ch)] |= _SEPARATOR
    for ch in _LINE_BREAKS:
        table[ord(ch)] |= _BREAK
    return table


def _classify_chars(cp: np.ndarray) -> np.ndarray:
    # take() with clipped indices: a third of the time of indexing with np.minimum(cp, 0xFFFF)
    classes = _char_table().take(cp, mode="clip")
    classes[cp > 0xFFFF] = _SYMBOL  # emoji and other astral symbols
    return classes


def _block_sums(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sum of ``mask`` over ``[start, end)`` for each pair, as floats (whole numbers)."""
    # 32-bit sums (64-bit past 2**30 characters, as a mask value can be 2): half the memory
    # traffic of 64-bit ones; the sums are the same integers either way
    dtype = np.int32 if len(mask) < 2**30 else np.int64
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    if len(bounds) and (bounds[1:] >= bounds[:-1]).all():
        return _ordered_sums(mask, bounds, dtype)
    csum = np.zeros(len(mask) + 1, dtype=dtype)  # overlapping or unordered spans
    np.cumsum(mask, dtype=dtype, out=csum[1:])
    return (csum[ends] - csum[starts]).astype(np.float64)


def _ordered_sums(mask: np.ndarray, bounds: np.ndarray, dtype) -> np.ndarray:
    # Spans in text order (blocks, the gaps between them, their last characters) are summed
    # with one reduceat over their edges: 4x sooner than a running sum over every character,
    # which numpy does not vectorise. In order, the edges cover the text once (linear time).
    # reduceat takes no index == len(mask): edges there are left out, and the sum before them
    # runs to the end of the mask, where its span ends
    inside = int(np.searchsorted(bounds, len(mask)))
    sums = np.zeros(len(bounds) // 2, dtype=dtype)
    if inside:
        in_text = np.add.reduceat(mask, bounds[:inside], dtype=dtype)[0::2]
        sums[:len(in_text)] = in_text
    sums[bounds[0::2] == bounds[1::2]] = 0  # reduceat gives mask[start] for an empty span
    return sums.astype(np.float64)


def _char_features(cols, b: _Batch) -> None:
    classes, cp, starts, ends = b.classes, b.cp, b.starts, b.ends
    length = (ends - starts).astype(np.float64)
    counts = {name: _block_sums((classes & bit) != 0, starts, ends)
              for name, bit in zip(_CLASS_NAMES, (_ALPHA, _UPPER, _DIGIT, _SPACE, _PUNCT, _TERMINAL,
                                                  _NOSPACE, _QUOTE, _SYMBOL))}
    space = (classes & _SPACE) != 0
    prev_space = np.concatenate(([True], space[:-1]))  # a page starts after a newline or at 0: a word starts
    word_start = ~space & prev_space
    words = np.maximum(_block_sums(word_start, starts, ends), 1.0)
    titled = _block_sums(word_start & ((classes & _UPPER) != 0), starts, ends)
    tokens = words + counts["nospace_script"] / 1.7  # about 1.7 characters per word in Chinese/Japanese
    cols["log_chars"] = np.log1p(length)
    cols["log_words"] = np.log1p(words)
    cols["log_tokens"] = np.log1p(tokens)
    cols["mean_word_len"] = np.minimum(counts["alpha"] / words, 30.0)
    for name in _CLASS_NAMES:
        denom = np.maximum(counts["alpha"], 1.0) if name == "upper" else length
        cols[f"ratio_{name}"] = counts[name] / denom
    cols["titlecase_word_ratio"] = titled / words
    cols["has_quote"] = (counts["quote"] > 0).astype(np.float64)
    first, last = classes[starts], classes[ends - 1]
    first_cp, last_cp = cp[starts], cp[ends - 1]
    closing = np.isin(last_cp, [ord(c) for c in CLOSING_QUOTES])
    cols["ends_terminal"] = ((last & _TERMINAL) != 0) | (closing & _terminal_before_quote(b))
    cols["ends_colon"] = np.isin(last_cp, [ord(":"), ord("：")])
    cols["ends_closing_quote"] = closing
    cols["ends_alnum"] = (last & (_ALPHA | _DIGIT)) != 0
    cols["ends_digit"] = (last & _DIGIT) != 0
    cols["starts_upper"] = (first & _UPPER) != 0
    cols["starts_lower"] = ((first & _ALPHA) != 0) & ((first & _UPPER) == 0) & ((first & _LOWER) != 0)
    cols["starts_digit"] = (first & _DIGIT) != 0
    cols["starts_quote"] = (first & _QUOTE) != 0
    cols["starts_dash"] = np.isin(first_cp, [0x2014, 0x2013, 0x2D])
    cols["starts_symbol"] = (first & _SYMBOL) != 0


def _terminal_before_quote(b: _Batch) -> np.ndarray:
    """Whether the character before a closing quote is terminal punctuation ('...so.»')."""
    before = np.maximum(b.ends - 2, b.per_page(b.char_offset))  # not before the page's first character
    return (b.classes[before] & _TERMINAL) != 0


# ---------------------------------------------------------------------------------------------
# 2. markers and line-start patterns

_URL = re.compile(r"https?://|www\.")
_CREDIT_WORD_BEFORE = re.compile(f"([{_WORD_CHARS}]+)\\s?$")
_CREDIT_SET = frozenset(CREDIT_WORDS + CREDIT_ABBREVIATIONS)
_CREDIT_ABBREVIATION = re.compile(r"\b(?:" + "|".join(CREDIT_ABBREVIATIONS) + r")\.(?=\s\S)", re.IGNORECASE)
_NOSPACE_GROUPS = tuple(NOSPACE_PHRASES)
# One alternation of the phrases, in order, without a group per phrase list: sre then skips to
# the phrases' first characters, where the groups made it try every position (30x slower). The
# first list holding the matched phrase is its group, as the first group to match was.
_NOSPACE_PHRASE_RE = re.compile("|".join(map(re.escape, itertools.chain.from_iterable(NOSPACE_PHRASES.values()))))
_NOSPACE_GROUP_OF = {phrase: group for group, phrases in reversed(NOSPACE_PHRASES.items()) for phrase in phrases}
_END_WINDOW = 60  # characters: a credit or copyright this close to a block's end "closes" it


def _marker_features(cols, b: _Batch) -> None:
    text, cp, classes, starts, ends = b.text, b.cp, b.classes, b.starts, b.ends
    n = b.n
    for group in LINE_START_GROUPS:
        cols[f"{group}_at_start"] = np.zeros(n)
    # per page: a pattern ending in \s or $ must not see the next page's first line
    found = [(offset + m.start(m.lastgroup), m.lastgroup)
             for _, page_text, offset, _ in b.pages() for m in LINE_START.finditer(page_text)]
    if found:
        pos = np.array([p for p, _ in found])
        block = np.searchsorted(starts, pos, side="right") - 1
        at_start = (block >= 0) & (starts[np.maximum(block, 0)] == pos)
        for i, (_, group) in zip(block[at_start].tolist(), itertools.compress(found, at_start)):
            cols[f"{group}_at_start"][i] = 1.0
    word = (classes & (_ALPHA | _DIGIT)) != 0
    word_or_dot = word | (cp == ord(".")) | (cp == ord("_"))
    prev_word = np.concatenate(([False], word_or_dot[:-1]))
    next_word = np.concatenate((word[1:], [False]))
    handle = (cp == ord("@")) & next_word & ~prev_word
    hashtag = (cp == ord("#")) & next_word & ~prev_word
    cols["n_handle"] = np.log1p(_block_sums(handle, starts, ends))
    cols["n_hashtag"] = np.log1p(_block_sums(hashtag, starts, ends))
    ellipsis = (cp == 0x2026) | ((cp == ord(".")) & np.concatenate((cp[1:] == ord("."), [False]))
                                 & np.concatenate((cp[2:] == ord("."), [False, False])))
    cols["n_ellipsis"] = np.log1p(_block_sums(ellipsis, starts, ends))
    cols["n_separator_chars"] = np.log1p(_block_sums((classes & _SEPARATOR) != 0, starts, ends))
    copyright_ = cp == 0xA9
    cols["n_copyright"] = np.log1p(_block_sums(copyright_, starts, ends))
    cols["copyright_at_end"] = _block_sums(copyright_, np.maximum(ends - _END_WINDOW, starts), ends) > 0
    url = np.zeros(len(cp), dtype=bool)
    url[[m.start() for m in _URL.finditer(text)]] = True
    cols["n_url"] = np.log1p(_block_sums(url, starts, ends))
    dates, times = _dates_and_times(b)
    cols["n_date"] = np.log1p(_positions_per_block(dates, starts, ends))
    cols["n_time"] = np.log1p(_positions_per_block(times, starts, ends))
    count_ends = np.array([(offset + m.start(), offset + m.end()) for _, page_text, offset, _ in b.pages()
                           for m in COUNT_AT_END.finditer(page_text)], dtype=np.int64).reshape(-1, 2)
    cols["count_at_end"] = _positions_per_block(count_ends[:, 0], starts, ends, count_ends[:, 1]) > 0
    credit, credit_at_end = _credit_features(b)
    nospace_credit, nospace_credit_at_end = _nospace_features(cols, b)
    # one credit count for every script: "（圖／中央社）" says what "(Foto: AFP)" says, and the
    # trees learn what a credit means from the many pages in spaced scripts
    cols["n_credit"] = np.log1p(credit + nospace_credit)
    cols["credit_at_end"] = np.maximum(credit_at_end, nospace_credit_at_end)


def _positions_per_block(pos: np.ndarray, starts, ends, match_ends: np.ndarray | None = None) -> np.ndarray:
    """How many of the character positions ``pos`` fall in each block; with ``match_ends``, only
    the matches that run to the block's end."""
    if len(pos) == 0:
        return np.zeros(len(starts))
    block = np.searchsorted(starts, pos, side="right") - 1
    ok = (block >= 0) & (pos < ends[np.maximum(block, 0)])
    if match_ends is not None:
        ok &= match_ends >= ends[np.maximum(block, 0)]
    return np.bincount(block[ok], minlength=len(starts)).astype(np.float64)


_DATE_SEPARATOR_CODES = [ord(c) for c in DATE_SEPARATORS]


def _dates_and_times(b: _Batch) -> tuple[np.ndarray, np.ndarray]:
    """Where dates and clock times start in the pages, from their runs of ASCII digits.

    A regex for every date form, tried at every character, was half of featurize's time; runs of
    digits and the characters between them are a few numpy operations, and only 4-digit years
    are checked for a month name before them (:data:`boilerplate.patterns.MONTH_BEFORE_YEAR`).
    Times: ``H:MM`` or ``HH:MM`` (hour <= 23, minutes <= 59, not the seconds of ``10:42:33``).
    Dates: ``YYYY-M-D`` and ``D.M.YY(YY)`` with any of ``./-``, ``YYYY年M月``, ``YYYY년 M월``, and
    month-name dates ending in a year ("Nov 18, 2019", "5. Oktober 2023").
    The newline between two pages is neither a date separator nor a colon, so a run at a page's
    end is never joined to the next page's first run.
    """
    text, cp = b.text, b.cp
    n = len(cp)
    digit = (cp >= 48) & (cp <= 57)
    # where the mask changes (padded with non-digits), runs start and end in turn
    change = np.flatnonzero(np.concatenate(([False], digit)) != np.concatenate((digit, [False])))
    s, e = change[0::2], change[1::2]
    length = e - s
    value = np.zeros(len(s), dtype=np.int64)
    for k in range(4):
        more = length > k
        value[more] = value[more] * 10 + cp[s[more] + k].astype(np.int64) - 48
    after = np.where(e < n, cp[np.minimum(e, n - 1)], 0).astype(np.int64)
    before = np.where(s > 0, cp[np.maximum(s - 1, 0)], 0).astype(np.int64)
    # the next run and the one after, and whether each follows its predecessor after one character
    nxt = np.arange(1, len(s) + 1).clip(max=max(len(s) - 1, 0))
    nxt2 = np.arange(2, len(s) + 2).clip(max=max(len(s) - 1, 0))
    joined = (np.arange(len(s)) + 1 < len(s)) & (s[nxt] == e + 1)
    joined2 = joined & (np.arange(len(s)) + 2 < len(s)) & (s[nxt2] == e[nxt] + 1)

    times = (joined & (length <= 2) & (value <= 23) & (after == ord(":")) & (before != ord(":"))
             & (length[nxt] == 2) & (value[nxt] <= 59))
    separated = joined2 & np.isin(after, _DATE_SEPARATOR_CODES) & np.isin(after[nxt], _DATE_SEPARATOR_CODES)
    year_first = (length == 4) & (length[nxt] <= 2) & (length[nxt2] <= 2)
    day_first = (length <= 2) & (length[nxt] <= 2) & (length[nxt2] >= 2) & (length[nxt2] <= 4)
    dates = separated & (year_first | day_first)
    for year_mark, month_mark in CJK_DATE_MARKS:
        dates |= _cjk_dates(cp, s, e, length, after, nxt, ord(year_mark), ord(month_mark))
    years = np.flatnonzero((length == 4) & (value >= 1800) & (value <= 2099) & ~dates)
    page_start = b.char_offset[np.searchsorted(b.char_offset, s[years], side="right") - 1].tolist()
    named = [i for i, floor in zip(years.tolist(), page_start)
             if MONTH_BEFORE_YEAR.search(text, max(floor, int(s[i]) - 24), int(s[i]))]
    dates[named] = True
    return s[dates], s[times]


def _cjk_dates(cp, s, e, length, after, nxt, year_mark: int, month_mark: int) -> np.ndarray:
    """Runs that start a ``YYYY年M月`` date (one optional space after the year mark)."""
    n = len(cp)
    gap = np.where(cp[np.minimum(e + 1, n - 1)] == ord(" "), 2, 1)
    month_start = e + gap
    follows = (np.arange(len(s)) + 1 < len(s)) & (s[nxt] == month_start)
    month_end = e[nxt]
    return ((length == 4) & (after == year_mark) & follows & (length[nxt] <= 2)
            & (cp[np.minimum(month_end, n - 1)] == month_mark) & (month_end < n))


def _credit_features(b: _Batch) -> tuple[np.ndarray, np.ndarray]:
    """Credit words before a colon ('Bild: keystone', '(Foto: AFP)', 'Фото: ТАСС', and French
    'Photo : AFP' with its space), and abbreviated ones ('fot. PAP'): per block, how many, and
    whether one is within :data:`_END_WINDOW` characters of the block's end."""
    text, cp, classes, starts, ends = b.text, b.cp, b.classes, b.starts, b.ends
    alpha, space = (classes & _ALPHA) != 0, (classes & _SPACE) != 0
    after_word = np.zeros(len(cp), dtype=bool)
    after_word[1:] = alpha[:-1]
    after_word[2:] |= alpha[:-2] & space[1:-1]
    colon = np.flatnonzero(((cp == ord(":")) | (cp == 0xFF1A)) & after_word)
    # the period ends the word; a name follows a credit ("fot. PAP"), a word goes on in prose ("aparat fot. cyfrowy")
    abbreviated = [m.end() - 1 for m in _CREDIT_ABBREVIATION.finditer(text) if text[m.end() + 1].isupper()]
    marks = np.union1d(colon, np.array(abbreviated, dtype=np.int64))
    credit, at_end = np.zeros(b.n), np.zeros(b.n)
    if len(marks):
        block = np.searchsorted(starts, marks, side="right") - 1
        for p, i in zip(marks.tolist(), block.tolist()):
            if i < 0 or p >= ends[i]:
                continue
            m = _CREDIT_WORD_BEFORE.search(text, max(starts[i], p - 24), p)  # within the block
            if m and m.group(1).lower() in _CREDIT_SET:
                credit[i] += 1
                if ends[i] - p <= _END_WINDOW:
                    at_end[i] = 1.0
    return credit, at_end


def _nospace_features(cols, b: _Batch) -> tuple[np.ndarray, np.ndarray]:
    """Phrases of scripts without spaces (substrings): their own columns, and the credits' count
    and end flag (as :func:`_credit_features`) for the credit columns of every script."""
    counts = {g: np.zeros(b.n) for g in _NOSPACE_GROUPS}
    credit_at_end = np.zeros(b.n)
    # no phrase holds the newline between two pages: matches over the batch's text are the pages'
    for m in _NOSPACE_PHRASE_RE.finditer(b.text):
        start, group = m.start(), _NOSPACE_GROUP_OF[m.group()]
        i = int(np.searchsorted(b.starts, start, side="right")) - 1
        if i >= 0 and start < b.ends[i]:
            counts[group][i] += 1
            if group == "credit" and b.ends[i] - start <= _END_WINDOW:
                credit_at_end[i] = 1.0
    for g in ("credit", "ad", "embed"):
        cols[f"n_nospace_{g}"] = np.log1p(counts[g])
    cols["_nospace_agency"] = counts["agency"]
    return counts["credit"], credit_at_end


# ---------------------------------------------------------------------------------------------
# 3. tokens and language

class _Words:
    """The lower-cased words of a batch's blocks, block by block and in one list, and where each
    block's words are in that list (``start``, ``end``, ``count``).

    The one list lets each word be looked up once (:func:`_kinds_of_words`) and the phrase index
    visit only the words that start a phrase. (Tokenising the joined blocks in one findall was
    no sooner: splitting its words back into blocks cost what the calls per block did.)
    """

    def __init__(self, block_texts: Sequence[str]):
        # Turkish "İ" as "i": str.lower gives "i" and a combining dot, so "İlgili haberler" and a
        # sentence's first "İçin" never matched their phrase or stopword (one check per batch)
        if "İ" in "".join(block_texts):
            block_texts = [text.replace("İ", "I") for text in block_texts]
        self.per_block = [_WORD.findall(text.lower()) for text in block_texts]
        self.flat = list(itertools.chain.from_iterable(self.per_block))
        self.count = np.fromiter(map(len, self.per_block), dtype=np.int64, count=len(block_texts))
        self.end = np.cumsum(self.count)
        self.start = self.end - self.count

    def block_sums(self, flags: np.ndarray) -> np.ndarray:
        """How many of each block's words are flagged (``flags``: one per word of the list)."""
        csum = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
        return csum[self.end] - csum[self.start]


class _PhraseIndex:
    """Word n-grams of several groups, indexed by first word, matched over a batch's words."""

    def __init__(self, groups: dict[str, list[str]]):
        self.groups = tuple(groups)
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for gi, phrases in enumerate(groups.values()):
            for phrase in phrases:
                toks = tuple(_WORD.findall(phrase.lower()))
                if toks:
                    self.by_first.setdefault(toks[0], []).append((toks[1:], gi))
        self.first_words = frozenset(self.by_first)

    def match(self, words: _Words, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per block and group: hit count, hits starting in the block's last 5 words, hits at its
        first word; and per block the words covered by hits. ``candidates``: the positions of
        the words in :attr:`first_words`."""
        flat, block_end = words.flat, words.end.tolist()
        block = np.searchsorted(words.end, candidates, side="right")
        found = []  # (position, block, group, words covered)
        for j, i in zip(candidates.tolist(), block.tolist()):
            for rest, gi in self.by_first[flat[j]]:
                if rest and tuple(flat[j + 1:min(j + 1 + len(rest), block_end[i])]) != rest:
                    continue
                found.append((j, i, gi, 1 + len(rest)))
        n, k = len(words.count), len(self.groups)
        pos, row, group, covered = np.array(found, dtype=np.int64).reshape(-1, 4).T
        local = pos - words.start[row]  # the hit's word index within its block
        cell = row * k + group

        def per_cell(where) -> np.ndarray:
            return np.bincount(cell[where], minlength=n * k).reshape(n, k).astype(np.float64)

        hits, tail, head = per_cell(slice(None)), per_cell(local >= words.count[row] - 5), per_cell(local == 0)
        return hits, tail, head, np.bincount(row, covered, minlength=n)


_PHRASE_INDEX = _PhraseIndex(PHRASES)
_STOPWORD, _PHRASE_START = 1, 2  # bits of a word's kind


@functools.lru_cache(maxsize=None)
def _word_kinds(lang: str) -> dict[str, int]:
    """The words that are stopwords of ``lang`` or start a phrase, and which of the two."""
    kinds = dict.fromkeys(_lang.stopwords(lang), _STOPWORD)
    for word in _PHRASE_INDEX.first_words:
        kinds[word] = kinds.get(word, 0) | _PHRASE_START
    return kinds


def _kinds_of_words(b: _Batch, words: _Words, page_langs: list[str]) -> np.ndarray:
    """Each word's kind (bits :data:`_STOPWORD` in its page's language, :data:`_PHRASE_START`):
    one dictionary look-up per word, where testing a stoplist and the phrases' first words was two."""
    kinds = np.zeros(len(words.flat), dtype=np.uint8)
    for p, _, _, rows in b.pages():
        lo, hi = int(words.start[rows.start]), int(words.end[rows.stop - 1])
        kinds[lo:hi] = np.fromiter(map(_word_kinds(page_langs[p]).get, words.flat[lo:hi], itertools.repeat(0)),
                                   dtype=np.uint8, count=hi - lo)
    return kinds


def _language_features(cols, b: _Batch) -> list[list[str]]:
    texts, starts, ends = b.block_texts, b.starts, b.ends
    lengths = ends - starts
    # a character of a no-space script says about as much as a short word
    evidence = lengths.astype(np.float64) * (1.0 + (_NOSPACE_EVIDENCE - 1.0) * cols["ratio_nospace_script"])
    langs, conf = _lang.identify(texts, evidence.tolist())
    sizes = lengths.tolist()
    page_langs = [""] * len(b.texts)  # each page's main language
    for p, _, _, rows in b.pages():
        page_langs[p] = _lang.main_language(langs[rows], conf[rows], sizes[rows])
    row_page_lang = [page_langs[p] for p in b.page.tolist()]
    known = np.array([bool(lg) for lg in langs])
    cols["lang_known"] = known
    cols["lang_conf"] = conf
    cols["lang_differs"] = known & (conf > 0.4) & np.array([lg != pl for lg, pl in zip(langs, row_page_lang)])
    cols["lang_is_english"] = np.array([lg == "en" for lg in langs])

    words = _Words(texts)
    kinds = _kinds_of_words(b, words, page_langs)
    stop_page, stop_own, stop_count = _stopword_features(b, words, (kinds & _STOPWORD) != 0, langs, page_langs,
                                                         row_page_lang)
    # no-space scripts: function characters per character instead of stopwords (one pass per language)
    page_lang_of_row = np.array(row_page_lang, dtype=object)
    for page_lang in sorted({lg for lg in page_langs if _lang.stop_chars(lg)}):
        rows = np.flatnonzero(page_lang_of_row == page_lang)
        k = _stop_char_counts(page_lang, b.cp, starts[rows], ends[rows])
        stop_page[rows] = k / np.maximum(lengths[rows], 1)
        stop_count[rows] = np.log1p(k)
        same = np.array([langs[i] == page_lang for i in rows.tolist()])
        stop_own[rows] = np.where(same, stop_page[rows], stop_own[rows])
    page_nospace = np.array([float(bool(_lang.stop_chars(lg))) for lg in page_langs])
    cols["stop_density_page_lang"], cols["stop_count_page_lang"] = stop_page, stop_count
    cols["stop_density_own_lang"] = stop_own
    _phrase_features(cols, words, np.flatnonzero(kinds & _PHRASE_START))
    _article_word_features(cols, b, words, (kinds & _STOPWORD) != 0)
    cols["_page_lang_known"] = b.per_page(np.array([float(bool(lg)) for lg in page_langs]))
    cols["_page_nospace"] = b.per_page(page_nospace)
    return words.per_block


_PROSE_MIN_WORDS = 12  # a block this long that ends a sentence is most likely the article's prose
_PROSE_MIN_CHARS_NOSPACE = 25  # ... or, in a script without spaces, this many characters
_STEM_CHARS = 5
_CONTENT_MIN_CHARS = 3  # shorter words ("of", "de", "is") carry no topic
_NOSPACE_RUN = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _NOSPACE_RANGES) + "]{2,}")


def _article_word_features(cols, b: _Batch, words: _Words, is_stop: np.ndarray) -> None:
    """Per block: the share of its distinct content terms that occur in another *prose* block of
    its page (one of at least :data:`_PROSE_MIN_WORDS` words ending a sentence), and the log of
    their count. An article's title, subheadings and captions name what its paragraphs are about;
    the headline of a teaser for another article, a menu entry or a share button do not.

    A term is a word of at least :data:`_CONTENT_MIN_CHARS` letters that is no stopword, cut to
    its first :data:`_STEM_CHARS` ("resigns" and "resigned" are one topic in most languages); in
    blocks written mostly in a script without spaces, a pair of its characters.
    """
    n = b.n
    unspaced = cols["ratio_nospace_script"] > 0.5
    rows, wid, vocab = _content_terms(b, words, is_stop, unspaced)
    vocab = max(vocab, 1)
    pairs = _sorted_unique(rows * vocab + wid)  # each block's distinct terms
    pair_row, pair_term = pairs // vocab, pairs % vocab
    long_enough = (words.count >= _PROSE_MIN_WORDS) | (unspaced & (b.ends - b.starts >= _PROSE_MIN_CHARS_NOSPACE))
    prose = long_enough & np.asarray(cols["ends_terminal"], dtype=bool)
    page_term = b.page[pair_row] * vocab + pair_term
    prose_keys, prose_count = _sorted_unique(page_term[prose[pair_row]], counts=True)
    at = np.searchsorted(prose_keys, page_term)
    hit = at < len(prose_keys)
    hit[hit] = prose_keys[at[hit]] == page_term[hit]
    in_prose = np.zeros(len(pairs), dtype=np.int64)
    in_prose[hit] = prose_count[at[hit]]
    in_other = (in_prose - prose[pair_row]) > 0  # a prose block's own words do not count
    distinct = np.bincount(pair_row, minlength=n)
    found = np.bincount(pair_row, weights=in_other, minlength=n)
    cols["article_word_share"] = np.where(distinct > 0, found / np.maximum(distinct, 1), 0.0)
    cols["log_article_words"] = np.log1p(found)


def _sorted_unique(values: np.ndarray, counts: bool = False) -> Any:
    """``np.unique`` of integers (and how often each occurs) by sorting: numpy's own took 5x
    longer on our rows."""
    values = np.sort(values)
    first = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else np.zeros(0, dtype=np.int64)
    if not counts:
        return values[first]
    return values[first], np.diff(np.r_[first, len(values)])


def _content_terms(b: _Batch, words: _Words, is_stop: np.ndarray,
                   unspaced: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Each block's content terms (see :func:`_article_word_features`) as ids numbered in order of
    first occurrence, the row of each, and how many distinct terms there are. The ids are given
    in the same pass that cuts the words: a separate pass to number them cost as much again."""
    row = np.repeat(np.arange(b.n), words.count)
    lengths = np.fromiter(map(len, words.flat), dtype=np.int64, count=len(words.flat))
    keep = (lengths >= _CONTENT_MIN_CHARS) & ~is_stop & ~unspaced[row]
    ids: dict[str, int] = {}
    number = ids.setdefault  # a new term gets the next id: len(ids) is read before it is added
    term_ids = [number(word[:_STEM_CHARS], len(ids)) for word in itertools.compress(words.flat, keep.tolist())]
    rows = [row[keep]]
    for i in np.flatnonzero(unspaced).tolist():
        pairs = [run[k:k + 2] for run in _NOSPACE_RUN.findall(b.block_texts[i]) for k in range(len(run) - 1)]
        term_ids += [number(pair, len(ids)) for pair in pairs]
        rows.append(np.full(len(pairs), i, dtype=np.int64))
    return np.concatenate(rows), np.array(term_ids, dtype=np.int64), len(ids)


@functools.lru_cache(maxsize=None)
def _stop_char_table(lang: str) -> np.ndarray:
    """Whether each code point of the BMP is a function character of ``lang``; U+FFFF, where
    ``take(mode="clip")`` puts astral code points, never is. np.isin over the text was 10x slower."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in _lang.stop_chars(lang)]] = True
    return table


def _stop_char_counts(lang: str, cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of ``lang``'s function characters each span holds."""
    table, lengths = _stop_char_table(lang), ends - starts
    if (lengths >= 0).all() and lengths.sum() <= len(cp):  # read only these blocks, not the batch
        span, pos = _positions_between(starts, ends)
        return np.bincount(span, weights=table.take(cp[pos], mode="clip"), minlength=len(starts))
    return _block_sums(table.take(cp, mode="clip"), starts, ends)


def _stopword_features(b: _Batch, words: _Words, is_stop: np.ndarray, langs: list[str], page_langs: list[str],
                       row_page_lang: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block: the share of its words in the page language's stoplist (``is_stop``: each
    word's), in its own language's, and the log of the page language's count."""
    n, flat = b.n, words.flat
    with_list = b.per_page(np.array([bool(_lang.stopwords(lg)) for lg in page_langs]))
    stop_page, stop_own, stop_count = np.zeros(n), np.zeros(n), np.zeros(n)
    counted = np.flatnonzero(with_list & (words.count > 0))
    k = words.block_sums(is_stop)[counted]
    stop_page[counted] = k / words.count[counted]  # as Python's int / int: both exact in a double
    stop_count[counted] = [math.log1p(x) for x in k.tolist()]  # numpy's log1p may differ in the last bit
    # a block in the page's language (or in none) shares the page's density; others count their own
    stop_own[:] = stop_page
    for i, (lang, page_lang) in enumerate(zip(langs, row_page_lang)):
        if lang and lang != page_lang:
            own, ntok = _lang.stopwords(lang), int(words.count[i])
            stop_own[i] = sum(map(own.__contains__, flat[words.start[i]:words.end[i]])) / ntok if own and ntok else 0.0
    return stop_page, stop_own, stop_count


def _phrase_features(cols, words: _Words, candidates: np.ndarray) -> None:
    groups = _PHRASE_INDEX.groups
    hits, tail, head, covered = _PHRASE_INDEX.match(words, candidates)
    agency, ad = groups.index("agency"), groups.index("ad")
    cols["n_agency"] = np.log1p(hits[:, agency] + cols.pop("_nospace_agency"))
    cols["agency_at_end"] = tail[:, agency] > 0
    cols["n_embed"] = np.log1p(hits[:, groups.index("embed")])
    cols["n_ad"] = np.log1p(hits[:, ad])
    # as Python's int / int (both exact in a double); a block without an ad word has none covered
    cols["ad_token_fraction"] = np.where(hits[:, ad] > 0, np.minimum(covered / np.maximum(words.count, 1), 1.0), 0.0)
    cols["ad_at_start"] = head[:, ad] > 0


# ---------------------------------------------------------------------------------------------
# 4. layout

def _layout_features(cols, b: _Batch) -> None:
    n, first, last = b.n, b.first, b.last
    blank_between = _paragraph_breaks(b.cp, b.classes, b.starts, b.ends)
    before = np.concatenate(([1.0], blank_between.astype(np.float64)))
    after = np.concatenate((blank_between.astype(np.float64), [1.0]))
    local = np.arange(n) - first  # the block's index within its page
    size = last - first
    before[local == 0] = 1.0  # a page starts and ends a paragraph
    after[local == size - 1] = 1.0
    cols["sep_before_blank"], cols["sep_after_blank"] = before, after
    para_id = (np.cumsum(before) - 1).astype(np.int64)
    para_size = np.bincount(para_id)[para_id]
    para_first = np.searchsorted(para_id, para_id, side="left")
    cols["log_paragraph_blocks"] = np.log1p(para_size)
    cols["index_in_paragraph"] = np.minimum(np.arange(n) - para_first, 20) / 20.0
    cols["last_in_paragraph"] = after
    cols["rel_index"] = local.astype(np.float64) / np.maximum(size - 1, 1)
    page_start = b.per_page(b.char_offset)
    total = (b.ends[last - 1] - page_start).astype(np.float64)  # the page's last block's end
    cols["rel_offset"] = (b.starts - page_start) / np.maximum(total, 1.0)
    cols["is_first"] = local == 0
    cols["is_last"] = local == size - 1
    log_chars = cols["log_chars"]
    cols["rel_length_to_max"] = log_chars / np.maximum(_page_reduce(np.maximum, log_chars, b), 1e-9)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((-log_chars, b.page))] = np.arange(n)  # lexsort is stable, like argsort(kind="stable")
    cols["length_rank"] = (rank - first) / np.maximum(size - 1, 1)
    keys = list(zip(b.page.tolist(), b.block_texts))
    counts = Counter(keys)
    cols["duplicate_count"] = np.log1p(np.fromiter(map(counts.__getitem__, keys), dtype=np.float64, count=n) - 1)
    shapes = _prefix_shapes(b.cp, b.classes, b.starts, b.ends)
    same = np.zeros(n)
    for k in (1, 2):  # block i and block i + k: a pair compared once, counted for both
        equal = np.all(shapes[k:] == shapes[:-k], axis=1) & (b.page[k:] == b.page[:-k])
        same[:-k] += equal
        same[k:] += equal
    cols["same_prefix_neighbours"] = same / 4.0
    cols["ticker_run_length"] = np.log1p(_run_lengths(cols["timestamp_prefix_at_start"] > 0, local == 0))
    _period_features(cols, b)


def _page_reduce(ufunc: np.ufunc, values: np.ndarray, b: _Batch) -> np.ndarray:
    """``ufunc`` reduced over each page's rows, repeated for every row of the page (exact for
    max and min; sums here would add in another order than numpy's, so they are not used)."""
    has_rows = b.page_size > 0
    return np.repeat(ufunc.reduceat(values, b.bounds[:-1][has_rows], axis=0), b.page_size[has_rows], axis=0)


_PERIODS = 6
_PERIOD_WINDOW = 8


def _period_features(cols, b: _Batch) -> None:
    """Tables rendered one cell per line repeat with a period of 2 or more blocks ('DL', 'Myles
    Garrett', '57', '77%', 'DL', ...), where menus repeat with period 1 (item after item).

    Blocks get a coarse shape (length bucket, mostly digits, ends like a sentence); around each
    block (+-8 blocks) we measure how often a block has the shape of the one k blocks later:
    ``period1_similarity`` for k = 1, ``period_best_similarity`` for the best k in 2..6, and
    ``period_gain`` the difference.
    """
    n = b.n
    bucket = np.digitize(cols["log_chars"], np.log1p([3.0, 10.0, 30.0, 80.0]))
    shape = bucket * 4 + (cols["ratio_digit"] > 0.3) * 2 + (np.asarray(cols["ends_terminal"]) > 0)
    idx = np.arange(n)
    lo, hi = np.maximum(idx - _PERIOD_WINDOW, b.first), np.minimum(idx + _PERIOD_WINDOW + 1, b.last)
    similarity = np.zeros((n, _PERIODS))
    for k in range(1, _PERIODS + 1):
        same = np.zeros(n)
        if k < n:
            same[:-k] = (shape[:-k] == shape[k:]) & (idx[:-k] + k < b.last[:-k])  # both in one page
        csum = np.concatenate(([0.0], np.cumsum(same)))  # whole numbers: exact whatever the order
        similarity[:, k - 1] = (csum[hi] - csum[lo]) / (hi - lo)
    best = similarity[:, 1:].max(axis=1)
    cols["period1_similarity"] = similarity[:, 0]
    cols["period_best_similarity"] = best
    cols["period_gain"] = best - similarity[:, 0]


def _paragraph_breaks(cp, classes, starts, ends) -> np.ndarray:
    """True where the separator after block i holds an empty line.

    CRLF counts as one line break, U+2029 (paragraph separator) as two.
    """
    if len(starts) < 2:
        return np.zeros(0, dtype=bool)
    gap_start, gap_end = ends[:-1], starts[1:]
    if np.maximum(gap_end - gap_start, 0).sum() <= len(cp):  # blocks in order: a few characters per separator
        gap, pos = _positions_between(gap_start, gap_end)
        return np.bincount(gap, weights=_line_breaks_at(cp, classes, pos), minlength=len(gap_start)) >= 2
    return _block_sums(_line_breaks_at(cp, classes, np.arange(len(cp))), gap_start, gap_end) >= 2


def _line_breaks_at(cp, classes, pos: np.ndarray) -> np.ndarray:
    """Line breaks at the positions ``pos``: 1, 2 for U+2029, 0 for the CR of a CRLF."""
    breaks = ((classes[pos] & _BREAK) != 0).astype(np.int8)
    after = np.minimum(pos + 1, len(cp) - 1)
    breaks[(cp[pos] == 13) & (cp[after] == 10) & (pos + 1 < len(cp))] = 0
    breaks[cp[pos] == 0x2029] = 2
    return breaks


def _positions_between(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every position of every span ``[start, end)`` (none where end <= start), and its span's index.

    >>> [a.tolist() for a in _positions_between(np.array([2, 7, 9]), np.array([4, 7, 10]))]
    [[0, 0, 2], [2, 3, 9]]
    """
    lengths = np.maximum(ends - starts, 0)
    span = np.repeat(np.arange(len(starts)), lengths)
    first_of_span = np.cumsum(lengths) - lengths  # where each span's positions begin in the list
    return span, np.arange(len(span)) - first_of_span[span] + starts[span]


_SHAPE_CHARS = 6


def _prefix_shapes(cp, classes, starts, ends) -> np.ndarray:
    """Each block's first characters with digits folded to one code and letters to another
    (the shape of '3:15 '), as an ``(n, 6)`` array padded with -1 past the block's end."""
    pos = starts[:, None] + np.arange(_SHAPE_CHARS)
    inside = pos < ends[:, None]
    pos = np.minimum(pos, len(cp) - 1)
    shape = cp[pos].astype(np.int64)
    shape[(classes[pos] & _ALPHA) != 0] = -3
    shape[(classes[pos] & _DIGIT) != 0] = -2
    shape[~inside] = -1
    return shape


def _run_lengths(flags: np.ndarray, breaks: np.ndarray | None = None) -> np.ndarray:
    """For each position, the length of the run of True it belongs to (0 where False); a run
    also ends before each position where ``breaks`` is True (a new page).

    >>> _run_lengths(np.array([1, 1, 0, 1, 1, 1], bool), np.array([0, 0, 0, 0, 1, 0], bool)).tolist()
    [2.0, 2.0, 0.0, 1.0, 2.0, 2.0]
    """
    n = len(flags)
    out = np.zeros(n)
    if n == 0:
        return out
    prev = np.concatenate(([False], flags[:-1]))
    starts = flags & ~prev if breaks is None else flags & (~prev | breaks)
    run = np.cumsum(starts) - 1
    lengths = np.bincount(run[flags], minlength=int(run[-1]) + 1 if n else 0)
    out[flags] = lengths[run[flags]]
    return out


def _site_features(cols, b: _Batch, sites: Sequence[np.ndarray | None] | None) -> None:
    width = len(SITE_COLUMNS)
    parts = []
    for p, size in enumerate(b.page_size.tolist()):
        site = None if sites is None else sites[p]
        if site is None:
            site = np.zeros((size, width))
        elif site.shape != (size, width):
            raise ValueError(f"site repetition has shape {site.shape}, expected {(size, width)}")
        parts.append(site)
    site_rows = np.concatenate(parts) if parts else np.zeros((0, width))
    for k, name in enumerate(SITE_COLUMNS):
        cols[name] = site_rows[:, k]


# ---------------------------------------------------------------------------------------------
# 5. page and context
#
# Means and medians of float columns are taken page by page with numpy's own reductions: summed
# in another order (over the whole batch at once), they could differ in the last bit, and a
# page's features would depend on the pages classified with it.

def _page_features(cols, b: _Batch) -> None:
    has_rows = b.page_size > 0
    sizes = b.page_size[has_rows]
    ticker = np.add.reduceat(cols["timestamp_prefix_at_start"], b.bounds[:-1][has_rows])  # whole numbers
    cols["page_log_blocks"] = np.repeat([math.log1p(s) for s in sizes.tolist()], sizes)
    cols["page_ticker_fraction"] = np.repeat(ticker / sizes, sizes)
    cols["page_lang_known"] = cols.pop("_page_lang_known")
    medians, stop_means = [], []
    for _, _, _, rows in b.pages():
        medians.append(float(np.median(cols["log_chars"][rows])))
        stop_means.append(float(np.mean(cols["stop_density_page_lang"][rows])))
    cols["page_median_log_chars"] = np.repeat(medians, sizes)
    cols["page_stop_density"] = np.repeat(stop_means, sizes)
    cols["page_nospace_script"] = cols.pop("_page_nospace")


def _context_features(cols, b: _Batch) -> None:
    # One matrix per kind of context, shifted or windowed at once (not column by column).
    n = b.n
    sources = np.column_stack([cols[c] for c in _NEIGHBOUR_SOURCES] + [np.ones(n)]).astype(np.float64)
    for off in _NEIGHBOUR_OFFSETS:
        tag = f"prev{-off}" if off < 0 else f"next{off}"
        shifted = _shift(sources, off, b)
        for k, c in enumerate([*_NEIGHBOUR_SOURCES, "exists"]):
            cols[f"{tag}_{c}"] = shifted[:, k]
    window_sources = np.column_stack([cols[c] for c in _WINDOW_SOURCES]).astype(np.float64)
    csum = page_cumsum(window_sources, b.bounds)
    for w in _WINDOWS:
        means = window_mean(window_sources, csum, w, b.page, b.first, b.last)
        for k, c in enumerate(_WINDOW_SOURCES):
            cols[f"win{w}_{c}"] = means[:, k]


def _page_relative_features(cols, b: _Batch) -> None:
    values = np.column_stack([cols[c] for c in _PAGE_RELATIVE_SOURCES]).astype(np.float64)
    weight = (b.ends - b.starts).astype(np.float64) + 1.0
    medians, means = [], []
    for _, _, _, rows in b.pages():
        medians.append(np.median(values[rows], axis=0))
        means.append(weight[rows] @ values[rows] / weight[rows].sum())
    sizes = b.page_size[b.page_size > 0]
    references = {
        "page_median": np.repeat(medians, sizes, axis=0),
        "page_max": _page_reduce(np.maximum, values, b),
        "text_mean": np.repeat(means, sizes, axis=0),
    }
    for ref, reference in references.items():
        for k, c in enumerate(_PAGE_RELATIVE_SOURCES):
            cols[f"{c}_minus_{ref}"] = values[:, k] - reference[:, k]
    # Where the block sits in the page's text (rel_offset counts characters of separators too).
    # The weights are whole numbers, so sums over the batch minus sums before the page are exact.
    running = np.cumsum(weight)
    before_page = np.concatenate(([0.0], running))[b.first]
    page_total = np.concatenate(([0.0], running))[b.last] - before_page
    cols["text_share_before"] = (running - weight - before_page) / page_total


def _shift(values: np.ndarray, off: int, b: _Batch) -> np.ndarray:
    """values[i + off] (rows), with 0 outside the block's page."""
    n = len(values)
    out = np.zeros_like(values)
    lo = max(0, -off)
    hi = max(lo, n - max(0, off))
    out[lo:hi] = values[lo + off:hi + off]  # a slice: fancy indexing copied rows one by one
    j = np.arange(n) + off
    out[(j < b.first) | (j >= b.last)] = 0
    return out


def page_cumsum(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Running sums of ``values`` (rows) restarting at every page, with a zero row before each
    page: page p (rows ``bounds[p]:bounds[p + 1]``) has its sums in rows ``bounds[p] + p`` to
    ``bounds[p + 1] + p``. Summed page by page, so no page's sums depend on the rows before it.

    >>> page_cumsum(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 3])).tolist()
    [0.0, 1.0, 3.0, 0.0, 3.0]
    """
    csum = np.zeros((len(values) + len(bounds) - 1,) + values.shape[1:])
    for p, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        np.cumsum(values[lo:hi], axis=0, out=csum[lo + p + 1:hi + p + 1])
    return csum


def window_mean(values: np.ndarray, csum: np.ndarray, w: int, page: np.ndarray, first: np.ndarray,
                last: np.ndarray) -> np.ndarray:
    """Mean over rows i-w..i+w (truncated at the edges of row i's page, rows ``first[i]:last[i]``),
    row i itself excluded; per column. ``csum``: :func:`page_cumsum` of ``values``, ``page``: each
    row's page number."""
    n = len(values)
    idx = np.arange(n)
    lo, hi = np.maximum(idx - w, first), np.minimum(idx + w + 1, last)
    count = np.maximum(hi - lo - 1, 1).reshape((n,) + (1,) * (values.ndim - 1))
    return (csum[hi + page] - csum[lo + page] - values) / count
