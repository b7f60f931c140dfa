"""Result objects: a :class:`Block` points into the original text, a :class:`Document` holds them.

Nothing here rewrites text: every block is a character span of ``Document.text``, so
``doc.text[b.start:b.end] == b.text`` always holds and the separators between blocks
can be recovered from the offsets.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from .errors import InputError

LABELS: tuple[str, ...] = ("body", "caption", "embed", "ad", "ticker")
"""The classes, in the canonical order used for score columns."""


@dataclass(frozen=True)
class Block:
    """A span of the input text with (after classification) a label and per-class scores.

    >>> b = Block(start=0, end=5, text="Hello")
    >>> b.label is None
    True
    """

    start: int
    end: int
    text: str
    label: str | None = None
    scores: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (offsets, label, scores; not the text)."""
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        if self.label is not None:
            out["label"] = self.label
        if self.scores is not None:
            out["scores"] = {k: round(v, 4) for k, v in self.scores.items()}
        return out


@dataclass
class Document:
    """The input text with its classified blocks, in document order.

    >>> import boilerplate
    >>> doc = boilerplate.classify("A title\\n\\nSome body text. It goes on for a while.")
    >>> [b.text for b in doc.blocks]
    ['A title', 'Some body text. It goes on for a while.']
    """

    text: str
    blocks: list[Block]
    id: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Block]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for b in self.blocks:
            counts[b.label or "?"] = counts.get(b.label or "?", 0) + 1
        summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        ident = f"id={self.id!r}, " if self.id is not None else ""
        return f"<Document {ident}{len(self.text)} chars, {len(self.blocks)} blocks: {summary}>"

    def labelled(self, labels: str | Iterable[str]) -> list[Block]:
        """The blocks whose label is in ``labels`` (a label or a collection of labels)."""
        wanted = {labels} if isinstance(labels, str) else set(labels)
        return [b for b in self.blocks if b.label in wanted]

    def body_text(self, keep: str | Sequence[str] = ("body",)) -> str:
        """The text of the kept blocks, joined as in the input.

        Two kept blocks that were neighbours in the input keep the separator that stood
        between them; kept blocks with dropped blocks between them are joined by a blank
        line if any separator on the way was a paragraph break, else by a newline.

        >>> import boilerplate
        >>> doc = boilerplate.Document("a\\n\\nb\\nc", [
        ...     boilerplate.Block(0, 1, "a", "body"), boilerplate.Block(3, 4, "b", "ad"),
        ...     boilerplate.Block(5, 6, "c", "body")])
        >>> doc.body_text()
        'a\\n\\nc'

        Raises :class:`~boilerplate.InputError` for a label that is not one of :data:`LABELS`
        (a typo would otherwise keep nothing, silently).
        """
        wanted = {keep} if isinstance(keep, str) else set(keep)
        unknown = sorted(map(str, wanted - set(LABELS)))
        if unknown:
            raise InputError(f"keep: unknown label {unknown[0]!r} (labels are {', '.join(LABELS)})")
        parts: list[str] = []
        gap_blank = False
        prev_kept: Block | None = None
        prev: Block | None = None
        for b in self.blocks:
            if prev is not None:
                sep = self.text[prev.end:b.start]
                gap_blank = gap_blank or _is_paragraph_break(sep)
            if b.label in wanted:
                if prev_kept is not None:
                    if prev_kept is prev:
                        parts.append(self.text[prev.end:b.start])
                    else:
                        parts.append("\n\n" if gap_blank else "\n")
                parts.append(b.text)
                prev_kept = b
                gap_blank = False
            prev = b
        return "".join(parts)

    def _repr_html_(self) -> str:
        """The page coloured by label, with scores and a legend (what Jupyter shows)."""
        from .display import document_html

        return document_html(self)

    def to_pandas(self, features: bool = False) -> Any:
        """One row per block as a pandas DataFrame; see :func:`boilerplate.frames.to_pandas`."""
        from .frames import to_pandas

        return to_pandas([self], features=features)

    def explain(self, i: int, top_k: int | None = 10) -> Any:
        """The features that pushed block ``i``'s decision; see :func:`boilerplate.explain.explain_block`.

        Uses the model that classified the document (``meta["model"]``), else the default one.
        """
        from .explain import explain_block
        from .frames import _model_for

        return explain_block(_model_for(self, None), self.text, self.blocks, i, top_k=top_k)

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        """A JSON-ready record: id, url, blocks (offsets, label, scores) and the body text."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        if self.url is not None:
            out["url"] = self.url
        if with_text:
            out["text"] = self.text
        out["blocks"] = [b.to_dict() for b in self.blocks]
        out["body"] = self.body_text()
        return out


def _is_paragraph_break(sep: str) -> bool:
    """True if the separator holds an empty line (two or more line breaks)."""
    return sep.count("\n") + sep.count("\r") - sep.count("\r\n") >= 2 or "\u2029" in sep
