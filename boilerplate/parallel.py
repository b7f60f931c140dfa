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

import gc
import itertools
import multiprocessing
import os
import signal
import statistics
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
    group_by_site: bool = False


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
    if ignore_sigint:  # a worker: keep the objects inherited from the fork server out of the
        gc.freeze()    # garbage collector's sweeps, so their pages stay shared, not copied
    if ignore_sigint:  # Ctrl-C is handled by the main process, which stops the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if ignore_sigint:  # one thread per worker: -j N should mean N cores, not N x OpenMP threads
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from .api import load_model

    _MODEL = load_model(settings.model_path)
    _SETTINGS = settings
    from ._trees import warm_up

    warm_up()  # compile the tree walk once per process, before the first batch


def classify_batch(batch: Sequence[Record]) -> list[PageResult]:
    """Classify one batch with the process's model; every record gets a result, in order."""
    from .api import classify_many

    settings = _SETTINGS
    assert settings is not None and _MODEL is not None, "call _init_worker first"
    good = [r for r in batch if r.error is None]
    docs: dict[int, Any] = {}
    errors: dict[int, str] = {}
    try:
        grouping = dict(urls=[r.url for r in good], groups="site") if settings.group_by_site else {}
        for rec, doc in zip(good, classify_many([r.text for r in good], batch_size=max(1, len(good)), model=_MODEL,
                                                **grouping)):
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


def batches(records: Iterable[Record], max_pages: int = BATCH_PAGES, max_chars: int = BATCH_CHARS,
            by_site: bool = False) -> Iterator[list[Record]]:
    """Group records into lists of at most ``max_pages`` pages and about ``max_chars`` characters.

    With ``by_site``, a full batch still takes the following records of the same site (up to
    :data:`boilerplate.api.MAX_GROUP_PAGES`), so that a site's consecutive pages are compared.

    >>> [len(b) for b in batches([Record(str(i), "x" * 10) for i in range(5)], max_pages=2)]
    [2, 2, 1]
    >>> recs = [Record(str(i), "x", url=f"http://{h}.org/{i}") for i, h in enumerate("aaabb")]
    >>> [len(b) for b in batches(recs, max_pages=2, by_site=True)]
    [3, 2]
    """
    from .api import MAX_GROUP_PAGES
    from .sites import site_key

    batch: list[Record] = []
    chars = 0
    for rec in records:
        if batch and (len(batch) >= max_pages or chars >= max_chars):
            same_site = by_site and len(batch) < MAX_GROUP_PAGES and chars < max_chars and \
                site_key(rec.url) is not None and site_key(rec.url) == site_key(batch[-1].url)
            if not same_site:
                yield batch
                batch, chars = [], 0
        batch.append(rec)
        chars += len(rec.text) if rec.text else 0
        if not by_site and (len(batch) >= max_pages or chars >= max_chars):  # no need to read ahead
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
    if jobs <= 1:
        from threadpoolctl import ThreadpoolController

        _init_worker(settings, ignore_sigint=False)
        # One core means one thread: the model's OpenMP pool is held to one thread while a batch
        # runs (on a busy machine, its default of one thread per core made -j 1 several times
        # slower), and given back between batches, so the caller's own code is not affected.
        controller = ThreadpoolController()
        for batch in batches(records, settings.batch_pages, settings.batch_chars, settings.group_by_site):
            with controller.limit(limits=1):
                results = classify_batch(batch)
            yield from results
        return
    with WorkerPool(settings, jobs, max_in_flight) as pool:
        yield from pool.classify(records)


