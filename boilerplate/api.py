"""The public entry points: classify one page, classify many, load a model.

>>> import boilerplate
>>> doc = boilerplate.classify("Weather\\n\\nIt rained all day in the valley, and the river rose.")
>>> len(doc.blocks), sorted(doc.blocks[0].scores) == sorted(boilerplate.LABELS)
(2, True)
"""
from __future__ import annotations

import contextlib
import functools
import gc
import importlib.resources
import itertools
import os
from typing import Any, Hashable, Iterable, Iterator, Sequence

import numpy as np

from .document import LABELS, Block, Document
from .errors import InputError, ModelError
from .model import BlockClassifier, load_model_file
from .segment import block_spans
from .sites import repetition, site_key

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
    groups: Iterable[Hashable | None] | str | None = None,
) -> Iterator[Document]:
    """Classify pages lazily, ``batch_size`` pages per model call, yielding documents in input order.

    Batching amortises the model's per-call overhead; memory holds one batch at a time.

    ``groups`` labels a crawl of several pages per site better: one key per page (``None``:
    alone), or ``"site"`` for the host of each page's URL (from ``urls``). Blocks that recur on
    the other pages of a group (menus, footers) are recognised as such
    (:mod:`boilerplate.sites`). Pages of a group must come one after another (sort a crawl by
    site); a batch is extended to keep a run of up to :data:`MAX_GROUP_PAGES` together.

    >>> docs = list(classify_many(["One page.", "Another page."], batch_size=2))
    >>> len(docs)
    2
    >>> site = ["Home | News | Sport\\n\\nFirst story, told in a full sentence.",
    ...         "Home | News | Sport\\n\\nSecond story, told in another sentence."]
    >>> [d.blocks[0].label for d in classify_many(site, groups=["example.org"] * 2)]
    ['ad', 'ad']
    """
    if isinstance(texts, str):
        raise InputError("classify_many takes an iterable of page texts; for one page use classify(text)")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size must be a positive integer, got {batch_size!r}")
    if isinstance(groups, str) and groups != "site":
        raise InputError(f"groups must be an iterable of keys or 'site', got {groups!r}")
    if isinstance(groups, str) and urls is None:
        raise InputError("groups='site' takes each page's site from its URL: pass urls=")
    model = model if model is not None else _default_model()
    if not isinstance(model, BlockClassifier):
        raise InputError(f"model must be a BlockClassifier, got {type(model).__name__}")
    per_page = {"ids": ids, "urls": urls, "groups": None if isinstance(groups, str) else groups}
    for name, values in per_page.items():
        if hasattr(texts, "__len__") and hasattr(values, "__len__") and len(values) != len(texts):
            raise InputError(f"{name} has {len(values)} values for {len(texts)} pages: give one per page")
    with_ids = _paired(map(_checked_text, texts, itertools.count()), ids, "ids")
    pages = ((text, id_, url) for (text, id_), url in _paired(with_ids, urls, "urls"))
    if isinstance(groups, str):  # "site"
        keyed = ((page, site_key(page[2])) for page in pages)
    else:
        keyed = _paired(pages, groups, "groups")
    for batch in _batches(keyed, batch_size):
        yield from _classify_batch(model, batch)


def _checked_text(text: Any, index: int) -> str:
    if not isinstance(text, str):
        hint = ": decode it first, e.g. data.decode('utf-8')" if isinstance(text, (bytes, bytearray)) else ""
        raise InputError(f"page {index} is a {type(text).__name__}, not a str{hint}")
    return text


_MISSING = object()


