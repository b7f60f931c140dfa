"""The labelled pages in data/: they parse, cover the languages, classes and shapes the model needs,
and the generated file is exactly what data/generate.py writes."""
from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from boilerplate.document import LABELS
from boilerplate.pages import LabelledPage, read_pages

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GENERATED = DATA / "generated.jsonl"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="module")
def pages() -> list[LabelledPage]:
    return read_pages(DATA)


@pytest.fixture(scope="module")
def hand() -> list[LabelledPage]:
    return read_pages(DATA / "hand")


def lines_of(page: LabelledPage, label: str | None = None) -> list[str]:
    return [page.text[s.start:s.end] for s in page.spans if label is None or s.label == label]


def is_wet(page: LabelledPage) -> bool:
    text = page.text.replace("\r\n", "\n")
    return "\n\n" not in text.strip() and text.count("\n") >= 10


def script_of(text: str) -> str:
    """The Unicode script family of the first letter: LATIN, CYRILLIC, CJK, ARABIC, GREEK, HANGUL..."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA")) else name.split(" ")[0]
    return "NONE"


def test_every_file_in_data_parses(pages):
    files = sorted(p for p in DATA.rglob("*") if p.name.endswith((".txt", ".jsonl")))
    assert files, "no data files"
    for path in files:
        assert read_pages(path), path
    assert len({p.id for p in pages}) == len(pages), "page ids must be unique"


def test_enough_pages_languages_and_scripts(pages):
    assert len(pages) >= 80
    langs = {p.lang for p in pages}
    assert None not in langs
    assert len(langs) >= 14
    scripts = {script_of(" ".join(lines_of(p, "body"))) for p in pages}
    assert len(scripts - {"LATIN"}) >= 3, scripts


def test_hand_written_pages(hand):
    assert len(hand) >= 20
    assert len({p.lang for p in hand}) >= 10
    assert all(p.source == "hand" for p in hand)
    assert any(is_wet(p) for p in hand) and any(not is_wet(p) for p in hand)
    for page in hand:  # each is a complete page: an article and what surrounds it
        labels = [s.label for s in page.spans]
        assert labels.count("body") >= 6, page.id
        assert set(labels) == set(LABELS), page.id


def test_every_class_overall_and_in_many_languages(pages):
    langs_with: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for s in page.spans:
            langs_with[s.label].add(page.lang)
    assert set(langs_with) == set(LABELS)
    for label in LABELS:
        assert len(langs_with[label]) >= 8, (label, sorted(langs_with[label]))


def test_both_shapes_crlf_and_stray_whitespace(pages):
    generated = [p for p in pages if p.source == "generated"]
    assert len(generated) >= 150
    assert sum(is_wet(p) for p in generated) >= 30
    assert sum("\n\n" in p.text for p in generated) >= 30
    assert any("\r\n" in p.text for p in generated)
    assert any(" \n" in p.text or "\t\n" in p.text or "\n \n" in p.text for p in generated)


def test_spans_are_whole_trimmed_lines(pages):
    for page in pages:
        for text in lines_of(page):
            assert text and "\n" not in text and "\r" not in text, (page.id, text)
            assert text == text.strip(), (page.id, text)


def test_hard_negatives_and_variety_are_present(pages):
    body = [t for p in pages for t in lines_of(p, "body")]
    captions = [t for p in pages for t in lines_of(p, "caption")]
    embeds = [t for p in pages for t in lines_of(p, "embed")]
    ticker = [t for p in pages for t in lines_of(p, "ticker")]
    assert any("Twitter" in t for t in body)
    assert any(t[:4].isdigit() and t[4] == " " for t in body)          # "2014 gründete …"
    assert sum(len(t) < 40 for t in body) >= 50                         # subheadings, "Aber von vorn:"
    assert any(t.startswith(("«", "\u201c", '"', "„", "「", "“")) for t in body)
    assert any(len(t.split()) >= 15 for t in captions)
    assert any(t.endswith(".") is False and "Bild:" not in t for t in captions)
    assert any(".Bild:" in t or ".Foto:" in t or ".Photo:" in t or ".Фото:" in t for t in captions)
    for marker in ("pic.twitter.com/", "Instagram", "YouTube", "♬", "t.me/", "bsky.social", "Posted by"):
        assert any(marker in t for t in embeds), marker
    assert sum(t[-1].isalnum() for t in ticker) > len(ticker) / 2     # headlines without punctuation
    assert len(set(body)) >= 400 and len(set(ticker)) >= 300


def test_generator_is_deterministic(tmp_path):
    out = tmp_path / "generated.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, str(DATA / "generate.py"), str(out)], check=True, env=env,
                   capture_output=True, timeout=120)
    assert out.read_bytes() == GENERATED.read_bytes(), "run `python data/generate.py` and commit the result"


def test_data_is_small():
    size = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert size < 5_000_000


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="shared/ not beside the checkout")
def test_nothing_copied_from_shared(pages):
    """Original text only: no line of the seed page or of the real pages appears in data/."""
    ours = {t for p in pages for t in lines_of(p) if len(t) >= 40}
    seed = (SHARED / "seed" / "watson-kasachstan.txt").read_text(encoding="utf-8").splitlines()
    assert not ours & {line.strip() for line in seed}
    real = SHARED / "real" / "pages.jsonl"
    if real.exists():
        theirs = {t for p in read_pages(real) for t in lines_of(p) if len(t) >= 40}
        assert not ours & theirs


def test_readme_table_is_current():
    """data/README.md shows the output of `python data/stats.py`; regenerate it when the data changes."""
    out = subprocess.run([sys.executable, str(DATA / "stats.py")], check=True, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    assert out in (DATA / "README.md").read_text(encoding="utf-8"), "paste `python data/stats.py` into data/README.md"
