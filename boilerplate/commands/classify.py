"""``boilerplate classify [INPUTS…|-]``: label every block of every page of a corpus.

Inputs are files, directories (walked recursively) and globs of plain text, JSONL (``.gz``,
``.zst``), WARC/WET and Parquet (see :mod:`boilerplate.corpus`); output is JSONL (default),
Parquet, TSV (one row per block) or the clean text of each page.

Faults do not stop a run: a record that cannot be read or classified is written with an
``error`` field (TSV: the ``error`` column; text output leaves it out), counted in the summary,
and the first few are reported on stderr. Exit codes:

* 0 — every page was classified;
* 1 — the output is complete, but some records failed (they carry an ``error``);
* 2 — usage error, unreadable model, nothing readable (empty corpus, or every record failed),
  or the first bad record with ``--strict``: a one-line error and no output file;
* 130 — interrupted (Ctrl-C or SIGTERM): JSONL output stays in ``OUT.partial``; run the same
  command with ``--resume`` to continue.

Output goes to ``OUT.partial`` and is renamed to ``OUT`` when the run completes. ``--resume``
(JSONL output only) counts the complete lines of ``OUT.partial`` (or of a finished ``OUT``),
cuts off a half-written last line, checks that the last id written is the id of the same input
record, skips that many input records and appends the rest. Every input record writes exactly
one line, in input order, so nothing is duplicated or lost as long as the inputs are the same.
"""
from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..corpus import (FORMATS, OUTPUT_FORMATS, ReadStats, Writer, continue_output, expand_inputs,
                      infer_output_format, prepare_resume, read_records, skip_records)
from ..document import LABELS
from ..errors import BoilerplateError, InputError
from ..parallel import BATCH_PAGES, RunStats, Settings, classify_records, default_jobs
from ._common import check_output, non_negative_int, positive_int

