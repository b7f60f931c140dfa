"""`boilerplate classify`: formats in and out, faults recorded per page, -j N, resume, errors."""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import boilerplate
from boilerplate import cli
from boilerplate.pages import LabelledPage

pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("warcio")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# `boilerplate` with this subcommand alone, so these tests do not depend on the others.
CLASSIFY_ONLY = "import sys; from boilerplate import cli; cli.SUBCOMMANDS = ('classify',); sys.exit(cli.main(sys.argv[1:]))"


def train_tiny_model(path) -> str:
    """A small, fast model (the tests check plumbing, not accuracy)."""
    pages = []
    for i in range(8):
        pages.append(LabelledPage.from_blocks(f"p{i}", [
            (f"A headline about the council, part {i}", "body"),
            ("The council met on Tuesday and decided to build a new bridge. Residents were pleased.", "body"),
            ("Foto: AFP", "caption"),
            ("Advertisement", "ad"),
            ("Read more: Ten tips for the garden", "ad"),
            ("14:32 Markets close higher", "ticker"),
            ("14:10 Storm warning for the coast", "ticker"),
            ("— Jane Doe (@jane) May 3, 2023 pic.twitter.com/abc", "embed"),
            ("Another paragraph of the story, with more detail about the plan and its cost.", "body"),
        ], sep="\n\n" if i % 2 else "\n"))
    boilerplate.BlockClassifier(max_iter=15, context=False, min_samples_leaf=2).fit(pages).save(path)
    return str(path)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return train_tiny_model(tmp_path_factory.mktemp("model") / "tiny.joblib")


@pytest.fixture(autouse=True)
def only_classify(monkeypatch):
    """Build the CLI with this subcommand alone, so these tests do not depend on the others."""
    monkeypatch.setattr(cli, "SUBCOMMANDS", ("classify",))


def page_text(i: int) -> str:
    return (f"Headline number {i}\n\nThe council met on Tuesday and decided on plan {i}. People were pleased.\n\n"
            f"Foto: AFP\n\n14:3{i % 10} Markets close higher\n14:2{i % 10} Storm warning\n\nAdvertisement")


def write_jsonl(path, n: int, start: int = 0) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps({"id": f"doc{i}", "url": f"http://example.com/{i}", "text": page_text(i)}) + "\n")


def run(*argv, model=None) -> int:
    extra = ["--model", model] if model else []
    return cli.main(["classify", *argv, *extra])


def read_jsonl(path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- outputs -----------------------------------------------------------------------------------

def test_jsonl_output_matches_classify_many(tmp_path, model, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, 5)
    assert run(str(src), "-o", str(out), model=model) == 0
    rows = read_jsonl(out)
    docs = list(boilerplate.classify_many([page_text(i) for i in range(5)], model=boilerplate.load_model(model)))
    assert [r["id"] for r in rows] == [f"doc{i}" for i in range(5)]
    assert rows[2]["url"] == "http://example.com/2"
    for row, doc in zip(rows, docs):
        assert [(b["start"], b["end"], b["label"]) for b in row["blocks"]] == [(b.start, b.end, b.label) for b in doc.blocks]
        assert row["body"] == doc.body_text()
        assert set(row["blocks"][0]["scores"]) == set(boilerplate.LABELS)
    summary = capsys.readouterr().err
    assert "5 pages (0 failed)" in summary and "MB/s" in summary


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_group_by_site_matches_classify_many_grouped(tmp_path, jobs):
    from test_sites import _site_pages

    pages = _site_pages()
    path = tmp_path / "sites.joblib"
    boilerplate.BlockClassifier(max_iter=20, min_samples_leaf=2, context=False, calibrate=False).fit(pages).save(path)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    pages = sorted(pages, key=lambda p: p.url.split("/")[2])  # a crawl sorted by site
    with open(src, "w", encoding="utf-8") as fh:
        for p in pages:
            fh.write(json.dumps({"id": p.id, "url": p.url, "text": p.text}) + "\n")
    assert run(str(src), "-o", str(out), "--group-by", "site", "--batch-size", "4", "-j", jobs, "-q",
               model=str(path)) == 0
    labels = [[b["label"] for b in r["blocks"]] for r in read_jsonl(out)]
    assert labels == [[s.label for s in p.spans] for p in pages]  # only repetition tells them apart
    assert run(str(src), "-o", str(out), "-q", model=str(path)) == 0
    assert [[b["label"] for b in r["blocks"]] for r in read_jsonl(out)] != labels


def test_keep_chooses_labels(tmp_path, model):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, 3)
    assert run(str(src), "-o", str(out), "--keep", "body,caption,ad,ticker,embed", "-q", model=model) == 0
    assert [r["body"] for r in read_jsonl(out)] == [page_text(i) for i in range(3)]  # everything kept = the page


