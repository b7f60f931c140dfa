"""The evaluation report: figures computed right, one self-contained HTML file, renders in Chromium."""
from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from boilerplate.document import LABELS
from boilerplate.report import build_report, evaluation_tables, write_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def onehot(labels, p=0.9):
    out = np.full((len(labels), len(LABELS)), (1 - p) / (len(LABELS) - 1))
    out[np.arange(len(labels)), [LABELS.index(x) for x in labels]] = p
    return out


def small_eval():
    gold = ["body", "body", "body", "ad", "ad", "caption", "ticker", "body"]
    pred = ["body", "body", "ad", "ad", "body", "caption", "ticker", "body"]
    pages = ["p1", "p1", "p1", "p1", "p2", "p2", "p3", "p3"]
    langs = ["en", "en", "en", "en", "de", "de", None, None]
    texts = [f"block <{i}> & co" for i in range(len(gold))]
    return gold, onehot(pred), pages, langs, texts


def test_scores_match_hand_counts():
    gold, proba, pages, langs, _ = small_eval()
    ev = evaluation_tables(gold, proba, pages, langs)
    assert ev.n_blocks == 8 and ev.n_pages == 3
    assert ev.accuracy == pytest.approx(6 / 8)
    assert ev.per_class["body"] == pytest.approx(
        {"precision": 3 / 4, "recall": 3 / 4, "f1": 0.75, "support": 4, "predicted": 4})
    assert ev.per_class["ad"]["precision"] == 0.5 and ev.per_class["ad"]["recall"] == 0.5
    assert ev.per_class["embed"]["support"] == 0
    # macro F1 over the classes present in gold: body .75, caption 1, ad .5, ticker 1
    assert ev.macro_f1 == pytest.approx((0.75 + 1 + 0.5 + 1) / 4)
    assert ev.confusion[LABELS.index("body"), LABELS.index("ad")] == 1
    assert ev.confusion[LABELS.index("ad"), LABELS.index("body")] == 1
    assert ev.confusion.sum() == 8
    langs_seen = {row["name"]: row for row in ev.per_language}
    assert set(langs_seen) == {"en", "de", "unknown"}
    assert langs_seen["en"]["accuracy"] == pytest.approx(3 / 4) and langs_seen["en"]["pages"] == 1
    assert langs_seen["unknown"]["accuracy"] == 1.0


def test_calibration_error_is_zero_when_confidence_equals_accuracy():
    gold = ["body"] * 10
    proba = onehot(["body"] * 8 + ["ad"] * 2, p=0.8)  # 80% confident, 80% right, one bin
    ev = evaluation_tables(gold, proba, ["p"] * 10, ["en"] * 10)
    assert ev.ece == pytest.approx(0.0, abs=1e-9)
    ev = evaluation_tables(gold, onehot(["body"] * 10, p=0.6), ["p"] * 10, ["en"] * 10)
    assert ev.ece == pytest.approx(0.4)


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.srcs, self.hrefs, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "src" in a:
            self.srcs.append(a["src"])
        if "href" in a:
            self.hrefs.append(a["href"])

    def handle_data(self, data):
        self.text.append(data)


def test_report_is_one_self_contained_file_with_every_section(tmp_path):
    pytest.importorskip("matplotlib")
    gold, proba, pages, langs, texts = small_eval()
    path = write_report(tmp_path / "r.html", gold, proba, pages, langs, texts, notes={"model": "m.joblib"})
    page = path.read_text(encoding="utf-8")
    seen = Collect()
    seen.feed(page)
    text = " ".join(seen.text)
    for heading in ("Per class", "Confusion matrix", "Calibration", "Per language", "Worst errors"):
        assert heading in text
    assert "m.joblib" in text
    assert seen.srcs and all(s.startswith("data:image/png;base64,") for s in seen.srcs)
    assert not seen.hrefs and "<script" not in page and "<link" not in page
    assert "block &lt;2&gt; &amp; co" in page  # texts escaped
    # the worst errors are the two wrong blocks, with gold and predicted labels
    rows = re.findall(r"<tr><td class='l'>(p\d)</td><td class='l'>\w*</td><td class='l'>(\w+)</td>"
                      r"<td class='l'><b>(\w+)</b>", page)
    assert sorted(rows) == [("p1", "body", "ad"), ("p2", "ad", "body")]