ERRORS_SHOWN = 10
"""Bad records reported one per line on stderr; the rest are only counted."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classify",
        help="label the blocks of every page of a corpus (text, JSONL, WARC/WET, Parquet)",
        description="Label the blocks of every page of a corpus as body, caption, embed, ad or ticker. "
        "Exit 0: all pages classified; 1: some records failed (written with an 'error' field); "
        "2: usage error or nothing readable; 130: interrupted (rerun with --resume).",
    )
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files, directories or globs; '-' (the default) reads standard input")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.add_argument("--output-format", choices=OUTPUT_FORMATS,
                   help="jsonl (a record per page), parquet, tsv (a row per block) or text (clean text); "
                   "default: from OUT's extension, else jsonl")
    p.add_argument("--format", choices=FORMATS,
                   help="input format for every input (default: from each file's extension)")
    p.add_argument("--text-field", default="text", metavar="F", help="JSONL/Parquet text field (default: text)")
    p.add_argument("--id-field", default="id", metavar="F", help="JSONL/Parquet id field (default: id)")
    p.add_argument("--url-field", default="url", metavar="F", help="JSONL/Parquet URL field (default: url)")
    p.add_argument("--keep", default="body", metavar="LABELS",
                   help="comma-separated labels that make the clean text (default: body)")
    p.add_argument("--model", metavar="M", help="model file (default: the bundled model)")
    p.add_argument("-j", "--jobs", type=non_negative_int, default=1, metavar="N",
                   help="worker processes (default 1; 0 = one per core)")
    p.add_argument("--batch-size", type=positive_int, default=BATCH_PAGES, metavar="N",
                   help=f"pages per model call (default {BATCH_PAGES})")
    p.add_argument("--group-by", choices=["page", "site"], default="page",
                   help="site: compare consecutive pages of one site (URL host) to spot their shared menus and "
                        "footers; sort the input by site first (default: page, each page alone)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run into the same OUT (JSONL output only)")
    p.add_argument("--strict", action="store_true",
                   help="stop at the first bad record (exit 2, no output file) instead of recording it")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, warnings or summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    keep = _parse_keep(args.keep)
    out_format = args.output_format or infer_output_format(args.output)
    if args.output not in (None, "-"):
        check_output(args.output)
    if args.resume and (args.output in (None, "-") or out_format != "jsonl"):
        raise InputError("--resume needs JSONL output to a file: pass -o OUT.jsonl")
    inputs = expand_inputs(args.inputs or ["-"])
    if inputs == ["-"] and sys.stdin.isatty():
        raise InputError("no input: pass files, directories or globs, or pipe pages to standard input")

    done, last_id = prepare_resume(args.output) if args.resume else (0, None)
    read_stats = ReadStats()
    records = read_records(inputs, args.format, args.text_field, args.id_field, args.url_field, read_stats)
    if done:
        records = skip_records(records, done, last_id, args.output)
    if args.resume:
        continue_output(args.output)
    writer = Writer(args.output, out_format, append=args.resume)
    settings = Settings(model_path=args.model, keep=keep, out_format=out_format, batch_pages=args.batch_size,
                        group_by_site=args.group_by == "site")
    stats = RunStats(resumed=done)
    bar = _progress_bar(enabled=not args.quiet and sys.stderr.isatty())
    first_error: str | None = None
    previous_sigterm = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        results = contextlib.closing(classify_records(records, settings, default_jobs(args.jobs)))
        with results as stream:  # closing stops the worker pool at once on an error
            for result in stream:
                if result.error is not None:
                    if args.strict:
                        raise InputError(result.error)
                    first_error = first_error or result.error
                    if not args.quiet and stats.failed < ERRORS_SHOWN:
                        _warn(bar, result.error)
                writer.write(result.encoded)
                stats.add(result)
                if bar is not None:
                    bar.update(1)
                    if stats.pages % 16 == 0:
                        bar.set_postfix_str(f"{stats.nbytes / 1e6:.1f} MB, {stats.nbytes / 1e6 / stats.seconds:.2f} MB/s",
                                            refresh=False)
    except KeyboardInterrupt:
        if args.resume or out_format == "jsonl" and writer.partial is not None:
            writer.suspend()
            print(f"boilerplate classify: stopped after {done + stats.pages:,} pages; {writer.partial} keeps them: "
                  "run the same command with --resume to continue", file=sys.stderr)
        else:
            writer.abort()
        raise
    except BrokenProcessPool:
        writer.suspend()
        kept = f"; {writer.partial} keeps the pages before it: rerun with --resume" if writer.fmt == "jsonl" else ""
        raise BoilerplateError(f"a worker process died (out of memory?) after {done + stats.pages:,} pages{kept}") from None
    except BaseException:
        writer.suspend() if args.resume else writer.abort()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        if bar is not None:
            bar.close()
    stats.skipped = read_stats.skipped

    if stats.pages == 0 and done == 0:
        writer.abort()
        raise InputError(f"no pages in {', '.join(inputs)}")
    if stats.failed == stats.pages and stats.pages and done == 0:
        writer.abort()
        more = f" (and {stats.failed - 1:,} more failed records)" if stats.failed > 1 else ""
        raise InputError(f"nothing could be classified: {first_error}{more}")
    writer.commit()
    if not args.quiet:
        if stats.failed > ERRORS_SHOWN:
            print(f"boilerplate classify: {stats.failed - ERRORS_SHOWN:,} more failed records not shown "
                  "(see the 'error' field of the output)", file=sys.stderr)
        print(f"boilerplate classify: {stats.summary()}", file=sys.stderr)
    return 1 if stats.failed else 0


def _parse_keep(value: str) -> tuple[str, ...]:
    keep = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [v for v in keep if v not in LABELS]
    if not keep or unknown:
        raise InputError(f"--keep {value!r}: labels are {', '.join(LABELS)} (comma-separated)")
    return keep


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit=" pages", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def _warn(bar: Any, message: str) -> None:
    line = f"boilerplate classify: warning: {message}"
    if bar is not None:
        bar.write(line, file=sys.stderr)
    else:
        print(line, file=sys.stderr)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
