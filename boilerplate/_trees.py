"""A compiled walk of a fitted stage's trees: the same numbers as scikit-learn's, about 2x sooner.

scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingClassifier` predicts tree by tree,
a call per tree over all rows (1,000 calls for our two stages of 100 iterations x 5 classes). On
pages of short blocks that walk is half of the library's time. Here a stage's trees are packed
once into flat arrays and walked row by row in one numba-compiled loop.

The result is bit-for-bit scikit-learn's: the raw scores start from the same baseline and add
the same leaf values in the same order (iteration by iteration), thresholds compare in float64,
missing values follow each node's ``missing_go_to_left``, and the stage's own loss turns raw
scores into probabilities. ``tests/test_trees.py`` checks the equality on trained models.

Compilation costs about half a second once per process (cached on disk by numba afterwards),
so small inputs -- a single page in a notebook -- keep scikit-learn's own predict; the choice
cannot change a result. Without numba (or for a stage with categorical features) everything
goes through scikit-learn.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any, NamedTuple

import numpy as np

COMPILED_MIN_ROWS = 4096
"""Fewer rows than this go through scikit-learn's predict (no compilation for one page)."""


class PackedTrees(NamedTuple):
    """A stage's trees as flat arrays; node ``i`` is a leaf when ``left[i] < 0``."""

    feature: np.ndarray     # int32, feature column of each split
    threshold: np.ndarray   # float64, go left when x <= threshold
    left: np.ndarray        # int32, absolute index of the left child, -1 for leaves
    right: np.ndarray       # int32
    value: np.ndarray       # float64, leaf values
    missing_left: np.ndarray  # bool, where NaN goes
    roots: np.ndarray       # int64, root node of each tree, iteration-major
    tree_class: np.ndarray  # int64, raw-score column each tree adds to
    baseline: np.ndarray    # float64, one per raw-score column


def stage_proba(stage: Any, X: np.ndarray) -> np.ndarray | None:
    """Class probabilities of a fitted stage (columns as ``stage.classes_``) from the compiled
    walk, or ``None`` when it does not apply (too few rows, no numba, categorical splits)."""
    if len(X) < COMPILED_MIN_ROWS:
        return None
    kernel = _kernel()
    packed = _packed(stage)
    if kernel is None or packed is None:
        return None
    raw = np.empty((len(X), len(packed.baseline)), dtype=np.float64)
    # float64 like scikit-learn (exact for float32 features), and one compiled signature
    kernel(np.ascontiguousarray(X, dtype=np.float64), *packed, raw)
    return stage._loss.predict_proba(raw)


def warm_up() -> bool:
    """Compile (or load from numba's cache) the walk now, so that the first large batch does not
    pay for it; worker processes call this when they start. Returns whether numba is there.

    >>> warm_up() in (True, False)
    True
    """
    kernel = _kernel()
    if kernel is None:
        return False
    leaf = np.full(1, -1, dtype=np.int32)
    kernel(np.zeros((1, 1)), np.zeros(1, dtype=np.int32), np.zeros(1), leaf, leaf, np.zeros(1),
           np.zeros(1, dtype=np.bool_), np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), np.zeros(1),
           np.empty((1, 1)))
    return True


_PACKED: "weakref.WeakKeyDictionary[Any, PackedTrees | None]" = weakref.WeakKeyDictionary()


def _packed(stage: Any) -> PackedTrees | None:
    if stage not in _PACKED:
        _PACKED[stage] = pack(stage)
    return _PACKED[stage]


def pack(stage: Any) -> PackedTrees | None:
    """Flatten a fitted stage's trees (``None`` if any split is categorical).

    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> X = np.arange(40, dtype=float).reshape(20, 2); y = np.arange(20) % 2
    >>> packed = pack(HistGradientBoostingClassifier(max_iter=3).fit(X, y))
    >>> len(packed.roots), len(packed.baseline)
    (3, 1)
    """
    columns: dict[str, list[np.ndarray]] = {name: [] for name in PackedTrees._fields[:6]}
    roots, classes = [], []
    offset = 0
    for iteration in stage._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                return None
            leaf = nodes["is_leaf"].astype(bool)
            roots.append(offset)
            classes.append(k)
            columns["feature"].append(nodes["feature_idx"].astype(np.int32))
            columns["threshold"].append(nodes["num_threshold"].astype(np.float64))
            columns["left"].append(np.where(leaf, -1, nodes["left"].astype(np.int64) + offset).astype(np.int32))
            columns["right"].append(np.where(leaf, -1, nodes["right"].astype(np.int64) + offset).astype(np.int32))
            columns["value"].append(nodes["value"].astype(np.float64))
            columns["missing_left"].append(nodes["missing_go_to_left"].astype(np.bool_))
            offset += len(nodes)
    if not roots:
        return None
    return PackedTrees(**{name: np.concatenate(parts) for name, parts in columns.items()},
                       roots=np.array(roots, dtype=np.int64), tree_class=np.array(classes, dtype=np.int64),
                       baseline=np.asarray(stage._baseline_prediction, dtype=np.float64).ravel())


@functools.lru_cache(maxsize=1)
def _kernel() -> Any:
    """The compiled walk, or ``None`` without numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency; a platform without wheels
        return None
    try:
        return numba.njit(cache=True, nogil=True)(_raw_predict)
    except RuntimeError:  # no writable cache directory (read-only install and home): compile per process
        return numba.njit(cache=False, nogil=True)(_raw_predict)


def _raw_predict(X, feature, threshold, left, right, value, missing_left, roots, tree_class, baseline, out):
    """Raw scores: ``out[i, k] = baseline[k] + sum of the leaves reached by row i in class k's trees``."""
    for i in range(X.shape[0]):
        for k in range(baseline.shape[0]):
            out[i, k] = baseline[k]
        for t in range(roots.shape[0]):
            node = roots[t]
            while left[node] >= 0:
                x = X[i, feature[node]]
                if x != x:
                    node = left[node] if missing_left[node] else right[node]
                elif x <= threshold[node]:
                    node = left[node]
                else:
                    node = right[node]
            out[i, tree_class[t]] += value[node]