def test_tsv_text_and_parquet_outputs(tmp_path, model):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3)
    assert run(str(src), "-o", str(tmp_path / "o.tsv"), "-q", model=model) == 0
    lines = (tmp_path / "o.tsv").read_text().splitlines()
    assert lines[0].split("\t")[:5] == ["id", "block", "start", "end", "label"]
    n_blocks = sum(len(boilerplate.segment(page_text(i))) for i in range(3))
    assert len(lines) == 1 + n_blocks
    assert run(str(src), "-o", str(tmp_path / "o.txt"), "-q", model=model) == 0
    assert (tmp_path / "o.txt").read_text().count("\f") == 3
    assert run(str(src), "-o", str(tmp_path / "o.parquet"), "-q", model=model) == 0
    table = pq.read_table(tmp_path / "o.parquet").to_pylist()
    assert [r["id"] for r in table] == ["doc0", "doc1", "doc2"] and table[0]["blocks"][0]["label"]


def test_stdout_and_stdin(tmp_path, model, capsysbinary, monkeypatch):
    import io

    data = json.dumps({"id": "s", "text": page_text(1)}).encode() + b"\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))
    assert run("-", "-q", model=model) == 0
    out = capsysbinary.readouterr().out
    assert json.loads(out)["id"] == "s"


def test_every_input_format_in_one_run(tmp_path, model):
    import io

    import pyarrow as pa
    from warcio.warcwriter import WARCWriter

    (tmp_path / "a.txt").write_text(page_text(0), encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl", 1, start=1)
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    w.write_record(w.create_warc_record("http://example.com/w", "conversion",
                                        payload=io.BytesIO(page_text(2).encode()), warc_content_type="text/plain"))
    (tmp_path / "c.warc.wet.gz").write_bytes(buf.getvalue())
    pq.write_table(pa.table({"id": ["pq"], "text": [page_text(3)]}), tmp_path / "d.parquet")
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(json.dumps({"id": "gz", "text": page_text(4)}).encode()))
    out = tmp_path / "out" / "o.jsonl"
    out.parent.mkdir()
    assert run(str(tmp_path), "-o", str(out), "-q", model=model) == 0
    rows = read_jsonl(out)
    assert [r["id"] for r in rows][1:] == ["doc1", rows[2]["id"], "pq", "gz"]
    assert rows[2]["url"] == "http://example.com/w" and rows[2]["id"].startswith("<urn:uuid:")
    docs = list(boilerplate.classify_many([page_text(i) for i in range(5)], model=boilerplate.load_model(model)))
    assert [r["body"] for r in rows] == [d.body_text() for d in docs]


def test_format_and_field_options(tmp_path, model):
    src = tmp_path / "dump.txt"  # JSONL under another name
    src.write_text(json.dumps({"key": "k1", "content": page_text(1), "link": "http://x/1"}) + "\n")
    out = tmp_path / "o.jsonl"
    assert run(str(src), "--format", "jsonl", "--text-field", "content", "--id-field", "key", "--url-field", "link",
               "-o", str(out), "-q", model=model) == 0
    (row,) = read_jsonl(out)
    assert row["id"] == "k1" and row["url"] == "http://x/1" and row["blocks"]


# -- faults ----------------------------------------------------------------------------------