class WorkerPool:
    """``jobs`` worker processes, each with the model loaded once, fed batches in order.

    >>> with WorkerPool(Settings(), jobs=2) as pool:  # doctest: +SKIP
    ...     results = list(pool.classify(records))
    """

    def __init__(self, settings: Settings, jobs: int, max_in_flight: int | None = None):
        from concurrent.futures import ProcessPoolExecutor

        from .api import load_model

        load_model(settings.model_path)  # fail fast, in the main process, on a bad model
        self.settings = settings
        self.jobs = jobs
        self.limit = max_in_flight or 2 * jobs + 1
        self._executor = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_init_worker,
                                             initargs=(settings,))

    def warm_up(self) -> None:
        """Start every worker and load its model now (so timings that follow leave startup out)."""
        futures = [self._executor.submit(classify_batch, [Record(f"warm-up {i}", "Warm-up page.")])
                   for i in range(self.jobs * 2)]
        for fut in futures:
            fut.result()

    def classify(self, records: Iterable[Record]) -> Iterator[PageResult]:
        """One result per record, in input order, with at most ``limit`` batches in flight."""
        pending: deque[Any] = deque()
        try:
            for batch in batches(records, self.settings.batch_pages, self.settings.batch_chars,
                                 self.settings.group_by_site):
                pending.append(self._executor.submit(classify_batch, batch))
                while len(pending) >= self.limit or (pending and pending[0].done()):
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for fut in pending:
                fut.cancel()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


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


# ---------------------------------------------------------------------------------------------
# Benchmark sections (registered in boilerplate.bench): -j speed-up and peak RSS when streaming

BENCH_JOBS = 2
STREAMED_TIMES_CORPUS = 10
"""Without ``--streamed-mb``, the streamed input is this many times the bench corpus."""


