"""`boilerplate label`: pre-labelled hand form, corrected by a person, read back, retrained on."""
from __future__ import annotations

import random

import pytest
from threadpoolctl import threadpool_limits

from boilerplate import BlockClassifier, LabelledPage, classify, read_pages
from boilerplate.cli import main
from boilerplate.commands.label import hand_form
from boilerplate.document import Block, Document
from boilerplate.pages import parse_hand_form

# Small original pages, written for these tests.
TOPICS = ["river", "harbour", "library", "orchard", "bridge", "market", "glacier", "theatre"]
SENTENCES = [
    "The {t} has changed a great deal over the past ten years, residents say.",
    "Local officials met on Tuesday to discuss what the {t} should look like next spring.",
    "Many of the people we spoke to remember the {t} from their childhood, and want it kept.",
    "A report published last month found that the {t} attracts more visitors than ever before.",
    "Critics argue that the plans for the {t} were drawn up without asking the neighbourhood.",
]
CAPTIONS = ["The {t} at dawn. Photo: Ana Ruiz / Reuters", "Visitors near the {t}. Image: AP",
            "A view of the {t} from the hill. Photo: Getty Images"]
ADS = ["Home | News | Sport | Weather", "Subscribe to our newsletter", "Advertisement",
       "Share on Facebook", "Most read", "Cookie settings", "© 2023 Example Media. All rights reserved."]
TICKER = ["09:1{n} Storm warning issued for the coast", "08:5{n} Trains delayed after signal fault",
          "08:2{n} Mayor opens new cycle path", "07:4{n} Markets open higher"]


def make_page(i: int, rng: random.Random) -> LabelledPage:
    t = TOPICS[i % len(TOPICS)]
    blocks = [(a, "ad") for a in rng.sample(ADS[:3], 2)]
    blocks.append((f"What next for the {t}?", "body"))
    for s in rng.sample(SENTENCES, 3):
        blocks.append((s.format(t=t) + " " + rng.choice(SENTENCES).format(t=t), "body"))
    blocks.insert(4, (rng.choice(CAPTIONS).format(t=t), "caption"))
    blocks += [(a, "ad") for a in rng.sample(ADS[3:], 2)]
    blocks += [(x.format(n=i % 10), "ticker") for x in TICKER]
    return LabelledPage.from_blocks(f"train-{i}", blocks, sep="\n" if i % 2 else "\n\n", lang="en")


PAGE = """Home | News | Sport | Weather

What next for the lighthouse?

The lighthouse has stood on the point for two hundred years, and the town wants it to stay.

Members of the council will vote on the repairs in May, after a public meeting in April.

The old lighthouse in the evening. Photo: Ana Ruiz / Reuters

Sponsored: Try our new savings account with two percent interest today.

Many of the people we spoke to remember climbing its stairs as children.

Share on Facebook
09:12 Storm warning issued for the coast
08:51 Trains delayed after signal fault
"""
SPONSORED = "Sponsored: Try our new savings account with two percent interest today."


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    rng = random.Random(7)
    pages = [make_page(i, rng) for i in range(16)]
    with threadpool_limits(1):  # OpenMP threads spin badly on a busy 2-core machine
        model = BlockClassifier(max_iter=40, min_samples_leaf=5, context=False).fit(pages)
    path = tmp_path_factory.mktemp("model") / "m.joblib"
    model.save(path)
    return pages, model, path


def test_label_writes_the_hand_form_prefilled_by_the_model(trained, tmp_path, capsys):
    _, model, model_path = trained
    (tmp_path / "lighthouse.txt").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["label", str(tmp_path / "lighthouse.txt"), "-o", str(out), "--model", str(model_path)]) == 0
    form = out.read_text(encoding="utf-8")
    assert "# page: lighthouse" in form
    [page] = read_pages(out)  # what `boilerplate train` reads
    assert page.id == "lighthouse" and page.text == PAGE.rstrip("\n")
    doc = classify(PAGE, model=model)
    # every line carries the model's label for the block it belongs to
    by_text = {b.text: b.label for b in doc.blocks}
    for span in page.spans:
        assert span.label == by_text[page.text[span.start:span.end]]
    # stdout when no -o is given
    assert main(["label", str(tmp_path / "lighthouse.txt"), "--model", str(model_path)]) == 0
    assert capsys.readouterr().out == form


def test_correcting_a_line_and_retraining_fixes_that_page(trained, tmp_path):
    pages, model, model_path = trained
    src = tmp_path / "lighthouse.txt"
    src.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "lighthouse.labels.txt"
    main(["label", str(src), "-o", str(out), "--model", str(model_path)])
    before = {b.text: b.label for b in classify(PAGE, model=model).blocks}
    assert before[SPONSORED] != "ad"  # reads like a body paragraph to a model trained on these pages

    # The person corrects one line: the sponsored paragraph is an ad.
    lines = out.read_text(encoding="utf-8").splitlines()
    k = next(i for i, line in enumerate(lines) if line.endswith(SPONSORED))
    lines[k] = "ad      | " + SPONSORED
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")

    [corrected] = read_pages(out)
    with threadpool_limits(1):
        retrained = BlockClassifier(max_iter=40, min_samples_leaf=5, context=False).fit(pages + [corrected] * 8)
    after = {b.text: b.label for b in classify(PAGE, model=retrained).blocks}
    assert after[SPONSORED] == "ad"
    gold = {corrected.text[s.start:s.end]: s.label for s in corrected.spans}
    assert after == gold  # and the rest of the page keeps the labels the person accepted


def test_unsure_lines_get_a_check_comment_that_is_not_part_of_the_page():
    doc = Document("Title\nPhoto: X\nMenu", [
        Block(0, 5, "Title", "body", {"body": 0.95, "ad": 0.05}),
        Block(6, 14, "Photo: X", "caption", {"caption": 0.45, "body": 0.40, "ad": 0.15}),
        Block(15, 19, "Menu", "ad", {"ad": 0.7, "body": 0.3})])
    form = hand_form(doc, "p")
    assert form.splitlines() == [
        "# page: p", "body    | Title", "# check: caption 0.45, body 0.40", "caption | Photo: X", "ad      | Menu"]
    [page] = parse_hand_form(form)
    assert page.text == doc.text
    assert [s.label for s in page.spans] == ["body", "caption", "ad"]
    assert "# check" not in hand_form(doc, "p", check_below=0)


def test_bad_arguments_are_one_line_errors(trained, tmp_path, capsys):
    _, _, model_path = trained
    assert main(["label", str(tmp_path / "missing.txt"), "--model", str(model_path)]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert main(["label", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.jsonl"),
                 "--model", str(model_path)]) == 2
    assert "must end in .txt" in capsys.readouterr().err
