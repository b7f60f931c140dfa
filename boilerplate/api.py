"""The public entry points: classify one page, classify many, load a model.

>>> import boilerplate
>>> doc = boilerplate.classify("Weather\\n\\nIt rained all day in the valley, and the river rose.")
>>> len(doc.blocks), sorted(doc.blocks[0].scores) == sorted(boilerplate.LABELS)
(2, True)
"""
from __future__ import annotations

import functools
import importlib.resources
import os
from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .document import LABELS, Block, Document
from .errors import InputError, ModelError
from .model import BlockClassifier, load_model_file
from .segment import block_spans

DEFAULT_MODEL = "default.joblib"


def load_model(path: str | os.PathLike | None = None) -> BlockClassifier:
    """Load a model file (checked against its model card), or the bundled default with ``None``.

    Raises :class:`ModelError` if the file is missing, corrupted, or made for another feature version.
    """
    if path is None:
        return _default_model()
    return load_model_file(path)


@functools.lru_cache(maxsize=1)
def _default_model() -> BlockClassifier:
    resource = importlib.resources.files("boilerplate.models") / DEFAULT_MODEL
    if not resource.is_file():
        raise ModelError(
            "the bundled default model is missing from this installation; reinstall boilerplate "
            "or pass a model trained with `boilerplate train`"
        )
    with importlib.resources.as_file(resource) as path:
        return load_model_file(path)


def classify(text: str, model: BlockClassifier | None = None, *, id: str | None = None,
             url: str | None = None) -> Document:
    """Segment ``text`` and label every block.

    ``model`` defaults to the bundled model. Raises :class:`InputError` if ``text`` is not a str.

    >>> doc = classify("Foto: AFP")
    >>> doc.blocks[0].text
    'Foto: AFP'
    """
    return next(classify_many([text], model=model, ids=None if id is None else [id],
                              urls=None if url is None else [url]))


def classify_many(
    texts: Iterable[str],
    batch_size: int = 64,
    model: BlockClassifier | None = None,
    *,
    ids: Iterable[str | None] | None = None,
    urls: Iterable[str | None] | None = None,
) -> Iterator[Document]:
    """Classify pages lazily, ``batch_size`` pages per model call, yielding documents in input order.

    Batching amortises the model's per-call overhead; memory holds one batch at a time.

    >>> docs = list(classify_many(["One page.", "Another page."], batch_size=2))
    >>> len(docs)
    2
    """
    if isinstance(texts, str):
        raise InputError("classify_many takes an iterable of page texts; for one page use classify(text)")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size must be a positive integer, got {batch_size!r}")
    model = model if model is not None else _default_model()
    if not isinstance(model, BlockClassifier):
        raise InputError(f"model must be a BlockClassifier, got {type(model).__name__}")
    id_iter = iter(ids) if ids is not None else None
    url_iter = iter(urls) if urls is not None else None
    it = iter(texts)
    while True:
        batch = list(islice(it, batch_size))
        if not batch:
            return
        yield from _classify_batch(model, batch, id_iter, url_iter)


def _classify_batch(model, texts: Sequence[str], id_iter, url_iter) -> Iterator[Document]:
    spans_per_page, mats = [], []
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"page {i} of the batch is a {type(text).__name__}, not a str")
        spans = block_spans(text)
        spans_per_page.append(spans)
        mats.append(model.featurize(text, spans))
    sizes = [len(s) for s in spans_per_page]
    proba = model._proba_from_features(np.vstack(mats), sizes) if sum(sizes) else np.zeros((0, len(LABELS)))
    best = np.argmax(proba, axis=1) if len(proba) else np.zeros(0, dtype=int)
    rounded = np.round(proba, 6).tolist()
    offset = 0
    for text, spans in zip(texts, spans_per_page):
        blocks = []
        for j, (s, e) in enumerate(spans, offset):
            blocks.append(Block(s, e, text[s:e], LABELS[best[j]], dict(zip(LABELS, rounded[j]))))
        offset += len(spans)
        doc = Document(text=text, blocks=blocks,
                       id=next(id_iter, None) if id_iter else None,
                       url=next(url_iter, None) if url_iter else None)
        doc.meta["model"] = model
        yield doc


def to_pandas(docs: Iterable[Document], features: bool = False) -> Any:
    """One row per block of every document (see :func:`boilerplate.frames.to_pandas`)."""
    from .frames import to_pandas as _to_pandas

    return _to_pandas(docs, features=features)
