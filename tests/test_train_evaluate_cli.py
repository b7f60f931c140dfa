"""`boilerplate train` and `boilerplate evaluate`: outputs, model cards, and one-line errors."""
from __future__ import annotations

import json

import pytest

from boilerplate import load_model
from boilerplate.cli import main

from conftest import FIXTURES

PAGES = str(FIXTURES / "pages.txt")
SAMPLE = str(FIXTURES.parents[1] / "examples" / "sample.txt")  # a plain-text page


def test_train_writes_model_and_card_and_evaluate_reads_it(tmp_path, capsys):
    out = tmp_path / "m.joblib"
    assert main(["train", PAGES, "-o", str(out), "--max-iter", "10", "--shape", "as-is", "--quiet"]) == 0
    card = json.loads((tmp_path / "m.json").read_text())
    assert card["seed"] == 0 and card["data"][0]["path"] == PAGES and len(card["data"][0]["sha256"]) == 64
    assert card["training"]["pages"] == 3
    load_model(out)  # passes its own checks
    capsys.readouterr()
    report = tmp_path / "r.json"
    assert main(["evaluate", PAGES, "--model", str(out), "--shape", "as-is", "--errors", "3",
                 "--json", str(report), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "confusion" in printed
    result = json.loads(report.read_text())
    assert set(result["per_class"]) == {"body", "caption", "embed", "ad", "ticker"}
    assert result["blocks"] == sum(sum(row) for row in result["confusion"])
    assert 0.0 <= result["ece"] <= 1.0


def test_train_context_max_iter_sizes_the_context_stage(tmp_path):
    out = tmp_path / "m.joblib"
    assert main(["train", PAGES, "-o", str(out), "--max-iter", "6", "--context-max-iter", "2",
                 "--shape", "as-is", "--quiet"]) == 0
    model = load_model(out)
    assert model.block_stage_.n_iter_ == 6 and model.context_stage_.n_iter_ == 2
    assert json.loads((tmp_path / "m.json").read_text())["params"]["context_max_iter"] == 2


def test_evaluate_cross_validates_with_group_folds(tmp_path, capsys):
    out = tmp_path / "m.joblib"
    main(["train", PAGES, "-o", str(out), "--max-iter", "5", "--no-context", "--shape", "as-is", "--quiet"])
    capsys.readouterr()
    assert main(["evaluate", PAGES, "--model", str(out), "--group-folds", "3", "--shape", "as-is", "--quiet"]) == 0
    assert "3" in capsys.readouterr().out  # pages counted in the report header


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "blocks": [{"text": "x", "label": "body"}]}\nnot json\n', "bad.jsonl:2: not valid JSON"),
    ('{"id": "a", "blocks": [{"text": "x", "label": "nonsense"}]}\n', "unknown label 'nonsense'"),
    ("", "no labelled pages"),
])
def test_train_bad_data_is_one_line_error_and_no_output(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    out = tmp_path / "m.joblib"
    assert main(["train", str(bad), "-o", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not out.exists() and not (tmp_path / "m.json").exists()


def test_invalid_utf8_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "a", "blocks": []}\n{"id": "\xff"}\n')
    assert main(["train", str(bad), "-o", str(tmp_path / "m.joblib")]) == 2
    assert "bad.jsonl:2: not valid UTF-8" in capsys.readouterr().err


def test_missing_file_and_bad_model(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "absent.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
    fake = tmp_path / "fake.joblib"
    fake.write_bytes(b"junk")
    assert main(["evaluate", PAGES, "--model", str(fake)]) == 2
    assert "model card" in capsys.readouterr().err


def test_help_for_every_command(capsys):
    for cmd in ("classify", "train", "evaluate", "label", "report"):
        with pytest.raises(SystemExit) as exc:
            main([cmd, "--help"])
        assert exc.value.code == 0
        assert "usage: boilerplate " + cmd in capsys.readouterr().out


def test_version_names_the_library_and_feature_version(capsys):
    import boilerplate
    from boilerplate.features import FEATURE_VERSION

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"boilerplate {boilerplate.__version__} (feature version {FEATURE_VERSION})"


def _disputed_files(tmp_path, pages_per_file=1):
    """The same short lines labelled 'ad' in one file and 'body' in the other."""
    from boilerplate import write_pages
    from boilerplate.pages import LabelledPage

    lines = ["Jetzt abonnieren", "Mehr erfahren", "Weitere Artikel", "Zum Newsletter"]
    body = "Der Gemeinderat hat am Montag über den neuen Haushalt beraten und ihn knapp angenommen."
    paths = []
    for label in ("ad", "body"):
        pages = [LabelledPage.from_blocks(f"{label}-page-{i}", [(body, "body")] + [(t, label) for t in lines] * 5)
                 for i in range(pages_per_file)]
        path = tmp_path / f"{label}.jsonl"
        write_pages(pages, path)
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("weights, expected", [("10,1", "ad"), ("1,10", "body")])
def test_train_weights_count_each_data_argument(tmp_path, weights, expected):
    out = tmp_path / "m.joblib"
    assert main(["train", *_disputed_files(tmp_path), "-o", str(out), "--weights", weights, "--max-iter", "10",
                 "--no-context", "--shape", "as-is", "--quiet"]) == 0
    model = load_model(out)
    assert model.predict(["Mehr erfahren"])[0] == expected
    card = json.loads((tmp_path / "m.json").read_text())
    assert card["weights"] == [float(w) for w in weights.split(",")]


def test_train_weights_must_match_the_data(tmp_path, capsys):
    out = tmp_path / "m.joblib"
    assert main(["train", *_disputed_files(tmp_path), "-o", str(out), "--weights", "1", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--weights has 1 values for 2 DATA arguments" in err and len(err.splitlines()) == 1
    assert not out.exists()
    with pytest.raises(SystemExit):
        main(["train", *_disputed_files(tmp_path), "-o", str(out), "--weights", "1,-2", "--quiet"])
    assert "non-negative" in capsys.readouterr().err


def test_evaluate_weights_weigh_the_scored_pages_against_the_extra_ones(tmp_path, capsys):
    scored, body_file = _disputed_files(tmp_path, pages_per_file=2)  # 'ad' pages held out in turn; 'body' ones train every fold
    model = tmp_path / "m.joblib"
    assert main(["train", scored, "-o", str(model), "--max-iter", "10", "--no-context", "--quiet"]) == 0
    accuracy = {}
    for weight in ("10", "0.1"):
        out = tmp_path / f"w{weight}.json"
        assert main(["evaluate", scored, "--model", str(model), "--group-folds", "2", "--train-extra", body_file,
                     "--weights", weight, "--shape", "as-is", "--json", str(out), "--quiet"]) == 0
        accuracy[weight] = json.loads(out.read_text())["accuracy"]
    assert accuracy["10"] > 0.9 and accuracy["0.1"] < 0.1  # the 40 disputed lines follow the heavier side


def test_evaluate_weights_need_folds(tmp_path, capsys):
    ad_file, _ = _disputed_files(tmp_path)
    assert main(["evaluate", ad_file, "--weights", "2", "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--weights needs --group-folds" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["train", PAGES, "--max-iter", "0"], "argument --max-iter: 0: must be at least 1"),
    (["train", PAGES, "--context-max-iter", "-2"], "argument --context-max-iter: -2: must be at least 1"),
    (["train", PAGES, "--seed", "-1"], "argument --seed: -1: must be between 0 and"),
    (["train", PAGES, "--eval-folds", "1"], "argument --eval-folds: 1: cross-validation needs at least 2 folds"),
    (["evaluate", PAGES, "--group-folds", "1"], "argument --group-folds: 1: cross-validation needs at least 2"),
    (["evaluate", PAGES, "--errors", "-1"], "argument --errors: -1: must be 0 or more"),
    (["report", PAGES, "--folds", "x"], "argument --folds: 'x' is not a whole number"),
    (["classify", PAGES, "--batch-size", "0"], "argument --batch-size: 0: must be at least 1"),
    (["classify", PAGES, "-j", "-1"], "argument -j/--jobs: -1: must be 0 or more"),
    (["label", PAGES, "--check-below", "1.5"], "argument --check-below: 1.5: must be between 0 and 1"),
])
def test_bad_numbers_are_usage_errors_before_any_work(tmp_path, capsys, argv, message):
    out = tmp_path / ("m.joblib" if argv[0] == "train" else "r.html")
    extra = ["-o", str(out)] if argv[0] in ("train", "report") else []
    with pytest.raises(SystemExit) as exit_:
        main(argv + extra)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("command", [
    ["train", PAGES, "--max-iter", "2", "-o"],
    ["evaluate", PAGES, "--json"],
    ["report", PAGES, "-o"],
    ["classify", PAGES, "-o"],
    ["label", SAMPLE, "-o"],
])
def test_unwritable_outputs_are_refused_before_any_work(tmp_path, capsys, command):
    name = {"report": "r.html", "label": "l.txt", "train": "m.joblib"}.get(command[0], "out.json")
    missing_folder = tmp_path / "no-such-folder" / name
    assert main(command + [str(missing_folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"folder {missing_folder.parent} does not exist") and len(err.splitlines()) == 1
    folder = tmp_path / name  # a folder with an output file's name
    folder.mkdir()
    assert main(command + [str(folder)]) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_a_failing_disk_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    import boilerplate.commands.label as label

    def disk_full(path, text):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(label, "write_text", disk_full)
    out = tmp_path / "l.txt"
    assert main(["label", SAMPLE, "-o", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"boilerplate label: error: {out}: No space left on device"


def test_a_bad_score_file_fails_before_training(tmp_path, capsys):
    out = tmp_path / "m.joblib"
    missing = tmp_path / "held-out.jsonl"
    assert main(["train", PAGES, "-o", str(out), "--max-iter", "2", "--score", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: no such file or directory" in err and "training on all pages" not in err
    assert list(tmp_path.iterdir()) == []


def _predictions(gold, pred, ids):
    import numpy as np

    from boilerplate.evaluate import BlockPredictions

    none = np.full(len(gold), "", dtype=object)
    return BlockPredictions(np.array(gold, dtype=object), np.array(pred, dtype=object),
                            np.zeros((len(gold), 5)), np.array(ids, dtype=object), none, none)


def test_worst_pages_merge_twins_rank_by_errors_and_add_up_shares():
    from boilerplate.evaluate import worst_pages

    preds = _predictions(
        gold=["body", "body", "ad", "ad", "body", "caption", "body", "ad"],
        pred=["ad", "ad", "body", "ad", "body", "body", "body", "ad"],
        ids=["x", "x#wet", "y", "y#wet", "y", "z", "w", "w"])
    rows = worst_pages(preds, 10)
    assert [r["page"] for r in rows] == ["x", "y", "z"]  # w has no error; y and z tie, by name
    assert [r["errors"] for r in rows] == [2, 1, 1]
    x, y, z = rows
    assert (x["blocks"], x["body_fn"], x["body_fp"], x["body_f1"]) == (2, 2, 0, 0.0)
    assert x["top_confusion"] == {"gold": "body", "pred": "ad", "blocks": 2}
    assert (y["blocks"], y["body_fp"]) == (3, 1)
    assert [r["error_share"] for r in rows] == [0.5, 0.75, 1.0]
    assert [r["page"] for r in worst_pages(preds, 1)] == ["x"]
    assert worst_pages(_predictions(["ad"], ["ad"], ["a"]), 3) == []


def test_evaluate_lists_worst_pages_consistent_with_its_confusion(tmp_path, capsys):
    out = tmp_path / "m.joblib"
    main(["train", PAGES, "-o", str(out), "--max-iter", "3", "--no-context", "--shape", "as-is", "--quiet"])
    report = tmp_path / "r.json"
    capsys.readouterr()
    assert main(["evaluate", PAGES, "--model", str(out), "--group-folds", "3", "--shape", "as-is",
                 "--worst-pages", "5", "--json", str(report), "--quiet"]) == 0
    printed = capsys.readouterr().out
    result = json.loads(report.read_text())
    errors = result["blocks"] - sum(result["confusion"][k][k] for k in range(5))
    rows = result["worst_pages"]
    assert errors > 0 and rows, "three folds of tiny models on three pages should miss something"
    assert sum(r["errors"] for r in rows) == errors  # fewer than 5 pages: every error is listed
    assert rows[-1]["error_share"] == pytest.approx(1.0)
    assert [r["errors"] for r in rows] == sorted((r["errors"] for r in rows), reverse=True)
    assert "most misclassified blocks" in printed and rows[0]["page"] in printed
