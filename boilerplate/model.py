"""The block classifier: a scikit-learn estimator over pages, and its model files.

Two stages of gradient-boosted trees (:class:`~sklearn.ensemble.HistGradientBoostingClassifier`),
optionally after a linear stage over words:

0. *lexical stage* (``lexical=True``) — class probabilities from the block's words
   (:mod:`boilerplate.lexical`), out-of-fold on the training pages, appended to the feature columns;
1. *block stage* — the block's own features and its neighbours' (:mod:`boilerplate.features`);
2. *context stage* — the block stage's class probabilities for the neighbouring blocks and for
   windows around each block, stacked onto the features. It is trained on out-of-fold
   probabilities (pages grouped into folds), so it learns how the first stage errs in context:
   a short line between body paragraphs, a headline inside a run of timestamped lines.

Samples are pages: ``fit``, ``predict`` and ``predict_proba`` take a list of pages
(:class:`~boilerplate.pages.LabelledPage` for ``fit``; pages or plain strings otherwise) and
return one row per block of all pages, in order. Probability columns follow ``classes_``, which is
always :data:`boilerplate.LABELS`.

>>> from boilerplate.pages import LabelledPage
>>> pages = [LabelledPage.from_blocks(f"p{i}", [("A headline", "body"),
...          ("A sentence of the article, long enough to read. Another one.", "body"),
...          ("Foto: AFP", "caption"), ("3:15 Something happened", "ticker"),
...          ("Anzeige", "ad")]) for i in range(6)]
>>> model = BlockClassifier(max_iter=20, context=False).fit(pages)
>>> list(model.predict(["Anzeige"]))  # doctest: +SKIP
['ad']
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import warnings
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import joblib
import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from . import _trees
from .document import LABELS
from .errors import DataError, InputError, ModelError
from .features import FEATURE_VERSION, feature_names, featurize_many, featurize_with_tokens, page_cumsum, window_mean
from .lexical import LexicalStage, Vocabulary
from .pages import LabelledPage
from .segment import block_spans
from .sites import repetition, site_key

MODEL_FORMAT = 1
PREDICT_CHUNK = 1024
FEATURIZE_CHARS = 1 << 20
"""Characters of consecutive pages featurized together (their text is joined once): enough to
spread numpy's cost per call over many short pages, little enough to keep the joined copy small."""
_CONTEXT_OFFSETS = (-2, -1, 1, 2)
_CONTEXT_WINDOWS = (3, 10)
LEXICAL_FOLDS = 5


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Label blocks as body, caption, embed, ad or ticker.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, l2_regularization, min_samples_leaf:
        passed to each stage's :class:`~sklearn.ensemble.HistGradientBoostingClassifier`.
    class_weight_power:
        blocks are weighted by ``(n_blocks / (n_classes * n_class)) ** power``: 0 is no
        reweighting, 1 is fully balanced classes (rare classes such as embed count more).
    majority_sample:
        share of the most frequent class's blocks (usually ``ad``: menus, footers) used for
        training, chosen at random with ``random_state`` and up-weighted to keep the class
        prior; 1.0 uses all. It halves training time on crawled pages at no measurable loss.
    context:
        train the context stage on top of the block stage.
    context_folds:
        folds (grouped by page; a page's two shapes share a fold) for the block stage's
        out-of-fold probabilities.
    context_max_iter:
        boosting iterations of the context stage (``None``: ``max_iter``). The context stage
        starts from the block stage's probabilities and may need fewer trees; fewer train
        sooner. With 100 (of 200) the real pages' body F1 went from 0.807 to 0.804 and
        classifying was no faster beyond the noise of our benchmark (README, "Speed").
    lexical:
        add the lexical stage (:mod:`boilerplate.lexical`): a linear model over the block's words
        whose probabilities become five more columns (``lexical_p_*``). Off by default: it lifts
        caption and ticker F1 on the real pages but, trained on mostly English pages, it takes
        English text for body wherever it appears (an embedded English tweet on a German page).
    sites:
        learn from repetition across the pages of a site (training pages grouped by their URL's
        host, :mod:`boilerplate.sites`); pages classified alone get zeros there.
    calibrate:
        fit a temperature on the last stage's out-of-fold probabilities (same folds) so that
        ``scores`` are calibrated (lower expected calibration error); labels do not change.
    random_state:
        seed for both stages; the same data and seed give the same model.
    """

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 63,
        l2_regularization: float = 1.0,
        min_samples_leaf: int = 20,
        class_weight_power: float = 0.5,
        majority_sample: float = 0.4,
        context: bool = True,
        context_folds: int = 2,
        context_max_iter: int | None = None,
        calibrate: bool = True,
        sites: bool = True,
        lexical: bool = False,
        random_state: int = 0,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.min_samples_leaf = min_samples_leaf
        self.class_weight_power = class_weight_power
        self.majority_sample = majority_sample
        self.context = context
        self.context_folds = context_folds
        self.context_max_iter = context_max_iter
        self.calibrate = calibrate
        self.sites = sites
        self.lexical = lexical
        self.random_state = random_state

    # -- training --------------------------------------------------------------------------

    def fit(self, X: Sequence[LabelledPage], y: Any = None, sample_weight: Any = None) -> "BlockClassifier":
        """Train on labelled pages (``y`` is unused: labels come with the pages).

        ``sample_weight``: one weight per page (every block of the page gets it, on top of the
        class weights), e.g. to count your own pages more than the bundled ones; ``None`` is 1.

        Raises :class:`DataError` if there are no pages or no labelled blocks, and
        :class:`InputError` if ``sample_weight`` is not one non-negative number per page.
        """
        pages = _check_pages(X)
        page_weight = check_page_weights(sample_weight, len(pages))
        matrices, labels, groups, fold_groups, tokens = [], [], [], [], []
        all_spans = [block_spans(page.text) for page in pages]
        site = self._site_repetition(pages, all_spans)
        base_ids: dict[str, int] = {}
        for gi, (page, spans) in enumerate(zip(pages, all_spans)):
            Xp, words = featurize_with_tokens(page.text, spans, site[gi])
            tokens.extend(words)
            yp = gold_labels(page, spans)
            matrices.append(Xp)
            labels.append(yp)
            groups.append(np.full(len(spans), gi))
            # a page's two shapes share a fold: out-of-fold must not mean "seen in the other shape"
            fold_groups.append(np.full(len(spans), base_ids.setdefault(page.base_id, len(base_ids))))
        X_all = np.vstack(matrices) if matrices else np.zeros((0, len(feature_names())))
        y_all = np.concatenate(labels) if labels else np.zeros(0, dtype=object)
        g_all = np.concatenate(groups) if groups else np.zeros(0, dtype=int)
        f_all = np.concatenate(fold_groups) if fold_groups else np.zeros(0, dtype=int)
        keep = y_all != ""
        if not keep.any():
            raise DataError("no labelled blocks in the training pages")
        self.classes_ = np.array(LABELS, dtype=object)
        self.feature_names_ = list(feature_names())
        self.n_features_in_ = len(self.feature_names_)
        self.feature_version_ = FEATURE_VERSION
        y_idx = np.array([LABELS.index(v) if v else -1 for v in y_all])
        sampled, majority = self._majority_mask(y_idx)
        keep &= sampled
        weights = self._class_weights(y_idx[keep], majority) * page_weight[g_all[keep]]
        self.lexical_stage_ = None
        vocabulary = Vocabulary.fit(tokens) if self.lexical and len(np.unique(y_idx[keep])) > 1 else None
        if vocabulary is not None and vocabulary.n_terms:  # tiny data: no word is frequent enough
            terms = vocabulary.matrix(tokens)
            lex_oof = self._lexical_out_of_fold(vocabulary, terms, y_idx, f_all, keep, weights)
            self.lexical_stage_ = LexicalStage(vocabulary, self.random_state).fit(
                terms[keep], y_idx[keep], sample_weight=weights)
            X_all = np.hstack([X_all, lex_oof]).astype(X_all.dtype)
            self.feature_names_ = self._expected_feature_names()
            self.n_features_in_ = len(self.feature_names_)
        self.feature_medians_ = np.median(X_all[keep], axis=0)
        self.block_stage_ = self._new_stage().fit(X_all[keep], y_idx[keep], sample_weight=weights)
        self.temperature_ = 1.0
        self.context_stage_ = None
        last_X = X_all
        if self.context:
            oof = self._out_of_fold(X_all, y_idx, f_all, keep, weights, self.block_stage_)
            last_X = np.hstack([X_all, _context_matrix(oof, g_all)])
            self.context_stage_ = self._new_stage(context=True).fit(last_X[keep], y_idx[keep], sample_weight=weights)
        if self.calibrate:
            last_oof = self._out_of_fold(last_X, y_idx, f_all, keep, weights, self._last_stage(), context=self.context)
            natural = np.where(y_idx[keep] == majority, 1.0 / self.majority_sample, 1.0) if majority is not None else None
            self.temperature_ = fit_temperature(last_oof[keep], y_idx[keep], natural)
        self.training_summary_ = {
            "pages": len(pages),
            "blocks": int(keep.sum()),
            "blocks_per_label": {lab: int((y_idx[keep] == i).sum()) for i, lab in enumerate(LABELS)},
        }
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Models saved before calibration existed were not calibrated.
        state.setdefault("calibrate", False)
        state.setdefault("sites", False)
        state.setdefault("temperature_", 1.0)
        state.setdefault("lexical", False)
        state.setdefault("lexical_stage_", None)
        state.setdefault("context_max_iter", None)
        super().__setstate__(state)

    def _new_stage(self, context: bool = False) -> HistGradientBoostingClassifier:
        max_iter = self.context_max_iter if context and self.context_max_iter is not None else self.max_iter
        return HistGradientBoostingClassifier(
            max_iter=max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            min_samples_leaf=self.min_samples_leaf,
            early_stopping=False,
            random_state=self.random_state,
        )

    def _majority_mask(self, y_idx: np.ndarray) -> tuple[np.ndarray, int | None]:
        """Which blocks to train on (all of the minority classes, a sample of the majority), and
        the majority class (None when nothing is sampled)."""
        labelled = y_idx >= 0
        if self.majority_sample >= 1.0 or not labelled.any():
            return np.ones(len(y_idx), dtype=bool), None
        majority = int(np.bincount(y_idx[labelled]).argmax())
        draw = np.random.RandomState(self.random_state).random_sample(len(y_idx))
        return (y_idx != majority) | (draw < self.majority_sample), majority

    def _class_weights(self, y_idx: np.ndarray, majority: int | None) -> np.ndarray:
        """Per-block weights: classes balanced to the power ``class_weight_power``, with the sampled
        majority class counted at its size before sampling and up-weighted to keep its prior."""
        counts = np.bincount(y_idx, minlength=len(LABELS)).astype(float)
        if majority is not None:
            counts[majority] /= self.majority_sample
        present = counts > 0
        per_class = np.ones(len(LABELS))
        per_class[present] = (counts[present].sum() / (present.sum() * counts[present])) ** self.class_weight_power
        if majority is not None:
            per_class[majority] /= self.majority_sample
        return per_class[y_idx]

    def _out_of_fold(self, X, y_idx, groups, keep, weights, fitted, context: bool = False) -> np.ndarray:
        """Probabilities on ``X`` for every block from a stage that did not see its page (from the
        ``fitted`` stage itself when there are too few pages for folds)."""
        if min(self.context_folds, len(np.unique(groups))) < 2:
            return self._stage_proba(fitted, X)
        oof = np.zeros((len(X), len(LABELS)))
        for train, test, w in _inner_folds(self.context_folds, groups, keep, weights):
            stage = self._new_stage(context).fit(X[train], y_idx[train], sample_weight=w)
            oof[test] = self._stage_proba(stage, X[test])
        return oof

    def _expected_feature_names(self) -> list[str]:
        """The columns of :meth:`featurize` for this model: the library's, then the lexical stage's."""
        names = list(feature_names())
        if getattr(self, "lexical_stage_", None) is not None:
            names += [f"lexical_p_{label}" for label in LABELS]
        return names

    def _lexical_out_of_fold(self, vocabulary, tokens, y_idx, groups, keep, weights) -> np.ndarray:
        """The lexical stage's probabilities for every block from models that did not see its page."""
        if len(np.unique(groups)) < 2:
            return np.full((tokens.shape[0], len(LABELS)), 1.0 / len(LABELS))
        oof = np.zeros((tokens.shape[0], len(LABELS)))
        for train, test, w in _inner_folds(LEXICAL_FOLDS, groups, keep, weights):
            present = np.unique(y_idx[train])
            if len(present) < 2:  # a fold of tiny data with one class: that class, for sure
                oof[np.ix_(test, present)] = 1.0
                continue
            stage = LexicalStage(vocabulary, self.random_state).fit(tokens[train], y_idx[train], w)
            oof[test] = stage.predict_proba(tokens[test], len(LABELS))
        return oof

    def _last_stage(self) -> HistGradientBoostingClassifier:
        return self.context_stage_ if getattr(self, "context_stage_", None) is not None else self.block_stage_

    def _stage_proba(self, stage: HistGradientBoostingClassifier, X: np.ndarray) -> np.ndarray:
        """Probabilities in LABELS order, with zeros for classes the stage never saw; the last
        stage's are calibrated with ``temperature_``.

        Rows go through the trees in chunks of :data:`PREDICT_CHUNK` on one thread: a chunk's
        rows stay in cache while every tree walks them (on 20,000 rows at once predict is 3-4x
        slower per row), and corpus-scale parallelism comes from processes (``-j``), not threads.
        """
        out = np.zeros((len(X), len(LABELS)))
        cols = stage.classes_.astype(int)
        if len(cols) == 1:  # a fold of tiny data can hold one class only: it is certain
            out[:, cols[0]] = 1.0
            return out
        compiled = _trees.stage_proba(stage, X)  # the same numbers, sooner, on large inputs
        if compiled is not None:
            out[:, cols] = compiled
        else:
            with _one_thread():
                for lo in range(0, len(X), PREDICT_CHUNK):
                    out[lo:lo + PREDICT_CHUNK, cols] = stage.predict_proba(X[lo:lo + PREDICT_CHUNK])
        temperature = getattr(self, "temperature_", 1.0)
        if temperature != 1.0 and stage is self._last_stage():
            out = apply_temperature(out, temperature)
        return out

    # -- prediction ------------------------------------------------------------------------

    def featurize(self, text: str, blocks: Sequence[Any], site: np.ndarray | None = None) -> np.ndarray:
        """The feature matrix of one page's blocks (``Block`` objects or ``(start, end)`` pairs);
        ``site``: the blocks' repetition across the page's group (:mod:`boilerplate.sites`).
        Columns: :func:`boilerplate.features.feature_names`, then the lexical stage's
        probabilities when the model has one."""
        return self.featurize_many([text], [blocks], None if site is None else [site])

    def featurize_many(self, texts: Sequence[str], blocks_per_page: Sequence[Sequence[Any]],
                       sites: Sequence[np.ndarray | None] | None = None) -> np.ndarray:
        """:meth:`featurize` for several pages at once, their rows stacked in page order: the same
        rows as page by page, sooner (:func:`boilerplate.features.featurize_many`)."""
        if len(blocks_per_page) != len(texts) or (sites is not None and len(sites) != len(texts)):
            raise ValueError("featurize_many needs one list of blocks (and one site array, if any) per text")
        parts = []
        for chunk in _featurize_chunks(texts):
            X, words = featurize_many([texts[i] for i in chunk], [_spans(blocks_per_page[i]) for i in chunk],
                                      None if sites is None else [sites[i] for i in chunk])
            parts.append(self._with_lexical(X, words))
        return np.vstack(parts) if parts else np.zeros((0, len(self._expected_feature_names())), dtype=np.float32)

    def _with_lexical(self, X: np.ndarray, words: list[list[str]]) -> np.ndarray:
        lexical = getattr(self, "lexical_stage_", None)
        if lexical is None:
            return X
        lexical_proba = lexical.predict_proba(lexical.vocabulary.matrix(words), len(LABELS))
        return np.hstack([X, lexical_proba]).astype(X.dtype)

    def predict_proba_blocks(self, text: str, blocks: Sequence[Any], X: np.ndarray | None = None,
                             site: np.ndarray | None = None) -> np.ndarray:
        """Class probabilities ``(n_blocks, 5)`` for one page, columns in ``classes_`` order."""
        self._check_fitted()
        if X is None:
            X = self.featurize(text, blocks, site)
        return self._proba_from_features(X, [len(X)])

    def _site_repetition(self, pages: Sequence[Any], spans: Sequence[Sequence[tuple[int, int]]]) -> list[Any]:
        """Each page's repetition within its site (pages with a URL; both shapes of a page are one page)."""
        if not getattr(self, "sites", True):
            return [None] * len(pages)
        keys = [site_key(p.url) if isinstance(p, LabelledPage) else None for p in pages]
        if not any(keys):
            return [None] * len(pages)
        identities = [p.base_id if isinstance(p, LabelledPage) else i for i, p in enumerate(pages)]
        return repetition([(_text_of(p), sp) for p, sp in zip(pages, spans)], keys, identities)

    def _proba_from_features(self, X: np.ndarray, page_sizes: Sequence[int]) -> np.ndarray:
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        proba = self._stage_proba(self.block_stage_, X)
        if self.context_stage_ is None:
            return proba
        groups = np.repeat(np.arange(len(page_sizes)), page_sizes)
        return self._stage_proba(self.context_stage_, np.hstack([X, _context_matrix(proba, groups)]))

    def explain(self, text: str, blocks: Sequence[Any], i: int, top_k: int | None = 10) -> Any:
        """The features that pushed block ``i``'s decision (see :func:`boilerplate.explain.explain_block`)."""
        from .explain import explain_block

        return explain_block(self, text, list(blocks), i, top_k=top_k)

    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        """Probabilities for every block of every page, stacked in order (rows = blocks)."""
        self._check_fitted()
        pages = list(_pages(X))
        all_spans = [block_spans(_text_of(p)) for p in pages]
        site = self._site_repetition(pages, all_spans)
        if not pages:
            return np.zeros((0, len(LABELS)))
        X = self.featurize_many([_text_of(p) for p in pages], all_spans, site)
        return self._proba_from_features(X, [len(s) for s in all_spans])

    def predict(self, X: Sequence[Any]) -> np.ndarray:
        """The label of every block of every page, in order."""
        self._check_fitted()
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score(self, X: Sequence[LabelledPage], y: Any = None, sample_weight: Any = None) -> float:
        """Block accuracy against the pages' gold labels (blocks without gold are skipped)."""
        pages = _check_pages(X)
        gold = np.concatenate([gold_labels(p, block_spans(p.text)) for p in pages])
        pred = self.predict(pages)
        keep = gold != ""
        return float(np.mean(gold[keep] == pred[keep])) if keep.any() else 0.0

    def _check_fitted(self) -> None:
        if not hasattr(self, "block_stage_"):
            raise ModelError("this BlockClassifier is not trained yet: call fit(pages) or load a model")

    # -- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike, card: dict[str, Any] | None = None) -> Path:
        """Write the model to ``path`` and its model card (hash, versions, ``card``) beside it as JSON.

        Returns the card's path. Both files are written atomically.
        """
        self._check_fitted()
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        joblib.dump({"format": MODEL_FORMAT, "feature_version": FEATURE_VERSION, "estimator": self}, tmp, compress=3)
        os.replace(tmp, path)
        full_card = {
            "model_file": path.name,
            "sha256": _sha256(path),
            "format": MODEL_FORMAT,
            "feature_version": FEATURE_VERSION,
            "n_features": self.n_features_in_,
            "classes": list(LABELS),
            "params": self.get_params(),
            "training": self.training_summary_,
            "versions": {
                "python": platform.python_version(),
                "scikit-learn": sklearn.__version__,
                "numpy": np.__version__,
            },
            **(card or {}),
        }
        card_path = card_path_for(path)
        tmp = card_path.with_name(card_path.name + ".tmp")
        tmp.write_text(json.dumps(full_card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, card_path)
        return card_path


def _inner_folds(n_splits: int, groups: np.ndarray, keep: np.ndarray, weights: np.ndarray):
    """Page-grouped folds for out-of-fold stages: (kept training rows, all test rows, their weights).

    Callers check first that there are at least two groups.
    """
    w_full = np.zeros(len(groups))
    w_full[keep] = weights
    folds = GroupKFold(n_splits=min(n_splits, len(np.unique(groups))))
    for train, test in folds.split(np.zeros(len(groups)), groups=groups):
        train = train[keep[train]]
        yield train, test, w_full[train]


def apply_temperature(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Rescale probabilities as if their logits were divided by ``temperature`` (rows sum to 1;
    the most likely class stays the most likely).

    >>> apply_temperature(np.array([[0.8, 0.2, 0.0]]), 2.0).round(3).tolist()
    [[0.667, 0.333, 0.0]]
    """
    with np.errstate(divide="ignore"):
        logp = np.log(proba) / temperature
    logp -= logp.max(axis=1, keepdims=True)
    out = np.exp(logp)
    return out / out.sum(axis=1, keepdims=True)


TEMPERATURE_RANGE = (0.2, 5.0)


def fit_temperature(proba: np.ndarray, y_idx: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """The temperature that minimises the (weighted) log loss of ``proba`` against ``y_idx``.

    >>> rng = np.random.RandomState(0)
    >>> y = rng.randint(0, 2, 2000)
    >>> sharp = np.where(rng.rand(2000) < 0.7, y, 1 - y)          # right 70% of the time...
    >>> proba = np.eye(2)[sharp] * 0.98 + 0.01                     # ...but 99% sure
    >>> fit_temperature(proba, y) > 1.5
    True
    """
    from scipy.optimize import minimize_scalar

    if len(y_idx) == 0:
        return 1.0
    w = np.ones(len(y_idx)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    with np.errstate(divide="ignore"):
        logp = np.log(proba)

    def loss(log_t: float) -> float:
        z = logp / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore"):
            log_norm = np.log(np.exp(z).sum(axis=1))
        picked = z[np.arange(len(y_idx)), y_idx] - log_norm
        return float(-(w * np.maximum(picked, -50.0)).sum() / w.sum())

    lo, hi = np.log(TEMPERATURE_RANGE[0]), np.log(TEMPERATURE_RANGE[1])
    result = minimize_scalar(loss, bounds=(lo, hi), method="bounded", options={"xatol": 1e-4})
    return round(float(np.exp(result.x)), 4)


@functools.lru_cache(maxsize=1)
def _thread_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_thread() -> Any:
    """A context that limits OpenMP (the trees' predict) to one thread."""
    return _thread_controller().limit(limits=1, user_api="openmp")


def card_path_for(path: str | os.PathLike) -> Path:
    """The model card's path for a model file: same name, ``.json``."""
    return Path(path).with_suffix(".json")


def load_model_file(path: str | os.PathLike) -> BlockClassifier:
    """Load a model saved by :meth:`BlockClassifier.save`, checking its card's hash and feature version."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    card_path = card_path_for(path)
    if not card_path.is_file():
        raise ModelError(f"{path}: its model card {card_path.name} is missing; save models with BlockClassifier.save")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc})") from None
    if not isinstance(card, dict):
        raise ModelError(f"{card_path}: not a model card (a JSON object), got a JSON {type(card).__name__}")
    digest = _sha256(path)
    if card.get("sha256") != digest:
        raise ModelError(
            f"{path}: SHA-256 {digest[:12]}… does not match its model card ({str(card.get('sha256'))[:12]}…); "
            "the file is corrupted or was replaced — retrain or restore it"
        )
    if card.get("feature_version") != FEATURE_VERSION:
        raise ModelError(
            f"{path}: made for feature version {card.get('feature_version')}, this library computes version "
            f"{FEATURE_VERSION}; retrain it with `boilerplate train`"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn version notes; the card records the version
            payload = joblib.load(path)
    except Exception as exc:  # joblib/pickle raise many types for a bad file
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("estimator"), BlockClassifier):
        raise ModelError(f"{path}: not a boilerplate model file")
    if payload.get("feature_version") != FEATURE_VERSION:
        raise ModelError(f"{path}: feature version {payload.get('feature_version')} != {FEATURE_VERSION}; retrain it")
    model = payload["estimator"]
    if getattr(model, "feature_names_", None) != model._expected_feature_names():
        raise ModelError(
            f"{path}: trained on {getattr(model, 'n_features_in_', '?')} feature columns that differ from this "
            f"library's {len(feature_names())} (same feature version: a development build?); retrain it"
        )
    return model


def gold_labels(page: LabelledPage, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Each block's gold label: the label of the spans covering most of its characters ('' if none)."""
    out = np.full(len(spans), "", dtype=object)
    gold = page.spans
    j = 0
    for i, (s, e) in enumerate(spans):
        while j < len(gold) and gold[j].end <= s:
            j += 1
        cover: dict[str, int] = {}
        k = j
        while k < len(gold) and gold[k].start < e:
            overlap = min(gold[k].end, e) - max(gold[k].start, s)
            if overlap > 0:
                cover[gold[k].label] = cover.get(gold[k].label, 0) + overlap
            k += 1
        if cover:
            out[i] = max(cover.items(), key=lambda kv: (kv[1], -LABELS.index(kv[0])))[0]
    return out


def _context_matrix(proba: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Context of every block from the block stage's probabilities, within its page.

    Columns: the probabilities of the blocks at offsets -2, -1, +1, +2 (zeros past the page's
    edges); their means over windows of 3 and 10 blocks each side; the page's mean; and the
    *main region*: the run of blocks with the largest total of ``p(body) - 0.5`` (the article as
    a contiguous stretch of body-like blocks), given as inside/outside, the distance to it in
    blocks, and the share of the page's blocks it spans.
    """
    n, k = proba.shape
    cols = []
    idx = np.arange(n)
    for off in _CONTEXT_OFFSETS:
        j = idx + off
        ok = (j >= 0) & (j < n)
        ok[ok] &= groups[j[ok]] == groups[ok]
        shifted = np.zeros_like(proba)
        shifted[ok] = proba[j[ok]]
        cols.append(shifted)
    page_start = np.searchsorted(groups, groups, side="left")
    page_end = np.searchsorted(groups, groups, side="right")
    # running sums restarting at each page, so that no page's values depend on the rounding of
    # the pages before it in the batch
    bounds = np.append(np.flatnonzero(page_start == idx), n)
    page = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))  # each row's page within the batch
    csum = page_cumsum(proba, bounds)
    for w in _CONTEXT_WINDOWS:
        cols.append(window_mean(proba, csum, w, page, page_start, page_end))
    count = (page_end - page_start)[:, None]
    cols.append((csum[page_end + page] - csum[page_start + page]) / count)
    cols.append(_main_region(proba[:, LABELS.index("body")] - 0.5, groups))
    return np.hstack(cols)


def _main_region(gain: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per block: inside the page's maximum-sum run of ``gain``, log distance to it, its relative size."""
    out = np.zeros((len(gain), 3))
    bounds = np.flatnonzero(np.diff(groups)) + 1
    for lo, hi in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [len(gain)]))):
        prefix = np.concatenate(([0.0], np.cumsum(gain[lo:hi])))
        low_so_far = np.minimum.accumulate(prefix)
        end = int(np.argmax(prefix - low_so_far))  # the run ends before block `end`
        if prefix[end] - low_so_far[end] <= 0:
            out[lo:hi, 1] = np.log1p(hi - lo)
            continue
        start = end - int(np.argmax((prefix[: end + 1] == low_so_far[end])[::-1]))  # last minimum
        pos = np.arange(hi - lo)
        inside = (pos >= start) & (pos < end)
        dist = np.where(inside, 0, np.where(pos < start, start - pos, pos - end + 1))
        out[lo:hi, 0] = inside
        out[lo:hi, 1] = np.log1p(dist)
        out[lo:hi, 2] = (end - start) / (hi - lo)
    return out


def _featurize_chunks(texts: Sequence[str]) -> Iterator[list[int]]:
    """Indices of consecutive texts holding about :data:`FEATURIZE_CHARS` characters (a longer text alone).

    >>> list(_featurize_chunks(["a" * FEATURIZE_CHARS, "b", "c"]))
    [[0], [1, 2]]
    """
    chunk: list[int] = []
    size = 0
    for i, text in enumerate(texts):
        if chunk and size + len(text) > FEATURIZE_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(i)
        size += len(text)
    if chunk:
        yield chunk


def _spans(blocks: Sequence[Any]) -> list[tuple[int, int]]:
    return [(b.start, b.end) if hasattr(b, "start") else (int(b[0]), int(b[1])) for b in blocks]


def _check_pages(X: Any) -> list[LabelledPage]:
    if isinstance(X, LabelledPage):
        X = [X]
    pages = list(X)
    if not pages:
        raise DataError("no training pages given")
    for p in pages:
        if not isinstance(p, LabelledPage):
            raise InputError(f"expected LabelledPage objects (see boilerplate.read_pages), got {type(p).__name__}")
    return pages


def check_page_weights(sample_weight: Any, n_pages: int) -> np.ndarray:
    """One finite, non-negative weight per page (all 1.0 for ``None``)."""
    if sample_weight is None:
        return np.ones(n_pages)
    try:
        w = np.asarray(sample_weight, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise InputError("sample_weight must be numbers, one per page") from None
    if len(w) != n_pages:
        raise InputError(f"sample_weight has {len(w)} values for {n_pages} pages: give one per page")
    if not np.all(np.isfinite(w)) or (w < 0).any() or not (w > 0).any():
        raise InputError("sample_weight must be finite, non-negative and not all zero")
    return w


def _text_of(page: str | LabelledPage) -> str:
    """The text of a page given as a string or as a :class:`LabelledPage`."""
    return page.text if isinstance(page, LabelledPage) else page


def _pages(X: Iterable[Any]) -> Iterable[str | LabelledPage]:
    if isinstance(X, (str, LabelledPage)):
        X = [X]
    for item in X:
        if isinstance(item, (LabelledPage, str)):
            yield item
        else:
            raise InputError(f"expected page texts (str) or LabelledPage objects, got {type(item).__name__}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
