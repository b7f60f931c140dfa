"""The lexical stage: token bags, hashed matrices, and its place among the model's columns."""
from __future__ import annotations

import time

import numpy as np
import pytest

from boilerplate import LABELS, BlockClassifier, load_model, segment
from boilerplate.features import feature_names
from boilerplate.lexical import Vocabulary
from boilerplate.model import _spans
from boilerplate.pages import LabelledPage


def test_vocabulary_keeps_frequent_terms_with_digits_folded():
    blocks = [["updated", "14", "by", "afp"], ["updated", "15", "by", "afp"], ["updated", "99", "by", "reuters"]]
    vocab = Vocabulary.fit(blocks, min_count=2)
    assert set(vocab.terms()) == {"updated", "00", "by", "afp", "^updated", "updated 00", "00 by", "by afp"}
    row = vocab.matrix([["updated", "37", "by", "reuters"]])
    assert row.nnz == 6  # all but "reuters" and "by reuters" (seen once)


def test_unspaced_scripts_give_character_pairs():
    vocab = Vocabulary.fit([["史蒂文的家", "回覆"], ["史蒂文", "回覆"]], min_count=2)
    assert {"史蒂", "蒂文", "回覆"} <= set(vocab.terms())
    assert vocab.matrix([["你好史蒂"]]).nnz == 1


def test_rows_follow_the_blocks_and_empty_blocks_are_empty():
    vocab = Vocabulary.fit([["reply"], ["read", "more"]], min_count=1)
    m = vocab.matrix([["reply"], [], ["read", "more"], ["unknown"]])
    assert m.getnnz(axis=1).tolist() == [2, 0, 4, 0]


def test_a_huge_block_builds_a_bounded_row_quickly():
    vocab = Vocabulary.fit([["word", "word"]], min_count=1)
    t = time.perf_counter()
    m = vocab.matrix([["word"] * 2_000_000])
    assert m.nnz == 3 and time.perf_counter() - t < 5


def test_matrix_rows_are_unit_length_and_deterministic():
    blocks = [["share", "on", "facebook"], ["the", "minister", "said", "on", "monday"]] * 3
    vocab = Vocabulary.fit(blocks)
    m = vocab.matrix(blocks)
    assert m.shape == (6, vocab.n_terms)
    assert np.allclose(np.sqrt(m.multiply(m).sum(axis=1)).A1, 1.0)
    assert (m != Vocabulary.fit(blocks).matrix(blocks)).nnz == 0
    assert vocab.matrix([]).shape == (0, vocab.n_terms)


@pytest.fixture(scope="module")
def lexical_model(fixture_pages):
    return BlockClassifier(max_iter=15, min_samples_leaf=2, context_folds=2, lexical=True).fit(fixture_pages * 2)


def test_model_appends_the_lexical_columns(fixture_pages, lexical_model):
    tiny_model = lexical_model
    names = tiny_model.feature_names_
    assert names[: len(feature_names())] == list(feature_names())
    assert names[len(feature_names()):] == [f"lexical_p_{label}" for label in LABELS]
    text = fixture_pages[0].text
    X = tiny_model.featurize(text, segment(text))
    assert X.shape == (len(segment(text)), len(names))
    assert np.allclose(X[:, -len(LABELS):].sum(axis=1), 1.0)


def test_lexical_stage_can_be_left_out(fixture_pages):
    m = BlockClassifier(max_iter=5, min_samples_leaf=2, context=False).fit(fixture_pages)
    assert m.feature_names_ == list(feature_names()) and m.lexical_stage_ is None  # off by default


def test_lexical_columns_learn_words(fixture_pages):
    """Two one-word blocks of the same shape: only their words tell them apart."""
    pages = [LabelledPage.from_blocks(f"p{i}", [("Minister", "body"),
             ("The minister said the plan would go ahead next year.", "body"),
             ("Anzeige", "ad")]) for i in range(8)]
    model = BlockClassifier(max_iter=10, min_samples_leaf=2, context=False, lexical=True).fit(pages)
    text = "Anzeige\n\nMinister"
    lexical = model.featurize(text, segment(text))[:, -len(LABELS):]
    body, ad = LABELS.index("body"), LABELS.index("ad")
    assert lexical[0, ad] > lexical[0, body] and lexical[1, body] > lexical[1, ad]


def test_saved_lexical_model_loads(lexical_model, tmp_path):
    tiny_model = lexical_model
    path = tmp_path / "m.joblib"
    tiny_model.save(path)
    loaded = load_model(path)
    text = "Foto: AFP\n\nA sentence of the article, long enough to read."
    blocks = segment(text)
    assert np.array_equal(loaded.featurize(text, blocks), tiny_model.featurize(text, _spans(blocks)))
