"""Corpus formats: stream pages out of crawl files and write classified pages back.

Readers turn files into a stream of :class:`Record` objects, one per page, without ever
holding a whole file in memory:

========  =====================================================  ===========================
format    files                                                  one record is
========  =====================================================  ===========================
text      anything else (``.txt``, ``.txt.gz``, ...)             the whole file
jsonl     ``.jsonl``, ``.ndjson`` (+ ``.gz``, ``.zst``)          a line; text/id/url fields
warc      ``.warc``, ``.wet`` (+ ``.gz``), ``.warc.wet.gz``      a ``conversion`` or
                                                                 ``response`` record
parquet   ``.parquet``                                           a row; text/id/url columns
========  =====================================================  ===========================

Faults never stop a stream: a line that is not JSON, invalid UTF-8, a missing text field, a
truncated gzip or zstd stream, a malformed WARC record or an unreadable file each become a
:class:`Record` with ``error`` set (and ``text=None``), named by file and line (or byte
offset), so that every input record is accounted for downstream. A malformed WARC record is
skipped by re-synchronising on the next record header (or gzip member).

WARC ``response`` records carry HTTP payloads. Those with a ``text/*`` content type are
decoded with the declared charset (UTF-8 if none) and classified *as they are*: extracting text
from HTML is out of scope here (run an HTML-to-text extractor first, or use the WET files, whose
``conversion`` records are already plain text). Responses of other content types (images, PDF,
...) are skipped and counted in :attr:`ReadStats.skipped`.

Writers take rows (plain dicts: ``id``, ``url``, ``blocks``, ``body``, ``error``) built by
:func:`page_row` and write JSONL, Parquet, TSV or clean text. Each writer writes to
``PATH.partial`` and renames it to ``PATH`` on :meth:`Writer.commit`, so a failed run leaves
no file that looks complete.

>>> import io, json
>>> src = io.BytesIO(b'{"id": "a", "text": "Hello"}\\nnot json\\n')
>>> [(r.id, r.text, r.error) for r in read_jsonl(src, "x.jsonl")]
[('a', 'Hello', None), ('x.jsonl:2', None, 'x.jsonl:2: not valid JSON (Expecting value)')]
"""
from __future__ import annotations

import codecs
import glob
import gzip
import io
import json
import operator
import os
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Sequence

import numpy as np

from .document import LABELS, Document
from .errors import InputError

FORMATS: tuple[str, ...] = ("text", "jsonl", "warc", "parquet")
OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "parquet", "tsv", "text")

# Suffixes (after removing a compression suffix) that name a format. Anything else is text.
_JSONL_SUFFIXES = (".jsonl", ".ndjson")
_WARC_SUFFIXES = (".warc", ".wet", ".arc")
_COMPRESSION_SUFFIXES = (".gz", ".zst")
# Directory walks pick up these files only (plus ``.txt``), so stray files are not read as pages.
_DIRECTORY_SUFFIXES = _JSONL_SUFFIXES + _WARC_SUFFIXES + (".parquet", ".txt")

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
READ_BUFFER = 1 << 20
"""Bytes read from a file at a time."""
PARQUET_BATCH_ROWS = 512
"""Rows read from a Parquet file at a time."""
PAGE_SEPARATOR = "\n\f\n"
"""Between pages in the ``text`` output format: a line holding only a form feed."""


@dataclass
class Record:
    """One page of input, or the trace of one that could not be read.

    ``source`` says where it came from (``file:line``, ``file@offset`` or ``file#row``);
    ``nbytes`` is its size in the input (for throughput figures). ``text`` is None exactly
    when ``error`` is set.
    """

    id: str
    text: str | None
    url: str | None = None
    source: str = ""
    error: str | None = None
    nbytes: int = 0

    @classmethod
    def failed(cls, id: str, error: str, url: str | None = None, nbytes: int = 0) -> "Record":
        """A record that could not be read; ``error`` names the file and line."""
        return cls(id=id, text=None, url=url, source=id, error=error, nbytes=nbytes)


