"""Labelled pages: the training and evaluation format, its reader, writer and hand-editable form.

JSONL, one page a line. Two equivalent shapes are accepted:

* spans: ``{"id": "p1", "lang": "de", "text": "...", "spans": [{"start": 0, "end": 12, "label": "body"}, ...]}``
  Spans are character offsets into ``text``; text outside every span is unlabelled (separators).
* blocks: ``{"id": "p1", "lang": "de", "blocks": [{"text": "...", "label": "body"}, ...], "sep": "\\n\\n"}``
  The page text is the blocks joined by ``sep`` (default: a blank line). With ``shape="both"``
  the reader yields each such page twice, joined by a blank line and by a single newline (WET shape).

Optional keys: ``lang`` (ISO code), ``source``, ``url``. :func:`write_pages` always writes the
spans shape. The hand-editable form (``.txt``) is described in :func:`parse_hand_form`. A file
``NAME.labels.jsonl`` of line labels (``{"line": N, "label": ..., "text": ...}`` per labelled
line, N 1-based) is read together with the page ``NAME.txt`` beside it (:func:`read_line_labels`).

>>> page = LabelledPage.from_blocks("p1", [("A title", "body"), ("Foto: AFP", "caption")])
>>> page.text
'A title\\n\\nFoto: AFP'
>>> [(s.label, page.text[s.start:s.end]) for s in page.spans]
[('body', 'A title'), ('caption', 'Foto: AFP')]
"""
from __future__ import annotations

import gzip
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Sequence

from .document import LABELS
from .errors import DataError, InputError

Shape = Literal["paragraph", "wet", "both", "as-is"]
SEPARATORS = {"paragraph": "\n\n", "wet": "\n"}


@dataclass(frozen=True)
class Span:
    """A labelled character span ``[start, end)`` of a page's text."""

    start: int
    end: int
    label: str


@dataclass
class LabelledPage:
    """A page's text with gold labels on character spans."""

    id: str
    text: str
    spans: list[Span]
    lang: str | None = None
    source: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_blocks(
        cls,
        id: str,
        blocks: Sequence[tuple[str, str]],
        sep: str = "\n\n",
        **kw: Any,
    ) -> "LabelledPage":
        """Build a page by joining ``(text, label)`` blocks with ``sep``."""
        parts: list[str] = []
        spans: list[Span] = []
        pos = 0
        for i, (text, label) in enumerate(blocks):
            if i:
                parts.append(sep)
                pos += len(sep)
            parts.append(text)
            spans.append(Span(pos, pos + len(text), label))
            pos += len(text)
        page = cls(id=id, text="".join(parts), spans=spans, **kw)
        page.validate()
        return page

    @property
    def base_id(self) -> str:
        """The id of the page itself: its WET-shape twin (``id#wet``) shares it.

        >>> LabelledPage("a#wet", "", []).base_id
        'a'
        """
        return self.id.split("#", 1)[0]

    def validate(self) -> None:
        """Raise :class:`DataError` if a label is unknown or spans are out of order or range."""
        prev_end = 0
        for s in self.spans:
            if s.label not in LABELS:
                raise DataError(
                    f"page {self.id!r}: unknown label {s.label!r} (expected one of {', '.join(LABELS)})"
                )
            if not (prev_end <= s.start <= s.end <= len(self.text)):
                raise DataError(
                    f"page {self.id!r}: span {s.start}-{s.end} is out of order or outside the text "
                    f"(length {len(self.text)})"
                )
            prev_end = s.end

    def to_record(self) -> dict[str, Any]:
        """The spans-shape JSON record."""
        rec: dict[str, Any] = {"id": self.id}
        for key in ("lang", "source", "url"):
            if getattr(self, key) is not None:
                rec[key] = getattr(self, key)
        rec["text"] = self.text
        rec["spans"] = [{"start": s.start, "end": s.end, "label": s.label} for s in self.spans]
        return rec


