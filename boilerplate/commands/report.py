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
    p.add_argument("--folds", type=int, default=FOLDS_DEFAULT, metavar="K",
                   help=f"cross-validation folds when no --model is given (default {FOLDS_DEFAULT})")
    p.add_argument("--shape", choices=["as-is", "paragraph", "wet", "both"], default="as-is",
                   help="how pages given as blocks are joined into text (default: as written)")
    p.add_argument("--worst", type=int, default=40, metavar="N", help="worst errors to list (default 40)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..pages import read_pages
    from ..report import write_report

    if args.folds < 2:
        raise InputError(f"--folds {args.folds}: need at least 2")
    if not args.output.endswith((".html", ".htm")):
        raise InputError(f"--output {args.output}: must end in .html")
    pages = read_pages(args.data, shape=args.shape)
    results = collect_results(pages, model_path=args.model, folds=args.folds)
    notes = {
        "data": ", ".join(args.data),
        "pages": f"{len(pages):,}",
        "model": args.model if args.model else f"new BlockClassifier, {results['folds']}-fold cross-validation by page",
    }
    path = write_report(Path(args.output), results["gold"], results["proba"], results["page_ids"],
                        results["langs"], results["texts"], title="boilerplate evaluation report",
                        notes=notes, worst=args.worst)
    print(f"wrote {path} ({len(results['gold']):,} blocks of {len(pages):,} pages)", file=sys.stderr)
    return 0


def collect_results(pages: list, model_path: str | None = None, folds: int = FOLDS_DEFAULT) -> dict[str, Any]:
    """Per-block gold labels, probabilities, page ids, languages and texts for ``pages``.

    Scores ``model_path`` if given, else a new :class:`~boilerplate.model.BlockClassifier`
    cross-validated with ``folds`` folds grouped by page.
    """
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from ..api import load_model
    from ..document import LABELS
    from ..model import BlockClassifier, gold_labels
    from ..segment import block_spans

    spans = [block_spans(p.text) for p in pages]
    gold = [gold_labels(p, s) for p, s in zip(pages, spans)]
    proba = [np.zeros((len(s), len(LABELS))) for s in spans]
    if model_path is not None:
        model = load_model(model_path)
        for k, page in enumerate(pages):
            proba[k] = model.predict_proba_blocks(page.text, spans[k])
        used_folds = 0
    else:
        # pages from the same source page (paragraph and WET shapes of one page) share a group
        groups = np.array([p.id.split("#")[0] for p in pages])
        used_folds = min(folds, len(np.unique(groups)))
        if used_folds < 2:
            raise InputError("cross-validation needs at least 2 distinct pages; pass --model to score a model")
        for train, test in GroupKFold(n_splits=used_folds).split(np.zeros(len(pages)), groups=groups):
            model = BlockClassifier().fit([pages[k] for k in train])
            for k in test:
                proba[k] = model.predict_proba_blocks(pages[k].text, spans[k])
    rows: dict[str, list] = {"gold": [], "proba": [], "page_ids": [], "langs": [], "texts": []}
    for page, s, g, p in zip(pages, spans, gold, proba):
        keep = g != ""
        rows["gold"].extend(g[keep])
        rows["proba"].append(p[keep])
        rows["page_ids"].extend([page.id] * int(keep.sum()))
        rows["langs"].extend([page.lang] * int(keep.sum()))
        rows["texts"].extend(page.text[a:b] for (a, b), k in zip(s, keep) if k)
    return {
        "gold": rows["gold"],
        "proba": np.vstack(rows["proba"]) if rows["proba"] else np.zeros((0, len(LABELS))),
        "page_ids": rows["page_ids"],
        "langs": rows["langs"],
        "texts": rows["texts"],
        "folds": used_folds,
    }
