"""Why did a block get its label? The features that pushed the decision, with their contributions.

The method is model-agnostic occlusion: for the predicted class ``c`` of block ``i`` with
feature row ``x``, the contribution of feature ``j`` is

    p_c(x) - p_c(x with x[j] replaced by the model's reference value feature_medians_[j])

so a positive contribution means "this feature's value made ``c`` more likely than a typical
value would have", and a feature at its median contributes nothing. All perturbed rows are
scored in one call to the model. Contributions need not add up to ``p_c(x)``: features act
together, and this measures each one alone.

>>> import numpy as np
>>> class Toy:  # p(body) rises with feature "long"; "noise" is ignored
...     classes_ = ["body", "ad"]; feature_names_ = ["long", "noise"]
...     feature_medians_ = np.array([0.0, 0.0])
...     def featurize(self, text, blocks): return np.array([[1.0, 5.0]])
...     def predict_proba_features(self, X):
...         p = 1 / (1 + np.exp(-3 * X[:, 0])); return np.c_[p, 1 - p]
>>> ex = explain_block(Toy(), "x", [None], 0)
>>> (ex.label, [r.feature for r in ex.rows])
('body', ['long', 'noise'])
>>> round(ex.rows[0].contribution, 3), ex.rows[1].contribution
(0.453, 0.0)
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .errors import InputError, ModelError

if TYPE_CHECKING:
    import pandas as pd

TOP_K_DEFAULT = 10
"""Rows shown by default: the features with the largest absolute contribution."""


@dataclass(frozen=True)
class Contribution:
    """One feature's part in a decision: its value, the reference it was compared with, the effect."""

    feature: str
    value: float
    reference: float
    contribution: float