@dataclass
class ReadStats:
    """What the readers saw besides pages (shared by all readers of one run)."""

    skipped: int = 0
    """WARC response records skipped for a non-text content type."""
    skipped_types: dict[str, int] = field(default_factory=dict)

    def skip(self, content_type: str) -> None:
        self.skipped += 1
        self.skipped_types[content_type] = self.skipped_types.get(content_type, 0) + 1


# ---------------------------------------------------------------------------------------------
# Finding inputs


def detect_format(path: str | os.PathLike) -> str:
    """The format a file name implies (compression suffixes ignored).

    >>> [detect_format(p) for p in ["a.jsonl.zst", "b.warc.wet.gz", "c.parquet", "d.txt"]]
    ['jsonl', 'warc', 'parquet', 'text']
    """
    name = os.fspath(path).lower()
    for suffix in _COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    if name.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(_WARC_SUFFIXES):
        return "warc"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Files, directories (walked recursively, known suffixes only, sorted) and globs -> paths.

    ``-`` (standard input) is kept as is. Raises :class:`InputError` for a path that does not
    exist or a glob that matches nothing, before any work starts.
    """
    out: list[str] = []
    for item in inputs:
        if item == "-":
            out.append(item)
        elif os.path.isdir(item):
            found = sorted(
                str(p) for p in Path(item).rglob("*")
                if p.is_file() and _strip_compression(p.name.lower()).endswith(_DIRECTORY_SUFFIXES)
            )
            if not found:
                raise InputError(f"{item}: directory holds no corpus files ({', '.join(_DIRECTORY_SUFFIXES)})")
            out.extend(found)
        elif os.path.exists(item):
            out.append(item)
        elif glob.has_magic(item):
            found = sorted(p for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                raise InputError(f"{item}: no file matches this pattern")
            out.extend(found)
        else:
            raise InputError(f"{item}: no such file or directory")
    return out


def _strip_compression(name: str) -> str:
    for suffix in _COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# ---------------------------------------------------------------------------------------------
# Opening (possibly compressed) byte streams


def open_binary(path: str) -> IO[bytes]:
    """A binary stream of the decompressed contents of ``path`` (``-`` = standard input).

    Compression is recognised by its magic bytes (gzip, zstd), not by the file name.
    """
    raw: IO[bytes]
    if path == "-":
        raw = sys.stdin.buffer
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)  # type: ignore[arg-type]
    else:
        raw = open(path, "rb", buffering=READ_BUFFER)
    head = raw.peek(4)[:4]  # type: ignore[attr-defined]
    if head.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if head.startswith(ZSTD_MAGIC):
        return io.BufferedReader(_ZstdReader(raw), buffer_size=READ_BUFFER)
    return raw


class _ZstdReader(io.RawIOBase):
    """Decompress a (multi-frame) zstd stream; unlike zstandard's stream_reader, a stream cut
    inside a frame raises ``EOFError`` instead of ending quietly."""

    def __init__(self, raw: IO[bytes]):
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._dobj = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False
        self._out = b""
        self._pos = 0  # bytes of _out already handed out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos >= len(self._out):
            self._out, self._pos = b"", 0
            chunk = self._raw.read(READ_BUFFER)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstd stream ends inside a frame")
                return 0
            while chunk:
                self._in_frame = True
                self._out += self._dobj.decompress(chunk)
                chunk = b""
                if self._dobj.eof:  # frame complete; the rest of the chunk starts the next one
                    chunk = self._dobj.unused_data
                    self._dobj = self._zstd.ZstdDecompressor().decompressobj()
                    self._in_frame = False
        n = min(len(buffer), len(self._out) - self._pos)
        buffer[:n] = memoryview(self._out)[self._pos:self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def sniff_format(stream: IO[bytes]) -> str:
    """Guess the format of a peekable stream from its first bytes: jsonl, warc or text."""
    head = stream.peek(64)[:64].lstrip()  # type: ignore[attr-defined]
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"WARC/"):
        return "warc"
    return "text"


_STREAM_ERRORS = (OSError, EOFError, zlib.error)


def _stream_error(path: str, where: str, exc: BaseException) -> str:
    """A one-line description of a failure while reading a compressed or raw stream."""
    if isinstance(exc, EOFError):
        what = "truncated compressed stream"
    elif isinstance(exc, (zlib.error, gzip.BadGzipFile)):
        what = "corrupt gzip data"
    elif type(exc).__name__ == "ZstdError":
        what = "corrupt or truncated zstd data"
    elif isinstance(exc, OSError) and exc.strerror:
        what = f"cannot read ({exc.strerror})"
    else:
        what = f"cannot read ({exc})"
    return f"{where}: {what}; the rest of {path} is lost"


# ---------------------------------------------------------------------------------------------
# Readers


def read_records(
    paths: Sequence[str],
    format: str | None = None,
    text_field: str = "text",
    id_field: str = "id",
    url_field: str = "url",
    stats: ReadStats | None = None,
) -> Iterator[Record]:
    """Stream the records of every input in order (see the module docstring for formats).

    ``format`` forces one format for all inputs; ``None`` infers it per file from the name
    (and, for standard input, from the first bytes).

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "page.txt")
    >>> _ = open(p, "w").write("Title\\n\\nBody.")
    >>> [(os.path.basename(r.id), r.text) for r in read_records([p])]
    [('page.txt', 'Title\\n\\nBody.')]
    """
    if format is not None and format not in FORMATS:
        raise InputError(f"unknown input format {format!r}; choose from {', '.join(FORMATS)}")
    stats = stats if stats is not None else ReadStats()
    for path in paths:
        fmt = format or (None if path == "-" else detect_format(path))
        if fmt == "parquet":
            if path == "-":
                raise InputError("Parquet cannot be read from standard input; pass a file")
            yield from read_parquet(path, text_field, id_field, url_field)
            continue
        try:
            # warcio reads gzipped WARC member by member itself (and can then skip a bad member).
            stream = open(path, "rb", buffering=READ_BUFFER) if fmt == "warc" else open_binary(path)
        except _STREAM_ERRORS as exc:
            yield Record.failed(path, _stream_error(path, path, exc))
            continue
        name = "<stdin>" if path == "-" else path
        with stream:
            fmt = fmt or sniff_format(stream)
            if fmt == "jsonl":
                yield from read_jsonl(stream, name, text_field, id_field, url_field)
            elif fmt == "warc":
                yield from read_warc(stream, name, stats)
            else:
                yield read_text(stream, name)


def read_text(stream: IO[bytes], name: str) -> Record:
    """One page: the whole stream, decoded as UTF-8 (its id is the file name)."""
    try:
        data = stream.read()
    except _STREAM_ERRORS as exc:
        return Record.failed(name, _stream_error(name, name, exc))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Record.failed(name, f"{name}:{line}: not valid UTF-8 (byte {exc.start})", nbytes=len(data))
    return Record(id=name, text=text, source=name, nbytes=len(data))


def read_jsonl(
    stream: IO[bytes],
    name: str,
    text_field: str = "text",
    id_field: str = "id",
    url_field: str = "url",
) -> Iterator[Record]:
    """One record per non-blank line; a record without ``id_field`` gets ``NAME:LINE`` as id."""
    lineno = 0
    lines = iter(stream)
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            return
        except _STREAM_ERRORS as exc:
            where = f"{name}:{lineno + 1}"
            yield Record.failed(where, _stream_error(name, where, exc))
            return
        lineno += 1
        if not raw.strip():
            continue
        where = f"{name}:{lineno}"
        yield _jsonl_record(raw, where, text_field, id_field, url_field)


def _jsonl_record(raw: bytes, where: str, text_field: str, id_field: str, url_field: str) -> Record:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record.failed(where, f"{where}: not valid UTF-8 (byte {exc.start} of the line)", nbytes=len(raw))
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Record.failed(where, f"{where}: not valid JSON ({exc.msg})", nbytes=len(raw))
    if not isinstance(obj, dict):
        return Record.failed(where, f"{where}: expected a JSON object, got {type(obj).__name__}", nbytes=len(raw))
    rid = obj.get(id_field)
    rid = where if rid is None else str(rid)
    url = obj.get(url_field)
    url = None if url is None else str(url)
    text = obj.get(text_field)
    if not isinstance(text, str):
        problem = (f"no {text_field!r} field" if text_field not in obj else
                   f"{text_field!r} is null" if text is None else f"{text_field!r} is not a string")
        return Record(id=rid, text=None, url=url, source=where, error=f"{where}: {problem}", nbytes=len(raw))
    return Record(id=rid, text=text, url=url, source=where, nbytes=len(raw))


def read_warc(stream: IO[bytes], name: str, stats: ReadStats | None = None) -> Iterator[Record]:
    """``conversion`` (WET) and ``response`` records of a WARC/WET stream (gzipped or not).

    id = ``WARC-Record-ID``, url = ``WARC-Target-URI``. A record that cannot be parsed
    becomes an error record ``NAME@OFFSET``; reading resumes at the next record header (plain
    WARC) or gzip member (``.warc.gz``) when the stream can seek, else stops. A run of
    consecutive damaged records gives one error record.
    """
    from warcio.archiveiterator import ArchiveIterator

    stats = stats if stats is not None else ReadStats()
    start = stream.tell() if stream.seekable() else 0
    resyncing = False
    while True:
        iterator = ArchiveIterator(stream)
        yielded = False
        try:
            for wrec in iterator:
                record = _warc_record(wrec, name, iterator.offset, stats)
                if record is not None:
                    yielded = True
                    yield record
            return
        except Exception as exc:  # warcio raises many types on malformed input
            offset = getattr(iterator, "offset", start)
            seekable = stream.seekable() and not isinstance(stream, gzip.GzipFile)
            # A failure right at a re-synchronisation point is a false start (gzip magic bytes
            # inside compressed data, say): try the next candidate without another error record.
            if not (resyncing and not yielded and offset == start):
                where = f"{name}@{offset}"
                lost = "" if seekable else f"; the rest of {name} is lost (the stream cannot seek past it)"
                yield Record.failed(where, f"{where}: malformed or truncated WARC record ({_short(exc)}){lost}")
            if not seekable:
                return
            nxt = _next_warc_start(stream, offset + 1)
            if nxt is None:
                return
            stream.seek(nxt)
            start, resyncing = nxt, True


def _warc_record(wrec: Any, name: str, offset: int, stats: ReadStats) -> Record | None:
    if wrec.rec_type not in ("conversion", "response"):
        return None
    headers = wrec.rec_headers
    rid = headers.get_header("WARC-Record-ID") or f"{name}@{offset}"
    url = headers.get_header("WARC-Target-URI")
    where = f"{name}@{offset}"
    charset = "utf-8"
    if wrec.rec_type == "response":
        http = wrec.http_headers
        ctype = (http.get_header("Content-Type") if http is not None else None) or ""
        mime = ctype.split(";")[0].strip().lower()
        if not mime.startswith("text/"):
            wrec.content_stream().read()
            stats.skip(mime or "unknown")
            return None
        charset = _charset(ctype)
    if not (headers.get_header("Content-Length") or "").strip().isdigit():
        return Record(id=rid, text=None, url=url, source=where,
                      error=f"{where}: WARC record without a valid Content-Length (truncated or malformed header)")
    data = wrec.content_stream().read()
    if getattr(wrec.raw_stream, "limit", 0):
        return Record(id=rid, text=None, url=url, source=where, nbytes=len(data),
                      error=f"{where}: truncated WARC record ({wrec.raw_stream.limit} bytes missing)")
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        return Record(id=rid, text=None, url=url, source=where, nbytes=len(data),
                      error=f"{where}: payload is not valid {charset} (byte {exc.start})")
    return Record(id=rid, text=text, url=url, source=where, nbytes=len(data))


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            value = value.strip().strip("\"'")
            try:
                return codecs.lookup(value).name
            except LookupError:
                return "utf-8"
    return "utf-8"


def _next_warc_start(stream: IO[bytes], pos: int) -> int | None:
    """The offset of the next plausible record start (gzip member or WARC header) after ``pos``."""
    stream.seek(pos)
    carry = b""
    base = pos
    while True:
        chunk = stream.read(READ_BUFFER)
        if not chunk:
            return None
        buf = carry + chunk
        hits = [i for i in (buf.find(GZIP_MAGIC + b"\x08"), buf.find(b"\nWARC/1.")) if i >= 0]
        if hits:
            i = min(hits)
            return base + i + (1 if buf[i:i + 1] == b"\n" else 0)
        carry = buf[-8:]
        base += len(buf) - len(carry)


def read_parquet(path: str, text_field: str = "text", id_field: str = "id", url_field: str = "url") -> Iterator[Record]:
    """Rows of a Parquet file, read a batch at a time; id defaults to ``PATH#ROW``."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        names = set(pf.schema_arrow.names)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        yield Record.failed(path, f"{path}: cannot read as Parquet ({_short(exc)})")
        return
    if text_field not in names:
        yield Record.failed(path, f"{path}: no column {text_field!r} (columns: {', '.join(sorted(names))})")
        return
    columns = [c for c in (text_field, id_field, url_field) if c in names]
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            data = batch.to_pydict()
            texts = data[text_field]
            ids = data.get(id_field) or [None] * len(texts)
            urls = data.get(url_field) or [None] * len(texts)
            for text, rid, url in zip(texts, ids, urls):
                where = f"{path}#{row}"
                rid = where if rid is None else str(rid)
                url = None if url is None else str(url)
                if not isinstance(text, str):
                    yield Record(id=rid, text=None, url=url, source=where,
                                 error=f"{where}: {text_field!r} is {'null' if text is None else 'not a string'}")
                else:
                    yield Record(id=rid, text=text, url=url, source=where, nbytes=len(text))
                row += 1
    except Exception as exc:
        where = f"{path}#{row}"
        yield Record.failed(where, f"{where}: cannot read the rest of the file ({_short(exc)})")


