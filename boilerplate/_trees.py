"""A compiled walk of a fitted stage's trees: the same numbers as scikit-learn's, about 10x sooner.

scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingClassifier` predicts tree by tree,
a call per tree over all rows (1,000 calls for our two stages of 100 iterations x 5 classes). On
pages of short blocks that walk is half of the library's time. Here a stage's trees are packed
once into flat arrays and scored in one numba-compiled loop.

The loop does not walk down each tree: walking stalls on a mispredicted branch at about every
other split. It follows QuickScorer (Lucchese et al., SIGIR 2015) instead: every split of every
tree, sorted by feature and threshold, carries the bit mask of its tree's leaves that stay
reachable when a row goes right (all but the left subtree's). For each feature, the splits a
row goes right at are a prefix of that feature's splits, so a short scan clears the leaves the
row cannot reach, and each tree's leaf is its leftmost survivor. :data:`ROWS_PER_PASS` rows go
through each scan together, so that the compiler tests them at once with vector instructions.
The scan has three zones per feature: splits below the pass's smallest value send every row right,
so their masks go into one mask per tree (a scalar AND, not a vector of them); splits between
the smallest and the largest value test each row; splits above the largest end the scan. On our
benchmark corpus about a sixth of the splits fall in the first zone, and scoring takes 40% less
time than testing each row there too.
Trees of more than :data:`MAX_LEAVES` leaves do not fit the masks and go through scikit-learn.

The result is bit-for-bit scikit-learn's: the raw scores start from the same baseline and add
the same leaf values in the same order (iteration by iteration), thresholds compare in float64
(float32 rows, the block stage's features, against thresholds rounded down to float32, which
sends every float32 value the same way; half the bytes per row make the walk about a fifth faster),
missing values follow each node's ``missing_go_to_left``, and the stage's own loss turns raw
scores into probabilities. ``tests/test_trees.py`` checks the equality on trained models.

Compilation costs about half a second once per process (cached on disk by numba afterwards,
and then loading it about 0.4 s), so small inputs -- a single page in a notebook -- keep
scikit-learn's own predict until a large batch (or :func:`warm_up`) has loaded the walk; from
then on every batch uses it. The choice cannot change a result. Without numba (or for a stage with categorical features) everything
goes through scikit-learn.
"""
from __future__ import annotations

import functools
import weakref
from typing import Any, NamedTuple

import numpy as np

COMPILED_MIN_ROWS = 4096
"""Fewer rows than this go through scikit-learn's predict while the walk is not loaded yet (no
compilation for one page)."""
MAX_LEAVES = 64
"""Leaves of a tree that fit its reachability mask (one uint64); scikit-learn scores wider trees."""
ROWS_PER_PASS = 32
"""Rows tested together against each split (measured: 16 rows 2.5x slower, 64 to 256 a little slower)."""
ROWS_PER_CALL = 2048
"""Rows converted to float64 (unless they are float32) and walked per kernel call: the copy stays in the cache instead of
doubling a large page's matrix in memory (one 10 MB page: 2.99 -> 2.34 s for both stages; 512 to
8,192 rows measured within 3% of each other, batches of small pages unchanged)."""


class PackedTrees(NamedTuple):
    """A stage's splits, sorted by feature then threshold, and its trees' leaves.

    The splits on feature ``f`` are ``feature_start[f]:feature_start[f + 1]``; leaves are numbered
    left to right within their tree, so a tree's leftmost reachable leaf is its lowest set bit.
    """

    feature_start: np.ndarray  # int64, n_features + 1 offsets into the split arrays
    threshold: np.ndarray      # float64 (float32 for float32 rows), ascending per feature; a row goes right when x > threshold
    tree: np.ndarray           # int64, the tree of each split (iteration-major, as roots were)
    keep: np.ndarray           # uint32 (trees of up to 32 leaves) or uint64: the tree's leaves still
                               # reachable when a row goes right here
    missing_left: np.ndarray   # bool, where NaN goes
    leaf_value: np.ndarray     # float64 (n_trees, most leaves of a tree), leaf values left to right
    tree_class: np.ndarray     # int64, raw-score column each tree adds to
    baseline: np.ndarray       # float64, one per raw-score column


