"""boilerplate: tell the parts of a web page's text apart.

Segment plain text into blocks and label each as ``body``, ``caption``, ``embed``, ``ad`` or
``ticker`` with a trained scikit-learn model.

>>> import boilerplate
>>> doc = boilerplate.classify("Headline\\n\\nA paragraph of the article. It says things.\\n\\nFoto: AFP")
>>> [b.label for b in doc.blocks]  # doctest: +SKIP
['body', 'body', 'caption']
"""
from __future__ import annotations

from .api import classify, classify_many, load_model, to_pandas
from .document import LABELS, Block, Document
from .errors import BoilerplateError, DataError, InputError, ModelError
from .model import BlockClassifier
from .pages import LabelledPage, read_pages, write_pages
from .segment import segment

__version__ = "0.1.0"

__all__ = [
    "LABELS", "Block", "BlockClassifier", "BoilerplateError", "DataError", "Document", "InputError",
    "LabelledPage", "ModelError", "classify", "classify_many", "load_model", "read_pages", "segment",
    "to_pandas", "write_pages",
]