def _short(exc: BaseException, limit: int = 120) -> str:
    """The exception on one short printable line (its type if it says nothing)."""
    msg = " ".join(str(exc).split()) or type(exc).__name__
    msg = "".join(c if " " <= c <= "~" else "?" for c in msg)  # binary garbage stays one short line
    return msg if len(msg) <= limit else msg[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------
# Output rows


def page_row(record: Record, doc: Document | None, keep: Sequence[str] = ("body",),
             error: str | None = None) -> dict[str, Any]:
    """The output row of one page: id, url, blocks (start, end, label, scores), body, error.

    ``body`` is the text of the blocks whose label is in ``keep``. A page that could not be
    read or classified has ``blocks == []``, ``body is None`` and ``error`` set.
    """
    row: dict[str, Any] = {"id": record.id}
    if record.url is not None:
        row["url"] = record.url
    error = error or record.error
    if error is not None or doc is None:
        row["blocks"] = []
        row["body"] = None
        row["error"] = error or "not classified"
        return row
    row["blocks"] = _block_dicts(doc)
    row["body"] = doc.body_text(keep)
    return row


_SCORES = operator.itemgetter(*LABELS)


def _block_dicts(doc: Document) -> list[dict[str, Any]]:
    """``[b.to_dict() for b in doc.blocks]`` (scores to 4 places), rounding in one numpy call."""
    if not doc.blocks:
        return []
    if any(b.scores is None for b in doc.blocks):
        return [b.to_dict() for b in doc.blocks]
    scores = np.round(np.array([_SCORES(b.scores) for b in doc.blocks], dtype=float), 4).tolist()
    return [{"start": b.start, "end": b.end, "label": b.label, "scores": dict(zip(LABELS, s))}
            for b, s in zip(doc.blocks, scores)]


def encode_row(row: dict[str, Any], fmt: str) -> bytes | dict[str, Any]:
    """A row as the output format wants it: bytes for jsonl/tsv/text, the dict for parquet."""
    if fmt == "jsonl":
        return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "tsv":
        return _tsv_rows(row).encode("utf-8")
    if fmt == "text":
        return b"" if row.get("error") else (row["body"] + PAGE_SEPARATOR).encode("utf-8")
    return row


TSV_COLUMNS: tuple[str, ...] = ("id", "block", "start", "end", "label", *LABELS, "error")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv_rows(row: dict[str, Any]) -> str:
    rid = str(row["id"]).translate(_TSV_ESCAPES)
    if row.get("error"):
        return "\t".join([rid, "", "", "", "", *[""] * len(LABELS), row["error"].translate(_TSV_ESCAPES)]) + "\n"
    lines = []
    for i, b in enumerate(row["blocks"]):
        scores = b.get("scores") or {}
        lines.append("\t".join([rid, str(i), str(b["start"]), str(b["end"]), b.get("label") or "",
                                *(f"{scores.get(k, 0.0):.4f}" for k in LABELS), ""]))
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------------------------
# Writers


def infer_output_format(path: str | None) -> str:
    """The output format implied by ``-o PATH`` (JSONL unless it says otherwise).

    >>> [infer_output_format(p) for p in [None, "o.parquet", "o.tsv", "o.txt", "o.jsonl"]]
    ['jsonl', 'parquet', 'tsv', 'text', 'jsonl']
    """
    name = (path or "").lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".tsv"):
        return "tsv"
    if name.endswith(".txt"):
        return "text"
    return "jsonl"


