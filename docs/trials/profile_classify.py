"""Where ``classify_many``'s time goes: a cProfile of the quick bench corpus, sorted by own time.

    OMP_NUM_THREADS=1 taskset -c 1 python docs/trials/profile_classify.py [MB] [ROWS]

The corpus is the bench's (``data/`` and the real pages, about MB megabytes, default the bench's ``--quick`` size). One
untimed pass first warms the compiled tree walk; then one timed pass and the profiled one, each
with language id's memory emptied first, as the bench does (a repeated corpus would otherwise find
every window remembered, and fastText's share would vanish). Shares of the total are what to read: the profiler
adds its own cost per Python call.
"""
import cProfile
import pstats
import sys
import time

import boilerplate
from boilerplate.lang import clear_cache
from boilerplate.bench import DATA_DEFAULT, MB_QUICK, PAGES_DEFAULT, build_corpus


def main(mb: float = MB_QUICK, rows: int = 25) -> None:
    texts = build_corpus([DATA_DEFAULT, PAGES_DEFAULT], mb).texts
    list(boilerplate.classify_many(texts))
    clear_cache()
    start = time.perf_counter()
    list(boilerplate.classify_many(texts))
    size = sum(map(len, texts)) / 1e6
    print(f"{size:.2f} M characters in {time.perf_counter() - start:.2f} s unprofiled")
    clear_cache()
    profile = cProfile.Profile()
    profile.enable()
    list(boilerplate.classify_many(texts))
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(rows)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(float(args[0]) if args else MB_QUICK, int(args[1]) if len(args) > 1 else 25)
