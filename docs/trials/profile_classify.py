"""Where ``classify_many``'s time goes: a cProfile of the quick bench corpus, sorted by own time.

    OMP_NUM_THREADS=1 taskset -c 1 python docs/trials/profile_classify.py [MB] [ROWS]

The corpus is the bench's (``data/`` and the real pages, about MB megabytes, default 1.5). One
untimed pass first warms the compiled tree walk and the language-id cache, as a long run would;
then one timed pass, then the profiled one. Shares of the total are what to read: the profiler
adds its own cost per Python call.
"""
import cProfile
import pstats
import sys
import time
from pathlib import Path

import boilerplate
from boilerplate.bench import build_corpus

_REPO = Path(__file__).resolve().parents[2]


def main(mb: float = 1.5, rows: int = 25) -> None:
    texts = build_corpus([_REPO / "data", _REPO.parent / "shared/real/pages.jsonl"], mb).texts
    list(boilerplate.classify_many(texts))
    start = time.perf_counter()
    list(boilerplate.classify_many(texts))
    size = sum(map(len, texts)) / 1e6
    print(f"{size:.2f} M characters in {time.perf_counter() - start:.2f} s unprofiled")
    profile = cProfile.Profile()
    profile.enable()
    list(boilerplate.classify_many(texts))
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(rows)


if __name__ == "__main__":
    main(*(float(a) if i == 0 else int(a) for i, a in enumerate(sys.argv[1:3])))
