"""The words of a block, as a learned signal: a linear model over the block's vocabulary.

Menus, share buttons, cookie prompts, comment headers and photo credits reuse a small vocabulary
across sites ("Reply", "Teilen", "Newsletter", "Copyright", "回覆"), and article text uses another.
The columns of :mod:`boilerplate.features` see the shape of a line; this stage sees its words.
Each block is a bag of terms — its words (digits folded to ``0``, so "2014" and "1999" are one
term), its first word, its word pairs, and character pairs inside runs of scripts written
without spaces — restricted to the terms seen often enough in training. A logistic-loss linear
model turns the bag into class probabilities that the trees read as five more columns, trained
out-of-fold so that the trees learn how far to trust them.

The hot path is numpy: one dictionary lookup per word (``map`` in C), word pairs as integer keys
found with ``searchsorted``, the rows built as one sparse matrix per page.

>>> vocab = Vocabulary.fit([["share", "this"], ["the", "minister", "said"], ["share", "this"]], min_count=2)
>>> vocab.terms()
['share', 'this', '^share', 'share this']
>>> m = vocab.matrix([["share", "this", "now"], ["minister"]])
>>> m.shape, m[0].nnz, m[1].nnz
((2, 4), 4, 0)
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier

MIN_COUNT = 3
_DIGIT = re.compile(r"\d")  # any script's digits; a regex beats str.translate here by 5x
# scripts without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): a "word" there is
# a whole phrase, so character pairs stand in for words
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_MAX_TERMS = 48  # a block's first words tell its kind; long paragraphs need no more (and cost most)


def _fold(tokens: list[str]) -> list[str]:
    """Digits to ``0`` in every token (one C-level translate over the joined words)."""
    if not tokens:
        return tokens
    return _DIGIT.sub("0", " ".join(tokens[:_MAX_TERMS])).split(" ")


def _char_pairs(tokens: list[str]) -> list[str]:
    pairs: list[str] = []
    for run in _UNSPACED.findall(" ".join(tokens)):
        pairs.extend(run[i:i + 2] for i in range(min(len(run) - 1, _MAX_TERMS)))
    return pairs


class Vocabulary:
    """The terms the lexical stage knows, and the sparse matrix of a page's blocks over them.

    Columns: words, then ``^first`` words, then word pairs, then character pairs; a term seen
    fewer than ``min_count`` times in training has no column (rare terms name sites, not classes).
    """

    def __init__(self, words: list[str], firsts: list[str], pairs: np.ndarray, chars: list[str]) -> None:
        self._words = {w: i for i, w in enumerate(words)}
        self._firsts = {w: i for i, w in enumerate(firsts)}
        self._pair_keys = np.asarray(pairs, dtype=np.int64)  # sorted word-id pairs: a * n_words + b
        self._chars = {c: i for i, c in enumerate(chars)}
        self.n_terms = len(words) + len(firsts) + len(self._pair_keys) + len(chars)

    @classmethod
    def fit(cls, blocks: Sequence[list[str]], min_count: int = MIN_COUNT) -> "Vocabulary":
        """The terms of ``blocks`` (each a list of lower-cased words) seen at least ``min_count`` times."""
        folded = [_fold(t) for t in blocks]
        word_counts = Counter(w for toks in folded for w in toks)
        words = sorted(w for w, c in word_counts.items() if c >= min_count)
        first_counts = Counter(toks[0] for toks in folded if toks)
        firsts = sorted(w for w, c in first_counts.items() if c >= min_count)
        vocab = cls(words, firsts, np.zeros(0, dtype=np.int64), [])
        ids, block_of = vocab._word_ids(folded)
        keys = vocab._pairs(ids, block_of)[0]
        uniq, counts = np.unique(keys, return_counts=True)
        char_counts = Counter(c for toks in folded for c in _char_pairs(toks))
        chars = sorted(c for c, n in char_counts.items() if n >= min_count)
        return cls(words, firsts, uniq[counts >= min_count], chars)

    def terms(self) -> list[str]:
        """Every column's term, in column order (for inspection)."""
        words = sorted(self._words, key=self._words.get)
        pairs = [f"{words[k // len(words)]} {words[k % len(words)]}" for k in self._pair_keys.tolist()]
        return words + ["^" + w for w in sorted(self._firsts, key=self._firsts.get)] + pairs + sorted(
            self._chars, key=self._chars.get)

    def _word_ids(self, folded: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        flat = [w for toks in folded for w in toks]
        ids = np.fromiter(map(self._words.get, flat, [-1] * len(flat)), dtype=np.int64, count=len(flat))
        block_of = np.repeat(np.arange(len(folded)), [len(t) for t in folded])
        return ids, block_of

    def _pairs(self, ids: np.ndarray, block_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Integer keys of adjacent known word pairs inside one block, and their blocks."""
        ok = (ids[:-1] >= 0) & (ids[1:] >= 0) & (block_of[:-1] == block_of[1:])
        return ids[:-1][ok] * len(self._words) + ids[1:][ok], block_of[:-1][ok]

    def matrix(self, blocks: Sequence[list[str]]) -> sparse.csr_matrix:
        """One L2-normalised row of term presence per block (``blocks``: lists of lower-cased words).

        The page's words are folded and looked up together (per-block work is a few list
        operations), so a page of many short blocks costs about what one long block does.
        """
        n = len(blocks)
        lengths = np.fromiter((min(len(t), _MAX_TERMS) for t in blocks), dtype=np.int64, count=n)
        capped = blocks if lengths.sum() == sum(map(len, blocks)) else [t[:_MAX_TERMS] for t in blocks]
        joined = _DIGIT.sub("0", " ".join(itertools.chain.from_iterable(capped)))
        flat = joined.split(" ") if lengths.sum() else []
        ids = np.fromiter(map(self._words.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
        block_of = np.repeat(np.arange(n), lengths)
        rows, cols = [block_of[ids >= 0]], [ids[ids >= 0]]
        offset = len(self._words)
        has_words = np.flatnonzero(lengths)
        first_at = (np.cumsum(lengths) - lengths)[has_words].tolist()
        first = np.fromiter(map(self._firsts.get, [flat[i] for i in first_at], itertools.repeat(-1)),
                            dtype=np.int64, count=len(first_at))
        rows.append(has_words[first >= 0])
        cols.append(offset + first[first >= 0])
        offset += len(self._firsts)
        keys, key_block = self._pairs(ids, block_of)
        if len(self._pair_keys) and len(keys):
            pos = np.minimum(np.searchsorted(self._pair_keys, keys), len(self._pair_keys) - 1)
            found = self._pair_keys[pos] == keys
            rows.append(key_block[found])
            cols.append(offset + pos[found])
        offset += len(self._pair_keys)
        if self._chars and _UNSPACED.search(joined):  # one search decides for most pages
            bounds = np.cumsum(lengths).tolist()
            for b, (lo, hi) in enumerate(zip([0] + bounds[:-1], bounds)):
                found_ids = [self._chars[c] for c in _char_pairs(flat[lo:hi]) if c in self._chars]
                rows.append(np.full(len(found_ids), b, dtype=np.int64))
                cols.append(offset + np.asarray(found_ids, dtype=np.int64))
        r, c = np.concatenate(rows), np.concatenate(cols)
        m = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, self.n_terms))
        m.sum_duplicates()
        per_row = np.diff(m.indptr)  # presence, not counts: each row's terms weigh 1/sqrt(count)
        m.data = np.repeat(1.0 / np.sqrt(np.maximum(per_row, 1)), per_row)
        return m


class LexicalStage:
    """A vocabulary and a linear model over it: block words in, class probabilities out."""

    def __init__(self, vocabulary: Vocabulary, random_state: int) -> None:
        self.vocabulary = vocabulary
        self.model = SGDClassifier(loss="log_loss", alpha=2e-6, max_iter=15, tol=None, random_state=random_state)

    def fit(self, X: sparse.csr_matrix, y: np.ndarray, sample_weight: np.ndarray) -> "LexicalStage":
        self.model.fit(X, y, sample_weight=sample_weight)
        return self

    def predict_proba(self, X: sparse.csr_matrix, n_classes: int) -> np.ndarray:
        """Probabilities over ``n_classes`` columns (zeros for classes never seen in training)."""
        out = np.zeros((X.shape[0], n_classes))
        if X.shape[0]:
            out[:, self.model.classes_.astype(int)] = self.model.predict_proba(X)
        return out