class Writer:
    """Write encoded rows to ``PATH.partial`` (or stdout), renamed to ``PATH`` on :meth:`commit`.

    ``append=True`` continues an existing ``PATH.partial`` (see :func:`prepare_resume`).
    :meth:`abort` removes the partial file; :meth:`suspend` keeps it for a later resume.
    """

    def __init__(self, path: str | None, fmt: str, append: bool = False):
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"unknown output format {fmt!r}; choose from {', '.join(OUTPUT_FORMATS)}")
        self.path = path
        self.fmt = fmt
        self.partial = None if path in (None, "-") else partial_path(path)
        self._parquet: Any = None
        self._pending: list[dict[str, Any]] = []
        if self.partial is None:
            if fmt == "parquet":
                raise InputError("Parquet output needs a file: pass -o PATH.parquet")
            self._fh: IO[bytes] = sys.stdout.buffer
        else:
            self._fh = open(self.partial, "ab" if append else "wb")
        if fmt == "tsv" and not append:
            self._fh.write(("\t".join(TSV_COLUMNS) + "\n").encode())

    def write(self, encoded: bytes | dict[str, Any]) -> None:
        """Write one page (as returned by :func:`encode_row`)."""
        if self.fmt == "parquet":
            self._pending.append(encoded)  # type: ignore[arg-type]
            if len(self._pending) >= PARQUET_BATCH_ROWS:
                self._flush_parquet()
        else:
            self._fh.write(encoded)  # type: ignore[arg-type]

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._pending:
            return
        schema = parquet_schema()
        rows = [{**r, "url": r.get("url"), "error": r.get("error")} for r in self._pending]
        table = pa.Table.from_pylist(rows, schema=schema)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self._fh, schema)
        self._parquet.write_table(table)
        self._pending.clear()

    def flush(self) -> None:
        if self.fmt != "parquet":
            self._fh.flush()

    def _close(self) -> None:
        if self.fmt == "parquet":
            self._flush_parquet()
            if self._parquet is None:  # no rows: still write a valid, empty file
                import pyarrow.parquet as pq

                self._parquet = pq.ParquetWriter(self._fh, parquet_schema())
            self._parquet.close()
        if self.partial is None:
            self._fh.flush()
        else:
            self._fh.close()

    def commit(self) -> None:
        """Finish: close and move ``PATH.partial`` to ``PATH``."""
        self._close()
        if self.partial is not None:
            os.replace(self.partial, self.path)  # type: ignore[arg-type]

    def suspend(self) -> None:
        """Stop but keep ``PATH.partial`` (JSONL) so that ``--resume`` can continue it."""
        if self.fmt != "jsonl":
            self.abort()
            return
        self._fh.flush()
        if self.partial is not None:
            self._fh.close()

    def abort(self) -> None:
        """Stop and remove the partial file."""
        try:
            if self.partial is not None:
                self._fh.close()
        finally:
            if self.partial is not None and os.path.exists(self.partial):
                os.remove(self.partial)