def test_bad_records_are_kept_counted_and_exit_1(tmp_path, model, capsys):
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(json.dumps({"id": "good1", "text": page_text(1)}).encode() + b"\n" + b"{oops\n"
                    + b'{"id": "bin", "text": "\xff"}\n' + json.dumps({"id": "good2", "text": page_text(2)}).encode() + b"\n")
    out = tmp_path / "o.jsonl"
    assert run(str(src), "-o", str(out), model=model) == 1
    rows = read_jsonl(out)
    assert [r["id"] for r in rows] == ["good1", f"{src}:2", f"{src}:3", "good2"]
    assert rows[1]["error"] == f"{src}:2: not valid JSON (Expecting property name enclosed in double quotes)"
    assert rows[2]["body"] is None and "UTF-8" in rows[2]["error"]
    err = capsys.readouterr().err
    assert f"warning: {src}:2: not valid JSON" in err and "4 pages (2 failed)" in err


def test_a_page_that_raises_does_not_stop_the_run(tmp_path, model, monkeypatch):
    from boilerplate import api

    original = api._classify_batch

    def flaky(model_, batch):  # batch: ((text, id, url), group key) per page
        if any("EXPLODE" in text for (text, _, _), _ in batch):
            raise RuntimeError("boom")
        return original(model_, batch)

    monkeypatch.setattr(api, "_classify_batch", flaky)
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    with open(src, "w") as fh:
        for i, text in enumerate([page_text(0), "EXPLODE here", page_text(2)]):
            fh.write(json.dumps({"id": str(i), "text": text}) + "\n")
    assert run(str(src), "-o", str(out), "-q", model=model) == 1
    rows = read_jsonl(out)
    assert [("error" in r) for r in rows] == [False, True, False]
    assert "classification failed (RuntimeError: boom)" in rows[1]["error"]


def test_strict_stops_at_first_bad_record_without_output(tmp_path, model, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    src.write_bytes(json.dumps({"text": page_text(1)}).encode() + b"\nnot json\n")
    assert run(str(src), "-o", str(out), "--strict", model=model) == 2
    assert os.listdir(tmp_path) == ["in.jsonl"]
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"boilerplate classify: error: {src}:2: not valid JSON (Expecting value)"]


@pytest.mark.parametrize("content,message", [
    (b"", "no pages in"),
    (b"\n\n", "no pages in"),
    (b"garbage\n", "nothing could be classified: {src}:1: not valid JSON"),
])
def test_nothing_readable_is_a_one_line_error_exit_2(tmp_path, model, capsys, content, message):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    src.write_bytes(content)
    assert run(str(src), "-o", str(out), model=model) == 2
    assert not out.exists() and not (tmp_path / "o.jsonl.partial").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("boilerplate classify: error: ") and message.format(src=src) in err[-1]


def test_invalid_utf8_text_file_one_line_error(tmp_path, model, capsys):
    src = tmp_path / "page.txt"
    src.write_bytes(b"ok line\n\xc3\x28 broken\n")
    assert run(str(src), "-o", str(tmp_path / "o.jsonl"), "-q", model=model) == 2
    assert capsys.readouterr().err.strip() == (f"boilerplate classify: error: nothing could be classified: "
                                               f"{src}:2: not valid UTF-8 (byte 8)")


@pytest.mark.parametrize("argv,message", [
    (["missing.jsonl"], "missing.jsonl: no such file or directory"),
    (["IN", "--keep", "body,nope"], "--keep 'body,nope': labels are"),
    (["IN", "--resume"], "--resume needs JSONL output to a file"),
    (["IN", "-o", "x.parquet", "--resume"], "--resume needs JSONL output to a file"),
    (["IN", "--output-format", "parquet"], "Parquet output needs a file"),
    (["IN", "--model", "nope.joblib"], "nope.joblib: no such model file"),
])
def test_usage_errors_exit_2(tmp_path, model, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "in.jsonl", 1)
    argv = [str(tmp_path / "in.jsonl") if a == "IN" else a for a in argv]
    assert cli.main(["classify", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err


# -- -j N ----------------------------------------------------------------------------------------

def test_jobs_2_output_equals_jobs_1(tmp_path, model):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 150)
    with open(src, "a") as fh:
        fh.write("broken line\n")
    write_jsonl(tmp_path / "more.jsonl", 20, start=150)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}.jsonl"
        assert run(str(src), str(tmp_path / "more.jsonl"), "-o", str(out), "-j", jobs, "--batch-size", "8",
                   "-q", model=model) == 1
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert len(outs[0].splitlines()) == 171


