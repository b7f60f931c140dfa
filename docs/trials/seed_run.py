"""One training seed of the real-page screen: body F1 of 5-fold page-grouped cross-validation.

The folds are those of ``boilerplate evaluate ../shared/real/pages.jsonl --group-folds 5
--train-extra data``; run one process per seed from a frozen copy of the code under test::

    OMP_NUM_THREADS=1 PYTHONPATH=COPY python docs/trials/seed_run.py COPY SEED OUT.pkl [NAME=VALUE]

NAME=VALUE sets one parameter: of ``BlockClassifier`` when it has one of that name (for instance
``majority_sample=1.0``), else of both stages' ``HistGradientBoostingClassifier`` (for instance
``min_samples_leaf=60``). OUT.pkl keeps the out-of-fold predictions (``BlockPredictions``).
"""
import pickle
import sys
import time

from sklearn.metrics import precision_recall_fscore_support

import boilerplate.model as model
from boilerplate import BlockClassifier
from boilerplate.evaluate import cross_val_predict_pages
from boilerplate.pages import read_pages


def _parse(assignment: str) -> tuple[str, float | int]:
    name, text = assignment.split("=")
    return name, float(text) if "." in text else int(text)


def _set_stage_param(name: str, value: float | int) -> None:
    new_stage = model.BlockClassifier._new_stage

    def patched(self, context=False):
        return new_stage(self, context).set_params(**{name: value})

    model.BlockClassifier._new_stage = patched


def main(copy: str, seed: int, out: str, assignment: str = "") -> None:
    params = {}
    if assignment:
        name, value = _parse(assignment)
        if name in BlockClassifier().get_params():
            params[name] = value
        else:
            _set_stage_param(name, value)
    start = time.time()
    pages = read_pages(["../shared/real/pages.jsonl"], shape="both")
    extra = read_pages([copy + "/data"], shape="both")
    res = cross_val_predict_pages(BlockClassifier(random_state=seed, **params), pages, folds=5, extra_train=extra)
    p, r, f, _ = precision_recall_fscore_support(res.gold == "body", res.pred == "body", average="binary")
    print(f"{assignment or 'as is'} seed {seed}: body P {p:.4f} R {r:.4f} F1 {f:.4f} ({time.time() - start:.0f} s)")
    res.models = []
    with open(out, "wb") as fh:
        pickle.dump(res, fh)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], *sys.argv[4:5])
