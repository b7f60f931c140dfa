"""``boilerplate report DATA… -o report.html``: an evaluation as one self-contained HTML file.

With ``--model`` the model is scored on DATA as it is; without it, a fresh model is
cross-validated on DATA (``--folds`` folds grouped by page, so no page is scored by a model that
saw it). The page shows per-class and per-language scores, the confusion matrix, a calibration
plot and the worst errors (see :mod:`boilerplate.report`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ._common import SHAPE_HELP, check_output, fold_count, non_negative_int, progress_printer

FOLDS_DEFAULT = 5


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="write an HTML evaluation report (scores, confusion matrix, calibration, worst errors)",
        description="Evaluate on labelled pages and write one self-contained HTML file.",
    )
    p.add_argument("data", nargs="+", metavar="DATA", help="labelled pages (.jsonl, .jsonl.gz, hand-form .txt, folders)")
    p.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="where to write the report")
    p.add_argument("--model", metavar="M", help="score this model file; default: cross-validate a new model")
    p.add_argument("--folds", type=fold_count, default=FOLDS_DEFAULT, metavar="K",
                   help=f"cross-validation folds when no --model is given (default {FOLDS_DEFAULT})")
    p.add_argument("--group-by", choices=["page", "site"], default="page",
                   help="keep a page's (or a site's) blocks in one fold (default: page)")
    p.add_argument("--shape", default="both", choices=["both", "paragraph", "wet", "as-is"], help=SHAPE_HELP)
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.add_argument("--worst", type=non_negative_int, default=40, metavar="N", help="worst errors to list (default 40)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import load_model
    from ..evaluate import cross_val_predict_pages, predict_pages
    from ..model import BlockClassifier
    from ..pages import read_pages
    from ..report import write_report

    if not args.output.endswith((".html", ".htm")):
        raise InputError(f"--output {args.output}: must end in .html")
    check_output(args.output)
    pages = read_pages(args.data, shape=args.shape)
    if args.model:
        preds = predict_pages(load_model(args.model), pages)
        how = args.model
    else:
        preds = cross_val_predict_pages(BlockClassifier(), pages, folds=args.folds, group_by=args.group_by,
                                        progress=progress_printer("fold", args.quiet))
        how = f"new BlockClassifier, {args.folds}-fold cross-validation grouped by {args.group_by}"
    notes = {"data": ", ".join(args.data), "pages": f"{len(pages):,} (shape: {args.shape})", "model": how}
    path = write_report(
        Path(args.output), preds.gold, preds.proba, preds.page_id, preds.lang, preds.text, pred=preds.pred,
        sources=preds.source, title="boilerplate evaluation report", notes=notes, worst=args.worst,
    )
    if not args.quiet:
        print(f"wrote {path} ({len(preds.gold):,} blocks of {len(pages):,} pages)", file=sys.stderr)
    return 0
