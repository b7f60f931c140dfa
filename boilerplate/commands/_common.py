"""Small pieces shared by the subcommands: argument types, progress reporting and atomic JSON output."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from ..model import check_page_weights
from ..pages import read_pages


def progress_printer(label: str, quiet: bool = False) -> Callable[[int, int], None] | None:
    """A callback printing 'label k/n' on stderr (None when quiet)."""
    if quiet:
        return None

    def report(done: int, total: int) -> None:
        print(f"{label} {done}/{total}", file=sys.stderr, flush=True)

    return report


def check_output(path: str | os.PathLike, option: str = "--output") -> Path:
    """Refuse, before any work, an output path that cannot be written: a folder, or a file in a
    folder that does not exist or is not writable.

    >>> check_output("/no/such/folder/out.jsonl")
    Traceback (most recent call last):
    ...
    boilerplate.errors.InputError: --output /no/such/folder/out.jsonl: folder /no/such/folder does not exist
    """
    out = Path(path)
    if out.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    folder = out.parent
    if not folder.is_dir():
        raise InputError(f"{option} {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option} {path}: folder {folder} is not writable")
    return out


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write text atomically (temp file, then rename), so no partial file is left behind."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write JSON atomically (see :func:`write_text`)."""
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


SHAPE_HELP = ("how to join pages given as block lists: 'both' (blank line and single newline, two pages each), "
              "'paragraph', 'wet', or 'as-is' (their own 'sep'); pages with text and spans are used as they are")


# -- argument types: a bad number is argparse's usage error, before any work starts -----------

def _int_in(value: str, low: int, high: int | None, rule: str) -> int:
    """``value`` as an int from ``low`` to ``high`` (no upper bound: None), else argparse's error with ``rule``."""
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < low or (high is not None and n > high):
        raise argparse.ArgumentTypeError(f"{n}: {rule}")
    return n


def positive_int(value: str) -> int:
    """``--max-iter 0`` -> error: at least 1."""
    return _int_in(value, 1, None, "must be at least 1")


def non_negative_int(value: str) -> int:
    """``--errors -1`` -> error: 0 or more."""
    return _int_in(value, 0, None, "must be 0 or more")


def fold_count(value: str) -> int:
    """Cross-validation folds: at least 2 (one fold would train on nothing)."""
    return _int_in(value, 2, None, "cross-validation needs at least 2 folds")


def optional_fold_count(value: str) -> int:
    """Like :func:`fold_count`, with 0 for "no cross-validation"."""
    n = _int_in(value, 0, None, "cross-validation needs at least 2 folds (0: none)")
    return n if n != 1 else fold_count(value)


def seed(value: str) -> int:
    """A random seed numpy accepts: 0 to 2**32 - 1."""
    return _int_in(value, 0, 2**32 - 1, f"must be between 0 and {2**32 - 1}")


def probability(value: str) -> float:
    """A score threshold between 0 and 1."""
    try:
        p = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError(f"{value}: must be between 0 and 1")
    return p


def page_weights(value: str) -> list[float]:
    """``--weights 1,3`` -> ``[1.0, 3.0]`` (finite, non-negative; an argparse error otherwise)."""
    try:
        weights = [float(v) for v in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a comma-separated list of numbers") from None
    try:  # the same rule as BlockClassifier.fit's sample_weight
        check_page_weights(weights, len(weights))
    except InputError:
        raise argparse.ArgumentTypeError(f"{value!r}: weights must be finite, non-negative and not all zero") from None
    return weights


def read_weighted_pages(data: list[str], weights: list[float] | None, shape: str) -> tuple[list, list[float] | None]:
    """The pages of every DATA argument, and each page's weight from ``--weights`` (one per argument)."""
    if weights is not None and len(weights) != len(data):
        raise InputError(f"--weights has {len(weights)} values for {len(data)} DATA arguments: give one per DATA")
    parts = [read_pages([d], shape=shape) for d in data]
    pages = [page for part in parts for page in part]
    return pages, None if weights is None else [w for part, w in zip(parts, weights) for _ in part]
