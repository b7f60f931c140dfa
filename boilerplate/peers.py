"""Text-only peers: other ways to tell a page's body from its boilerplate, for comparison.

Every peer takes a page's blocks (their texts, in document order) and the page's language (an ISO
639-1 code such as ``"de"`` or ``"zh-cn"``, or ``None``) and returns a boolean numpy array, ``True``
where the block is body. They see exactly what the model sees (the text of the same blocks, no
HTML, no links), so a comparison in :mod:`boilerplate.compare` measures the methods, not the input.

* :func:`justext_body` -- jusText's paragraph classifier (Pomikálek 2011), run by jusText's own code.
* :func:`c4_body` -- the line rules of C4 (Raffel et al. 2020), as datatrove's ``C4QualityFilter``.
* :func:`gopher_body` -- the quality rules of Gopher (Rae et al. 2021), as datatrove's
  ``GopherQualityFilter``, applied to each block instead of each document.
* :func:`baseline_body` -- a block is body if it has at least 10 words and ends a sentence.

>>> blocks = ["Home | News | Sport", "Officials said on Monday that the bridge would stay closed "
...           "until the end of the month, while engineers inspect the damage that the storm did to "
...           "it. They said that the work would be done as fast as it can be, and that a ferry is "
...           "to run in the meantime.", "Share this"]
>>> baseline_body(blocks, "en").tolist()
[False, True, False]
>>> c4_body(blocks, "en").tolist()
[False, True, False]
>>> PEERS["justext"](blocks, "en").tolist()
[False, True, False]
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .lang import JUSTEXT_LANGUAGES, justext_language  # noqa: F401  (re-exported for the peers)

Peer = Callable[[Sequence[str], "str | None"], np.ndarray]


# ---------------------------------------------------------------------------------------------
# Languages: ISO 639-1 (and a few 639-2/3) codes -> jusText stoplist names

@lru_cache(maxsize=None)
def stoplist(lang: str | None) -> frozenset[str]:
    """jusText's stoplist for ``lang``, lower-cased; empty when jusText has none for it.

    >>> "the" in stoplist("en"), len(stoplist("ja"))
    (True, 0)
    """
    name = justext_language(lang)
    if name is None:
        return frozenset()
    import justext

    return frozenset(w.lower() for w in justext.get_stoplist(name))


@lru_cache(maxsize=None)
def _frequent_words(lang: str, n: int) -> frozenset[str]:
    """The ``n`` most frequent words of ``lang`` (jusText's stoplist files are in frequency order)."""
    name = justext_language(lang)
    if name is None:
        return frozenset()
    import justext.utils  # noqa: F401  (get_stoplist needs the package imported)
    import pkgutil

    raw = pkgutil.get_data("justext", f"stoplists/{name}.txt") or b""
    out: list[str] = []
    for word in raw.decode("utf-8").split():
        w = word.lower()
        if w not in out:
            out.append(w)
        if len(out) == n:
            break
    return frozenset(out)


# ---------------------------------------------------------------------------------------------
# jusText

JUSTEXT_FALLBACK = "language-independent"
"""What :func:`justext_body` does for a language jusText has no stoplist for (Chinese, Japanese,
Thai, ... and ``None``): jusText's own language-independent mode -- an empty stoplist with both
stopword thresholds set to 0 (what ``python -m justext -s None`` does), so the decision rests on
length and context alone."""


def justext_body(
    blocks: Sequence[str],
    lang: str | None = None,
    *,
    length_low: int | None = None,
    length_high: int | None = None,
    stopwords_low: float | None = None,
    stopwords_high: float | None = None,
    max_heading_distance: int | None = None,
) -> np.ndarray:
    """jusText's verdict per block: ``True`` where its paragraph classification ends ``good``.

    Faithful and fast: each block becomes one ``justext.paragraph.Paragraph`` (as if it were a
    ``<p>`` element with no links, outside any heading, as our text has no markup), and jusText's
    own ``classify_paragraphs`` (context-free: length, stopword density, ``©``) and
    ``revise_paragraph_classification`` (context: short and near-good paragraphs take their
    class from their good/bad neighbours) run on them with jusText's defaults. No HTML is built
    or parsed; the only change to jusText is that a paragraph's text is computed once instead of
    on every access (it never changes after construction). The result equals running
    ``justext.justext`` on the blocks html-escaped into ``<p>`` elements (the tests check it), at
    a fraction of the cost.

    After revision every paragraph is ``good`` or ``bad`` (near-good and short ones are resolved
    by context), and jusText's own output keeps only ``good``; so does this.

    Stoplist: the page language's jusText stoplist; for a language without one, see
    :data:`JUSTEXT_FALLBACK`. Keyword arguments override jusText's defaults (``None`` = default).

    >>> justext_body(["Menu", "Die Regierung hat am Montag angekündigt, dass sie die Steuern "
    ...               "für kleine und mittlere Unternehmen im kommenden Jahr senken wird. Sie will "
    ...               "damit die Wirtschaft stärken, die unter den hohen Preisen für Strom und Gas "
    ...               "leidet, und das schon seit dem letzten Winter."], "de").tolist()
    [False, True]
    """
    if not blocks:
        return np.zeros(0, dtype=bool)
    from justext import core

    words = stoplist(lang)
    options = {
        "length_low": core.LENGTH_LOW_DEFAULT if length_low is None else length_low,
        "length_high": core.LENGTH_HIGH_DEFAULT if length_high is None else length_high,
        "stopwords_low": core.STOPWORDS_LOW_DEFAULT if stopwords_low is None else stopwords_low,
        "stopwords_high": core.STOPWORDS_HIGH_DEFAULT if stopwords_high is None else stopwords_high,
    }
    if not words:  # jusText's language-independent mode
        options["stopwords_low"] = options["stopwords_high"] = 0
    paragraphs = [_paragraph_class()(text) for text in blocks]
    core.classify_paragraphs(paragraphs, words, **options)
    core.revise_paragraph_classification(
        paragraphs, core.MAX_HEADING_DISTANCE_DEFAULT if max_heading_distance is None else max_heading_distance
    )
    return np.fromiter((p.class_type == "good" for p in paragraphs), dtype=bool, count=len(paragraphs))


@lru_cache(maxsize=1)
def _paragraph_class() -> type:
    """A ``justext.paragraph.Paragraph`` built from a text, with the text computed once."""
    from justext.paragraph import Paragraph
    from justext.utils import normalize_whitespace

    class _Path:  # what Paragraph reads from jusText's PathInfo: a <p> in the body
        dom = "html.body.p"
        xpath = "/html[1]/body[1]/p[1]"

    class TextParagraph(Paragraph):
        text = None  # shadows Paragraph.text (a property that re-joins the text on every access)

        def __init__(self, text: str) -> None:
            super().__init__(_Path)
            node = normalize_whitespace(text)  # what append_text stores
            self.text_nodes.append(node)
            self.text = node.strip()  # == Paragraph.text: normalizing is idempotent

    return TextParagraph


def justext_html_body(blocks: Sequence[str], lang: str | None = None) -> np.ndarray:
    """The same verdict as :func:`justext_body`, by the long way: ``justext.justext`` on HTML.

    Each block is html-escaped into a ``<p>`` element and the page goes through jusText's whole
    pipeline (lxml parse, cleaning, SAX paragraph maker). Slow; kept to check
    :func:`justext_body` against and for anyone who wants the reference route.
    """
    import html

    import justext

    if not blocks:
        return np.zeros(0, dtype=bool)
    body = "".join(f"<p>{html.escape(_xml_safe(b), quote=False)}</p>" for b in blocks)
    words = stoplist(lang)
    kw = {} if words else {"stopwords_low": 0, "stopwords_high": 0}
    paragraphs = justext.justext(f"<html><body>{body}</body></html>", words, **kw)
    if len(paragraphs) != len(blocks):
        raise ValueError(f"jusText made {len(paragraphs)} paragraphs of {len(blocks)} blocks")
    return np.array([not p.is_boilerplate for p in paragraphs], dtype=bool)


_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str) -> str:
    return _XML_UNSAFE.sub(" ", text)


