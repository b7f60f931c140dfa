"""BlockClassifier: the scikit-learn estimator contract, persistence and refusal of bad model files."""
from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, cross_val_score

from boilerplate import LABELS, BlockClassifier, DataError, InputError, ModelError, load_model, segment
from boilerplate.features import FEATURE_VERSION
from boilerplate.model import card_path_for, gold_labels
from boilerplate.pages import LabelledPage


def test_get_set_params_and_clone():
    m = BlockClassifier(max_iter=7, context=False)
    assert m.get_params()["max_iter"] == 7
    m.set_params(max_iter=9)
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "classes_")


def test_fit_returns_self_and_learns_state(fixture_pages):
    m = BlockClassifier(max_iter=5, min_samples_leaf=2, context=False)
    assert m.fit(fixture_pages) is m
    assert list(m.classes_) == list(LABELS)
    assert m.n_features_in_ == len(m.feature_names_)
    assert m.training_summary_["pages"] == len(fixture_pages)


def test_predict_proba_rows_are_blocks_and_sum_to_one(tiny_model, fixture_pages):
    proba = tiny_model.predict_proba(fixture_pages)
    n_blocks = sum(len(segment(p.text)) for p in fixture_pages)
    assert proba.shape == (n_blocks, len(LABELS))
    assert np.allclose(proba.sum(axis=1), 1.0)
    pred = tiny_model.predict(fixture_pages)
    assert set(pred) <= set(LABELS)
    assert list(pred) == list(np.array(LABELS, dtype=object)[proba.argmax(axis=1)])


def test_pages_featurized_in_chunks_get_the_rows_they_get_one_by_one(tiny_model, fixture_pages, monkeypatch):
    import boilerplate.model as model_module

    texts = [p.text for p in fixture_pages]
    blocks = [segment(t) for t in texts]
    one_by_one = np.vstack([tiny_model.featurize(t, b) for t, b in zip(texts, blocks)])
    monkeypatch.setattr(model_module, "FEATURIZE_CHARS", max(map(len, texts)) + 1)  # several chunks
    assert len(list(model_module._featurize_chunks(texts))) > 1
    assert np.array_equal(tiny_model.featurize_many(texts, blocks), one_by_one)
    with pytest.raises(ValueError):
        tiny_model.featurize_many(texts, blocks[:-1])


def test_a_pages_context_does_not_depend_on_the_pages_before_it():
    from boilerplate.model import _context_matrix

    rng = np.random.default_rng(0)
    proba = rng.dirichlet(np.ones(len(LABELS)) * 0.3, size=700)
    groups = np.repeat([0, 1, 2], [333, 300, 67])
    together = _context_matrix(proba, groups)
    for g in range(3):
        rows = groups == g
        assert np.array_equal(together[rows], _context_matrix(proba[rows], np.zeros(rows.sum(), dtype=int)))


def test_fits_its_training_pages(tiny_model, fixture_pages):
    assert tiny_model.score(fixture_pages) > 0.9


def test_works_with_cross_val_score(fixture_pages):
    pages = fixture_pages * 2
    groups = [i % len(fixture_pages) for i in range(len(pages))]
    scores = cross_val_score(BlockClassifier(max_iter=5, min_samples_leaf=2, context=False), pages,
                             groups=groups, cv=GroupKFold(n_splits=3))
    assert len(scores) == 3 and all(0.0 <= s <= 1.0 for s in scores)


def test_training_is_deterministic(fixture_pages):
    a = BlockClassifier(max_iter=8, min_samples_leaf=2, context_folds=2).fit(fixture_pages)
    b = BlockClassifier(max_iter=8, min_samples_leaf=2, context_folds=2).fit(fixture_pages)
    assert np.array_equal(a.predict_proba(fixture_pages), b.predict_proba(fixture_pages))


def test_bad_training_input_is_a_clear_error():
    with pytest.raises(DataError, match="no training pages"):
        BlockClassifier().fit([])
    with pytest.raises(InputError, match="LabelledPage"):
        BlockClassifier().fit(["just a string"])
    unlabelled = LabelledPage("p", "text without spans", [])
    with pytest.raises(DataError, match="no labelled blocks"):
        BlockClassifier().fit([unlabelled])


def test_unfitted_model_refuses_to_predict():
    with pytest.raises(ModelError, match="not trained"):
        BlockClassifier().predict(["text"])


def test_save_and_load_round_trip(tiny_model, fixture_pages, tmp_path):
    path = tmp_path / "m.joblib"
    card_path = tiny_model.save(path, card={"note": "test"})
    card = json.loads(card_path.read_text())
    assert card["note"] == "test" and len(card["sha256"]) == 64 and card["feature_version"] >= 1
    assert card["versions"]["scikit-learn"]
    loaded = load_model(path)
    assert np.array_equal(loaded.predict_proba(fixture_pages), tiny_model.predict_proba(fixture_pages))


def test_refuses_a_tampered_file(tiny_model, tmp_path):
    path = tmp_path / "m.joblib"
    tiny_model.save(path)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ModelError, match="SHA-256"):
        load_model(path)


def test_refuses_another_feature_version(tiny_model, tmp_path):
    path = tmp_path / "m.joblib"
    card_path = tiny_model.save(path)
    card = json.loads(card_path.read_text())
    card["feature_version"] = -1
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match="feature version"):
        load_model(path)


def test_refuses_missing_file_or_card(tiny_model, tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "absent.joblib")
    path = tmp_path / "m.joblib"
    tiny_model.save(path)
    card_path_for(path).unlink()
    with pytest.raises(ModelError, match="model card"):
        load_model(path)


