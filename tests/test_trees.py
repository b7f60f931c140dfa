"""The compiled tree walk gives scikit-learn's probabilities exactly, and is used only where it applies."""
import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

import boilerplate
from boilerplate import _trees

pytest.importorskip("numba")


def _data(n=6000, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int) + 2 * (X[:, 2] > 1.2).astype(int)
    return X, y


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_multiclass_probabilities_equal_sklearn_bit_for_bit(dtype):
    X, y = _data()
    stage = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=15, random_state=0).fit(X, y)
    Xt = _data(seed=1)[0].astype(dtype)
    got = _trees.stage_proba(stage, Xt)
    assert got is not None
    assert np.array_equal(got, stage.predict_proba(Xt))



def test_float32_rows_at_the_thresholds_edges_equal_sklearn():
    """float32 rows are walked against thresholds rounded down to float32: rows lying on the two
    float32 values around each threshold must go where scikit-learn's float64 comparison sends them."""
    X, y = _data()
    stage = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=15, random_state=0).fit(X, y)
    packed = _trees.pack(stage)
    features = np.repeat(np.arange(X.shape[1]), np.diff(packed.feature_start))
    below = _trees.float32_below(packed.threshold)
    rows = _data(n=2 * len(below), seed=4)[0].astype(np.float32)
    edges = np.concatenate([below, np.nextafter(below, np.float32(np.inf))])
    rows[np.arange(len(edges)), np.concatenate([features, features])] = edges
    assert (packed.threshold.astype(np.float32) != packed.threshold).any()  # thresholds float32 cannot hold
    rows = np.vstack([rows] * 3)  # enough rows for the walk
    got = _trees.stage_proba(stage, rows)
    assert got is not None
    assert np.array_equal(got, stage.predict_proba(rows))


def test_rows_walked_in_several_calls_equal_sklearn(monkeypatch):
    """A large matrix is walked a slice of rows per call; slices that end inside a pass of
    rows, and a short last slice, must score every row as one call does."""
    X, y = _data()
    stage = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=15, random_state=0).fit(X, y)
    Xt = _data(n=5000, seed=2)[0]
    monkeypatch.setattr(_trees, "ROWS_PER_CALL", 1000 + 7)  # not a multiple of ROWS_PER_PASS
    got = _trees.stage_proba(stage, Xt)
    assert got is not None
    assert np.array_equal(got, stage.predict_proba(Xt))


def test_rows_sorted_into_narrow_passes_equal_sklearn():
    """Sorted rows put whole passes above many thresholds: the splits every row of a pass goes
    right at are applied once per pass, and must leave the same leaves as testing each row."""
    X, y = _data()
    stage = HistGradientBoostingClassifier(max_iter=15, max_leaf_nodes=31, random_state=0).fit(X, y)
    Xt = _data(seed=3)[0]
    Xt = Xt[np.lexsort((Xt[:, 1], Xt[:, 0]))]
    Xt[:64, 2] = Xt[0, 2]  # passes where a feature is constant: all rows on one side of each split
    got = _trees.stage_proba(stage, Xt)
    assert got is not None
    assert np.array_equal(got, stage.predict_proba(Xt))

def test_binary_stage_and_missing_values_follow_sklearn():
    X, y = _data()
    X[::7, 0] = np.nan  # trained with NaN: nodes learn where missing values go
    stage = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y > 1)
    Xt = _data(seed=2)[0]
    Xt[::3, 0] = np.nan
    got = _trees.stage_proba(stage, Xt)
    assert got is not None and got.shape == (len(Xt), 2)
    assert np.array_equal(got, stage.predict_proba(Xt))


def test_small_inputs_keep_sklearn_until_the_walk_is_loaded():
    X, y = _data()
    stage = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    small = X[: _trees.COMPILED_MIN_ROWS - 1]
    _trees._kernel.cache_clear()
    assert _trees.stage_proba(stage, small) is None
    assert _trees.warm_up()
    assert np.array_equal(_trees.stage_proba(stage, small[:5]), stage.predict_proba(small[:5]))


def test_categorical_stages_keep_sklearn():
    X, y = _data()
    Xc = X.copy()
    Xc[:, 3] = (Xc[:, 3] > 0).astype(int)
    cat = HistGradientBoostingClassifier(max_iter=5, categorical_features=[3], random_state=0).fit(Xc, y)
    assert _trees.pack(cat) is None
    assert _trees.stage_proba(cat, Xc) is None


def test_trees_of_as_many_leaves_as_the_masks_hold_equal_sklearn():
    X, _ = _data()
    noisy = np.random.RandomState(3).randint(0, 2, len(X))
    full = HistGradientBoostingClassifier(max_iter=3, max_leaf_nodes=_trees.MAX_LEAVES,
                                          min_samples_leaf=5, random_state=0).fit(X, noisy)
    assert max(p.get_n_leaf_nodes() for it in full._predictors for p in it) == _trees.MAX_LEAVES
    Xt = _data(seed=4)[0]
    assert np.array_equal(_trees.stage_proba(full, Xt), full.predict_proba(Xt))


def test_trees_wider_than_the_leaf_masks_keep_sklearn():
    X, _ = _data()
    noisy = np.random.RandomState(3).randint(0, 2, len(X))  # no early stop: every tree grows wide
    wide = HistGradientBoostingClassifier(max_iter=2, max_leaf_nodes=_trees.MAX_LEAVES + 1,
                                          min_samples_leaf=5, random_state=0).fit(X, noisy)
    assert max(p.get_n_leaf_nodes() for it in wide._predictors for p in it) > _trees.MAX_LEAVES
    assert _trees.pack(wide) is None
    assert _trees.stage_proba(wide, X) is None


def test_bundled_model_scores_do_not_depend_on_the_path(monkeypatch):
    """A large batch (compiled walk) and the same pages one by one (scikit-learn) agree exactly."""
    page = open("examples/sample.txt", encoding="utf-8").read()
    pages = [page] * 200
    assert sum(len(d.blocks) for d in boilerplate.classify_many(pages[:1])) * 200 >= _trees.COMPILED_MIN_ROWS
    together = [b.scores for d in boilerplate.classify_many(pages, batch_size=200) for b in d.blocks]
    monkeypatch.setattr(_trees, "stage_proba", lambda stage, X: None)  # scikit-learn only
    alone = [b.scores for d in boilerplate.classify_many(pages, batch_size=1) for b in d.blocks]
    assert together == alone
