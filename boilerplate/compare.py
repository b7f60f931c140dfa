"""Score the model and the text-only peers on the same blocks, in one run.

``python -m boilerplate.compare DATA... [--folds 5] [--shape both] [--group-by page|site|lang]
[--train-extra DATA...] [--no-context] [--seeds 1,2] [--sites] [--json out.json]``

Every page is segmented once (:func:`boilerplate.segment`); each block gets the gold label of the
span covering most of its characters. The model is scored by cross-validation grouped by page
(both shapes of a page fall in the same fold, so no page is ever scored by a model that saw it)
or by site: a fresh, unfitted copy of the default model's estimator is trained on the other folds
and predicts the held-out one (:func:`boilerplate.evaluate.cross_val_predict_pages`). The peers (:mod:`boilerplate.peers`) need no training and see each
page's blocks and language. The table gives body precision/recall/F1 for every system,
per-class F1 for the model, and every system's body F1 in each page language (the page's
``lang``, else the language detected from its blocks) when the pages have more than one.

>>> from boilerplate.pages import LabelledPage
>>> page = LabelledPage.from_blocks("p", [("Menu", "ad"), ("It rained all day in the city, and the "
...     "streets were full of water by the evening.", "body")], lang="en")
>>> rows = score_peers([page], [segment(page.text)])
>>> rows["baseline"].body
{'precision': 1.0, 'recall': 1.0, 'f1': 1.0, 'support': 1}
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from sklearn.base import clone

from .api import load_model
from .document import LABELS, Block
from .commands._common import check_output, fold_count, write_json
from .lang import page_language
from .errors import BoilerplateError, InputError, ModelError
from .evaluate import GROUPINGS, cross_val_predict_pages, gold_labels, site_grouped_predictions
from .evaluate import page_language as labelled_language
from .model import BlockClassifier
from .pages import LabelledPage, read_pages
from .peers import PEERS
from .segment import segment

FOLDS_DEFAULT = 5
SHAPE_DEFAULT = "both"
GROUP_BY_DEFAULT = "page"


# ---------------------------------------------------------------------------------------------
# Scores

@dataclass
class SystemScore:
    """One row of the table: body precision/recall/F1 and, for the model, F1 per class."""

    name: str
    body: dict[str, float]
    per_class: dict[str, dict[str, float]] | None = None
    by_group: dict[str, dict[str, float]] = field(default_factory=dict)
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "body": self.body}
        if self.per_class is not None:
            out["per_class"] = self.per_class
            out["macro_f1"] = _round(np.mean([c["f1"] for c in self.per_class.values() if c["support"]]))
        if self.by_group:
            out["body_by_group"] = self.by_group
        if self.by_language:
            out["body_by_language"] = self.by_language
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 2)
        return out


def binary_scores(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Precision, recall, F1 (0 where undefined) and support of the positive class.

    >>> binary_scores(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5, 'support': 2}
    """
    gold = np.asarray(gold, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    tp = int(np.count_nonzero(gold & pred))
    fp = int(np.count_nonzero(~gold & pred))
    fn = int(np.count_nonzero(gold & ~pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": _round(p), "recall": _round(r), "f1": _round(f), "support": tp + fn}


def _round(x: float) -> float:
    return round(float(x), 4)


def _by_group(gold: np.ndarray, pred: np.ndarray, groups: np.ndarray) -> dict[str, dict[str, float]]:
    """Body scores within each group (each page shape, each language)."""
    return {str(g): binary_scores(gold[groups == g], pred[groups == g]) for g in np.unique(groups)}


# ---------------------------------------------------------------------------------------------
# The systems

def page_shape(page: LabelledPage) -> str:
    """``"wet"`` for a page with no blank line (one block per line, as in a WET record), else
    ``"paragraph"``. Judged from the text, so it holds for pages from any source.

    >>> page_shape(LabelledPage("a", "Title\\nText", [])), page_shape(LabelledPage("b", "Title\\n\\nText", []))
    ('wet', 'paragraph')
    """
    return "paragraph" if _BLANK_LINE.search(page.text) else "wet"


_BLANK_LINE = re.compile(r"(?:\r\n|[\n\r\u2028])[ \t]*(?:\r\n|[\n\r\u2028])|\u2029")


def page_gold(page: LabelledPage, blocks: Sequence[Block]) -> np.ndarray:
    """Each block's gold label (``""`` where no gold span covers it), as training and evaluation see it.

    >>> page = LabelledPage.from_blocks("p", [("Title", "body"), ("Foto: AFP", "caption")])
    >>> page_gold(page, segment(page.text)).tolist()
    ['body', 'caption']
    """
    return gold_labels(page, [(b.start, b.end) for b in blocks])


def peer_predictions(
    pages: Sequence[LabelledPage],
    blocks: Sequence[Sequence[Block]],
    peers: dict[str, Callable[..., np.ndarray]] | None = None,
) -> dict[str, tuple[np.ndarray, float]]:
    """Each peer's body verdict for every block of ``pages`` (concatenated) and the seconds it took.

    ``blocks[i]`` segments ``pages[i]``; a peer sees one page's block texts and language at a time.
    """
    out: dict[str, tuple[np.ndarray, float]] = {}
    for name, peer in (PEERS if peers is None else peers).items():
        t0 = time.perf_counter()
        parts = [peer([b.text for b in bs], p.lang or page_language([b.text for b in bs]))
                 for p, bs in zip(pages, blocks)]
        out[name] = (np.concatenate(parts) if parts else np.zeros(0, dtype=bool), time.perf_counter() - t0)
    return out


def score_peers(
    pages: Sequence[LabelledPage],
    blocks: Sequence[Sequence[Block]],
    peers: dict[str, Callable[..., np.ndarray]] | None = None,
) -> dict[str, SystemScore]:
    """Body scores of each peer over the labelled blocks of ``pages``."""
    gold = np.concatenate([page_gold(p, bs) for p, bs in zip(pages, blocks)])
    scored = gold != ""
    return {name: score_system(name, gold[scored], pred[scored], seconds=seconds)
            for name, (pred, seconds) in peer_predictions(pages, blocks, peers).items()}


def score_system(
    name: str, gold: np.ndarray, pred: np.ndarray, shapes: np.ndarray | None = None,
    seconds: float | None = None, languages: np.ndarray | None = None,
) -> SystemScore:
    """Scores of one system: ``pred`` is a label per block (the model) or a body verdict (a peer).

    Labels get per-class scores too; booleans only body scores. ``shapes`` and ``languages`` (one
    per block) add body scores within each page shape and each page language.
    """
    per_class = None
    if pred.dtype == bool:
        pred_body = pred
    else:
        per_class = {lab: binary_scores(gold == lab, pred == lab) for lab in LABELS}
        pred_body = pred == "body"
    gold_body = gold == "body"
    return SystemScore(name, binary_scores(gold_body, pred_body), per_class=per_class, seconds=seconds,
                       by_group=_by_group(gold_body, pred_body, shapes) if shapes is not None else {},
                       by_language=_by_group(gold_body, pred_body, languages) if languages is not None else {})


# ---------------------------------------------------------------------------------------------
# The run

def compare(
    data: Sequence[str | os.PathLike],
    *,
    folds: int = FOLDS_DEFAULT,
    shape: str = SHAPE_DEFAULT,
    group_by: str = GROUP_BY_DEFAULT,
    extra_train: Sequence[str | os.PathLike] = (),
    model_path: str | None = None,
    no_context: bool = False,
    seeds: Sequence[int] = (),
    sites: bool = False,
    peers: Sequence[str] | None = None,
    with_model: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the comparison and return the report (what ``--json`` writes).

    The model's rows come from :func:`boilerplate.evaluate.cross_val_predict_pages` (grouped
    folds, ``extra_train`` pages in every training fold and never scored); the peers are scored on
    exactly the blocks it scored (same pages, same segmentation, blocks with a gold label).
    """
    t_start = time.perf_counter()
    pages = read_pages(list(data), shape=shape)  # type: ignore[arg-type]
    train_only = read_pages(list(extra_train), shape=shape) if extra_train else []  # type: ignore[arg-type]
    blocks = [segment(p.text) for p in pages]
    offsets = np.cumsum([0] + [len(bs) for bs in blocks])
    page_langs = _page_languages(pages, blocks)
    chosen = {k: PEERS[k] for k in (peers if peers is not None else PEERS)}

    rows: list[SystemScore] = []
    seed_f1: list[float] = []  # body F1 of the model and of each extra training seed
    index = gold = shapes = languages = None
    base = _estimator(model_path) if with_model else None
    variants = _model_variants(base, no_context, seeds) if with_model else []
    for name, params in variants:
        t0 = time.perf_counter()
        tell = (lambda k, n, name=name: progress(f"{name}: fold {k}/{n} done")) if progress else None
        preds = cross_val_predict_pages(clone(base).set_params(**params), pages, folds=folds, group_by=group_by,
                                        extra_train=train_only, progress=tell)
        if index is None:  # the blocks every system is scored on
            index = offsets[preds.page_index] + preds.block_index
            gold = preds.gold
            shapes, languages = _page_keys(pages, page_langs, preds.page_index)
        rows.append(score_system(name, gold, preds.pred, shapes, time.perf_counter() - t0, languages))
        if set(params) <= {"random_state"}:
            seed_f1.append(rows[-1].body["f1"])
        if sites and name == "model":  # the same fold models, held-out pages grouped by site
            t0 = time.perf_counter()
            grouped = site_grouped_predictions(preds, pages)
            rows.append(score_system("model, pages grouped by site", gold, grouped.pred, shapes,
                                     time.perf_counter() - t0, languages))
    if index is None:  # no model: the labelled blocks of every page
        gold_all = np.concatenate([page_gold(p, bs) for p, bs in zip(pages, blocks)]) if pages else np.zeros(0)
        index = np.flatnonzero(gold_all != "")
        gold = gold_all[index]
        block_page = np.repeat(np.arange(len(pages)), [len(bs) for bs in blocks])
        shapes, languages = _page_keys(pages, page_langs, block_page[index])
    if progress:
        progress(f"peers: {', '.join(chosen)}")
    peer_rows = [score_system(name, gold, pred[index], shapes, seconds, languages)
                 for name, (pred, seconds) in peer_predictions(pages, blocks, chosen).items()]
    rows.extend(peer_rows)

    best_peer = max(peer_rows, key=lambda r: r.body["f1"]) if peer_rows else None
    return {
        "data": [str(d) for d in data],
        "extra_train": [str(d) for d in extra_train],
        "shape": shape,
        "folds": folds,
        "group_by": group_by,
        "pages": len(pages),
        "groups": len({p.base_id for p in pages}),
        "blocks": int(len(gold)),
        "unlabelled_blocks": int(offsets[-1] - len(gold)),
        "gold_counts": {lab: int(np.count_nonzero(gold == lab)) for lab in LABELS},
        "languages": _language_counts(pages, page_langs, languages, gold),
        "systems": [r.to_dict() for r in rows],
        "best_peer": best_peer.name if best_peer else None,
        "margin_over_best_peer": (_round(rows[0].body["f1"] - best_peer.body["f1"])
                                  if best_peer and variants else None),
        "seeds": _seed_summary(seed_f1) if seeds else None,
        "seconds": round(time.perf_counter() - t_start, 1),
    }


def _page_languages(pages: Sequence[LabelledPage], blocks: Sequence[Sequence[Block]]) -> list[str]:
    """Each page's language for the breakdown: its label's primary subtag (``zh-cn`` is ``zh``),
    else the language detected from its blocks, else ``"?"``."""
    return [labelled_language(p) or page_language([b.text for b in bs]) or "?" for p, bs in zip(pages, blocks)]


def _page_keys(pages: Sequence[LabelledPage], languages: Sequence[str],
               page_of_block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each block's page shape and page language, from its page's index."""
    shape = np.array([page_shape(p) for p in pages], dtype=object)
    return shape[page_of_block], np.array(list(languages), dtype=object)[page_of_block]


def _language_counts(pages: Sequence[LabelledPage], page_languages: Sequence[str],
                     block_languages: np.ndarray, gold: np.ndarray) -> dict[str, dict[str, int]]:
    """Per language: pages (a page's two shapes count once) and labelled body blocks."""
    return {lang: {"pages": len({p.base_id for p, lg in zip(pages, page_languages) if lg == lang}),
                   "body_blocks": int(np.count_nonzero((block_languages == lang) & (gold == "body")))}
            for lang in sorted(set(block_languages.tolist()))}


def _model_variants(model: Any, no_context: bool, seeds: Sequence[int] = ()) -> list[tuple[str, dict[str, Any]]]:
    """The model rows to cross-validate: the model itself, then one per extra training seed, then
    the ablation without the context stage."""
    variants: list[tuple[str, dict[str, Any]]] = [("model", {})]
    if seeds:
        if "random_state" not in model.get_params():
            raise InputError("--seeds: this model's estimator has no 'random_state' parameter")
        own = model.get_params()["random_state"]
        variants += [(f"model, random_state={seed}", {"random_state": seed}) for seed in dict.fromkeys(seeds)
                     if seed != own]
    if no_context:
        if "context" not in model.get_params():
            raise InputError("--no-context: this model's estimator has no 'context' parameter")
        variants.append(("model, no context", {"context": False}))
    return variants


def _seed_summary(f1: Sequence[float]) -> dict[str, Any]:
    """Body F1 of the model under each training seed: the values, their mean and their spread,
    which says how large a difference between two models must be to mean anything.

    >>> _seed_summary([0.8, 0.81])
    {'body_f1': [0.8, 0.81], 'mean': 0.805, 'spread': 0.01}
    """
    return {"body_f1": list(f1), "mean": _round(np.mean(f1)), "spread": _round(max(f1) - min(f1))}


def _estimator(model_path: str | None) -> Any:
    """An unfitted estimator with the parameters of the model at ``model_path`` (default: bundled).

    Falls back to ``BlockClassifier()`` when there is no bundled model yet.
    """
    try:
        model = load_model(model_path)
    except ModelError:
        if model_path is not None:
            raise
        return BlockClassifier()
    return clone(model)


# ---------------------------------------------------------------------------------------------
# Output

def format_table(report: dict[str, Any]) -> str:
    """The report as a plain-text table (body P/R/F1 per system; F1 per class for the model).

    >>> print(format_table({"pages": 2, "groups": 1, "blocks": 3, "folds": 5, "shape": "both", "systems": [
    ...     {"name": "baseline", "body": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}}]}))
    ... # doctest: +NORMALIZE_WHITESPACE
    2 pages (1 groups), 3 blocks, shape both, peers only
    system     body P  body R  body F1  F1 paragraph  F1 wet
    baseline   1.000   0.500   0.667    -             -
    """
    systems = report["systems"]
    cv = (f"{report['folds']}-fold cross-validation grouped by {report.get('group_by', 'page')} for the model"
          if any("per_class" in s for s in systems) else "peers only")
    head = f"{report['pages']} pages ({report['groups']} groups), {report['blocks']} blocks, shape {report['shape']}, {cv}"
    width = max([len(s["name"]) for s in systems] + [6]) + 2
    lines = [head, f"{'system':<{width}} body P  body R  body F1  F1 paragraph  F1 wet"]
    for s in systems:
        b = s["body"]
        by = s.get("body_by_group", {})
        para = f"{by['paragraph']['f1']:.3f}" if "paragraph" in by else "-"
        wet = f"{by['wet']['f1']:.3f}" if "wet" in by else "-"
        lines.append(f"{s['name']:<{width}} {b['precision']:.3f}   {b['recall']:.3f}   {b['f1']:.3f}    "
                     f"{para:<13} {wet}")
    for s in systems:
        if "per_class" not in s:
            continue
        lines.append("")
        lines.append(f"{s['name']}: F1 per class (support)   macro-F1 {s['macro_f1']:.3f}")
        lines.append("  ".join(f"{lab} {c['f1']:.3f} ({c['support']})" for lab, c in s["per_class"].items()))
    if report.get("seeds"):
        seeds = report["seeds"]
        lines.append("")
        lines.append(f"model over {len(seeds['body_f1'])} training seeds: body F1 mean {seeds['mean']:.3f}, "
                     f"spread {seeds['spread']:.3f} ({', '.join(f'{f:.3f}' for f in seeds['body_f1'])})")
    lines.extend(_language_table(report))
    if report.get("margin_over_best_peer") is not None:
        lines.append("")
        lines.append(f"model minus best peer ({report['best_peer']}): body F1 {report['margin_over_best_peer']:+.3f}")
    return "\n".join(lines)


def _language_table(report: dict[str, Any]) -> list[str]:
    """Body F1 of every system in each language of the pages (none for a single language)."""
    languages = report.get("languages", {})
    systems = [s for s in report["systems"] if s.get("body_by_language")]
    if len(languages) < 2 or not systems:
        return []
    widths = [max(len(s["name"]), 5) for s in systems]
    lines = ["", "body F1 by page language",
             "lang   pages  body  " + "  ".join(f"{s['name']:<{w}}" for s, w in zip(systems, widths))]
    for lang, n in languages.items():
        f1s = [s["body_by_language"].get(lang) for s in systems]
        cells = [f"{f['f1']:.3f}" if f and f["support"] else "-" for f in f1s]
        lines.append(f"{lang:<6} {n['pages']:>5}  {n['body_blocks']:>4}  "
                     + "  ".join(f"{c:<{w}}" for c, w in zip(cells, widths)))
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m boilerplate.compare",
        description="Score the model (grouped cross-validation) and the text-only peers (jusText, C4, "
                    "Gopher, a 10-word baseline) on the same blocks of labelled pages.",
    )
    parser.add_argument("data", nargs="+", help="labelled pages to score (JSONL, hand form, or directories)")
    parser.add_argument("--folds", type=fold_count, default=FOLDS_DEFAULT, help="cross-validation folds (default %(default)s)")
    parser.add_argument("--shape", choices=["both", "paragraph", "wet", "as-is"], default=SHAPE_DEFAULT,
                        help="how block-list pages are joined into text (default %(default)s)")
    parser.add_argument("--train-extra", nargs="*", default=[], metavar="DATA",
                        help="labelled pages added to every training fold, never scored")
    parser.add_argument("--model", default=None, help="model whose parameters are cross-validated (default: bundled)")
    parser.add_argument("--no-context", action="store_true",
                        help="also score the model with context=False (the context stage's gain)")
    parser.add_argument("--seeds", type=_seed_list, default=[], metavar="N,N,...",
                        help="also cross-validate the model with these training seeds (random_state) and print "
                             "the mean and spread of body F1: how much the figure moves with nothing changed "
                             "but the seed (each seed costs a full cross-validation)")
    parser.add_argument("--sites", action="store_true",
                        help="also score the model with each fold's held-out pages classified together, grouped "
                             "by site (repetition across a site's pages); use with --group-by site")
    parser.add_argument("--no-model", action="store_true",
                        help="score the peers only (no cross-validation: seconds instead of minutes)")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated peers (default %(default)s)")
    parser.add_argument("--group-by", choices=GROUPINGS, default=GROUP_BY_DEFAULT,
                        help="cross-validation groups: a page with its two shapes, a whole site, or a language (default %(default)s)")
    parser.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def _seed_list(value: str) -> list[int]:
    """``--seeds`` as a list of non-negative integers.

    >>> _seed_list("1, 2,3")
    [1, 2, 3]
    """
    try:
        seeds = [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of integers") from None
    if not seeds or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: give one or more seeds, each 0 or more")
    return seeds


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    peers = [p for p in args.peers.split(",") if p]
    unknown = [p for p in peers if p not in PEERS]
    try:
        if unknown:
            raise InputError(f"--peers: unknown peer {unknown[0]!r} (choose from {', '.join(PEERS)})")
        if args.json:
            check_output(args.json, "--json")
        report = compare(
            args.data, folds=args.folds, shape=args.shape, extra_train=args.train_extra, model_path=args.model,
            no_context=args.no_context, seeds=args.seeds, sites=args.sites, peers=peers, group_by=args.group_by, with_model=not args.no_model,
            progress=None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True)),
        )
    except BoilerplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_table(report))
    if args.json:
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