@dataclass
class Explanation:
    """The features that pushed block ``block`` towards ``label`` (probability ``probability``)."""

    block: int
    text: str
    label: str
    probability: float
    rows: list[Contribution]

    def to_pandas(self) -> "pd.DataFrame":
        """The rows as a DataFrame (columns feature, value, reference, contribution)."""
        from .frames import require_pandas

        pd = require_pandas()
        return pd.DataFrame(
            [(r.feature, r.value, r.reference, r.contribution) for r in self.rows],
            columns=["feature", "value", "reference", "contribution"],
        )

    def __str__(self) -> str:
        snippet = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        width = max([len("feature")] + [len(r.feature) for r in self.rows])
        lines = [
            f"block {self.block} -> {self.label} (p={self.probability:.3f}): {snippet!r}",
            f"{'feature':<{width}}  {'value':>10}  {'reference':>10}  {'contribution':>12}",
        ]
        lines += [
            f"{r.feature:<{width}}  {r.value:>10.4g}  {r.reference:>10.4g}  {r.contribution:>+12.4f}"
            for r in self.rows
        ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        scale = max([abs(r.contribution) for r in self.rows] + [1e-12])
        body = []
        for r in self.rows:
            width = int(round(60 * abs(r.contribution) / scale))
            colour = "#2f7d32" if r.contribution >= 0 else "#b02a2a"
            body.append(
                f"<tr><td style='text-align:left'>{html.escape(r.feature)}</td>"
                f"<td>{r.value:.4g}</td><td>{r.reference:.4g}</td><td>{r.contribution:+.4f}</td>"
                f"<td style='text-align:left'><span style='display:inline-block;height:0.8em;"
                f"width:{width}px;background:{colour}'></span></td></tr>"
            )
        snippet = html.escape(self.text if len(self.text) <= 80 else self.text[:77] + "...")
        return (
            f"<div><b>block {self.block}</b> → <b>{html.escape(self.label)}</b> "
            f"(p={self.probability:.3f}): <i>{snippet}</i>"
            "<table style='text-align:right'><tr><th style='text-align:left'>feature</th><th>value</th>"
            f"<th>reference</th><th>contribution</th><th></th></tr>{''.join(body)}</table></div>"
        )


def explain_block(
    model: Any,
    text: str,
    blocks: Sequence[Any],
    i: int,
    top_k: int | None = TOP_K_DEFAULT,
    label: str | None = None,
) -> Explanation:
    """Explain the decision for block ``i`` of ``text`` (segmented into ``blocks``).

    ``label`` is the class whose probability is explained (default: the predicted one);
    ``top_k`` limits the rows to the strongest features (``None``: every feature).
    The model needs ``featurize``, ``feature_names_``, ``feature_medians_``, ``classes_`` and a
    way to score a feature matrix: ``_proba_from_features(X, page_sizes)`` (page-level, as
    :class:`~boilerplate.model.BlockClassifier` has) or ``predict_proba_features(X)`` (row-wise).
    """
    n = len(blocks)
    if not isinstance(i, (int, np.integer)) or not -n <= i < n:
        raise InputError(f"block index {i!r} is out of range for a document of {n} blocks")
    i = int(i) % n
    names = list(model.feature_names_)
    medians = getattr(model, "feature_medians_", None)
    medians = np.asarray(medians if medians is not None else [], dtype=float)
    if medians.shape != (len(names),):
        raise ModelError("the model has no feature_medians_ matching its feature_names_; retrain it")
    X = np.asarray(model.featurize(text, list(blocks)), dtype=float)
    x = X[i]
    proba = _perturbed_proba(model, X, i, medians)
    classes = [str(c) for c in model.classes_]
    if label is None:
        c = int(np.argmax(proba[0]))
    elif label in classes:
        c = classes.index(label)
    else:
        raise InputError(f"unknown label {label!r} (expected one of {', '.join(classes)})")
    contrib = proba[0, c] - proba[1:, c]
    order = np.argsort(-np.abs(contrib), kind="stable")
    if top_k is not None:
        order = order[:top_k]
    block_text = getattr(blocks[i], "text", "")
    return Explanation(
        block=i,
        text=block_text if isinstance(block_text, str) else "",
        label=classes[c],
        probability=float(proba[0, c]),
        rows=[Contribution(names[j], float(x[j]), float(medians[j]), float(contrib[j])) for j in order],
    )


MAX_ROWS_PER_CALL = 200_000
"""Rows scored per model call; a huge page's copies are scored in a few calls instead of one."""


def _perturbed_proba(model: Any, X: np.ndarray, i: int, medians: np.ndarray) -> np.ndarray:
    """Probabilities of block ``i``: row 0 as it is, row ``1 + j`` with feature ``j`` at its median.

    A row-wise model (``predict_proba_features``) scores just the ``n_features + 1`` rows. A
    page-level model (``_proba_from_features(X, page_sizes)``, whose context stage reads the
    neighbours' probabilities) scores ``n_features + 1`` copies of the page with row ``i``
    changed; for :class:`~boilerplate.model.BlockClassifier` a shortcut runs the trees on the
    changed rows only (see :func:`_two_stage_proba`), checked against the full computation.
    """
    n, f = X.shape
    rows = np.repeat(X[i][None, :], f + 1, axis=0)
    idx = np.arange(f)
    rows[idx + 1, idx] = medians
    page_scorer = getattr(model, "_proba_from_features", None)
    if page_scorer is None:
        row_scorer = getattr(model, "predict_proba_features", None)
        if row_scorer is None:
            raise ModelError(f"{type(model).__name__} cannot score a feature matrix, so it cannot be explained")
        return np.asarray(row_scorer(rows), dtype=float)
    fast = _two_stage_proba(model, X, i, rows)
    if fast is not None:
        return fast
    per_call = max(1, MAX_ROWS_PER_CALL // max(n, 1))
    out = []
    for first in range(0, f + 1, per_call):
        copies = np.repeat(X[None, :, :], min(per_call, f + 1 - first), axis=0)  # (copies, n, f)
        copies[:, i, :] = rows[first:first + len(copies)]
        proba = np.asarray(page_scorer(copies.reshape(-1, f), [n] * len(copies)), dtype=float)
        out.append(proba.reshape(len(copies), n, -1)[:, i, :])
    return np.vstack(out)


def _two_stage_proba(model: Any, X: np.ndarray, i: int, rows: np.ndarray) -> np.ndarray | None:
    """Block ``i``'s probabilities for each of ``rows`` as its feature row, by BlockClassifier's two stages.

    Changing row ``i`` changes only block ``i``'s block-stage probabilities, so the block stage
    runs on the page once and on ``rows`` once; the context matrix (cheap numpy) is built for
    every copy of the page, and the context stage runs on block ``i``'s rows only. Returns None
    (use the full computation) if the model is not built that way or the shortcut does not
    reproduce the model's own score for the unchanged page.
    """
    import sys

    stage = getattr(model, "block_stage_", None)
    context_stage = getattr(model, "context_stage_", None)
    stage_proba = getattr(model, "_stage_proba", None)
    context_matrix = getattr(sys.modules.get(type(model).__module__), "_context_matrix", None)
    if stage is None or stage_proba is None or (context_stage is not None and context_matrix is None):
        return None
    try:
        row_proba = stage_proba(stage, rows)  # (f + 1, k)
        if context_stage is None:
            out = row_proba
        else:
            n = len(X)
            page_proba = stage_proba(stage, X)  # (n, k)
            per_call = max(1, MAX_ROWS_PER_CALL // max(n, 1))
            ctx = []
            for first in range(0, len(rows), per_call):
                m = min(per_call, len(rows) - first)
                copies = np.repeat(page_proba[None, :, :], m, axis=0)
                copies[:, i, :] = row_proba[first:first + m]
                groups = np.repeat(np.arange(m), n)
                ctx.append(context_matrix(copies.reshape(m * n, -1), groups).reshape(m, n, -1)[:, i, :])
            out = stage_proba(context_stage, np.hstack([rows, np.vstack(ctx)]))
        reference = np.asarray(model._proba_from_features(X, [len(X)]), dtype=float)[i]
    except Exception:  # a model built differently: fall back to the full computation
        return None
    return out if np.allclose(out[0], reference, atol=1e-9) else None
