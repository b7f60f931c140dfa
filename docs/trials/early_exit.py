"""Would stopping the tree walk early for confident blocks keep the bundled model's labels?

A trial, not part of the library (docs/experiments.md, "Early exit from the trees"). Each stage
adds 200 iterations of trees; a block whose two best raw scores are ``margin`` apart after the
first ``k`` iterations would skip the rest. The script reports, over the given labelled pages
(both shapes), the share of blocks that would exit in each stage, the walk's remaining cost,
and what the exit does to the final labels and calibrated scores against the full walk.

    OMP_NUM_THREADS=1 python docs/trials/early_exit.py data ../shared/real/pages.jsonl
"""
import sys

import numpy as np

import boilerplate
from boilerplate.model import LABELS, _context_matrix, apply_temperature, gold_labels
from boilerplate.pages import read_pages
from boilerplate.segment import block_spans

TRIALS = [(50, 3.0), (75, 4.0), (100, 6.0)]  # (k iterations, raw margin)


def staged_raw(stage, X, keep):
    """Raw scores after each iteration count in ``keep`` (scikit-learn's own staged walk)."""
    return {i: raw.copy() for i, raw in enumerate(stage.staged_decision_function(X), 1) if i in keep}


def margin(raw):
    top = np.sort(raw, axis=1)
    return top[:, -1] - top[:, -2]


def exited(raw_by_iter, k, threshold, n):
    leave = margin(raw_by_iter[k]) >= threshold
    return np.where(leave[:, None], raw_by_iter[k], raw_by_iter[n]), leave


def body_f1(pred, gold):
    body = LABELS.index("body")
    tp = np.sum((pred == body) & (gold == body))
    return 2 * tp / (np.sum(pred == body) + np.sum(gold == body))


def main(sources):
    model = boilerplate.load_model()
    pages = [p for src in sources for p in read_pages(src, shape="both")]
    spans = [block_spans(p.text) for p in pages]
    X = model.featurize_many([p.text for p in pages], spans)
    gold = np.array([LABELS.index(g) if g else -1 for p, s in zip(pages, spans) for g in gold_labels(p, s)])
    groups = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    block, context = model.block_stage_, model.context_stage_
    n = block.n_iter_
    first = staged_raw(block, X, {k for k, _ in TRIALS} | {n})

    def final(raw_first, exit_rule=None):
        X2 = np.hstack([X, _context_matrix(block._loss.predict_proba(raw_first), groups)])
        second = staged_raw(context, X2, {n} | ({exit_rule[0]} if exit_rule else set()))
        raw, leave = exited(second, *exit_rule, n) if exit_rule else (second[n], np.zeros(len(X), bool))
        return apply_temperature(context._loss.predict_proba(raw), model.temperature_), leave

    full, _ = final(first[n])
    full_pred = full.argmax(1)
    print(f"{len(X)} blocks, full walk: accuracy {np.mean(full_pred == gold):.4f}, body F1 {body_f1(full_pred, gold):.4f}")
    for k, threshold in TRIALS:
        for where in ("both stages", "context stage only"):
            raw1, leave1 = exited(first, k, threshold, n) if where == "both stages" else (first[n], np.zeros(len(X), bool))
            proba, leave2 = final(raw1, (k, threshold))
            pred = proba.argmax(1)
            cost = sum(k + (n - k) * (1 - leave.mean()) for leave in (leave1, leave2)) / (2 * n)
            shift = np.abs(proba - full).max(1)
            print(f"k={k} margin {threshold} ({where}): exit {leave1.mean():.2f}/{leave2.mean():.2f}, walk cost "
                  f"{cost:.2f}, labels changed {np.sum(pred != full_pred)}, accuracy {np.mean(pred == gold):.4f}, "
                  f"body F1 {body_f1(pred, gold):.4f}, median score shift of exited blocks {np.median(shift[leave2]):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["data"])
