"""Speed benchmark: ``python -m boilerplate.bench [--mb 20] [--quick] [--sections ...] [--json out.json]``

Builds a deterministic corpus of at least ``--mb`` MB (UTF-8) from the labelled pages in ``data/``
and the real pages (``--pages``, by default ``../shared/real/pages.jsonl`` beside the repository
when it exists), each page in both shapes (blank-line paragraphs and one line per block),
repeated in order until the corpus is large enough. Then it runs the chosen sections, each a
named measurement that adds rows to one table and one entry to the JSON report:

* ``throughput`` -- ``classify_many`` MB/s and pages/s on one core (the process is pinned to one
  CPU and BLAS/OpenMP pools are limited to one thread), median of ``--runs`` runs.
* ``justext`` -- jusText's paragraph classifier (:func:`boilerplate.peers.justext_body`) over the
  same blocks in the same process, and our speed as a multiple of it. The blocks are segmented
  before the clock starts: jusText is timed on classification alone.
* ``features`` -- ``featurize_many`` alone over the same pages and batches, one core: the feature
  code's share of ``throughput`` (the rest is the tree walk and building the documents).
* ``linearity`` -- one page of 1 MB and one of 10 MB made by repeating the corpus's paragraphs,
  and a 10 MB page on a single line: time per page and the ratio to the 1 MB page (10 = linear).

More sections (``-j`` speed-up, peak RSS, Spark) plug in with the :func:`section` decorator.
``--compare-to OLD.json`` prints each headline figure next to the same figure of an earlier run.

>>> [name for name in SECTIONS][:4]
['throughput', 'justext', 'features', 'linearity']
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy/sklearn load, when this module is run first

import argparse
import contextlib
import json
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .commands._common import write_json
from .errors import BoilerplateError, InputError

MB = 1_000_000
MB_DEFAULT = 20.0
MB_QUICK = 1.5
RUNS_DEFAULT = 3
LINEARITY_SIZES_MB = (1.0, 10.0)
LINEARITY_SIZES_MB_QUICK = (0.1, 1.0)
BATCH_SIZE_DEFAULT = 64
_REPO = Path(__file__).resolve().parents[1]
DATA_DEFAULT = _REPO / "data"
PAGES_DEFAULT = _REPO.parent / "shared" / "real" / "pages.jsonl"


# ---------------------------------------------------------------------------------------------
# The corpus and the context shared by sections

@dataclass
class Corpus:
    """The benchmark's pages: texts, their languages, and their total size in bytes."""

    texts: list[str]
    langs: list[str | None]
    sources: list[str]
    nbytes: int

    @property
    def mb(self) -> float:
        return self.nbytes / MB


def build_corpus(sources: Sequence[str | os.PathLike], target_mb: float) -> Corpus:
    """Pages from ``sources`` in both shapes, repeated in order until they hold ``target_mb`` MB.

    >>> import tempfile, json
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = Path(d) / "p.jsonl"
    ...     _ = p.write_text(json.dumps({"id": "a", "blocks": [{"text": "x" * 100, "label": "body"}]}))
    ...     c = build_corpus([p], 0.001)
    >>> len(c.texts), c.nbytes
    (10, 1000)
    """
    from .pages import read_pages

    pages = []
    for src in sources:
        pages.extend(read_pages(src, shape="both"))
    if not pages:
        raise ValueError("no pages to build a corpus from")
    sizes = [len(p.text.encode("utf-8")) for p in pages]
    if sum(sizes) == 0:
        raise ValueError("the pages are all empty")
    texts: list[str] = []
    langs: list[str | None] = []
    total = 0
    i = 0
    while total < target_mb * MB:
        page = pages[i % len(pages)]
        texts.append(page.text)
        langs.append(page.lang)
        total += sizes[i % len(pages)]
        i += 1
    return Corpus(texts, langs, [str(s) for s in sources], total)


@dataclass
class Bench:
    """What sections share: options, the corpus, the model, and the results so far."""

    args: argparse.Namespace
    corpus: Corpus
    model: Any
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def row(self, what: str, value: str, note: str = "") -> None:
        """Add a line to the printed table."""
        self.rows.append((what, value, note))
        if not self.args.quiet:
            print(f"  {what}: {value} {note}".rstrip(), file=sys.stderr, flush=True)


Section = Callable[[Bench], dict[str, Any]]
SECTIONS: dict[str, tuple[str, Section]] = {}


