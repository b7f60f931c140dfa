"""What the out-of-fold probabilities of two seed runs say, with no training: a body prior, HMM
decoding over the page's blocks, and averaging the two seeds' models (bagging).

    python docs/trials/oof_decoding.py SEED0.pkl SEED1.pkl

Each pickle is a ``BlockPredictions`` written by ``docs/trials/seed_run.py`` (the folds of
``boilerplate evaluate ../shared/real/pages.jsonl --group-folds 5 --train-extra data``), from the
same code with two training seeds. Printed: body P, R and F1 of

- each seed as it is, and with ``p(body)`` multiplied by a factor before the highest class is taken;
- each seed decoded as a first-order HMM over each page's blocks: emissions ``p(class | block) /
  prior(class) ** alpha``, transitions ``T ** beta`` counted from the gold label sequences of the
  pages in the *other* folds (add-one smoothed), by Viterbi (best sequence) or forward-backward
  (best class per block);
- the two seeds' probabilities averaged, block by block: a bag of two models that differ only in
  their 40% sample of ``ad`` blocks (the seed draws nothing else, see docs/experiments.md);
- how far the worst pages keep body F1 from the issue's 0.88: each seed with its K pages of most
  misclassified blocks (both shapes of a page counted as one) taken as right, and left out.
"""
from __future__ import annotations

import itertools
import pickle
import sys

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

import boilerplate

LABELS = np.array(boilerplate.LABELS)  # the columns of BlockPredictions.proba
BODY_FACTORS = (0.8, 0.9, 1.1, 1.2, 1.3)
ALPHAS = (0.0, 0.5, 1.0)
BETAS = (0.25, 0.5, 1.0)
WORST_PAGES = (2, 4, 6, 8)


def body_scores(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Body precision, recall and F1 of predicted labels."""
    p, r, f, _ = precision_recall_fscore_support(gold == "body", pred == "body", average="binary")
    return p, r, f


def body_prf(gold: np.ndarray, proba: np.ndarray) -> str:
    """Body P, R and F1 of the highest class of each row, as printed."""
    return "P {:.4f} R {:.4f} F1 {:.4f}".format(*body_scores(gold, LABELS[proba.argmax(1)]))


def page_rows(res) -> list[np.ndarray]:
    """Row indices of each page, its blocks in document order."""
    order = np.lexsort((res.block_index, res.page_index))
    cuts = np.flatnonzero(np.diff(res.page_index[order])) + 1
    return np.split(order, cuts)


def viterbi(log_e: np.ndarray, log_t: np.ndarray) -> np.ndarray:
    score, back = log_e[0].copy(), np.zeros(log_e.shape, dtype=np.int64)
    for t in range(1, len(log_e)):
        step = score[:, None] + log_t
        back[t] = step.argmax(0)
        score = step.max(0) + log_e[t]
    path = np.empty(len(log_e), dtype=np.int64)
    path[-1] = score.argmax()
    for t in range(len(log_e) - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def forward_backward(e: np.ndarray, t: np.ndarray) -> np.ndarray:
    fwd, bwd = np.zeros_like(e), np.ones_like(e)
    fwd[0] = e[0] / e[0].sum()
    for i in range(1, len(e)):
        fwd[i] = (fwd[i - 1] @ t) * e[i]
        fwd[i] /= fwd[i].sum()
    for i in range(len(e) - 2, -1, -1):
        bwd[i] = t @ (e[i + 1] * bwd[i + 1])
        bwd[i] /= bwd[i].sum()
    return (fwd * bwd).argmax(1)


def decoded(res, pages: list[np.ndarray], alpha: float, beta: float, mode: str) -> np.ndarray:
    """Each block's decoded label."""
    gold = np.array([LABELS.tolist().index(label) for label in res.gold])
    fold_of = [res.model_index[rows[0]] for rows in pages]
    out = np.empty(len(gold), dtype=object)
    for fold in np.unique(res.model_index):
        trans, prior = np.ones((5, 5)), np.ones(5)
        for rows, f in zip(pages, fold_of):
            if f != fold:
                np.add.at(trans, (gold[rows][:-1], gold[rows][1:]), 1)
                np.add.at(prior, gold[rows], 1)
        trans, prior = trans / trans.sum(1, keepdims=True), prior / prior.sum()
        powered = trans ** beta / (trans ** beta).sum(1, keepdims=True)
        for rows, f in zip(pages, fold_of):
            if f != fold:
                continue
            e = np.clip(res.proba[rows], 1e-6, 1.0) / prior ** alpha
            path = viterbi(np.log(e), beta * np.log(trans)) if mode == "viterbi" else forward_backward(e, powered)
            out[rows] = LABELS[path]
    return out


def main(path0: str, path1: str) -> None:
    runs = [pickle.load(open(p, "rb")) for p in (path0, path1)]
    a, b = runs
    if not ((a.page_index == b.page_index).all() and (a.block_index == b.block_index).all()):
        sys.exit("the two runs must hold the same blocks in the same order")
    for name, res in zip(("seed run 1", "seed run 2"), runs):
        print(f"{name}: {body_prf(res.gold, res.proba)}")
        for factor in BODY_FACTORS:
            p = res.proba.copy()
            p[:, 0] *= factor
            print(f"  p(body) x {factor}: {body_prf(res.gold, p)}")
        pages = page_rows(res)
        for alpha, beta, mode in itertools.product(ALPHAS, BETAS, ("viterbi", "forward-backward")):
            scores = body_scores(res.gold, decoded(res, pages, alpha, beta, mode))
            print("  {}, alpha {}, beta {}: P {:.4f} R {:.4f} F1 {:.4f}".format(mode, alpha, beta, *scores), flush=True)
    print(f"two seeds averaged: {body_prf(a.gold, (a.proba + b.proba) / 2)}")
    for name, res in zip(("seed run 1", "seed run 2"), runs):
        worst_pages(name, res)


def worst_pages(name: str, res) -> None:
    pred = LABELS[res.proba.argmax(1)]
    page = np.array([str(p).split("#")[0] for p in res.page_id])  # "#wet" marks the second shape
    wrong = (res.gold == "body") != (pred == "body")
    stems, errors = np.unique(page[wrong], return_counts=True)
    ranked = stems[np.argsort(-errors, kind="stable")]
    for k in WORST_PAGES:
        worst = np.isin(page, ranked[:k])
        right = np.where(worst, res.gold, pred)
        print(f"{name}, its {k} worst pages ({', '.join(ranked[:k])}): "
              f"right {body_scores(res.gold, right)[2]:.4f}, "
              f"left out {body_scores(res.gold[~worst], pred[~worst])[2]:.4f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