def bench_jobs(bench: Any) -> dict[str, Any]:
    """``-j 2`` against ``-j 1``: the whole pipeline (read JSONL, classify, encode JSONL rows).

    Both read the bench corpus from the same JSONL file; worker start-up (fork server, model
    load) is timed apart, as it is paid once per run, not per page.
    """
    import tempfile

    from .corpus import read_records

    corpus, args = bench.corpus, bench.args
    settings = Settings(model_path=args.model, batch_pages=args.batch_size)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "corpus.jsonl")
        _write_jsonl(path, corpus.texts, corpus.nbytes)

        def pipeline(pool: WorkerPool | None, pages: int | None = None) -> int:
            records = itertools.islice(read_records([path]), pages)
            results = pool.classify(records) if pool else classify_records(records, settings, jobs=1)
            return sum(1 for _ in results)

        pipeline(None, pages=20)  # warm-up: lazy loads, caches
        started = time.perf_counter()
        with WorkerPool(settings, BENCH_JOBS) as pool:
            pool.warm_up()
            startup = time.perf_counter() - started
            # Interleaved (1, N, 1, N, ...), so that a change in the machine's load hits both.
            times_1, times_n = [], []
            for _ in range(max(1, args.runs)):
                times_1.append(_seconds(lambda: pipeline(None)))
                times_n.append(_seconds(lambda: pipeline(pool)))
    t1, t2 = statistics.median(times_1), statistics.median(times_n)
    speedup = t1 / t2
    bench.row(f"classify -j {BENCH_JOBS} speed-up", f"{speedup:.2f}x",
              f"{corpus.mb / t1:.2f} -> {corpus.mb / t2:.2f} MB/s (bar: 1.7x on 2 cores); "
              f"worker start-up {startup:.1f} s, paid once")
    return {"jobs": BENCH_JOBS, "speedup": round(speedup, 3), "mb_per_s_1": round(corpus.mb / t1, 3),
            "mb_per_s_n": round(corpus.mb / t2, 3), "seconds_1": [round(t, 2) for t in times_1],
            "seconds_n": [round(t, 2) for t in times_n], "startup_seconds": round(startup, 2),
            "cpus": default_jobs(0), "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def bench_streamed_rss(bench: Any) -> dict[str, Any]:
    """Peak memory of ``boilerplate classify -j 2`` on a large JSONL file, at two input sizes.

    The input is the bench corpus repeated (``--streamed-mb``, default 10x the corpus), run
    once at a tenth of that size and once in full: memory that does not grow with the input is
    what bounded streaming means. Figures are for the whole process tree (main, fork server,
    workers); see :func:`peak_rss_of`.
    """
    import tempfile

    corpus, args = bench.corpus, bench.args
    large = getattr(args, "streamed_mb", None) or STREAMED_TIMES_CORPUS * corpus.mb
    out: dict[str, Any] = {"jobs": BENCH_JOBS, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (large / 10, large):
            path = os.path.join(tmp, f"streamed-{mb:.0f}mb.jsonl")
            nbytes = _write_jsonl(path, corpus.texts, int(mb * 1e6))
            cmd = [sys.executable, "-m", "boilerplate", "classify", path, "-j", str(BENCH_JOBS), "-o", "-", "-q"]
            if args.model:
                cmd += ["--model", args.model]
            peak = peak_rss_of(cmd)
            run = {"input_mb": round(nbytes / 1e6, 1), **peak, "mb_per_s": round(nbytes / 1e6 / peak["seconds"], 2)}
            out["runs"].append(run)
            os.remove(path)
            bench.row(f"peak memory, classify -j {BENCH_JOBS}, {nbytes / 1e6:,.0f} MB streamed",
                      f"{run['tree_peak_pss_mb']:.0f} MB",
                      f"(PSS of {run['processes']} processes; sum of their peak RSS {run['tree_peak_rss_mb']:.0f} MB, "
                      f"main {run['main_peak_rss_mb']:.0f} MB; {run['mb_per_s']} MB/s)")
    out["tree_peak_pss_mb"] = out["runs"][-1]["tree_peak_pss_mb"]
    out["tree_peak_rss_mb"] = out["runs"][-1]["tree_peak_rss_mb"]
    return out


def peak_rss_of(cmd: Sequence[str]) -> dict[str, Any]:
    """Run ``cmd`` (stdout discarded) and sample the memory of its process tree every 0.1 s.

    Two figures (Linux ``/proc``): ``tree_peak_pss_mb``, the largest sampled sum of the
    processes' proportional set sizes (shared pages, such as the libraries the workers inherit
    from the fork server, counted once: the memory the run really takes), and
    ``tree_peak_rss_mb``, the sum of each process's own peak RSS (``VmHWM``; shared pages
    counted in every process: an upper bound).
    """
    import subprocess

    started = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    peak_pss = 0
    while proc.poll() is None:
        pss = 0
        for pid in [proc.pid, *_descendants(proc.pid)]:
            hwm = _proc_kb(f"/proc/{pid}/status", b"VmHWM:")
            if hwm is not None:
                peaks[pid] = max(hwm, peaks.get(pid, 0))
            pss += _proc_kb(f"/proc/{pid}/smaps_rollup", b"Pss:") or 0
        peak_pss = max(peak_pss, pss)
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-500:]}")
    return {"seconds": round(seconds, 2), "tree_peak_pss_mb": round(peak_pss / 1024, 1),
            "tree_peak_rss_mb": round(sum(peaks.values()) / 1024, 1),
            "main_peak_rss_mb": round(peaks.get(proc.pid, 0) / 1024, 1),
            "processes": len(peaks), "stderr": err.strip().splitlines()[-1:]}


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _proc_kb(path: str, key: bytes) -> int | None:
    """A ``KEY: N kB`` field of a /proc file (None if the process is gone)."""
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _write_jsonl(path: str, texts: Sequence[str], nbytes: int) -> int:
    """Write ``texts`` (cycled) as JSONL pages until the file holds about ``nbytes`` of text."""
    import json

    written = 0
    i = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < nbytes:
            text = texts[i % len(texts)]
            fh.write(json.dumps({"id": f"page-{i}", "text": text}, ensure_ascii=False) + "\n")
            written += len(text.encode("utf-8"))
            i += 1
    return written


def _seconds(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
