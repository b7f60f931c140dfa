"""Repetition across a site's pages: the measurement, the features, and grouping in classify_many."""
import numpy as np
import pytest

from boilerplate import BlockClassifier, InputError, classify_many, segment
from boilerplate.features import feature_names, featurize
from boilerplate.pages import LabelledPage
from boilerplate.sites import repetition, site_key

MENU = "Home | World | Sport | Weather"
FOOTER = "© 2024 The Daily Example. All rights reserved."


def _page(story: str) -> str:
    return f"{MENU}\n\n{story}\n\n{FOOTER}"


def _spans(text):
    return [(b.start, b.end) for b in segment(text)]


def test_shared_blocks_get_the_share_of_other_pages_that_hold_them():
    texts = [_page("Rain fell on the town for a week."), _page("The mayor opened a new bridge."),
             _page("Snow closed the pass.").replace(FOOTER, "Another footer, 12 years old.")]
    reps = repetition([(t, _spans(t)) for t in texts], ["example.org"] * 3)
    assert reps[0][:, 0].tolist() == [1.0, 0.0, 0.5]      # menu on both others, footer on one
    assert reps[2][:, 0].tolist() == [1.0, 0.0, 0.0]
    assert np.allclose(reps[0][:, 1], np.log1p(2))


def test_pages_alone_or_without_key_get_zeros_and_twins_are_one_page():
    texts = [_page("Rain fell on the town."), _page("Rain fell on the town."), _page("A bridge opened.")]
    pairs = [(t, _spans(t)) for t in texts]
    alone = repetition(pairs, [None, "a.org", "b.org"])
    assert all(not r.any() for r in alone)
    twins = repetition(pairs[:2], ["a.org", "a.org"], identities=["p1", "p1"])
    assert all(not r.any() for r in twins)  # two renderings of one page are not siblings


def test_comparison_folds_case_digits_and_spaces():
    texts = ["Updated 12:45\n\nStory one is here.", "updated  3:07\n\nStory two is there."]
    reps = repetition([(t, _spans(t)) for t in texts], ["x", "x"])
    assert reps[0][:, 0].tolist() == [1.0, 0.0]


def test_site_key_is_the_host_without_www():
    assert site_key("https://www.example.org/a/b?c=1") == "example.org"
    assert site_key("http://news.example.org:8080/") == "news.example.org"
    assert site_key("") is None and site_key(None) is None


def test_features_carry_the_repetition_or_zeros():
    text = _page("Rain fell on the town for a week.")
    spans = _spans(text)
    names = feature_names()
    col = names.index("site_repeat_share")
    assert not featurize(text, spans)[:, col].any()
    site = np.array([[1.0, 0.7], [0.0, 0.7], [1.0, 0.7]])
    X = featurize(text, spans, site)
    assert X[:, col].tolist() == [1.0, 0.0, 1.0]
    assert X[:, names.index("site_other_pages")].tolist() == pytest.approx([0.7] * 3)
    with pytest.raises(ValueError):
        featurize(text, spans, site[:2])


def _site_pages(n=24):
    """Pages where only repetition tells the classes apart (to models without the lexical stage, which
    would learn the site words): a site's recurring sentence is 'ad',
    each page's own sentence (same length and shape) is 'body', in either order."""
    words = ["amber", "birch", "cedar", "delta", "eagle", "fable", "grape", "hazel", "igloo", "joker",
             "koala", "lemon", "mango", "noble", "olive", "piano", "quilt", "raven", "salad", "tiger",
             "ultra", "vivid", "whale", "xenon", "yacht", "zebra", "acorn", "bison"]
    pages = []
    for i in range(n):
        site = i % 4
        shared = (f"The {words[site]} sentence appears here, word for word, as a sentence should.", "ad")
        own = (f"The {words[4 + i]} sentence appears here, word for word, as a sentence should.", "body")
        blocks = [shared, own] if i % 2 else [own, shared]
        pages.append(LabelledPage.from_blocks(f"p{i}", blocks, url=f"https://site{site}.example/{i}"))
    return pages


def test_training_uses_sites_and_grouping_changes_labels():
    pages = _site_pages()
    model = BlockClassifier(max_iter=20, min_samples_leaf=2, context=False, calibrate=False, lexical=False).fit(pages)
    texts, urls = [p.text for p in pages], [p.url for p in pages]
    gold = [s.label for p in pages for s in p.spans]
    grouped = [b.label for d in classify_many(texts, model=model, urls=urls, groups="site") for b in d.blocks]
    alone = [b.label for d in classify_many(texts, model=model) for b in d.blocks]
    assert grouped == gold
    assert alone != gold  # one page alone cannot tell its two sentences apart
    keys = [f"site{i % 4}" for i in range(len(pages))]
    by_key = [b.label for d in classify_many(texts, model=model, groups=keys) for b in d.blocks]
    assert by_key == gold  # explicit keys work like URLs; sorted or not, within one batch


def test_sites_false_trains_without_repetition():
    pages = _site_pages()
    model = BlockClassifier(max_iter=20, min_samples_leaf=2, context=False, calibrate=False, sites=False, lexical=False).fit(pages)
    texts, urls = [p.text for p in pages], [p.url for p in pages]
    grouped = [b.label for d in classify_many(texts, model=model, urls=urls, groups="site") for b in d.blocks]
    assert grouped != [s.label for p in pages for s in p.spans]


def test_groups_are_kept_together_across_batches_and_order_is_kept():
    texts = [_page(f"Story {i} is told in one full sentence here.") for i in range(7)]
    keys = ["a", "a", "a", "b", "b", None, None]
    docs = list(classify_many(texts, batch_size=2, groups=keys, ids=[str(i) for i in range(7)]))
    assert [d.id for d in docs] == [str(i) for i in range(7)]
    together = list(classify_many(texts, batch_size=64, groups=keys))
    assert [[b.scores for b in d.blocks] for d in docs] == [[b.scores for b in d.blocks] for d in together]


def test_bad_groups_are_clear_errors():
    with pytest.raises(InputError, match="urls"):
        list(classify_many(["a page"], groups="site"))
    with pytest.raises(InputError, match="groups"):
        list(classify_many(["a page"], groups="host"))
