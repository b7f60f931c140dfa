"""Occlusion explanations: which features pushed a block's decision, and by how much."""
from __future__ import annotations

import numpy as np
import pytest

from boilerplate.document import Block, Document
from boilerplate.errors import InputError, ModelError
from boilerplate.explain import explain_block


class LinearModel:
    """A softmax over two classes driven by known weights, so contributions can be checked by hand."""

    classes_ = ["body", "ad"]
    feature_names_ = ["n_words", "has_buy", "noise"]
    feature_medians_ = np.array([5.0, 0.0, 3.0])
    weights = np.array([0.4, -3.0, 0.0])

    def __init__(self):
        self.calls = 0

    def featurize(self, text, blocks):
        return np.array(
            [[len(b.text.split()), float("buy" in b.text.lower()), 7.0] for b in blocks], dtype=float
        )

    def predict_proba_features(self, X):
        self.calls += 1
        z = (X - self.feature_medians_) @ self.weights
        p = 1 / (1 + np.exp(-z))
        return np.c_[p, 1 - p]


def page(model=None):
    text = "One two three four five six seven eight nine ten\n\nBuy now"
    blocks = [Block(0, 49, text[:49], "body"), Block(51, 58, "Buy now", "ad")]
    return Document(text, blocks, meta={"model": model} if model else {})


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_contributions_are_the_drop_in_probability_at_the_median():
    model = LinearModel()
    ex = page(model).explain(1)
    assert ex.label == "ad"
    p_ad = 1 - sigmoid(0.4 * (2 - 5) - 3.0)
    assert ex.probability == pytest.approx(p_ad)
    by_name = {r.feature: r for r in ex.rows}
    assert by_name["has_buy"].value == 1.0 and by_name["has_buy"].reference == 0.0
    assert by_name["has_buy"].contribution == pytest.approx(p_ad - (1 - sigmoid(0.4 * (2 - 5))))
    assert by_name["n_words"].contribution == pytest.approx(p_ad - (1 - sigmoid(-3.0)))
    assert by_name["noise"].contribution == 0.0
    assert [r.feature for r in ex.rows] == ["has_buy", "n_words", "noise"]  # by |contribution|
    assert model.calls == 1  # all perturbations scored in one call


def test_top_k_label_and_negative_index():
    model = LinearModel()
    ex = page(model).explain(-2, top_k=1)
    assert ex.block == 0 and ex.label == "body" and len(ex.rows) == 1
    assert ex.rows[0].feature == "n_words" and ex.rows[0].contribution > 0
    other = explain_block(model, page().text, page().blocks, 0, label="ad", top_k=None)
    assert other.label == "ad" and len(other.rows) == 3
    assert other.rows[0].contribution == pytest.approx(-ex.rows[0].contribution)


def test_readable_string_and_tables():
    ex = page(LinearModel()).explain(1)
    s = str(ex)
    assert s.splitlines()[0].startswith("block 1 -> ad (p=")
    assert "has_buy" in s and "contribution" in s
    assert "<table" in ex._repr_html_()
    pd = pytest.importorskip("pandas")
    df = ex.to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert df.columns.tolist() == ["feature", "value", "reference", "contribution"]
    assert df["feature"].iloc[0] == "has_buy"


def test_bad_index_label_and_model_are_clear_errors():
    d = page(LinearModel())
    with pytest.raises(InputError, match="out of range"):
        d.explain(2)
    with pytest.raises(InputError, match="unknown label"):
        explain_block(LinearModel(), d.text, d.blocks, 0, label="nope")

    class NoMedians(LinearModel):
        feature_medians_ = None

    with pytest.raises(ModelError, match="feature_medians_"):
        explain_block(NoMedians(), d.text, d.blocks, 0)


class ContextModel(LinearModel):
    """Page-level scoring like BlockClassifier's: a block's score also reads its neighbours' rows."""

    def _proba_from_features(self, X, page_sizes):
        self.calls += 1
        z = (X - self.feature_medians_) @ self.weights
        out = np.empty(len(X))
        start = 0
        for size in page_sizes:  # the previous block's first feature, within the page
            zp = z[start:start + size].copy()
            prev = np.r_[0.0, X[start:start + size - 1, 0]]
            out[start:start + size] = zp + 0.3 * prev
            start += size
        p = 1 / (1 + np.exp(-out))
        return np.c_[p, 1 - p]


def test_page_level_models_score_whole_page_copies_in_one_call():
    model = ContextModel()
    text = "One two three\n\nBuy it now please\n\nfour five six seven"
    d = Document(text, [Block(0, 13, "One two three"), Block(15, 32, "Buy it now please"),
                        Block(34, 53, "four five six seven")], meta={"model": model})
    ex = d.explain(1, top_k=None)
    assert model.calls == 1
    X = model.featurize(text, d.blocks)
    base = model._proba_from_features(X, [3])[1]
    c = ["body", "ad"].index(ex.label)
    for r in ex.rows:  # the same as perturbing and re-scoring the page one feature at a time
        j = model.feature_names_.index(r.feature)
        Xj = X.copy()
        Xj[1, j] = model.feature_medians_[j]
        assert r.contribution == pytest.approx(base[c] - model._proba_from_features(Xj, [3])[1, c])
    assert ex.probability == pytest.approx(base[c])


def test_block_classifier_shortcut_matches_rescoring_the_whole_page(monkeypatch):
    from threadpoolctl import threadpool_limits

    from boilerplate import BlockClassifier, LabelledPage, classify
    from boilerplate import explain as explain_module

    pages = [LabelledPage.from_blocks(f"p{i}", [
        ("Menu | Home | Contact", "ad"), (f"Harvest starts early in valley {i}", "body"),
        (f"Farmers in valley {i} began picking grapes on Monday, two weeks earlier than last year.", "body"),
        (f"Vines in valley {i}. Photo: Kim Lee / AP", "caption"), ("10:4%d Ferry delayed by fog" % i, "ticker"),
        ("Subscribe to our newsletter", "ad")]) for i in range(8)]
    with threadpool_limits(1):  # OpenMP threads spin badly on a busy 2-core machine
        model = BlockClassifier(max_iter=15, min_samples_leaf=2, context=True, context_folds=2).fit(pages)
        doc = classify(pages[0].text, model=model)
        fast = doc.explain(3, top_k=None)
        X = model.featurize(doc.text, doc.blocks)
        base = model._proba_from_features(X, [len(X)])[3]
        c = list(model.classes_).index(fast.label)
        for r in fast.rows[:5]:  # the strongest ones, one page re-scored per feature
            j = model.feature_names_.index(r.feature)
            Xj = X.copy()
            Xj[3, j] = model.feature_medians_[j]
            assert r.contribution == pytest.approx(base[c] - model._proba_from_features(Xj, [len(X)])[3, c],
                                                   abs=1e-12)
        monkeypatch.setattr(explain_module, "_two_stage_proba", lambda *a: None)
        slow = doc.explain(3, top_k=None)  # every page copy scored by the model itself
    assert fast.probability == pytest.approx(base[c]) == pytest.approx(doc.blocks[3].scores[fast.label], abs=1e-6)
    assert {r.feature: r.contribution for r in fast.rows} == pytest.approx(
        {r.feature: r.contribution for r in slow.rows}, abs=1e-12)