def section(name: str, title: str) -> Callable[[Section], Section]:
    """Register a measurement: ``fn(bench) -> dict`` (its JSON entry), adding rows via ``bench.row``."""

    def register(fn: Section) -> Section:
        SECTIONS[name] = (title, fn)
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# Timing helpers

@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Pin this process to one CPU and limit native thread pools to one thread, then restore."""
    from threadpoolctl import threadpool_limits

    before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if before:
        os.sched_setaffinity(0, {min(before)})
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if before:
            os.sched_setaffinity(0, before)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    """Median wall time of ``runs`` calls of ``fn``, all the times, and the last call's result.

    Each run starts with language id's memory emptied: the corpus repeats in every run, and a
    later run would otherwise find every window remembered (real corpora see new pages).
    """
    from .lang import clear_cache

    times = []
    result = None
    for _ in range(max(1, runs)):
        clear_cache()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def _classify_all(texts: Sequence[str], model: Any, batch_size: int) -> int:
    from . import classify_many

    n_blocks = 0
    for doc in classify_many(texts, batch_size=batch_size, model=model):
        n_blocks += len(doc.blocks)
    return n_blocks


def _warm_up(texts: Sequence[str], model: Any, batch_size: int) -> None:
    """Pay the one-time costs before the clock starts: lazy imports and stoplists (a few pages
    through ``classify_many``) and the compiled tree walk, which a batch of a few pages is too small
    to load (:data:`boilerplate._trees.COMPILED_MIN_ROWS`); without it the first timed run paid
    about 0.4 s for it."""
    from ._trees import warm_up

    warm_up()
    _classify_all(texts[:20], model, batch_size)


# ---------------------------------------------------------------------------------------------
# Sections

@section("throughput", "classify_many on one core")
def throughput(bench: Bench) -> dict[str, Any]:
    corpus, args = bench.corpus, bench.args
    _warm_up(corpus.texts, bench.model, args.batch_size)
    with one_core():
        seconds, times, n_blocks = timed(lambda: _classify_all(corpus.texts, bench.model, args.batch_size),
                                         args.runs)
    mb_s = corpus.mb / seconds
    pages_s = len(corpus.texts) / seconds
    bench.row("classify_many, 1 core", f"{mb_s:.2f} MB/s", f"{pages_s:.0f} pages/s, median of {len(times)}")
    return {"mb_per_s": round(mb_s, 3), "pages_per_s": round(pages_s, 1), "seconds": [round(t, 3) for t in times],
            "batch_size": args.batch_size, "blocks": n_blocks}


@section("justext", "jusText's paragraph classifier on the same blocks")
def justext_peer(bench: Bench) -> dict[str, Any]:
    from .peers import justext_body
    from .segment import segment

    corpus, args = bench.corpus, bench.args
    with one_core():
        t0 = time.perf_counter()
        blocks = [[b.text for b in segment(t)] for t in corpus.texts]
        seg_seconds = time.perf_counter() - t0

        def run() -> None:
            for bs, lang in zip(blocks, corpus.langs):
                justext_body(bs, lang)

        run_few = lambda: [justext_body(bs, lang) for bs, lang in zip(blocks[:20], corpus.langs[:20])]  # noqa: E731
        run_few()  # warm-up: stoplists
        seconds, times, _ = timed(run, args.runs)
    mb_s = corpus.mb / seconds
    out: dict[str, Any] = {"mb_per_s": round(mb_s, 3), "pages_per_s": round(len(blocks) / seconds, 1),
                           "seconds": [round(t, 3) for t in times], "segment_mb_per_s": round(corpus.mb / seg_seconds, 2),
                           "blocks": sum(map(len, blocks))}
    bench.row("jusText classifier, 1 core", f"{mb_s:.2f} MB/s", f"over pre-segmented blocks, median of {len(times)}")
    ours = bench.results.get("throughput", {}).get("mb_per_s")
    if ours:
        out["ours_over_justext"] = round(ours / mb_s, 4)  # 2 decimals made a slow run's 0.004 a zero
        bench.row("classify_many / jusText", f"{ours / mb_s:.2f}x", "(> 1: we are faster)")
    return out


@section("features", "featurize_many alone, one core")
def features_only(bench: Bench) -> dict[str, Any]:
    """The feature matrix of the corpus without the trees: where the time goes besides the walk."""
    from .segment import block_spans

    corpus, args = bench.corpus, bench.args
    spans = [block_spans(t) for t in corpus.texts]

    def run() -> int:
        return sum(len(bench.model.featurize_many(corpus.texts[i:i + args.batch_size],
                                                  spans[i:i + args.batch_size]))
                   for i in range(0, len(corpus.texts), args.batch_size))

    bench.model.featurize_many(corpus.texts[:20], spans[:20])  # warm-up: lazy loads
    with one_core():
        seconds, times, rows = timed(run, args.runs)
    bench.row("featurize_many, 1 core", f"{corpus.mb / seconds:.2f} MB/s",
              f"{seconds:.3f} s for {rows} blocks, median of {len(times)}")
    return {"mb_per_s": round(corpus.mb / seconds, 3), "seconds": [round(t, 3) for t in times], "blocks": rows}


@section("linearity", "cost against page size")
def linearity(bench: Bench) -> dict[str, Any]:
    args = bench.args
    small_mb, large_mb = args.sizes or (LINEARITY_SIZES_MB_QUICK if args.quick else LINEARITY_SIZES_MB)
    paragraphs = _paragraphs(bench.corpus.texts)
    small = _repeat_paragraphs(paragraphs, small_mb)
    large = _repeat_paragraphs(paragraphs, large_mb)
    one_line = " ".join(large.split())
    _warm_up([small[:10_000]], bench.model, 1)
    out: dict[str, Any] = {}
    with one_core():
        for name, text in (("small", small), ("large", large), ("large_one_line", one_line)):
            seconds, _, _ = timed(lambda: _classify_all([text], bench.model, 1), args.runs)
            nbytes = len(text.encode("utf-8"))
            out[name] = {"bytes": nbytes, "mb": round(nbytes / MB, 3), "seconds": round(seconds, 4),
                         "mb_per_s": round(nbytes / MB / seconds, 3)}
    base = out["small"]["seconds"]
    factor = out["large"]["bytes"] / out["small"]["bytes"]
    out["size_factor"] = round(factor, 2)
    out["time_ratio"] = round(out["large"]["seconds"] / base, 2)
    out["time_ratio_one_line"] = round(out["large_one_line"]["seconds"] / base, 2)
    for name in ("small", "large", "large_one_line"):
        r = out[name]
        bench.row(f"one page of {r['mb']:g} MB{' on one line' if name.endswith('line') else ''}",
                  f"{r['seconds']:.2f} s", f"{r['mb_per_s']:.2f} MB/s")
    bench.row(f"time ratio large/small ({factor:.0f}x the text)", f"{out['time_ratio']:.1f}x",
              f"one line: {out['time_ratio_one_line']:.1f}x")
    return out


def _paragraphs(texts: Sequence[str]) -> list[str]:
    """The corpus's paragraphs (blank-line separated), enough to build big pages from."""
    out: list[str] = []
    for t in texts:
        out.extend(p for p in t.split("\n\n") if p.strip())
        if sum(map(len, out)) > 2 * MB:
            break
    return out