# ---------------------------------------------------------------------------------------------
# C4

C4_END_PUNCTUATION = (".", "?", "!", '"', "'")
C4_ELLIPSIS = "..."
C4_MIN_WORDS_PER_LINE = 3
C4_MAX_WORD_LENGTH = 1000
C4_POLICY_SUBSTRINGS = (
    "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies",
)
C4_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
_C4_LINE_DROP = re.compile(
    "|".join(["javascript", "lorem ipsum", r"\{"] + [re.escape(p) for p in C4_POLICY_SUBSTRINGS])
)
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def c4_line_keeps(line: str) -> bool:
    """Whether C4's line rules keep one line (datatrove ``C4QualityFilter``, line part).

    In datatrove's order: no word over 1000 characters; Wikipedia-style citations (``[1]``,
    ``[edit]``, ``[citation needed]``) removed, then the line ends in terminal punctuation
    ``. ? ! " '`` but not in ``...``; at least 3 words; no ``javascript``; none of the
    cookie/terms phrases. C4 drops the *whole page* for ``lorem ipsum`` or a ``{``; here only the
    line goes (see :func:`c4_body`).

    >>> c4_line_keeps("This sentence is kept."), c4_line_keeps("Enable JavaScript to see it."), c4_line_keeps("Too short.")
    (True, False, False)
    """
    line = line.strip()
    words = line.split()
    if any(len(w) > C4_MAX_WORD_LENGTH for w in words):
        return False
    line = C4_CITATION.sub("", line)
    if not line.endswith(C4_END_PUNCTUATION) or line.endswith(C4_ELLIPSIS):
        return False
    if len(words) < C4_MIN_WORDS_PER_LINE:
        return False
    return _C4_LINE_DROP.search(line.lower()) is None


