"""Smoke tests of ``python -m boilerplate.bench`` and ``python -m boilerplate.compare`` on a tiny
corpus with a tiny model: the reports have every figure they promise. Nothing here is timed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from boilerplate import BlockClassifier, bench, compare
from boilerplate.pages import LabelledPage

PARAGRAPHS = [
    "The council voted on Tuesday to keep the old library open for another five years, after a "
    "campaign that brought hundreds of residents to its meetings over the summer.",
    "Supporters said that the building is one of the few places in the town where people of all "
    "ages can meet without paying, and that closing it would hurt the poorest families most.",
    "The decision still has to be confirmed by the regional government, which pays for most of the "
    "repairs, but officials said they expected no objection to the plan from the ministry.",
]


def _blocks(i: int) -> list[tuple[str, str]]:
    return [
        ("Home | News | Sport | Weather", "ad"),
        (f"Library number {i} stays open", "body"),
        (PARAGRAPHS[i % 3], "body"),
        (f"The library in 2019. Foto: Agentur {i}", "caption"),
        (PARAGRAPHS[(i + 1) % 3], "body"),
        (f"12:{10 + i} Fire in the harbour district", "ticker"),
        (f"11:{20 + i} Train strike ends after two days", "ticker"),
        ("Anzeige", "ad"),
        ("Share on Facebook", "ad"),
    ]


def _page(i: int) -> LabelledPage:
    return LabelledPage.from_blocks(f"page-{i}", _blocks(i), sep="\n\n", lang="en")


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight pages in the blocks shape (read in both shapes: 16 pages, 8 groups)."""
    path = tmp_path_factory.mktemp("data") / "pages.jsonl"
    records = [{"id": f"page-{i}", "lang": "en", "blocks": [{"text": t, "label": lab} for t, lab in _blocks(i)]}
               for i in range(8)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "tiny.joblib"
    BlockClassifier(max_iter=10, context=False, min_samples_leaf=2).fit([_page(i) for i in range(8)]).save(path)
    return path


def test_corpus_is_deterministic_and_large_enough(corpus_file: Path) -> None:
    a = bench.build_corpus([corpus_file], 0.01)
    b = bench.build_corpus([corpus_file], 0.01)
    assert a.texts == b.texts and a.nbytes == b.nbytes >= 10_000
    assert sum(len(t.encode()) for t in a.texts) == a.nbytes
    assert a.langs[0] == "en"


def test_bench_reports_every_section(corpus_file: Path, model_file: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    rc = bench.main(["--mb", "0.02", "--runs", "1", "--sizes", "0.005,0.05", "--data", str(corpus_file),
                     "--sections", "throughput,justext,features,linearity",  # the corpus-scale ones: test_classify_cli
                     "--pages", str(tmp_path / "absent.jsonl"), "--model", str(model_file), "--json", str(out),
                     "--quiet"])
    assert rc == 0
    report = json.loads(out.read_text())
    sections = report["sections"]
    assert set(sections) == {"throughput", "justext", "features", "linearity"}
    assert sections["features"]["blocks"] == sections["throughput"]["blocks"]  # the same pages, every block
    assert sections["throughput"]["mb_per_s"] > 0 and sections["throughput"]["pages_per_s"] > 0
    assert sections["throughput"]["blocks"] > 0
    assert sections["justext"]["ours_over_justext"] > 0
    lin = sections["linearity"]
    assert lin["size_factor"] == pytest.approx(10, rel=0.1)
    assert lin["time_ratio"] > 0 and lin["time_ratio_one_line"] > 0
    assert report["corpus"]["mb"] >= 0.02
    printed = capsys.readouterr().out
    assert "MB/s" in printed and "jusText" in printed

    # a later run shows its headline figures next to this one's
    rc = bench.main(["--mb", "0.02", "--runs", "1", "--sections", "throughput", "--data", str(corpus_file),
                     "--pages", str(tmp_path / "absent.jsonl"), "--model", str(model_file),
                     "--compare-to", str(out), "--quiet"])
    assert rc == 0
    assert "vs earlier run" in capsys.readouterr().out


def test_bench_rejects_bad_arguments(corpus_file: Path, model_file: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--mb", "0.01", "--data", str(corpus_file), "--model", str(model_file), "--quiet"]
    assert bench.main(["--sections", "nope", *common]) == 2
    assert "unknown section 'nope'" in capsys.readouterr().err
    assert bench.main(["--data", str(tmp_path / "no"), "--pages", str(tmp_path / "none"), "--quiet"]) == 2
    assert "no pages" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--sizes", "10,1", *common])


def test_compare_scores_the_model_and_every_peer(corpus_file: Path, model_file: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "compare.json"
    rc = compare.main([str(corpus_file), "--folds", "2", "--model", str(model_file), "--json", str(out),
                       "--quiet"])
    assert rc == 0
    report = json.loads(out.read_text())
    names = [s["name"] for s in report["systems"]]
    assert names == ["model", "justext", "c4", "gopher", "baseline"]
    assert report["pages"] == 16 and report["groups"] == 8  # both shapes, grouped by page
    assert report["gold_counts"]["ticker"] == 32 and report["unlabelled_blocks"] == 0
    model = report["systems"][0]
    assert set(model["per_class"]) == {"body", "caption", "embed", "ad", "ticker"}
    assert model["body"]["support"] == 16 * 3
    for s in report["systems"]:
        assert 0 <= s["body"]["f1"] <= 1
        assert set(s["body_by_group"]) == {"paragraph", "wet"}
    printed = capsys.readouterr().out
    assert "body F1" in printed and "justext" in printed and "F1 per class" in printed


def test_compare_no_context_adds_a_row_for_the_ablation(corpus_file: Path, model_file: Path) -> None:
    report = compare.compare([corpus_file], folds=2, model_path=str(model_file), no_context=True, peers=["baseline"])
    assert [s["name"] for s in report["systems"]] == ["model", "model, no context", "baseline"]


def test_compare_without_the_model_scores_the_peers_on_the_same_blocks(corpus_file: Path, model_file: Path) -> None:
    full = compare.compare([corpus_file], folds=2, model_path=str(model_file))
    peers_only = compare.compare([corpus_file], with_model=False)
    assert [s["name"] for s in peers_only["systems"]] == list(compare.PEERS)
    assert peers_only["blocks"] == full["blocks"] and peers_only["margin_over_best_peer"] is None
    assert peers_only["systems"] == full["systems"][1:] or all(
        a["body"] == b["body"] for a, b in zip(peers_only["systems"], full["systems"][1:]))
    assert "peers only" in compare.format_table(peers_only)


def test_peers_are_scored_on_the_model_blocks(corpus_file: Path) -> None:
    from boilerplate.pages import read_pages
    from boilerplate.segment import segment

    pages = read_pages(corpus_file, shape="both")
    scores = compare.score_peers(pages, [segment(p.text) for p in pages], {"baseline": compare.PEERS["baseline"]})
    # every page has two long paragraphs ending in a full stop, and the rest is short: baseline is exact there
    assert scores["baseline"].body["recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert scores["baseline"].body["precision"] == 1.0


def test_compare_rejects_bad_arguments(corpus_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert compare.main([str(corpus_file), "--peers", "justext,nope"]) == 2
    assert "unknown peer 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        compare.main([str(corpus_file), "--folds", "1"])
    assert exit_.value.code == 2 and "cross-validation needs at least 2 folds" in capsys.readouterr().err
    assert compare.main([str(corpus_file), "--json", str(corpus_file.parent / "missing" / "r.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def _write_pages(path: Path, ids_and_langs: list[tuple[int, str]]) -> Path:
    records = [{"id": f"page-{lang}-{i}", "lang": lang, "blocks": [{"text": t, "label": lab} for t, lab in _blocks(i)]}
               for i, lang in ids_and_langs]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_compare_breaks_body_scores_down_by_page_language(tmp_path: Path, model_file: Path) -> None:
    # pages 0-3 labelled English, 4-6 German (the same blocks: only the grouping differs)
    both = _write_pages(tmp_path / "both.jsonl", [(i, "en") for i in range(4)] + [(i, "de-CH") for i in range(4, 7)])
    english = _write_pages(tmp_path / "en.jsonl", [(i, "en") for i in range(4)])
    report = compare.compare([both], with_model=False)
    assert report["languages"] == {"de": {"pages": 3, "body_blocks": 3 * 2 * 3},
                                   "en": {"pages": 4, "body_blocks": 4 * 2 * 3}}
    alone = compare.compare([english], with_model=False)
    for row, row_alone in zip(report["systems"], alone["systems"]):
        assert row["body_by_language"]["en"] == row_alone["body"]  # a language's row: its pages scored alone
        assert sum(s["support"] for s in row["body_by_language"].values()) == row["body"]["support"]
    table = compare.format_table(report)
    assert "body F1 by page language" in table and "\nde " in table
    assert "by page language" not in compare.format_table(alone)  # one language: no breakdown
    with_model = compare.compare([both], folds=2, model_path=str(model_file), peers=["baseline"])
    model_row = with_model["systems"][0]
    assert set(model_row["body_by_language"]) == {"de", "en"}
    assert sum(s["support"] for s in model_row["body_by_language"].values()) == model_row["body"]["support"]
    assert with_model["systems"][1]["body_by_language"] == report["systems"][-1]["body_by_language"]  # same blocks


def test_compare_seeds_add_a_row_per_training_seed_and_their_spread(corpus_file: Path, model_file: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    report = compare.compare([corpus_file], folds=2, model_path=str(model_file), seeds=[0, 3, 3], peers=["baseline"])
    names = [s["name"] for s in report["systems"]]
    assert names == ["model", "model, random_state=3", "baseline"]  # the model's own seed (0) is not run twice
    f1 = [s["body"]["f1"] for s in report["systems"][:2]]
    assert report["seeds"]["body_f1"] == f1
    assert report["seeds"]["mean"] == pytest.approx(sum(f1) / 2, abs=1e-4)
    assert report["seeds"]["spread"] == pytest.approx(max(f1) - min(f1), abs=1e-4)
    assert "training seeds: body F1 mean" in compare.format_table(report)
    assert compare.compare([corpus_file], folds=2, model_path=str(model_file), peers=["baseline"])["seeds"] is None
    with pytest.raises(SystemExit):
        compare.main([str(corpus_file), "--seeds", "1,x"])
    assert "not a comma-separated list of integers" in capsys.readouterr().err


def test_warm_up_loads_the_compiled_walk_before_the_clock_starts(model_file: Path) -> None:
    # a few pages are too few rows to load the walk; unloaded, the first timed run would pay for it
    from boilerplate import _trees, load_model

    pytest.importorskip("numba")
    _trees._kernel.cache_clear()
    bench._warm_up([_page(0).text], load_model(model_file), 1)
    assert _trees._kernel.cache_info().currsize == 1
