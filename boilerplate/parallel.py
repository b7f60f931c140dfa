"""Classify a stream of corpus records on one core or many, in input order, in bounded memory.

The main process reads records (:mod:`boilerplate.corpus`), groups them into batches of at
most :data:`BATCH_PAGES` pages and :data:`BATCH_CHARS` characters, and hands each batch to a
worker process; each worker loads the model once (pool initializer), classifies the batch with
:func:`boilerplate.classify_many` and returns the encoded output rows. At most
``2 * jobs + 1`` batches are in flight, and results are yielded in submission order, so
memory stays bounded whatever the input size and the output keeps the input's order.

A page whose classification raises gets an ``error`` row instead of stopping the run; the
batch it was in is then classified page by page so that only the failing page is lost.

>>> from boilerplate.corpus import Record
>>> settings = Settings(out_format="jsonl")
>>> [r.id for r in classify_records([Record("a", "Hello."), Record("b", None, error="bad")], settings)]
['a', 'b']
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from .corpus import Record, encode_row, page_row
from .document import LABELS

BATCH_PAGES = 64
"""Pages per batch (one model call each)."""
BATCH_CHARS = 4_000_000
"""A batch is cut early once its pages hold this many characters (bounds memory on huge pages)."""


@dataclass(frozen=True)
class Settings:
    """What a worker needs to classify and encode pages (picklable; sent once per worker)."""

    model_path: str | None = None
    keep: tuple[str, ...] = ("body",)
    out_format: str = "jsonl"
    batch_pages: int = BATCH_PAGES
    batch_chars: int = BATCH_CHARS


@dataclass
class PageResult:
    """One output page: its encoded row, label counts (in :data:`LABELS` order) and error."""

    id: str
    encoded: bytes | dict[str, Any]
    label_counts: tuple[int, ...]
    error: str | None
    nbytes: int


# ---------------------------------------------------------------------------------------------
# Worker side

_MODEL: Any = None
_SETTINGS: Settings | None = None


def _init_worker(settings: Settings, ignore_sigint: bool = True) -> None:
    """Pool initializer: load the model once per process."""
    global _MODEL, _SETTINGS
    if ignore_sigint:  # Ctrl-C is handled by the main process, which stops the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ignore_sigint:  # one thread per worker: -j N should mean N cores, not N x OpenMP threads
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from .api import load_model

    _MODEL = load_model(settings.model_path)
    _SETTINGS = settings


def classify_batch(batch: Sequence[Record]) -> list[PageResult]:
    """Classify one batch with the process's model; every record gets a result, in order."""
    from .api import classify_many

    settings = _SETTINGS
    assert settings is not None and _MODEL is not None, "call _init_worker first"
    good = [r for r in batch if r.error is None]
    docs: dict[int, Any] = {}
    errors: dict[int, str] = {}
    try:
        for rec, doc in zip(good, classify_many([r.text for r in good], batch_size=max(1, len(good)), model=_MODEL)):
            docs[id(rec)] = doc
    except Exception:  # a page raised: redo this batch page by page to isolate it
        docs.clear()
        for rec in good:
            try:
                docs[id(rec)] = next(classify_many([rec.text], model=_MODEL))
            except Exception as exc:  # noqa: BLE001 - the run goes on; the row carries the error
                errors[id(rec)] = f"{rec.source or rec.id}: classification failed ({type(exc).__name__}: {exc})"
    out = []
    for rec in batch:
        doc = docs.get(id(rec))
        row = page_row(rec, doc, settings.keep, errors.get(id(rec)))
        counts = [0] * len(LABELS)
        if doc is not None:
            for b in doc.blocks:
                counts[LABELS.index(b.label)] += 1
        out.append(PageResult(rec.id, encode_row(row, settings.out_format), tuple(counts), row.get("error"), rec.nbytes))
    return out


# ---------------------------------------------------------------------------------------------
# Main side