# -- resume ----------------------------------------------------------------------------------------

def test_resume_after_a_cut_write_gives_the_full_output(tmp_path, model):
    src, full, out = tmp_path / "in.jsonl", tmp_path / "full.jsonl", tmp_path / "o.jsonl"
    write_jsonl(src, 40)
    assert run(str(src), "-o", str(full), "-q", model=model) == 0
    data = full.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 25  # 1/3 done and a half-written line
    (tmp_path / "o.jsonl.partial").write_bytes(data[:cut])
    assert run(str(src), "-o", str(out), "--resume", model=model) == 0
    assert out.read_bytes() == data and not (tmp_path / "o.jsonl.partial").exists()
    # resuming a finished output is a no-op
    assert run(str(src), "-o", str(out), "--resume", "-q", model=model) == 0
    assert out.read_bytes() == data


def test_resume_refuses_different_inputs(tmp_path, model, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    write_jsonl(src, 5)
    (tmp_path / "o.jsonl.partial").write_text('{"id": "other", "blocks": []}\n')
    assert run(str(src), "-o", str(out), "--resume", model=model) == 2
    assert "resume with the same inputs" in capsys.readouterr().err
    assert (tmp_path / "o.jsonl.partial").exists()  # earlier work is never thrown away
    (tmp_path / "o.jsonl.partial").rename(out)  # a finished output with other inputs stays where it is
    assert run(str(src), "-o", str(out), "--resume", model=model) == 2
    assert out.exists() and not (tmp_path / "o.jsonl.partial").exists()


def test_interrupted_process_resumes_without_loss_or_duplicates(tmp_path, model):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    write_jsonl(src, 1000)
    cmd = [sys.executable, "-c", CLASSIFY_ONLY, "classify", str(src), "-o", str(out), "--model", model, "-q"]
    env = {**os.environ, "PYTHONPATH": REPO + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(cmd + ["--batch-size", "1"], env=env, stderr=subprocess.PIPE, cwd=REPO)
    partial = tmp_path / "o.jsonl.partial"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and (not partial.exists() or partial.stat().st_size == 0):
        time.sleep(0.05)
    if proc.poll() is not None:
        assert proc.returncode == 0, proc.stderr.read()
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"--resume" in err and partial.exists() and not out.exists()
    done = partial.read_bytes().count(b"\n")
    assert 0 < done < 1000
    resumed = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, cwd=REPO)
    assert resumed.returncode == 0, resumed.stderr
    ids = [r["id"] for r in read_jsonl(out)]
    assert ids == [f"doc{i}" for i in range(1000)]


# -- benchmark sections (smoke: figures present, nothing timed) --------------------------------------

def test_bench_jobs_and_streamed_sections_report_their_figures(tmp_path, model):
    from boilerplate import bench

    data = tmp_path / "pages.jsonl"
    with open(data, "w") as fh:
        for i in range(6):
            fh.write(json.dumps({"id": f"p{i}", "blocks": [{"text": page_text(i), "label": "body"}]}) + "\n")
    out = tmp_path / "bench.json"
    assert bench.main(["--mb", "0.02", "--runs", "1", "--sections", "jobs,streamed", "--streamed-mb", "0.05",
                       "--data", str(data), "--pages", str(tmp_path / "absent"), "--model", model,
                       "--json", str(out), "--quiet"]) == 0
    sections = json.loads(out.read_text())["sections"]
    assert sections["jobs"]["speedup"] > 0 and sections["jobs"]["jobs"] == 2
    runs = sections["streamed"]["runs"]
    assert len(runs) == 2 and all(r["tree_peak_pss_mb"] > 0 and r["processes"] >= 3 for r in runs)
