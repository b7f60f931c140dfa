"""The text-only peers: each rule they cite does what its source does, and jusText's shortcut
gives jusText's own answer."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerplate import peers

LONG_EN = (
    "Officials said on Monday that the bridge would stay closed until the end of the month, while "
    "engineers inspect the damage that the storm did to it. They said that the work would be done as "
    "fast as it can be, and that a ferry is to run in the meantime for all of the people who need it."
)
LONG_DE = (
    "Die Regierung hat am Montag angekündigt, dass sie die Steuern für kleine und mittlere Unternehmen "
    "im kommenden Jahr senken wird. Sie will damit die Wirtschaft stärken, die unter den hohen Preisen "
    "für Strom und Gas leidet, und das schon seit dem letzten Winter."
)
LONG_JA = "政府は月曜日、橋の修理が今月末まで続くと発表した。" * 6
PAGE = [
    "Home | News | Sport | Weather",
    "Bridge to stay closed for weeks",
    LONG_EN,
    "A short line between two paragraphs.",
    LONG_EN.replace("bridge", "road"),
    "© 2024 Example Media. All rights reserved, and this line is long enough to count as text.",
    "Share on Facebook",
    "Related: more news from the region that you might like to read if you have the time for it",
]


@pytest.mark.parametrize("name", list(peers.PEERS))
def test_every_peer_returns_one_bool_per_block(name: str) -> None:
    peer = peers.PEERS[name]
    out = peer(PAGE, "en")
    assert isinstance(out, np.ndarray) and out.dtype == bool and out.shape == (len(PAGE),)
    assert peer([], "en").shape == (0,)
    assert not out[0], "a menu line is boilerplate for every peer"


def test_peers_keep_the_article_paragraphs() -> None:
    for name in ("justext", "c4", "gopher", "baseline"):
        out = peers.PEERS[name](PAGE, "en")
        assert out[2] and out[4], name


# --- languages and stoplists -----------------------------------------------------------------

def test_language_codes_map_to_justext_stoplists() -> None:
    assert peers.justext_language("en") == "English"
    assert peers.justext_language("pt-BR") == "Portuguese"
    assert peers.justext_language("zh-cn") is None
    assert peers.justext_language("ja") is None
    assert peers.justext_language(None) is None
    assert "the" in peers.stoplist("en") and "und" in peers.stoplist("de")
    assert peers.stoplist("ja") == frozenset()


def test_every_mapped_language_has_a_stoplist() -> None:
    import justext

    assert set(peers.JUSTEXT_LANGUAGES.values()) <= justext.get_stoplists()


# --- jusText ---------------------------------------------------------------------------------

def test_justext_short_shortcut_equals_justext_on_html() -> None:
    pages = [
        (PAGE, "en"),
        (["Menü", LONG_DE, "kurz", LONG_DE, "Impressum"], "de"),
        (["メニュー", LONG_JA, "短い", LONG_JA], "ja"),  # no stoplist: language-independent mode
        ([LONG_EN + "\n" + LONG_EN, "line one\nline two", "x\x00y < & >"], "en"),
        (["short"] * 5 + [LONG_EN] + ["short"] * 5, None),
    ]
    for blocks, lang in pages:
        assert peers.justext_body(blocks, lang).tolist() == peers.justext_html_body(blocks, lang).tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["the", "of", "and", "bridge", "Storm", "©", "x", "–", "a.", "\n"]),
                         min_size=1, max_size=60).map(" ".join).filter(str.strip), min_size=1, max_size=12))
def test_justext_shortcut_equals_justext_on_random_pages(blocks: list[str]) -> None:
    assert peers.justext_body(blocks, "en").tolist() == peers.justext_html_body(blocks, "en").tolist()


def test_justext_uses_the_page_language() -> None:
    page = ["Menü", LONG_DE, "Impressum"]
    assert peers.justext_body(page, "de").tolist() == [False, True, False]
    # with English stopwords the German paragraph has almost none: jusText calls it bad
    assert peers.justext_body(page, "en").tolist() == [False, False, False]


def test_justext_copyright_sign_makes_a_paragraph_bad() -> None:
    assert peers.justext_body([LONG_EN], "en").tolist() == [True]
    assert peers.justext_body([LONG_EN + " ©"], "en").tolist() == [False]


def test_justext_short_block_between_good_ones_is_good() -> None:
    assert peers.justext_body([LONG_EN, "A short line.", LONG_EN], "en").tolist() == [True, True, True]
    assert peers.justext_body(["Menu", "A short line.", "Footer"], "en").tolist() == [False, False, False]


# --- C4 --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line, kept",
    [
        ("This line is kept by C4.", True),
        ('He said "it is kept."', True),
        ("Ends with a question mark?", True),
        ("No terminal punctuation here", False),
        ("An ellipsis is not an end...", False),
        ("Two words.", False),
        ("Please enable JavaScript to continue.", False),
        ("This site uses cookies to work.", False),
        ("Read our privacy policy first.", False),
        ("Lorem ipsum dolor sit amet.", False),
        ("Some code { here } ends.", False),
        ("A cited sentence ends here.[1]", True),
        ("A cited sentence ends here[citation needed]", False),
        ("word " * 3 + "x" * 1001 + ".", False),
    ],
)
def test_c4_line_rules(line: str, kept: bool) -> None:
    assert peers.c4_line_keeps(line) is kept


def test_c4_block_is_body_when_kept_lines_hold_most_characters() -> None:
    kept = "This line of the block is kept."
    dropped = "this line is not kept by C4"
    assert peers.c4_body([f"{kept}\n{dropped}", f"{dropped}\n{dropped}\n{kept}"]).tolist() == [True, False]


# --- Gopher ----------------------------------------------------------------------------------

def test_gopher_rules_per_block() -> None:
    good = "The cat sat on the mat and looked at the dog with interest."
    assert peers.gopher_block_keeps(good)
    assert not peers.gopher_block_keeps("Home")  # no stop words
    assert not peers.gopher_block_keeps("#the #and #of #to #be")  # hashes
    assert not peers.gopher_block_keeps("the and of to a b c d e")  # mean word length < 3
    assert not peers.gopher_block_keeps("the and " + "Supercalifragilistic " * 5)  # mean word length > 10
    assert not peers.gopher_block_keeps(good + " And so on... and on... and on...")  # ellipses per word
    assert not peers.gopher_block_keeps("• the list of items\n• and more with the items")  # bullet lines
    assert not peers.gopher_block_keeps("the 123 456 789 and 111 222 333")  # too few alphabetic words
    assert not peers.gopher_block_keeps("")


def test_gopher_stop_words_follow_the_language() -> None:
    assert peers.gopher_stop_words("en") == peers.GOPHER_STOP_WORDS
    assert peers.gopher_stop_words(None) == peers.GOPHER_STOP_WORDS
    de = peers.gopher_stop_words("de")
    assert len(de) == 8 and {"der", "die", "und"} <= de
    assert peers.gopher_stop_words("ja") == frozenset()
    assert peers.gopher_body([LONG_DE], "de").tolist() == [True]
    assert peers.gopher_body([LONG_DE], "en").tolist() == [False]


# --- baseline --------------------------------------------------------------------------------

def test_baseline_needs_ten_words_and_a_sentence_end() -> None:
    nine = "one two three four five six seven eight nine."
    ten = "one two three four five six seven eight nine ten."
    assert peers.baseline_body([nine, ten, ten[:-1], f"«{ten}»", ten + ")"]).tolist() == [
        False, True, False, True, True]
    assert peers.baseline_body(["这是一个很长的句子。" * 3 + " a b c d e f g h i"]).tolist() == [False]