def batches(records: Iterable[Record], max_pages: int = BATCH_PAGES, max_chars: int = BATCH_CHARS) -> Iterator[list[Record]]:
    """Group records into lists of at most ``max_pages`` pages and about ``max_chars`` characters.

    >>> [len(b) for b in batches([Record(str(i), "x" * 10) for i in range(5)], max_pages=2)]
    [2, 2, 1]
    """
    batch: list[Record] = []
    chars = 0
    for rec in records:
        batch.append(rec)
        chars += len(rec.text) if rec.text else 0
        if len(batch) >= max_pages or chars >= max_chars:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def classify_records(records: Iterable[Record], settings: Settings, jobs: int = 1,
                     max_in_flight: int | None = None) -> Iterator[PageResult]:
    """Classify records with ``jobs`` processes; yield one :class:`PageResult` per record, in order.

    ``jobs=1`` works in this process (no pickling). ``max_in_flight`` (default ``2 * jobs + 1``)
    bounds the batches submitted but not yet written. Raises :class:`boilerplate.ModelError`
    before reading anything if the model cannot be loaded.
    """
    groups = batches(records, settings.batch_pages, settings.batch_chars)
    if jobs <= 1:
        _init_worker(settings, ignore_sigint=False)
        for batch in groups:
            yield from classify_batch(batch)
        return
    from .api import load_model

    load_model(settings.model_path)  # fail fast, in the main process, on a bad model
    limit = max_in_flight or 2 * jobs + 1
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_init_worker, initargs=(settings,))
    pending: deque[Any] = deque()
    try:
        for batch in groups:
            pending.append(pool.submit(classify_batch, batch))
            while len(pending) >= limit or (pending and pending[0].done()):
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _context() -> Any:
    """Workers start from a fork server that has already imported the library (fast and
    thread-safe); where there is none (Windows, macOS spawn), plain spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["boilerplate.api", "boilerplate.parallel"])
        return ctx
    return multiprocessing.get_context("spawn")


def default_jobs(jobs: int) -> int:
    """``jobs`` or, for 0, the number of cores this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------
# Accounting


@dataclass
class RunStats:
    """Counts of a run, for the progress bar and the closing summary."""

    pages: int = 0
    failed: int = 0
    nbytes: int = 0
    label_counts: list[int] = field(default_factory=lambda: [0] * len(LABELS))
    started: float = field(default_factory=time.perf_counter)
    resumed: int = 0
    skipped: int = 0

    def add(self, result: PageResult) -> None:
        self.pages += 1
        self.nbytes += result.nbytes
        if result.error is not None:
            self.failed += 1
        for i, n in enumerate(result.label_counts):
            self.label_counts[i] += n

    @property
    def seconds(self) -> float:
        return max(time.perf_counter() - self.started, 1e-9)

    def summary(self) -> str:
        """One line: pages, failures, blocks per label, MB and throughput.

        >>> s = RunStats(pages=10, failed=1, nbytes=2_000_000, label_counts=[5, 1, 0, 4, 0], started=0.0)
        >>> s.summary().split(" in ")[0]
        '10 pages (1 failed), 10 blocks (body 5, caption 1, embed 0, ad 4, ticker 0), 2.0 MB'
        """
        secs = self.seconds
        blocks = sum(self.label_counts)
        per_label = ", ".join(f"{lab} {n:,}" for lab, n in zip(LABELS, self.label_counts))
        extra = [f"{self.failed:,} failed"]
        if self.skipped:
            extra.append(f"{self.skipped:,} non-text WARC responses skipped")
        if self.resumed:
            extra.append(f"{self.resumed:,} done before resuming")
        return (f"{self.pages:,} pages ({', '.join(extra)}), {blocks:,} blocks ({per_label}), "
                f"{self.nbytes / 1e6:.1f} MB in {secs:.1f} s: {self.nbytes / 1e6 / secs:.2f} MB/s, "
                f"{self.pages / secs:.1f} pages/s")
