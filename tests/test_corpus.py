"""Corpus readers and writers: every input format, every fault, resume bookkeeping."""
from __future__ import annotations

import gzip
import io
import json
import os

import pytest

from boilerplate.corpus import (PAGE_SEPARATOR, continue_output, Record, ReadStats, Writer, detect_format, encode_row,
                                expand_inputs, infer_output_format, page_row, partial_path, prepare_resume,
                                read_records, skip_records)
from boilerplate.document import Block, Document
from boilerplate.errors import InputError

warcio = pytest.importorskip("warcio")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
zstandard = pytest.importorskip("zstandard")

PAGES = [
    {"id": "p1", "url": "http://example.com/1", "text": "Title one\n\nA body paragraph. It has words."},
    {"id": "p2", "url": "http://example.com/2", "text": "Title two\n14:32 Ticker line\n14:33 Another"},
    {"id": "p3", "text": "Ünïcödé page\n\nFoto: AFP"},
]


def jsonl_bytes(pages=PAGES) -> bytes:
    return b"".join(json.dumps(p, ensure_ascii=False).encode() + b"\n" for p in pages)


def warc_bytes(gz: bool, pages=PAGES, extra_response: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("x.warc", {"software": "test"}))
    for p in pages:
        rec = writer.create_warc_record(p.get("url", "http://example.com/"), "conversion",
                                        payload=io.BytesIO(p["text"].encode()), warc_content_type="text/plain")
        writer.write_record(rec)
    if extra_response:
        for ctype, body in [("text/html; charset=iso-8859-1", "<p>caf\xe9</p>".encode("latin-1")),
                            ("image/png", b"\x89PNG....")]:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("http://example.com/r", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
    return buf.getvalue()


def texts_and_ids(records):
    return [(r.id, r.text) for r in records]


# -- format detection and input expansion ------------------------------------------------------

def test_detect_format_by_name():
    assert detect_format("a/b.jsonl.gz") == "jsonl"
    assert detect_format("CC-MAIN-1.warc.wet.gz") == "warc"
    assert detect_format("x.warc") == "warc"
    assert detect_format("x.parquet") == "parquet"
    assert detect_format("page.txt.zst") == "text"
    assert infer_output_format("out.PARQUET") == "parquet"


def test_expand_inputs_dirs_globs_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.jsonl", "sub/c.warc.gz", "notes.md"):
        (tmp_path / name).write_bytes(b"x")
    found = expand_inputs([str(tmp_path)])
    assert [os.path.relpath(p, tmp_path) for p in found] == ["a.jsonl", "b.txt", os.path.join("sub", "c.warc.gz")]
    assert expand_inputs([str(tmp_path / "*.txt")]) == [str(tmp_path / "b.txt")]
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "missing.jsonl")])
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.parquet")])


# -- every input format ------------------------------------------------------------------------

