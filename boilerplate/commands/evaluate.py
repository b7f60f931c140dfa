"""``boilerplate evaluate DATA... [--model M] [--group-folds K]``: score a model on labelled pages."""
from __future__ import annotations

import argparse

import numpy as np
from sklearn.base import clone

from ..api import load_model
from ..document import LABELS
from ..errors import InputError
from ..evaluate import (GROUPINGS, BlockPredictions, cross_val_predict_pages, format_report, format_worst_pages,
                        predict_pages, summary, worst_pages)
from ..pages import read_pages
from ._common import (SHAPE_HELP, check_output, non_negative_int, optional_fold_count, page_weights, progress_printer,
                      read_weighted_pages, write_json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a model on labelled pages",
        description="Score a model on labelled pages: per-class precision/recall/F1, confusion matrix, "
                    "calibration error (ECE), per-language and per-source tables. With --group-folds K, "
                    "cross-validate instead: train a fresh model with the same parameters on K-1 folds "
                    "(pages grouped by page, site or language) and score the held-out fold.",
        epilog="example: boilerplate evaluate ../shared/real/pages.jsonl --group-folds 5 --errors 20 --worst-pages 10",
    )
    p.add_argument("data", nargs="+", help="labelled pages: .jsonl, .jsonl.gz, hand-form .txt, or directories")
    p.add_argument("--model", help="model file (default: the bundled model)")
    p.add_argument("--shape", default="both", choices=["both", "paragraph", "wet", "as-is"], help=SHAPE_HELP)
    p.add_argument("--group-folds", type=optional_fold_count, default=0, metavar="K",
                   help="cross-validate with K grouped folds instead of scoring the model as it is")
    p.add_argument("--group-by", default="page", choices=GROUPINGS,
                   help="what a fold keeps together: a page (both shapes), a site, or a language (each "
                        "language scored by a model that never saw it; --train-extra pages in it are left out too)")
    p.add_argument("--train-extra", nargs="*", default=[], metavar="DATA",
                   help="with --group-folds: pages added to every training fold and never scored (e.g. data/)")
    p.add_argument("--weights", type=page_weights, default=None, metavar="W,W,...",
                   help="with --group-folds: one training weight per DATA argument, as for train (e.g. 2 to "
                        "count the scored pages twice as much as the --train-extra pages, which weigh 1)")
    p.add_argument("--errors", type=non_negative_int, default=0, metavar="N", help="show the N worst-misclassified blocks")
    p.add_argument("--worst-pages", type=non_negative_int, default=0, metavar="N",
                   help="list the N pages with the most misclassified blocks and their share of all errors "
                        "(with --group-folds: where to look for labels that contradict the other pages')")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.json:
        check_output(args.json, "--json")
    if args.weights is not None and not args.group_folds:
        raise InputError("--weights needs --group-folds: weights apply to training, and without folds nothing is trained")
    pages, weights = read_weighted_pages(args.data, args.weights, args.shape)
    model = load_model(args.model)
    if args.group_folds:
        extra = read_pages(args.train_extra, shape=args.shape) if args.train_extra else []
        preds = cross_val_predict_pages(clone(model), pages, folds=args.group_folds, group_by=args.group_by,
                                        extra_train=extra, sample_weight=weights,
                                        progress=progress_printer("fold", args.quiet))
    else:
        preds = predict_pages(model, pages)
    result = summary(preds)
    print(format_report(result))
    if args.errors:
        result["errors"] = worst_errors(preds, args.errors, pages)
        print(f"\n{args.errors} worst-misclassified blocks:")
        for e in result["errors"]:
            print(f"- [{e['page']}] gold {e['gold']} ({e['gold_score']:.2f}), predicted {e['pred']} "
                  f"({e['pred_score']:.2f}): {e['text'][:100]!r}")
            if e.get("because"):
                print("    because " + ", ".join(e["because"]))
    if args.worst_pages:
        result["worst_pages"] = worst_pages(preds, args.worst_pages)
        print(f"\n{len(result['worst_pages'])} pages with the most misclassified blocks "
              "(a page's two shapes together; cumulative: share of all errors):")
        print(format_worst_pages(result["worst_pages"]))
    if args.json:
        write_json(args.json, result)
    return 0


def worst_errors(preds: BlockPredictions, n: int, pages: list | None = None) -> list[dict]:
    """The n wrong blocks with the lowest probability for their gold label, with the three features
    that pushed the decision most (when the pages are given)."""
    gold_idx = np.array([LABELS.index(g) for g in preds.gold])
    gold_p = preds.proba[np.arange(len(gold_idx)), gold_idx]
    wrong = np.flatnonzero(preds.gold != preds.pred)
    order = wrong[np.argsort(gold_p[wrong], kind="stable")][:n]
    out = []
    for i in order.tolist():
        out.append({
            "page": str(preds.page_id[i]), "block": int(preds.block_index[i]), "text": preds.text[i],
            "gold": str(preds.gold[i]), "pred": str(preds.pred[i]),
            "gold_score": float(gold_p[i]), "pred_score": float(preds.proba[i].max()),
            "because": _because(preds, i, pages) if pages is not None else [],
        })
    return out


def _because(preds: BlockPredictions, i: int, pages: list) -> list[str]:
    """'feature=value (+0.12)' for the three strongest contributions to block i's predicted label."""
    from ..explain import explain_block
    from ..segment import block_spans

    page = pages[int(preds.page_index[i])]
    model = preds.models[int(preds.model_index[i])]
    ex = explain_block(model, page.text, block_spans(page.text), int(preds.block_index[i]), top_k=3)
    return [f"{r.feature}={r.value:.2f} ({r.contribution:+.2f})" for r in ex.rows]
