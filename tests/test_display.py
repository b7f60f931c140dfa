"""The HTML view of a Document: text kept exactly, escaped, coloured by label, scores on hover."""
from __future__ import annotations

from html.parser import HTMLParser

from boilerplate.display import LABEL_COLOURS, document_html, save_html
from boilerplate.document import LABELS, Block, Document


def make_doc() -> Document:
    text = 'Markets & <b>"bold"</b> news\n\n  Photo: Jane Roe / AFP\r\nSubscribe now!\n\n\n09:14 Rates rise\n'
    pieces = [
        ('Markets & <b>"bold"</b> news', "body", 0.91),
        ("Photo: Jane Roe / AFP", "caption", 0.77),
        ("Subscribe now!", "ad", 0.64),
        ("09:14 Rates rise", "ticker", 0.88),
    ]
    blocks, pos = [], 0
    for piece, label, p in pieces:
        start = text.index(piece, pos)
        rest = (1 - p) / (len(LABELS) - 1)
        scores = {lab: (p if lab == label else rest) for lab in LABELS}
        blocks.append(Block(start, start + len(piece), piece, label, scores))
        pos = start + len(piece)
    return Document(text, blocks, id="page-1", url="https://example.org/a?b=1&c=2")


class TextOf(HTMLParser):
    """Collects what the reader sees in the text pane (minus the badges), and each block's title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.titles: list[str] = []
        self.tags: list[str] = []
        self.legend: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(a.get("class") or "")
        if a.get("class") == "bp-block":
            self.titles.append(a["title"])

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        if "bp-legend" in self.stack:
            self.legend.append(data)
        if "bp-text" not in self.stack:
            return
        (self.tags if self.stack[-1] == "bp-tag" else self.text).append(data)


def parse(html: str) -> TextOf:
    p = TextOf()
    p.feed(html)
    p.close()
    return p


def test_text_pane_rebuilds_the_input_exactly_with_separators():
    doc = make_doc()
    seen = parse(doc._repr_html_())
    assert "".join(seen.text) == doc.text
    assert seen.stack == []  # every tag closed


def test_markup_in_the_text_is_escaped():
    html = document_html(make_doc())
    assert "<b>" not in html.replace("<b style", "").replace("<b>page-1</b>", "")
    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;" in html
    assert "Markets &amp; " in html
    assert "b=1&amp;c=2" in html


def test_each_block_has_its_label_colour_badge_and_all_scores_on_hover():
    doc = make_doc()
    html = document_html(doc)
    seen = parse(html)
    assert seen.tags == ["body 0.91", "caption 0.77", "ad 0.64", "ticker 0.88"]
    assert len(seen.titles) == 4
    assert seen.titles[1].startswith("block 1 · chars")
    for label in LABELS:  # the title lists every class score, best first
        assert f"{label} " in seen.titles[1]
    assert seen.titles[1].splitlines()[1].startswith("caption 0.77")
    for label in ("body", "caption", "ad", "ticker"):
        assert LABEL_COLOURS[label][0] in html


def test_legend_lists_every_label_with_its_count():
    legend = "".join(parse(document_html(make_doc())).legend)
    for label, n in [("body", 1), ("caption", 1), ("embed", 0), ("ad", 1), ("ticker", 1)]:
        assert f"{label} {n}" in legend


def test_unlabelled_blocks_render_without_scores():
    doc = Document("a\nb", [Block(0, 1, "a"), Block(2, 3, "b")])
    seen = parse(document_html(doc))
    assert seen.tags == ["?", "?"]
    assert "".join(seen.text) == "a\nb"
    assert "unlabelled 2" in "".join(seen.legend)


def test_long_documents_are_capped_unless_asked():
    text = "\n".join(f"line {i}" for i in range(50))
    blocks, pos = [], 0
    for line in text.split("\n"):
        blocks.append(Block(pos, pos + len(line), line, "ticker"))
        pos += len(line) + 1
    doc = Document(text, blocks)
    assert document_html(doc, max_blocks=10).count('class="bp-block"') == 10
    assert "40 more blocks not shown" in document_html(doc, max_blocks=10)
    assert document_html(doc, max_blocks=None).count('class="bp-block"') == 50


def test_plain_repr_stays_short():
    r = repr(make_doc())
    assert r.startswith("<Document id='page-1'") and len(r) < 120


def test_save_html_writes_a_standalone_page(tmp_path):
    path = save_html(make_doc(), tmp_path / "doc.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<title>page-1</title>" in page
    assert "http" not in page.replace("https://example.org/a?b=1&amp;c=2", "")  # no external resources