def partial_path(path: str) -> str:
    """Where output goes until the run completes."""
    return path + ".partial"


def parquet_schema() -> Any:
    """The Arrow schema of Parquet output (and of the Spark blocks column)."""
    import pyarrow as pa

    scores = pa.struct([(k, pa.float64()) for k in LABELS])
    block = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("scores", scores)])
    return pa.schema([("id", pa.string()), ("url", pa.string()), ("blocks", pa.list_(block)),
                      ("body", pa.string()), ("error", pa.string())])


# ---------------------------------------------------------------------------------------------
# Resuming


def prepare_resume(path: str) -> tuple[int, str | None]:
    """Make ``PATH.partial`` ready to append to; return (pages already written, last id).

    Takes ``PATH.partial`` if it exists, else a finished ``PATH``, else starts from nothing. A
    last line without its newline (the write was cut) is truncated away; that page is
    classified again. The file is scanned a megabyte at a time. Once the inputs are checked
    (:func:`skip_records`), :func:`continue_output` moves a finished ``PATH`` back to
    ``PATH.partial`` for appending.
    """
    partial = partial_path(path)
    if not os.path.exists(partial):
        if not os.path.exists(path):
            return 0, None
        partial = path  # a finished output: read it where it is (see continue_output)
    count = 0
    complete = 0  # bytes up to and including the last newline
    carry = b""  # bytes after the last newline seen so far
    last_line = b""
    with open(partial, "rb") as fh:
        pos = 0
        while chunk := fh.read(READ_BUFFER):
            data = carry + chunk
            base = pos - len(carry)  # file offset of data[0]
            pos += len(chunk)
            idx = data.rfind(b"\n")
            if idx < 0:
                carry = data
                continue
            count += chunk.count(b"\n")
            complete = base + idx + 1
            last_line = data[data.rfind(b"\n", 0, idx) + 1: idx]
            carry = data[idx + 1:]
    with open(partial, "r+b") as fh:
        fh.truncate(complete)
    if not count:
        return 0, None
    try:
        last_id = json.loads(last_line.decode("utf-8")).get("id")
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        raise InputError(f"{partial}: line {count} is not a JSON record; cannot resume from this file") from None
    return count, None if last_id is None else str(last_id)


def continue_output(path: str) -> None:
    """Before appending to a resumed output: a finished ``PATH`` becomes ``PATH.partial`` again."""
    if not os.path.exists(partial_path(path)) and os.path.exists(path):
        os.replace(path, partial_path(path))


def skip_records(records: Iterable[Record], n: int, last_id: str | None, output: str) -> Iterator[Record]:
    """Skip the ``n`` records a previous run already wrote; check the last one's id matches.

    Raises :class:`InputError` if the inputs hold fewer records, or if record ``n`` has another
    id than the output's last line (the inputs or their order changed since that run).
    """
    it = iter(records)
    last: Record | None = None
    for i in range(n):
        last = next(it, None)
        if last is None:
            raise InputError(f"{output} already holds {n:,} pages but the inputs have only {i:,}; "
                             "resume with the same inputs, in the same order")
    if last is not None and last_id is not None and last.id != last_id:
        raise InputError(f"{output}: its last page is {last_id!r} but page {n:,} of the inputs is {last.id!r}; "
                         "resume with the same inputs, in the same order")
    return it
