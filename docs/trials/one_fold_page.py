"""Which stage decides one page: train the real-page fold that holds it and print, for its gold
body blocks, how many each stage labels body and their mean p(body).

    OMP_NUM_THREADS=1 python docs/trials/one_fold_page.py PAGE_ID [CONTEXT_FOLDS] [SEED]

The fold is the one of ``seed_run.py`` (five page-grouped folds of ``../shared/real/pages.jsonl``,
``data/`` in training), so the model is the one that predicted the page in that screen.
"""
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from boilerplate import BlockClassifier
from boilerplate.evaluate import page_groups
from boilerplate.model import LABELS, gold_labels
from boilerplate.pages import read_pages
from boilerplate.segment import block_spans

_REPO = Path(__file__).resolve().parents[2]
_BODY = LABELS.index("body")


def main(page_id: str, context_folds: int = 2, seed: int = 0) -> None:
    pages = read_pages([_REPO.parent / "shared/real/pages.jsonl"], shape="both")
    splits = GroupKFold(n_splits=5).split(np.zeros(len(pages)), groups=page_groups(pages, "page"))
    train, test = next((tr, te) for tr, te in splits if any(pages[i].base_id == page_id for i in te))
    start = time.time()
    model = BlockClassifier(random_state=seed, context_folds=context_folds)
    model.fit([pages[i] for i in train] + read_pages([_REPO / "data"], shape="both"))
    print(f"context_folds={context_folds} seed {seed}: fold trained in {time.time() - start:.0f} s")
    for page in (pages[i] for i in test if pages[i].base_id == page_id):
        spans = block_spans(page.text)
        body = gold_labels(page, spans) == "body"
        X = model.featurize(page.text, spans)
        for stage, proba in (("block stage", model._stage_proba(model.block_stage_, X)),
                             ("final", model._proba_from_features(X, [len(X)]))):
            found = int((proba.argmax(1)[body] == _BODY).sum())
            print(f"{page.id} {stage}: {found} of {int(body.sum())} body blocks found, "
                  f"mean p(body) {proba[body, _BODY].mean():.3f}")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:4]))