def page_from_record(rec: Any, where: str = "record", shape: Shape = "as-is") -> list[LabelledPage]:
    """Turn one decoded JSON record into one or two pages (two for blocks with ``shape='both'``)."""
    if not isinstance(rec, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(rec).__name__}")
    pid = str(rec.get("id", where))
    kw = {k: rec.get(k) for k in ("lang", "source", "url")}
    try:
        if "spans" in rec:
            text = rec["text"]
            if not isinstance(text, str):
                raise DataError(f"{where}: 'text' must be a string")
            spans = [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in rec["spans"]]
            page = LabelledPage(pid, text, spans, **kw)
            page.validate()
            return [page]
        if "blocks" in rec:
            blocks = [(str(b["text"]), str(b["label"])) for b in rec["blocks"]]
            if shape == "as-is":
                return [LabelledPage.from_blocks(pid, blocks, rec.get("sep", "\n\n"), **kw)]
            shapes = ["paragraph", "wet"] if shape == "both" else [shape]
            return [
                LabelledPage.from_blocks(pid if shape != "both" or s == "paragraph" else f"{pid}#wet",
                                         blocks, SEPARATORS[s], **kw)
                for s in shapes
            ]
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise DataError(f"{where}: {exc}") from None
        raise DataError(f"{where}: malformed page ({exc!r})") from None
    raise DataError(f"{where}: a page needs 'text' and 'spans', or 'blocks'")


