"""Segmentation: lossless offsets for any string, and sensible blocks for both page shapes."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerplate import InputError, segment
from boilerplate.segment import MAX_BLOCK_CHARS, block_spans

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
text_with_breaks = st.lists(
    st.one_of(st.characters(), st.sampled_from(list(LINE_BREAKS) + ["\r\n", " ", "\t", "\x00", "ab", "3:15 "])),
    max_size=200,
).map("".join)


def _check_lossless(text: str) -> None:
    blocks = segment(text)
    pos = 0
    rebuilt = []
    for b in blocks:
        assert text[b.start:b.end] == b.text
        assert b.start >= pos and b.end > b.start
        assert b.text == b.text.strip(), "blocks carry no surrounding whitespace"
        sep = text[pos:b.start]
        assert sep.strip() == "", "only whitespace may fall between blocks"
        rebuilt += [sep, b.text]
        pos = b.end
    assert text[pos:].strip() == ""
    rebuilt.append(text[pos:])
    assert "".join(rebuilt) == text


@settings(max_examples=300, deadline=None)
@given(text_with_breaks)
def test_blocks_and_separators_rebuild_any_string(text):
    _check_lossless(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=60), max_size=30),
       st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\u2028", "\u2029"]))
def test_every_non_blank_line_lands_in_exactly_one_block(lines, sep):
    text = sep.join(lines)
    _check_lossless(text)
    covered = sum(b.end - b.start for b in segment(text))
    assert covered <= len(text)
    non_space = sum(1 for c in text if not c.isspace())
    assert sum(sum(1 for c in b.text if not c.isspace()) for b in segment(text)) == non_space


def test_paragraphs_split_on_blank_lines():
    text = "Title\n\nFirst paragraph.\n\n\nSecond paragraph."
    assert [b.text for b in segment(text)] == ["Title", "First paragraph.", "Second paragraph."]


def test_list_like_lines_inside_a_paragraph_are_their_own_blocks():
    text = "Football news:\n\nHazard made magic.\nSpotify Camp Nou is the arena.\n3:15 Headline one\n3:14 Two"
    assert [b.text for b in segment(text)][1:] == [
        "Hazard made magic.", "Spotify Camp Nou is the arena.", "3:15 Headline one", "3:14 Two"]


def test_hard_wrapped_prose_stays_one_block():
    para = ("This is a paragraph of prose that was wrapped at a fixed column by\n"
            "some mail client or text dump, so every line is about the same width\n"
            "and the sentence runs on from one line into the next one until the\n"
            "end of it.")
    blocks = segment("Title\n\n" + para)
    assert len(blocks) == 2 and blocks[1].text == para


def test_wet_shape_without_blank_lines_splits_lines():
    lines = ["Headline of the article", "A body paragraph that goes on. It has two sentences.",
             "Read more:", "3:15 A ticker line"]
    assert [b.text for b in segment("\n".join(lines))] == lines


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n", "\x00", "\u2029\u2029"])
def test_blank_input_has_no_blocks_or_only_nul(text):
    blocks = segment(text)
    assert all(b.text.strip() for b in blocks)
    _check_lossless(text)


def test_crlf_and_lone_cr_and_unicode_separators():
    text = "a\r\n\r\nb\rc\u2028d\u2029e\x85f"
    assert [b.text for b in segment(text)] == ["a", "b", "c", "d", "e", "f"]
    _check_lossless(text)


def test_long_single_line_is_cut_into_bounded_blocks_quickly():
    sentence = "Ein langer Satz ohne Zeilenumbruch, der sich immer wiederholt. "
    text = sentence * (10_000_000 // len(sentence))
    spans = block_spans(text)
    assert all(e - s <= MAX_BLOCK_CHARS for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text.rstrip())
    # cut points fall after sentence ends, nothing is lost
    assert all(text[e - 1] == "." for s, e in spans[:-1])
    gaps = "".join(text[e:s2] for (_, e), (s2, _) in zip(spans, spans[1:]))
    assert re.fullmatch(r"\s*", gaps)


def test_non_string_input_is_a_clear_error():
    with pytest.raises(InputError, match="must be a str"):
        segment(b"bytes")  # type: ignore[arg-type]


def test_ticker_lines_of_similar_width_are_not_wrapped_prose():
    lines = ["12h45 Grève des transports : le trafic reprend progressivement",
             "12h30 Météo : alerte orange aux orages dans le sud-ouest du pays",
             "12h02 Football : le club local se qualifie pour la grande finale"]
    assert [b.text for b in segment("\n".join(lines))] == lines