def _paired(items: Iterable[Any], values: Iterable[Any] | None, name: str) -> Iterator[tuple[Any, Any]]:
    """Each item with its value (``None`` for all when ``values`` is None). Too few or too many
    values is an :class:`InputError`, never a page dropped or a value shifted onto the wrong page.

    >>> list(_paired("ab", [1, 2], "ids"))
    [('a', 1), ('b', 2)]
    >>> list(_paired("abc", [1, 2], "ids"))
    Traceback (most recent call last):
    ...
    boilerplate.errors.InputError: ids has 2 values for more pages: give one per page
    """
    if values is None:
        yield from ((item, None) for item in items)
        return
    remaining = iter(values)
    count = 0
    for item in items:
        value = next(remaining, _MISSING)
        if value is _MISSING:
            raise InputError(f"{name} has {count} values for more pages: give one per page")
        yield item, value
        count += 1
    if next(remaining, _MISSING) is not _MISSING:
        raise InputError(f"{name} has more values than the {count} pages: give one per page")


MAX_GROUP_PAGES = 1024
"""A batch grows past ``batch_size`` to keep a run of one group's pages together, up to this size."""


def _batches(keyed: Iterable[tuple[Any, Hashable | None]], batch_size: int) -> Iterator[list]:
    """Batches of ``batch_size`` items, extended while the next item continues the last one's group.

    >>> [len(b) for b in _batches(zip("abcdef", [None, 1, 1, 1, None, None]), 2)]
    [4, 2]
    """
    batch: list = []
    for item in keyed:
        if len(batch) >= batch_size and (item[1] != batch[-1][1] or len(batch) >= MAX_GROUP_PAGES):
            yield batch
            batch = []
        batch.append(item)
        if len(batch) >= batch_size and item[1] is None:  # no group to continue: no need to read ahead
            yield batch
            batch = []
    if batch:
        yield batch


def _classify_batch(model, batch: Sequence[tuple[tuple[str, Any, Any], Hashable | None]]) -> list[Document]:
    with _gc_paused():
        return _classify_batch_now(model, batch)


def _classify_batch_now(model, batch: Sequence[tuple[tuple[str, Any, Any], Hashable | None]]) -> list[Document]:
    texts = [text for (text, _, _), _ in batch]
    spans_per_page = [block_spans(text) for text in texts]
    keys = [key for _, key in batch]
    site = repetition(list(zip(texts, spans_per_page)), keys) if any(k is not None for k in keys) else None
    sizes = [len(s) for s in spans_per_page]
    proba = (model._proba_from_features(model.featurize_many(texts, spans_per_page, site), sizes)
             if sum(sizes) else np.zeros((0, len(LABELS))))
    # Python objects for every block at once (one tolist, not a numpy index per block)
    labels = iter([LABELS[k] for k in np.argmax(proba, axis=1).tolist()] if len(proba) else [])
    scores = iter([dict(zip(LABELS, row)) for row in np.round(proba, 6).tolist()])
    docs = []
    for ((text, page_id, url), _), spans in zip(batch, spans_per_page):
        blocks = [Block(s, e, text[s:e], label, score) for (s, e), label, score in zip(spans, labels, scores)]
        doc = Document(text=text, blocks=blocks, id=page_id, url=url)
        doc.meta["model"] = model
        docs.append(doc)
    return docs


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while a batch is classified.

    A batch allocates a few container objects per block (its Block, its scores, its word list),
    none of them in reference cycles, and every 700 allocations start a collection. Now and then
    that is a full one, which walks every object the process holds: after importing scikit-learn
    and numba over 130,000 of them, about 0.1 s a time. On the benchmark's quick corpus (1.5 MB)
    that was about 190 collections, one of them full about every other run; paused per batch, it
    is 5, none full; ``classify_many`` gained 12-17% on the benchmark's 20 MB corpus and 3-12% on
    the quick one, whose median of three runs may or may not catch a full collection
    (``python -m boilerplate.bench``, README).
    Nothing is lost: the pause frees nothing later that reference counting frees now, and the
    collector is re-enabled (if it was on) even when the batch raises.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def to_pandas(docs: Iterable[Document], features: bool = False) -> Any:
    """One row per block of every document (see :func:`boilerplate.frames.to_pandas`)."""
    from .frames import to_pandas as _to_pandas

    return _to_pandas(docs, features=features)