def read_pages(paths: str | os.PathLike | Iterable[str | os.PathLike], shape: Shape = "as-is") -> list[LabelledPage]:
    """Read labelled pages from JSONL (``.jsonl``/``.jsonl.gz``) or hand-form (``.txt``) files.

    Directories are read recursively (``*.jsonl``, ``*.jsonl.gz`` and ``*.txt`` inside them).
    Raises :class:`DataError` naming the file and line of the first bad record.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    pages: list[LabelledPage] = []
    for path in _expand(paths):
        if path.name.endswith(".labels.jsonl"):
            page = read_line_labels(path)
            if shape in ("wet", "both"):
                pages += [page] if shape == "both" else []
                pages.append(_as_wet(page))
            else:
                pages.append(page)
            continue
        if path.name.endswith(".txt"):
            pages.extend(parse_hand_form(_read_text(path), str(path)))
            continue
        for lineno, line in enumerate(_read_text(path).splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{where}: not valid JSON ({exc.msg})") from None
            pages.extend(page_from_record(rec, where, shape))
    if not pages:
        raise DataError(f"no labelled pages found in {', '.join(map(str, paths))}")
    return pages


def write_pages(pages: Iterable[LabelledPage], path: str | os.PathLike) -> int:
    """Write pages as spans-shape JSONL (atomically: a temp file renamed into place). Returns the count."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for page in pages:
            fh.write(json.dumps(page.to_record(), ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n


def read_line_labels(labels_path: str | os.PathLike) -> LabelledPage:
    """A page from ``NAME.labels.jsonl`` (one ``{"line", "label", "text"}`` per labelled line) and
    the text ``NAME.txt`` beside it; each labelled line's text must be that line of the page."""
    labels_path = Path(labels_path)
    text_path = labels_path.with_name(labels_path.name[: -len(".labels.jsonl")] + ".txt")
    if not text_path.is_file():
        raise DataError(f"{labels_path}: the page it labels, {text_path.name}, is not beside it")
    text = _read_text(text_path)
    starts = [0]
    for m in re.finditer(r"\r\n|\n|\r", text):
        starts.append(m.end())
    spans = []
    for lineno, raw in enumerate(_read_text(labels_path).splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{labels_path}:{lineno}"
        try:
            rec = json.loads(raw)
            line, label, line_text = int(rec["line"]), str(rec["label"]), str(rec["text"])
        except (ValueError, KeyError, TypeError):
            raise DataError(f"{where}: expected a JSON object with line, label and text") from None
        if not 1 <= line <= len(starts):
            raise DataError(f"{where}: line {line} is outside {text_path.name}")
        line_start = starts[line - 1]
        line_end = starts[line] if line < len(starts) else len(text)
        offset = text[line_start:line_end].find(line_text) if line_text else -1
        if offset < 0:
            raise DataError(f"{where}: the text of line {line} does not match {text_path.name}")
        start = line_start + offset
        spans.append(Span(start, start + len(line_text), label))
    page = LabelledPage(labels_path.name[: -len(".labels.jsonl")], text, spans, source=str(text_path))
    page.validate()
    return page


def _as_wet(page: LabelledPage) -> LabelledPage:
    """The page's labelled lines joined by single newlines (the WET shape), blank lines dropped."""
    blocks = [(page.text[sp.start:sp.end], sp.label) for sp in page.spans]
    return LabelledPage.from_blocks(f"{page.id}#wet", blocks, "\n", lang=page.lang, source=page.source,
                                    url=page.url)


# ---------------------------------------------------------------------------------------------
# The hand-editable form

_PAGE_HEADER = re.compile(r"^#\s*page:\s*(?P<id>\S.*?)\s*$")
_META = re.compile(r"^#\s*(?P<key>lang|source|url):\s*(?P<value>.*?)\s*$")
_LINE = re.compile(r"^(?P<label>[a-z]+)\s*\|\s?(?P<text>.*)$")


def parse_hand_form(source: str, name: str = "<string>") -> list[LabelledPage]:
    """Parse the hand-editable labelled form.

    One line of the page per line of the file, prefixed by its label and a bar; blank lines
    are blank lines of the page; ``# page: ID`` starts a page, ``# lang:``/``# url:``/``# source:``
    set its metadata, other ``#`` lines are comments::

        # page: de-example-1
        # lang: de
        body    | Wie Kasachstan Russland die kalte Schulter zeigt

        caption | Russen stehen in Almaty an. Bild: keystone

    >>> [p.text for p in parse_hand_form("# page: a\\nbody | Hi\\n\\nad | Menu")]
    ['Hi\\n\\nMenu']
    """
    pages: list[LabelledPage] = []
    cur: dict[str, Any] | None = None

    def finish() -> None:
        if cur is None:
            return
        lines = cur["lines"]
        while lines and lines[-1] is None:  # trailing blank lines belong to the file, not the page
            lines.pop()
        parts, spans, pos = [], [], 0
        for i, item in enumerate(lines):
            if i:
                parts.append("\n")
                pos += 1
            if item is None:
                continue
            label, text = item
            parts.append(text)
            spans.append(Span(pos, pos + len(text), label))
            pos += len(text)
        page = LabelledPage(cur["id"], "".join(parts), spans, **cur["meta"])
        page.validate()
        pages.append(page)

    for lineno, raw in enumerate(source.splitlines(), 1):
        where = f"{name}:{lineno}"
        header = _PAGE_HEADER.match(raw)
        if header:
            finish()
            cur = {"id": header["id"], "meta": {}, "lines": []}
            continue
        if cur is None:
            if raw.strip() and not raw.startswith("#"):
                raise DataError(f"{where}: text before the first '# page: ID' line")
            continue
        meta = _META.match(raw)
        if meta:
            cur["meta"][meta["key"]] = meta["value"]
            continue
        if raw.startswith("#"):
            continue
        if not raw.strip():
            cur["lines"].append(None)
            continue
        m = _LINE.match(raw)
        if not m or m["label"] not in LABELS:
            raise DataError(
                f"{where}: expected 'LABEL | text' with LABEL one of {', '.join(LABELS)}, got {raw[:40]!r}"
            )
        cur["lines"].append((m["label"], m["text"]))
    finish()
    return pages


def format_hand_form(pages: Iterable[LabelledPage], labels_for: Any = None) -> str:
    """Write pages in the hand-editable form, one line of text per line.

    A line's label is the label of the span that covers most of it; a line no span covers is
    labelled ``ad``. Pages whose lines span several labels mid-line lose that detail.
    """
    out: list[str] = []
    for page in pages:
        out.append(f"# page: {page.id}")
        for key in ("lang", "source", "url"):
            if getattr(page, key):
                out.append(f"# {key}: {getattr(page, key)}")
        pos = 0
        for line in page.text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            if not line.strip():
                out.append("")
                continue
            label = _majority_label(page.spans, start, end)
            out.append(f"{label:<7} | {line}")
        out.append("")
    return "\n".join(out)


def _majority_label(spans: Sequence[Span], start: int, end: int) -> str:
    best, best_overlap = "ad", 0
    for s in spans:
        overlap = min(s.end, end) - max(s.start, start)
        if overlap > best_overlap:
            best, best_overlap = s.label, overlap
    return best


def _expand(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(
                q for q in path.rglob("*") if q.is_file() and q.name.endswith((".jsonl", ".jsonl.gz", ".txt"))
                and not _has_line_labels(q)
            )
            yield from found
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or directory")


def _has_line_labels(path: Path) -> bool:
    """A NAME.txt that NAME.labels.jsonl labels is read through the labels file, not on its own."""
    return path.name.endswith(".txt") and path.with_name(path.name[:-4] + ".labels.jsonl").is_file()


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte {exc.start})") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
