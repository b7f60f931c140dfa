"""The block stage's tree walk on float32 rows against the same rows as float64.

Both give scikit-learn's probabilities bit for bit (the script checks); the float32 walk compares
against thresholds rounded down to float32 (``_trees.float32_below``). Run on one pinned core::

    OMP_NUM_THREADS=1 taskset -c 1 python docs/trials/walk_float32.py [ROUNDS]

It prints the fastest and the median time of each over ROUNDS interleaved rounds (default 11)
on the bench's quick corpus (1.5 MB of ``data/`` and the real pages, both shapes).
"""
import sys
import time

import numpy as np

import boilerplate
from boilerplate import _trees
from boilerplate.bench import build_corpus


def main(rounds: int = 11) -> None:
    corpus = build_corpus(["data", "../shared/real/pages.jsonl"], 1.5)
    model = boilerplate.load_model()
    X = model.featurize_many(corpus.texts, [boilerplate.segment(t) for t in corpus.texts])
    stage = model.block_stage_
    _trees.warm_up()
    rows = {"float64": X.astype(np.float64), "float32": X.astype(np.float32)}
    assert np.array_equal(_trees.stage_proba(stage, rows["float64"]), _trees.stage_proba(stage, rows["float32"]))
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(rounds):
        for name, A in rows.items():
            start = time.perf_counter()
            _trees.stage_proba(stage, A)
            times[name].append(time.perf_counter() - start)
    print(f"block stage, {len(X)} blocks, {rounds} rounds")
    for name, t in times.items():
        print(f"  {name}: fastest {min(t):.3f} s, median {np.median(t):.3f} s")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:2]))