def test_refuses_a_file_that_is_not_a_model(tmp_path):
    path = tmp_path / "m.joblib"
    path.write_bytes(b"not a pickle")
    import hashlib
    card_path_for(path).write_text(json.dumps({"sha256": hashlib.sha256(b"not a pickle").hexdigest(),
                                               "feature_version": FEATURE_VERSION}))
    with pytest.raises(ModelError, match="cannot load"):
        load_model(path)


@pytest.mark.parametrize("card_text", ["{not json", "[]", "null"])
def test_refuses_a_card_that_is_not_a_json_object(tiny_model, tmp_path, card_text):
    path = tmp_path / "m.joblib"
    tiny_model.save(path)
    card_path_for(path).write_text(card_text)
    with pytest.raises(ModelError, match="model card"):
        load_model(path)


def test_gold_labels_take_the_majority_span():
    page = LabelledPage("p", "aaaa bb", [])
    from boilerplate.pages import Span
    page.spans = [Span(0, 4, "body"), Span(5, 7, "ad")]
    assert gold_labels(page, [(0, 7)]).tolist() == ["body"]
    assert gold_labels(page, [(0, 4), (5, 7)]).tolist() == ["body", "ad"]


def test_refuses_a_model_with_other_feature_columns(tiny_model, tmp_path):
    import copy
    other = copy.copy(tiny_model)
    other.feature_names_ = tiny_model.feature_names_[:-1]
    path = tmp_path / "m.joblib"
    other.save(path)
    with pytest.raises(ModelError, match="feature columns"):
        load_model(path)


def test_model_explain_names_features(tiny_model):
    text = "Title\n\n3:15 Something happened\n3:10 Another thing"
    ex = tiny_model.explain(text, segment(text), 1, top_k=3)
    assert len(ex.rows) == 3 and all(r.feature in tiny_model.feature_names_ for r in ex.rows)


def test_fit_temperature_recovers_a_known_temperature():
    from boilerplate.model import apply_temperature, fit_temperature

    rng = np.random.RandomState(0)
    logits = rng.normal(scale=3.0, size=(20000, 4))
    truth = apply_temperature(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), 2.0)  # true probabilities
    y = np.array([rng.choice(4, p=p) for p in truth])
    overconfident = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert fit_temperature(overconfident, y) == pytest.approx(2.0, rel=0.05)
    assert fit_temperature(truth, y) == pytest.approx(1.0, rel=0.05)


def test_calibration_changes_scores_not_labels(fixture_pages):
    kw = dict(max_iter=8, min_samples_leaf=2, context_folds=2)
    calibrated = BlockClassifier(calibrate=True, **kw).fit(fixture_pages)
    plain = BlockClassifier(calibrate=False, **kw).fit(fixture_pages)
    assert plain.temperature_ == 1.0 and calibrated.temperature_ != 1.0
    assert list(calibrated.predict(fixture_pages)) == list(plain.predict(fixture_pages))
    p_cal, p_plain = calibrated.predict_proba(fixture_pages), plain.predict_proba(fixture_pages)
    assert np.allclose(p_cal.sum(axis=1), 1.0) and not np.allclose(p_cal, p_plain)


def test_a_fold_with_one_class_does_not_break_training():
    """Three pages, one holding the only ad: an inner fold trains on body alone."""
    pages = [LabelledPage.from_blocks(f"p{i}", [("A sentence of the article, long enough to read.", "body")])
             for i in range(2)]
    pages.append(LabelledPage.from_blocks("p2", [("Anzeige", "ad")]))
    model = BlockClassifier(max_iter=5, min_samples_leaf=1, majority_sample=1.0, context_folds=2).fit(pages)
    assert np.allclose(model.predict_proba(pages).sum(axis=1), 1.0)


def _disputed_pages():
    """Two pages that label the same short lines oppositely: 'ad' on one, 'body' on the other."""
    lines = ["Jetzt abonnieren", "Mehr erfahren", "Weitere Artikel", "Zum Newsletter"]
    body = "Der Gemeinderat hat am Montag über den neuen Haushalt beraten und ihn knapp angenommen."
    ad_page = LabelledPage.from_blocks("ad-page", [(body, "body")] + [(t, "ad") for t in lines] * 5)
    body_page = LabelledPage.from_blocks("body-page", [(body, "body")] + [(t, "body") for t in lines] * 5)
    return [ad_page, body_page]


def test_page_weights_decide_between_disputed_labels():
    pages = _disputed_pages()
    params = dict(max_iter=10, min_samples_leaf=1, context=False, calibrate=False, sites=False, majority_sample=1.0)
    line = "Mehr erfahren"
    for weights, expected in (([10.0, 1.0], "ad"), ([1.0, 10.0], "body")):
        model = BlockClassifier(**params).fit(pages, sample_weight=weights)
        assert model.predict([line])[0] == expected


@pytest.mark.parametrize("weights, message", [
    ([1.0], "1 values for 2 pages"),
    ([1.0, -1.0], "non-negative"),
    ([1.0, float("nan")], "finite"),
    ([0.0, 0.0], "not all zero"),
    (["a", "b"], "numbers"),
])
def test_bad_page_weights_are_a_clear_error(weights, message):
    with pytest.raises(InputError, match=message):
        BlockClassifier(max_iter=2, context=False).fit(_disputed_pages(), sample_weight=weights)


def test_context_max_iter_sizes_the_context_stage_alone(fixture_pages):
    model = BlockClassifier(max_iter=6, context_max_iter=3, min_samples_leaf=2, context_folds=2).fit(fixture_pages)
    assert model.block_stage_.n_iter_ == 6 and model.context_stage_.n_iter_ == 3
    same = BlockClassifier(max_iter=6, min_samples_leaf=2, context_folds=2).fit(fixture_pages)
    assert same.context_stage_.n_iter_ == 6
