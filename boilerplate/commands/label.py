"""``boilerplate label FILE… [-o OUT.txt]``: pre-label plain-text pages for a person to correct.

Each page is classified and written in the hand-editable labelled form (see
:func:`boilerplate.pages.parse_hand_form`), one line of text per line, prefixed by the model's
label. Lines the model is unsure of get a ``# check:`` comment above them (comments are not part
of the page), so a person only reads those and corrects the mistakes; ``boilerplate train
OUT.txt`` then reads the corrected file back.
"""
from __future__ import annotations

import argparse
import bisect
import sys
from pathlib import Path
from typing import Any, Iterable

from ..document import Document
from ..errors import InputError
from ..pages import LabelledPage, Span, format_hand_form
from ._common import check_output, probability, write_text

CHECK_BELOW_DEFAULT = 0.6
"""A line whose block's top score is below this gets a ``# check:`` comment."""

HEADER = (
    "# Labelled by the model: correct the label in front of each line (body, caption, embed, ad, ticker).\n"
    "# Lines marked '# check:' are the ones the model was least sure of. Then: boilerplate train THIS.txt\n"
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "label",
        help="write pages in the hand-editable labelled form, pre-filled with the model's labels",
        description="Classify plain-text pages and write them as 'LABEL | line' for correction by hand; "
        "'boilerplate train' reads the corrected file back.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="plain-text pages (UTF-8); '-' reads standard input")
    p.add_argument("-o", "--output", metavar="OUT.txt", help="write here (must end in .txt); default: standard output")
    p.add_argument("--model", metavar="M", help="model file (default: the bundled model)")
    p.add_argument("--check-below", type=probability, default=CHECK_BELOW_DEFAULT, metavar="P",
                   help=f"mark lines whose top score is below P (default {CHECK_BELOW_DEFAULT}; 0 marks none)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import classify, load_model

    if args.output and not args.output.endswith(".txt"):
        raise InputError(f"--output {args.output}: must end in .txt (that is how 'train' recognises the form)")
    if args.output:
        check_output(args.output)
    model = load_model(args.model) if args.model else load_model()
    sections = []
    for page_id, text in _read_inputs(args.files):
        doc = classify(text, model=model)
        sections.append(hand_form(doc, page_id, check_below=args.check_below))
    out = HEADER + "\n".join(sections)
    if args.output:
        write_text(args.output, out)
        print(f"wrote {len(sections)} page{'s' if len(sections) != 1 else ''} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0


def document_to_page(doc: Document, page_id: str) -> LabelledPage:
    """The classified document as a labelled page (one span per block, the model's labels as gold)."""
    spans = [Span(b.start, b.end, b.label or "ad") for b in doc.blocks]
    lang = doc.meta.get("lang")
    return LabelledPage(id=page_id, text=doc.text, spans=spans, lang=lang if isinstance(lang, str) else None,
                        url=doc.url)


def hand_form(doc: Document, page_id: str, check_below: float = CHECK_BELOW_DEFAULT) -> str:
    """``doc`` in the hand-editable form, with ``# check:`` above lines whose top score is low.

    >>> from boilerplate.document import Block, Document
    >>> doc = Document("Hi there\\nFoto: AFP", [Block(0, 8, "Hi there", "body", {"body": 0.9}),
    ...     Block(9, 18, "Foto: AFP", "caption", {"caption": 0.5, "body": 0.4})])
    >>> print(hand_form(doc, "p1"))
    # page: p1
    body    | Hi there
    # check: caption 0.50, body 0.40
    caption | Foto: AFP
    <BLANKLINE>
    """
    page = document_to_page(doc, page_id)
    form = format_hand_form([page]).split("\n")
    head = 0
    while head < len(form) and form[head].startswith("#"):
        head += 1
    # The lines after the header map one-to-one to the lines of the page's text.
    notes = _line_notes(doc, check_below)
    out = form[:head]
    for k, line in enumerate(form[head:]):
        if k < len(notes) and notes[k]:
            out.append(notes[k])
        out.append(line)
    return "\n".join(out)


def _line_notes(doc: Document, check_below: float) -> list[str | None]:
    """For each line of ``doc.text``: a ``# check:`` comment if a low-confidence block starts on it."""
    line_starts = [0]
    for line in doc.text.split("\n")[:-1]:
        line_starts.append(line_starts[-1] + len(line) + 1)
    notes: list[str | None] = [None] * len(line_starts)
    for b in doc.blocks:
        if not b.scores or b.label is None:
            continue
        top = max(b.scores.values())
        if top >= check_below:
            continue
        ranked = sorted(b.scores.items(), key=lambda kv: -kv[1])[:2]
        k = bisect.bisect_right(line_starts, b.start) - 1
        notes[k] = "# check: " + ", ".join(f"{lab} {p:.2f}" for lab, p in ranked)
    return notes


def _read_inputs(files: Iterable[str]) -> Iterable[tuple[str, str]]:
    seen: dict[str, int] = {}
    for name in files:
        if name == "-":
            page_id, text = "stdin", sys.stdin.read()
        else:
            path = Path(name)
            try:
                text = path.read_bytes().decode("utf-8")
            except FileNotFoundError:
                raise InputError(f"{name}: no such file") from None
            except IsADirectoryError:
                raise InputError(f"{name}: is a directory (give the page files)") from None
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid UTF-8 (byte {exc.start})") from None
            except OSError as exc:
                raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
            page_id = path.name[:-4] if path.name.endswith(".txt") else path.name
        seen[page_id] = seen.get(page_id, 0) + 1
        if seen[page_id] > 1:
            page_id = f"{page_id}#{seen[page_id]}"
        yield page_id, text
