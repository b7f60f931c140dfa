"""The web-knowledge patterns: their speed-ups must not change what they match."""
import re

from boilerplate.patterns import _any_word


def test_any_word_matches_what_the_bare_alternation_matches():
    words = "jan|sept|märz|il y a|aujourd'hui|января|вчера"
    guarded = re.compile(_any_word(words) + r"\b", re.IGNORECASE)
    bare = re.compile(f"(?:{words})" + r"\b", re.IGNORECASE)
    samples = [v + tail for w in words.split("|") for v in (w, w.upper(), w.title(), w.replace("s", "ſ"))
               for tail in ("", " 5", "x")] + ["", "x jan", "Ян", "ſept", "ЯНВАРЯ 5"]
    for s in samples:
        g, b = guarded.match(s), bare.match(s)
        assert (g and g.span()) == (b and b.span()), s