def stage_proba(stage: Any, X: np.ndarray) -> np.ndarray | None:
    """Class probabilities of a fitted stage (columns as ``stage.classes_``) from the compiled
    walk, or ``None`` when it does not apply (too few rows to load the walk for, no numba,
    categorical splits, wide trees, or a matrix of another width -- scikit-learn then says what
    is wrong)."""
    if len(X) < COMPILED_MIN_ROWS and not _kernel.cache_info().currsize:
        return None
    kernel = _kernel()
    # float32 features are walked as they are, against thresholds rounded down to float32: the
    # same comparisons as scikit-learn's in float64, with twice the rows per vector instruction
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    packed = _packed(stage, dtype)
    if kernel is None or packed is None or X.ndim != 2 or X.shape[1] != len(packed.feature_start) - 1:
        return None
    raw = np.empty((len(X), len(packed.baseline)), dtype=np.float64)
    for first in range(0, len(X), ROWS_PER_CALL):
        rows = slice(first, first + ROWS_PER_CALL)
        kernel(np.ascontiguousarray(X[rows], dtype=dtype), *packed, raw[rows])
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
    for mask_type in (np.uint32, np.uint64):  # narrow and wide trees compile apart
        for dtype in (np.float32, np.float64):  # and so do the block stage's features and the context's
            one_leaf = PackedTrees(feature_start=np.zeros(2, dtype=np.int64), threshold=np.zeros(0, dtype=dtype),
                                   tree=np.zeros(0, dtype=np.int64), keep=np.zeros(0, dtype=mask_type),
                                   missing_left=np.zeros(0, dtype=np.bool_), leaf_value=np.zeros((1, 1)),
                                   tree_class=np.zeros(1, dtype=np.int64), baseline=np.zeros(1))
            kernel(np.zeros((1, 1), dtype=dtype), *one_leaf, np.empty((1, 1)))
    return True


_PACKED: "weakref.WeakKeyDictionary[Any, dict[type, PackedTrees | None]]" = weakref.WeakKeyDictionary()


def _packed(stage: Any, dtype: type = np.float64) -> PackedTrees | None:
    """The stage's packed trees for features of ``dtype`` (float32 or float64), packed once."""
    if stage not in _PACKED:
        packed = pack(stage)
        _PACKED[stage] = {np.float64: packed,
                          np.float32: None if packed is None else packed._replace(threshold=float32_below(packed.threshold))}
    return _PACKED[stage][dtype]


def float32_below(threshold: np.ndarray) -> np.ndarray:
    """Each threshold rounded down to the largest float32 not above it. For a float32 ``x``,
    ``x > t`` exactly when ``x > float32_below(t)``: no float32 lies between the two.

    >>> t = np.array([0.1, 0.5, -0.1, 1e-40])
    >>> down = float32_below(t)
    >>> bool((down.astype(np.float64) <= t).all()), bool((np.nextafter(down, np.float32(np.inf)) > t).all())
    (True, True)
    >>> float32_below(np.array([np.inf, 1e300])).tolist()  # past float32's range: no float32 is above
    [inf, 3.4028234663852886e+38]
    """
    with np.errstate(over="ignore"):
        down = threshold.astype(np.float32)
    above = down.astype(np.float64) > threshold
    down[above] = np.nextafter(down[above], np.float32(-np.inf))
    return down


def pack(stage: Any) -> PackedTrees | None:
    """Sort a fitted stage's splits for the walk (``None`` if any split is categorical or a tree
    has more than :data:`MAX_LEAVES` leaves).

    >>> from sklearn.ensemble import HistGradientBoostingClassifier
    >>> X = np.arange(40, dtype=float).reshape(20, 2); y = np.arange(20) % 2
    >>> packed = pack(HistGradientBoostingClassifier(max_iter=3).fit(X, y))
    >>> len(packed.leaf_value), len(packed.baseline), len(packed.feature_start)
    (3, 1, 3)
    """
    splits: list[tuple[int, float, int, int, bool]] = []  # feature, threshold, tree, keep, missing_left
    leaf_values, classes = [], []
    for iteration in stage._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                return None
            leaves, tree_splits = _number_leaves(nodes)
            if len(leaves) > MAX_LEAVES:
                return None
            splits += [(f, thr, len(classes), keep, ml) for f, thr, keep, ml in tree_splits]
            leaf_values.append(nodes["value"][leaves].astype(np.float64))
            classes.append(k)
    if not classes:
        return None
    feature, threshold, tree, keep, missing_left = (list(column) for column in zip(*splits)) if splits else [[]] * 5
    order = np.lexsort((np.asarray(threshold, dtype=np.float64), np.asarray(feature, dtype=np.int64)))
    values = np.zeros((len(classes), max(map(len, leaf_values))))
    for t, v in enumerate(leaf_values):
        values[t, :len(v)] = v
    return PackedTrees(
        feature_start=np.searchsorted(np.asarray(feature, dtype=np.int64)[order], np.arange(stage.n_features_in_ + 1)),
        threshold=np.asarray(threshold, dtype=np.float64)[order],
        tree=np.asarray(tree, dtype=np.int64)[order],
        # half-width masks when every tree fits: twice the rows per vector instruction in the scan
        keep=np.asarray(keep, dtype=np.uint64)[order].astype(np.uint32 if values.shape[1] <= 32 else np.uint64),
        missing_left=np.asarray(missing_left, dtype=np.bool_)[order],
        leaf_value=values,
        tree_class=np.array(classes, dtype=np.int64),
        baseline=np.asarray(stage._baseline_prediction, dtype=np.float64).ravel(),
    )