def _repeat_paragraphs(paragraphs: Sequence[str], mb: float) -> str:
    """A page of about ``mb`` MB: the paragraphs in order, repeated, blank-line separated."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < mb * MB:
        p = paragraphs[i % len(paragraphs)]
        parts.append(p)
        size += len(p.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


# Corpus-scale sections live beside the code they measure.
from .parallel import bench_jobs, bench_streamed_rss  # noqa: E402
from .spark import bench_spark  # noqa: E402

section("jobs", "classify -j 2 against -j 1 (read, classify, encode)")(bench_jobs)
section("streamed", "peak RSS of classify -j 2 on a large streamed input")(bench_streamed_rss)
section("spark", "Spark local[*] against classify_many")(bench_spark)


# ---------------------------------------------------------------------------------------------
# The run

def machine() -> dict[str, Any]:
    """Where the figures come from."""
    import numpy
    import sklearn

    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpu": platform.processor() or None,
        "cpus": os.cpu_count(), "numpy": numpy.__version__, "sklearn": sklearn.__version__,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the corpus, run the chosen sections, return the JSON report."""
    from . import load_model

    names = args.sections.split(",") if args.sections else list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise InputError(f"--sections: unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    sources = [p for p in (args.data, args.pages) if p and Path(p).exists()]
    if not sources:
        raise InputError(f"no pages: neither {args.data} nor {args.pages} exists (use --data/--pages)")
    target = args.mb if args.mb is not None else (MB_QUICK if args.quick else MB_DEFAULT)
    t0 = time.perf_counter()
    corpus = build_corpus(sources, target)
    model = load_model(args.model)
    if not args.quiet:
        print(f"corpus: {len(corpus.texts)} pages, {corpus.mb:.1f} MB from {', '.join(corpus.sources)} "
              f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    bench = Bench(args, corpus, model)
    for name in names:
        title, fn = SECTIONS[name]
        if not args.quiet:
            print(f"[{name}] {title}", file=sys.stderr, flush=True)
        bench.results[name] = fn(bench)
    report: dict[str, Any] = {
        "corpus": {"pages": len(corpus.texts), "mb": round(corpus.mb, 2), "sources": corpus.sources},
        "model": args.model or "default",
        "runs": args.runs,
        "machine": machine(),
        "sections": bench.results,
    }
    if args.compare_to:
        report["compared_to"] = compare_to(report, _read_json(args.compare_to), bench)
    report["table"] = [list(r) for r in bench.rows]
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return report


def _read_json(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--compare-to {path}: cannot read an earlier report ({exc})") from None


HEADLINES = (("throughput", "mb_per_s"), ("throughput", "pages_per_s"), ("justext", "ours_over_justext"),
             ("linearity", "time_ratio"), ("linearity", "time_ratio_one_line"))


def compare_to(report: dict[str, Any], old: dict[str, Any], bench: Bench) -> dict[str, Any]:
    """Headline figures next to an earlier run's (``new / old``)."""
    out: dict[str, Any] = {}
    for sec, key in HEADLINES:
        new_v = report["sections"].get(sec, {}).get(key)
        old_v = old.get("sections", {}).get(sec, {}).get(key)
        if new_v is None or old_v is None:
            continue
        out[f"{sec}.{key}"] = {"new": new_v, "old": old_v, "ratio": round(new_v / old_v, 3) if old_v else None}
        bench.row(f"{sec}.{key} vs earlier run", f"{new_v} vs {old_v}", f"({new_v / old_v:.2f}x)" if old_v else "")
    return out


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows of (what, value, note) as aligned text.

    >>> print(format_table([("a", "1 MB/s", "note"), ("longer", "2", "")]))
    a       1 MB/s  note
    longer  2
    """
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return "\n".join(f"{r[0]:<{w0}}  {r[1]:<{w1}}  {r[2]}".rstrip() for r in rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m boilerplate.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=None,
                        help=f"corpus size in MB (default {MB_DEFAULT:g}; {MB_QUICK:g} with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a small run: ~1.5 MB corpus, linearity on 0.1 and 1 MB pages")
    parser.add_argument("--sections", default=None,
                        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--sizes", type=_two_sizes, default=None, metavar="SMALL,LARGE",
                        help="page sizes in MB for the linearity section (default 1,10; 0.1,1 with --quick)")
    parser.add_argument("--streamed-mb", type=float, default=None,
                        help="input size for the 'streamed' section (default: 10x the corpus)")
    parser.add_argument("--runs", type=int, default=RUNS_DEFAULT, help="timed runs per figure, median kept")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE_DEFAULT, help="classify_many batch size")
    parser.add_argument("--data", default=str(DATA_DEFAULT), help="labelled pages of the project (default: data/)")
    parser.add_argument("--pages", default=str(PAGES_DEFAULT),
                        help="real labelled pages, used when the file exists (default: %(default)s)")
    parser.add_argument("--model", default=None, help="model file (default: the bundled model)")
    parser.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    parser.add_argument("--compare-to", metavar="OLD_JSON", help="show headline figures next to an earlier report")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def _two_sizes(value: str) -> tuple[float, float]:
    try:
        small, large = (float(v) for v in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected two sizes in MB like 1,10, got {value!r}") from None
    if not 0 < small < large:
        raise argparse.ArgumentTypeError(f"expected 0 < SMALL < LARGE, got {value!r}")
    return small, large


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = run(args)
    except BoilerplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"corpus: {report['corpus']['pages']} pages, {report['corpus']['mb']} MB; "
          f"median of {args.runs} runs; peak RSS {report['peak_rss_mb']} MB")
    print(format_table(report["table"]))
    if args.json:
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