def c4_body(blocks: Sequence[str], lang: str | None = None) -> np.ndarray:
    """C4's line rules per block (Raffel et al. 2020, JMLR 21(140), section 2.2; rules and order as
    in datatrove's ``C4QualityFilter``, ``src/datatrove/pipeline/filters/c4_filters.py``).

    Each line of a block is judged by :func:`c4_line_keeps`; a block is body when the lines C4
    keeps hold at least half of its characters (one-line blocks, the usual case: when the line is
    kept). C4's page-level rules are not applied: they drop whole pages (fewer than 5 sentences
    left, any ``lorem ipsum`` or ``{``, a bad word), which decides whether a page enters a
    corpus, not which of its blocks are the article; ``lorem ipsum`` and ``{`` drop their line
    instead. Terminal punctuation is C4's ASCII set, so body text in Chinese or Japanese
    (``。``) is dropped -- as C4 would. ``lang`` is unused (C4 is language-blind).

    >>> c4_body(["Accept our cookie policy.", "It was a cold day in the valley."]).tolist()
    [False, True]
    """
    out = np.zeros(len(blocks), dtype=bool)
    for i, block in enumerate(blocks):
        if _LINE_BREAK.search(block) is None:
            out[i] = c4_line_keeps(block)
            continue
        lines = _LINE_BREAK.split(block)
        kept = sum(len(line) for line in lines if c4_line_keeps(line))
        out[i] = 2 * kept >= sum(len(line) for line in lines)
    return out


# ---------------------------------------------------------------------------------------------
# Gopher

GOPHER_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})
GOPHER_MIN_STOP_WORDS = 2
GOPHER_MIN_AVG_WORD_LENGTH = 3
GOPHER_MAX_AVG_WORD_LENGTH = 10
GOPHER_MAX_SYMBOL_WORD_RATIO = 0.1
GOPHER_MAX_BULLET_LINES_RATIO = 0.9
GOPHER_MAX_ELLIPSIS_LINES_RATIO = 0.3
GOPHER_MIN_ALPHA_WORDS_RATIO = 0.8
# nltk's word_tokenize in one regex pass: words (with inner apostrophes/hyphens/dots), numbers, or
# runs of punctuation.
_GOPHER_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]+")
_PUNCTUATION_ONLY = re.compile(r"[^\w\s]+")
_BULLET_LINE = re.compile(r"^[ \t]*•", re.M)
_ELLIPSIS_LINE = re.compile(r"(?:\.\.\.|…)[ \t]*$", re.M)


def gopher_stop_words(lang: str | None) -> frozenset[str]:
    """The stop words Gopher's rule counts for ``lang``.

    English: Gopher's own eight (the, be, to, of, and, that, have, with). Other languages: the
    eight most frequent words of jusText's stoplist for the language (its files are in frequency
    order). A language with no stoplist (Chinese, Japanese, Thai): none, and the rule is skipped.

    >>> sorted(gopher_stop_words("en"))[:3], len(gopher_stop_words("de")), len(gopher_stop_words("ja"))
    (['and', 'be', 'have'], 8, 0)
    """
    if lang is None or justext_language(lang) == "English":
        return GOPHER_STOP_WORDS
    return _frequent_words(lang, len(GOPHER_STOP_WORDS))


