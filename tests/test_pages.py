"""Labelled pages: both JSONL shapes, the hand-editable form, line labels, and their errors."""
from __future__ import annotations

import gzip
import json

import pytest

from boilerplate import DataError, InputError, LabelledPage, read_pages, write_pages
from boilerplate.pages import Span, format_hand_form, parse_hand_form


def test_blocks_shape_both_gives_paragraph_and_wet_pages(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"id": "a", "lang": "de", "blocks": [
        {"text": "Titel", "label": "body"}, {"text": "Foto: AFP", "label": "caption"}]}) + "\n")
    para, wet = read_pages(path, shape="both")
    assert para.text == "Titel\n\nFoto: AFP" and wet.text == "Titel\nFoto: AFP"
    assert wet.id == "a#wet" and wet.lang == "de"
    assert [wet.text[s.start:s.end] for s in wet.spans] == ["Titel", "Foto: AFP"]


def test_spans_shape_round_trips_through_write_pages(tmp_path):
    page = LabelledPage("x", "Hello\r\n\r\nWorld", [Span(0, 5, "body"), Span(9, 14, "ad")], lang="en", url="u")
    out = tmp_path / "out.jsonl"
    assert write_pages([page], out) == 1
    (back,) = read_pages(out)
    assert (back.id, back.text, back.spans, back.lang, back.url) == ("x", page.text, page.spans, "en", "u")
    assert not list(tmp_path.glob("*.tmp"))


def test_gzip_and_directories_are_read(tmp_path):
    (tmp_path / "sub").mkdir()
    rec = json.dumps({"id": "g", "blocks": [{"text": "x", "label": "ad"}]}) + "\n"
    (tmp_path / "sub" / "p.jsonl.gz").write_bytes(gzip.compress(rec.encode()))
    (tmp_path / "notes.md").write_text("ignored")
    assert [p.id for p in read_pages(tmp_path)] == ["g"]


@pytest.mark.parametrize("record, message", [
    ('{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "body"}]}', "outside the text"),
    ('{"id": "a", "text": "abc", "spans": [{"start": 2, "end": 3, "label": "body"}, '
     '{"start": 0, "end": 1, "label": "ad"}]}', "out of order"),
    ('{"id": "a", "blocks": [{"text": "x", "label": "boilerplate"}]}', "unknown label"),
    ('{"id": "a", "blocks": [{"label": "body"}]}', "malformed page"),
    ('[1, 2]', "expected a JSON object"),
    ('{"id": "a"}', "needs 'text' and 'spans', or 'blocks'"),
])
def test_bad_records_name_file_and_line(tmp_path, record, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "blocks": [{"text": "x", "label": "ad"}]}\n' + record + "\n")
    with pytest.raises(DataError, match=message) as exc:
        read_pages(path)
    assert "bad.jsonl:2" in str(exc.value)


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_pages(tmp_path / "absent.jsonl")


def test_hand_form_parses_and_formats_back():
    source = ("# comment before any page\n# page: p1\n# lang: fr\nbody    | Titre\n\n"
              "caption | Photo: AFP\nad      | Publicité\n\n\n# page: p2\nticker | 12h30 Info\n")
    p1, p2 = parse_hand_form(source)
    assert p1.text == "Titre\n\nPhoto: AFP\nPublicité" and p1.lang == "fr"
    assert [s.label for s in p1.spans] == ["body", "caption", "ad"]
    assert p2.text == "12h30 Info"
    again = parse_hand_form(format_hand_form([p1, p2]))
    assert [(p.text, p.spans) for p in again] == [(p1.text, p1.spans), (p2.text, p2.spans)]


@pytest.mark.parametrize("source, message", [
    ("body | text before a page\n", "before the first '# page: ID'"),
    ("# page: a\nnonsense | x\n", "expected 'LABEL | text'"),
    ("# page: a\njust text\n", "expected 'LABEL | text'"),
])
def test_hand_form_errors_name_the_line(source, message):
    with pytest.raises(DataError, match=message) as exc:
        parse_hand_form(source, "f.txt")
    assert "f.txt:" in str(exc.value)


def test_line_labels_beside_their_page(tmp_path):
    (tmp_path / "page.txt").write_text("Title\n\n3:15 News\n3:14 More\n", encoding="utf-8")
    rows = [{"line": 1, "label": "body", "text": "Title"}, {"line": 3, "label": "ticker", "text": "3:15 News"},
            {"line": 4, "label": "ticker", "text": "3:14 More"}]
    (tmp_path / "page.labels.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (page,) = read_pages(tmp_path)  # page.txt is read through its labels, not as a hand-form file
    assert [page.text[s.start:s.end] for s in page.spans] == ["Title", "3:15 News", "3:14 More"]
    para, wet = read_pages(tmp_path / "page.labels.jsonl", shape="both")
    assert wet.text == "Title\n3:15 News\n3:14 More" and wet.id == "page#wet"
    bad = [{"line": 3, "label": "ticker", "text": "something else"}]
    (tmp_path / "page.labels.jsonl").write_text(json.dumps(bad[0]), encoding="utf-8")
    with pytest.raises(DataError, match="does not match"):
        read_pages(tmp_path / "page.labels.jsonl")