def test_worst_errors_are_the_confident_ones_and_capped():
    gold = ["body"] * 5
    proba = np.array([[0.1, 0, 0, 0.9, 0], [0.4, 0, 0, 0.6, 0], [0.9, 0, 0, 0.1, 0],
                      [0.2, 0, 0, 0.8, 0], [0.3, 0, 0, 0.7, 0]])
    page = build_report(gold, proba, list("abcde"), ["en"] * 5, list("ABCDE"), worst=2)
    worst = re.findall(r"<td class='snip'>(\w)</td>", page)
    assert worst == ["A", "D"]
    assert "4 wrong blocks in all" in page


def test_report_without_matplotlib_still_renders(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_mpl(name, *a, **kw):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_mpl)
    gold, proba, pages, langs, texts = small_eval()
    page = build_report(gold, proba, pages, langs, texts)
    assert "pip install boilerplate[report]" in page and "Confusion matrix" in page


def test_report_renders_in_headless_chromium(tmp_path):
    """Real browser check (skipped where chromium is not installed, e.g. CI)."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("PIL")
    sys.path.insert(0, str(EXAMPLES))
    try:
        import render_check
    finally:
        sys.path.remove(str(EXAMPLES))
    if render_check.find_chromium() is None:
        pytest.skip("chromium is not installed")
    html = render_check.demo_report(tmp_path / "report.html")
    png = render_check.screenshot(html, tmp_path / "report.png", height=1600)
    found = render_check.check_png(png, render_check.REPORT_COLOURS)
    assert found["calibration bars"] > 500


def test_ece_agrees_with_the_evaluate_module():
    from boilerplate.evaluate import expected_calibration_error

    rng = np.random.default_rng(1)
    gold = rng.choice(LABELS, 400)
    proba = rng.dirichlet(np.ones(len(LABELS)), 400)
    ev = evaluation_tables(gold, proba, ["p"] * 400, ["en"] * 400)
    assert ev.ece == pytest.approx(expected_calibration_error(proba, np.asarray(gold, dtype=object)))


def tiny_pages():
    from boilerplate.pages import LabelledPage

    towns = ["Ashford", "Brampton", "Colwick", "Dunmore", "Elsworth", "Farleigh"]
    pages = []
    for i, town in enumerate(towns):
        blocks = [("Home | News | Sport", "ad"), (f"New school opens in {town}", "body"),
                  (f"Pupils in {town} started lessons on Monday in a building that took three years to finish.",
                   "body"),
                  (f"The head teacher said the {town} school would welcome four hundred children by autumn.",
                   "body"),
                  (f"The new school in {town}. Photo: Lee Park / AFP", "caption"),
                  ("Subscribe to our newsletter", "ad"), (f"10:0{i} Bus routes changed in {town}", "ticker")]
        pages.append(LabelledPage.from_blocks(f"town-{i}", blocks, lang="en" if i % 3 else "de",
                                              source="tiny"))
    return pages


def test_report_command_cross_validates_or_scores_a_model(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from threadpoolctl import threadpool_limits

    from boilerplate import BlockClassifier, write_pages
    from boilerplate.cli import main

    data = tmp_path / "tiny.jsonl"
    write_pages(tiny_pages(), data)
    out = tmp_path / "cv.html"
    with threadpool_limits(1):
        assert main(["report", str(data), "-o", str(out), "--folds", "2"]) == 0
        page = out.read_text(encoding="utf-8")
        assert "2-fold cross-validation" in page and "data:image/png;base64," in page
        assert re.search(r"<div class='card'>blocks<b>42</b>", page)  # 6 pages x 7 blocks, all scored

        model_path = tmp_path / "m.joblib"
        BlockClassifier(max_iter=30, min_samples_leaf=3, context=False).fit(tiny_pages()).save(model_path)
        assert main(["report", str(data), "-o", str(tmp_path / "m.html"), "--model", str(model_path)]) == 0
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert str(model_path) in page and "Per language" in page
    assert main(["report", str(data), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "must end in .html" in capsys.readouterr().err