def test_text_files_are_one_page_each(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt.gz"
    a.write_text("Page A\n\nBody.", encoding="utf-8")
    b.write_bytes(gzip.compress("Page B".encode()))
    assert texts_and_ids(read_records([str(a), str(b)])) == [(str(a), "Page A\n\nBody."), (str(b), "Page B")]


@pytest.mark.parametrize("suffix,compress", [
    (".jsonl", lambda b: b),
    (".jsonl.gz", gzip.compress),
    (".jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
])
def test_jsonl_plain_gzip_zstd(tmp_path, suffix, compress):
    path = tmp_path / f"pages{suffix}"
    path.write_bytes(compress(jsonl_bytes()))
    records = list(read_records([str(path)]))
    assert [(r.id, r.url, r.text) for r in records] == [(p["id"], p.get("url"), p["text"]) for p in PAGES]
    assert all(r.error is None for r in records)


def test_jsonl_custom_fields_and_default_id(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"content": "Hello", "key": 7, "link": "http://x"}\n\n{"content": "Bye"}\n')
    records = list(read_records([str(path)], text_field="content", id_field="key", url_field="link"))
    assert [(r.id, r.url, r.text) for r in records] == [("7", "http://x", "Hello"), (f"{path}:3", None, "Bye")]


@pytest.mark.parametrize("gz", [False, True])
def test_warc_conversion_and_text_responses(tmp_path, gz):
    path = tmp_path / ("crawl.warc.wet.gz" if gz else "crawl.warc")
    path.write_bytes(warc_bytes(gz))
    stats = ReadStats()
    records = list(read_records([str(path)], stats=stats))
    assert [r.text for r in records] == [p["text"] for p in PAGES] + ["<p>caf\u00e9</p>"]  # latin-1 decoded
    assert all(r.id.startswith("<urn:uuid:") for r in records)
    assert records[0].url == "http://example.com/1" and records[-1].url == "http://example.com/r"
    assert stats.skipped == 1 and stats.skipped_types == {"image/png": 1}


def test_parquet_rows_in_batches(tmp_path, monkeypatch):
    import boilerplate.corpus as corpus

    monkeypatch.setattr(corpus, "PARQUET_BATCH_ROWS", 2)  # several batches from a small file
    path = tmp_path / "pages.parquet"
    rows = PAGES + [{"id": None, "url": None, "text": None}]
    pq.write_table(pa.Table.from_pylist([{"id": r.get("id"), "url": r.get("url"), "text": r["text"]} for r in rows]),
                   path, row_group_size=2)
    records = list(read_records([str(path)]))
    assert [(r.id, r.text) for r in records[:3]] == [(p["id"], p["text"]) for p in PAGES]
    assert records[3].id == f"{path}#3" and "'text' is null" in records[3].error


def test_stdin_sniffs_jsonl(monkeypatch):
    fake = io.TextIOWrapper(io.BufferedReader(io.BytesIO(gzip.compress(jsonl_bytes()))))
    monkeypatch.setattr("sys.stdin", fake)
    assert [r.id for r in read_records(["-"])] == ["p1", "p2", "p3"]


# -- faults: each becomes an error record and the stream goes on --------------------------------

def test_jsonl_bad_lines_become_error_records(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\nnot json\n\xff\xfe\n[1, 2]\n{"id": "e"}\n{"id": "f", "text": "ok"}\n'
                     b'{"id": "g", "text": null}\n{"id": "h", "text": 5}\n')
    records = list(read_records([str(path)]))
    assert [r.error is None for r in records] == [True, False, False, False, False, True, False, False]
    assert records[1].error == f"{path}:2: not valid JSON (Expecting value)"
    assert records[2].error.startswith(f"{path}:3: not valid UTF-8")
    assert records[3].error == f"{path}:4: expected a JSON object, got list"
    assert records[4].id == "e" and records[4].error == f"{path}:5: no 'text' field"
    assert records[6].error == f"{path}:7: 'text' is null"
    assert records[7].error == f"{path}:8: 'text' is not a string"


def test_invalid_utf8_text_file_names_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine\nfine\n\xff bad\n")
    (record,) = read_records([str(path)])
    assert record.text is None and record.error == f"{path}:3: not valid UTF-8 (byte 10)"


@pytest.mark.parametrize("suffix,compress", [
    (".jsonl.gz", gzip.compress),
    (".jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
])
def test_truncated_compressed_stream(tmp_path, suffix, compress):
    lines = b"".join(json.dumps({"id": str(i), "text": f"page {i} " * 20}).encode() + b"\n" for i in range(5000))
    data = compress(lines)
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(data[: len(data) // 2])
    records = list(read_records([str(path)]))
    good, last = records[:-1], records[-1]
    assert good and all(r.error is None for r in good)
    assert [r.id for r in good] == [str(i) for i in range(len(good))]  # a clean prefix
    assert "truncated compressed stream" in last.error and last.id == f"{path}:{len(good) + 1}"


def test_unreadable_file_is_an_error_record(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0)
    (record,) = read_records([str(path)])
    assert "cannot read" in record.error


@pytest.mark.parametrize("gz", [False, True])
def test_malformed_warc_record_is_skipped_and_reading_resumes(tmp_path, gz):
    data = warc_bytes(gz, extra_response=False)
    # damage the header of the second page's record (the third record: after warcinfo and page 1)
    starts = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08" if gz else b"WARC/1.", i)]
    bad = starts[2]
    damaged = data[:bad] + b"GARBAGE!" * 4 + data[bad + 32:]
    path = tmp_path / ("bad.warc.gz" if gz else "bad.warc")
    path.write_bytes(damaged)
    records = list(read_records([str(path)]))
    assert [r.text for r in records] == [PAGES[0]["text"], None, PAGES[2]["text"]]
    assert records[1].id == f"{path}@{bad}" and "malformed or truncated WARC record" in records[1].error


def test_truncated_warc_ends_with_an_error_record(tmp_path):
    data = warc_bytes(True, extra_response=False)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-60])
    records = list(read_records([str(path)]))
    assert [r.text for r in records[:2]] == [PAGES[0]["text"], PAGES[1]["text"]]
    assert records[-1].error is not None and len(records) == 3


def test_corrupt_parquet_is_an_error_record(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    (record,) = read_records([str(path)])
    assert record.error.startswith(f"{path}: cannot read as Parquet")


# -- rows and writers ------------------------------------------------------------------------

def sample_doc() -> Document:
    text = "Title\n\nBody text.\n\nFoto: AFP"
    scores = {"body": 0.9, "caption": 0.05, "embed": 0.0, "ad": 0.05, "ticker": 0.0}
    return Document(text, [Block(0, 5, "Title", "body", scores), Block(7, 17, "Body text.", "body", scores),
                           Block(19, 28, "Foto: AFP", "caption", {**scores, "body": 0.05, "caption": 0.9})])


def test_page_row_keeps_chosen_labels():
    rec = Record("x", sample_doc().text, url="http://u")
    row = page_row(rec, sample_doc(), keep=("body", "caption"))
    assert row["body"] == "Title\n\nBody text.\n\nFoto: AFP" and row["url"] == "http://u"
    assert row["blocks"][2] == {"start": 19, "end": 28, "label": "caption",
                                "scores": {"body": 0.05, "caption": 0.9, "embed": 0.0, "ad": 0.05, "ticker": 0.0}}
    failed = page_row(Record.failed("y", "y: broken"), None)
    assert failed == {"id": "y", "blocks": [], "body": None, "error": "y: broken"}


def test_tsv_and_text_encodings():
    row = page_row(Record("a\tb", "t"), sample_doc())
    tsv = encode_row(row, "tsv").decode().splitlines()
    assert len(tsv) == 3 and tsv[0].split("\t")[:5] == ["a\\tb", "0", "0", "5", "body"]
    assert encode_row(row, "text").decode() == "Title\n\nBody text." + PAGE_SEPARATOR
    assert encode_row(page_row(Record.failed("z", "z: bad"), None), "text") == b""


def test_writer_commits_atomically_and_aborts_cleanly(tmp_path):
    out = tmp_path / "o.jsonl"
    w = Writer(str(out), "jsonl")
    w.write(b'{"id": "1"}\n')
    assert not out.exists() and os.path.exists(partial_path(str(out)))
    w.commit()
    assert out.read_bytes() == b'{"id": "1"}\n' and not os.path.exists(partial_path(str(out)))
    w = Writer(str(tmp_path / "p.jsonl"), "jsonl")
    w.write(b"half")
    w.abort()
    assert os.listdir(tmp_path) == ["o.jsonl"]


def test_parquet_writer_schema(tmp_path):
    out = tmp_path / "o.parquet"
    w = Writer(str(out), "parquet")
    w.write(encode_row(page_row(Record("a", "t", url="http://a"), sample_doc()), "parquet"))
    w.write(encode_row(page_row(Record.failed("b", "b: bad"), None), "parquet"))
    w.commit()
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["a", "b"] and rows[1]["error"] == "b: bad" and rows[1]["body"] is None
    assert rows[0]["blocks"][2]["label"] == "caption" and rows[0]["blocks"][2]["scores"]["caption"] == 0.9


# -- resume bookkeeping --------------------------------------------------------------------------

def test_prepare_resume_truncates_a_cut_line(tmp_path):
    out = tmp_path / "o.jsonl"
    with open(partial_path(str(out)), "wb") as fh:
        fh.write(b'{"id": "1"}\n{"id": "2"}\n{"id": "3", "bo')
    assert prepare_resume(str(out)) == (2, "2")
    assert open(partial_path(str(out)), "rb").read() == b'{"id": "1"}\n{"id": "2"}\n'


def test_prepare_resume_long_lines_across_chunks(tmp_path, monkeypatch):
    import boilerplate.corpus as corpus

    monkeypatch.setattr(corpus, "READ_BUFFER", 7)
    out = tmp_path / "o.jsonl"
    lines = [json.dumps({"id": f"page-{i}", "body": "x" * (i * 5)}) + "\n" for i in range(6)]
    with open(partial_path(str(out)), "w") as fh:
        fh.write("".join(lines) + '{"id": "cut')
    assert prepare_resume(str(out)) == (6, "page-5")
    assert open(partial_path(str(out))).read() == "".join(lines)


def test_prepare_resume_from_nothing_and_from_finished_output(tmp_path):
    out = tmp_path / "o.jsonl"
    assert prepare_resume(str(out)) == (0, None)
    out.write_bytes(b'{"id": "1"}\n')
    assert prepare_resume(str(out)) == (1, "1") and out.exists()  # untouched until the inputs check out
    continue_output(str(out))
    assert not out.exists() and os.path.exists(partial_path(str(out)))


def test_skip_records_checks_the_inputs_match():
    recs = [Record(str(i), "t") for i in range(5)]
    assert [r.id for r in skip_records(recs, 2, "1", "o")] == ["2", "3", "4"]
    with pytest.raises(InputError, match="same inputs"):
        skip_records(recs, 2, "0", "o")
    with pytest.raises(InputError, match="only 5"):
        skip_records(recs, 9, "8", "o")
