"""Documents as DataFrames: one row per block, scores and (optionally) features as columns."""
from __future__ import annotations

import builtins

import numpy as np
import pytest

pd = pytest.importorskip("pandas")

from boilerplate.document import LABELS, Block, Document  # noqa: E402
from boilerplate.errors import BoilerplateError, InputError  # noqa: E402
from boilerplate.frames import SCORE_COLUMNS, to_pandas  # noqa: E402


class LengthModel:
    """Stands in for a BlockClassifier: two features per block, one of them named like a column."""

    feature_names_ = ["n_chars", "text"]

    def featurize(self, text, blocks):
        return np.array([[len(b.text), b.text.count(" ")] for b in blocks], dtype=float)


def doc(id, pieces, **meta):
    text = "\n\n".join(t for t, _ in pieces)
    blocks, pos = [], 0
    for t, label in pieces:
        scores = {lab: (0.8 if lab == label else 0.05) for lab in LABELS}
        blocks.append(Block(pos, pos + len(t), t, label, scores))
        pos += len(t) + 2
    return Document(text, blocks, id=id, meta=dict(meta))


def test_one_row_per_block_across_documents():
    docs = [doc("a", [("Title here", "body"), ("Foto: X", "caption")]), doc("b", [("Buy now", "ad")])]
    df = to_pandas(docs)
    assert list(df.columns) == ["page_id", "block", "start", "end", "text", "label", *SCORE_COLUMNS]
    assert df["page_id"].tolist() == ["a", "a", "b"]
    assert df["block"].tolist() == [0, 1, 0]
    assert df["label"].tolist() == ["body", "caption", "ad"]
    assert df.loc[1, "score_caption"] == pytest.approx(0.8)
    # offsets point into each document's text
    for d, (_, row) in zip([docs[0], docs[0], docs[1]], df.iterrows()):
        assert d.text[row["start"]:row["end"]] == row["text"]


def test_filtering_and_grouping_work_as_usual():
    df = to_pandas([doc("a", [("x", "body"), ("y", "ad"), ("z", "ad")])])
    assert df[df.label == "ad"]["text"].tolist() == ["y", "z"]
    assert df.groupby("label").size().to_dict() == {"ad": 2, "body": 1}


def test_single_document_and_generator_inputs():
    d = doc("only", [("x", "body")])
    assert len(to_pandas(d)) == 1
    assert len(d.to_pandas()) == 1
    assert len(to_pandas(x for x in [d, d])) == 2


def test_missing_ids_become_positions_and_missing_scores_are_nan():
    d = Document("a b", [Block(0, 1, "a"), Block(2, 3, "b", "body", {"body": 1.0})])
    df = to_pandas([d, d])
    assert df["page_id"].tolist() == [0, 0, 1, 1]
    assert np.isnan(df.loc[0, "score_body"]) and df.loc[1, "score_body"] == 1.0
    assert df.loc[1, "score_ad"] == 0.0


def test_feature_columns_come_from_the_documents_model():
    d = doc("a", [("Some words here", "body"), ("Ad", "ad")], model=LengthModel())
    df = d.to_pandas(features=True)
    assert df["n_chars"].tolist() == [15.0, 2.0]
    assert df["feature_text"].tolist() == [2.0, 0.0]  # renamed: 'text' is taken
    assert df["text"].tolist() == ["Some words here", "Ad"]


def test_feature_matrix_of_the_wrong_shape_is_an_error():
    class Broken(LengthModel):
        feature_names_ = ["one"]

    with pytest.raises(BoilerplateError, match="do not match"):
        to_pandas([doc("a", [("x", "body")])], features=True, model=Broken())


def test_empty_input_gives_an_empty_frame_with_the_columns():
    df = to_pandas([])
    assert len(df) == 0 and "score_ticker" in df.columns


def test_items_that_are_not_documents_are_a_clear_error():
    with pytest.raises(InputError, match="item 1 is a str"):
        to_pandas([doc("a", [("x", "ad")]), "plain text"])


def test_missing_pandas_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kw):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(BoilerplateError, match=r"pip install boilerplate\[pandas\]"):
        to_pandas([doc("a", [("x", "body")])])