_ALL_LEAVES = (1 << MAX_LEAVES) - 1


def _number_leaves(nodes: np.ndarray) -> tuple[list[int], list[tuple[int, float, int, bool]]]:
    """A tree's leaves left to right (node indices), and each split's ``(feature, threshold, keep,
    missing_left)`` where ``keep`` has the bits of every leaf but those of the split's left subtree."""
    is_leaf, left, right = nodes["is_leaf"].tolist(), nodes["left"].tolist(), nodes["right"].tolist()
    feature, threshold = nodes["feature_idx"].tolist(), nodes["num_threshold"].tolist()
    missing_left = nodes["missing_go_to_left"].tolist()
    leaves: list[int] = []
    splits: list[tuple[int, float, int, bool]] = []

    def visit(node: int) -> None:  # in order: the left subtree's leaves get the lower numbers
        if is_leaf[node]:
            leaves.append(node)
            return
        first = len(leaves)
        visit(left[node])
        left_bits = ((1 << (len(leaves) - first)) - 1) << first
        splits.append((feature[node], threshold[node], _ALL_LEAVES & ~left_bits, bool(missing_left[node])))
        visit(right[node])

    visit(0)
    return leaves, splits


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


# The index of a uint64's lowest set bit by de Bruijn multiplication (portable, and numba-typable
# without intrinsics): the isolated bit times the sequence puts a distinct 6-bit value on top.
_DE_BRUIJN = np.uint64(0x03F79D71B4CB0A89)
_TOP_SIX = np.uint64(58)
_ONE = np.uint64(1)
_DE_BRUIJN_INDEX = np.zeros(64, dtype=np.int64)
for _bit in range(64):
    _DE_BRUIJN_INDEX[((0x03F79D71B4CB0A89 << _bit) & 0xFFFFFFFFFFFFFFFF) >> 58] = _bit
del _bit


def _raw_predict(X, feature_start, threshold, tree, keep, missing_left, leaf_value, tree_class, baseline, out):
    """Raw scores: ``out[i, k] = baseline[k] + the leaves reached by row i in class k's trees``,
    added in tree order. (One function: numba compiles it on first use, and would need any
    helper compiled first.)"""
    n_rows, n_features = X.shape
    columns = np.zeros((n_features, ROWS_PER_PASS), dtype=X.dtype)  # a pass's rows, feature-major: one split tests a vector
    reachable = np.empty((leaf_value.shape[0], ROWS_PER_PASS), dtype=keep.dtype)
    everyone = np.empty(leaf_value.shape[0], dtype=keep.dtype)  # leaves left by splits all rows go right at
    raw = np.empty((baseline.shape[0], ROWS_PER_PASS))  # a pass's scores, class-major: a tree adds a vector
    every_leaf = ~np.zeros(1, dtype=keep.dtype)[0]
    for first in range(0, n_rows, ROWS_PER_PASS):
        rows = min(ROWS_PER_PASS, n_rows - first)
        columns[:, :rows] = X[first:first + rows].T  # a short last pass keeps the previous rows: never read out
        reachable[:] = every_leaf
        everyone[:] = every_leaf
        for f in range(n_features):
            x = columns[f]
            largest, smallest, missing = -np.inf, np.inf, False
            for r in range(ROWS_PER_PASS):
                missing |= x[r] != x[r]
                largest = max(largest, x[r])
                smallest = min(smallest, x[r])
            j, end = feature_start[f], feature_start[f + 1]
            if not missing:  # every row goes right: one AND for the pass
                while j < end and threshold[j] < smallest:
                    everyone[tree[j]] &= keep[j]
                    j += 1
            for j in range(j, end):
                # locals, not array reads: the compiler cannot tell the stores below leave them alone
                split, mask, t, nan_right = threshold[j], keep[j], tree[j], not missing_left[j]
                if split >= largest and not missing:  # thresholds ascend: no row goes right from here
                    break
                for r in range(ROWS_PER_PASS):
                    right = (x[r] > split) | ((x[r] != x[r]) & nan_right)
                    reachable[t, r] &= mask if right else every_leaf
        for k in range(baseline.shape[0]):
            raw[k] = baseline[k]
        for t in range(leaf_value.shape[0]):
            k, common = tree_class[t], everyone[t]
            for r in range(ROWS_PER_PASS):
                bits = np.uint64(reachable[t, r] & common)
                raw[k, r] += leaf_value[t, _DE_BRUIJN_INDEX[((bits & (~bits + _ONE)) * _DE_BRUIJN) >> _TOP_SIX]]
        out[first:first + rows] = raw[:, :rows].T
