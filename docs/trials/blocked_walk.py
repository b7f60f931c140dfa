"""Would walking a stage's trees in blocks small enough for the L1 cache make the walk faster?

A trial, not part of the library (docs/experiments.md, "Blocked tree walk"). The compiled walk
(:mod:`boilerplate._trees`) keeps a reachability mask per tree and row of a pass: 1,000 trees x
32 rows x 8 bytes = 256 KB a stage, more than a core's L1 data cache. Block-wise QuickScorer
(Lucchese et al., TOIS 2016) walks the trees in blocks whose masks fit, each block over all rows,
adding to the raw scores the block before left (so the sums keep scikit-learn's order and the
result stays bit for bit the same, which the script asserts). It times, on one core, the bundled
model's two stages over the benchmark's quick corpus: the plain walk against blocks of 10 to 100
iterations (50 to 500 trees), interleaved, median of 5.

    OMP_NUM_THREADS=1 taskset -c 0 python docs/trials/blocked_walk.py
"""
import inspect
import statistics
import textwrap
import time
import types

import numba
import numpy as np

import boilerplate
from boilerplate import _trees, bench
from boilerplate.model import _context_matrix
from boilerplate.segment import block_spans

ITERATIONS_PER_BLOCK = (10, 25, 50, 100)
ROUNDS = 5


def accumulating_kernel():
    """The library's walk, changed to start each pass from ``out`` instead of the baseline."""
    source = textwrap.dedent(inspect.getsource(_trees._raw_predict)).replace(
        "def _raw_predict(", "def _raw_predict_from_out(")
    start = "        for k in range(baseline.shape[0]):\n            raw[k] = baseline[k]"
    assert start in source, "the walk's start changed; update the trial"
    source = source.replace(start, "        for k in range(baseline.shape[0]):\n"
                                   "            for r in range(rows):\n"
                                   "                raw[k, r] = out[first + r, k]")
    namespace = dict(vars(_trees))
    exec(source, namespace)
    return numba.njit(nogil=True)(namespace["_raw_predict_from_out"])


def part_of(stage, first, last):
    """A stand-in stage holding iterations ``first:last`` (all :func:`_trees.pack` reads)."""
    return types.SimpleNamespace(_predictors=stage._predictors[first:last], n_features_in_=stage.n_features_in_,
                                 _baseline_prediction=stage._baseline_prediction)


def plain_walk(stage, X):
    packed, kernel = _trees.pack(stage), _trees._kernel()
    return lambda: _run(kernel, [packed], X)


def blocked_walk(stage, X, per_block, kernel):
    n = len(stage._predictors)
    packs = [_trees.pack(part_of(stage, i, min(n, i + per_block))) for i in range(0, n, per_block)]
    return lambda: _run(kernel, packs, X)


def _run(kernel, packs, X):
    out = np.empty((len(X), len(packs[0].baseline)))
    out[:] = packs[0].baseline
    for packed in packs:
        kernel(X, *packed, out)
    return out


def main():
    corpus = bench.build_corpus([bench.DATA_DEFAULT, bench.PAGES_DEFAULT], bench.MB_QUICK)
    model = boilerplate.load_model()
    spans = [block_spans(t) for t in corpus.texts]
    X = model.featurize_many(corpus.texts, spans)
    groups = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    X_context = np.hstack([X, _context_matrix(model._stage_proba(model.block_stage_, X), groups)])
    kernel = accumulating_kernel()
    print(f"{len(X)} blocks, {corpus.mb:.2f} MB")
    for name, stage, matrix in (("block", model.block_stage_, X), ("context", model.context_stage_, X_context)):
        matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        walks = {"plain": plain_walk(stage, matrix)}
        walks.update({f"{k} iterations a block": blocked_walk(stage, matrix, k, kernel) for k in ITERATIONS_PER_BLOCK})
        expected = walks["plain"]()
        times = {label: [] for label in walks}
        for _ in range(ROUNDS):
            for label, walk in walks.items():
                t0 = time.perf_counter()
                raw = walk()
                times[label].append(time.perf_counter() - t0)
                assert np.array_equal(raw, expected), label
        for label, seconds in times.items():
            print(f"{name} stage, {label}: median {statistics.median(seconds):.3f} s")


if __name__ == "__main__":
    main()