def gopher_block_keeps(block: str, stop_words: frozenset[str] = GOPHER_STOP_WORDS) -> bool:
    """Whether Gopher's quality rules, applied to one block as if it were a document, keep it.

    >>> gopher_block_keeps("The cat sat on the mat and looked at the dog with interest.")
    True
    >>> gopher_block_keeps("#news #sport #weather")
    False
    """
    tokens = _GOPHER_TOKEN.findall(block)
    words = [t for t in tokens if not _PUNCTUATION_ONLY.fullmatch(t)]
    n_words = len(words)
    if n_words == 0:
        return False
    mean_len = sum(map(len, words)) / n_words
    if not GOPHER_MIN_AVG_WORD_LENGTH <= mean_len <= GOPHER_MAX_AVG_WORD_LENGTH:
        return False
    if block.count("#") / n_words > GOPHER_MAX_SYMBOL_WORD_RATIO:
        return False
    if (block.count("...") + block.count("…")) / n_words > GOPHER_MAX_SYMBOL_WORD_RATIO:
        return False
    n_lines = 1 + len(_LINE_BREAK.findall(block))
    if len(_BULLET_LINE.findall(block)) / n_lines > GOPHER_MAX_BULLET_LINES_RATIO:
        return False
    if len(_ELLIPSIS_LINE.findall(block)) / n_lines > GOPHER_MAX_ELLIPSIS_LINES_RATIO:
        return False
    if sum(any(c.isalpha() for c in t) for t in tokens) / n_words < GOPHER_MIN_ALPHA_WORDS_RATIO:
        return False
    if stop_words and sum(t in stop_words for t in tokens) < GOPHER_MIN_STOP_WORDS:
        return False
    return True


def gopher_body(blocks: Sequence[str], lang: str | None = None) -> np.ndarray:
    """Gopher's quality rules per block (Rae et al. 2021, arXiv:2112.11446, appendix A.1.1; the
    thresholds and their order as in datatrove's ``GopherQualityFilter``,
    ``src/datatrove/pipeline/filters/gopher_quality_filter.py``).

    Gopher judges whole documents; here each block is judged as if it were one, with these rules
    unchanged: mean word length within [3, 10] characters; ``#`` and ellipses (``...``, ``…``) at
    most 0.1 per word; at most 90% of lines starting with a bullet ``•`` and at most 30% ending
    with an ellipsis; at least 80% of words containing a letter (datatrove counts punctuation
    tokens in the numerator's domain, so do we); at least 2 stop words (see
    :func:`gopher_stop_words` for languages other than English). Adapted: tokens come from one
    regex pass that approximates nltk's ``word_tokenize`` (no nltk, no downloads). Dropped: the
    document length limits (50 to 100,000 words), which would reject nearly every single
    paragraph and say nothing about blocks. Like Gopher, text without spaces (Chinese, Japanese)
    fails the word-length rule.

    >>> gopher_body(["Home", "The cat sat on the mat and looked at the dog with interest."], "en").tolist()
    [False, True]
    """
    stop_words = gopher_stop_words(lang)
    return np.fromiter((gopher_block_keeps(b, stop_words) for b in blocks), dtype=bool, count=len(blocks))


# ---------------------------------------------------------------------------------------------
# Baseline

BASELINE_MIN_WORDS = 10
TERMINAL_PUNCTUATION = ".!?。！？؟।…"
_CLOSERS = "\"'”’»)]"
_WORD = re.compile(r"\S+")


def baseline_body(blocks: Sequence[str], lang: str | None = None) -> np.ndarray:
    """The simplest rule: a block is body if it has at least 10 words (runs of non-space) and ends
    in terminal punctuation (``. ! ? 。 ！ ？ ؟ । …``, possibly followed by closing quotes or
    brackets). ``lang`` is unused.

    >>> baseline_body(["Too short.", "This block has more than ten words in it and ends well.",
    ...                "This block has more than ten words in it but no full stop"]).tolist()
    [False, True, False]
    """
    out = np.zeros(len(blocks), dtype=bool)
    for i, block in enumerate(blocks):
        tail = block.rstrip().rstrip(_CLOSERS)
        out[i] = bool(tail) and tail[-1] in TERMINAL_PUNCTUATION and len(_WORD.findall(block)) >= BASELINE_MIN_WORDS
    return out


PEERS: dict[str, Peer] = {
    "justext": justext_body,
    "c4": c4_body,
    "gopher": gopher_body,
    "baseline": baseline_body,
}
"""The peers by name, in the order :mod:`boilerplate.compare` reports them."""
