"""Repetition across the pages of a site: menus, footers and teaser headers recur, articles do not.

A *group* is a set of pages classified together that share a key (usually the site: the URL's
host). For each block, :func:`repetition` measures the share of the group's *other* pages that
contain the same block text (compared after folding case, digits and whitespace), and how many
other pages there were. A page alone, or without a key, gets zeros: the model then relies on the
page itself, exactly as without grouping.

Two renderings of one page (its paragraph and WET shapes) are one page here: pass the same
``identity`` for both so that a page never counts as its own sibling.

>>> pages = [("Home\\n\\nA unique article about rain.", [(0, 4), (6, 32)]),
...          ("Home\\n\\nAnother story, about snow.", [(0, 4), (6, 31)])]
>>> [r[:, 0].tolist() for r in repetition(pages, ["example.org", "example.org"])]
[[1.0, 0.0], [1.0, 0.0]]
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Hashable, Sequence
from urllib.parse import urlparse

import numpy as np

COLUMNS = ("site_repeat_share", "site_other_pages")
"""The two feature columns :func:`repetition` fills, in order."""

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def site_key(url: str | None) -> str | None:
    """The grouping key of a URL: its host, lower-cased, without ``www.`` (``None`` without a host).

    >>> site_key("https://WWW.Example.org/news/1.html"), site_key(None), site_key("not a url")
    ('example.org', None, None)
    """
    if not url:
        return None
    host = urlparse(url if "//" in url else "//" + url).hostname if "." in url else None
    return host.removeprefix("www.") if host else None


def normalise(block: str) -> str:
    """A block's text for comparison across pages: lower case, digits folded, spaces collapsed.

    >>> normalise("  Updated 12:45,\\n 3 Comments ")
    'updated 0:0, 0 comments'
    """
    return _SPACES.sub(" ", _DIGITS.sub("0", block.lower())).strip()


def repetition(
    pages: Sequence[tuple[str, Sequence[tuple[int, int]]]],
    keys: Sequence[Hashable | None],
    identities: Sequence[Hashable] | None = None,
) -> list[np.ndarray]:
    """For each page, an ``(n_blocks, 2)`` array: the share of the other pages of its group that
    hold each block's text, and ``log1p`` of the number of those other pages.

    ``pages`` are ``(text, spans)``; ``keys[i]`` is page i's group (``None``: alone);
    ``identities[i]`` says which pages are renderings of the same page (default: all distinct).
    """
    if len(keys) != len(pages):
        raise ValueError(f"{len(keys)} group keys for {len(pages)} pages")
    identities = list(range(len(pages))) if identities is None else list(identities)
    normalised = [[normalise(text[s:e]) for s, e in spans] for text, spans in pages]
    members: dict[Hashable, dict[Hashable, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i, key in enumerate(keys):
        if key is not None:
            members[key][identities[i]].update(normalised[i])
    holders: dict[Hashable, Counter[str]] = {}
    for key, by_identity in members.items():
        if len(by_identity) > 1:
            holders[key] = Counter(t for texts in by_identity.values() for t in texts)
    out = []
    for i, key in enumerate(keys):
        arr = np.zeros((len(normalised[i]), len(COLUMNS)))
        if key in holders:
            others = len(members[key]) - 1
            counts = holders[key]
            arr[:, 0] = [(counts[t] - 1) / others for t in normalised[i]]
            arr[:, 1] = math.log1p(others)
        out.append(arr)
    return out
