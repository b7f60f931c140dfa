"""Classified documents as a pandas DataFrame: one row per block, ready for filtering and plotting.

Columns, in order: ``page_id``, ``block`` (index in the page), ``start``, ``end``, ``text``,
``label``, then ``score_<label>`` for every label in :data:`~boilerplate.document.LABELS`, then
(with ``features=True``) one column per model feature, named as in the model's
``feature_names_`` (prefixed ``feature_`` only where a name would clash with a column above).

pandas is optional: install it with ``pip install boilerplate[pandas]``.

>>> from boilerplate.document import Block, Document
>>> doc = Document("Hi\\n\\nFoto: AFP", [Block(0, 2, "Hi", "body", {"body": 0.9, "caption": 0.1}),
...                                     Block(4, 13, "Foto: AFP", "caption", {"caption": 0.7})], id="p1")
>>> df = to_pandas([doc])
>>> df[["page_id", "block", "label", "score_body"]].values.tolist()
[['p1', 0, 'body', 0.9], ['p1', 1, 'caption', 0.0]]
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

import numpy as np

from .document import LABELS, Document
from .errors import BoilerplateError, InputError

if TYPE_CHECKING:
    import pandas as pd

BASE_COLUMNS: tuple[str, ...] = ("page_id", "block", "start", "end", "text", "label")
SCORE_COLUMNS: tuple[str, ...] = tuple(f"score_{label}" for label in LABELS)


def require_pandas() -> Any:
    """Import and return pandas, or raise :class:`BoilerplateError` saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise BoilerplateError(
            "this needs pandas, which is not installed: pip install boilerplate[pandas]"
        ) from None
    return pandas


def to_pandas(
    docs: Document | Iterable[Document],
    features: bool = False,
    model: Any = None,
) -> "pd.DataFrame":
    """One row per block of ``docs`` (a document or an iterable of them).

    A document without an ``id`` gets its position in ``docs`` as ``page_id``. A block
    without a score for a label gets 0.0 there (NaN if the block has no scores at all).
    With ``features=True`` the feature matrix comes from ``model.featurize(text, blocks)``;
    the model is ``model`` if given, else ``doc.meta["model"]`` (the one that classified the
    document), else the bundled default.

    >>> from boilerplate.document import Block, Document
    >>> to_pandas(Document("x", [Block(0, 1, "x", "ad")])).columns.tolist()[:7]
    ['page_id', 'block', 'start', 'end', 'text', 'label', 'score_body']
    """
    pd = require_pandas()
    if isinstance(docs, Document):
        docs = [docs]
    frames = []
    for pos, doc in enumerate(docs):
        if not isinstance(doc, Document):
            raise InputError(f"to_pandas takes documents from classify or classify_many; item {pos} is a "
                             f"{type(doc).__name__}")
        columns = _base_columns(doc, pos)
        if features:
            columns.update(_feature_columns(doc, _model_for(doc, model)))
        frames.append(pd.DataFrame(columns))
    if not frames:
        return pd.DataFrame({c: [] for c in BASE_COLUMNS + SCORE_COLUMNS})
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _base_columns(doc: Document, pos: int) -> dict[str, Any]:
    n = len(doc.blocks)
    page_id = doc.id if doc.id is not None else pos
    scores = np.full((n, len(LABELS)), np.nan)
    for i, b in enumerate(doc.blocks):
        if b.scores is not None:
            scores[i] = [b.scores.get(label, 0.0) for label in LABELS]
    columns: dict[str, Any] = {
        "page_id": [page_id] * n,
        "block": np.arange(n),
        "start": np.fromiter((b.start for b in doc.blocks), dtype=np.int64, count=n),
        "end": np.fromiter((b.end for b in doc.blocks), dtype=np.int64, count=n),
        "text": [b.text for b in doc.blocks],
        "label": [b.label for b in doc.blocks],
    }
    for j, name in enumerate(SCORE_COLUMNS):
        columns[name] = scores[:, j]
    return columns


def _feature_columns(doc: Document, model: Any) -> dict[str, np.ndarray]:
    names = list(model.feature_names_)
    matrix = np.asarray(model.featurize(doc.text, doc.blocks), dtype=float)
    if matrix.shape != (len(doc.blocks), len(names)):
        raise BoilerplateError(
            f"the model's featurize gave a {matrix.shape} matrix for {len(doc.blocks)} blocks and "
            f"{len(names)} feature names; the model and the document do not match"
        )
    taken = set(BASE_COLUMNS) | set(SCORE_COLUMNS)
    return {(f"feature_{n}" if n in taken else n): matrix[:, j] for j, n in enumerate(names)}


def _model_for(doc: Document, model: Any) -> Any:
    if model is not None:
        return model
    if doc.meta.get("model") is not None:
        return doc.meta["model"]
    from .api import load_model

    return load_model()
