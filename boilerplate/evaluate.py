"""Measure a model on labelled pages: grouped cross-validation, per-class scores, confusion, calibration.

Gold labels are per block: the page is segmented by :func:`boilerplate.segment.block_spans` and each
block takes the label of the gold spans covering most of its characters (blocks that no span covers
are left out). This is what the model is trained on, so training and scoring agree.

>>> from boilerplate.pages import LabelledPage
>>> page = LabelledPage.from_blocks("p", [("A title", "body"), ("Anzeige", "ad")])
>>> gold_labels(page, [(0, 7), (9, 16)]).tolist()
['body', 'ad']
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence
from urllib.parse import urlparse

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from .document import LABELS
from .errors import DataError, InputError
from .model import BlockClassifier, apply_temperature, gold_labels
from .pages import LabelledPage
from .segment import block_spans

__all__ = ["BlockPredictions", "cross_val_predict_pages", "predict_pages", "scores", "gold_labels",
           "expected_calibration_error", "format_report", "worst_pages"]


@dataclass
class BlockPredictions:
    """Per-block gold and predicted labels with probabilities, and where each block comes from."""

    gold: np.ndarray          # object array of labels
    pred: np.ndarray          # object array of labels
    proba: np.ndarray         # (n_blocks, 5), columns in LABELS order
    page_id: np.ndarray       # object array
    lang: np.ndarray          # object array ('' when unknown)
    source: np.ndarray        # object array ('' when unknown)
    text: list[str] = field(default_factory=list)
    page_index: np.ndarray | None = None  # index into the pages list
    block_index: np.ndarray | None = None  # index of the block within its page
    model_index: np.ndarray | None = None  # which of `models` scored the block
    models: list[BlockClassifier] = field(default_factory=list)

    def subset(self, mask: np.ndarray) -> "BlockPredictions":
        idx = np.flatnonzero(mask)
        return BlockPredictions(
            self.gold[idx], self.pred[idx], self.proba[idx], self.page_id[idx], self.lang[idx],
            self.source[idx], [self.text[i] for i in idx] if self.text else [],
            None if self.page_index is None else self.page_index[idx],
            None if self.block_index is None else self.block_index[idx],
            None if self.model_index is None else self.model_index[idx], self.models,
        )


GROUPINGS = ("page", "site", "lang")
"""What a cross-validation fold keeps together (see :func:`page_groups`)."""


def page_groups(pages: Sequence[LabelledPage], by: str = "page") -> np.ndarray:
    """Group ids for cross-validation: one per page (``"page"``; a page and its ``#wet`` twin share one),
    one per site (``"site"``: the URL's host, else the id's prefix), or one per language (``"lang"``:
    :func:`page_language`, so that every language is scored by a model that never saw it).

    >>> pages = [LabelledPage("a", "x", [], lang="zh-cn"), LabelledPage("b", "x", [], lang="zh"),
    ...          LabelledPage("c", "x", [], lang="de")]
    >>> page_groups(pages, "lang").tolist(), page_groups(pages, "page").tolist()
    ([1, 1, 0], [0, 1, 2])
    """
    if by not in GROUPINGS:
        raise DataError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
    keys = []
    for p in pages:
        base = p.base_id
        if by == "site":
            host = urlparse(p.url).netloc if p.url else ""
            keys.append(host.removeprefix("www.") or base.rsplit("-", 1)[0])
        elif by == "lang":
            keys.append(page_language(p) or "(unknown)")
        else:
            keys.append(base)
    _, ids = np.unique(np.array(keys, dtype=object), return_inverse=True)
    return ids


def page_language(page: LabelledPage) -> str:
    """A page's language as folds by language see it: the primary subtag of its ``lang``
    (``"zh-cn"`` and ``"zh"`` are one language), ``""`` when unknown."""
    return (page.lang or "").strip().lower().replace("_", "-").split("-")[0]


def predict_pages(model: BlockClassifier, pages: Sequence[LabelledPage]) -> BlockPredictions:
    """Score ``model`` on ``pages`` (no training)."""
    parts = [_predict_one(model, p, i) for i, p in enumerate(pages)]
    return _concat(parts, [model])


def cross_val_predict_pages(
    model: BlockClassifier,
    pages: Sequence[LabelledPage],
    folds: int = 5,
    group_by: str = "page",
    extra_train: Sequence[LabelledPage] = (),
    progress: Any = None,
    sample_weight: Sequence[float] | None = None,
) -> BlockPredictions:
    """Out-of-fold predictions: each page is predicted by a clone of ``model`` trained on the other folds.

    Folds are grouped (``group_by="page"`` keeps a page's two shapes together; ``"site"`` keeps a site
    together; ``"lang"`` a language). ``extra_train`` pages are added to every training fold and
    never scored; with ``"lang"``, a fold leaves out the extra pages in its held-out languages too.
    ``sample_weight``: one weight per page of ``pages`` (``extra_train`` pages weigh 1), passed to
    each fold's ``fit`` for its training pages.
    """
    if len(pages) < 2:
        raise DataError("cross-validation needs at least two pages")
    if sample_weight is not None and len(sample_weight) != len(pages):
        raise InputError(f"sample_weight has {len(sample_weight)} values for {len(pages)} pages: give one per page")
    if folds < 2:
        raise InputError(f"folds={folds}: cross-validation needs at least 2 folds")
    groups = page_groups(pages, group_by)
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise DataError(f"cross-validation needs at least two {group_by} groups, got {n_groups}")
    folds = min(folds, n_groups)
    parts: list[BlockPredictions | None] = [None] * len(pages)
    splits = list(GroupKFold(n_splits=folds).split(np.zeros(len(pages)), groups=groups))
    models = []
    for k, (train, test) in enumerate(splits):
        extra = list(extra_train)
        if group_by == "lang":  # a held-out language must be new to the model: none of its pages in training
            held_out = {page_language(pages[i]) for i in test}
            extra = [p for p in extra if page_language(p) not in held_out]
        weights = None if sample_weight is None else [sample_weight[i] for i in train] + [1.0] * len(extra)
        fold_model = clone(model).fit([pages[i] for i in train] + extra, sample_weight=weights)
        models.append(fold_model)
        for i in test:
            parts[i] = _predict_one(fold_model, pages[i], i, k)
        if progress is not None:
            progress(k + 1, len(splits))
    return _concat([p for p in parts if p is not None], models)


def site_grouped_predictions(preds: BlockPredictions, pages: Sequence[LabelledPage]) -> BlockPredictions:
    """The fold models of ``preds`` again, each now classifying its held-out pages together,
    grouped by site (:mod:`boilerplate.sites`): what a crawl of whole sites gets.

    Same blocks in the same order as ``preds``; use folds grouped by site, so that no page's
    siblings were in its model's training data.
    """
    parts: list[BlockPredictions | None] = [None] * len(pages)
    for k, model in enumerate(preds.models):
        held_out = sorted(set(preds.page_index[preds.model_index == k].tolist()))
        spans = [block_spans(pages[i].text) for i in held_out]
        site = model._site_repetition([pages[i] for i in held_out], spans)
        for i, sp, rep in zip(held_out, spans, site):
            parts[i] = _predict_one(model, pages[i], i, k, spans=sp, site=rep)
    return _concat([p for p in parts if p is not None], preds.models)


def _predict_one(model: BlockClassifier, page: LabelledPage, index: int, model_index: int = 0,
                 spans: Sequence[tuple[int, int]] | None = None, site: np.ndarray | None = None) -> BlockPredictions:
    spans = block_spans(page.text) if spans is None else spans
    gold = gold_labels(page, spans)
    proba = model.predict_proba_blocks(page.text, spans, site=site)
    keep = gold != ""
    n = int(keep.sum())
    pred = np.array(LABELS, dtype=object)[np.argmax(proba, axis=1)] if len(proba) else np.zeros(0, dtype=object)
    return BlockPredictions(
        gold=gold[keep], pred=pred[keep], proba=proba[keep],
        page_id=np.full(n, page.id, dtype=object), lang=np.full(n, page.lang or "", dtype=object),
        source=np.full(n, page.source or "", dtype=object),
        text=[page.text[s:e] for (s, e), k in zip(spans, keep) if k],
        page_index=np.full(n, index), block_index=np.flatnonzero(keep), model_index=np.full(n, model_index),
    )


def _concat(parts: Sequence[BlockPredictions], models: list[BlockClassifier]) -> BlockPredictions:
    if not parts:
        raise DataError("no labelled blocks to score")
    return BlockPredictions(
        gold=np.concatenate([p.gold for p in parts]), pred=np.concatenate([p.pred for p in parts]),
        proba=np.vstack([p.proba for p in parts]), page_id=np.concatenate([p.page_id for p in parts]),
        lang=np.concatenate([p.lang for p in parts]), source=np.concatenate([p.source for p in parts]),
        text=[t for p in parts for t in p.text],
        page_index=np.concatenate([p.page_index for p in parts]),
        block_index=np.concatenate([p.block_index for p in parts]),
        model_index=np.concatenate([p.model_index for p in parts]), models=models,
    )


def scores(gold: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, accuracy, macro-F1 over the classes present in gold,
    and the confusion matrix (rows gold, columns predicted, in LABELS order).

    >>> s = scores(np.array(["body", "ad"]), np.array(["body", "body"]))
    >>> s["per_class"]["body"]["precision"], s["accuracy"]
    (0.5, 0.5)
    """
    per_class = {}
    for lab in LABELS:
        tp = int(np.sum((gold == lab) & (pred == lab)))
        fp = int(np.sum((gold != lab) & (pred == lab)))
        fn = int(np.sum((gold == lab) & (pred != lab)))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per_class[lab] = {"precision": p, "recall": r, "f1": f, "support": tp + fn}
    present = [lab for lab in LABELS if per_class[lab]["support"]]
    confusion = [[int(np.sum((gold == g) & (pred == q))) for q in LABELS] for g in LABELS]
    return {
        "accuracy": float(np.mean(gold == pred)) if len(gold) else 0.0,
        "macro_f1": float(np.mean([per_class[lab]["f1"] for lab in present])) if present else 0.0,
        "per_class": per_class,
        "confusion": confusion,
        "blocks": int(len(gold)),
    }


def expected_calibration_error(proba: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    """ECE of the top-class probability: the bin-weighted gap between confidence and accuracy."""
    if len(proba) == 0:
        return 0.0
    conf = proba.max(axis=1)
    correct = np.array(LABELS, dtype=object)[proba.argmax(axis=1)] == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        m = which == b
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(ece)


def uncalibrated_proba(preds: BlockPredictions) -> np.ndarray | None:
    """The probabilities before each scoring model's temperature (None if no model was calibrated).

    Temperature scaling is invertible, so the same predictions give ECE before and after calibration.
    """
    temps = [getattr(m, "temperature_", 1.0) for m in preds.models]
    if preds.model_index is None or not temps or all(t == 1.0 for t in temps):
        return None
    per_block = np.asarray(temps, dtype=float)[preds.model_index]
    out = preds.proba.copy()
    for t in np.unique(per_block):
        rows = per_block == t
        out[rows] = apply_temperature(preds.proba[rows], 1.0 / t)
    return out


def summary(preds: BlockPredictions) -> dict[str, Any]:
    """Scores overall, per language and per source, plus calibration error."""
    out = scores(preds.gold, preds.pred)
    out["ece"] = expected_calibration_error(preds.proba, preds.gold)
    uncalibrated = uncalibrated_proba(preds)
    if uncalibrated is not None:
        out["ece_uncalibrated"] = expected_calibration_error(uncalibrated, preds.gold)
    out["pages"] = int(len(np.unique(preds.page_id)))
    for key, values in (("per_language", preds.lang), ("per_source", preds.source)):
        groups = {}
        for v in sorted(set(values.tolist())):
            m = values == v
            s = scores(preds.gold[m], preds.pred[m])
            groups[v or "?"] = {"blocks": s["blocks"], "pages": int(len(np.unique(preds.page_id[m]))),
                                "accuracy": s["accuracy"], "macro_f1": s["macro_f1"],
                                "body_f1": s["per_class"]["body"]["f1"]}
        out[key] = groups
    return out


def worst_pages(preds: BlockPredictions, n: int) -> list[dict[str, Any]]:
    """The ``n`` pages with the most misclassified blocks (a page and its ``#wet`` twin count as
    one), most first: their blocks, errors, body false positives and negatives, body F1, the most
    frequent confusion, and the share of all errors held by this page and those listed above it.

    When a few pages hold much of the error, look at their labels first: under cross-validation
    (``--group-folds``) each page is judged by a model that never saw it, so a page whose labels
    contradict the other pages' (a table labelled body here and navigation there) stands out.

    >>> gold = np.array(["body", "ad", "ad", "body"], dtype=object)
    >>> pred = np.array(["ad", "body", "ad", "body"], dtype=object)
    >>> ids = np.array(["a", "a#wet", "b", "c"], dtype=object)
    >>> none = np.full(4, "", dtype=object)
    >>> rows = worst_pages(BlockPredictions(gold, pred, np.zeros((4, 5)), ids, none, none), 5)
    >>> [(r["page"], r["blocks"], r["errors"], r["body_fn"], r["error_share"]) for r in rows]
    [('a', 2, 2, 1, 1.0)]
    """
    base = np.array([str(pid).split("#", 1)[0] for pid in preds.page_id], dtype=object)
    wrong = preds.gold != preds.pred
    total = int(wrong.sum())
    if n <= 0 or total == 0:
        return []
    names, page = np.unique(base, return_inverse=True)
    errors = np.bincount(page, weights=wrong, minlength=len(names)).astype(int)
    order = sorted(np.flatnonzero(errors).tolist(), key=lambda k: (-errors[k], names[k]))[:n]
    out, running = [], 0
    for k in order:
        m = page == k
        s = scores(preds.gold[m], preds.pred[m])
        body = s["per_class"]["body"]
        pairs = Counter(zip(preds.gold[m & wrong].tolist(), preds.pred[m & wrong].tolist()))
        (gold, pred), count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        running += int(errors[k])
        out.append({
            "page": str(names[k]), "lang": str(preds.lang[m][0]) if m.any() else "",
            "blocks": int(m.sum()), "errors": int(errors[k]),
            "body_fp": int(np.sum(m & (preds.gold != "body") & (preds.pred == "body"))),
            "body_fn": int(np.sum(m & (preds.gold == "body") & (preds.pred != "body"))),
            "body_f1": body["f1"], "top_confusion": {"gold": gold, "pred": pred, "blocks": count},
            "error_share": running / total,
        })
    return out


def format_worst_pages(rows: Sequence[dict[str, Any]]) -> str:
    """A plain-text table of :func:`worst_pages`."""
    lines = [f"{'page':32s} {'lang':5s} {'blocks':>6s} {'errors':>6s} {'body FP':>7s} {'body FN':>7s} "
             f"{'body F1':>7s} {'cumulative':>10s}  most frequent error"]
    for r in rows:
        c = r["top_confusion"]
        lines.append(f"{r['page'][:32]:32s} {r['lang'][:5]:5s} {r['blocks']:6d} {r['errors']:6d} {r['body_fp']:7d} "
                     f"{r['body_fn']:7d} {r['body_f1']:7.3f} {r['error_share']:10.2f}  "
                     f"{c['gold']} taken for {c['pred']} ({c['blocks']})")
    return "\n".join(lines)


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of a :func:`summary` result."""
    lines = [f"{result['blocks']} blocks on {result.get('pages', '?')} pages: accuracy {result['accuracy']:.3f}, "
             f"macro-F1 {result['macro_f1']:.3f}, ECE {result.get('ece', float('nan')):.3f}"
             + (f" ({result['ece_uncalibrated']:.3f} before calibration)" if "ece_uncalibrated" in result else ""), "",
             f"{'label':8s} {'P':>6s} {'R':>6s} {'F1':>6s} {'support':>8s}"]
    for lab, s in result["per_class"].items():
        lines.append(f"{lab:8s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:8d}")
    lines += ["", "confusion (rows gold, columns predicted):", "         " + " ".join(f"{l:>8s}" for l in LABELS)]
    for lab, row in zip(LABELS, result["confusion"]):
        lines.append(f"{lab:8s} " + " ".join(f"{v:8d}" for v in row))
    for key in ("per_language", "per_source"):
        if len(result.get(key, {})) > 1:
            lines += ["", f"{key.replace('_', ' ')}:", f"{'':10s} {'pages':>6s} {'blocks':>7s} {'acc':>6s} "
                      f"{'macroF1':>8s} {'bodyF1':>7s}"]
            for name, g in result[key].items():
                lines.append(f"{name:10s} {g['pages']:6d} {g['blocks']:7d} {g['accuracy']:6.3f} "
                             f"{g['macro_f1']:8.3f} {g['body_f1']:7.3f}")
    return "\n".join(lines)
