"""``boilerplate train DATA... -o MODEL``: train a model on labelled pages and write it with its model card."""
from __future__ import annotations

import argparse
import hashlib
import shlex
import sys
import time
from pathlib import Path

from ..evaluate import cross_val_predict_pages, predict_pages, summary
from ..model import BlockClassifier
from ..pages import read_pages
from ._common import (SHAPE_HELP, check_output, optional_fold_count, page_weights, positive_int,
                      progress_printer, read_weighted_pages, seed)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help="train a model on labelled pages",
        description="Train a block classifier on labelled pages (JSONL or hand form, files or directories) "
                    "and write MODEL plus its model card (MODEL with .json) recording data, command, seed, "
                    "versions, hash and held-out scores.",
        epilog="example: boilerplate train data/ my-pages.txt -o models/mine.joblib --eval-folds 5",
    )
    p.add_argument("data", nargs="+", help="labelled pages: .jsonl, .jsonl.gz, hand-form .txt, or directories")
    p.add_argument("-o", "--output", required=True, help="model file to write (.joblib)")
    p.add_argument("--shape", default="both", choices=["both", "paragraph", "wet", "as-is"], help=SHAPE_HELP)
    p.add_argument("--seed", type=seed, default=0, help="random seed (default 0)")
    p.add_argument("--max-iter", type=positive_int, default=BlockClassifier().max_iter,
                   help="boosting iterations per stage (default %(default)s)")
    p.add_argument("--context-max-iter", type=positive_int, default=None, metavar="N",
                   help="boosting iterations of the context stage (default: as --max-iter); fewer train sooner")
    p.add_argument("--no-context", action="store_true", help="train the block stage only")
    p.add_argument("--lexical", action="store_true",
                   help="add the lexical stage: a linear model over each block's words (see boilerplate.lexical)")
    p.add_argument("--weights", type=page_weights, default=None, metavar="W,W,...",
                   help="one weight per DATA argument, e.g. 1,3 to count the pages of the second three times "
                        "as much as those of the first (default: all 1)")
    p.add_argument("--eval-folds", type=optional_fold_count, default=0,
                   help="also cross-validate with K page-grouped folds and record the held-out scores in the card")
    p.add_argument("--score", nargs="*", default=[], metavar="DATA",
                   help="held-out labelled pages (never trained on) to score with the final model and "
                        "record in the card, e.g. ../shared/seed/watson-kasachstan.labels.jsonl")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = check_output(args.output)
    t0 = time.perf_counter()
    pages, weights = read_weighted_pages(args.data, args.weights, args.shape)
    held_out = {data: read_pages([data], shape=args.shape) for data in args.score}  # a bad file fails before training
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    log(f"read {len(pages)} pages from {', '.join(args.data)}")
    model = BlockClassifier(max_iter=args.max_iter, context_max_iter=args.context_max_iter,
                            context=not args.no_context, lexical=args.lexical, random_state=args.seed)
    card = {
        "command": "boilerplate train " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        if sys.argv[1:2] == ["train"] else None,
        "seed": args.seed,
        "data": [_describe(Path(d)) for d in args.data],
        "shape": args.shape,
        **({"weights": args.weights} if args.weights is not None else {}),  # one per entry of "data"
    }
    log("training on all pages")
    model.fit(pages, sample_weight=weights)
    card["train_seconds"] = round(time.perf_counter() - t0, 1)
    for data, score_pages in held_out.items():
        result = summary(predict_pages(model, score_pages))
        card.setdefault("scored", {})[data] = _rounded(result)
        log(f"{data}: accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}")
    card_path = model.save(out, card=card)
    log(f"wrote {out} and {card_path}")
    if args.eval_folds:  # after saving, so a long evaluation never holds the model back
        log(f"cross-validating with {args.eval_folds} page-grouped folds for the model card")
        preds = cross_val_predict_pages(model, pages, folds=args.eval_folds, sample_weight=weights,
                                        progress=progress_printer("  fold", args.quiet))
        result = summary(preds)
        card["held_out"] = {
            "method": f"{args.eval_folds}-fold cross-validation grouped by page, same parameters and data",
            **_rounded(result),
        }
        model.save(out, card=card)
        log(f"held-out accuracy {result['accuracy']:.3f}, macro-F1 {result['macro_f1']:.3f}, "
            f"ECE {result['ece']:.3f}; card updated")
    return 0


def _rounded(result: dict) -> dict:
    """The card's copy of an evaluation summary: scores to 4 decimals, no confusion matrix."""
    return {
        "accuracy": round(result["accuracy"], 4), "macro_f1": round(result["macro_f1"], 4),
        "ece": round(result["ece"], 4), "blocks": result["blocks"],
        **({"ece_uncalibrated": round(result["ece_uncalibrated"], 4)} if "ece_uncalibrated" in result else {}),
        "per_class": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in s.items()}
                      for k, s in result["per_class"].items()},
        "per_source": result["per_source"], "per_language": result["per_language"],
    }


def _describe(path: Path) -> dict:
    """Name and content hash of a data file (or of each file in a directory), for the model card."""
    files = sorted(q for q in path.rglob("*") if q.is_file()) if path.is_dir() else [path]
    h = hashlib.sha256()
    for f in files:
        if f.name.endswith((".jsonl", ".jsonl.gz", ".txt")):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return {"path": str(path), "files": len(files), "sha256": h.hexdigest()}
